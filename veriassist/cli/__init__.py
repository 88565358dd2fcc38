"""The `veriassist` command: a thin shell over the pipeline's stages.

Imports of heavy modules (pyslang, langchain, the store) happen inside each
command, so `veriassist --help` and a single `check` start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from veriassist.cli.bench import bench_command
from veriassist.cli.errors import (
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_PASS,
    EXIT_USAGE,
    PREFIX,
    check_seconds,
    usage_error,
)
from veriassist.cli.generate import generate_command
from veriassist.cli.runs import report_command, runs_app
from veriassist.cli.suites import audit_command

app = typer.Typer(
    name="veriassist",
    help="Spec to working Verilog: an LLM writes RTL and its own testbench; Icarus Verilog checks it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
suites_app = typer.Typer(
    help="Benchmark suites: list problems, audit them for broken ones.", no_args_is_help=True
)
app.add_typer(suites_app, name="suites")


def _version(value: bool) -> None:
    if not value:
        return
    import shutil
    import subprocess

    from veriassist import __version__

    typer.echo(f"veriassist {__version__}")
    if shutil.which("iverilog"):
        done = subprocess.run(["iverilog", "-V"], capture_output=True, text=True, timeout=10, check=False)
        first = (done.stdout or done.stderr).splitlines()[:1]
        if first:  # `Icarus Verilog version 11.0 (stable) ()`: the empty parens are an unset build tag
            typer.echo(first[0].replace(" ()", "").strip())
    else:
        typer.echo("Icarus Verilog: not found on PATH")
    raise typer.Exit(EXIT_PASS)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the versions and exit."),
    ] = False,
) -> None:
    """Spec to working Verilog: an LLM writes RTL and its own testbench; Icarus Verilog checks it."""


@app.command()
def check(
    candidate: Annotated[
        list[Path],
        typer.Argument(help="Candidate RTL file(s), or a design folder (design.toml) to check its own."),
    ],
    tb: Annotated[
        Path | None,
        typer.Option(
            "--tb",
            help="Testbench: Verilog (.v/.sv) or cocotb (.py), or a design folder (its testbench and reference).",
        ),
    ] = None,
    ref: Annotated[
        Path | None, typer.Option("--ref", help="Reference RTL the testbench compares against.")
    ] = None,
    top: Annotated[
        str | None, typer.Option("--top", help="The design's top module (default: guessed).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Simulation time limit, seconds.")] = 30.0,
    no_sandbox: Annotated[
        bool, typer.Option("--no-sandbox", help="Run without the sandbox (Landlock or bubblewrap).")
    ] = False,
    junit: Annotated[
        Path | None, typer.Option("--junit", dir_okay=False, help="Also write the verdict as JUnit XML here.")
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep",
            file_okay=False,
            help="Keep the waveform (VCD) and sources in this folder, for GTKWave/Surfer.",
        ),
    ] = None,
    formal: Annotated[
        str,
        typer.Option(
            "--formal",
            help="Formal equivalence with the reference (Yosys): off, on, or auto (with --ref, when installed).",
        ),
    ] = "auto",
) -> None:
    """Compile and simulate CANDIDATE against a testbench; print the verdict and the model's feedback.

    Exit status: 0 pass, 1 fail, 2 usage or tool error.
    """
    from veriassist.check.checker import CheckOptions
    from veriassist.check.equivalence import FormalOptions, formal_check, yosys_installed
    from veriassist.check.feedback import render_feedback
    from veriassist.check.inputs import InputError, load_candidate, load_testbench, unbound_modules
    from veriassist.check.reference_counts import ReferenceCounts, check_counted
    from veriassist.toolchain.runner import ToolMissing
    from veriassist.toolchain.sandbox import Sandbox

    check_seconds(timeout, "--timeout")
    if formal not in ("off", "auto", "on"):
        raise usage_error(f"--formal {formal}: expected off, auto or on")
    for path, option in ((junit, "--junit"), (keep, "--keep")):
        if path is not None and not path.parent.is_dir():  # known before simulating, not after
            raise usage_error(f"{option} {path}: the directory {path.parent} does not exist")
    if keep is not None and keep.exists() and not keep.is_dir():
        raise usage_error(f"--keep {keep}: not a folder")
    candidate, tb, ref, top = _design_folders(candidate, tb, ref, top)
    try:
        backend = Sandbox(not no_sandbox).backend  # the walls the checker will put up
        testbench = load_testbench(tb, ref, top)
        design = load_candidate(candidate, top, testbench)
        unbound = unbound_modules(design, testbench)
        if unbound:  # the compiler would blame the design for what is missing from the command
            names = ", ".join(f"`{m}`" for m in unbound)
            hint = " (the reference: pass it with --ref)" if ref is None else ""
            raise InputError(f"the testbench instantiates {names}, which no file given defines{hint}")
        options = CheckOptions(timeout_s=timeout, sandbox=not no_sandbox, keep_workdir=keep is not None)
        # With --ref, the reference runs first: the design must compare as many samples as it does.
        result = check_counted(design, testbench, options, ReferenceCounts())
        # auto: only with a reference and Yosys installed; on: always, an unknown verdict says why not.
        skip = formal == "auto" and (testbench.reference is None or not yosys_installed())
        formal_options = FormalOptions(sandbox=not no_sandbox)
        proof = None if formal == "off" or skip else formal_check(design, testbench, formal_options)
    except (InputError, ToolMissing, ValueError) as error:  # ValueError: a bad VERIASSIST_SANDBOX
        raise usage_error(str(error)) from None
    feedback = render_feedback(result, design)
    kept = _keep_workdir(result.workdir, keep) if keep is not None else None
    if junit is not None:
        _check_junit(junit, result, design, feedback, [str(p) for p in candidate])
    if as_json:
        payload = {
            "passed": result.passed,
            "verdict": result.kind.value,
            "verilogeval_code": result.kind.code,
            "top": design.top,
            "summary": result.summary,
            "diagnostics": [
                {
                    "file": d.file,
                    "line": d.line,
                    "column": d.column,
                    "severity": d.severity.value,
                    "message": d.message,
                }
                for d in result.diagnostics
            ],
            "mismatches": {
                m.output: {"count": m.count, "first_time": m.first_time} for m in result.mismatches
            },
            "total_mismatches": result.total_mismatches,
            "samples": result.samples,
            "first_mismatch_time": result.first_mismatch_time,
            "tests": [{"name": t.name, "passed": t.passed, "message": t.message} for t in result.tests],
            "rejections": list(result.rejections),
            "warnings": list(result.warnings),  # outputs the testbench leaves unchecked (a pass stands)
            "sandboxed": result.sandboxed,
            "sandbox": backend if result.sandboxed else "none",
            "feedback": feedback,
            "timings": result.timings,
            "formal": None if proof is None else proof.to_json(),
            "kept": None if kept is None else {"dir": str(kept[0]), "waveforms": [str(w) for w in kept[1]]},
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo(feedback.rstrip())
        if proof is not None:
            typer.echo(f"\nformal: {proof.summary}" + (f"\n{proof.table.rstrip()}" if proof.table else ""))
        if kept is not None:
            folder, waves = kept
            if waves:
                shown = " ".join(str(w) for w in waves)
                typer.echo(f"\nwaveform kept: {shown} (open with gtkwave or surfer); sources in {folder}")
            else:
                typer.echo(
                    f"\nno waveform was dumped (the design did not simulate); sources kept in {folder}"
                )
        if not result.sandboxed:
            typer.echo("(ran without a sandbox)", err=True)
    raise typer.Exit(EXIT_PASS if result.passed else EXIT_FAIL)


def _design_folders(
    candidate: list[Path], tb: Path | None, ref: Path | None, top: str | None
) -> tuple[list[Path], Path, Path | None, str | None]:
    """Read a design folder (design.toml) given as `--tb`, or as the only CANDIDATE without `--tb`,
    as its testbench, reference and top; a lone folder checks its own reference.sv."""
    from veriassist.suites.base import SuiteError
    from veriassist.suites.designs import MANIFEST, design_folders, load

    folder = tb if tb is not None and tb.is_dir() else None
    if tb is None and len(candidate) == 1 and candidate[0].is_dir():
        folder = candidate[0]
    if folder is None:
        if tb is None:
            raise usage_error("give the testbench with --tb (a file, or a design folder)")
        for path in candidate:
            if path.is_dir():
                raise usage_error(f"{path} is a folder: give the candidate's Verilog files")
        return candidate, tb, ref, top
    if design_folders(folder) != [folder]:
        raise usage_error(f"{folder} is not a design folder: it has no {MANIFEST}")
    try:
        (problem,) = load(folder).problems
    except SuiteError as error:
        raise usage_error(str(error)) from None
    own = folder / "reference.sv"
    tb_file = next((p for p in (folder / "testbench.sv", folder / "testbench.v") if p.is_file()), None)
    if tb_file is None:
        raise usage_error(f"{folder}: no testbench.sv")
    files = [own] if candidate == [folder] else candidate
    return files, tb_file, ref or (own if own.is_file() else None), top or problem.top


def _keep_workdir(workdir: Path | None, keep: Path) -> tuple[Path, list[Path]]:
    """Move what the check left (sources, VCD) into `keep`; the work dir itself is removed."""
    import shutil

    folder = keep.resolve()
    folder.mkdir(exist_ok=True)
    if workdir is None:
        return folder, []
    try:
        shutil.copytree(workdir, folder, symlinks=True, dirs_exist_ok=True)
    except OSError as error:
        raise usage_error(f"--keep {keep}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    waves = sorted(p for pattern in ("*.vcd", "*.fst") for p in folder.rglob(pattern) if p.is_file())
    return folder, waves


def _check_junit(path: Path, result: Any, design: Any, feedback: str, files: list[str]) -> None:
    from veriassist.eval.junit import JUnitCase, headline, write_junit

    case = JUnitCase(
        classname=f"check/{design.top}",
        name=" ".join(files),
        passed=result.passed,
        kind=result.kind.value,
        message="" if result.passed else headline(feedback, result.summary),
        body=feedback,
        seconds=float(result.timings.get("total", sum(result.timings.values()))),
    )
    try:
        write_junit(path, "check", [case])
    except OSError as error:
        raise usage_error(f"--junit {path}: {error.strerror or error}") from None


@suites_app.command("show")
def suites_show(
    path: Annotated[Path, typer.Argument(help="Suite directory (or VerilogEval v1 .jsonl file).")],
    format: Annotated[str | None, typer.Option("--format", help="Force a format.")] = None,
    task: Annotated[str | None, typer.Option("--task", help="Dataset within the suite.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the problems found in a suite, and anything missing or odd."""
    from veriassist.suites import SuiteError, load_suite

    try:
        suite = load_suite(path, format=format, task=task)
    except SuiteError as error:
        raise usage_error(str(error)) from None
    rows = [
        {
            "task_id": p.task_id,
            "top": p.top,
            "style": p.testbench.style.value if p.testbench else None,
            "reference": p.reference is not None,
            "notes": list(p.notes),
        }
        for p in suite.problems
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {"name": suite.name, "format": suite.format, "problems": rows, "notes": list(suite.notes)}
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{suite.name} ({suite.format}): {len(rows)} problems")
    for column in ("task_id", "top", "style", "reference", "notes"):
        table.add_column(column)
    for p in suite.problems:
        style = p.testbench.style.value if p.testbench else "-"
        table.add_row(p.task_id, p.top, style, "yes" if p.reference else "no", "; ".join(p.notes))
    console = Console()
    console.print(table)
    for note in suite.notes:
        console.print(f"note: {note}")


# The other commands live in their own modules; like those above, each keeps its heavy imports
# (pyslang, LangChain, the store, the servers) inside its body, so `veriassist --help` loads none.
suites_app.command("audit")(audit_command)
suites_app.command("lint", hidden=True)(audit_command)  # the audit's old name, kept for scripts
app.command("bench")(bench_command)
app.add_typer(runs_app, name="runs")
app.command("report")(report_command)
app.command("generate")(generate_command)


# The servers import pygls / the mcp SDK (about a second); load them only when asked for.
@app.command("lsp")
def _lsp_command(stdio: Annotated[bool, typer.Option("--stdio", hidden=True)] = False) -> None:
    """Language server on stdio for VS Code, Neovim, Emacs: diagnostics, generate, fix, check."""
    from veriassist.servers.lsp import lsp_command

    lsp_command(stdio)


@app.command("mcp")
def _mcp_command() -> None:
    """MCP server on stdio for coding agents: check, simulate, lint, generate, fix, benchmark."""
    from veriassist.servers.mcp import mcp_command

    mcp_command()


def main() -> None:
    # typer 0.28 vendors click as typer._click: its errors are caught here to print our prefix.
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("veriassist: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except NoArgsIsHelpError as error:  # `veriassist runs`: the help is the answer
        error.show()
        sys.exit(EXIT_USAGE)
    except UsageError as error:  # a bad option or argument: the same prefix as our own errors
        where = f"; see `{error.ctx.command_path} --help`" if error.ctx else ""
        typer.echo(f"{PREFIX} {error.format_message().rstrip('.')}{where}", err=True)
        sys.exit(EXIT_USAGE)
    except ClickException as error:
        typer.echo(f"{PREFIX} {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
