"""hdl.py: module names, ports, renames, instances and spec interfaces, via pyslang."""

from __future__ import annotations

import pytest

from veriassist import hdl
from veriassist.spec import spec_interface
from veriassist.types import Interface, Port

SV_TRICKY = """\
module TopModule #(parameter W = 8, localparam D = 2 * W) (
  input clk,
  input [W-1:0] a, b,
  output reg [3:0] q,
  output logic [1:0][3:0] packed_out
);
  typedef enum logic [1:0] {IDLE, RUN, DONE} state_t;
  state_t state;
  always_ff @(posedge clk) begin
    q <= '0;
    for (int i = 0; i < 4; i++) q[i] <= a[i] ^ b[i];
  end
endmodule : TopModule
"""

NON_ANSI = """\
module old_style(clk, d, q, y);
  parameter N = 3;
  input clk;
  input [N:0] d;
  output [N:0] q;
  output y;
  reg [N:0] q;
  assign y = ^q;
  always @(posedge clk) q <= d;
endmodule
"""

HIERARCHY = """\
module leaf(input a, input b, output y);
  assign y = a & b;
endmodule

module top(input [1:0] x, output y0, output y1, output y2);
  wire unused;
  leaf u_named (.a(x[0]), .b(x[1] /* second */), .y(y0));
  leaf u_positional (x[0], , y1);
  generate
    if (1) begin : g
      leaf u_implicit (.a(x[1]), .b, .y(y2));
    end
  endgenerate
  and g1 (unused, x[0], x[1]);
endmodule
"""


def ports(interface: Interface) -> list[tuple[str, str, int]]:
    return [(p.name, p.direction, p.width) for p in interface.ports]


def test_module_names_lists_modules_in_order() -> None:
    assert hdl.module_names(HIERARCHY) == ["leaf", "top"]
    assert hdl.module_names("// nothing here\n") == []


def test_module_names_still_answers_for_broken_code() -> None:
    assert hdl.module_names("module a(input x); assign y = ; endmodule\nmodule b; endmodule") == ["a", "b"]


def test_ansi_ports_with_parameters_packed_dims_and_sv_constructs() -> None:
    interface = hdl.module_interface(SV_TRICKY)
    assert interface.module == "TopModule"
    assert ports(interface) == [
        ("clk", "input", 1),
        ("a", "input", 8),
        ("b", "input", 8),  # shares a's type
        ("q", "output", 4),
        ("packed_out", "output", 8),
    ]
    assert interface.parameters == ("W",)  # the localparam is not a parameter one can set
    declared = {p.name: p.declared for p in interface.ports}
    assert declared == {
        "clk": "",
        "a": "[W-1:0]",
        "b": "[W-1:0]",
        "q": "reg [3:0]",
        "packed_out": "logic [1:0][3:0]",
    }


def test_non_ansi_ports_take_widths_from_body_declarations() -> None:
    interface = hdl.module_interface(NON_ANSI, "old_style")
    assert ports(interface) == [
        ("clk", "input", 1),
        ("d", "input", 4),
        ("q", "output", 4),
        ("y", "output", 1),
    ]
    assert interface.parameters == ("N",)


def test_default_module_is_the_uninstantiated_one() -> None:
    assert hdl.module_interface(HIERARCHY).module == "top"
    assert ports(hdl.module_interface(HIERARCHY, "leaf")) == [
        ("a", "input", 1),
        ("b", "input", 1),
        ("y", "output", 1),
    ]


def test_module_interface_errors_are_clear() -> None:
    with pytest.raises(hdl.HdlError, match=r"no module named 'TopModule' \(found: leaf, top\)"):
        hdl.module_interface(HIERARCHY, "TopModule")
    with pytest.raises(hdl.HdlError, match="no module declaration"):
        hdl.module_interface("// empty\n")
    with pytest.raises(hdl.HdlError, match=r"syntax error: line 2:\d+: expected ';'"):
        hdl.module_interface("module a(input x, output y);\n  assign y = x\nendmodule\n")
    assert isinstance(hdl.HdlError("x"), ValueError)


def test_syntax_errors_lists_each_with_its_line() -> None:
    errors = hdl.syntax_errors("module a(input x, output y)\n  assign y = x;\nendmodule\n")
    assert len(errors) == 1 and errors[0].startswith("line 1:")
    assert hdl.syntax_errors(SV_TRICKY) == []


def test_unresolved_include_is_not_a_syntax_error() -> None:
    text = '`include "defs.vh"\nmodule a(input x, output y); assign y = x; endmodule\n'
    assert hdl.syntax_errors(text) == []
    assert hdl.module_interface(text).module == "a"


def test_rename_module_edits_only_the_names() -> None:
    renamed = hdl.rename_module(SV_TRICKY, "TopModule", "RefModule")
    assert renamed == SV_TRICKY.replace("TopModule", "RefModule")
    assert hdl.module_names(renamed) == ["RefModule"]


def test_rename_module_renames_instances_but_not_lookalikes() -> None:
    text = (
        "module leaf(input a, output y); assign y = a; endmodule\n"
        "module top(input a, output y);\n"
        "  wire leaf_out; // the leaf output\n"
        '  initial $display("leaf");\n'
        "  leaf leaf (.a(a), .y(leaf_out));\n"
        "  assign y = leaf_out;\n"
        "endmodule\n"
    )
    renamed = hdl.rename_module(text, "leaf", "buffer")
    assert "module buffer(input a" in renamed
    assert "  buffer leaf (.a(a), .y(leaf_out));" in renamed  # the instance name is kept
    assert "wire leaf_out; // the leaf output" in renamed
    assert '$display("leaf")' in renamed
    assert hdl.module_names(renamed) == ["buffer", "top"]


def test_rename_module_keeps_non_ascii_bytes_intact() -> None:
    text = "// résumé: ünïcode comment\nmodule a(input x, output y); assign y = x; endmodule : a\n"
    assert hdl.rename_module(text, "a", "b") == text.replace("module a", "module b").replace(": a", ": b")


def test_rename_module_errors() -> None:
    with pytest.raises(hdl.HdlError, match="no module named 'nope'"):
        hdl.rename_module(HIERARCHY, "nope", "x")
    with pytest.raises(hdl.HdlError, match="not a valid module name"):
        hdl.rename_module(HIERARCHY, "leaf", "9lives")
    with pytest.raises(hdl.HdlError, match="not a valid module name"):
        hdl.rename_module(HIERARCHY, "leaf", "cell")  # a keyword


def test_instantiations_reports_named_positional_implicit_and_generate_instances() -> None:
    found = hdl.instantiations(HIERARCHY)
    assert found == [
        hdl.Instantiation("leaf", "u_named", "top", (("a", "x[0]"), ("b", "x[1]"), ("y", "y0"))),
        hdl.Instantiation("leaf", "u_positional", "top", ((None, "x[0]"), (None, ""), (None, "y1"))),
        hdl.Instantiation("leaf", "u_implicit", "top", (("a", "x[1]"), ("b", "b"), ("y", "y2"))),
    ]  # the `and` gate primitive is not a module instance


def test_instantiations_wildcard_and_parameterised() -> None:
    text = (
        "module tb; reg a; wire y;\n"
        "  RefModule #(.W(4)) good1 (.*);\n"
        "  TopModule top_module1 (.a, .y());\n"
        "endmodule\n"
    )
    found = hdl.instantiations(text)
    assert [(i.module, i.instance, i.parent) for i in found] == [
        ("RefModule", "good1", "tb"),
        ("TopModule", "top_module1", "tb"),
    ]
    assert found[0].connections == (("*", ""),)
    assert found[1].connections == (("a", "a"), ("y", ""))


def test_instantiations_rejects_broken_code() -> None:
    with pytest.raises(hdl.HdlError):
        hdl.instantiations("module tb; leaf u (.a(1) endmodule")


def test_top_modules_and_string_literals() -> None:
    assert hdl.top_modules(HIERARCHY) == ["top"]
    text = 'module tb; initial begin $readmemh("data.hex", m); $display("done %d", 1); end endmodule'
    assert hdl.string_literals(text) == ["data.hex", "done %d"]


def test_module_header_is_the_text_as_written() -> None:
    assert hdl.module_header(NON_ANSI) == "module old_style(clk, d, q, y);"
    assert hdl.module_header(HIERARCHY, "leaf") == "module leaf(input a, input b, output y);"


REFERENCE = Interface("TopModule", (Port("clk", "input", 1), Port("d", "input", 8), Port("q", "output", 4)))


def test_identical_interfaces_have_no_differences_whatever_the_order() -> None:
    shuffled = Interface("TopModule", tuple(reversed(REFERENCE.ports)))
    assert hdl.interface_differences(REFERENCE, REFERENCE) == []
    assert hdl.interface_differences(REFERENCE, shuffled) == []
    assert hdl.interface_differences(REFERENCE, shuffled, check_order=True) == [
        "ports are in the order (clk, d, q) in the reference but (q, d, clk) in the candidate"
    ]


def test_interface_differences_name_every_disagreement() -> None:
    candidate = Interface(
        "top_module",
        (Port("clk", "input", 1), Port("d", "output", 8), Port("q", "output", 8), Port("en", "input", 1)),
    )
    assert hdl.interface_differences(REFERENCE, candidate) == [
        "module is named 'top_module' in the candidate but 'TopModule' in the reference",
        "port 'd' is an input in the reference but an output in the candidate",
        "port 'q' is 4 bits in the reference but 8 bits in the candidate",
        "the candidate has port 'en' (input, 1 bit) that the reference does not have",
    ]
    missing = Interface("TopModule", REFERENCE.ports[:2])
    assert hdl.interface_differences(REFERENCE, missing) == [
        "port 'q' (output, 4 bits) of the reference is missing from the candidate"
    ]


def test_unknown_widths_are_not_differences() -> None:
    unknown = Interface("", (Port("clk", "input", 1), Port("d", "input", 0), Port("q", "output", 4)))
    assert hdl.interface_differences(unknown, REFERENCE) == []


def test_candidate_checked_against_reference_source() -> None:
    reference = hdl.module_interface(SV_TRICKY)
    candidate = hdl.module_interface(
        "module TopModule(input clk, input [7:0] a, b, output reg [7:0] q, output [7:0] packed_out);\n"
        "endmodule\n"
    )
    assert hdl.interface_differences(reference, candidate) == [
        "port 'q' is 4 bits in the reference but 8 bits in the candidate"
    ]


VERILOGEVAL_SPEC = """\

I would like you to implement a module named TopModule with the following
interface. All input and output ports are one bit unless otherwise
specified.

 - input  clk
 - input  reset
 - input  in (8 bits)
 - input  [15:0] wide
 - output reg [3:0] q
 - output out

The module should count. Notes:
 - output of the adder is registered
"""

RTLLM_SPEC = """\
Please act as a professional verilog designer.

Implement a module of an 8-bit adder.

Module name:
    adder_8bit
Input ports:
    a[7:0]: 8-bit input operand A.
    b [WIDTH-1:0]: Operand B.
    cin: Carry-in input.
    data: 16-bit data word.
Output ports:
    sum[7:0]: 8-bit output representing the sum of A and B.
    cout: Carry-out output.

Implementation:
    The module chains full adders.
Give me the complete code.
"""


def test_spec_interface_reads_verilogeval_lists() -> None:
    interface = spec_interface(VERILOGEVAL_SPEC)
    assert interface is not None and interface.module == "TopModule"
    assert ports(interface) == [
        ("clk", "input", 1),
        ("reset", "input", 1),
        ("in", "input", 8),
        ("wide", "input", 16),
        ("q", "output", 4),
        ("out", "output", 1),
    ]


def test_spec_interface_reads_rtllm_sections() -> None:
    interface = spec_interface(RTLLM_SPEC)
    assert interface is not None and interface.module == "adder_8bit"
    assert ports(interface) == [
        ("a", "input", 8),
        ("b", "input", 0),  # depends on a parameter the spec does not give
        ("cin", "input", 0),  # no width stated: unknown, not 1 bit
        ("data", "input", 16),
        ("sum", "output", 8),
        ("cout", "output", 0),
    ]


def test_spec_interface_reads_declaration_lines_and_header_names() -> None:
    spec = "Module name: fifo\nInputs:\n  input wire [3:0] din;\n  input clk;\nOutputs:\n  output reg full;\n"
    interface = spec_interface(spec)
    assert interface is not None
    assert (interface.module, ports(interface)) == (
        "fifo",
        [("din", "input", 4), ("clk", "input", 1), ("full", "output", 1)],
    )
    named_only = spec_interface("Complete the code:\nmodule top_module (\n  input a);\n")
    assert named_only is not None and named_only.module == "top_module"


def test_spec_interface_none_when_nothing_stated() -> None:
    assert spec_interface("The module should always drive 0.\n - output of nothing here\n") is None
