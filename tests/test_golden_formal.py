"""Golden-feedback mode: a pass that a proof against the reference refutes is shown as a failure,
with the counterexample as evidence; in own-testbench mode the proof never reaches the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings
from veriassist.check.equivalence import yosys_installed
from veriassist.models.scripted import ScriptedModel
from veriassist.suites import load_suite
from veriassist.types import FailureKind, Problem

pytestmark = [
    pytest.mark.simulator,
    pytest.mark.skipif(not yosys_installed(), reason="the proof needs Yosys"),
]

REFERENCE = "module and4(input [3:0] a, input [3:0] b, output [3:0] y);\n  assign y = a & b;\nendmodule\n"
# A golden testbench that compares only y[0]: it passes designs wrong in y[3:1].
WEAK_TB = """`timescale 1 ps/1 ps
module tb();
  reg [3:0] a, b;
  wire [3:0] y_ref, y_dut;
  integer i, errors = 0, clocks = 0;
  and4_ref good1 (.a(a), .b(b), .y(y_ref));
  and4 top_module1 (.a(a), .b(b), .y(y_dut));
  initial begin
    for (i = 0; i < 256; i = i + 1) begin
      {a, b} = i; #5;
      clocks = clocks + 1;
      if (y_ref[0] !== y_dut[0]) errors = errors + 1;
    end
    $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "y", errors, 0);
    $display("Hint: Total mismatched samples is %1d out of %1d samples\\n", errors, clocks);
    $display("Simulation finished at %0d ps", $time);
    $display("Mismatches: %1d in %1d samples", errors, clocks);
    $finish;
  end
endmodule
"""
WRONG_HIGH_BITS = REFERENCE.replace("assign y = a & b;", "assign y = {a[3:1] | b[3:1], a[0] & b[0]};")


@pytest.fixture
def and4(tmp_path: Path) -> Problem:
    (tmp_path / "design.toml").write_text('top = "and4"\n')
    (tmp_path / "spec.md").write_text("Module `and4`: y = a & b, bitwise, 4 bits wide.\n")
    (tmp_path / "reference.sv").write_text(REFERENCE)
    (tmp_path / "testbench.sv").write_text(WEAK_TB)
    (problem,) = load_suite(tmp_path).problems
    return problem


def code(rtl: str) -> str:
    return f"```verilog\n{rtl}```\n"


def test_a_weak_golden_pass_refuted_by_the_proof_sends_the_counterexample_and_the_fix_follows(
    and4: Problem,
) -> None:
    model = ScriptedModel([code(WRONG_HIGH_BITS), code(REFERENCE)])
    outcome = run_loop(and4, model, LoopSettings(iterations=3, strategy="compile-only", feedback="golden"))
    first, second = outcome.iterations
    assert first.golden_kind is FailureKind.PASS  # the suite's own verdict stays a pass
    correction = model.requests[1][-1].content
    assert "a proof against the reference finds a difference" in correction
    assert "input sequence on which your design differs" in correction and "| y" in correction
    assert second.golden_kind is FailureKind.PASS and outcome.passed


def test_in_own_testbench_mode_the_proof_never_reaches_the_model(and4: Problem) -> None:
    model = ScriptedModel([code(WRONG_HIGH_BITS), code(REFERENCE)])
    outcome = run_loop(and4, model, LoopSettings(iterations=3, strategy="compile-only"))
    assert len(model.requests) == 1  # its own check (it compiles) says done
    assert outcome.passed  # by the weak golden testbench: the proof's doubt stays in the records
