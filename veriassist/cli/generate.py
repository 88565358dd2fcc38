"""`veriassist generate`: one spec in, a design and its testbench out, with the simulator in the loop."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from veriassist.cli.errors import usage_error
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
from veriassist.types import FeedbackMode, IterationRecord, Problem, SelfCheck, Strategy, feedback_shown

if TYPE_CHECKING:
    from veriassist.agent.outcome import LoopOutcome

ITERATION_LOG = "iterations.jsonl"  # in --out: one line per iteration, written as each finishes


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
    strategy: StrategyOption = Strategy.VERIASSIST,
    feedback: FeedbackOption = FeedbackMode.OWN_TESTBENCH,
    self_check: SelfCheckOption = SelfCheck.AUTO,
    strength: StrengthOption = True,
    mutants: MutantsOption = 8,
    kill_threshold: KillThresholdOption = 0.75,
    strength_budget: StrengthBudgetOption = 90.0,
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
    """Generate RTL and a cocotb testbench from SPEC, simulate, self-check and self-correct.

    Exit status: 0 the design passes its tests (golden when present, else its own), 1 it does not,
    2 usage or provider error.
    """
    from veriassist.agent.run import run_problem
    from veriassist.models import ModelError, make_model, resolve_settings

    if feedback not in (FeedbackMode.OWN_TESTBENCH, FeedbackMode.GOLDEN):
        raise usage_error(f"--feedback takes own-testbench or golden, not {feedback.value}")
    problem = _load_problem(spec, top)
    overrides = {"model": model, "base_url": base_url, "temperature": temperature, "record_dir": record}
    if no_cache:
        overrides["no_cache"] = True
    if stand_in:
        overrides["stand_in"] = True  # the model marks its completions and recordings too
    try:
        chat = make_model(resolve_settings(overrides))
    except ModelError as error:
        raise usage_error(str(error)) from None
    started = time.monotonic()

    def step(message: str) -> None:
        typer.echo(f"[{time.monotonic() - started:6.1f}s] {message}", err=True)

    try:
        outcome = run_problem(
            problem,
            chat,
            iterations=iterations,
            strategy=strategy,
            feedback=feedback,
            self_check=self_check,
            strength=strength_settings(strength, mutants, kill_threshold, strength_budget),
            sandbox=not no_sandbox,
            on_step=step,
            on_record=_iteration_log(out / ITERATION_LOG),
        )
    except ModelError as error:
        raise usage_error(str(error)) from None
    if not outcome.iterations and outcome.model_error is not None:
        # No iteration finished (the provider failed first): an error, not a verdict on a design.
        raise usage_error(outcome.model_error)
    stand_in_run = stand_in or chat.is_stand_in
    shown = feedback_shown(strategy, feedback)
    _write_outputs(out, problem, outcome, chat.describe(), chat.kind, stand_in_run, shown)
    verdict = "PASSED" if outcome.passed else "FAILED"
    typer.echo(
        f"{verdict} ({outcome.judged_by} verdict: {outcome.kind.value}) after {len(outcome.iterations)} iteration(s); "
        f"stopped: {outcome.stopped}; tokens {_tokens(outcome)}; wrote {out}/"
    )
    if stand_in_run:
        typer.echo("note: the model was a test stand-in; this is not a model's result", err=True)
    raise typer.Exit(0 if outcome.passed else 1)


def _tokens(outcome: LoopOutcome) -> str:
    counted = f"{outcome.tokens_in}+{outcome.tokens_out}"
    return f"~{counted} (estimated as chars/4)" if outcome.tokens_estimated else counted


def _iteration_log(path: Path) -> Callable[[IterationRecord], None]:
    """A sink that appends each iteration to `path` as it finishes, so a killed run keeps them."""
    path.unlink(missing_ok=True)  # this run's log, not an earlier run's

    def write(record: IterationRecord) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record.to_json()) + "\n")

    return write


def _load_problem(spec: str, top: str | None) -> Problem:
    from veriassist.spec import spec_interface
    from veriassist.suites import SuiteError, load_suite

    if spec == "-":
        text, name = sys.stdin.read(), "stdin"
    else:
        path = Path(spec)
        if path.is_dir() and (path / "design.toml").is_file():
            try:
                # The folder alone: a broken sibling design must not stop this one.
                (problem,) = load_suite(path, format="designs").problems
            except SuiteError as error:
                raise usage_error(f"cannot load design {path}: {error}") from None
            return problem
        if not path.is_file():
            raise usage_error(f"no spec at {path}: give a spec file, a design folder, or - for stdin")
        text, name = path.read_text(), path.stem
    found = spec_interface(text)
    top = top or (found.module if found and found.module else None)
    if not top:
        raise usage_error("the spec does not name the top module: pass --top NAME")
    return Problem(task_id=name, spec=text, top=top)


def _write_outputs(
    out: Path,
    problem: Problem,
    outcome: LoopOutcome,
    model: str,
    kind: str,
    stand_in: bool,
    feedback: FeedbackMode,
) -> None:
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
        f"- feedback shown to the model: {feedback}",
        f"- stopped: {outcome.stopped}",
        f"- tokens: {_tokens(outcome)}",
        "",
    ]
    for message in outcome.transcript:
        lines += [f"## {message.role}", "", message.content.strip(), ""]
    lines += ["## iterations", ""]
    for it in outcome.iterations:
        own = it.own_kind.value if it.own_kind else "-"
        golden = it.golden_kind.value if it.golden_kind else "-"
        checked = f"; self-check {it.self_check}" if it.self_check else ""
        checked += f"; mutants killed {it.kill_ratio:.0%}" if it.kill_ratio is not None else ""
        lines.append(
            f"- iteration {it.iteration}: own check {own}; golden {golden}{checked};"
            f" tokens {it.tokens_in}+{it.tokens_out}"
        )
    (out / "transcript.md").write_text("\n".join(lines) + "\n")
    summary = {
        "task_id": problem.task_id,
        "top": problem.top,
        "passed": outcome.passed,
        "verdict": outcome.kind.value,
        "judged_by": outcome.judged_by,
        "stop_reason": outcome.stop_reason,
        "feedback": feedback,
        "model_error": outcome.model_error,
        "model": model,
        "model_kind": kind,
        "stand_in": stand_in,
        "tokens_in": outcome.tokens_in,
        "tokens_out": outcome.tokens_out,
        "tokens_estimated": outcome.tokens_estimated,
        "cost_usd": outcome.cost,
        "elapsed_s": outcome.elapsed_s,
        "iterations": [
            {
                "iteration": it.iteration,
                "own_kind": it.own_kind.value if it.own_kind else None,
                "golden_kind": it.golden_kind.value if it.golden_kind else None,
                "self_check": it.self_check,
                "kill_ratio": it.kill_ratio,
                "tokens_in": it.tokens_in,
                "tokens_out": it.tokens_out,
            }
            for it in outcome.iterations
        ],
    }
    (out / "outcome.json").write_text(json.dumps(summary, indent=2) + "\n")
