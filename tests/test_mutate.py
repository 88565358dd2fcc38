from __future__ import annotations

from veriassist import hdl
from veriassist.hdl import mutate
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


# --- the mistakes models make (MODEL_MISTAKES), for the own-testbench strength check ------------

CLOCKED = """module c(input clk, input rst, input en, input [7:0] a, b, output reg [7:0] q, output reg p);
  always @(posedge clk) begin
    if (rst) q <= 8'h00;
    else if (en && a[0]) q <= a + b;
  end
  always @(posedge clk or negedge rst) begin
    if (!rst) p <= 1'b1;
    else p <= a[1] ^ b[1];
  end
endmodule
"""
NEW_KINDS = ("reset-value", "dropped-term", "edge", "xor", "reset-style")


def test_each_model_mistake_is_found_where_it_makes_sense() -> None:
    found = [(m.kind, m.description) for m in mutants(CLOCKED, kinds=NEW_KINDS)]
    assert found == [
        ("edge", "line 2: posedge clk -> negedge clk"),
        ("reset-style", "line 2: @(posedge clk) -> @(posedge clk or posedge rst)"),
        ("reset-value", "line 3: reset value 00 -> ff"),
        ("dropped-term", "line 4: en && a[0] -> en"),
        ("dropped-term", "line 4: a + b -> a"),
        # The reset's own edge is not "the clock's other edge"; the reset is made synchronous instead.
        ("edge", "line 6: posedge clk -> negedge clk"),
        ("reset-style", "line 6: @(posedge clk or negedge rst) -> @(posedge clk)"),
        ("reset-value", "line 7: reset value 1 -> 0"),
        ("xor", "line 8: '^' -> '|'"),
        ("dropped-term", "line 8: a[1] ^ b[1] -> a[1]"),
    ]


def test_model_mistakes_edit_only_their_tokens_and_still_parse() -> None:
    by_description = {m.description: m.text for m in mutants(CLOCKED, kinds=mutate.MODEL_MISTAKES)}
    assert by_description["line 2: @(posedge clk) -> @(posedge clk or posedge rst)"] == CLOCKED.replace(
        "always @(posedge clk) begin", "always @(posedge clk or posedge rst) begin"
    )
    assert by_description["line 6: @(posedge clk or negedge rst) -> @(posedge clk)"] == CLOCKED.replace(
        "@(posedge clk or negedge rst)", "@(posedge clk)"
    )
    assert by_description["line 4: a + b -> a"] == CLOCKED.replace("q <= a + b;", "q <= a;")
    assert by_description["line 3: reset value 00 -> ff"] == CLOCKED.replace("8'h00", "8'hff")
    for description, text in by_description.items():
        assert hdl.syntax_errors(text) == [], description


def test_an_active_low_reset_made_asynchronous_gets_the_falling_edge() -> None:
    text = "module r(input clk, rst_n, d, output reg q);\n  always @(posedge clk) if (~rst_n) q <= 0; else q <= d;\nendmodule\n"
    (made,) = mutants(text, kinds=["reset-style"])
    assert "@(posedge clk or negedge rst_n)" in made.text


def test_the_default_kinds_are_the_classic_three() -> None:
    # The suite audit and the tools keep their mutants: the new kinds are asked for by name.
    assert mutants(CLOCKED) == mutants(CLOCKED, kinds=mutate.KINDS)
    assert {m.kind for m in mutants(CLOCKED)} == {"operator", "condition", "constant"}


def test_a_limit_spreads_over_every_kind_asked_for_and_a_seed_moves_the_spread() -> None:
    everything = mutants(CLOCKED, kinds=mutate.MODEL_MISTAKES)
    chosen = mutants(CLOCKED, 8, kinds=mutate.MODEL_MISTAKES)
    assert len(chosen) == 8 and len({m.kind for m in chosen}) == 8  # one of each kind
    assert mutants(CLOCKED, 8, kinds=mutate.MODEL_MISTAKES) == chosen  # deterministic
    other = mutants(CLOCKED, 8, kinds=mutate.MODEL_MISTAKES, seed=1)
    assert other == mutants(CLOCKED, 8, kinds=mutate.MODEL_MISTAKES, seed=1) and other != chosen
    assert all(m in everything for m in other) and len({m.text for m in other}) == 8
    assert mutants(SOURCE, 3, seed=0) == mutants(SOURCE, 3)  # seed 0 is the even spread


def test_a_combinational_sensitivity_list_is_not_a_reset_to_move() -> None:
    text = "module s(input rst, a, output reg y);\n  always @(rst or a) y = rst | a;\nendmodule\n"
    assert [m.kind for m in mutants(text, kinds=["edge", "reset-style"])] == []
