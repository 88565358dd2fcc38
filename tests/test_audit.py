from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.check.equivalence import yosys_installed
from veriassist.cli import app
from veriassist.suites import load_suite
from veriassist.suites.audit import (
    AuditOptions,
    Finding,
    audit_one,
    audit_problems,
    audit_suite,
    constant_design,
    is_flagged,
    lint_flags,
    read_labels,
    score_labels,
)
from veriassist.types import Candidate, Severity, SourceFile

LINT = Path(__file__).parent / "fixtures" / "audit"
CORPUS = LINT / "corpus"
TOOLS = Path(__file__).parent.parent / "tools"
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
            "output 'y_or' goes to `y_or_dut`, which testbench.sv never reads: it is never checked",
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
        # With Yosys the stuck design is also proved wrong: the testbench passes a wrong design.
        (
            "strength",
            ERROR,
            "the testbench passes a design with every output stuck at 0, which a proof shows differs from the reference",
        ),
    ],
}

EXPECTED_VERILOGEVAL = {
    "Prob001_xor8": [],
    "Prob002_renamed_port": [
        (
            "interface",
            ERROR,
            "spec vs Prob002_renamed_port_ref.sv: port 'in2' (input, 8 bits) of the spec is missing from the reference "
            "(Prob002_renamed_port_ref.sv)",
        ),
        (
            "interface",
            ERROR,
            "spec vs Prob002_renamed_port_ref.sv: the reference (Prob002_renamed_port_ref.sv) has port 'b' "
            "(input, 8 bits) that the spec does not have",
        ),
    ],
    "Prob003_timeout": [
        (
            "reference",
            ERROR,
            "the reference fails its own testbench: "
            "timeout: the testbench's own guard fired (it printed TIMEOUT before the design finished)",
        )
    ],
}


def _as_tuples(findings: dict[str, list[Finding]]) -> dict[str, list[tuple[str, Severity, str]]]:
    return {
        task: [(f.check, f.severity, _head(f.message)) for f in found] for task, found in findings.items()
    }


def _head(message: str) -> str:
    """A proof's finding up to its counterexample's assumptions, which belong to the formal check."""
    return message.split(" (counterexample")[0] if "a proof shows" in message else message


@pytest.mark.simulator
def test_each_planted_defect_in_the_designs_suite_is_found_once_and_clean_problems_have_none() -> None:
    findings = audit_suite(load_suite(DESIGNS), jobs=2)
    expected = EXPECTED_DESIGNS
    if not yosys_installed():
        expected = {t: [f for f in found if "a proof shows" not in f[2]] for t, found in expected.items()}
    assert _as_tuples(findings) == expected


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
    """The static checks run without a simulator: port names, order, widths, reset polarity."""
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


# --- The labelled corpus: our own copies of the patterns the suites' findings came from ----------


@pytest.mark.simulator
@pytest.mark.parametrize("suite", ["verilogeval_v2", "verilogeval_v1", "rtllm_v2"])
def test_the_audit_raises_no_false_alarm_and_misses_no_true_finding_on_the_labelled_corpus(
    suite: str,
) -> None:
    root = CORPUS / suite
    labels = read_labels((root / "labels.toml").read_text())
    results = audit_problems(load_suite(root).problems, 2, AuditOptions(formal="auto"))
    findings = [f for r in results for f in r.findings]
    if not yosys_installed():  # the proof's findings need Yosys; everything else must hold without it
        labels = [label for label in labels if "proof" not in label.match]
    score = score_labels(findings, labels)
    assert [(f.task_id, f.message) for f, _ in score.false_positives] == []
    assert [(label.task, label.match) for label in score.missed] == []
    # Every warning and error is spoken for: the corpus says what each one is.
    assert [(f.task_id, f.message) for f in score.unlabelled] == []
    assert score.recall in (1.0, None) and score.precision in (1.0, None)


def test_labels_score_counts_false_alarms_misses_and_unlabelled_findings() -> None:
    labels = read_labels(
        """
[[finding]]
task = "p"
check = "strength"
match = "never reads"
label = true
evidence = "cout is wired to nothing that is read"

[[finding]]
task = "p"
check = "interface"
match = "1 bit in the spec"
label = false
evidence = "the spec gives the width in words"

[[finding]]
task = "q"
check = "reference"
match = "fails"
label = true
"""
    )
    findings = [
        Finding("p", "strength", WARNING, "output 'cout' goes to `c`, which tb.v never reads"),
        Finding("p", "interface", ERROR, "port 'a' is 1 bit in the spec but 8 bits in the reference"),
        Finding("p", "strength", Severity.INFO, "a note is no claim of a fault"),
        Finding("r", "mutation", WARNING, "kills none"),
    ]
    score = score_labels(findings, labels)
    assert [f.message for f in score.true_positives] == ["output 'cout' goes to `c`, which tb.v never reads"]
    assert [label.evidence for _, label in score.false_positives] == ["the spec gives the width in words"]
    assert [label.task for label in score.missed] == ["q"]
    assert [f.task_id for f in score.unlabelled] == ["r"]
    assert score.precision == 0.5 and score.recall == 0.5
    with pytest.raises(ValueError, match="label 1: missing match"):
        read_labels('[[finding]]\ntask = "p"\ncheck = "x"\nlabel = true\n')


@pytest.mark.simulator
def test_audit_precision_tool_prints_precision_and_recall_for_a_checkout() -> None:
    import subprocess
    import sys

    root = CORPUS / "rtllm_v2"
    ran = subprocess.run(
        [sys.executable, str(TOOLS / "audit_precision.py"), str(root), str(root / "labels.toml"), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    truths = sum(1 for label in read_labels((root / "labels.toml").read_text()) if label.label)
    if yosys_installed():
        assert "precision 100% (" in ran.stdout
        assert f"recall    100% ({truths} of {truths} true findings reported)" in ran.stdout
    assert "FALSE ALARM" not in ran.stdout and "MISSED" not in ran.stdout


@pytest.mark.simulator
@pytest.mark.skipif(not yosys_installed(), reason="the proof needs Yosys")
def test_a_vacuous_testbench_is_caught_by_the_proof_with_its_counterexample() -> None:
    """Prob053's pattern: the reference's output is X all run, so `in & out` passes; Yosys refutes it."""
    from veriassist.check.checker import CheckOptions, check
    from veriassist.check.equivalence import FormalOptions, formal_check
    from veriassist.types import FormalStatus

    problem = load_suite(CORPUS / "verilogeval_v2").get("Prob053_xor_dff")
    assert problem.testbench is not None and problem.reference is not None
    wrong = problem.reference.text.replace("in ^ out", "in & out")
    assert wrong != problem.reference.text
    mutant = Candidate((SourceFile("TopModule.sv", wrong),), "TopModule")
    assert check(mutant, problem.testbench, CheckOptions(waveform=False), expected_samples=None).passed
    verdict = formal_check(mutant, problem.testbench, FormalOptions(cycles=12))
    assert verdict.status is FormalStatus.NOT_EQUIVALENT
    assert "MISMATCH in out" in verdict.table
    # The audit finds it on its own: an error, with the counterexample as evidence.
    proved = [f for f in audit_one(problem).findings if "a proof shows" in f.message]
    assert [(f.check, f.severity) for f in proved] == [("strength", ERROR)]
    assert "MISMATCH in out" in proved[0].evidence
    # Without the proof the audit still warns, but cannot say the testbench passes a wrong design.
    unproved = audit_one(problem, AuditOptions(formal="off")).findings
    assert not any("a proof shows" in f.message for f in unproved)
    assert {f.severity for f in unproved} == {WARNING}


def test_reset_polarity_and_real_file_names_need_no_simulator() -> None:
    suite = load_suite(CORPUS / "rtllm_v2")
    findings = audit_suite(suite, options=AuditOptions(simulate=False))
    assert [f.message.split(" (")[0] for f in findings["sequence_detector"]] == [
        "reset polarity: the spec says the reset acts when high"
    ]
    assert findings["radix2_div"][0].message.startswith("spec vs verified_radix2_div.v: port 'sign'")
    # Widths written as "size" bits, `input [2:0]write_addr,` under `Input ports：`: no finding.
    assert findings["multi_pipe_4bit"] == [] and findings["RAM"] == []
