"""`veriassist generate`: one spec in, a design and its testbench out, with the simulator in the loop."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from veriassist.types import Problem


def generate_command(
    spec: Annotated[str, typer.Argument(help="Spec file, a design folder from designs/, or - for stdin.")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Directory for the RTL, testbench and transcript.")
    ],
    top: Annotated[
        str | None, typer.Option("--top", help="Top module name (default: from the spec).")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="provider:name, replay:DIR, manual, scripted:FILE.")
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    iterations: Annotated[int, typer.Option("--iterations", min=1)] = 5,
    strategy: Annotated[
        str, typer.Option("--strategy", help="veriassist | zero-shot | compile-only")
    ] = "veriassist",
    feedback: Annotated[str, typer.Option("--feedback", help="own-testbench | golden")] = "own-testbench",
    temperature: Annotated[float | None, typer.Option("--temperature")] = None,
    record: Annotated[Path | None, typer.Option("--record", help="Write every model exchange here.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the reply cache.")] = False,
    no_sandbox: Annotated[bool, typer.Option("--no-sandbox")] = False,
    stand_in: Annotated[
        bool,
        typer.Option(
            "--stand-in", help="Mark the records as made by a test stand-in (e.g. a scripted server)."
        ),
    ] = False,
) -> None:
    """Generate RTL and a cocotb testbench from SPEC, self-verify, simulate and self-correct.

    Exit status: 0 the design passes its tests (golden when present, else its own), 1 it does not,
    2 usage or provider error.
    """
    from veriassist.agent.loop import run_loop
    from veriassist.agent.outcome import LoopSettings
    from veriassist.check.checker import CheckOptions
    from veriassist.models import ModelError, make_model, resolve_settings

    if strategy not in ("veriassist", "zero-shot", "compile-only") or feedback not in (
        "own-testbench",
        "golden",
    ):
        raise _usage("--strategy must be veriassist|zero-shot|compile-only; --feedback own-testbench|golden")
    problem = _load_problem(spec, top)
    overrides = {"model": model, "base_url": base_url, "temperature": temperature, "record_dir": record}
    if no_cache:
        overrides["no_cache"] = True
    if stand_in:
        overrides["stand_in"] = True  # the model marks its completions and recordings too
    try:
        chat = make_model(resolve_settings(overrides))
    except ModelError as error:
        raise _usage(str(error)) from None
    settings = LoopSettings(
        iterations=iterations,
        strategy=strategy,  # type: ignore[arg-type]
        feedback=feedback,  # type: ignore[arg-type]
        check=CheckOptions(sandbox=not no_sandbox),
    )
    started = time.monotonic()

    def step(message: str) -> None:
        typer.echo(f"[{time.monotonic() - started:6.1f}s] {message}", err=True)

    try:
        outcome = run_loop(problem, chat, settings, on_step=step)
    except ModelError as error:
        raise _usage(str(error)) from None
    if not outcome.iterations and outcome.stop_reason.startswith("model-error"):
        # No iteration finished (the provider failed first): an error, not a verdict on a design.
        raise _usage(outcome.stop_reason.removeprefix("model-error: "))
    stand_in_run = stand_in or chat.is_stand_in
    _write_outputs(out, problem, outcome, chat.describe(), chat.kind, stand_in_run)
    verdict = "PASSED" if outcome.passed else "FAILED"
    typer.echo(
        f"{verdict} ({outcome.judged_by} verdict: {outcome.kind.value}) after {len(outcome.iterations)} iteration(s); "
        f"stopped: {outcome.stop_reason}; tokens {outcome.tokens_in}+{outcome.tokens_out}; wrote {out}/"
    )
    if stand_in_run:
        typer.echo("note: the model was a test stand-in; this is not a model's result", err=True)
    raise typer.Exit(0 if outcome.passed else 1)


def _usage(message: str) -> typer.Exit:
    typer.echo(f"veriassist: error: {message}", err=True)
    return typer.Exit(2)


def _load_problem(spec: str, top: str | None) -> Problem:
    from veriassist.spec import spec_interface
    from veriassist.suites import SuiteError, load_suite

    if spec == "-":
        text, name = sys.stdin.read(), "stdin"
    else:
        path = Path(spec)
        if path.is_dir() and (path / "design.toml").is_file():
            try:
                problem = load_suite(path.parent, format="designs").get(path.name)
            except (SuiteError, KeyError) as error:
                raise _usage(f"cannot load design {path}: {error}") from None
            return problem
        if not path.is_file():
            raise _usage(f"no spec at {path}: give a spec file, a design folder, or - for stdin")
        text, name = path.read_text(), path.stem
    found = spec_interface(text)
    top = top or (found.module if found and found.module else None)
    if not top:
        raise _usage("the spec does not name the top module: pass --top NAME")
    return Problem(task_id=name, spec=text, top=top)


def _write_outputs(out: Path, problem: Problem, outcome, model: str, kind: str, stand_in: bool) -> None:  # type: ignore[no-untyped-def]
    out.mkdir(parents=True, exist_ok=True)
    if outcome.rtl:
        (out / f"{problem.top}.sv").write_text(outcome.rtl)
    if outcome.testbench:
        (out / f"test_{problem.top}.py").write_text(outcome.testbench)
    lines = [f"# VeriAssist transcript: {problem.task_id}", "", f"- model: {model} ({kind})"]
    if stand_in:
        lines.append("- **test stand-in: not a model's result**")
    lines += [
        f"- result: {'passed' if outcome.passed else 'failed'} ({outcome.judged_by}: {outcome.kind.value})",
        f"- stopped: {outcome.stop_reason}",
        "",
    ]
    for message in outcome.transcript:
        lines += [f"## {message.role}", "", message.content.strip(), ""]
    lines += ["## iterations", ""]
    for it in outcome.iterations:
        own = it.own_kind.value if it.own_kind else "-"
        golden = it.golden_kind.value if it.golden_kind else "-"
        lines.append(
            f"- iteration {it.iteration}: own check {own}; golden {golden}; tokens {it.tokens_in}+{it.tokens_out}"
        )
    (out / "transcript.md").write_text("\n".join(lines) + "\n")
    summary = {
        "task_id": problem.task_id,
        "top": problem.top,
        "passed": outcome.passed,
        "verdict": outcome.kind.value,
        "judged_by": outcome.judged_by,
        "stop_reason": outcome.stop_reason,
        "model": model,
        "model_kind": kind,
        "stand_in": stand_in,
        "tokens_in": outcome.tokens_in,
        "tokens_out": outcome.tokens_out,
        "cost_usd": outcome.cost,
        "elapsed_s": outcome.elapsed_s,
        "iterations": [
            {
                "iteration": it.iteration,
                "own_kind": it.own_kind.value if it.own_kind else None,
                "golden_kind": it.golden_kind.value if it.golden_kind else None,
                "tokens_in": it.tokens_in,
                "tokens_out": it.tokens_out,
            }
            for it in outcome.iterations
        ],
    }
    (out / "outcome.json").write_text(json.dumps(summary, indent=2) + "\n")
