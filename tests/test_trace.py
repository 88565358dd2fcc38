"""Signal tracing: a wrong output's drivers, across modules, shown in the feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from veriassist.check.checker import CheckOptions
from veriassist.check.feedback import render_feedback
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.hdl import HdlError
from veriassist.hdl.trace import driver_cone
from veriassist.suites import load_suite
from veriassist.types import Candidate, SourceFile

DESIGNS = Path(__file__).resolve().parent.parent / "designs"

TWO_MODULES = """module acc(input clk, input rst, input [3:0] d, output reg [7:0] sum);
  always @(posedge clk)
    if (rst) sum <= 8'd0;
    else sum <= sum + {4'd0, d};
endmodule
module top(input clk, input rst, input [3:0] a, input en, output [7:0] y, output z);
  wire [3:0] gated;
  assign gated = en ? a : 4'd0;
  acc u_acc (.clk(clk), .rst(rst), .d(gated), .sum(y));
  assign z = ^a;
endmodule
"""


def test_the_cone_of_an_output_crosses_into_the_instance_that_drives_it() -> None:
    cone = driver_cone([("top.sv", TWO_MODULES)], "top", "y")
    by_signal = {(d.signal, d.line): d for d in cone}
    # y is connected to u_acc.sum; sum's register lines come next, then what they read.
    assert by_signal[("y", 9)].source.startswith("acc u_acc")
    assert by_signal[("u_acc.sum", 3)].register and by_signal[("u_acc.sum", 4)].register
    assert by_signal[("u_acc.sum", 4)].reads == ("u_acc.d", "u_acc.rst")  # its own old value is not a lead
    assert ("gated", 8) in by_signal  # through the input port, back to the top's assign
    assert all(d.signal != "z" for d in cone)  # another output's logic is not in this cone
    assert [d.depth for d in cone] == sorted(d.depth for d in cone)


def test_the_cone_is_bounded_by_signals_and_prefers_registers_at_equal_depth() -> None:
    cone = driver_cone([("top.sv", TWO_MODULES)], "top", "y", limit=2)
    assert {d.signal for d in cone} == {"y", "u_acc.sum"}


def test_a_design_that_does_not_parse_is_an_hdl_error_not_a_crash() -> None:
    with pytest.raises(HdlError):
        driver_cone([("top.sv", "module top(output y); assign y = ;")], "top", "y")
    with pytest.raises(HdlError, match="no top module named 'other'"):
        driver_cone([("top.sv", TWO_MODULES)], "other", "y")


@pytest.mark.simulator
def test_the_feedback_on_a_mutant_shows_the_line_it_changed_among_the_drivers() -> None:
    (design,) = load_suite(DESIGNS / "uart_tx").problems
    assert design.testbench is not None
    mutant_text = (DESIGNS / "uart_tx" / "mutants" / "msb_first.sv").read_text()
    mutant = Candidate((SourceFile("uart_tx.sv", mutant_text),), "uart_tx")
    result = check_counted(mutant, design.testbench, CheckOptions(waveform=False), ReferenceCounts())
    feedback = render_feedback(result, mutant)
    assert "Where `tx` comes from in the design" in feedback
    changed = next(
        i for i, line in enumerate(mutant_text.splitlines(), 1) if "rev" in line and "frame" in line
    )
    assert f"uart_tx.sv:{changed}:" in feedback


def test_a_wire_declared_with_its_value_is_a_driver_too() -> None:
    design = """module top(input clk, input [3:0] a, output reg [3:0] q);
  wire [3:0] shifted = a >> 1;
  always @(posedge clk) q <= shifted;
endmodule
"""
    cone = driver_cone([("top.sv", design)], "top", "q")
    assert ("shifted", 2, False) in {(d.signal, d.line, d.register) for d in cone}
