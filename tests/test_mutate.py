from __future__ import annotations

from veriassist import hdl
from veriassist.hdl.mutate import mutants

SOURCE = """module m(input [3:0] a, b, input clk, output reg [3:0] y, output z);
  // a comment that must survive: a + b
  assign z = a == b;
  always @(posedge clk) begin
    for (int i = 0; i < 4; i = i + 1) y[i] <= a[i] & b[i];
    if (a < 4'd3) y <= a + 8'hff;
  end
endmodule
"""


def test_every_kind_of_site_is_found_outside_loop_headers_and_declarations() -> None:
    found = [m.description for m in mutants(SOURCE)]
    assert found == [
        "line 3: '==' -> '!='",
        "line 5: '&' -> '|'",
        "line 6: if (a < 4'd3) -> if (!(a < 4'd3))",
        "line 6: '<' -> '<='",
        "line 6: constant 3 -> 4",
        "line 6: '+' -> '-'",
        "line 6: constant ff -> fe",
    ]


def test_a_mutant_edits_only_the_tokens_it_names() -> None:
    inverted = next(m for m in mutants(SOURCE) if m.kind == "condition")
    assert inverted.text == SOURCE.replace("if (a < 4'd3)", "if (!(a < 4'd3))")
    swapped = next(m for m in mutants(SOURCE) if m.description.endswith("'+' -> '-'"))
    assert swapped.text == SOURCE.replace("a + 8'hff", "a - 8'hff")
    assert "// a comment that must survive: a + b" in swapped.text


def test_every_mutant_still_parses() -> None:
    for mutant in mutants(SOURCE):
        assert hdl.syntax_errors(mutant.text) == [], mutant.description


def test_a_limit_spreads_the_choice_over_kinds() -> None:
    chosen = mutants(SOURCE, 3)
    assert sorted(m.kind for m in chosen) == ["condition", "constant", "operator"]
    assert mutants(SOURCE, 3) == chosen  # deterministic


def test_sized_constants_stay_in_range_and_keep_their_digits() -> None:
    text = "module m(output [3:0] y); assign y = 4'b1111 ^ 4'b0010; endmodule\n"
    assert [m.description for m in mutants(text)] == [
        "line 1: constant 1111 -> 1110",
        "line 1: constant 0010 -> 0011",
    ]


def test_broken_source_has_no_mutants() -> None:
    assert mutants("module m(; endmodule") == []
