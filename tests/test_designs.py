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
NAMES = sorted(p.parent.name for p in DESIGNS.glob("*/design.toml"))
MUTANTS = [(name, m.name) for name in NAMES for m in sorted((DESIGNS / name / "mutants").glob("*.sv"))]
# The evidence a failing check would give is not needed here, only the verdict.
OPTIONS = CheckOptions(waveform=False)
COUNTS = ReferenceCounts()  # each reference runs once for all of its mutants


def problem(name: str) -> Problem:
    (only,) = load_suite(DESIGNS / name).problems
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
    assert any((DESIGNS / name / "mutants").glob("*.sv")), f"{name} has no mutants/*.sv"


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
    text = (DESIGNS / name / "mutants" / mutant).read_text()
    mutated = Candidate((SourceFile(mutant, text),), design.top)
    result = check_counted(mutated, design.testbench, OPTIONS, COUNTS)
    assert not result.passed
    assert result.kind is not FailureKind.PASS
