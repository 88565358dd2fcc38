"""`veriassist suites audit` (formerly `suites lint`): find benchmark problems whose scores would
measure the suite rather than the design."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from veriassist.cli.errors import EXIT_FAIL, EXIT_PASS, usage_error


def _progress_on_stderr(quiet: bool) -> Callable[[int, int], None] | None:
    """`audited 12/156` on stderr as problems finish, so a long audit is not silent; stdout stays clean."""
    if quiet and not sys.stderr.isatty():
        return None
    last = [-1]

    def report(done: int, total: int) -> None:
        if done == last[0]:
            return
        last[0] = done
        end = "\n" if done >= total else ("\r" if sys.stderr.isatty() else "\n")
        sys.stderr.write(f"veriassist: audited {done}/{total} problems{end}")
        sys.stderr.flush()

    return report


def audit_command(
    path: Annotated[Path, typer.Argument(help="Suite directory (or VerilogEval v1 .jsonl file).")],
    format: Annotated[str | None, typer.Option("--format", help="Force a format.")] = None,
    task: Annotated[str | None, typer.Option("--task", help="Dataset within the suite.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    jobs: Annotated[
        int, typer.Option("-j", "--jobs", min=0, help="Problems audited at once (0: one per core).")
    ] = 0,
    mutants: Annotated[
        int, typer.Option("--mutants", min=0, help="Mutants of each reference to try, at most.")
    ] = 4,
    all_mutants: Annotated[
        bool,
        typer.Option(
            "--all-mutants", help="Run every mutant, to measure the kill ratio (default: stop at a kill)."
        ),
    ] = False,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Flag outputs whose reference is known in fewer samples.")
    ] = 0.5,
    no_simulate: Annotated[bool, typer.Option("--no-simulate", help="Interface checks only.")] = False,
    no_sandbox: Annotated[
        bool, typer.Option("--no-sandbox", help="Run without the sandbox (Landlock or bubblewrap).")
    ] = False,
    formal: Annotated[
        str,
        typer.Option(
            "--formal",
            help="Prove designs that pass the testbench against the reference with Yosys: auto (when "
            "installed), on (required; every mutant runs), off.",
        ),
    ] = "auto",
) -> None:
    """Check every problem of a suite: interfaces, reference health, checking strength, mutants.

    Exit status: 0 no error-severity findings, 1 some, 2 usage or tool error.
    """
    from veriassist.check.checker import CheckOptions
    from veriassist.check.equivalence import yosys_installed
    from veriassist.suites import SuiteError, load_suite
    from veriassist.suites.audit import FORMAL_MODES, AuditOptions, audit_problems
    from veriassist.toolchain.runner import ToolMissing
    from veriassist.types import Severity

    if not math.isfinite(threshold) or not 0 <= threshold <= 1:
        raise usage_error(f"--threshold must be a fraction between 0 and 1, not {threshold}")
    if formal not in FORMAL_MODES:
        raise usage_error(f"--formal must be one of {', '.join(FORMAL_MODES)}, not {formal}")
    if formal == "on" and not yosys_installed():
        raise usage_error("--formal on needs yosys on the PATH (use --formal auto to prove only when it is)")
    try:
        suite = load_suite(path, format=format, task=task)
        options = AuditOptions(
            threshold=threshold,
            mutants=mutants,
            all_mutants=all_mutants,
            simulate=not no_simulate,
            check=CheckOptions(waveform=False, sandbox=not no_sandbox),
            formal=formal,
            formal_options=replace(AuditOptions().formal_options, sandbox=not no_sandbox),
        )
        results = audit_problems(
            suite.problems, jobs or os.cpu_count() or 1, options, progress=_progress_on_stderr(as_json)
        )
    except (SuiteError, ToolMissing) as error:
        raise usage_error(str(error)) from None
    findings = [f for r in results for f in r.findings]
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    if as_json:
        payload = {
            "name": suite.name,
            "format": suite.format,
            "problems": [r.to_json() for r in results],
            "flagged": sum(1 for r in results if r.findings),
        }
        typer.echo(json.dumps(payload, indent=2))
        raise typer.Exit(EXIT_FAIL if errors else EXIT_PASS)
    from rich.console import Console
    from rich.table import Table

    console = Console()
    flagged = [r for r in results if r.findings]
    if flagged:
        table = Table(title=f"{suite.name} ({suite.format}): findings")
        for column in ("task_id", "severity", "check", "finding"):
            table.add_column(column, overflow="fold")
        colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
        for result in flagged:
            for f in result.findings:
                table.add_row(f.task_id, f"[{colours[f.severity]}]{f.severity.value}[/]", f.check, f.message)
        console.print(table)
    killed = sum(r.mutants_killed for r in results)
    total = sum(r.mutants_total for r in results)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    console.print(
        f"{len(results)} problems, {len(flagged)} flagged: {errors} errors, {warnings} warnings, "
        f"{len(findings) - errors - warnings} notes; mutants killed {killed}/{total}",
        highlight=False,
    )
    raise typer.Exit(EXIT_FAIL if errors else EXIT_PASS)
