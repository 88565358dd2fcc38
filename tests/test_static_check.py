"""The static check judges the text Icarus compiles, and untrusted text cannot hang or crash it.

Each test is one way a candidate got past the check, or took the checking process
down, before the defence it names.
"""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
from support import GOOD_COUNTER, counter

from veriassist import hdl
from veriassist.check.checker import CheckOptions, check
from veriassist.check.simulators import simulator_for
from veriassist.hdl.static_check import MAX_DESIGN_CHARS, check_candidate
from veriassist.types import Candidate, FailureKind, SourceFile, Testbench

ROOT = Path(__file__).parent.parent
# A VerilogEval testbench defines OK and INCORRECT; Icarus compiles it ahead of the design.
TESTBENCH = "`define OK 12\n" + (ROOT / "tests/fixtures/check/counter_test.sv").read_text()
RESERVED = {"tb", "stimulus_gen", "RefModule"}
STUCK = "module TopModule(input clk, input reset, output reg [3:0] q);\n  initial q = 0;\n{body}\nendmodule\n"


def rejections(*texts: str, names: tuple[str, ...] = ()) -> tuple[str, ...]:
    files = [(names[i] if i < len(names) else f"f{i}.sv", text) for i, text in enumerate(texts)]
    return check_candidate(files, RESERVED, [TESTBENCH]).rejections


def stuck(body: str) -> str:
    return STUCK.format(body=body)


# --- 1. Conditional compilation reads the same in the checker as in Icarus ------------------------


@pytest.mark.parametrize(
    ("directive", "macro"), [("`ifdef __ICARUS__", "__ICARUS__"), ("`ifndef __slang__", "__slang__")]
)
def test_code_hidden_behind_a_tool_macro_is_refused_and_seen_as_icarus_sees_it(
    directive: str, macro: str
) -> None:
    found = rejections(stuck(f"{directive}\n  initial force tb.tb_match = 1'b1;\n`endif"))
    assert any(f"tests `{macro}`, which a tool predefines" in r for r in found), found
    assert any("`force`" in r for r in found), found  # the hidden code is checked too


def test_a_condition_on_a_testbench_macro_is_refused_even_if_the_design_defines_it_later() -> None:
    """Before the design's own `define, Icarus still sees the testbench's."""
    found = rejections(stuck("`ifdef OK\n  initial force tb.tb_match = 1'b1;\n`endif\n`define OK 1"))
    assert any("tests `OK`, which the testbench or the reference defines" in r for r in found), found


def test_a_condition_on_the_designs_own_macro_is_allowed() -> None:
    own = "`define FAST\n" + stuck("`ifdef FAST\n  always @(posedge clk) q <= q + 1;\n`endif")
    assert rejections(own) == ()


def test_a_macro_defined_in_one_file_steers_the_next_as_in_icarus() -> None:
    """Icarus keeps macros across the files of one compile; checking each file alone missed this."""
    first = "`define HIDE\nmodule helper; endmodule\n"
    second = stuck(
        "`ifndef HIDE\n  always @(posedge clk) q <= q + 1;\n`else\n  initial force tb.tb_match = 1;\n`endif"
    )
    assert any("`force`" in r for r in rejections(first, second))


def test_using_a_macro_the_design_does_not_define_is_refused() -> None:
    found = rejections(stuck("  always @(posedge clk) q <= `OK;"))
    assert any("`OK` is not a macro the design defines" in r for r in found), found


# --- 2. A design may not borrow the testbench's or the reference's modules -----------------------


@pytest.mark.parametrize("module", ["RefModule", "stimulus_gen"])
def test_instantiating_a_testbench_or_reference_module_is_refused_by_name(module: str) -> None:
    found = rejections(stuck(f"  {module} cheat(.clk(clk), .reset(reset), .q());"))
    assert any(f"instantiates `{module}`" in r for r in found), found


def test_own_modules_udps_and_gate_primitives_may_be_instantiated() -> None:
    text = """primitive inv(output o, input a); table 0:1; 1:0; endtable endprimitive
module half(input a, b, output s, c); xor g1(s, a, b); and g2(c, a, b); endmodule
module TopModule(input clk, input reset, output [3:0] q);
  wire s, c, n;
  half h(.a(clk), .b(reset), .s(s), .c(c));
  inv i1(n, s);
  nand g3(q[0], n, c);
  assign q[3:1] = 0;
endmodule
"""
    assert rejections(text) == ()


# --- 3. System tasks and functions are an allow-list ---------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        'integer fd; initial fd = $fopenw("results.xml");',
        'integer fd; initial fd = $fopena("results.xml");',
        "integer fd; initial $fputc(65, fd);",
        'reg [7:0] m [0:3]; initial $readmemh("expected_sums.hex", m);',
        'reg [7:0] m [0:3]; initial $readmemb("expected_sums.hex", m);',
        'initial $sdf_annotate("x.sdf");',
        "always @(posedge clk) q <= $random;",
        'initial $timeformat(-9, 2, " ns", 10);',
    ],
)
def test_system_tasks_off_the_allow_list_are_refused(call: str) -> None:
    task = call[call.index("$") :].split("(")[0].rstrip(";")
    found = rejections(stuck("  " + call))
    assert any(f"`{task}`" in r for r in found), found


def test_printing_math_and_conversions_are_allowed() -> None:
    body = """  real r;
  always @(posedge clk) begin
    r = $sqrt(2.0) + $pow(2.0, 3) + $itor($clog2(16));
    q <= $unsigned($signed(q) + $rtoi(r)) + $countones(q) + $bits(q);
    $display("%t q=%0d", $time, q); $strobe("%0d", q); $warning("w"); $info("i");
  end"""
    assert rejections(stuck(body)) == ()


def test_every_shipped_reference_design_and_mutant_passes() -> None:
    paths = sorted(
        glob.glob(str(ROOT / "designs/*/reference.sv")) + glob.glob(str(ROOT / "designs/*/mutants/*.sv"))
    )
    assert len(paths) >= 35
    refused = {p: check_candidate([(Path(p).name, Path(p).read_text())]).rejections for p in paths}
    assert {p: r for p, r in refused.items() if r} == {}


# --- 4. Parsing untrusted text never reads the disk ----------------------------------------------


def test_an_include_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.vh"
    secret.write_text("module leaked_SECRET_TOKEN; endmodule\n")
    text = f'`include "{secret}"\n' + GOOD_COUNTER
    findings = check_candidate([("top.sv", text)], RESERVED)
    assert any("`include is not allowed" in r for r in findings.rejections)
    assert "leaked_SECRET_TOKEN" not in " ".join(findings.rejections + findings.modules)
    assert hdl.module_names(text) == ["TopModule"]  # the parse helpers do not read it either
    assert hdl.syntax_errors(text) == []


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_including_a_device_neither_hangs_nor_crashes(device: str) -> None:
    text = f'`include "{device}"\n' + GOOD_COUNTER
    assert any("`include" in r for r in check_candidate([("top.sv", text)]).rejections)
    assert hdl.module_names(text) == ["TopModule"]


# --- 5. Size and depth are bounded; a parser failure is a rejection, not a crash -----------------

DEEP = {
    "parentheses": stuck("  always @(posedge clk) q <= " + "(" * 200_000 + "1" + ")" * 200_000 + ";"),
    "begins": stuck("  initial " + "begin " * 5_000 + "q = 1;" + " end" * 5_000),
    "macro bomb": "`define A(x) (x+x)\n"
    + stuck("  always @(posedge clk) q <= " + "`A(" * 3_000 + "1" + ")" * 3_000 + ";"),
    "billion laughs": "`define L0 q\n"
    + "".join(f"`define L{i} `L{i - 1} + `L{i - 1}\n" for i in range(1, 40))
    + stuck("  always @(posedge clk) q <= `L39;"),
    "operator chain": stuck("  always @(posedge clk) q <= " + "q+" * 20_000 + "1;"),
}


@pytest.mark.parametrize("kind", DEEP)
def test_deep_or_exploding_code_is_a_clear_rejection(kind: str) -> None:
    found = check_candidate([("top.sv", DEEP[kind])]).rejections
    assert found, kind
    assert any(word in " ".join(found) for word in ("too deeply", "expand too far", "chains more than"))


@pytest.mark.parametrize("kind", ["parentheses", "macro bomb", "billion laughs"])
def test_the_parse_helpers_raise_hdl_error_on_deep_or_exploding_code(kind: str) -> None:
    with pytest.raises(hdl.HdlError):
        hdl.module_interface(DEEP[kind], "TopModule")
    assert hdl.syntax_errors(DEEP[kind])  # reported, not raised


def test_a_huge_candidate_is_refused_before_parsing() -> None:
    huge = GOOD_COUNTER + "// " + "x" * (50 * 1024 * 1024) + "\n"
    found = check_candidate([("top.sv", huge)]).rejections
    assert len(found) == 1 and "too large" in found[0] and f"{MAX_DESIGN_CHARS:,}" in found[0]
    with pytest.raises(hdl.HdlError, match="too large"):
        hdl.module_names(huge)


# --- End to end: through check() with a real simulation -------------------------------------------


@pytest.mark.simulator
def test_check_refuses_a_force_hidden_behind_ifdef_icarus(counter_tb: Testbench) -> None:
    attack = counter(stuck("`ifdef __ICARUS__\n  initial force tb.tb_match = 1'b1;\n`endif"))
    result = check(attack, counter_tb, expected_samples=None)
    assert result.kind is FailureKind.REJECTED
    assert "`__ICARUS__`" in result.summary
    assert "compile_simulate_s" not in result.timings


@pytest.mark.simulator
def test_check_refuses_a_wrong_adder_that_zeroes_the_error_count_behind_ifndef_slang(
    adder_tb: Testbench,
) -> None:
    wrong = """module adder8 (input [7:0] a, input [7:0] b, output [8:0] sum);
  assign sum = 0;
`ifndef __slang__
  always @(adder_tb.errors) if (adder_tb.errors != 0) force adder_tb.errors = 0;
`endif
endmodule
"""
    attack = Candidate((SourceFile("adder8.v", wrong),), "adder8")
    result = check(attack, adder_tb, expected_samples=None)
    assert result.kind is FailureKind.REJECTED
    assert any("`__slang__`" in r for r in result.rejections)
    # What the refusal prevents: simulated, the wrong adder hides its errors and passes.
    assert simulator_for(adder_tb).run(attack, adder_tb, CheckOptions(), expected_samples=None).passed


@pytest.mark.simulator
def test_check_refuses_a_design_that_instantiates_the_reference(counter_tb: Testbench) -> None:
    cheat = counter(
        "module TopModule(input clk, input reset, output [3:0] q);\n"
        "  RefModule cheat(.clk(clk), .reset(reset), .q(q));\nendmodule\n"
    )
    result = check(cheat, counter_tb, expected_samples=None)
    assert result.kind is FailureKind.REJECTED
    assert "instantiates `RefModule`" in result.summary
    # What the refusal prevents: simulated, the borrowed reference passes.
    assert simulator_for(counter_tb).run(cheat, counter_tb, CheckOptions(), expected_samples=None).passed


@pytest.mark.simulator
def test_check_rejects_deeply_nested_code_instead_of_crashing(counter_tb: Testbench) -> None:
    result = check(counter(DEEP["parentheses"]), counter_tb, expected_samples=None)
    assert result.kind is FailureKind.REJECTED
    assert "nested too deeply" in result.summary
