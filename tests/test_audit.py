from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.cli import app
from veriassist.suites import load_suite
from veriassist.suites.audit import (
    AuditOptions,
    Finding,
    audit_one,
    audit_suite,
    constant_design,
    is_flagged,
    lint_flags,
)
from veriassist.types import Severity, SourceFile

LINT = Path(__file__).parent / "fixtures" / "audit"
DESIGNS = LINT / "designs"
VERILOGEVAL = LINT / "verilogeval_v2"
ERROR, WARNING = Severity.ERROR, Severity.WARNING

EXPECTED_DESIGNS = {
    "clean_counter": [],
    "clean_mux": [],
    "one_output": [
        (
            "strength",
            WARNING,
            "output 'y_or' goes to `y_or_dut`, which the testbench never reads: it is never checked",
        )
    ],
    "positional_order": [
        (
            "interface",
            ERROR,
            "testbench.sv (instance top_module1) connects pmux by position, so port order matters: "
            "the spec lists (a, b, sel, y) but the reference declares (b, a, sel, y)",
        )
    ],
    "wrong_module_name": [
        (
            "interface",
            ERROR,
            "spec vs reference.sv: module is named 'add4' in the reference (reference.sv) "
            "but 'adder4' in the spec",
        )
    ],
    "x_compare": [
        (
            "strength",
            WARNING,
            "output 'q' is checked in only 5% of 64 samples (the reference is X or Z in the rest, which the "
            "compare accepts from any design); the spec does not call it don't-care",
        ),
        ("strength", WARNING, "a design with every output stuck at 0 passes the testbench"),
    ],
}

EXPECTED_VERILOGEVAL = {
    "Prob001_xor8": [],
    "Prob002_renamed_port": [
        (
            "interface",
            ERROR,
            "spec vs TopModule.sv: port 'in2' (input, 8 bits) is missing from the reference (TopModule.sv)",
        ),
        (
            "interface",
            ERROR,
            "spec vs TopModule.sv: the reference (TopModule.sv) has port 'b' (input, 8 bits) that the spec "
            "does not have",
        ),
    ],
    "Prob003_timeout": [
        (
            "reference",
            ERROR,
            "the reference fails its own testbench: "
            "timeout (the testbench printed TIMEOUT, or the run passed 30 s)",
        )
    ],
}


def _as_tuples(findings: dict[str, list[Finding]]) -> dict[str, list[tuple[str, Severity, str]]]:
    return {task: [(f.check, f.severity, f.message) for f in found] for task, found in findings.items()}


@pytest.mark.simulator
def test_each_planted_defect_in_the_designs_suite_is_found_once_and_clean_problems_have_none() -> None:
    findings = audit_suite(load_suite(DESIGNS), jobs=2)
    assert _as_tuples(findings) == EXPECTED_DESIGNS


@pytest.mark.simulator
def test_verilogeval_layout_renamed_port_and_failing_reference_are_found() -> None:
    findings = audit_suite(load_suite(VERILOGEVAL))
    assert _as_tuples(findings) == EXPECTED_VERILOGEVAL


@pytest.mark.simulator
def test_measurements_behind_the_findings_are_kept_apart() -> None:
    suite = load_suite(DESIGNS)
    weak = audit_one(suite.get("x_compare"))
    assert weak.known_share == {"q": pytest.approx(3 / 64)}
    assert weak.samples == 64
    clean = audit_one(suite.get("clean_counter"), AuditOptions(all_mutants=True))
    assert clean.findings == ()
    assert clean.mutants_total == 4 and clean.mutants_killed == 4
    assert clean.known_share["q"] > 0.9
    # By default the mutants stop at the first kill: the finding is only about none killed.
    quick = audit_one(suite.get("clean_counter"))
    assert quick.findings == ()
    assert (quick.mutants_killed, quick.mutants_total) == (1, 1)


@pytest.mark.simulator
def test_a_testbench_that_kills_no_mutant_is_flagged() -> None:
    problem = load_suite(DESIGNS).get("one_output")
    # Only y_or's logic is left to mutate, and the testbench never looks at y_or.
    assert problem.reference is not None
    text = problem.reference.text.replace("assign y_and = a & b;", "and g (y_and, a, b);")
    only_or = replace(problem, reference=SourceFile(problem.reference.name, text))
    result = audit_one(only_or)
    assert [(f.check, f.message) for f in result.findings if f.check == "mutation"] == [
        ("mutation", "the testbench kills none of 1 mutants of the reference (line 8: '|' -> '&')")
    ]


def test_interface_checks_alone_need_no_simulator() -> None:
    findings = audit_suite(load_suite(DESIGNS), options=AuditOptions(simulate=False))
    assert {task for task, found in findings.items() if found} == {"positional_order", "wrong_module_name"}


def test_a_constant_design_keeps_the_reference_interface() -> None:
    reference = SourceFile(
        "r.sv", "module r(a, y);\n  input [3:0] a;\n  output [3:0] y;\n  assign y = a;\nendmodule\n"
    )
    design = constant_design(reference, "r", "1")
    assert design is not None
    assert design.text == "module r (input [3:0] a, output [3:0] y);\n  assign y = '1;\nendmodule\n"


def test_flags_for_records_and_exclusion_by_severity() -> None:
    findings = [
        Finding("p", "strength", Severity.WARNING, "weak"),
        Finding("p", "interface", Severity.ERROR, "renamed"),
    ]
    assert lint_flags(findings) == ("error:interface", "warning:strength")
    assert lint_flags(findings, "error") == ("error:interface",)
    assert is_flagged(findings, "warning") and is_flagged(findings, "error")
    assert not is_flagged(findings[:1], "error")


@pytest.mark.simulator
def test_cli_prints_json_and_exits_1_on_errors() -> None:
    result = CliRunner().invoke(
        app, ["suites", "lint", str(VERILOGEVAL), "--json", "-j", "1", "--task", "spec-to-rtl"]
    )
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    flagged = {p["task_id"]: [f["check"] for f in p["findings"]] for p in payload["problems"]}
    assert flagged == {
        "Prob001_xor8": [],
        "Prob002_renamed_port": ["interface", "interface"],
        "Prob003_timeout": ["reference"],
    }


@pytest.mark.simulator
def test_cli_table_lists_only_flagged_problems() -> None:
    result = CliRunner().invoke(app, ["suites", "lint", str(DESIGNS), "--task", "x", "-j", "1"])
    assert result.exit_code == 2  # the designs format has no tasks
    result = CliRunner().invoke(app, ["suites", "lint", str(DESIGNS / "clean_mux"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "1 problems, 0 flagged: 0 errors, 0 warnings, 0 notes; mutants killed 1/1" in result.output
