"""`veriassist bench` on small suites, with the real simulator."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from veriassist.cli import app
from veriassist.eval.bench import MAX_BATCH, BenchRequest, Job, _next_batch, read_samples, run_bench
from veriassist.eval.store import RunStatus, Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DESIGNS = FIXTURES / "suites" / "designs"  # and_gate, counter4
V1 = FIXTURES / "suites" / "verilogeval_v1"  # andgate, count15
HANGS = FIXTURES / "bench" / "hangs"  # a testbench that never finishes


def ending_with_stop(tmp_path: Path) -> Path:
    """DESIGNS with testbenches that end the run by `$stop`: their end is not marked (only a
    testbench's own `$finish` is), so samples are held to the reference's sample count."""
    copy = tmp_path / "designs-ending-with-stop"
    shutil.copytree(DESIGNS, copy)
    for testbench in copy.glob("*/testbench.sv"):
        testbench.write_text(testbench.read_text().replace("$finish", "$stop"))
    return copy


def right_and_wrong(suite: Path, task: str) -> tuple[str, str]:
    """A fixture design's reference, and a wrong copy (and_gate ORs, counter4 counts by two)."""
    right = (suite / task / "reference.sv").read_text()
    return right, right.replace("a & b", "a | b").replace("q + 1'b1", "q + 2'd2")


def log_checks(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Log every Verilog check, from this process or any worker (forked workers inherit the
    patch): a line `file top expected-samples` each, appended (O_APPEND: lines never interleave)."""
    from veriassist.check.simulators import IcarusCompare

    real = IcarusCompare.run

    def logged(self, candidate, testbench, options, *, expected_samples):  # type: ignore[no-untyped-def]
        with log.open("a") as out:
            out.write(f"{candidate.files[0].name} {candidate.top} {expected_samples}\n")
        return real(self, candidate, testbench, options, expected_samples=expected_samples)

    monkeypatch.setattr(IcarusCompare, "run", logged)


def reference_runs(log: Path) -> list[str]:
    """The problems whose reference was simulated to count its samples, per the log."""
    lines = log.read_text().splitlines() if log.exists() else []
    return sorted(line.split()[1] for line in lines if line.startswith("reference_as_dut.sv "))


pytestmark = pytest.mark.simulator
FORMAL_STATUSES = {"equivalent", "not_equivalent", "bounded", "unknown"}


def bench(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["bench", *map(str, args)])
    return result.exit_code, result.output


def bench_json(*args: str | Path) -> dict[str, Any]:
    code, output = bench(*args, "--json")
    assert code == 0, output
    data: dict[str, Any] = json.loads(output)
    return data


def write_jsonl(path: Path, lines: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in lines))
    return path


def v1_samples(tmp_path: Path) -> Path:
    """Two body-only completions per task (as VerilogEval v1 writes them): one right, one wrong."""
    return write_jsonl(
        tmp_path / "samples.jsonl",
        [
            ("andgate", "\n\tassign out = a & b;\n\nendmodule\n"),
            (
                "count15",
                "\n\talways @(posedge clk)\n\t\tif (reset) q <= 0;\n\t\telse q <= q + 1;\nendmodule\n",
            ),
            ("andgate", "```verilog\n\tassign out = a | b;\nendmodule\n```"),
            (
                "count15",
                "\n\talways @(posedge clk)\n\t\tif (reset) q <= 0;\n\t\telse q <= q + 2;\nendmodule\n",
            ),
        ],
    )


def test_reference_run_on_a_designs_subset_passes_and_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    data = bench_json(
        ROOT / "designs",
        "--reference",
        "--only",
        "adder8,uart_tx",
        "--only",
        "sync_fifo",
        "--db",
        db,
        "-j",
        "2",
        "--run",
        "ref",
    )
    assert data["run"] == "ref" and data["model_kind"] == "reference" and data["stand_in"] is False
    assert sorted(r["task_id"] for r in data["results"]) == ["adder8", "sync_fifo", "uart_tx"]
    assert all(r["passed"] and r["verdict"] == "pass" for r in data["results"])
    rate = data["pass_at_k"]["1"]
    assert rate == {"fraction": "3/3", "passed": 3, "samples": 3, "mean": "1/1", "value": 1.0}
    with Store(db) as store:
        run = store.get_run("ref")
        assert run.status is RunStatus.COMPLETED and run.feedback_mode == "none"
        assert run.versions["iverilog"] and run.versions["iverilog"].startswith("Icarus Verilog")
        assert run.versions["cocotb"] and run.versions["veriassist"]
        assert len(store.samples(run.id)) == 3


def test_reference_run_lists_the_references_that_fail_and_why(tmp_path: Path) -> None:
    code, output = bench(HANGS, "--reference", "--timeout", "1", "--db", tmp_path / "r.db", "--run", "hang")
    assert code == 0, output  # the run completed; a failing reference is a finding, not an error
    assert "0/1 samples passed" in output
    assert "never_finishes (timeout):" in output


def test_samples_jsonl_with_one_right_and_one_wrong_sample_per_task_gives_pass_at_1_of_one_half(
    tmp_path: Path,
) -> None:
    data = bench_json(V1, "--samples", v1_samples(tmp_path), "--db", tmp_path / "s.db", "-j", "2")
    assert data["model_kind"] == "samples"
    [rate] = data["pass_at_k"].values()
    assert (rate["mean"], rate["value"]) == ("1/2", 0.5)
    assert rate["fraction"] == f"{rate['passed']}/{rate['samples']}" and rate["samples"] == 2 * rate["passed"]
    verdicts = {(r["task_id"], r["sample"]): (r["passed"], r["verdict"]) for r in data["results"]}
    assert verdicts[("andgate", 0)] == (True, "pass")
    assert verdicts[("count15", 0)] == (True, "pass")
    assert verdicts[("andgate", 1)][0] is False and verdicts[("andgate", 1)][1] == "mismatch"
    assert verdicts[("count15", 1)][0] is False and verdicts[("count15", 1)][1].startswith("mismatch")
    totals = data["totals"]
    assert (totals["samples"], totals["passed"], totals["failed"], totals["resumed"]) == (4, 2, 2, 0)
    assert totals["kinds"]["pass"] == 2 and sum(totals["kinds"].values()) == 4


def test_each_problems_reference_is_run_once_per_run_not_once_per_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Samples need the reference's sample count; -j workers must not each measure it again."""
    suite = ending_with_stop(tmp_path)
    runs = tmp_path / "checks.log"
    log_checks(monkeypatch, runs)
    lines = []
    for task in ("and_gate", "counter4"):
        right, wrong = right_and_wrong(suite, task)
        lines += [(task, f"{right}// sample {i}\n") if i % 2 == 0 else (task, wrong) for i in range(5)]
        lines.append((task, right))  # the reference itself needs no count: it must not wait for one
    samples = write_jsonl(tmp_path / "many.jsonl", lines)
    db = tmp_path / "r.db"
    result = run_bench(BenchRequest(suite, mode="samples", samples_path=samples, jobs=2, db=db))
    assert reference_runs(runs) == ["and_gate", "counter4"]
    assert len(result.records) == 12
    for record in result.records:
        assert record.passed == (record.sample % 2 == 0 or record.sample == 5), (
            record.task_id,
            record.sample,
        )
    # A later run on the same database reuses the counts: no reference runs at all.
    again = run_bench(
        BenchRequest(suite, mode="samples", samples_path=samples, jobs=2, db=db, run_name="again")
    )
    assert [r.passed for r in again.records] == [r.passed for r in result.records]
    assert reference_runs(runs) == ["and_gate", "counter4"]


def test_samples_directory_of_full_modules_is_scored_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "samples"
    (folder / "counter4").mkdir(parents=True)
    (folder / "and_gate.sv").write_text((DESIGNS / "and_gate" / "reference.sv").read_text())
    (folder / "counter4" / "sample0.sv").write_text(
        (DESIGNS / "counter4" / "mutants" / "counts_by_two.sv").read_text()
    )
    (folder / "counter4" / "sample1.sv").write_text((DESIGNS / "counter4" / "reference.sv").read_text())
    assert {k: len(v) for k, v in read_samples(folder).items()} == {"and_gate": 1, "counter4": 2}
    data = bench_json(DESIGNS, "--samples", folder, "--db", tmp_path / "d.db")
    passed = {(r["task_id"], r["sample"]): r["passed"] for r in data["results"]}
    assert passed == {("and_gate", 0): True, ("counter4", 0): False, ("counter4", 1): True}
    # pass@1 is the mean over problems, (1 + 1/2) / 2; the fraction is the samples as counted.
    rate = data["pass_at_k"]["1"]
    assert rate == {"mean": "3/4", "value": 0.75, "passed": 2, "samples": 3, "fraction": "2/3"}
    code, output = bench(DESIGNS, "--samples", folder, "--db", tmp_path / "human.db")
    assert code == 0, output
    assert "pass@1: 75.00% (mean over 2 problems; 2/3 samples passed)" in output


def test_json_output_has_the_documented_shape(tmp_path: Path) -> None:
    data = bench_json(V1, "--samples", v1_samples(tmp_path), "--db", tmp_path / "j.db", "--run", "shape")
    assert {
        "run",
        "status",
        "suite",
        "model",
        "model_kind",
        "stand_in",
        "totals",
        "pass_at_k",
        "lint",
        "formal",
        "results",
        "notes",
    } <= data.keys()
    assert data["lint"] is None  # not asked for
    assert data["run"] == "shape" and data["status"] == "completed"
    assert set(data["totals"]) == {"samples", "passed", "failed", "resumed", "kinds"}
    assert sum(data["totals"]["kinds"].values()) == data["totals"]["samples"] == len(data["results"])
    for key, rate in data["pass_at_k"].items():
        numerator, denominator = map(int, rate["mean"].split("/"))
        assert int(key) >= 1 and rate["value"] == numerator / denominator
    counted = data["pass_at_k"]["1"]
    assert (counted["passed"], counted["samples"]) == (data["totals"]["passed"], data["totals"]["samples"])
    assert counted["fraction"] == f"{counted['passed']}/{counted['samples']}"
    for entry in data["results"]:
        assert set(entry) == {"task_id", "sample", "passed", "verdict", "summary", "lint_flags", "formal"}
        assert entry["lint_flags"] is None
        assert entry["formal"] is None or entry["formal"]["status"] in FORMAL_STATUSES
        assert isinstance(entry["sample"], int) and isinstance(entry["passed"], bool)
        assert entry["summary"]


def _rows(db: Path, run: str) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT task_id, sample FROM samples JOIN runs ON runs.id = samples.run_id WHERE runs.name = ?",
            (run,),
        ).fetchall()


def _rows_so_far(db: Path, run: str = "resumable") -> int:
    try:
        return len(_rows(db, run))
    except sqlite3.OperationalError:  # the run has not created its tables yet
        return 0


def test_a_run_killed_midway_resumes_without_losing_or_duplicating_samples(tmp_path: Path) -> None:
    reference = (DESIGNS / "and_gate" / "reference.sv").read_text()
    mutant = (DESIGNS / "and_gate" / "mutants" / "or_instead_of_and.sv").read_text()
    total = 60
    samples = write_jsonl(
        tmp_path / "many.jsonl", [("and_gate", reference if i % 2 else mutant) for i in range(total)]
    )
    db = tmp_path / "resume.db"
    argv = [
        sys.executable,
        "-m",
        "veriassist",
        "bench",
        str(DESIGNS),
        "--samples",
        str(samples),
        "--db",
        str(db),
        "--run",
        "resumable",
        "-j",
        "1",
        "--json",
    ]
    first = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _rows_so_far(db) < 5:
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the whole group: the run and its worker processes
        first.wait()
    done_before = len(_rows(db, "resumable"))
    assert 5 <= done_before < total, "the kill should land mid-run"

    second = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    data = json.loads(second.stdout)
    rows = _rows(db, "resumable")
    assert len(rows) == len(set(rows)) == total
    assert data["totals"]["samples"] == total and data["totals"]["resumed"] >= done_before
    assert data["pass_at_k"]["1"]["mean"] == "1/2"
    with Store(db) as store:
        run = store.get_run("resumable")
        assert run.status is RunStatus.COMPLETED and run.resumes == 1


def on_dask_cluster(suite: Path, samples: Path, db: Path) -> Any:
    """Score `samples` with the simulations on a two-worker Dask LocalCluster."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        request = BenchRequest(
            suite,
            mode="samples",
            samples_path=samples,
            db=db,
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
        return run_bench(request)


def test_dask_local_cluster_gives_the_same_verdicts_as_local_processes(tmp_path: Path) -> None:
    samples = v1_samples(tmp_path)
    local = run_bench(BenchRequest(V1, mode="samples", samples_path=samples, jobs=2, db=tmp_path / "l.db"))
    remote = on_dask_cluster(V1, samples, tmp_path / "d.db")

    def verdicts(records: tuple[Any, ...]) -> dict[tuple[str, int], str]:
        return {(r.task_id, r.sample): r.kind.value for r in records}

    assert verdicts(remote.records) == verdicts(local.records)
    assert len(remote.records) == 4 and remote.metrics.pass_at_1 == local.metrics.pass_at_1


def test_testbenches_that_end_with_their_own_finish_need_no_reference_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first `--samples` run on VerilogEval-style testbenches (they end by `$finish`) simulates
    no reference: that `$finish` is stamped, which tells a run cut short without a count."""
    runs = tmp_path / "checks.log"
    log_checks(monkeypatch, runs)
    lines = []
    for task in ("and_gate", "counter4"):
        right, wrong = right_and_wrong(DESIGNS, task)
        lines += [(task, f"{right}// mine\n"), (task, wrong)]
    samples = write_jsonl(tmp_path / "s.jsonl", lines)
    result = run_bench(
        BenchRequest(DESIGNS, mode="samples", samples_path=samples, jobs=2, db=tmp_path / "r.db")
    )
    assert [(r.task_id, r.passed) for r in result.records] == [
        ("and_gate", True), ("and_gate", False), ("counter4", True), ("counter4", False),
    ]  # fmt: skip
    checks = runs.read_text().splitlines()
    assert len(checks) == 4 and reference_runs(runs) == []
    assert all(line.endswith(" None") for line in checks)  # no count to hold them to


def test_a_reference_run_leaves_the_counts_that_later_sample_runs_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bench --reference` (the suite's sanity run) is each reference's own count: a later
    `--samples` run on the same database runs no reference at all."""
    suite = ending_with_stop(tmp_path)
    runs = tmp_path / "checks.log"
    log_checks(monkeypatch, runs)
    db = tmp_path / "r.db"
    sanity = run_bench(BenchRequest(suite, mode="reference", jobs=2, db=db))
    assert [r.passed for r in sanity.records] == [True, True]
    with Store(db) as store:
        assert sorted(store.reference_samples().values()) == [20, 67]
    lines = []
    for task in ("and_gate", "counter4"):
        right, wrong = right_and_wrong(suite, task)
        lines += [(task, right.replace("endmodule", "// mine\nendmodule")), (task, wrong)]
    samples = write_jsonl(tmp_path / "s.jsonl", lines)
    scored = run_bench(BenchRequest(suite, mode="samples", samples_path=samples, jobs=2, db=db))
    assert [(r.task_id, r.sample, r.passed) for r in scored.records] == [
        ("and_gate", 0, True), ("and_gate", 1, False), ("counter4", 0, True), ("counter4", 1, False),
    ]  # fmt: skip
    assert reference_runs(runs) == []  # no reference run: the counts came from the sanity run


def test_model_runs_read_and_keep_the_stored_reference_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Golden checks in the agent loop need the reference counts too: measured once, kept in the store."""
    suite = ending_with_stop(tmp_path)
    import veriassist.eval.bench as bench_module
    from veriassist.models import ScriptedModel
    from veriassist.suites import load_suite

    runs = tmp_path / "checks.log"
    log_checks(monkeypatch, runs)
    problems = load_suite(suite).problems
    answers = [f"```verilog\n{p.reference.text}```\n" for p in problems if p.reference is not None]

    def run(name: str) -> list[bool]:
        model = ScriptedModel(answers, name="scripted-test-stand-in")
        monkeypatch.setattr(bench_module, "_make_model", lambda request: (model, 1))
        request = BenchRequest(
            suite, mode="model", model="scripted", strategy="zero-shot", feedback="golden",
            iterations=1, jobs=1, db=tmp_path / "m.db", run_name=name,
        )  # fmt: skip
        return [r.passed for r in run_bench(request).records]

    assert run("first") == [True, True]
    assert reference_runs(runs) == ["and_gate", "counter4"]
    assert run("second") == [True, True]
    assert reference_runs(runs) == ["and_gate", "counter4"]  # no new reference run
    with Store(tmp_path / "m.db") as store:
        assert sorted(store.reference_samples().values()) == [20, 67]


def test_dask_runs_the_reference_count_jobs_ahead_of_the_samples_that_need_them(tmp_path: Path) -> None:
    suite = ending_with_stop(tmp_path)
    lines = []
    for task in ("and_gate", "counter4"):
        right, wrong = right_and_wrong(suite, task)
        lines += [(task, right + "// a sample\n"), (task, wrong)]
    samples = write_jsonl(tmp_path / "s.jsonl", lines)
    result = on_dask_cluster(suite, samples, tmp_path / "d.db")
    assert {(r.task_id, r.sample): r.passed for r in result.records} == {
        ("and_gate", 0): True,
        ("and_gate", 1): False,
        ("counter4", 0): True,
        ("counter4", 1): False,
    }
    with Store(tmp_path / "d.db") as store:
        # The two references' sample counts, measured by the count jobs on the cluster.
        assert sorted(store.reference_samples().values()) == [20, 67]


def test_a_malformed_suite_exits_2_naming_the_file(tmp_path: Path) -> None:
    code, output = bench(
        FIXTURES / "suites" / "malformed" / "designs_bad_toml", "--reference", "--db", tmp_path / "x.db"
    )
    assert code == 2
    assert "design.toml" in output and "not valid TOML" in output


def test_samples_for_tasks_the_suite_lacks_exit_2(tmp_path: Path) -> None:
    samples = write_jsonl(tmp_path / "stray.jsonl", [("no_such_task", "module m; endmodule")])
    code, output = bench(DESIGNS, "--samples", samples, "--db", tmp_path / "x.db")
    assert code == 2 and "no_such_task" in output


def test_choosing_no_mode_or_two_modes_exits_2(tmp_path: Path) -> None:
    assert bench(DESIGNS, "--db", tmp_path / "x.db")[0] == 2
    assert bench(DESIGNS, "--reference", "--samples", tmp_path, "--db", tmp_path / "x.db")[0] == 2


def test_a_scripted_model_run_records_iterations_and_is_marked_stand_in(tmp_path: Path) -> None:
    reference = (DESIGNS / "and_gate" / "reference.sv").read_text()
    script = tmp_path / "script.json"
    script.write_text(json.dumps([f"Here it is:\n```verilog\n{reference}```\n"]))
    db = tmp_path / "m.db"
    data = bench_json(
        DESIGNS,
        "--only",
        "and_gate",
        "--model",
        f"scripted:{script}",
        "--strategy",
        "zero-shot",
        "--iterations",
        "1",
        "--feedback",
        "golden",
        "--db",
        db,
        "--run",
        "scripted",
    )
    assert data["stand_in"] is True and data["model_kind"] == "scripted"
    assert [(r["task_id"], r["passed"]) for r in data["results"]] == [("and_gate", True)]
    with Store(db) as store:
        run = store.get_run("scripted")
        # A zero-shot run shows the model nothing, whatever --feedback says: recorded as "none".
        assert run.stand_in and run.strategy == "zero-shot" and run.feedback_mode == "none"
        (iteration,) = store.iterations(run.id)
        assert (iteration.task_id, iteration.sample, iteration.iteration) == ("and_gate", 0, 1)
        assert iteration.golden_passed is True and "```verilog" in iteration.reply


def test_ctrl_c_stops_the_run_records_it_interrupted_and_exits_130(tmp_path: Path) -> None:
    reference = (DESIGNS / "and_gate" / "reference.sv").read_text()
    samples = write_jsonl(tmp_path / "many.jsonl", [("and_gate", reference)] * 400)
    db = tmp_path / "interrupt.db"
    argv = [sys.executable, "-m", "veriassist", "bench", str(DESIGNS), "--samples", str(samples)]
    argv += ["--db", str(db), "--run", "stopped", "-j", "2", "--json"]
    run = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _rows_so_far(db, "stopped") < 3:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert "resume with --run stopped" in err
    with Store(db) as store:
        info = store.get_run("stopped")
        assert info.status is RunStatus.INTERRUPTED
        assert 3 <= len(store.samples(info.id)) < 400


def test_ctrl_c_during_a_hung_simulation_ends_the_run_at_once(tmp_path: Path) -> None:
    """Workers stop their simulation on Ctrl-C (instead of raising inside the pool): a sample
    stuck in a zero-delay loop must not hold the exit until its 60 s timeout."""
    hung = (  # from t=1, x toggles forever without time moving on
        "module and_gate (input a, input b, output out);\n  reg x;\n  initial #1 x = 1;\n"
        "  always @(x) x <= ~x;\n  assign out = a & b;\nendmodule\n"
    )
    samples = write_jsonl(tmp_path / "hung.jsonl", [("and_gate", hung)] * 4)
    db = tmp_path / "hung.db"
    argv = [sys.executable, "-m", "veriassist", "bench", str(DESIGNS), "--samples", str(samples)]
    argv += ["--db", str(db), "--run", "hung", "-j", "2", "--timeout", "60", "--json"]
    run = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 30
    hung_seen = False  # a vvp still there half a second later: not the reference's 20 ms count run
    while time.monotonic() < deadline and not hung_seen:
        if _vvp_running_under(run.pid):
            time.sleep(0.5)
            hung_seen = _vvp_running_under(run.pid)
        time.sleep(0.05)
    assert hung_seen, "the hung simulation never started"
    os.killpg(run.pid, signal.SIGINT)
    started = time.monotonic()
    _, err = run.communicate(timeout=50)
    assert run.returncode == 130, err
    assert time.monotonic() - started < 20  # not the 60 s the hung simulation had left
    assert not _vvp_running_under(run.pid)
    with Store(db) as store:
        info = store.get_run("hung")
        assert info.status is RunStatus.INTERRUPTED
        assert store.samples(info.id) == []  # a simulation killed by Ctrl-C is no verdict: resume reruns it


def test_kill_9_of_the_bench_leaves_no_worker_behind(tmp_path: Path) -> None:
    """The workers die with the bench (and their simulations with them): none waits for work for ever."""
    reference = (DESIGNS / "and_gate" / "reference.sv").read_text()
    samples = write_jsonl(tmp_path / "many.jsonl", [("and_gate", reference)] * 400)
    db = tmp_path / "killed.db"
    argv = [sys.executable, "-m", "veriassist", "bench", str(DESIGNS), "--samples", str(samples)]
    argv += ["--db", str(db), "--run", "killed", "-j", "2", "--json"]
    run = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _rows_so_far(db, "killed") < 3:
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)  # the bench alone, not its group
    run.wait()
    left: list[str] = []
    for _ in range(50):
        group = subprocess.run(["pgrep", "-g", str(run.pid)], capture_output=True, text=True).stdout
        left = group.split()
        if not left:
            break
        time.sleep(0.1)
    for pid in left:  # do not leak them into the other tests, whatever the verdict
        os.kill(int(pid), signal.SIGKILL)
    assert left == []


def _vvp_running_under(pid: int) -> bool:
    """Whether a `vvp` runs among the descendants of `pid` (the sandbox gives it its own session)."""
    listing = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,comm="], capture_output=True, text=True).stdout
    parents, names = {}, {}
    for line in listing.splitlines():
        child, parent, name = line.split(None, 2)
        parents[int(child)], names[int(child)] = int(parent), name.strip()
    for child, name in names.items():
        ancestor = parents.get(child)
        while ancestor and ancestor != pid:
            ancestor = parents.get(ancestor)
        if name == "vvp" and ancestor == pid:
            return True
    return False


# -- the suite lint in bench ---------------------------------------------------------

LINT_DESIGNS = FIXTURES / "audit" / "designs"
# The audit tests below are about its simulation heuristics (X share, stuck outputs): with the
# proof on (the default when Yosys is installed), the audit also refutes the weak testbenches'
# wrong designs and flags them as errors, which test_audit.py and the formal test at the end cover.
NO_PROOF = ("--formal", "off")  # one planted defect per problem, two clean ones
# What `veriassist suites lint` finds there, as the flags each problem's samples carry.
LINT_FLAGS = {
    "clean_counter": [],
    "clean_mux": [],
    "one_output": ["warning:strength"],
    "positional_order": ["error:interface"],
    "wrong_module_name": ["error:interface"],
    "x_compare": ["warning:strength"],
}


def lint_samples(tmp_path: Path) -> Path:
    """One sample per lint fixture. The two weak testbenches pass wrong designs: x_compare a
    register stuck at 0, one_output a wrong y_or. The clean counter's sample is wrong and fails.
    """
    reference = {task: (LINT_DESIGNS / task / "reference.sv").read_text() for task in LINT_FLAGS}
    return write_jsonl(
        tmp_path / "lint_samples.jsonl",
        [
            ("clean_counter", reference["clean_counter"].replace("q + 4'd1", "q + 4'd2")),
            ("clean_mux", reference["clean_mux"]),
            ("one_output", reference["one_output"].replace("a | b", "a ^ b")),
            ("positional_order", reference["positional_order"]),
            ("wrong_module_name", reference["wrong_module_name"]),
            (
                "x_compare",
                "module hold8 (input clk, input load, input [7:0] d, output [7:0] q);\n"
                "  assign q = 8'd0;\nendmodule\n",
            ),
        ],
    )


def test_exclude_flagged_error_scores_only_problems_without_errors_and_gives_both_pass_rates(
    tmp_path: Path,
) -> None:
    db = tmp_path / "lint.db"
    data = bench_json(
        LINT_DESIGNS, "--samples", lint_samples(tmp_path), "--exclude-flagged", "error",
        "--db", db, "--run", "excl", "-j", "2", *NO_PROOF,
    )  # fmt: skip
    lint = data["lint"]
    assert lint["excluded"] == ["positional_order", "wrong_module_name"]
    assert [r["task_id"] for r in data["results"]] == [
        "clean_counter",
        "clean_mux",
        "one_output",
        "x_compare",
    ]
    assert {r["task_id"]: r["lint_flags"] for r in data["results"]} == {
        task: flags for task, flags in LINT_FLAGS.items() if task not in lint["excluded"]
    }
    assert {task: entry["flags"] for task, entry in lint["problems"].items()} == LINT_FLAGS
    assert [task for task, entry in lint["problems"].items() if not entry["scored"]] == lint["excluded"]
    # Scored: the counter fails, the mux passes, and both weak testbenches pass wrong designs.
    assert lint["pass_at_1_all"]["mean"] == "3/4" == data["pass_at_k"]["1"]["mean"]
    # Without the two warning-flagged problems only the honest ones are left: 1 of 2.
    assert lint["pass_at_1_unflagged"]["mean"] == "1/2"
    assert (lint["problems_scored"], lint["problems_flagged"], lint["exclude_flagged"]) == (4, 2, "error")
    excluded_notes = [n for n in data["notes"] if "excluded by --exclude-flagged error" in n]
    assert excluded_notes == [
        "positional_order: excluded by --exclude-flagged error (error:interface): testbench.sv (instance "
        "top_module1) connects pmux by position, so port order matters: the spec lists (a, b, sel, y) but "
        "the reference declares (b, a, sel, y)",
        "wrong_module_name: excluded by --exclude-flagged error (error:interface): spec vs reference.sv: "
        "module is named 'add4' in the reference (reference.sv) but 'adder4' in the spec",
    ]
    with Store(db) as store:
        run = store.get_run("excl")
        assert run.settings["exclude_flagged"] == "error" and run.settings["lint"] is True
        recorded = store.lint_results(run.id)
        assert sorted(recorded) == sorted(LINT_FLAGS)  # excluded problems' findings are kept too
        assert [f["check"] for f in recorded["x_compare"]] == ["strength", "strength"]
        assert {s.task_id: list(s.lint_flags or ()) for s in store.samples(run.id)} == {
            t: f for t, f in LINT_FLAGS.items() if t not in lint["excluded"]
        }


def test_exclude_flagged_warning_leaves_only_clean_problems_and_the_human_output_says_so(
    tmp_path: Path,
) -> None:
    code, output = bench(
        LINT_DESIGNS, "--samples", lint_samples(tmp_path), "--exclude-flagged", "warning",
        "--db", tmp_path / "w.db", "--run", "warn", "-j", "2", *NO_PROOF,
    )  # fmt: skip
    assert code == 0, output
    assert "1/2 samples passed" in output  # clean_counter's wrong sample fails, clean_mux passes
    assert "audit: 0 of 2 scored problems flagged, 4 excluded as flagged warning" in output
    assert "pass@1 over all 2 scored problems: 50.00%" in output
    assert "pass@1 without flagged problems (2): 50.00%" in output
    for task in ("one_output", "positional_order", "wrong_module_name", "x_compare"):
        assert f"  {task} [excluded]: " in output
        assert f"note: {task}: excluded by --exclude-flagged warning" in output


def test_audit_alone_scores_every_problem_and_shows_the_flags_beside_the_results(tmp_path: Path) -> None:
    code, output = bench(
        LINT_DESIGNS, "--samples", lint_samples(tmp_path), "--audit", "--db", tmp_path / "l.db", "-j", "2",
        *NO_PROOF,
    )  # fmt: skip
    assert code == 0, output
    assert "5/6 samples passed" in output
    assert "audit: 4 of 6 scored problems flagged" in output
    assert "pass@1 over all 6 scored problems: 83.33%" in output
    assert "pass@1 without flagged problems (2): 50.00%" in output
    assert "  x_compare: warning:strength\n" in output
    assert "    warning strength: a design with every output stuck at 0 passes the testbench" in output
    assert "excluded" not in output


def test_a_resumed_lint_run_reuses_the_recorded_findings_and_duplicates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veriassist.suites.audit

    db, samples = tmp_path / "resume.db", lint_samples(tmp_path)
    linted: list[list[str]] = []
    real = veriassist.suites.audit.audit_problems

    def counting(problems: Any, *args: Any, **kwargs: Any) -> Any:
        linted.append([p.task_id for p in problems])
        return real(problems, *args, **kwargs)

    monkeypatch.setattr(veriassist.suites.audit, "audit_problems", counting)  # bench imports it when it lints

    def request(*only: str) -> BenchRequest:
        return BenchRequest(
            LINT_DESIGNS, mode="samples", samples_path=samples, exclude_flagged="error",
            db=db, run_name="again", jobs=2, sandbox=False, only=only, formal="off",
        )  # fmt: skip

    first = run_bench(request("clean_mux", "positional_order"))
    assert first.excluded == ("positional_order",)
    assert [r.task_id for r in first.records] == ["clean_mux"]
    second = run_bench(request())  # the whole suite, under the same run
    third = run_bench(request())  # nothing left to do
    assert linted == [
        ["clean_mux", "positional_order"],
        ["clean_counter", "one_output", "wrong_module_name", "x_compare"],
        [],
    ]
    assert second.skipped == 1 and third.skipped == 4
    assert second.excluded == third.excluded == ("positional_order", "wrong_module_name")
    assert [(r.task_id, r.lint_flags) for r in third.records] == [
        ("clean_counter", ()),
        ("clean_mux", ()),
        ("one_output", ("warning:strength",)),
        ("x_compare", ("warning:strength",)),
    ]
    with Store(db) as store:
        run = store.get_run("again")
        assert len(store.lint_results(run.id)) == 6
    assert sorted(_rows(db, "again")) == [
        ("clean_counter", 0),
        ("clean_mux", 0),
        ("one_output", 0),
        ("x_compare", 0),
    ]


def test_a_model_run_with_the_old_lint_flag_carries_the_audit_flags_on_its_samples(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    stuck = (
        "module hold8 (input clk, input load, input [7:0] d, output [7:0] q);\n  assign q = 0;\nendmodule\n"
    )
    script.write_text(json.dumps([f"```verilog\n{stuck}```\n"]))
    data = bench_json(
        LINT_DESIGNS, "--only", "x_compare", "--model", f"scripted:{script}", "--strategy", "zero-shot",
        "--iterations", "1", "--lint", "--db", tmp_path / "m.db", "--run", "scripted-lint", *NO_PROOF,
    )  # fmt: skip
    assert [(r["task_id"], r["passed"], r["lint_flags"]) for r in data["results"]] == [
        ("x_compare", True, ["warning:strength"])
    ]
    assert data["lint"]["pass_at_1_all"]["fraction"] == "1/1" == data["lint"]["pass_at_1_all"]["mean"]
    assert data["lint"]["pass_at_1_unflagged"] is None  # every scored problem is flagged


def test_exclude_flagged_takes_only_a_severity_name(tmp_path: Path) -> None:
    code, output = bench(LINT_DESIGNS, "--reference", "--exclude-flagged", "fatal", "--db", tmp_path / "x.db")
    assert code == 2, output


# -- SIGTERM and a second process on the same run ------------------------------------

HUNG_AND_GATE = (  # from t=1, x toggles forever without time moving on
    "module and_gate (input a, input b, output out);\n  reg x;\n  initial #1 x = 1;\n"
    "  always @(x) x <= ~x;\n  assign out = a & b;\nendmodule\n"
)


def test_sigterm_ends_the_run_at_once_interrupted_resumable_and_with_no_work_dir_left(tmp_path: Path) -> None:
    """`kill PID` (the bench alone, not its group) does what Ctrl-C does: the workers' hung
    simulations are stopped, their work dirs removed, the run is marked interrupted."""
    samples = write_jsonl(tmp_path / "hung.jsonl", [("and_gate", HUNG_AND_GATE)] * 4)
    db, work_root = tmp_path / "term.db", tmp_path / "work"
    work_root.mkdir()
    argv = [sys.executable, "-m", "veriassist", "bench", str(DESIGNS), "--samples", str(samples)]
    argv += ["--db", str(db), "--run", "termed", "-j", "2", "--timeout", "60", "--json"]
    env = {**os.environ, "VERIASSIST_WORK_ROOT": str(work_root)}
    run = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env
    )
    try:
        deadline = time.monotonic() + 30
        hung_seen = False
        while time.monotonic() < deadline and not hung_seen:
            if _vvp_running_under(run.pid):
                time.sleep(0.5)
                hung_seen = _vvp_running_under(run.pid)
            time.sleep(0.05)
        assert hung_seen, "the hung simulation never started"
        assert any(work_root.iterdir())  # the simulations' work dirs are there
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=50)  # not the 60 s the hung simulations had left
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 143, err
    assert "terminated (SIGTERM); resume with --run termed" in err
    assert "Traceback" not in err
    assert not _vvp_running_under(run.pid)
    assert list(work_root.iterdir()) == []
    with Store(db) as store:
        info = store.get_run("termed")
        assert info.status is RunStatus.INTERRUPTED and info.end_reason == "interrupted (SIGTERM)"
        assert store.samples(info.id) == []  # a killed simulation is no verdict: resume reruns it


def test_a_second_bench_on_a_run_in_progress_is_refused_and_a_killed_ones_run_resumes(tmp_path: Path) -> None:
    reference = (DESIGNS / "and_gate" / "reference.sv").read_text()
    total = 200
    samples = write_jsonl(tmp_path / "many.jsonl", [("and_gate", reference)] * total)
    db = tmp_path / "busy.db"
    args = [str(DESIGNS), "--samples", str(samples), "--db", str(db), "--run", "busy", "-j", "1"]
    first = subprocess.Popen(
        [sys.executable, "-m", "veriassist", "bench", *args, "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _rows_so_far(db, "busy") < 3:
            time.sleep(0.05)
        assert first.poll() is None, "the first run should still be going"
        code, output = bench(*args)
        assert code == 2, output
        assert "run 'busy' is being run by another process" in output
        assert f"pid {first.pid}" in output
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # a crash: nobody marks the run ended
        first.wait()
    with Store(db) as store:
        assert store.get_run("busy").status is RunStatus.RUNNING
    data = bench_json(*args)  # the dead owner's lock went with it
    assert data["totals"]["samples"] == total and data["totals"]["resumed"] >= 3
    assert len(_rows(db, "busy")) == total


needs_yosys = pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed")


def formal_samples(tmp_path: Path) -> Path:
    """Two wrong designs the weak testbenches pass, a wrong one the testbench kills, and a reference."""
    reference = {task: (LINT_DESIGNS / task / "reference.sv").read_text() for task in LINT_FLAGS}
    return write_jsonl(
        tmp_path / "formal_samples.jsonl",
        [
            ("clean_counter", reference["clean_counter"].replace("q + 4'd1", "q + 4'd2")),
            ("clean_mux", reference["clean_mux"]),
            ("one_output", reference["one_output"].replace("a | b", "a ^ b")),
            (
                "x_compare",
                "module hold8 (input clk, input load, input [7:0] d, output [7:0] q);\n"
                "  assign q = 8'd0;\nendmodule\n",
            ),
        ],
    )


@needs_yosys
def test_a_pass_that_a_proof_contradicts_is_recorded_and_listed_first(tmp_path: Path) -> None:
    db = tmp_path / "formal.db"
    samples = formal_samples(tmp_path)
    only = "clean_counter,clean_mux,one_output,x_compare"
    args = [LINT_DESIGNS, "--samples", samples, "--only", only, "--db", db, "-j", "1", "--no-sandbox"]
    data = bench_json(*args, "--run", "formal", "--formal", "on")
    by_task = {r["task_id"]: (r["passed"], r["formal"]) for r in data["results"]}
    assert by_task["clean_mux"] == (True, None)  # the reference itself: no proof
    for task in ("clean_counter", "one_output", "x_compare"):
        assert by_task[task][1]["status"] == "not_equivalent", task
        assert "MISMATCH in" in by_task[task][1]["table"]
    assert [task for task, (passed, _) in by_task.items() if passed] == [
        "clean_mux",
        "one_output",
        "x_compare",
    ]
    formal = data["formal"]
    assert [(d["task_id"], d["testbench"], d["formal"]) for d in formal["disagreements"]] == [
        ("one_output", "passed", "not_equivalent"),
        ("x_compare", "passed", "not_equivalent"),
    ]
    assert (formal["pass_rate_testbench"]["passed"], formal["pass_rate_not_disproved"]["passed"]) == (3, 1)
    assert formal["statuses"] == {"not_equivalent": 3}
    with Store(db) as store:
        records = {s.task_id: s for s in store.samples(store.get_run("formal").id)}
    assert records["one_output"].passed and records["one_output"].formal is not None
    assert records["one_output"].formal.refuted and records["clean_mux"].formal is None

    code, shown = bench(*args, "--run", "formal")  # the same run again: read back, printed for a person
    assert code == 0, shown
    lines = shown.splitlines()
    assert lines[1].startswith("A PASS THAT A PROOF CONTRADICTS: one_output/0")
    assert lines[2].startswith("A PASS THAT A PROOF CONTRADICTS: x_compare/0")
    assert "pass rate by testbench 3/4 (75.0%), by testbench and not disproved 1/4 (25.0%)" in shown

    off = bench_json(*args, "--run", "off", "--formal", "off")
    assert off["formal"] is None and all(r["formal"] is None for r in off["results"])
    code, refused = bench(*args, "--run", "bad", "--formal", "maybe")
    assert code == 2 and "expected off, auto or on" in refused


def test_jobs_go_to_workers_in_batches_that_shrink_to_single_jobs_at_the_end() -> None:
    """Guided scheduling: batches of one kind early (fewer pool round trips, a problem parsed once
    for its samples), single jobs at the end so that the workers finish together; a reference
    count always runs alone, since samples wait for it."""
    from collections import deque

    from veriassist.check.simulation import CheckOptions
    from veriassist.types import Testbench, TestbenchStyle

    testbench = Testbench(TestbenchStyle.COMPARE, ())

    def job(task: str, sample: int) -> Job:
        return Job(task, sample, None, testbench, CheckOptions())

    queue: deque[tuple[str, Job, str | None]] = deque(
        [("count", job("c", 0), "c")] + [("sample", job(f"t{i // 3}", i % 3), None) for i in range(40)]
    )
    sizes, kinds = [], []
    while queue:
        kind, batch, keys = _next_batch(queue, workers=2)
        assert len(keys) == len(batch)
        sizes.append(len(batch))
        kinds.append(kind)
    assert kinds[0] == "count" and sizes[0] == 1
    assert sizes[1] == MAX_BATCH and sizes[-1] == 1 and sorted(sizes[1:], reverse=True) == sizes[1:]
    assert sum(sizes) == 41
    mixed: deque[tuple[str, Job, str | None]] = deque(
        [("reference", job("a", 0), "k")] + [("sample", job("a", i), None) for i in range(1, 40)]
    )
    kind, batch, keys = _next_batch(mixed, workers=1)
    assert (kind, len(batch), keys) == ("reference", 1, ["k"])  # kinds are never mixed in a batch


def test_a_run_records_the_commit_of_the_suites_checkout_and_whether_it_was_modified(tmp_path: Path) -> None:
    """Asked of git while the suite loads: the commit is the one the suite's checkout was at."""
    suite = tmp_path / "suite"
    shutil.copytree(DESIGNS / "and_gate", suite / "and_gate")

    def git(*args: str) -> str:
        ran = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=suite,
            capture_output=True,
            text=True,
            check=True,
        )
        return ran.stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "suite")
    head = git("rev-parse", "HEAD")
    clean = run_bench(BenchRequest(suite, jobs=1, db=tmp_path / "b.db", run_name="clean", formal="off"))
    assert clean.run.suite_commit == head
    spec = suite / "and_gate" / "spec.md"
    spec.write_text(spec.read_text() + "\nEdited.\n")
    edited = run_bench(BenchRequest(suite, jobs=1, db=tmp_path / "b.db", run_name="edited", formal="off"))
    assert edited.run.suite_commit == f"{head}-dirty"


def test_the_recorded_iverilog_version_is_asked_again_when_the_binary_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`iverilog -V` is asked once per installed binary, and again when it is replaced."""
    from veriassist.eval.bench import versions

    fake = tmp_path / "iverilog"
    calls = tmp_path / "calls"

    def install(version: str) -> None:
        fake.write_text(f'#!/bin/sh\necho x >> "{calls}"\necho "Icarus Verilog version {version} ()"\n')
        fake.chmod(0o755)

    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    install("98.0 (test)")
    assert versions(sandbox=False)["iverilog"] == "Icarus Verilog version 98.0 (test)"
    assert versions(sandbox=False)["iverilog"] == "Icarus Verilog version 98.0 (test)"
    assert calls.read_text().count("x") == 1
    install("99.10 (upgraded)")
    assert versions(sandbox=False)["iverilog"] == "Icarus Verilog version 99.10 (upgraded)"
    fake.unlink()  # the next iverilog on PATH (or none) is asked, not the one removed
    assert "upgraded" not in (versions(sandbox=False)["iverilog"] or "")


def test_installed_versions_are_read_beside_the_package_as_importlib_metadata_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    from veriassist.eval.bench import installed_version

    for package in ("cocotb", "pyslang", "typer"):
        assert installed_version(package) == metadata.version(package)
    assert installed_version("no_such_package_here") is None
    # A package without a dist-info beside it is left to importlib.metadata: here it has none.
    (tmp_path / "loose_pkg").mkdir()
    (tmp_path / "loose_pkg" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_version("loose_pkg") is None
    (tmp_path / "loose_pkg-1.2.3.dist-info").mkdir()
    (tmp_path / "loose_pkg-1.2.3.dist-info" / "METADATA").write_text("Name: loose_pkg\nVersion: 1.2.3\n")
    assert installed_version("loose_pkg") == metadata.version("loose_pkg") == "1.2.3"
