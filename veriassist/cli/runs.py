"""`veriassist runs ...` and `veriassist report`: thin views over store and metrics."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from veriassist.cli.errors import usage_error

# Imported where used: `veriassist --help` and every other command start faster without them.
if TYPE_CHECKING:
    from rich.console import Console

    from veriassist.eval.metrics import RunMetrics
    from veriassist.eval.store import RunInfo, Store
    from veriassist.types import IterationRecord, SampleRecord

__all__ = ["ExportFormat", "report_command", "runs_app"]

runs_app = typer.Typer(help="List, show, compare and export recorded runs.", no_args_is_help=True)

DbOption = Annotated[
    Path, typer.Option("--db", help="The records database.", dir_okay=False, show_default=True)
]
DEFAULT_DB = Path("veriassist.db")
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
STDOUT = Path("-")  # `-o -`: write to standard output, as other Unix tools do


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def _console() -> Console:
    from rich.console import Console

    return Console(soft_wrap=True)


@contextmanager
def _open(db: Path) -> Iterator[Store]:
    """The store at `db`; every database problem ends the command with one line and status 2."""
    import sqlite3

    from veriassist.eval.store import DatabaseError, Store, StoreError

    # Reading must not create an empty database where the user mistyped a path.
    if not db.exists():
        raise usage_error(f"--db {db}: no database there")
    if db.is_file() and db.stat().st_size == 0:  # SQLite would make it one; reading must not
        raise usage_error(f"--db {db}: an empty file, not a veriassist database")
    try:
        store = Store(db)
    except (StoreError, sqlite3.Error) as error:
        raise usage_error(str(error)) from None
    try:
        yield store
    except (DatabaseError, sqlite3.Error) as error:
        raise usage_error(f"--db {db}: {error}") from None
    except StoreError as error:  # a request the records cannot answer (an unknown run): a usage error
        raise usage_error(str(error)) from None
    finally:
        store.close()


def _table(console: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A rich table on a terminal; tab-separated lines when piped, so scripts can read it."""
    if console.is_terminal:
        from rich.table import Table

        table = Table(title=title)
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        print("\t".join(headers))
        for row in rows:
            print("\t".join(row))


def _model_cell(run: RunInfo) -> str:
    return f"{run.model} (STAND-IN)" if run.stand_in else run.model


def _metrics(store: Store, run: RunInfo) -> RunMetrics:
    from veriassist.eval.metrics import compute

    return compute(store.samples(run.id), store.iterations(run.id))


def _pass_at_1_by_tier(run: RunInfo, metrics: RunMetrics) -> dict[str, Any]:
    """designs/ runs: pass@1 per tier (design.toml `tier`), read from the suite if it is still there."""
    from veriassist.eval.metrics import pass_at_1_by_group
    from veriassist.suites.designs import FORMAT, tiers

    if run.suite_format != FORMAT:
        return {}
    return pass_at_1_by_group(metrics.problems, tiers(Path(run.suite_path)))


def _rate(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


def _run_json(run: RunInfo, metrics: RunMetrics) -> dict[str, Any]:
    """One run and its headline numbers, for --json."""
    return {
        "name": run.name,
        "model": run.model,
        "model_kind": run.model_kind,
        "stand_in": run.stand_in,
        "strategy": run.strategy,
        "feedback": run.feedback_mode,
        "status": run.status.value,
        "end_reason": run.end_reason,
        "suite_path": run.suite_path,
        "suite_format": run.suite_format,
        "suite_commit": run.suite_commit,
        "started": run.started,
        "finished": run.finished,
        "problems": metrics.n_problems,
        "samples": metrics.n_samples,
        "passed": metrics.n_passed,
        "pass_at": {str(k): _rate(v) for k, v in sorted(metrics.pass_at.items())},
    }


# What each VerilogEval failure code in the tables means (upstream's letters, plus ours as '?').
def _code_legend(kinds: Any) -> str:
    return "codes: " + ", ".join(f"{kind.code} = {kind.value}" for kind in kinds)


@runs_app.command("list")
def list_command(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """List recorded runs."""
    from veriassist.eval.metrics import percent

    console = _console()
    with _open(db) as store:
        rows = []
        listed = []
        for run in store.list_runs():
            metrics = _metrics(store, run)
            listed.append(_run_json(run, metrics))
            rows.append(
                [
                    run.name,
                    _model_cell(run),
                    run.model_kind,
                    run.strategy,
                    run.feedback_mode,
                    run.status.value,
                    str(metrics.n_samples),
                    percent(metrics.pass_at_1) if metrics.n_samples else "—",
                    run.started,
                ]
            )
        if as_json:
            typer.echo(json.dumps({"db": str(db.resolve()), "runs": listed}, indent=2))
            return
        headers = ["name", "model", "kind", "strategy", "feedback", "status", "samples", "pass@1", "started"]
        _table(console, f"runs in {db}", headers, rows)


@runs_app.command("show")
def show_command(name: str, db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Show one run: what it was, pass@k, the try curve, failures and problems."""
    from veriassist.eval.metrics import percent
    from veriassist.eval.report import run_banners

    console = _console()
    with _open(db) as store:
        run = store.get_run(name)
        metrics = _metrics(store, run)
        if as_json:
            typer.echo(json.dumps(_show_json(run, metrics, run_banners(run)), indent=2))
            return
        for banner in run_banners(run):
            console.print(f"[bold red]{banner.title.upper()}[/bold red]: {banner.text}")
        console.print(
            f"[bold]{run.name}[/bold]: model {_model_cell(run)} ({run.model_kind}), strategy {run.strategy},"
            f" feedback {run.feedback_mode}, status {run.status.value}"
            + (f" ({run.end_reason})" if run.end_reason else ""),
        )
        console.print(
            f"suite {run.suite_path} ({run.suite_format}) at {run.suite_commit or 'no git commit'}",
        )
        rates = ", ".join(f"pass@{k} {percent(v)}" for k, v in sorted(metrics.pass_at.items()))
        console.print(
            f"{metrics.n_passed}/{metrics.n_samples} samples passed over {metrics.n_problems} problems; "
            + (rates or "no samples")
        )
        if metrics.pass_after_try:
            curve = ", ".join(f"{i}: {percent(v)}" for i, v in enumerate(metrics.pass_after_try, start=1))
            console.print(f"pass rate after try {curve}; pass→fail transitions: {metrics.regressions}")
        by_tier = _pass_at_1_by_tier(run, metrics)
        if len(by_tier) > 1:
            console.print(
                "pass@1 by tier: " + ", ".join(f"{tier} {percent(rate)}" for tier, rate in by_tier.items()),
                highlight=False,
            )
        if metrics.pass_at_1_unflagged is not None:
            console.print(
                f"pass@1 without the {metrics.n_flagged_problems} lint-flagged problems:"
                f" {percent(metrics.pass_at_1_unflagged)}"
            )
        severity = run.settings.get("exclude_flagged")
        if severity:
            scored = {p.task_id for p in metrics.problems}
            left_out = [task for task in store.lint_results(run.id) if task not in scored]
            console.print(
                f"--exclude-flagged {severity} left out {len(left_out)} problems"
                + (f": {', '.join(left_out)}" if left_out else "")
                + "; every rate above is without them",
                highlight=False,
            )
        totals = metrics.totals
        cost = "unknown" if totals.cost is None else f"${totals.cost:.4f}"
        # The samples' own timings summed: compile + simulation work, not how long the run took.
        # A manual model's counts are chars/4 guesses: no tokenizer saw the text.
        estimated = " (estimated as chars/4)" if run.model_kind == "manual" else ""
        console.print(
            f"tokens {totals.tokens_in} in / {totals.tokens_out} out{estimated}, cost {cost},"
            f" checking time summed over samples {totals.seconds:.1f} s"
            + (f" (wall clock {wall:.1f} s)" if (wall := _wall_seconds(run)) is not None else ""),
            highlight=False,
        )
        if metrics.n_passed and (totals.tokens_in or totals.tokens_out):
            per_pass = (totals.tokens_in + totals.tokens_out) / metrics.n_passed
            calls = metrics.model_calls / metrics.n_passed if metrics.model_calls else None
            console.print(
                f"tokens per passed sample {per_pass:.0f}{estimated}"
                + (f", model calls per passed sample {calls:.2f}" if calls else ""),
                highlight=False,
            )
        if metrics.self_checks:
            outcomes = ", ".join(f"{outcome} {count}" for outcome, count in metrics.self_checks.items())
            console.print(f"self-checks: {outcomes}", highlight=False)
        for label, tries in (
            ("false blesses (own tests pass, golden fails)", metrics.false_blesses),
            ("false alarms (own tests fail, golden passes)", metrics.false_alarms),
        ):
            if tries:
                where = ", ".join(f"{task}#{sample} try {i}" for task, sample, i in tries)
                console.print(f"{label}: {len(tries)}: {where}", highlight=False)
        if metrics.histogram:
            _table(
                console,
                "failures by kind",
                ["kind", "VerilogEval code", "samples"],
                [[kind.value, kind.code, str(count)] for kind, count in metrics.histogram.items()],
            )
            console.print(_code_legend(metrics.histogram), highlight=False)
        headers = ["problem", "n", "c", "pass@1", "kinds"] + (["lint flags"] if metrics.lint_checked else [])
        rows = [
            [
                p.task_id,
                str(p.n),
                str(p.c),
                percent(p.pass_at_1),
                " ".join(f"{kind.value}×{count}" for kind, count in p.kinds.items()),
            ]
            + ([" ".join(p.lint_flags)] if metrics.lint_checked else [])
            for p in metrics.problems
        ]
        _table(console, "problems", headers, rows)


def _dataset(run: RunInfo) -> str:
    """Which dataset of its suite a run scored: the --task it was given, VerilogEval v2's default
    and aliases spelled out (a run on the repository root scores spec-to-rtl)."""
    from veriassist.suites import verilogeval_v2

    task = run.settings.get("task")
    if run.suite_format != verilogeval_v2.FORMAT:
        return str(task or "")
    if not task:
        return verilogeval_v2.TASKS[0]
    return next((t for t in verilogeval_v2.TASKS if t.startswith(str(task))), str(task))


@runs_app.command("compare")
def compare_command(run_a: str, run_b: str, db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Per problem, by pass@1: fixed (0 in A, above 0 in B), broken (above 0 to 0), improved,
    regressed, both (same pass@1 above 0), neither (0 in both), only-a, only-b."""
    from veriassist.eval.metrics import compare, percent
    from veriassist.eval.report import run_banners

    console = _console()
    with _open(db) as store:
        a, b = store.get_run(run_a), store.get_run(run_b)
        metrics_a, metrics_b = _metrics(store, a), _metrics(store, b)
    warnings = []
    if (a.suite_path, a.suite_format) != (b.suite_path, b.suite_format):
        warnings.append(
            f"the runs are on different suites ({a.suite_path} [{a.suite_format}] and"
            f" {b.suite_path} [{b.suite_format}]); only problems with the same task id are compared"
        )
    elif _dataset(a) != _dataset(b):
        # One checkout, two datasets (VerilogEval v2 spec-to-rtl and code-complete): the same
        # task id names two different problems, so "fixed" or "broken" would say nothing.
        warnings.append(
            f"the runs are on different datasets of {a.suite_path} ({_dataset(a)} and {_dataset(b)}):"
            " a task id names a different problem in each, so no change below is a fix or a regression"
        )
    elif a.suite_commit != b.suite_commit:
        warnings.append(f"the suite changed between the runs ({a.suite_commit} and {b.suite_commit})")
    rows_by_task = [(row, row.bucket) for row in compare(metrics_a, metrics_b).rows]
    counts: dict[str, int] = {}
    for _, bucket in rows_by_task:
        counts[bucket] = counts.get(bucket, 0) + 1
    if as_json:
        payload = {
            "a": _run_json(a, metrics_a),
            "b": _run_json(b, metrics_b),
            "warnings": warnings,
            "counts": counts,
            "problems": [
                {
                    "task_id": row.task_id,
                    "change": bucket,
                    "pass_at_1_a": _rate(row.pass_at_1_a),
                    "pass_at_1_b": _rate(row.pass_at_1_b),
                    "delta": _rate(row.delta),
                }
                for row, bucket in rows_by_task
            ],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    for warning in warnings:
        print(f"veriassist: warning: {warning}", file=sys.stderr)
    for run in (a, b):
        for banner in run_banners(run):
            console.print(f"[bold red]{run.name}: {banner.title}[/bold red]")
    console.print(
        f"pass@1 {run_a} {percent(metrics_a.pass_at_1)} → {run_b} {percent(metrics_b.pass_at_1)};"
        " each problem is compared by its pass@1 (the share of its samples that passed)"
    )
    order = ("fixed", "improved", "both", "neither", "regressed", "broken", "only-a", "only-b")
    _table(console, "summary", ["change", "problems"], [[k, str(counts[k])] for k in order if counts.get(k)])
    rows = [
        [
            row.task_id,
            bucket,
            "—" if row.pass_at_1_a is None else percent(row.pass_at_1_a),
            "—" if row.pass_at_1_b is None else percent(row.pass_at_1_b),
        ]
        for row, bucket in rows_by_task
        if bucket not in ("both", "neither")
    ]
    if rows:
        _table(console, "changed problems", ["problem", "bucket", f"pass@1 {run_a}", f"pass@1 {run_b}"], rows)


def _wall_seconds(run: RunInfo) -> float | None:
    """How long the run took from start to finish, when it finished (resumed runs include the pause)."""
    from datetime import datetime

    if not run.finished or run.resumes:
        return None
    try:
        return (datetime.fromisoformat(run.finished) - datetime.fromisoformat(run.started)).total_seconds()
    except ValueError:
        return None


def _show_json(run: RunInfo, metrics: RunMetrics, banners: Sequence[Any]) -> dict[str, Any]:
    totals = metrics.totals
    return {
        **_run_json(run, metrics),
        "banners": [{"title": b.title, "text": b.text} for b in banners],
        "pass_after_try": [_rate(v) for v in metrics.pass_after_try],
        "pass_at_1_by_tier": {tier: _rate(v) for tier, v in _pass_at_1_by_tier(run, metrics).items()},
        "model_calls": metrics.model_calls,
        "false_blesses": [list(t) for t in metrics.false_blesses],
        "false_alarms": [list(t) for t in metrics.false_alarms],
        "regressions": metrics.regressions,
        "failures": {kind.value: n for kind, n in metrics.histogram.items()},
        "tokens_in": totals.tokens_in,
        "tokens_out": totals.tokens_out,
        "cost_usd": totals.cost,
        "checking_seconds_summed": totals.seconds,
        "wall_seconds": _wall_seconds(run),
        "problems_detail": [
            {
                "task_id": p.task_id,
                "n": p.n,
                "c": p.c,
                "pass_at_1": _rate(p.pass_at_1),
                "kinds": {kind.value: count for kind, count in p.kinds.items()},
            }
            for p in metrics.problems
        ],
    }


def _sample_row(run: RunInfo, sample: SampleRecord) -> dict[str, Any]:
    from veriassist.check.feedback import feedback_of

    row = asdict(sample)
    del row["evidence"]  # packed bytes: the feedback below is their readable form
    row["feedback"] = feedback_of(sample)
    row["kind"] = sample.kind.value
    row["golden_kind"] = None if sample.golden_kind is None else sample.golden_kind.value
    row["lint_flags"] = None if sample.lint_flags is None else list(sample.lint_flags)
    row["formal"] = None if sample.formal is None else sample.formal.to_json()
    # Every exported row says what produced it, so a stand-in's rows cannot pass for a model's.
    return {
        "run": run.name,
        "model": run.model,
        "model_kind": run.model_kind,
        "stand_in": run.stand_in,
        **row,
    }


def _iteration_row(run: RunInfo, it: IterationRecord) -> dict[str, Any]:
    """One try: did the model's own tests pass, did the golden testbench, and what the self-check did."""
    row = {k: v.value if isinstance(v, Enum) else v for k, v in asdict(it).items()}
    for text in ("prompt", "reply", "feedback"):  # the exchange is in the database; rows stay small
        row.pop(text, None)
    own, golden = it.own_passed, it.golden_passed
    row["agreement"] = (
        None
        if own is None or golden is None
        else "false-bless"
        if own and not golden
        else "false-alarm"
        if golden and not own
        else "agree"
    )
    return {
        "run": run.name,
        "model": run.model,
        "model_kind": run.model_kind,
        "stand_in": run.stand_in,
        **row,
    }


@runs_app.command("export")
def export_command(
    name: str,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="File to write; - for standard output.", dir_okay=False)
    ],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv.")] = ExportFormat.JSONL,
    per_iteration: Annotated[
        bool,
        typer.Option(
            "--iterations",
            help="One row per loop iteration: own and golden verdicts, self-check, tokens, of every try.",
        ),
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write one row per sample (or per iteration), as JSON lines or CSV."""
    with _open(db) as store:
        run = store.get_run(name)
        if per_iteration:
            rows = [_iteration_row(run, it) for it in store.iterations(run.id)]
        else:
            rows = [_sample_row(run, s) for s in store.samples(run.id)]
    to_stdout = output == STDOUT
    with (
        contextlib.nullcontext(sys.stdout) if to_stdout else output.open("w", encoding="utf-8", newline="")
    ) as out:
        if fmt is ExportFormat.JSONL:
            for row in rows:
                out.write(json.dumps(row, sort_keys=True) + "\n")
        else:
            fields = list(rows[0]) if rows else ["run"]
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                # Nested values go in as JSON so a CSV reader can get them back intact.
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}
                )
    what = "iterations" if per_iteration else "samples"
    print(f"wrote {len(rows)} {what} to {'standard output' if to_stdout else output}", file=sys.stderr)


def report_command(
    run: Annotated[str, typer.Argument(help="Run name.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="HTML file to write.", dir_okay=False)
    ] = Path("report.html"),
    db: DbOption = DEFAULT_DB,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            metavar="RUN_B",
            help="Write a compare page instead: RUN (A, before) against RUN_B (after), per-problem pass@1 delta.",
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML report of one run, or with --compare a compare page of two."""
    from veriassist.eval.report import write_compare, write_report

    with _open(db) as store:
        if compare is None:
            path = write_report(store, run, output)
        else:
            path = write_compare(store, run, compare, output)
    print(f"wrote {path}", file=sys.stderr)
