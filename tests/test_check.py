"""The core check, with the real simulator: verdicts, diagnostics and evidence per testbench style."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from support import CHECK, GOOD_COUNTER, counter

from veriassist.check.checker import CheckOptions, check
from veriassist.check.feedback import render_feedback
from veriassist.check.inputs import load_candidate, load_testbench
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.types import (
    Candidate,
    CheckResult,
    FailureKind,
    Severity,
    SourceFile,
    Testbench,
    TestbenchStyle,
)

# One reference run per testbench for this file, as a bench run or an agent loop would share it.
COUNTS = ReferenceCounts()


def judge(
    candidate: Candidate, testbench: Testbench, options: CheckOptions | None = None, **kwargs: Any
) -> CheckResult:
    """check(), held to the reference's sample count the way every product caller gets it."""
    return check_counted(candidate, testbench, options, COUNTS, **kwargs)


pytestmark = pytest.mark.simulator


def test_correct_counter_passes_with_every_sample_compared(
    counter_tb: Testbench, sandbox_backend: str
) -> None:
    result = judge(counter(GOOD_COUNTER), counter_tb)
    assert result.passed, result.summary
    assert result.kind is FailureKind.PASS
    assert result.samples == 77 and result.total_mismatches == 0
    assert result.sandboxed


def test_syntax_error_is_reported_at_the_candidates_own_file_and_line(counter_tb: Testbench) -> None:
    broken = GOOD_COUNTER.replace("if (reset) q <= 0;", "if (reset) q <= 0")
    result = judge(counter(broken), counter_tb)
    assert result.kind is FailureKind.SYNTAX_ERROR
    first = next(d for d in result.diagnostics if d.severity is Severity.ERROR)
    # iverilog notices the missing `;` at the `else` on the next line.
    assert (first.file, first.line) == ("top.sv", 8)
    feedback = render_feedback(result, counter(broken))
    assert "   7 |     if (reset) q <= 0\n>  8 |     else if (q == 9) q <= 0;" in feedback


def test_logic_bug_gives_per_output_mismatches_first_time_and_waveform(counter_tb: Testbench) -> None:
    wraps_late = GOOD_COUNTER.replace("q == 9", "q == 10")
    result = judge(counter(wraps_late), counter_tb)
    assert not result.passed
    assert result.kind is FailureKind.MISMATCH  # no posedge/negedge reset in the RTL: upstream's 'R'
    assert result.kind.code == "R"
    (q,) = result.mismatches
    assert q.output == "q" and q.count > 0
    # Reset is released at 10 ps; q reaches 9 at the edge at 95 ps, goes to 10 instead of 0 at 105,
    # and the testbench's next sample (the falling edge at 110) sees it.
    assert result.first_mismatch_time == q.first_time == 110
    assert "q (expected)" in result.waveform
    assert "MISMATCH" in result.waveform
    feedback = render_feedback(result, counter(wraps_late))
    assert "`q`" in feedback and "first at time 110" in feedback


def test_async_reset_candidate_with_mismatch_is_classified_with_reset(counter_tb: Testbench) -> None:
    text = GOOD_COUNTER.replace("always @(posedge clk)", "always @(posedge clk or posedge reset)")
    text = text.replace("q == 9", "q == 8")
    result = judge(counter(text), counter_tb)
    assert result.kind is FailureKind.MISMATCH_WITH_RESET and result.kind.code == "r"


def test_undriven_output_is_x_and_fails(counter_tb: Testbench) -> None:
    text = "module TopModule(input clk, input reset, output reg [3:0] q); endmodule\n"
    result = judge(counter(text), counter_tb)
    assert not result.passed
    # Every sample but the first (where the reference is still X, a don't-care) mismatches.
    assert result.samples == 77 and result.total_mismatches == 76


def test_zero_delay_loop_times_out(counter_tb: Testbench) -> None:
    # `initial forever` without a delay compiles (unlike an `always` without one, below) and never
    # lets simulated time advance: only the wall-clock limit can end it.
    text = GOOD_COUNTER.replace("endmodule", "reg spin = 0;\ninitial forever spin = ~spin;\nendmodule")
    result = judge(counter(text), counter_tb, CheckOptions(timeout_s=2))
    assert result.kind is FailureKind.TIMEOUT and not result.passed
    assert "wall-clock limit fired" in result.summary


def test_always_without_a_delay_is_refused_at_compile_time(counter_tb: Testbench) -> None:
    text = GOOD_COUNTER.replace("endmodule", "reg spin;\nalways begin spin = ~spin; end\nendmodule")
    result = judge(counter(text), counter_tb)
    assert result.kind is FailureKind.COMPILE_ERROR and not result.passed
    assert "always process does not have any delay" in result.summary


def test_wrong_module_name_and_no_module_are_named(counter_tb: Testbench) -> None:
    result = judge(
        Candidate((SourceFile("top.sv", GOOD_COUNTER.replace("TopModule", "counter")),), "TopModule"),
        counter_tb,
    )
    assert result.kind is FailureKind.WRONG_MODULE_NAME
    assert "`TopModule`" in result.summary and "`counter`" in result.summary
    result = judge(
        Candidate((SourceFile("top.sv", "I think the answer is a counter."),), "TopModule"), counter_tb
    )
    assert result.kind is FailureKind.NO_MODULE


def test_port_mismatch_against_the_reference_is_reported_before_simulating(counter_tb: Testbench) -> None:
    text = GOOD_COUNTER.replace("output reg [3:0] q", "output reg [7:0] q").replace(
        "input reset", "input rst"
    )
    result = judge(counter(text), counter_tb)
    assert result.kind is FailureKind.PORT_MISMATCH
    joined = " ".join(result.rejections)
    assert "q" in joined and "reset" in joined
    assert "compile_simulate_s" not in result.timings


def test_unknown_submodule_is_classified(counter_tb: Testbench) -> None:
    text = GOOD_COUNTER.replace("endmodule", "helper h(.a(clk));\nendmodule")
    result = judge(counter(text), counter_tb)
    assert result.kind is FailureKind.UNKNOWN_MODULE


def test_banner_testbench_passes_and_reads_its_data_file(adder_tb: Testbench, sandbox_backend: str) -> None:
    design = Candidate((SourceFile("adder8.v", (CHECK / "adder8.v").read_text()),), "adder8")
    result = judge(design, adder_tb)
    assert result.passed, result.sim_log


def test_banner_testbench_fails_a_wrong_adder(adder_tb: Testbench) -> None:
    wrong = (CHECK / "adder8.v").read_text().replace("a + b", "a | b")
    result = judge(Candidate((SourceFile("adder8.v", wrong),), "adder8"), adder_tb)
    assert result.kind is FailureKind.TEST_FAILED
    assert not result.passed
    assert "failures" in result.sim_log


def test_check_leaves_no_work_directory_behind(counter_tb: Testbench, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VERIASSIST_WORK_ROOT", str(tmp_path))
    judge(counter(GOOD_COUNTER), counter_tb)
    assert list(tmp_path.iterdir()) == []


def test_compare_style_without_reference_file_still_runs(counter_tb: Testbench) -> None:
    # VerilogEval v1 testbenches embed the reference module in the test file itself.
    embedded = Testbench(
        TestbenchStyle.COMPARE,
        (SourceFile("test.sv", counter_tb.files[0].text + "\n" + (CHECK / "counter_ref.sv").read_text()),),
        "tb",
    )
    assert judge(counter(GOOD_COUNTER), embedded).passed


def test_kept_work_dir_holds_the_waveform_and_is_the_callers_to_remove(counter_tb: Testbench) -> None:
    import shutil

    result = judge(counter(GOOD_COUNTER), counter_tb, CheckOptions(keep_workdir=True))
    try:
        assert result.passed and result.workdir is not None
        assert (result.workdir / "wave.vcd").stat().st_size > 0
        assert result.to_json()["workdir"] == str(result.workdir)
    finally:
        assert result.workdir is not None
        shutil.rmtree(result.workdir)


def test_a_given_reference_sample_count_is_the_one_a_candidate_must_match(counter_tb: Testbench) -> None:
    # The honest counter shows 77 samples; told the reference showed 78, the same run cannot pass.
    assert check(counter(GOOD_COUNTER), counter_tb, expected_samples=77).passed
    told_more = check(counter(GOOD_COUNTER), counter_tb, expected_samples=78)
    assert not told_more.passed
    assert "compared only 77 samples (the reference gives 78)" in told_more.summary


ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("design", "mutant"),
    [("adder8", "overflow_is_carry.sv"), ("bin_to_gray", None), ("decoder3to8", None), ("alu8", None)],
)
def test_first_mismatch_row_of_a_clockless_testbench_is_the_first_mismatching_row(
    design: str, mutant: str | None
) -> None:
    # Without a clock a row holds the values after a change; the sample at time T sees the
    # last row at or before T. Marking the first row after T put an earlier MISMATCH above it.
    folder = ROOT / "designs" / design
    wrong = folder / "mutants" / mutant if mutant else sorted((folder / "mutants").glob("*.sv"))[0]
    testbench = load_testbench(folder / "testbench.sv", folder / "reference.sv")
    design_files = load_candidate([wrong], None, testbench)
    result = judge(design_files, testbench)
    assert not result.passed and result.first_mismatch_time is not None
    table = [line for line in result.waveform.splitlines() if line.startswith((" ", ">"))]
    marked = [line for line in table if line.startswith(">")]
    assert len(marked) == 1 and "FIRST MISMATCH" in marked[0]
    above = table[: table.index(marked[0])]
    assert not any("MISMATCH" in line for line in above)
    marked_time = int(marked[0].split("|")[1])
    assert marked_time <= result.first_mismatch_time
    assert "FIRST MISMATCH" in render_feedback(result, design_files)  # what the model reads


def test_feedback_headline_says_passed_or_failed_once(counter_tb: Testbench) -> None:
    passed = render_feedback(judge(counter(GOOD_COUNTER), counter_tb))
    assert passed.startswith("PASSED: 0 mismatches in ") and "passed:" not in passed
    bad = counter(GOOD_COUNTER.replace("q <= q + 1", "q <= q + 2"))
    failed = render_feedback(judge(bad, counter_tb), bad)
    assert failed.startswith("FAILED (mismatch): ") and "failed:" not in failed.splitlines()[0]


SPEED_SUITE = ROOT / "tests" / "fixtures" / "suites" / "verilogeval_v2_speed"


def _error_flags() -> tuple[Candidate, Testbench]:
    """Our VE2-layout problem whose outputs are named `error`, `errors` and `syntax_error_flag`."""
    from veriassist.suites import load_suite

    problem = next(p for p in load_suite(SPEED_SUITE).problems if p.task_id.endswith("_error_flags"))
    assert problem.reference is not None and problem.testbench is not None
    return Candidate((problem.reference,), problem.top), problem.testbench


def test_outputs_named_error_are_no_compile_error() -> None:
    # The testbench prints `Hint: Output 'error' has no mismatches.` and the like: stamped lines
    # that speak of a port, not of a failed compile.
    design, testbench = _error_flags()
    text = design.files[0].text.replace("endmodule", "// not the reference itself\nendmodule")
    result = judge(Candidate((SourceFile("TopModule.sv", text),), design.top), testbench)
    assert result.passed, result.summary
    assert result.kind is FailureKind.PASS and result.total_mismatches == 0
    hinted = {m.output for m in result.mismatches}
    assert hinted == {"error", "errors", "syntax_error_flag"}
    assert any("Output 'error' has no mismatches" in line for line in result.sim_log.splitlines())


def test_a_wrong_design_with_an_error_output_is_a_mismatch_and_a_broken_one_a_compile_error() -> None:
    design, testbench = _error_flags()
    text = design.files[0].text
    wrong = judge(Candidate((SourceFile("TopModule.sv", text.replace("|d", "&d")),), design.top), testbench)
    assert wrong.kind is FailureKind.MISMATCH
    assert [m.output for m in wrong.mismatches if m.count] == ["error"]
    # A real compile error still is one, found by the compiler's exit and told by its output.
    broken = text.replace("assign error = |d;", "assign error = no_such_function(d);")
    failed = judge(Candidate((SourceFile("TopModule.sv", broken),), design.top), testbench)
    assert failed.kind is FailureKind.COMPILE_ERROR and not failed.passed
    assert any("no_such_function" in d.message and d.file == "TopModule.sv" for d in failed.diagnostics)


def test_the_testbench_timeout_line_is_told_apart_from_our_wall_clock(counter_tb: Testbench) -> None:
    # The candidate keeps the clock from ever reaching the stimulus's end: only the testbench's
    # own `#1000000 TIMEOUT` ends the run, long before our wall clock would.
    text = counter_tb.files[0].text
    assert "TIMEOUT" in text
    stalled = GOOD_COUNTER.replace("endmodule", "initial #5 forever #1 ;\nendmodule")
    late = Testbench(
        counter_tb.style,
        (SourceFile("counter_test.sv", text.replace("#1 $finish", "#2000000 $finish")),),
        counter_tb.toplevel,
        counter_tb.reference,
        counter_tb.reference_module,
    )
    result = check(counter(stalled), late, expected_samples=None)
    assert result.kind is FailureKind.TIMEOUT
    assert "testbench's own time limit" in result.summary and "wall-clock" not in result.summary
    assert "retried_timeout_s" not in result.timings


def test_a_run_held_back_by_load_is_retried_once_and_the_retry_recorded(
    counter_tb: Testbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first run is kept waiting (as a loaded machine would: wall time passes, no CPU is
    # used) until our limit fires; the retry runs the real simulation and gives the verdict.
    from veriassist.toolchain import runner

    real, calls = runner.run, []

    def first_run_waits(argv: list[str], workdir: Path, **kwargs: Any) -> runner.ProcessResult:
        calls.append(argv)
        if len(calls) == 1:  # in place of the compile (one program, not the stages' pipe)
            kwargs["then"] = dataclasses.replace(kwargs["then"], piped=0)
            return real(["/bin/sh", "-c", "sleep 30"], workdir, **kwargs)
        return real(argv, workdir, **kwargs)

    monkeypatch.setattr(runner, "run", first_run_waits)
    options = CheckOptions(timeout_s=1, compile_timeout_s=1)
    result = check(counter(GOOD_COUNTER), counter_tb, options, expected_samples=None)
    assert result.passed, result.summary
    assert len(calls) == 2 and calls[0] == calls[1]
    assert 1.5 <= result.timings["retried_timeout_s"] < 10


def test_a_design_that_runs_forever_times_out_saying_which_limit_fired(counter_tb: Testbench) -> None:
    text = GOOD_COUNTER.replace("endmodule", "reg spin = 0;\ninitial forever spin = ~spin;\nendmodule")
    result = check(counter(text), counter_tb, CheckOptions(timeout_s=1.5), expected_samples=None)
    assert result.kind is FailureKind.TIMEOUT
    assert "our wall-clock limit fired: the simulation ran past 1.5 s, using " in result.summary
    # Whether load held the first run back depends on the machine; the record says which.
    assert ("retried_timeout_s" in result.timings) == ("also on a retry" in result.summary)


def _ran(timed_out: bool, cpu_s: float | None) -> Any:
    from veriassist.toolchain.runner import ProcessResult

    return ProcessResult(("vvp",), -9, "", "", timed_out, 30.0, 0, cpu_s)


def test_only_a_timeout_that_used_little_cpu_counts_as_held_back_by_load() -> None:
    from veriassist.check.simulators import stalled

    assert stalled(_ran(True, 2.0), 30)  # waited for the CPU most of the time
    assert not stalled(_ran(True, 29.0), 30)  # computed all along: the design's own doing
    assert not stalled(_ran(True, None), 30)  # unknown: no second run on a guess
    assert not stalled(_ran(False, 0.1), 30)  # finished: nothing to retry
