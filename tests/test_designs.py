"""designs/ checks itself: every reference passes its golden testbench, every mutant fails it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from veriassist.check.checker import CheckOptions, check
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.suites import load_suite
from veriassist.types import Candidate, FailureKind, Problem, SourceFile

DESIGNS = Path(__file__).resolve().parent.parent / "designs"
# Tiers live in subfolders (designs/hard/<name>); a design's name is its folder's name.
FOLDERS = {p.parent.name: p.parent for p in DESIGNS.rglob("design.toml")}
NAMES = sorted(FOLDERS)
MUTANTS = [(name, m.name) for name in NAMES for m in sorted((FOLDERS[name] / "mutants").glob("*.sv"))]
# The evidence a failing check would give is not needed here, only the verdict.
OPTIONS = CheckOptions(waveform=False)
COUNTS = ReferenceCounts()  # each reference runs once for all of its mutants


def problem(name: str) -> Problem:
    (only,) = load_suite(FOLDERS[name]).problems
    return only


def test_the_suite_has_at_least_30_designs_and_loads_whole() -> None:
    suite = load_suite(DESIGNS)
    assert suite.format == "designs"
    assert len(suite.problems) >= 30
    assert sorted(p.task_id for p in suite.problems) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_design_loads_without_notes_and_its_spec_names_the_top_module(name: str) -> None:
    design = problem(name)
    assert design.notes == ()
    assert design.testbench is not None and design.reference is not None
    assert re.search(rf"\b{re.escape(design.top)}\b", design.spec), f"spec.md never names `{design.top}`"


@pytest.mark.parametrize("name", NAMES)
def test_every_design_has_a_mutant(name: str) -> None:
    assert any((FOLDERS[name] / "mutants").glob("*.sv")), f"{name} has no mutants/*.sv"


@pytest.mark.simulator
@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_its_golden_testbench(name: str) -> None:
    design = problem(name)
    assert design.testbench is not None and design.reference is not None
    # The reference's own run is the reference run: no count to hold it to.
    reference = Candidate((design.reference,), design.top)
    result = check(reference, design.testbench, OPTIONS, expected_samples=None)
    assert result.passed, result.summary
    assert result.kind is FailureKind.PASS
    assert result.samples and result.samples > 0


@pytest.mark.simulator
@pytest.mark.parametrize(("name", "mutant"), MUTANTS, ids=[f"{n}/{m}" for n, m in MUTANTS])
def test_mutant_fails_the_golden_testbench(name: str, mutant: str) -> None:
    design = problem(name)
    assert design.testbench is not None
    text = (FOLDERS[name] / "mutants" / mutant).read_text()
    mutated = Candidate((SourceFile(mutant, text),), design.top)
    result = check_counted(mutated, design.testbench, OPTIONS, COUNTS)
    assert not result.passed
    assert result.kind is not FailureKind.PASS


SHARED_SUBMODULE_TB = """`timescale 1 ps/1 ps
module tb();
  reg [3:0] a, b;
  wire [4:0] s_ref, s_dut;
  integer i, errors = 0, clocks = 0;
  adder4_ref good1 (.a(a), .b(b), .s(s_ref));
  adder4 top_module1 (.a(a), .b(b), .s(s_dut));
  initial begin
    for (i = 0; i < 256; i = i + 1) begin
      {a, b} = i; #5;
      clocks = clocks + 1;
      if (s_ref !== s_dut) errors = errors + 1;
    end
    $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "s", errors, 0);
    $display("Hint: Total mismatched samples is %1d out of %1d samples\\n", errors, clocks);
    $display("Simulation finished at %0d ps", $time);
    $display("Mismatches: %1d in %1d samples", errors, clocks);
    $finish;
  end
endmodule
"""
RIPPLE = """module full_adder(input a, input b, input c, output s, output co);
  assign {co, s} = a + b + c;
endmodule
module adder4(input [3:0] a, input [3:0] b, output [4:0] s);
  wire [4:0] c;
  assign c[0] = 1'b0;
  genvar i;
  generate for (i = 0; i < 4; i = i + 1) begin : bit_
    full_adder fa (.a(a[i]), .b(b[i]), .c(c[i]), .s(s[i]), .co(c[i+1]));
  end endgenerate
  assign s[4] = c[4];
endmodule
"""


@pytest.mark.simulator
@pytest.mark.parametrize(
    ("carry_in", "passes"), [("assign c[0] = 1'b0;", True), ("assign c[0] = 1'b1;", False)]
)
def test_a_multi_module_reference_runs_beside_a_candidate_with_the_same_submodule_names(
    tmp_path: Path, carry_in: str, passes: bool
) -> None:
    # The candidate defines `full_adder` too, as a design written from the spec would: the
    # reference's submodules are renamed with its top, so the two never clash.
    (tmp_path / "design.toml").write_text('top = "adder4"\n')
    (tmp_path / "spec.md").write_text("Module adder4: s = a + b.\n")
    (tmp_path / "reference.sv").write_text(RIPPLE)
    (tmp_path / "testbench.sv").write_text(SHARED_SUBMODULE_TB)
    (design,) = load_suite(tmp_path).problems
    assert design.testbench is not None
    different = RIPPLE.replace(
        "assign {co, s} = a + b + c;", "assign s = a ^ b ^ c;\n  assign co = (a & b) | (c & (a ^ b));"
    )
    candidate = Candidate(
        (SourceFile("adder4.sv", different.replace("assign c[0] = 1'b0;", carry_in)),), "adder4"
    )
    result = check(candidate, design.testbench, OPTIONS, expected_samples=256)
    assert result.passed is passes, result.summary
    assert result.kind is (FailureKind.PASS if passes else FailureKind.MISMATCH)


def _design(folder: Path, top: str, tier: str | None = None) -> None:
    folder.mkdir(parents=True)
    (folder / "design.toml").write_text(f'top = "{top}"\n' + (f'tier = "{tier}"\n' if tier else ""))
    (folder / "spec.md").write_text(f"Module {top}.\n")
    (folder / "reference.sv").write_text(f"module {top}(input a, output y); assign y = a; endmodule\n")
    (folder / "testbench.sv").write_text(f"module tb; {top}_ref r(); {top} d(); endmodule\n")


def test_designs_in_tier_folders_load_with_their_tier_and_bench_selects_by_it(tmp_path: Path) -> None:
    from veriassist.eval.bench import BenchError, BenchRequest, select

    _design(tmp_path / "wire", "wire_through")
    _design(tmp_path / "hard" / "big", "big_block", tier="hard")
    suite = load_suite(tmp_path)
    assert {p.task_id: p.metadata["tier"] for p in suite.problems} == {"wire": "standard", "big": "hard"}
    from veriassist.suites.designs import tiers

    assert tiers(tmp_path) == {"wire": "standard", "big": "hard"}  # manifests only, for old runs' reports
    chosen, _ = select(suite, BenchRequest(suite_path=tmp_path, tiers=("hard",)))
    assert [p.task_id for p in chosen] == ["big"]
    with pytest.raises(BenchError, match="tiers are hard, standard"):
        select(suite, BenchRequest(suite_path=tmp_path, tiers=("expert",)))


def test_two_designs_with_one_name_in_different_tiers_are_refused(tmp_path: Path) -> None:
    from veriassist.suites import SuiteError

    _design(tmp_path / "fifo", "fifo_a")
    _design(tmp_path / "hard" / "fifo", "fifo_b", tier="hard")
    with pytest.raises(SuiteError, match="two designs named 'fifo'"):
        load_suite(tmp_path)


VALIDATIONS = sorted(p.parent.parent.name for p in DESIGNS.rglob("validate/validate.py"))


@pytest.mark.simulator
@pytest.mark.parametrize("name", VALIDATIONS)
def test_reference_agrees_with_its_independent_model(name: str) -> None:
    # tools/validate_designs.py is the one command users run; CI runs it design by design.
    import subprocess
    import sys

    tool = DESIGNS.parent / "tools" / "validate_designs.py"
    done = subprocess.run([sys.executable, str(tool), "--only", name], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"PASS  {name}" in done.stdout


def test_every_hard_design_is_validated_independently() -> None:
    hard = [n for n in NAMES if problem(n).metadata.get("tier") == "hard"]
    assert [n for n in hard if n not in VALIDATIONS] == []
