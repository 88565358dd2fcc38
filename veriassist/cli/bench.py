"""`veriassist bench`: score a suite's references, samples made elsewhere, or a model."""

from __future__ import annotations

import json
import sys
from collections import Counter
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from veriassist.cli.errors import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    check_seconds,
    run_error,
    usage_error,
)
from veriassist.cli.options import (
    FeedbackOption,
    KillThresholdOption,
    MutantsOption,
    SelfCheckOption,
    StrategyOption,
    StrengthBudgetOption,
    StrengthOption,
    strength_settings,
)
from veriassist.types import FeedbackMode, SelfCheck, Severity, Strategy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from veriassist.eval.bench import BenchRequest, BenchResult
    from veriassist.eval.metrics import ProblemStats

__all__ = ["bench_command"]


class ExecutorChoice(StrEnum):
    LOCAL = "local"
    DASK = "dask"


def bench_command(
    suite_path: Annotated[
        Path, typer.Argument(help="Suite checkout: VerilogEval v1/v2, RTLLM, designs/ or a CVDP .jsonl.")
    ],
    format: Annotated[str | None, typer.Option("--format", help="Force a suite format.")] = None,
    task: Annotated[str | None, typer.Option("--task", help="Dataset within the suite.")] = None,
    reference: Annotated[bool, typer.Option("--reference", help="Score each problem's reference.")] = False,
    samples: Annotated[
        Path | None, typer.Option("--samples", help="Completions: JSONL (task_id, completion) or a folder.")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Run the agent loop with this model.")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")] = None,
    stand_in: Annotated[
        bool,
        typer.Option("--stand-in", help="Mark the run as made by a test stand-in (e.g. a scripted server)."),
    ] = False,
    iterations: Annotated[int, typer.Option("--iterations", min=1, help="Loop iterations per sample.")] = 5,
    strategy: StrategyOption = Strategy.VERIASSIST,
    feedback: FeedbackOption = FeedbackMode.OWN_TESTBENCH,
    self_check: SelfCheckOption = SelfCheck.AUTO,
    strength: StrengthOption = True,
    mutants: MutantsOption = 8,
    kill_threshold: KillThresholdOption = 0.75,
    strength_budget: StrengthBudgetOption = 90.0,
    samples_per_task: Annotated[int, typer.Option("--samples-per-task", min=1, help="n for pass@k.")] = 1,
    jobs: Annotated[
        int | None, typer.Option("-j", "--jobs", min=1, help="Workers; default: all cores.")
    ] = None,
    db: Annotated[Path, typer.Option("--db", dir_okay=False, help="The records database.")] = Path(
        "veriassist.db"
    ),
    run: Annotated[str | None, typer.Option("--run", help="Run name; an existing name resumes it.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    junit: Annotated[
        Path | None,
        typer.Option("--junit", dir_okay=False, help="Also write JUnit XML here: one testcase per sample."),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Simulation time limit, seconds.")] = 30.0,
    no_sandbox: Annotated[
        bool, typer.Option("--no-sandbox", help="Run without the sandbox (Landlock or bubblewrap).")
    ] = False,
    executor: Annotated[ExecutorChoice, typer.Option("--executor")] = ExecutorChoice.LOCAL,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="Only the first K problems.")] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Only these task ids (repeat, or comma-separate).")
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category", help="CVDP: only these categories, e.g. cid003 (repeat, or comma-separate)."
        ),
    ] = None,
    tier: Annotated[
        list[str] | None,
        typer.Option("--tier", help="designs/: only these tiers, e.g. hard (repeat, or comma-separate)."),
    ] = None,
    difficulty: Annotated[
        list[str] | None,
        typer.Option("--difficulty", help="CVDP: only these difficulties: easy, medium, hard."),
    ] = None,
    audit: Annotated[
        bool,
        typer.Option(
            "--audit", help="Audit the problems first (as `suites audit`); show and record their flags."
        ),
    ] = False,
    audit_alias: Annotated[bool, typer.Option("--lint", hidden=True)] = False,  # --audit's old name
    exclude_flagged: Annotated[
        Severity | None,
        typer.Option(
            "--exclude-flagged",
            help="Audit, then score only problems without findings of this severity or worse.",
        ),
    ] = None,
    formal: Annotated[
        str,
        typer.Option(
            "--formal",
            help="A formal verdict per sample against the reference (Yosys): off, on, or auto (when installed).",
        ),
    ] = "auto",
) -> None:
    """Score a suite and record every sample. Ctrl-C or SIGTERM stops; the same --run resumes.

    Exit status: 0 the run completed (whatever the pass rate), 1 it failed,
    2 usage, suite or database error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
    """
    import os
    import sqlite3

    from veriassist.eval.bench import BenchError, BenchInterrupted, BenchRequest
    from veriassist.eval.store import StoreError
    from veriassist.toolchain import ctrl_c
    from veriassist.toolchain.runner import ToolMissing

    given = {"reference": reference, "samples": samples is not None, "model": model is not None}
    modes = [name for name, chosen in given.items() if chosen]
    if len(modes) != 1:
        raise usage_error("choose exactly one of --reference, --samples FILE or --model SPEC", "bench")
    check_seconds(timeout, "--timeout", "bench")
    if formal not in ("off", "auto", "on"):
        raise usage_error(f"--formal {formal}: expected off, auto or on", "bench")
    if feedback not in (FeedbackMode.OWN_TESTBENCH, FeedbackMode.GOLDEN):
        raise usage_error(f"--feedback takes own-testbench or golden, not {feedback.value}", "bench")
    if not db.parent.is_dir():  # sqlite would only say "unable to open database file"
        raise usage_error(f"--db {db}: the directory {db.parent} does not exist", "bench")
    if junit is not None and not junit.parent.is_dir():  # found out before the run, not after it
        raise usage_error(f"--junit {junit}: the directory {junit.parent} does not exist", "bench")
    request = BenchRequest(
        suite_path=suite_path,
        mode=modes[0],  # type: ignore[arg-type]  # one of the three names above
        format=format,
        task=task,
        samples_path=samples,
        model=model,
        base_url=base_url,
        stand_in=stand_in,
        iterations=iterations,
        strategy=strategy,
        feedback=feedback,
        self_check=self_check,
        strength=strength_settings(strength, mutants, kill_threshold, strength_budget),
        samples_per_task=samples_per_task,
        jobs=jobs or os.cpu_count() or 1,
        db=db,
        run_name=run,
        timeout_s=timeout,
        sandbox=not no_sandbox,
        executor=executor.value,
        scheduler=scheduler,
        limit=limit,
        only=tuple(t.strip() for item in only or () for t in item.split(",") if t.strip()),
        categories=tuple(t.strip() for item in category or () for t in item.split(",") if t.strip()),
        difficulties=tuple(t.strip() for item in difficulty or () for t in item.split(",") if t.strip()),
        tiers=tuple(t.strip() for item in tier or () for t in item.split(",") if t.strip()),
        lint=audit or audit_alias,
        exclude_flagged=exclude_flagged,
        formal=formal,
    )
    quiet = as_json or not sys.stdout.isatty()
    try:
        # SIGTERM (`kill`, a job scheduler, `docker stop`) stops the run the way Ctrl-C does.
        with ctrl_c.sigterm_interrupts():
            result = _run(request, quiet)
    except (BenchError, StoreError, ToolMissing) as error:
        raise usage_error(str(error), "bench") from None
    except sqlite3.Error as error:
        raise usage_error(f"--db {db}: {error}", "bench") from None
    except BenchInterrupted as stop:
        terminated = ctrl_c.last_signal() == "SIGTERM"
        how = "terminated (SIGTERM)" if terminated else "interrupted"
        typer.echo(f"veriassist bench: {how}; resume with --run {stop.run_name}", err=True)
        raise typer.Exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED) from None
    except KeyboardInterrupt:  # before any work was recorded
        terminated = ctrl_c.last_signal() == "SIGTERM"
        typer.echo(f"veriassist bench: {'terminated (SIGTERM)' if terminated else 'interrupted'}", err=True)
        raise typer.Exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED) from None
    except Exception as error:
        raise run_error(f"the run failed: {type(error).__name__}: {error}", "bench") from None
    if junit is not None:
        from veriassist.eval.junit import cases_from_records, write_junit

        suite = Path(result.run.suite_path).name or result.run.suite_path
        try:
            write_junit(junit, suite, cases_from_records(suite, result.records))
        except OSError as error:
            raise run_error(f"--junit {junit}: {error.strerror or error}", "bench") from None
        typer.echo(f"wrote JUnit XML for {len(result.records)} samples to {junit}", err=True)
    if as_json:
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        _print(result, request)


def _run(request: BenchRequest, quiet: bool) -> BenchResult:
    from veriassist.eval.bench import run_bench

    if quiet:
        return run_bench(request)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "ETA",
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task_id = bar.add_task(f"bench {request.mode}", total=None)

        def update(finished: int, total: int) -> None:
            bar.update(task_id, completed=finished, total=total)

        return run_bench(request, progress=update)


def _rate(value: Fraction, problems: Sequence[ProblemStats] | None = None) -> dict[str, Any]:
    """A rate as JSON: "mean" is the exact (reduced) mean over problems; with `problems` (pass@1),
    "fraction" is passed samples / samples as counted, never reduced (35/105, not 1/3)."""
    from veriassist.eval.metrics import sample_counts

    rate: dict[str, Any] = {"value": float(value), "mean": f"{value.numerator}/{value.denominator}"}
    if problems is not None:
        passed, samples = sample_counts(problems)
        rate |= {"passed": passed, "samples": samples, "fraction": f"{passed}/{samples}"}
    return rate


def _audit_json(result: BenchResult) -> dict[str, Any] | None:
    """Both pass@1 figures, each problem's flags and findings, and what was left out.

    Under the key "lint" in `--json`, as the records name it (`lint_flags`), so scripts keep working.
    """
    if not result.lint:
        return None
    from veriassist.suites.audit import lint_flags

    metrics = result.metrics
    scored = {p.task_id for p in metrics.problems}
    flagged = [p for p in metrics.problems if p.flagged]
    clean = [p for p in metrics.problems if not p.flagged]
    unflagged = metrics.pass_at_1 if not flagged and metrics.problems else metrics.pass_at_1_unflagged
    return {
        "exclude_flagged": result.run.settings.get("exclude_flagged"),
        "pass_at_1_all": _rate(metrics.pass_at_1, metrics.problems) if metrics.problems else None,
        "pass_at_1_unflagged": None if unflagged is None else _rate(unflagged, clean),
        "problems_scored": len(scored),
        "problems_flagged": len(flagged),
        "excluded": list(result.excluded),
        "problems": {
            task: {
                "flags": list(lint_flags(findings)),
                "scored": task in scored,
                "findings": [f.to_json() for f in findings],
            }
            for task, findings in result.lint.items()
        },
    }


def _cvdp_json(result: BenchResult) -> dict[str, Any] | None:
    """CVDP's own (biased) pass@k, for CVDP runs only: 1-(1-c/n)^k averaged over problems."""
    if result.run.suite_format != "cvdp":
        return None
    from veriassist.eval.metrics import cvdp_pass_at

    return {str(k): _rate(v) for k, v in sorted(cvdp_pass_at(result.metrics.problems).items())}


def _formal_json(result: BenchResult) -> dict[str, Any] | None:
    """Pass rates by the testbench alone and by testbench-and-not-disproved, and where they disagree."""
    from veriassist.eval.bench import formal_summary

    summary = formal_summary(result.records)
    if summary is None:
        return None
    total = max(summary.samples, 1)
    return {
        "checked": summary.checked,
        "statuses": summary.statuses,
        "pass_rate_testbench": {
            "passed": summary.passed,
            "samples": summary.samples,
            "value": summary.passed / total,
        },
        "pass_rate_not_disproved": {
            "passed": summary.passed_not_disproved,
            "samples": summary.samples,
            "value": summary.passed_not_disproved / total,
        },
        "disagreements": [
            {
                "task_id": r.task_id,
                "sample": r.sample,
                "testbench": "passed" if r.passed else r.kind.value,
                "formal": r.formal.status.value if r.formal else None,
                "summary": r.formal.summary if r.formal else "",
            }
            for r in summary.disagreements
        ],
    }


def to_json(result: BenchResult) -> dict[str, Any]:
    """The `--json` object: run, totals, pass@k, the lint (when run) and one entry per sample."""
    from veriassist.eval.bench import summary_of

    records = result.records
    return {
        "run": result.run.name,
        "status": result.run.status.value,
        "suite": {"path": result.run.suite_path, "format": result.run.suite_format},
        "model": result.run.model,
        "model_kind": result.run.model_kind,
        "stand_in": result.run.stand_in,
        "totals": {
            "samples": len(records),
            "passed": sum(1 for r in records if r.passed),
            "failed": sum(1 for r in records if not r.passed),
            "resumed": result.skipped,
            "kinds": dict(Counter(r.kind.value for r in records).most_common()),
        },
        "pass_at_k": {
            str(k): _rate(v, result.metrics.problems if k == 1 else None)
            for k, v in sorted(result.metrics.pass_at.items())
        },
        "cvdp_biased_pass_at_k": _cvdp_json(result),
        "lint": _audit_json(result),
        "formal": _formal_json(result),
        "results": [
            {
                "task_id": r.task_id,
                "sample": r.sample,
                "passed": r.passed,
                "verdict": r.kind.value,
                "summary": summary_of(r),
                "lint_flags": None if r.lint_flags is None else list(r.lint_flags),
                "formal": None if r.formal is None else r.formal.to_json(),
            }
            for r in records
        ],
        "notes": list(result.notes),
    }


def _print_cvdp_pass_at(result: BenchResult) -> None:
    """CVDP's own, biased pass@k beside ours, labelled, for comparing with published CVDP numbers."""
    from veriassist.eval.metrics import cvdp_pass_at, percent

    biased = cvdp_pass_at(result.metrics.problems)
    if any(k > 1 for k in biased):
        figures = ", ".join(f"pass@{k} {percent(v)}" for k, v in sorted(biased.items()))
        typer.echo(f"CVDP's biased estimate 1-(1-c/n)^k, as its scripts report it: {figures}")


def _print(result: BenchResult, request: BenchRequest) -> None:
    from veriassist.eval.bench import summary_of
    from veriassist.eval.metrics import percent

    records = result.records
    passed = sum(1 for r in records if r.passed)
    model = f"{result.run.model} (STAND-IN)" if result.run.stand_in else result.run.model
    typer.echo(f"run {result.run.name}: {model} on {result.run.suite_path} ({result.run.suite_format})")
    _print_formal(result, disagreements=True)
    resumed = f" ({result.skipped} from before the resume)" if result.skipped else ""
    typer.echo(f"{passed}/{len(records)} samples passed{resumed}")
    for k, value in sorted(result.metrics.pass_at.items()):
        # The counts, never the reduced mean: 35/105 read as "(1/3)" looked like 1 pass in 3 samples.
        over = f"mean over {result.metrics.n_problems} problems"
        counts = f"; {result.metrics.n_passed}/{result.metrics.n_samples} samples passed" if k == 1 else ""
        typer.echo(f"pass@{k}: {percent(value)} ({over}{counts})")
    if result.run.suite_format == "cvdp":
        _print_cvdp_pass_at(result)
    if result.lint:
        _print_audit(result)
    _print_formal(result, disagreements=False)
    failures = Counter(r.kind.value for r in records if not r.passed)
    if failures:
        typer.echo("failures: " + ", ".join(f"{kind} {count}" for kind, count in failures.most_common()))
    failing = [r for r in records if not r.passed]
    if request.mode == "reference" and failing:
        typer.echo("references that fail here:")
        for r in failing:
            typer.echo(f"  {r.task_id} ({r.kind.value}): {summary_of(r)}")
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"details: veriassist runs show {result.run.name} --db {request.db}")


def _print_formal(result: BenchResult, *, disagreements: bool) -> None:
    """The disagreements (printed first: a pass that a proof contradicts is the most important line), or the rates."""
    from veriassist.eval.bench import formal_summary

    summary = formal_summary(result.records)
    if summary is None:
        return
    if not disagreements:
        total = max(summary.samples, 1)
        statuses = ", ".join(f"{status} {count}" for status, count in sorted(summary.statuses.items()))
        typer.echo(
            f"formal ({summary.checked} samples checked: {statuses}): pass rate by testbench "
            f"{summary.passed}/{summary.samples} ({100 * summary.passed / total:.1f}%), "
            f"by testbench and not disproved {summary.passed_not_disproved}/{summary.samples} "
            f"({100 * summary.passed_not_disproved / total:.1f}%)"
        )
        return
    for r in summary.contradicted:
        typer.echo(
            f"A PASS THAT A PROOF CONTRADICTS: {r.task_id}/{r.sample}: the testbench passes it; formal: "
            f"{r.formal.summary if r.formal else ''}"
        )
    for r in summary.proved_but_failed:
        typer.echo(f"proved equivalent but failed the testbench: {r.task_id}/{r.sample} ({r.kind.value})")


def _print_audit(result: BenchResult) -> None:
    """Both pass@1 figures, so a quoted number can say which it is, then each flagged problem."""
    from veriassist.eval.metrics import percent

    audit = _audit_json(result)
    assert audit is not None
    metrics = result.metrics
    scored, flagged = audit["problems_scored"], audit["problems_flagged"]
    excluded = len(result.excluded)
    left_out = f", {excluded} excluded as flagged {audit['exclude_flagged']}" if excluded else ""
    typer.echo(f"audit: {flagged} of {scored} scored problems flagged{left_out}")
    if metrics.problems:
        typer.echo(f"pass@1 over all {scored} scored problems: {percent(metrics.pass_at_1)}")
        if audit["pass_at_1_unflagged"] is None:
            typer.echo("pass@1 without flagged problems: none left (every scored problem is flagged)")
        else:
            unflagged = Fraction(audit["pass_at_1_unflagged"]["mean"])
            typer.echo(f"pass@1 without flagged problems ({scored - flagged}): {percent(unflagged)}")
    for task, entry in audit["problems"].items():
        if not entry["flags"]:
            continue
        if not entry["scored"]:  # why is in the notes below
            typer.echo(f"  {task} [excluded]: {', '.join(entry['flags'])}")
            continue
        typer.echo(f"  {task}: {', '.join(entry['flags'])}")
        for finding in entry["findings"]:
            typer.echo(f"    {finding['severity']} {finding['check']}: {finding['message']}")
