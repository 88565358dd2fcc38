"""SQLite records of benchmark runs, written the moment each result finishes.

One process writes a run (the runner); any number may read. The database runs in WAL
mode and every write commits on its own, so a run stopped by Ctrl-C, `kill -9`
or power loss keeps every finished sample and resumes where it stopped. A run is
held by the process that started it (an advisory lock the kernel drops when that
process ends, however it ends), so a second process cannot do the same work.
Re-recording a finished key never adds a row, so a resumed run cannot count a
sample twice.

Iteration numbers are 1-based: iteration 1 is the first try.
"""

from __future__ import annotations

import datetime as _dt
import enum
import fcntl
import hashlib
import json
import os
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The records live with the other stage records; they are re-exported here for callers of the store.
from veriassist.types import (
    FailureKind,
    FeedbackMode,
    FormalVerdict,
    IterationRecord,
    SampleRecord,
    SelfCheckOutcome,
)

__all__ = [
    "FEEDBACK_MODES",
    "MODEL_KINDS",
    "STAND_IN_KINDS",
    "DatabaseError",
    "IterationRecord",
    "RunBusyError",
    "RunInfo",
    "RunMismatchError",
    "RunStatus",
    "SampleRecord",
    "Store",
    "StoreError",
    "git_commit",
    "migrations",
]

MODEL_KINDS = ("reference", "samples", "api", "scripted", "replay", "manual")
# Kinds whose results never come from a model: a report must not show them as one.
STAND_IN_KINDS = frozenset({"scripted"})
# What the model was really shown: "none" also for runs with no model loop (references, samples).
FEEDBACK_MODES = tuple(FeedbackMode)


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"
    FAILED = "failed"


class StoreError(Exception):
    """A request the store cannot honour (unknown run, bad value)."""


class RunMismatchError(StoreError):
    """A run name already exists with a different suite or settings."""


class RunBusyError(StoreError):
    """Another process is running this run now."""


class DatabaseError(StoreError):
    """The database cannot be opened or used: not a database, a missing directory, a disk error."""


_SQLITE_HEADER = b"SQLite format 3\x00"


# Numbered schema migrations, applied in order; `PRAGMA user_version` holds how
# many have run. Append new ones; never edit one that has shipped. A function migrates what
# SQL alone cannot.
Migration = str | Callable[[sqlite3.Connection], None]


def _record_compiler_feedback_and_self_checks(db: sqlite3.Connection) -> None:
    """4: runs may record feedback 'compiler' (compile-only); iterations record their self-check.

    SQLite cannot alter a CHECK constraint, and rebuilding `runs` would cascade-delete its
    samples, so the constraint's text is rewritten in place, as SQLite documents for
    loosening a constraint; the schema cookie is bumped so every connection rereads it.
    """
    old = "CHECK (feedback_mode IN ('none', 'own-testbench', 'golden'))"
    new = "CHECK (feedback_mode IN ('none', 'compiler', 'own-testbench', 'golden'))"
    cookie = int(db.execute("PRAGMA schema_version").fetchone()[0])
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'runs'",
            (old, new),
        )
        db.execute(f"PRAGMA schema_version = {cookie + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    db.execute("ALTER TABLE iterations ADD COLUMN self_check TEXT")


migrations: list[Migration] = [
    # 1: runs, samples, iterations and content-addressed messages.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        suite_path TEXT NOT NULL,
        suite_format TEXT NOT NULL,
        suite_commit TEXT,
        settings_json TEXT NOT NULL,
        model TEXT NOT NULL,
        model_kind TEXT NOT NULL
            CHECK (model_kind IN ('reference', 'samples', 'api', 'scripted', 'replay', 'manual')),
        stand_in INTEGER NOT NULL CHECK (stand_in IN (0, 1)),
        strategy TEXT NOT NULL,
        feedback_mode TEXT NOT NULL CHECK (feedback_mode IN ('none', 'own-testbench', 'golden')),
        versions_json TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
        end_reason TEXT NOT NULL DEFAULT '',
        resumes INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE samples (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        sample INTEGER NOT NULL,
        passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
        kind TEXT NOT NULL,
        iterations_used INTEGER NOT NULL,
        golden_passed INTEGER,
        golden_kind TEXT,
        timings_json TEXT NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost REAL,
        log_excerpt TEXT NOT NULL,
        feedback TEXT NOT NULL,
        lint_flags_json TEXT,
        recorded TEXT NOT NULL,
        UNIQUE (run_id, task_id, sample)
    );
    CREATE TABLE messages (
        sha256 TEXT PRIMARY KEY,
        text TEXT NOT NULL
    );
    CREATE TABLE iterations (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        sample INTEGER NOT NULL,
        iteration INTEGER NOT NULL CHECK (iteration >= 1),
        own_passed INTEGER,
        own_kind TEXT,
        golden_passed INTEGER,
        golden_kind TEXT,
        prompt_sha TEXT REFERENCES messages(sha256),
        reply_sha TEXT REFERENCES messages(sha256),
        feedback_sha TEXT REFERENCES messages(sha256),
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        latency_s REAL,
        code_hash TEXT,
        recorded TEXT NOT NULL,
        UNIQUE (run_id, task_id, sample, iteration)
    );
    """,
    # 2: the suite lint's findings per problem of a run (`bench --lint`), so a resumed run
    # reuses them and the record says which problems were left out and why.
    """
    CREATE TABLE lint_results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        findings_json TEXT NOT NULL,
        recorded TEXT NOT NULL,
        UNIQUE (run_id, task_id)
    );
    """,
    # 3: each reference's sample count under its testbench and simulator version, measured
    # once and reused by later runs (a candidate must show as many samples as the reference).
    """
    CREATE TABLE reference_samples (
        key TEXT PRIMARY KEY,
        samples INTEGER,
        recorded TEXT NOT NULL
    );
    """,
    _record_compiler_feedback_and_self_checks,
    # 5: the formal verdict per sample (NULL: no formal check ran), its status apart for queries.
    """
    ALTER TABLE samples ADD COLUMN formal_status TEXT;
    ALTER TABLE samples ADD COLUMN formal_json TEXT;
    """,
    # 6: each try's golden verdict in words, so a run's records say why a try failed.
    "ALTER TABLE iterations ADD COLUMN golden_summary TEXT;",
    # 7: the golden check's warnings per sample (outputs its testbench leaves unchecked), a JSON list.
    "ALTER TABLE samples ADD COLUMN warnings_json TEXT;",
    # 8: the own-testbench strength check per try: the kill ratio (NULL: no check ran), the
    # surviving mutants, and whether answering a request to strengthen changed the golden verdict.
    """
    ALTER TABLE iterations ADD COLUMN kill_ratio REAL;
    ALTER TABLE iterations ADD COLUMN survivors TEXT;
    ALTER TABLE iterations ADD COLUMN golden_changed INTEGER;
    """,
    # 9: a failed sample's packed evidence (check/feedback.py), its feedback rendered when read.
    "ALTER TABLE samples ADD COLUMN evidence BLOB;",
]


@dataclass(frozen=True)
class RunInfo:
    """One row of `runs`."""

    id: int
    name: str
    suite_path: str
    suite_format: str
    suite_commit: str | None
    settings: dict[str, Any] = field(hash=False, compare=False)
    model: str
    model_kind: str
    stand_in: bool
    strategy: str
    feedback_mode: str
    versions: dict[str, str | None] = field(hash=False, compare=False)
    started: str
    finished: str | None
    status: RunStatus
    end_reason: str = ""
    resumes: int = 0


def git_commit(path: str | Path) -> str | None:
    """The HEAD commit of the git checkout holding `path`, `-dirty` if modified; None if not one."""
    try:
        # One git process says both: the `# branch.oid` header, then a line per changed file.
        status = subprocess.run(
            ["git", "-C", str(path), "status", "--porcelain=v2", "--branch", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    headers = [line for line in status.stdout.splitlines() if line.startswith("# ")]
    commit = next((line.split()[2] for line in headers if line.startswith("# branch.oid ")), None)
    if status.returncode != 0 or commit is None or commit == "(initial)":  # no checkout, or no commit yet
        return None
    # A modified checkout is not the commit it names; say so rather than claim it is.
    return f"{commit}-dirty" if len(headers) < len(status.stdout.splitlines()) else commit


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _kind(value: str | None) -> FailureKind | None:
    return None if value is None else FailureKind(value)


class Store:
    """The records database. Use one `Store` per process; only one process should write."""

    def __init__(self, path: str | Path) -> None:
        """Open the database at `path`, creating it (and only it) when nothing is there.

        Raises:
            DatabaseError: `path` is not a SQLite database (which is then left untouched), its
                directory does not exist, or SQLite cannot use it.
            StoreError: the database is from a newer veriassist.
        """
        self.path = Path(path)
        self._lock = threading.RLock()
        self._held: dict[str, int] = {}  # run name -> fd of its lock file, while this Store runs it
        try:
            _create_if_missing(self.path)
            # Autocommit mode: we open transactions ourselves, so nothing sits uncommitted.
            # Threads of the one writer process may share this Store; the lock serialises them.
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0, check_same_thread=False)
        except sqlite3.Error as error:
            raise DatabaseError(f"{self.path}: {error}") from None
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL keeps every committed row through a killed or crashed process
            # (what a bench must survive); only a power cut may roll back the last commits, which
            # a resumed run then redoes. FULL would sync each commit: 0.3-0.4 ms of CPU a sample.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.Error as error:
            self._db.close()
            raise DatabaseError(f"{self.path}: {error}") from None
        except BaseException:
            self._db.close()
            raise

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        for name in list(self._held):
            self._release(name)
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            # IMMEDIATE takes the write lock up front, so a second writer waits instead of failing mid-way.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[object] | Mapping[str, object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    @property
    def schema_version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])

    def _migrate(self) -> None:
        with self._transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(migrations):
                raise StoreError(
                    f"{self.path} has schema version {version}; this veriassist knows {len(migrations)}"
                )
            for number, script in enumerate(migrations[version:], start=version + 1):
                if callable(script):
                    script(db)
                else:
                    # One statement at a time: executescript() would commit our open transaction.
                    for statement in _split_sql(script):
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # -- runs ------------------------------------------------------------------

    def start_run(
        self,
        name: str,
        *,
        suite_path: str | Path,
        suite_format: str,
        model: str,
        model_kind: str,
        strategy: str,
        feedback_mode: str,
        settings: Mapping[str, Any] | None = None,
        suite_commit: str | None = None,
        versions: Mapping[str, str | None] | None = None,
        stand_in: bool = False,
    ) -> RunInfo:
        """Create run `name`, or resume it when it exists with the same suite and settings.

        `stand_in` marks a run whose model is not a model (a replay of a scripted
        session); `model_kind="scripted"` is always a stand-in.

        The run is held by this Store until `finish_run` or `close` (or the end of this process,
        however it ends); while it is held, no other Store, here or in another process, can start it.

        Raises:
            RunMismatchError: the name exists with a different suite, model or settings.
            RunBusyError: another process (or Store) holds the run.
        """
        if model_kind not in MODEL_KINDS:
            raise StoreError(f"model_kind {model_kind!r} is not one of {', '.join(MODEL_KINDS)}")
        if feedback_mode not in FEEDBACK_MODES:
            raise StoreError(f"feedback_mode {feedback_mode!r} is not one of {', '.join(FEEDBACK_MODES)}")
        stand_in = stand_in or model_kind in STAND_IN_KINDS
        wanted: dict[str, Any] = {
            "suite_path": str(suite_path),
            "suite_format": suite_format,
            "suite_commit": suite_commit,
            "settings_json": _canonical(settings or {}),
            "model": model,
            "model_kind": model_kind,
            "stand_in": int(stand_in),
            "strategy": strategy,
            "feedback_mode": feedback_mode,
        }
        self._hold(name)
        try:
            return self._start_run(name, wanted, versions)
        except BaseException:
            self._release(name)
            raise

    def _start_run(
        self, name: str, wanted: dict[str, Any], versions: Mapping[str, str | None] | None
    ) -> RunInfo:
        with self._transaction() as db:
            row = db.execute("SELECT * FROM runs WHERE name = ?", (name,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO runs (name, suite_path, suite_format, suite_commit, settings_json, model,"
                    " model_kind, stand_in, strategy, feedback_mode, versions_json, started, status)"
                    " VALUES (:name, :suite_path, :suite_format, :suite_commit, :settings_json,"
                    " :model, :model_kind, :stand_in, :strategy, :feedback_mode, :versions_json,"
                    " :started, 'running')",
                    {**wanted, "name": name, "versions_json": _canonical(versions or {}), "started": _now()},
                )
            else:
                differences = [
                    f"{key}: stored {row[key]!r}, asked {value!r}"
                    for key, value in wanted.items()
                    if row[key] != value
                ]
                if differences:
                    raise RunMismatchError(
                        f"run {name!r} already exists with different settings; pick a new name or"
                        " match them to resume:\n  " + "\n  ".join(differences)
                    )
                # Iterations of a sample that never finished belong to an attempt that is
                # about to be redone; drop them so the redo's history is not mixed with it.
                db.execute(
                    "DELETE FROM iterations WHERE run_id = ? AND NOT EXISTS (SELECT 1 FROM samples s"
                    " WHERE s.run_id = iterations.run_id AND s.task_id = iterations.task_id"
                    " AND s.sample = iterations.sample)",
                    (row["id"],),
                )
                db.execute(
                    "UPDATE runs SET status = 'running', finished = NULL, end_reason = '',"
                    " resumes = resumes + 1 WHERE id = ?",
                    (row["id"],),
                )
        return self._run_by("name", name)

    def finish_run(self, run_id: int, status: RunStatus | str, reason: str = "") -> None:
        """Mark a run ended: completed, interrupted (Ctrl-C, limit) or failed (an error), and why."""
        status = RunStatus(status)
        if status is RunStatus.RUNNING:
            raise StoreError("finish_run needs an end status, not 'running'")
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE runs SET status = ?, finished = ?, end_reason = ? WHERE id = ?",
                (status.value, _now(), reason, run_id),
            ).rowcount
        if not updated:
            raise StoreError(f"no run with id {run_id}")
        ended = self._query("SELECT name FROM runs WHERE id = ?", (run_id,))
        if ended:
            self._release(ended[0]["name"])

    def _lock_path(self, name: str) -> Path:
        # Beside the database, like SQLite's own -wal and -shm files; named by a hash, since a
        # run name may hold any character.
        digest = hashlib.sha256(name.encode()).hexdigest()[:32]
        return self.path.with_name(f"{self.path.name}-locks") / f"{digest}.lock"

    def _hold(self, name: str) -> None:
        """Take the run's advisory lock (flock: the kernel drops it when the holder dies)."""
        if name in self._held:
            return
        path = self._lock_path(name)
        try:
            path.parent.mkdir(exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise DatabaseError(f"cannot lock run {name!r} at {path}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            os.close(fd)
            by = f" (pid {holder})" if holder.isdigit() else ""
            raise RunBusyError(
                f"run {name!r} is being run by another process{by}; wait for it to end, stop it,"
                " or pick another --run name"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)  # who holds it, for the message above
        self._held[name] = fd

    def _release(self, name: str) -> None:
        fd = self._held.pop(name, None)
        if fd is not None:
            os.close(fd)  # drops the flock

    def list_runs(self) -> list[RunInfo]:
        rows = self._query("SELECT * FROM runs ORDER BY started, id")
        return [_run_info(row) for row in rows]

    def get_run(self, name: str) -> RunInfo:
        """The run called `name`; raises StoreError when there is none."""
        return self._run_by("name", name)

    def _run_by(self, column: str, value: object) -> RunInfo:
        rows = self._query(f"SELECT * FROM runs WHERE {column} = ?", (value,))
        if not rows:
            raise StoreError(f"no run with {column} {value!r} in {self.path}")
        return _run_info(rows[0])

    # -- samples ---------------------------------------------------------------

    def done_keys(self, run_id: int) -> set[tuple[str, int]]:
        """(task_id, sample) pairs already recorded: a resumed run skips these."""
        rows = self._query("SELECT task_id, sample FROM samples WHERE run_id = ?", (run_id,))
        return {(row[0], int(row[1])) for row in rows}

    def record_sample(self, run_id: int, record: SampleRecord) -> bool:
        """Commit one finished sample. Returns False (and changes nothing) if it was already recorded."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO samples (run_id, task_id, sample, passed, kind, iterations_used, golden_passed,"
                " golden_kind, timings_json, tokens_in, tokens_out, cost, log_excerpt, feedback,"
                " lint_flags_json, formal_status, formal_json, warnings_json, evidence, recorded)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                # First write wins: a result, once committed, is never silently replaced.
                " ON CONFLICT (run_id, task_id, sample) DO NOTHING",
                (
                    run_id,
                    record.task_id,
                    record.sample,
                    int(record.passed),
                    FailureKind(record.kind).value,
                    record.iterations,
                    None if record.golden_passed is None else int(record.golden_passed),
                    None if record.golden_kind is None else FailureKind(record.golden_kind).value,
                    _canonical(record.timings),
                    record.tokens_in,
                    record.tokens_out,
                    record.cost,
                    record.log_excerpt,
                    record.feedback,
                    None if record.lint_flags is None else json.dumps(list(record.lint_flags)),
                    None if record.formal is None else record.formal.status.value,
                    None if record.formal is None else json.dumps(record.formal.to_json()),
                    json.dumps(list(record.warnings)) if record.warnings else None,
                    record.evidence,
                    _now(),
                ),
            )
            return cursor.rowcount == 1

    def set_lint_flags(self, run_id: int, task_id: str, sample: int, flags: tuple[str, ...]) -> None:
        """Attach lint flags to a recorded sample (lint may run after the sample finished)."""
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE samples SET lint_flags_json = ? WHERE run_id = ? AND task_id = ? AND sample = ?",
                (json.dumps(list(flags)), run_id, task_id, sample),
            ).rowcount
        if not updated:
            raise StoreError(f"no sample {task_id!r}/{sample} in run {run_id}")

    def reference_samples(self) -> dict[str, int | None]:
        """Known reference sample counts by key."""
        return {
            row["key"]: row["samples"] for row in self._query("SELECT key, samples FROM reference_samples")
        }

    def record_reference_samples(self, key: str, samples: int) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO reference_samples (key, samples, recorded) VALUES (?, ?, ?)",
                (key, samples, _now()),
            )

    def record_lint(self, run_id: int, task_id: str, findings: Sequence[Mapping[str, str]]) -> bool:
        """Commit one problem's lint findings (JSON objects). False if the problem already has some."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO lint_results (run_id, task_id, findings_json, recorded) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (run_id, task_id) DO NOTHING",
                (run_id, task_id, json.dumps([dict(f) for f in findings]), _now()),
            )
            return cursor.rowcount == 1

    def lint_results(self, run_id: int) -> dict[str, list[dict[str, str]]]:
        """Lint findings per linted problem of a run (an empty list: linted and clean)."""
        rows = self._query(
            "SELECT task_id, findings_json FROM lint_results WHERE run_id = ? ORDER BY task_id", (run_id,)
        )
        return {row["task_id"]: json.loads(row["findings_json"]) for row in rows}

    def sample_timings(self, run_id: int) -> list[tuple[str, dict[str, float]]]:
        """Each sample's task and timings, without the rest of its record."""
        rows = self._query("SELECT task_id, timings_json FROM samples WHERE run_id = ?", (run_id,))
        return [(row[0], json.loads(row[1])) for row in rows]

    def samples(self, run_id: int) -> list[SampleRecord]:
        rows = self._query("SELECT * FROM samples WHERE run_id = ? ORDER BY task_id, sample", (run_id,))
        return [_sample_record(row) for row in rows]

    # -- iterations ------------------------------------------------------------

    def record_iteration(self, run_id: int, record: IterationRecord) -> None:
        """Commit one loop iteration; recording the same key again replaces it (a redone attempt)."""
        if record.iteration < 1:
            raise StoreError("iterations are numbered from 1")
        with self._transaction() as db:
            shas = [self._put_message(db, text) for text in (record.prompt, record.reply, record.feedback)]
            db.execute(
                "INSERT INTO iterations (run_id, task_id, sample, iteration, own_passed, own_kind,"
                " golden_passed, golden_kind, prompt_sha, reply_sha, feedback_sha, tokens_in, tokens_out,"
                " latency_s, code_hash, self_check, golden_summary, kill_ratio, survivors, golden_changed,"
                " recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id, task_id, sample, iteration) DO UPDATE SET"
                " own_passed = excluded.own_passed, own_kind = excluded.own_kind,"
                " golden_passed = excluded.golden_passed, golden_kind = excluded.golden_kind,"
                " prompt_sha = excluded.prompt_sha, reply_sha = excluded.reply_sha,"
                " feedback_sha = excluded.feedback_sha, tokens_in = excluded.tokens_in,"
                " tokens_out = excluded.tokens_out, latency_s = excluded.latency_s,"
                " code_hash = excluded.code_hash, self_check = excluded.self_check,"
                " golden_summary = excluded.golden_summary, kill_ratio = excluded.kill_ratio,"
                " survivors = excluded.survivors, golden_changed = excluded.golden_changed,"
                " recorded = excluded.recorded",
                (
                    run_id,
                    record.task_id,
                    record.sample,
                    record.iteration,
                    None if record.own_passed is None else int(record.own_passed),
                    None if record.own_kind is None else FailureKind(record.own_kind).value,
                    None if record.golden_passed is None else int(record.golden_passed),
                    None if record.golden_kind is None else FailureKind(record.golden_kind).value,
                    *shas,
                    record.tokens_in,
                    record.tokens_out,
                    record.latency_s,
                    record.code_hash,
                    None if record.self_check is None else SelfCheckOutcome(record.self_check).value,
                    record.golden_summary or None,
                    record.kill_ratio,
                    record.survivors or None,
                    None if record.golden_changed is None else int(record.golden_changed),
                    _now(),
                ),
            )

    def iterations(
        self, run_id: int, task_id: str | None = None, sample: int | None = None
    ) -> list[IterationRecord]:
        """Iterations of one sample, or of a whole run when task_id/sample are omitted."""
        query = (
            "SELECT i.*, p.text AS prompt, r.text AS reply, f.text AS feedback FROM iterations i"
            " LEFT JOIN messages p ON p.sha256 = i.prompt_sha"
            " LEFT JOIN messages r ON r.sha256 = i.reply_sha"
            " LEFT JOIN messages f ON f.sha256 = i.feedback_sha WHERE i.run_id = ?"
        )
        params: list[object] = [run_id]
        if task_id is not None:
            query += " AND i.task_id = ?"
            params.append(task_id)
        if sample is not None:
            query += " AND i.sample = ?"
            params.append(sample)
        rows = self._query(query + " ORDER BY i.task_id, i.sample, i.iteration", params)
        return [_iteration_record(row) for row in rows]

    def message(self, sha256: str) -> str | None:
        rows = self._query("SELECT text FROM messages WHERE sha256 = ?", (sha256,))
        return str(rows[0][0]) if rows else None

    @staticmethod
    def _put_message(db: sqlite3.Connection, text: str) -> str | None:
        if not text:
            return None
        sha = _sha256(text)
        db.execute("INSERT INTO messages (sha256, text) VALUES (?, ?) ON CONFLICT DO NOTHING", (sha, text))
        return sha


def _create_if_missing(path: Path) -> None:
    """Make a new, empty database at `path` unless something is there; refuse a file that is
    not a database, so that a mistyped --db can never turn someone's file into one. (An empty
    file is an empty database, as SQLite has it: `sqlite3.connect` leaves one behind.)

    The new database is made beside `path` and linked into place, so another process never
    sees it half made (an empty file there would otherwise be taken for someone's file).
    """
    try:
        with path.open("rb") as existing:
            header = existing.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        header = None
    except IsADirectoryError:
        raise DatabaseError(f"{path} is a directory, not a database") from None
    except OSError as error:
        raise DatabaseError(f"cannot open {path}: {error.strerror}") from None
    if header is not None:
        if header and header != _SQLITE_HEADER:
            raise DatabaseError(f"{path} is not a veriassist database (not SQLite); it was left as it is")
        return
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot create {path}: the directory {path.parent} does not exist")
    fresh = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        db = sqlite3.connect(fresh)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # written into the header: every opener sees WAL
        finally:
            db.close()
        try:
            os.link(fresh, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # a file system without hard links: a rename, which could race, still works
            os.rename(fresh, path)
    except OSError as error:
        raise DatabaseError(f"cannot create {path}: {error.strerror}") from None
    finally:
        fresh.unlink(missing_ok=True)


def _split_sql(script: str) -> list[str]:
    # Migrations hold no triggers or string literals with ';', so a plain split is exact.
    return [part.strip() for part in script.split(";") if part.strip()]


def _run_info(row: sqlite3.Row) -> RunInfo:
    return RunInfo(
        id=int(row["id"]),
        name=row["name"],
        suite_path=row["suite_path"],
        suite_format=row["suite_format"],
        suite_commit=row["suite_commit"],
        settings=json.loads(row["settings_json"]),
        model=row["model"],
        model_kind=row["model_kind"],
        stand_in=bool(row["stand_in"]),
        strategy=row["strategy"],
        feedback_mode=row["feedback_mode"],
        versions=json.loads(row["versions_json"]),
        started=row["started"],
        finished=row["finished"],
        status=RunStatus(row["status"]),
        end_reason=row["end_reason"],
        resumes=int(row["resumes"]),
    )


def _sample_record(row: sqlite3.Row) -> SampleRecord:
    flags = row["lint_flags_json"]
    return SampleRecord(
        task_id=row["task_id"],
        sample=int(row["sample"]),
        passed=bool(row["passed"]),
        kind=FailureKind(row["kind"]),
        iterations=int(row["iterations_used"]),
        golden_passed=_bool(row["golden_passed"]),
        golden_kind=_kind(row["golden_kind"]),
        timings=json.loads(row["timings_json"]),
        tokens_in=int(row["tokens_in"]),
        tokens_out=int(row["tokens_out"]),
        cost=row["cost"],
        log_excerpt=row["log_excerpt"],
        feedback=row["feedback"],
        lint_flags=None if flags is None else tuple(json.loads(flags)),
        formal=None
        if row["formal_json"] is None
        else FormalVerdict.from_json(json.loads(row["formal_json"])),
        warnings=tuple(json.loads(row["warnings_json"])) if row["warnings_json"] else (),
        evidence=row["evidence"],
    )


def _iteration_record(row: sqlite3.Row) -> IterationRecord:
    return IterationRecord(
        task_id=row["task_id"],
        sample=int(row["sample"]),
        iteration=int(row["iteration"]),
        own_passed=_bool(row["own_passed"]),
        own_kind=_kind(row["own_kind"]),
        golden_passed=_bool(row["golden_passed"]),
        golden_kind=_kind(row["golden_kind"]),
        prompt=row["prompt"] or "",
        reply=row["reply"] or "",
        feedback=row["feedback"] or "",
        tokens_in=int(row["tokens_in"]),
        tokens_out=int(row["tokens_out"]),
        latency_s=row["latency_s"],
        code_hash=row["code_hash"],
        self_check=SelfCheckOutcome(row["self_check"]) if row["self_check"] else None,
        golden_summary=row["golden_summary"] or "",
        kill_ratio=row["kill_ratio"],
        survivors=row["survivors"] or "",
        golden_changed=_bool(row["golden_changed"]),
    )
