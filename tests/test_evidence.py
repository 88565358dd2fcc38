"""A batch run keeps each failure's evidence and renders its feedback when it is read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from support import GOOD_COUNTER, counter
from typer.testing import CliRunner

from veriassist.check import simulation
from veriassist.check.checker import CheckOptions, check
from veriassist.check.feedback import feedback_of, render_feedback
from veriassist.cli import app
from veriassist.eval.bench import BenchRequest, candidate_from_text, run_bench
from veriassist.eval.junit import cases_from_records
from veriassist.eval.report import write_report
from veriassist.eval.store import Store
from veriassist.hdl.mutate import mutants
from veriassist.suites import load_suite
from veriassist.types import Candidate, FailureKind, SampleRecord, Testbench

pytestmark = pytest.mark.simulator

SPEED = Path(__file__).parent / "fixtures" / "suites" / "verilogeval_v2_speed"
TASKS = 5  # problems of the fixture used: enough kinds of failure, a few seconds of simulation


def _wrong_samples(tmp_path: Path) -> tuple[Path, dict[tuple[str, int], Candidate]]:
    """Up to two mutants of each of the first TASKS problems, as a samples file."""
    suite = load_suite(SPEED)
    lines, candidates = [], {}
    for problem in suite.problems[:TASKS]:
        assert problem.reference is not None
        for n, mutant in enumerate(mutants(problem.reference.text, 2)):
            lines.append(json.dumps({"task_id": problem.task_id, "sample": n, "completion": mutant.text}))
            candidate = candidate_from_text(problem, mutant.text)  # as bench makes it
            assert candidate is not None
            candidates[problem.task_id, n] = candidate
    path = tmp_path / "samples.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path, candidates


def test_a_failures_feedback_read_from_the_record_is_the_one_the_check_renders(tmp_path: Path) -> None:
    """No feedback is rendered during the run; each failure's, rendered from its record, is
    exactly what the check renders at once (waveform window and driver trace included), and
    every reader shows it: the store, JUnit, the HTML report and `runs export`."""
    samples, candidates = _wrong_samples(tmp_path)
    db = tmp_path / "e.db"
    result = run_bench(BenchRequest(SPEED, mode="samples", samples_path=samples, jobs=2, db=db, run_name="m"))
    failed = [r for r in result.records if not r.passed]
    assert len(failed) >= TASKS
    assert all(r.feedback == "" and r.evidence for r in failed)  # nothing rendered while running
    assert all(r.evidence is None for r in result.records if r.passed)
    with Store(db) as store:
        stored = {(r.task_id, r.sample): r for r in store.samples(store.get_run("m").id)}
    suite = {p.task_id: p for p in load_suite(SPEED).problems}
    rendered = {}
    for record in failed:
        candidate = candidates[record.task_id, record.sample]
        testbench = suite[record.task_id].testbench
        assert testbench is not None
        at_once = render_feedback(
            check(candidate, testbench, CheckOptions(), expected_samples=None), candidate
        )
        rendered[record.task_id, record.sample] = feedback_of(stored[record.task_id, record.sample])
        assert rendered[record.task_id, record.sample] == at_once
    texts = list(rendered.values())
    assert any("Waveform around the first mismatch" in t for t in texts)
    assert any("comes from in the design" in t for t in texts)  # the driver trace

    junit = {(c.name, c.body.split("\n\n--- log excerpt")[0]) for c in cases_from_records("s", failed)}
    assert {(f"{t} sample {n}", text.rstrip()) for (t, n), text in rendered.items()} <= junit
    with Store(db) as store:
        html = write_report(store, "m", tmp_path / "r.html").read_text()
    assert "Waveform around the first mismatch" in html
    exported = CliRunner().invoke(app, ["runs", "export", "m", "-o", "-", "--db", str(db)])
    assert exported.exit_code == 0, exported.output
    rows = {(row["task_id"], row["sample"]): row for row in map(json.loads, exported.stdout.splitlines())}
    assert all(rows[key]["feedback"] == text for key, text in rendered.items())
    assert all("evidence" not in row for row in rows.values())


def test_a_dump_over_the_cap_is_drawn_at_once(monkeypatch: pytest.MonkeyPatch, counter_tb: Testbench) -> None:
    wrong = counter(GOOD_COUNTER.replace("q == 9", "q == 10"))
    deferred = CheckOptions(defer_waveform=True)
    kept = check(wrong, counter_tb, deferred, expected_samples=None)
    assert kept.dump is not None and kept.waveform == ""
    drawn = check(wrong, counter_tb, CheckOptions(), expected_samples=None)
    assert drawn.dump is None and "MISMATCH" in drawn.waveform
    assert render_feedback(kept, wrong) == render_feedback(drawn, wrong)
    assert "dump" not in kept.to_json()  # bytes are no JSON: its readable form is the window

    monkeypatch.setattr(simulation, "MAX_DEFERRED_DUMP", len(kept.dump.vcd) - 1)
    big = check(wrong, counter_tb, deferred, expected_samples=None)
    assert big.dump is None and big.waveform == drawn.waveform


def test_evidence_damaged_after_the_run_reads_as_a_note() -> None:
    record = SampleRecord("t", 0, False, FailureKind.MISMATCH, evidence=b"not zlib")
    assert feedback_of(record).startswith("(this sample's evidence could not be read back")
    assert feedback_of(dataclasses.replace(record, feedback="as recorded")) == "as recorded"
