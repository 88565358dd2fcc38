"""The records database: resume without loss or duplicates, migrations, content-addressed messages."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from veriassist.eval import store as store_module
from veriassist.eval.store import RunMismatchError, RunStatus, Store, StoreError, git_commit
from veriassist.types import (
    CounterexampleStep,
    FailureKind,
    FormalStatus,
    FormalVerdict,
    IterationRecord,
    SampleRecord,
)

RUN_ARGS = {
    "suite_path": "/suites/designs",
    "suite_format": "designs",
    "model": "gpt-test",
    "model_kind": "api",
    "strategy": "refine",
    "feedback_mode": "own-testbench",
    "settings": {"samples": 2, "max_iterations": 3},
    "versions": {"veriassist": "0.1.0", "iverilog": "11.0", "cocotb": "2.1.0"},
}


def sample(task_id: str, index: int = 0, passed: bool = True) -> SampleRecord:
    return SampleRecord(
        task_id=task_id,
        sample=index,
        passed=passed,
        kind=FailureKind.PASS if passed else FailureKind.MISMATCH,
        timings={"model": 1.5, "sim": 0.01},
        tokens_in=100,
        tokens_out=40,
        cost=0.002,
        feedback="" if passed else "Output 'q' has 2 mismatches.",
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records.db"


def count(db_path: Path, table: str) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_a_new_run_records_what_produced_it(db_path: Path) -> None:
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        assert run.status is RunStatus.RUNNING
        assert run.settings == {"samples": 2, "max_iterations": 3}
        assert run.versions["iverilog"] == "11.0"
        assert not run.stand_in
        assert store.get_run("r1") == run
        assert [r.name for r in store.list_runs()] == ["r1"]


def test_scripted_and_replayed_scripted_runs_are_marked_stand_ins(db_path: Path) -> None:
    with Store(db_path) as store:
        args = {**RUN_ARGS, "model": "scripted:fixture", "model_kind": "scripted"}
        assert store.start_run("scripted", **args).stand_in  # type: ignore[arg-type]
        args = {**RUN_ARGS, "model": "replay:cassette", "model_kind": "replay"}
        assert store.start_run("replay", **args, stand_in=True).stand_in  # type: ignore[arg-type]


def test_unknown_model_kind_or_feedback_mode_is_refused(db_path: Path) -> None:
    with Store(db_path) as store:
        with pytest.raises(StoreError, match="model_kind"):
            store.start_run("r", **{**RUN_ARGS, "model_kind": "gpt"})  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="feedback_mode"):
            store.start_run("r", **{**RUN_ARGS, "feedback_mode": "oracle"})  # type: ignore[arg-type]


def test_database_runs_in_wal_mode(db_path: Path) -> None:
    with Store(db_path):
        pass
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_resume_skips_finished_samples_and_never_duplicates(db_path: Path) -> None:
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        assert store.record_sample(run.id, sample("a", 0))
        assert store.record_sample(run.id, sample("a", 1, passed=False))
        assert store.record_sample(run.id, sample("b", 0))
    with Store(db_path) as store:
        resumed = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        assert resumed.id == run.id
        assert resumed.resumes == 1
        assert store.done_keys(resumed.id) == {("a", 0), ("a", 1), ("b", 0)}
        # The same key again (a result committed just before a crash) adds nothing and changes nothing.
        assert not store.record_sample(resumed.id, sample("a", 1, passed=True))
        assert store.record_sample(resumed.id, sample("b", 1))
        records = store.samples(resumed.id)
    assert count(db_path, "samples") == 4
    assert [(s.task_id, s.sample, s.passed) for s in records] == [
        ("a", 0, True),
        ("a", 1, False),
        ("b", 0, True),
        ("b", 1, True),
    ]


def test_a_sample_reads_back_as_written(db_path: Path) -> None:
    written = SampleRecord(
        task_id="Prob001_zero",
        sample=3,
        passed=False,
        kind=FailureKind.TIMEOUT,
        iterations=3,
        golden_passed=False,
        golden_kind=FailureKind.TIMEOUT,
        timings={"model": 2.5, "sim": 30.0},
        tokens_in=1234,
        tokens_out=567,
        cost=None,
        log_excerpt="TIMEOUT",
        feedback="the simulation never finished",
        lint_flags=("prints-summary-line",),
    )
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        store.record_sample(run.id, written)
        [read] = store.samples(run.id)
    assert read == written
    assert read.timings == written.timings
    assert read.cost is None


def test_resume_with_a_different_suite_or_settings_is_refused(db_path: Path) -> None:
    with Store(db_path) as store:
        store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        with pytest.raises(RunMismatchError, match="settings_json"):
            store.start_run("r1", **{**RUN_ARGS, "settings": {"samples": 5}})  # type: ignore[arg-type]
        with pytest.raises(RunMismatchError, match="suite_path"):
            store.start_run("r1", **{**RUN_ARGS, "suite_path": "/elsewhere"})  # type: ignore[arg-type]
        with pytest.raises(RunMismatchError, match="suite_commit"):
            store.start_run("r1", **RUN_ARGS, suite_commit="abc123")  # type: ignore[arg-type]
        assert store.get_run("r1").resumes == 0


def test_finish_run_records_how_it_ended(db_path: Path) -> None:
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        store.finish_run(run.id, RunStatus.INTERRUPTED, "KeyboardInterrupt")
        ended = store.get_run("r1")
        assert ended.status is RunStatus.INTERRUPTED
        assert ended.end_reason == "KeyboardInterrupt"
        assert ended.finished is not None
        with pytest.raises(StoreError):
            store.finish_run(run.id, "running")
        with pytest.raises(StoreError):
            store.finish_run(999, "completed")
        # Resuming reopens it.
        assert store.start_run("r1", **RUN_ARGS).status is RunStatus.RUNNING  # type: ignore[arg-type]


WRITER = textwrap.dedent(
    """
    import sys
    from veriassist.eval.store import Store
    from veriassist.types import FailureKind, SampleRecord

    db, total, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    store = Store(db)
    run = store.start_run(
        "killed", suite_path="s", suite_format="designs", model="scripted:test",
        model_kind="scripted", strategy="one-shot", feedback_mode="none", settings={"n": total},
    )
    done = store.done_keys(run.id)
    for i in range(total):
        if mode == "hang" and i == total // 2:
            sys.stdin.readline()  # never finish on its own: the parent kills it
        key = (f"task{i:03d}", 0)
        if key in done:
            continue
        passed = i % 3 == 0
        kind = FailureKind.PASS if passed else FailureKind.MISMATCH
        store.record_sample(run.id, SampleRecord(key[0], 0, passed, kind))
        print(key[0], flush=True)
    store.finish_run(run.id, "completed")
    """
)


def test_a_writer_killed_mid_run_loses_no_committed_rows_and_resumes(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    db_path = tmp_path / "killed.db"
    total, kill_after = 60, 12
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db_path), str(total), "hang"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    watchdog = threading.Timer(60, proc.kill)  # bounds the wait if the writer stalls
    watchdog.start()
    try:
        assert proc.stdout is not None
        reported = [proc.stdout.readline().strip() for _ in range(kill_after)]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        watchdog.cancel()
    assert proc.returncode == -signal.SIGKILL
    assert all(reported)

    with Store(db_path) as store:
        run = store.get_run("killed")
        # Nobody said it ended: it still reads as running, and every reported commit is there.
        assert run.status is RunStatus.RUNNING
        committed = {task for task, _ in store.done_keys(run.id)}
    assert set(reported) <= committed
    assert len(committed) < total

    resumed = subprocess.run(
        [sys.executable, str(script), str(db_path), str(total), "finish"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    redone = resumed.stdout.split()
    assert not set(redone) & committed, "a committed sample was done again"
    with Store(db_path) as store:
        run = store.get_run("killed")
        assert run.status is RunStatus.COMPLETED
        assert run.resumes == 1
        keys = [(s.task_id, s.sample) for s in store.samples(run.id)]
    assert len(keys) == len(set(keys)) == total
    assert committed | set(redone) == {f"task{i:03d}" for i in range(total)}


def test_migrations_are_applied_once_and_reopening_is_harmless(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db_path) as store:
        assert store.schema_version == len(store_module.migrations)
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        store.record_sample(run.id, sample("a"))
    with Store(db_path) as store:
        assert store.schema_version == len(store_module.migrations)
        assert store.done_keys(run.id) == {("a", 0)}

    # A later release adds a migration: an old database gets exactly that one, once.
    later = [*store_module.migrations, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"]
    monkeypatch.setattr(store_module, "migrations", later)
    with Store(db_path) as store:
        assert store.schema_version == len(later)
    with Store(db_path) as store:  # would fail with "table notes already exists" if re-run
        assert store.schema_version == len(later)
        assert store.done_keys(run.id) == {("a", 0)}


def test_a_database_from_a_newer_release_is_refused(db_path: Path) -> None:
    with Store(db_path):
        pass
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {len(store_module.migrations) + 1}")
    with pytest.raises(StoreError, match="schema version"):
        Store(db_path)


def test_messages_are_stored_once_by_hash(db_path: Path) -> None:
    prompt = "Write module TopModule that ..." * 50
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        for sample_index in range(3):
            for iteration in (1, 2):
                store.record_iteration(
                    run.id,
                    IterationRecord(
                        task_id="t",
                        sample=sample_index,
                        iteration=iteration,
                        golden_passed=iteration == 2,
                        golden_kind=FailureKind.PASS if iteration == 2 else FailureKind.MISMATCH,
                        prompt=prompt,
                        reply=f"module TopModule; // v{iteration}\nendmodule",
                        feedback="" if iteration == 2 else "mismatch at t=40",
                        tokens_in=10,
                        tokens_out=5,
                        latency_s=0.5,
                        code_hash=f"h{iteration}",
                    ),
                )
        history = store.iterations(run.id, "t", 1)
    # One prompt, two replies, one feedback: 4 texts for 6 iterations.
    assert count(db_path, "messages") == 4
    assert count(db_path, "iterations") == 6
    assert [it.iteration for it in history] == [1, 2]
    assert history[0].prompt == prompt
    assert history[0].feedback == "mismatch at t=40"
    assert history[1].feedback == ""
    assert history[1].golden_kind is FailureKind.PASS


def test_resume_drops_iterations_of_a_sample_that_never_finished(db_path: Path) -> None:
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        for task in ("done", "cut"):
            for iteration in (1, 2, 3):
                store.record_iteration(run.id, IterationRecord(task, 0, iteration, golden_passed=False))
        store.record_sample(run.id, sample("done", passed=False))
        # killed here, before "cut" finished
    with Store(db_path) as store:
        store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        assert len(store.iterations(run.id, "done", 0)) == 3
        assert store.iterations(run.id, "cut", 0) == []


def test_lint_flags_can_be_attached_later(db_path: Path) -> None:
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        store.record_sample(run.id, sample("a"))
        assert store.samples(run.id)[0].lint_flags is None
        store.set_lint_flags(run.id, "a", 0, ("prints-summary-line",))
        assert store.samples(run.id)[0].lint_flags == ("prints-summary-line",)
        with pytest.raises(StoreError):
            store.set_lint_flags(run.id, "missing", 0, ())


def test_git_commit_names_the_checkout_and_says_when_it_is_dirty(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None
    repo = tmp_path / "suite"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    assert git_commit(repo) is None  # a checkout with no commit names none
    (repo / "problems.txt").write_text("Prob001\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    commit = git_commit(repo)
    assert commit is not None and len(commit) == 40
    assert (
        subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() == commit
    )
    (repo / "untracked.txt").write_text("not part of the suite's commit\n")
    assert git_commit(repo) == commit
    (repo / "problems.txt").write_text("Prob002\n")
    assert git_commit(repo) == f"{commit}-dirty"


def test_threads_of_one_writer_can_share_a_store(db_path: Path) -> None:
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]

        def write(task: str) -> None:
            for index in range(20):
                store.record_iteration(run.id, IterationRecord(task, index, 1, prompt=f"{task}{index}"))
                store.record_sample(run.id, sample(task, index))

        workers = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert len(store.done_keys(run.id)) == 80
    assert count(db_path, "iterations") == 80


@pytest.mark.simulator
def test_a_killed_bench_keeps_every_iteration_the_loop_finished(tmp_path: Path) -> None:
    """`bench --model` commits each loop iteration as it finishes, not when the sample ends."""
    from test_loop import reply

    from veriassist.models.openai_stub import Delay, ScriptedOpenAIServer, Step

    correcting = threading.Event()

    def respond(body: dict[str, object]) -> Step | str:
        prompt = str(body["messages"][-1]["content"])  # type: ignore[index]
        if "single word KEEP" in prompt:
            return "The walk-through agrees with the tests.\nKEEP"
        if "Evidence from the simulation" in prompt:  # the correction turn, after iteration 1
            correcting.set()
            return Delay(600)  # held until the process is killed (the server's stop wakes it)
        return reply("updown_bug.sv")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "VERIASSIST", "ANTHROPIC"))}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    db = tmp_path / "runs.db"
    designs = Path(__file__).parent.parent / "designs"
    with ScriptedOpenAIServer(responder=respond) as server:
        argv = [sys.executable, "-m", "veriassist", "bench", str(designs), "--only", "updown_counter"]
        argv += ["--model", "openai:scripted-stand-in", "--base-url", server.url, "--stand-in"]
        argv += ["--db", str(db), "--run", "killed", "--json", "-j", "1"]
        with (tmp_path / "stderr.txt").open("w") as stderr:
            bench = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=stderr)
            try:
                assert correcting.wait(timeout=240), (tmp_path / "stderr.txt").read_text()
            finally:
                bench.kill()
                bench.wait(timeout=60)
    with Store(db) as store:
        run = store.get_run("killed")
        assert run.status is RunStatus.RUNNING and not store.samples(run.id)  # nobody finished it
        (first,) = store.iterations(run.id)
    assert (first.task_id, first.sample, first.iteration) == ("updown_counter", 0, 1)
    assert (first.own_kind, first.golden_kind) == (FailureKind.TEST_FAILED, FailureKind.MISMATCH)
    assert "module updown_counter" in first.reply and "matches_a_python_model" in first.feedback


def test_a_formal_verdict_and_its_counterexample_read_back_as_written(db_path: Path) -> None:
    step = CounterexampleStep(3, (("rst", "0"), ("d", "00000101")), (("q", "00000101", "00000100"),))
    proof = FormalVerdict(
        FormalStatus.NOT_EQUIVALENT,
        reason="registers start at 0",
        counterexample=(step,),
        table="step | d\n3 | 8'h05\n",
        duration_s=0.25,
        clock="clk",
        per_cycle=True,
    )
    written = replace(sample("updown_counter"), formal=proof)
    with Store(db_path) as store:
        run = store.start_run("r1", **RUN_ARGS)  # type: ignore[arg-type]
        store.record_sample(run.id, written)
        store.record_sample(run.id, sample("mux4"))
        read = {s.task_id: s for s in store.samples(run.id)}
    assert read["updown_counter"].formal == proof
    assert read["mux4"].formal is None  # no formal check ran: not an "unknown" verdict
    with sqlite3.connect(db_path) as db:
        statuses = dict(db.execute("SELECT task_id, formal_status FROM samples").fetchall())
    assert statuses == {"updown_counter": "not_equivalent", "mux4": None}


def test_a_database_from_before_the_formal_verdict_opens_and_its_samples_have_none(db_path: Path) -> None:
    """Made with the migrations of the release before (4): migration 5 adds the formal columns."""
    with sqlite3.connect(db_path) as db:
        for script in store_module.migrations[:4]:
            if callable(script):
                script(db)
            else:
                db.executescript(script)
        db.execute("PRAGMA user_version = 4")
        db.execute(
            "INSERT INTO runs (name, suite_path, suite_format, settings_json, model, model_kind, stand_in,"
            " strategy, feedback_mode, versions_json, started, status) VALUES"
            " ('old', '/s', 'designs', '{}', 'reference', 'reference', 0, 'reference', 'none', '{}', 'x',"
            " 'completed')"
        )
        db.execute(
            "INSERT INTO samples (run_id, task_id, sample, passed, kind, iterations_used, timings_json,"
            " tokens_in, tokens_out, log_excerpt, feedback, recorded) VALUES"
            " (1, 'mux4', 0, 1, 'pass', 1, '{}', 0, 0, '', '', 'x')"
        )
    with Store(db_path) as store:
        assert store.schema_version == len(store_module.migrations) >= 5
        [old] = store.samples(store.get_run("old").id)
    assert old.task_id == "mux4" and old.passed and old.formal is None


def test_a_new_run_takes_each_tasks_time_from_the_latest_run_over_the_suite(db_path: Path) -> None:
    """Jobs go longest first (the last to start should not be the longest), timed by the newest
    of the last runs over the same suite; another suite's runs do not count."""
    from veriassist.eval.bench import previous_timings

    with Store(db_path) as store:
        for name, suite, times in [
            ("old", "/suites/designs", {"a": 9.0, "b": 1.0}),
            ("new", "/suites/designs", {"a": 2.0}),
            ("other", "/suites/other", {"a": 50.0, "b": 50.0}),
        ]:
            run = store.start_run(name, **{**RUN_ARGS, "suite_path": suite})  # type: ignore[arg-type]
            for task, seconds in times.items():
                store.record_sample(run.id, replace(sample(task), timings={"total": seconds}))
        assert previous_timings(store, "/suites/designs") == {"a": 2.0, "b": 1.0}
        assert store.sample_timings(store.get_run("new").id) == [("a", {"total": 2.0})]
