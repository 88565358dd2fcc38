"""A candidate must never be judged passing for something it did rather than what the testbench saw.

Each test is one attack an untrusted (LLM-written) design could try. The wrong
designs below would fail honestly; the attack is what is being tested.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from support import GOOD_COUNTER, counter

from veriassist.check.checker import CheckOptions
from veriassist.check.cocotb_sim import Cocotb
from veriassist.check.feedback import render_feedback
from veriassist.check.reference_counts import ReferenceCounts, check_counted, measure
from veriassist.check.simulators import IcarusBanner, IcarusCompare
from veriassist.types import Candidate, CheckResult, FailureKind, SourceFile, Testbench, TestbenchStyle

pytestmark = pytest.mark.simulator

STUCK_AT_ZERO = (
    "module TopModule(input clk, input reset, output reg [3:0] q);\n  initial q = 0;\n{attack}\nendmodule\n"
)


def judge(candidate: Candidate, testbench: Testbench, options: CheckOptions | None = None) -> CheckResult:
    """The check as every product caller makes it: held to the reference's sample count."""
    return check_counted(candidate, testbench, options, ReferenceCounts())


def stuck(attack: str) -> Candidate:
    return counter(STUCK_AT_ZERO.format(attack=attack))


def test_printing_the_summary_and_hints_does_not_pass(counter_tb: Testbench) -> None:
    attack = """  initial #1 $display("Mismatches: 0 in 77 samples");
  final begin
    $display("Hint: Output 'q' has no mismatches.");
    $display("Hint: Total mismatched samples is 0 out of 77 samples");
    $display("Mismatches: 0 in 77 samples");
  end"""
    result = judge(stuck(attack), counter_tb)
    assert not result.passed
    assert result.kind is FailureKind.MISMATCH
    assert "Mismatches: 0 in 77 samples" in result.sim_log  # it did print it; nobody believed it


def test_printing_the_pass_banner_does_not_pass_a_self_checking_testbench(adder_tb: Testbench) -> None:
    wrong = """module adder8 (input [7:0] a, input [7:0] b, output [8:0] sum);
  assign sum = 0;
  initial #5 $display("===========Your Design Passed===========");
  final $display("===========Your Design Passed===========");
endmodule
"""
    result = judge(Candidate((SourceFile("adder8.v", wrong),), "adder8"), adder_tb)
    assert not result.passed
    assert result.kind is FailureKind.TEST_FAILED


@pytest.mark.parametrize(
    ("attack", "reason"),
    [
        ("  initial #20 $finish;", "$finish"),
        ("  initial #20 $stop;", "$stop"),
        ('  initial #20 $fatal(1, "bye");', "$fatal"),
        ("  always @(negedge clk) tb.stats1 = 0;", "hierarchical reference"),
        ("  initial force tb.tb_match = 1'b1;", "force"),
        ("  always @(negedge clk) $root.tb.stats1.errors = 0;", "$root"),
        ('  initial begin $dumpfile("wave.vcd"); $dumpvars(0, TopModule); end', "$dumpfile"),
        ('  integer fd; initial fd = $fopen("results.txt", "w");', "$fopen"),
        ('  initial $system("echo Mismatches: 0 in 77 samples");', "$system"),
    ],
)
def test_constructs_a_design_has_no_business_using_are_rejected_with_a_reason(
    counter_tb: Testbench, attack: str, reason: str
) -> None:
    result = judge(stuck(attack), counter_tb)
    assert result.kind is FailureKind.REJECTED
    assert any(reason in r for r in result.rejections), result.rejections
    assert "compile_simulate_s" not in result.timings  # nothing was simulated
    assert reason in render_feedback(result)


@pytest.mark.parametrize("module", ["RefModule", "tb", "stimulus_gen"])
def test_redefining_a_testbench_or_reference_module_is_rejected(counter_tb: Testbench, module: str) -> None:
    impostor = f"module {module}(input clk, input reset, output reg [3:0] q); endmodule\n"
    result = judge(counter(GOOD_COUNTER + impostor), counter_tb)
    assert result.kind is FailureKind.REJECTED
    assert f"`{module}`" in result.rejections[0]


def test_including_the_testbench_source_is_rejected(counter_tb: Testbench) -> None:
    result = judge(stuck('`include "../tb/counter_test.sv"'), counter_tb)
    assert result.kind is FailureKind.REJECTED


def test_ending_the_run_early_is_caught_even_past_the_static_check(counter_tb: Testbench) -> None:
    """Defence in depth: bypass the static check; the run never reached the testbench's own
    (stamped) `$finish`, so its summary covers part of the stimulus and is no verdict."""
    early = stuck("  initial #20 $finish;")
    result = IcarusCompare().run(early, counter_tb, CheckOptions(), expected_samples=None)
    assert not result.passed
    assert result.kind is FailureKind.NO_VERDICT
    assert "before the testbench's own $finish" in result.summary and "ended early" in result.summary
    # Without the early end, the same design is judged on the whole stimulus: it fails on its merits.
    whole = IcarusCompare().run(stuck(""), counter_tb, CheckOptions(), expected_samples=None)
    assert whole.kind is FailureKind.MISMATCH and whole.samples == 77


def test_ending_early_a_testbench_that_ends_by_stop_is_caught_by_the_reference_count(
    counter_tb: Testbench,
) -> None:
    """A testbench ending by `$stop` has no marked end: the reference's sample count is the defence."""
    text = counter_tb.files[0].text.replace("$finish", "$stop")
    unmarked = replace(counter_tb, files=(SourceFile(counter_tb.files[0].name, text),))
    expected = measure("TopModule", unmarked, CheckOptions())
    assert expected == 77
    early = stuck("  initial #20 $finish;")
    result = IcarusCompare().run(early, unmarked, CheckOptions(), expected_samples=expected)
    assert not result.passed
    assert result.kind is FailureKind.NO_VERDICT
    assert "(the reference gives 77)" in result.summary


def test_a_summary_over_zero_samples_is_not_a_pass(counter_tb: Testbench) -> None:
    result = IcarusCompare().run(
        stuck("  initial $finish;"), counter_tb, CheckOptions(), expected_samples=None
    )
    assert result.samples == 0
    assert not result.passed


def test_flooding_the_log_costs_bounded_memory_and_cannot_hide_a_failure(counter_tb: Testbench) -> None:
    flood = '  always @(clk) repeat (2000) $display("%0200d", 0);'
    result = judge(stuck(flood), counter_tb)
    assert not result.passed
    assert len(result.sim_log) < 600_000  # ~30 MB printed, head and tail kept
    assert "bytes of output left out" in result.sim_log


def test_an_honest_design_that_prints_a_lot_still_passes(counter_tb: Testbench) -> None:
    chatty = GOOD_COUNTER.replace(
        "endmodule", '  always @(clk) repeat (2000) $display("%0200d", q);\nendmodule'
    )
    result = judge(counter(chatty), counter_tb)
    assert result.passed, result.summary


def test_the_sandbox_stops_writes_outside_the_work_dir_even_past_the_static_check(
    counter_tb: Testbench, sandbox_backend: str
) -> None:
    target = Path("/tmp") / f"veriassist-escape-{uuid.uuid4().hex}.txt"
    attack = (
        f'  integer fd; initial begin fd = $fopen("{target}", "w"); $fdisplay(fd, "pwned"); $fclose(fd); end'
    )
    result = IcarusCompare().run(
        counter(GOOD_COUNTER.replace("endmodule", attack + "\nendmodule")),
        counter_tb,
        CheckOptions(),
        expected_samples=None,
    )
    assert result.sandboxed and result.passed  # the design still runs: only the write is refused
    assert not target.exists()


def test_without_the_sandbox_the_same_write_would_have_landed(counter_tb: Testbench) -> None:
    """Shows the previous test tests something: the attack works when nothing stops it."""
    target = Path("/tmp") / f"veriassist-escape-{uuid.uuid4().hex}.txt"
    attack = (
        f'  integer fd; initial begin fd = $fopen("{target}", "w"); $fdisplay(fd, "pwned"); $fclose(fd); end'
    )
    try:
        IcarusCompare().run(
            counter(GOOD_COUNTER.replace("endmodule", attack + "\nendmodule")),
            counter_tb,
            CheckOptions(sandbox=False),
            expected_samples=None,
        )
        assert target.read_text().strip() == "pwned"
    finally:
        target.unlink(missing_ok=True)


def test_a_candidate_cannot_read_the_nonce_from_the_stamped_testbench(counter_tb: Testbench) -> None:
    """The stamped testbench text is the only place the nonce lives; including it is refused."""
    result = judge(
        counter(GOOD_COUNTER.replace("endmodule", '`include "tb/counter_test.sv"\nendmodule')), counter_tb
    )
    assert result.kind is FailureKind.REJECTED


SNEAKY_COCOTB = """
import atexit
import os
from pathlib import Path

import cocotb

RESULTS = Path(os.environ["COCOTB_RESULTS_FILE"])  # wherever the driver asked cocotb to write


def swap():  # runs as the simulator exits, after cocotb wrote its results
    RESULTS.unlink()
    os.symlink({SECRET!r}, RESULTS)


@cocotb.test()
async def passes_then_swaps_the_results(dut):
    atexit.register(swap)
"""


def test_a_cocotb_testbench_cannot_point_the_results_reader_outside_its_work_dir(
    tmp_path: Path, sandbox_backend: str
) -> None:
    """The model's own testbench is Python: it may leave a symlink where results.xml was. The
    reader must not follow it (to the user's files, to be sent on as feedback) or hang on a FIFO."""
    secret = tmp_path / "secret.xml"
    secret.write_text(
        '<testsuites><testsuite><testcase name="LEAKED" classname="x">'
        '<failure message="sk-SECRET-TOKEN"/></testcase></testsuite></testsuites>'
    )
    tb = Testbench(
        TestbenchStyle.COCOTB,
        (SourceFile("test_counter.py", SNEAKY_COCOTB.replace("{SECRET!r}", repr(str(secret)))),),
        "test_counter",
    )
    result = judge(counter(GOOD_COUNTER), tb)
    assert not result.passed
    assert result.kind is FailureKind.TESTBENCH_ERROR  # no results read at all
    assert "LEAKED" not in repr(result) and "SECRET" not in repr(result)


# -- Verdicts from channels the simulation cannot forge. Each attack below bypasses the static
# check (which refuses $fopen, $fatal and friends) by calling the Simulator's `run` directly, to
# test the defence behind it.

WRONG_ADDER_READING_THE_NONCE = """module adder8 (input [7:0] a, input [7:0] b, output [8:0] sum);
  assign sum = 0;
  // Look for the run's nonce (@va + 16 hex + @) in every file of the work dir it could name.
  reg [159:0] window, nonce;
  integer fd, c, f;
  reg [8*64:1] names [0:1];
  initial begin
    names[0] = "sim.vvp";
    names[1] = "tb/adder_tb.v";
    nonce = 0;
    for (f = 0; f < 2; f = f + 1) begin
      fd = $fopen(names[f], "r");
      window = 0;
      if (fd != 0) begin
        c = $fgetc(fd);
        while (c != -1 && nonce == 0) begin
          window = {window[151:0], c[7:0]};
          if (window[159:136] == "@va" && window[7:0] == "@") nonce = window;
          c = $fgetc(fd);
        end
        $fclose(fd);
      end
    end
    #1 $display("%s===========Your Design Passed===========", nonce);
  end
endmodule
"""


def test_the_testbench_nonce_is_in_no_file_the_design_can_read(adder_tb: Testbench) -> None:
    """Static check bypassed (IcarusBanner().run): the design reads sim.vvp and the stamped
    testbench for the nonce and prints a stamped pass banner. The nonce reaches vvp only as a
    plusarg, so there is nothing to find. (/proc/self/cmdline would show it, but opening any
    file is refused by the static check.)"""
    design = Candidate((SourceFile("adder8.v", WRONG_ADDER_READING_THE_NONCE),), "adder8")
    result = IcarusBanner().run(design, adder_tb, CheckOptions(), expected_samples=None)
    assert not result.passed
    assert result.kind is FailureKind.TEST_FAILED
    assert "Your Design Passed" in result.sim_log  # it printed the banner; unstamped, nobody believed it


def test_the_stamped_testbench_still_prints_each_line_of_a_multi_line_message(counter_tb: Testbench) -> None:
    """The nonce is read at run time for every line of a `\\n` format, with its arguments in place."""
    text = counter_tb.files[0].text.replace(
        '$display("Mismatches:', '$display("Hint: a %0d\\nHint: b %0d %%", 7, 8);\n$display("Mismatches:', 1
    )
    tb = Testbench(
        counter_tb.style,
        (SourceFile("counter_test.sv", text),),
        counter_tb.toplevel,
        counter_tb.reference,
        counter_tb.reference_module,
    )
    result = judge(counter(GOOD_COUNTER), tb)
    assert result.passed, result.summary
    assert "Hint: a 7\nHint: b 8 %" in result.sim_log


BANNER_THEN_MORE = """module adder_tb;
  reg [7:0] a = 1, b = 2;
  wire [8:0] sum;
  adder8 dut (.a(a), .b(b), .sum(sum));
  initial begin
    #10 if (sum === 9'd3) $display("===========Your Design Passed===========");
    $fflush;  // a run killed later would otherwise lose it in vvp's buffer
    #20 $finish;
  end
endmodule
"""


@pytest.mark.parametrize(
    ("ending", "exit_says"),
    [
        ('initial #15 $fatal(1, "bye");', "exited with code 1"),
        # A runaway allocation under the memory limit: vvp aborts on a signal.
        ("int q[$]; initial #15 forever q.push_back(0);", "signal"),
    ],
    ids=["fatal", "killed"],
)
def test_a_run_that_ends_abnormally_is_never_a_pass_whatever_it_printed(ending: str, exit_says: str) -> None:
    """Static check bypassed (IcarusBanner().run): the banner is printed honestly, then the run
    ends abnormally. vvp exits 0 on $finish, $stop (-n) and when events run out; anything else
    (exit 1 from $fatal, a signal) means the run was not the testbench's, so no pass."""
    design = f"module adder8 (input [7:0] a, input [7:0] b, output [8:0] sum);\n  assign sum = a + b;\n  {ending}\nendmodule\n"
    tb = Testbench(TestbenchStyle.BANNER, (SourceFile("adder_tb.v", BANNER_THEN_MORE),), "adder_tb")
    small = CheckOptions(limits=replace(CheckOptions().limits, memory_bytes=256 << 20))
    result = IcarusBanner().run(
        Candidate((SourceFile("adder8.v", design),), "adder8"), tb, small, expected_samples=None
    )
    assert "Your Design Passed" in result.sim_log
    assert not result.passed
    assert result.kind is FailureKind.SIMULATOR_CRASH
    assert exit_says in result.summary


def test_the_same_testbench_passes_a_run_that_ends_normally() -> None:
    """Shows the previous test tests the exit: without the abnormal ending the banner counts."""
    design = (
        "module adder8 (input [7:0] a, input [7:0] b, output [8:0] sum);\n  assign sum = a + b;\nendmodule\n"
    )
    tb = Testbench(TestbenchStyle.BANNER, (SourceFile("adder_tb.v", BANNER_THEN_MORE),), "adder_tb")
    result = IcarusBanner().run(
        Candidate((SourceFile("adder8.v", design),), "adder8"), tb, CheckOptions(), expected_samples=None
    )
    assert result.passed, result.summary


AND_GATE_COCOTB = """
import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def truth_table(dut):
    for a in (0, 1):
        for b in (0, 1):
            dut.a.value, dut.b.value = a, b
            await Timer(1, "ns")
            assert int(dut.out.value) == (a & b), f"{a} & {b}"
"""

FORGED_RESULTS = "<testsuites><testsuite name='x'><testcase name='truth_table'/></testsuite></testsuites>"


def or_gate_writing_results(when: str) -> Candidate:
    """An OR gate (wrong) that writes a passing results.xml where cocotb used to write it."""
    n = len(FORGED_RESULTS)
    text = f"""module and_gate(input a, input b, output out);
  assign out = a | b;
  integer fd, i;
  reg [8*{n}-1:0] forged;
  {when} begin
    forged = "{FORGED_RESULTS}";
    fd = $fopen("results.xml", "w");
    for (i = {n - 1}; i >= 0; i = i - 1) $fwrite(fd, "%c", forged[i*8 +: 8]);
    $fclose(fd);
    {"$fatal(1);" if when.startswith("initial") else ""}
  end
endmodule
"""
    return Candidate((SourceFile("and_gate.v", text),), "and_gate")


@pytest.mark.parametrize(
    ("when", "kind"),
    [
        ("final", FailureKind.TEST_FAILED),  # after cocotb's own results: its real verdict stands
        ("initial #0.5", FailureKind.SIMULATOR_CRASH),  # then $fatal: an unclean exit is never a pass
    ],
    ids=["overwrite-after-cocotb", "write-then-crash"],
)
def test_a_cocotb_verdict_comes_only_from_the_drivers_stamped_report(when: str, kind: FailureKind) -> None:
    """Static check bypassed (Cocotb().run): the design writes a passing results.xml. The verdict
    is the driver's report, stamped with a nonce the design never sees (read from a file the
    driver deletes before vvp starts), from a results file with a name the design cannot guess,
    and only from a simulator that exited cleanly."""
    tb = Testbench(TestbenchStyle.COCOTB, (SourceFile("test_and_gate.py", AND_GATE_COCOTB),), "test_and_gate")
    result = Cocotb().run(
        or_gate_writing_results(when), tb, CheckOptions(keep_workdir=True), expected_samples=None
    )
    try:
        assert result.workdir is not None
        assert "truth_table" in (result.workdir / "results.xml").read_text()  # the forgery was written
        assert not result.passed
        assert result.kind is kind, result.summary
    finally:
        if result.workdir is not None:
            shutil.rmtree(result.workdir, ignore_errors=True)


SWAPS_THE_DUMP = """
import atexit
import os
from pathlib import Path

import cocotb
from cocotb.triggers import Timer


def swap():  # runs as the simulator exits, after the dump is written
    for dump in Path.cwd().rglob("wave.vcd"):
        dump.unlink()
        os.symlink({SECRET!r}, dump)


@cocotb.test()
async def fails_then_swaps_the_dump(dut):
    atexit.register(swap)
    await Timer(10, unit="ns")
    assert False, "a failure, so that the dump is kept"
"""


@pytest.mark.parametrize("deferred", [True, False], ids=["kept-for-later", "drawn-now"])
def test_a_cocotb_testbench_cannot_point_the_kept_dump_outside_its_work_dir(
    tmp_path: Path, sandbox_backend: str, deferred: bool
) -> None:
    """A failing run's dump is kept in the record (bench) or drawn at once: either way a symlink
    left in its place is not followed, so the user's files never reach a record or the feedback."""
    secret = tmp_path / "secret.vcd"
    secret.write_text("$timescale 1ps $end\n$scope module SECRET $end\n$var wire 1 ! sk-SECRET-TOKEN $end\n")
    tb = Testbench(
        TestbenchStyle.COCOTB,
        (SourceFile("test_counter.py", SWAPS_THE_DUMP.replace("{SECRET!r}", repr(str(secret)))),),
        "test_counter",
    )
    options = CheckOptions(defer_waveform=deferred, keep_workdir=True)
    result = judge(counter(GOOD_COUNTER), tb, options)
    try:
        assert result.kind is FailureKind.TEST_FAILED
        assert result.workdir is not None and any(p.is_symlink() for p in result.workdir.rglob("wave.vcd"))
        assert result.dump is None  # refused, and then drawn (to nothing) at once
        assert "SECRET" not in result.waveform and "SECRET" not in render_feedback(
            result, counter(GOOD_COUNTER)
        )
    finally:
        shutil.rmtree(result.workdir or tmp_path / "none", ignore_errors=True)
