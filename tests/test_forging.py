"""A candidate must never be judged passing for something it did rather than what the testbench saw.

Each test is one attack an untrusted (LLM-written) design could try. The wrong
designs below would fail honestly; the attack is what is being tested.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from conftest import GOOD_COUNTER, counter

from veriassist.check.checker import CheckOptions, _check_verilog, check, reference_samples
from veriassist.check.feedback import render_feedback
from veriassist.types import Candidate, FailureKind, SourceFile, Testbench, TestbenchStyle

pytestmark = pytest.mark.simulator

STUCK_AT_ZERO = (
    "module TopModule(input clk, input reset, output reg [3:0] q);\n  initial q = 0;\n{attack}\nendmodule\n"
)


def stuck(attack: str) -> Candidate:
    return counter(STUCK_AT_ZERO.format(attack=attack))


def test_printing_the_summary_and_hints_does_not_pass(counter_tb: Testbench) -> None:
    attack = """  initial #1 $display("Mismatches: 0 in 77 samples");
  final begin
    $display("Hint: Output 'q' has no mismatches.");
    $display("Hint: Total mismatched samples is 0 out of 77 samples");
    $display("Mismatches: 0 in 77 samples");
  end"""
    result = check(stuck(attack), counter_tb)
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
    result = check(Candidate((SourceFile("adder8.v", wrong),), "adder8"), adder_tb)
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
    result = check(stuck(attack), counter_tb)
    assert result.kind is FailureKind.REJECTED
    assert any(reason in r for r in result.rejections), result.rejections
    assert "compile_simulate_s" not in result.timings  # nothing was simulated
    assert reason in render_feedback(result)


@pytest.mark.parametrize("module", ["RefModule", "tb", "stimulus_gen"])
def test_redefining_a_testbench_or_reference_module_is_rejected(counter_tb: Testbench, module: str) -> None:
    impostor = f"module {module}(input clk, input reset, output reg [3:0] q); endmodule\n"
    result = check(counter(GOOD_COUNTER + impostor), counter_tb)
    assert result.kind is FailureKind.REJECTED
    assert f"`{module}`" in result.rejections[0]


def test_including_the_testbench_source_is_rejected(counter_tb: Testbench) -> None:
    result = check(stuck('`include "../tb/counter_test.sv"'), counter_tb)
    assert result.kind is FailureKind.REJECTED


def test_ending_the_run_early_is_caught_even_past_the_static_check(counter_tb: Testbench) -> None:
    """Defence in depth: bypass the static check; the sample count must still match the reference's."""
    expected = reference_samples("TopModule", counter_tb, CheckOptions())
    assert expected == 77
    early = stuck("  initial #20 $finish;")
    result = _check_verilog(early, counter_tb, CheckOptions(), expected_samples=expected)
    assert not result.passed
    assert result.kind is FailureKind.NO_VERDICT
    assert "ended early" in result.summary


def test_a_summary_over_zero_samples_is_not_a_pass(counter_tb: Testbench) -> None:
    result = _check_verilog(stuck("  initial $finish;"), counter_tb, CheckOptions(), expected_samples=None)
    assert result.samples == 0
    assert not result.passed


def test_flooding_the_log_costs_bounded_memory_and_cannot_hide_a_failure(counter_tb: Testbench) -> None:
    flood = '  always @(clk) repeat (2000) $display("%0200d", 0);'
    result = check(stuck(flood), counter_tb)
    assert not result.passed
    assert len(result.sim_log) < 600_000  # ~30 MB printed, head and tail kept
    assert "bytes of output left out" in result.sim_log


def test_an_honest_design_that_prints_a_lot_still_passes(counter_tb: Testbench) -> None:
    chatty = GOOD_COUNTER.replace(
        "endmodule", '  always @(clk) repeat (2000) $display("%0200d", q);\nendmodule'
    )
    result = check(counter(chatty), counter_tb)
    assert result.passed, result.summary


def test_the_sandbox_stops_writes_outside_the_work_dir_even_past_the_static_check(
    counter_tb: Testbench, sandbox_backend: str
) -> None:
    target = Path("/tmp") / f"veriassist-escape-{uuid.uuid4().hex}.txt"
    attack = (
        f'  integer fd; initial begin fd = $fopen("{target}", "w"); $fdisplay(fd, "pwned"); $fclose(fd); end'
    )
    result = _check_verilog(
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
        _check_verilog(
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
    result = check(
        counter(GOOD_COUNTER.replace("endmodule", '`include "tb/counter_test.sv"\nendmodule')), counter_tb
    )
    assert result.kind is FailureKind.REJECTED


SNEAKY_COCOTB = """
import atexit
import os
from pathlib import Path

import cocotb

RESULTS = Path(__file__).resolve().parent.parent / "results.xml"


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
    result = check(counter(GOOD_COUNTER), tb)
    assert not result.passed
    assert result.kind is FailureKind.TESTBENCH_ERROR  # no results read at all
    assert "LEAKED" not in repr(result) and "SECRET" not in repr(result)
