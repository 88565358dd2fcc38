"""Unchecked outputs: a pass stands, but what the testbench never compares is named, with the real simulator.

A comparing testbench that looks only at `y[0]`, a self-checking one that never reads `cout`,
a clocked one that reads only `q[0]`: each passes a design that is wrong elsewhere, and the
result must say where, how often and from when, in `check`, `--json`, the feedback and a bench
record. A correct design gets no warning.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.check.checker import CheckOptions, check
from veriassist.check.feedback import render_feedback
from veriassist.check.simulators import IcarusCompare
from veriassist.check.unchecked import Unchecked, watch_source
from veriassist.cli import app
from veriassist.eval.bench import BenchRequest, run_bench
from veriassist.eval.store import Store
from veriassist.suites import load_suite
from veriassist.suites.audit import AuditOptions, audit_one
from veriassist.types import Candidate, Problem, SourceFile, Testbench, TestbenchStyle

pytestmark = pytest.mark.simulator

# --- a designs/-style problem whose testbench compares only y[0] ----------------------------------

PASS_REF = """module pass8_ref (input [7:0] a, input [7:0] b, output [7:0] y);
  assign y = {a[7:1] | b[7:1], a[0] ^ b[0]};
endmodule
"""
PASS_GOOD = PASS_REF.replace("pass8_ref", "pass8")
# Right in bit 0, stuck at 0 in bits 7..1.
PASS_LOW_BIT_ONLY = """module pass8 (input [7:0] a, input [7:0] b, output [7:0] y);
  assign y = {7'b0, a[0] ^ b[0]};
endmodule
"""
# a = i, b = 0 for i = 0..255 (so y = a), one vector every 10 ps: y changes every step, so every step is a
# sample (256), and bits 7..1 differ whenever i >= 2 (254 of them), first at i = 2, t = 20.
PASS_TB = """`timescale 1 ps/1 ps
module tb;
  reg [7:0] a, b;
  wire [7:0] y_ref, y_dut;
  integer errors = 0, clocks = 0, i;
  pass8_ref good1 (.a(a), .b(b), .y(y_ref));
  pass8 top_module1 (.a(a), .b(b), .y(y_dut));
  initial begin
    $dumpfile("wave.vcd");
    $dumpvars(1, a, b, y_ref, y_dut);
    for (i = 0; i < 256; i = i + 1) begin
      a = i; b = 0;
      #5 clocks = clocks + 1;
      if (y_ref[0] !== y_dut[0]) errors = errors + 1;
      #5;
    end
    $display("Mismatches: %1d in %1d samples", errors, clocks);
    $finish;
  end
endmodule
"""


def _designs_suite(root: Path) -> Path:
    folder = root / "suite" / "pass8"
    folder.mkdir(parents=True)
    (folder / "design.toml").write_text('top = "pass8"\n')
    (folder / "spec.md").write_text("y[7:1] is a[7:1] OR b[7:1]; y[0] is a[0] XOR b[0].\n")
    (folder / "reference.sv").write_text(PASS_REF.replace("pass8_ref", "pass8"))
    (folder / "testbench.sv").write_text(PASS_TB)
    return root / "suite"


@pytest.fixture
def low_bit_problem(tmp_path: Path) -> Problem:
    (problem,) = load_suite(_designs_suite(tmp_path)).problems
    return problem


def test_a_design_wrong_where_only_y0_is_compared_passes_with_a_warning_naming_the_bits(
    low_bit_problem: Problem,
) -> None:
    candidate = Candidate((SourceFile("pass8.sv", PASS_LOW_BIT_ONLY),), "pass8")
    assert low_bit_problem.testbench is not None
    result = check(candidate, low_bit_problem.testbench, CheckOptions(), expected_samples=None)
    assert result.passed, result.summary  # the verdict stays the testbench's
    (warning,) = result.warnings
    assert warning.startswith("the testbench does not check `y[7:1]`: ")
    assert "254 of 256 samples (first at t=20 1ps)" in warning
    feedback = render_feedback(result, candidate)
    assert feedback.startswith("PASSED:")
    assert f"- {warning}" in feedback


def test_the_watch_decides_whether_a_pass_is_simulated_again_with_the_dump(
    low_bit_problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A design whose outputs agree with the reference's costs one simulation; only one the
    in-simulation watch saw disagree is run again, with the outputs dumped to say where."""
    runs: list[bool] = []
    real = IcarusCompare._run

    def counted(self: IcarusCompare, *args: object, dumping: bool = False) -> object:
        runs.append(dumping)
        return real(self, *args, dumping=dumping)  # type: ignore[arg-type]

    monkeypatch.setattr(IcarusCompare, "_run", counted)
    assert low_bit_problem.testbench is not None
    good = Candidate((SourceFile("pass8.sv", PASS_GOOD + "// my own\n"),), "pass8")
    assert check(good, low_bit_problem.testbench, CheckOptions(), expected_samples=None).warnings == ()
    assert runs == [False]
    runs.clear()
    wrong = Candidate((SourceFile("pass8.sv", PASS_LOW_BIT_ONLY),), "pass8")
    (warning,) = check(wrong, low_bit_problem.testbench, CheckOptions(), expected_samples=None).warnings
    assert "`y[7:1]`" in warning
    assert runs == [False, True]


def test_a_correct_design_gets_no_warning(low_bit_problem: Problem) -> None:
    assert low_bit_problem.testbench is not None
    testbench = low_bit_problem.testbench
    mine = Candidate((SourceFile("pass8.sv", PASS_GOOD + "// my own\n"),), "pass8")
    result = check(mine, testbench, CheckOptions(), expected_samples=None)
    assert result.passed and result.warnings == ()
    assert "unchecked_s" in result.timings  # the comparison ran, and found nothing
    # The reference itself (a suite's sanity run) cannot differ from itself: no probe, no cost.
    reference = Candidate((SourceFile("pass8.sv", PASS_GOOD),), "pass8")
    itself = check(reference, testbench, CheckOptions(), expected_samples=None)
    assert itself.passed and "unchecked_s" not in itself.timings


def test_the_comparison_can_be_turned_off(low_bit_problem: Problem) -> None:
    assert low_bit_problem.testbench is not None
    result = check(
        Candidate((SourceFile("pass8.sv", PASS_LOW_BIT_ONLY),), "pass8"),
        low_bit_problem.testbench,
        CheckOptions(unchecked=False),
        expected_samples=None,
    )
    assert result.passed and result.warnings == () and "unchecked_s" not in result.timings


def test_a_failing_design_gets_its_mismatches_not_warnings(low_bit_problem: Problem) -> None:
    assert low_bit_problem.testbench is not None
    wrong_low = PASS_GOOD.replace("a[0] ^ b[0]", "~(a[0] ^ b[0])")
    result = check(
        Candidate((SourceFile("pass8.sv", wrong_low),), "pass8"),
        low_bit_problem.testbench,
        CheckOptions(),
        expected_samples=None,
    )
    assert not result.passed and result.warnings == ()


# --- RTLLM style: a self-checking testbench that never reads cout, the reference beside it ---------

ADDER_REF = """module adder_8bit (input [7:0] a, b, input cin, output [7:0] sum, output cout);
  assign {cout, sum} = a + b + cin;
endmodule
"""
ADDER_NO_CARRY = """module adder_8bit (input [7:0] a, b, input cin, output [7:0] sum, output cout);
  assign sum = a + b + cin;
  assign cout = 1'b0;
endmodule
"""
# 16 vectors; the sum carries out for exactly those with a + b + cin > 255: i = 8..15.
ADDER_TB = """`timescale 1ns / 1ps
module testbench;
  reg [7:0] a, b;
  reg cin;
  wire [7:0] sum;
  wire cout;
  integer i, error = 0;
  adder_8bit uut (.a(a), .b(b), .cin(cin), .sum(sum), .cout(cout));
  initial begin
    for (i = 0; i < 16; i = i + 1) begin
      a = 8'd16 * i; b = 8'd128; cin = i[0];
      #10;
      error = (sum !== ((a + b + cin) & 8'hFF)) ? error + 1 : error;
    end
    if (error == 0) $display("===========Your Design Passed===========");
    else $display("=========== Test completed with %d failures ===========", error);
    $finish;
  end
endmodule
"""


def _adder_testbench() -> Testbench:
    return Testbench(
        TestbenchStyle.BANNER,
        (SourceFile("testbench.v", ADDER_TB),),
        "testbench",
        reference=SourceFile("verified_adder_8bit.v", ADDER_REF),
    )


def test_a_self_checking_testbench_that_never_reads_cout_warns_about_cout() -> None:
    result = check(
        Candidate((SourceFile("adder.v", ADDER_NO_CARRY),), "adder_8bit"),
        _adder_testbench(),
        CheckOptions(),
        expected_samples=None,
    )
    assert result.passed, result.summary
    (warning,) = result.warnings
    # Combinational: a sample per change, 16 vectors; cout is 1 for i = 8..15, from t = 80 ns.
    assert warning == (
        "the testbench does not check `cout`: the outputs differ from the reference in 8 of 16 samples"
        " (first at t=80000 1ps)"
    )
    right = check(
        Candidate((SourceFile("adder.v", ADDER_REF),), "adder_8bit"),
        _adder_testbench(),
        CheckOptions(),
        expected_samples=None,
    )
    assert right.passed and right.warnings == ()


def test_without_a_reference_a_self_checking_testbench_runs_as_before() -> None:
    bare = replace(_adder_testbench(), reference=None)
    result = check(
        Candidate((SourceFile("adder.v", ADDER_NO_CARRY),), "adder_8bit"),
        bare,
        CheckOptions(),
        expected_samples=None,
    )
    assert result.passed and result.warnings == () and "unchecked_s" not in result.timings


# --- clocked: sampled at the design's clock edges, the reference's X before reset a don't-care -----

COUNTER_REF = """module counter (input clk, input reset, output reg [3:0] q);
  always @(posedge clk)
    if (reset || q == 4'd9) q <= 4'd0;
    else q <= q + 4'd1;
endmodule
"""
# Wraps at 11: q[0] still toggles every cycle, so a testbench reading only q[0] cannot tell.
COUNTER_WRAPS_AT_11 = COUNTER_REF.replace("q == 4'd9", "q == 4'd11")
COUNTER_TB = """`timescale 1ns / 1ps
module tb_counter;
  reg clk = 0, reset = 1;
  wire [3:0] q;
  integer errors = 0, n;
  reg expected = 0;
  counter dut (.clk(clk), .reset(reset), .q(q));
  always #5 clk = ~clk;
  initial begin
    @(negedge clk) reset = 0;
    for (n = 0; n < 30; n = n + 1) begin
      @(negedge clk);
      expected = ~expected;
      if (q[0] !== expected) errors = errors + 1;
    end
    if (errors == 0) $display("===========Your Design Passed===========");
    else $display("=========== Test completed with %d failures ===========", errors);
    $finish;
  end
endmodule
"""


def _counters_differ(edges: int) -> tuple[int, int]:
    """Edges (every 5 ns) before which the two counters differ, and the first: q after the posedges
    (at 5, 15, ... ns) before each edge; the first posedge is in reset, so q is X before it."""

    def value(wrap: int, posedges: int) -> int | None:
        q = None
        for k in range(posedges):
            q = 0 if k == 0 or q == wrap else q + 1  # type: ignore[operator]
        return q

    times = [5 * k for k in range(1, edges + 1)]
    differ = [t for t in times if (n := len(range(5, t, 10))) and value(9, n) != value(11, n)]
    return len(differ), differ[0]


def test_a_clocked_testbench_reading_only_q0_warns_about_the_high_bits_from_the_first_wrong_edge() -> None:
    testbench = Testbench(
        TestbenchStyle.BANNER,
        (SourceFile("tb.v", COUNTER_TB),),
        "tb_counter",
        reference=SourceFile("verified_counter.v", COUNTER_REF),
    )
    wrong = check(
        Candidate((SourceFile("counter.v", COUNTER_WRAPS_AT_11),), "counter"),
        testbench,
        CheckOptions(),
        expected_samples=None,
    )
    assert wrong.passed, wrong.summary
    (warning,) = wrong.warnings
    # Samples are the values settled before each edge, both edges, from 5 ns to the $finish at 310 ns.
    differing, first = _counters_differ(edges=62)
    assert warning == (
        f"the testbench does not check `q[3:1]`: the outputs differ from the reference in {differing} of 62"
        f" samples (first at t={first * 1000} 1ps)"
    )
    right = check(
        Candidate((SourceFile("counter.v", COUNTER_REF),), "counter"),
        testbench,
        CheckOptions(),
        expected_samples=None,
    )
    assert right.passed and right.warnings == ()


# --- where the warning goes: --json, a bench record, the suite audit --------------------------------


def test_check_json_carries_the_warning(tmp_path: Path) -> None:
    (tmp_path / "adder.v").write_text(ADDER_NO_CARRY)
    (tmp_path / "testbench.v").write_text(ADDER_TB)
    (tmp_path / "verified_adder_8bit.v").write_text(ADDER_REF)
    args = [
        tmp_path / "adder.v",
        "--tb",
        tmp_path / "testbench.v",
        "--ref",
        tmp_path / "verified_adder_8bit.v",
    ]
    result = CliRunner().invoke(app, ["check", *map(str, args), "--json", "--formal", "off"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["passed"] is True
    (warning,) = data["warnings"]
    assert warning.startswith("the testbench does not check `cout`")
    assert warning in data["feedback"]
    human = CliRunner().invoke(app, ["check", *map(str, args), "--formal", "off"])
    assert human.exit_code == 0 and "the testbench does not check `cout`" in human.output


def test_a_bench_record_carries_the_warning(tmp_path: Path) -> None:
    suite = _designs_suite(tmp_path)
    samples = tmp_path / "samples"
    (samples / "pass8").mkdir(parents=True)
    (samples / "pass8" / "sample0.sv").write_text(PASS_LOW_BIT_ONLY)
    (samples / "pass8" / "sample1.sv").write_text(PASS_GOOD)
    db = tmp_path / "runs.db"
    run_bench(BenchRequest(suite, mode="samples", samples_path=samples, db=db, run_name="w"))
    with Store(db) as store:
        records = {r.sample: r for r in store.samples(store.get_run("w").id)}
    assert records[0].passed and records[1].passed
    (warning,) = records[0].warnings
    assert warning.startswith("the testbench does not check `y[7:1]`")
    assert records[1].warnings == ()


def test_the_audit_calls_a_testbench_weak_when_a_passing_mutant_differs_unchecked(
    low_bit_problem: Problem,
) -> None:
    audit = audit_one(low_bit_problem, AuditOptions(mutants=8, all_mutants=True, formal="off"))
    weak = [f for f in audit.findings if "does not check" in f.message]
    assert weak, [f.message for f in audit.findings]
    assert all(f.check == "strength" and f.severity == "warning" for f in weak)
    assert "`y[" in weak[0].message and "first at t=" in weak[0].message


# --- the warning's words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "bits", "label"),
    [
        (1, (0,), "cout"),
        (8, (7, 6, 5, 4, 3, 2, 1, 0), "y"),
        (8, (7, 6, 5, 4, 3, 2, 1), "y[7:1]"),
        (8, (7, 6, 5, 2), "y[7:5], y[2]"),
        (8, (3,), "y[3]"),
    ],
)
def test_the_label_names_whole_outputs_and_bit_ranges(width: int, bits: tuple[int, ...], label: str) -> None:
    name = "cout" if width == 1 else "y"
    assert Unchecked(name, width, bits, 1, 2, 0).label == label


def test_a_testbench_shape_the_probe_misreads_never_costs_the_pass(low_bit_problem: Problem) -> None:
    """The design inside a generate block: the probe's name for it is wrong and fails to compile,
    so the check runs again without it and the testbench's verdict stands, without a warning."""
    assert low_bit_problem.testbench is not None
    (tb,) = low_bit_problem.testbench.files
    nested = tb.text.replace(
        "pass8 top_module1 (.a(a), .b(b), .y(y_dut));",
        "if (1) begin : g\n    pass8 top_module1 (.a(a), .b(b), .y(y_dut));\n  end",
    )
    assert nested != tb.text
    testbench = replace(low_bit_problem.testbench, files=(SourceFile(tb.name, nested),))
    result = check(
        Candidate((SourceFile("pass8.sv", PASS_LOW_BIT_ONLY),), "pass8"),
        testbench,
        CheckOptions(),
        expected_samples=None,
    )
    assert result.passed, result.summary
    assert result.warnings == () and not result.diagnostics and "unchecked_s" not in result.timings


VCD_HEAD = """$timescale 1ps $end
$scope module tb $end
$var wire 1 ! clk $end
$var wire 4 # y_ref [3:0] $end
$var wire 4 $ y_dut [3:0] $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
bx #
bx $
$end
"""


@pytest.mark.parametrize(
    ("body", "identical"),
    [
        ("#5\n1!\nb11 #\nb0011 $\n#10\n0!\n", True),  # the same value, shortened differently
        ("#5\n1!\nb11 #\nb11 $\n#10\n0!\nb1 #\n#11\nb1 $\n", False),  # a change one step late
        ("#5\n1!\nb11 #\nb10 $\n", False),  # a different value
        ("#5\n1!\nb11 #\n", False),  # the design's never changes
    ],
)
def test_outputs_that_change_together_need_no_sampling(tmp_path: Path, body: str, identical: bool) -> None:
    from veriassist.toolchain.vcd import identical_changes

    dump = tmp_path / "wave.vcd"
    dump.write_text(VCD_HEAD + body)
    assert identical_changes(dump, [("tb.y_ref", "tb.y_dut")]) is identical
    assert identical_changes(dump, [("tb.y_ref", "tb.missing")]) is False
    assert identical_changes(tmp_path / "none.vcd", [("tb.y_ref", "tb.y_dut")]) is False


WATCHED_TB = """`timescale 1ns/1ps
module tb;
  reg ref_out = 0, dut_out = 0;
  initial begin
    {steps}
    #5 $finish;
  end
endmodule
"""


@pytest.mark.parametrize(
    ("steps", "agreed"),
    [
        (
            "#5 ref_out = 1; dut_out = 1; #5 ref_out = 0; dut_out = 0;",
            True,
        ),  # glitches within a timestep only
        ("#5 ref_out = 1; #0.001 dut_out = 1;", False),  # 1 ps apart: one timestep's end disagrees
        ("ref_out = 1; #0.001 dut_out = 1;", False),  # from time 0
        ("#5 ref_out = 1;", False),  # until the end of the run
        ("#5 dut_out = 1'bx; #1 dut_out = 0;", False),  # an x where the reference has 0
        ("#5 ref_out = 1'bx; dut_out = 1; #1 dut_out = 0;", True),  # an x in the reference matches anything
    ],
    ids=["glitch", "one-tick", "time-zero", "at-the-end", "x-in-design", "x-in-reference"],
)
def test_the_watch_counts_only_disagreements_that_outlast_their_timestep(
    tmp_path: Path, steps: str, agreed: bool
) -> None:
    """Only end-of-timestep values reach a dump, so only they may call for the dump's re-run;
    the tick is the testbench's precision, whatever the watch module's own time unit."""
    (tmp_path / "tb.sv").write_text(WATCHED_TB.format(steps=steps))
    agree = "(tb.ref_out === (tb.ref_out ^ tb.dut_out ^ tb.ref_out))"
    (tmp_path / "watch.v").write_text(watch_source("module va_watch;\n", "va_watch", agree))
    compiled = subprocess.run(
        ["iverilog", "-g2012", "-s", "tb", "-s", "va_watch", "-o", "sim.vvp", "tb.sv", "watch.v"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr
    subprocess.run(["vvp", "-n", "sim.vvp"], cwd=tmp_path, capture_output=True, check=True)
    assert (tmp_path / "va_watch.agree").read_text() == ("1\n" if agreed else "0\n")
