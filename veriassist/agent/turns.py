"""What the loop says to the model. Every word comes from templates/*.j2; none is written here.

Turns are stateless: each one carries the spec, the interface, the latest code, the new
evidence and a one-line-per-attempt ledger, so a model that sees only this turn can still
tell a wrong RTL from a wrong test.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from veriassist.agent.evaluate import Attempt, LoopContext
from veriassist.agent.strength import StrengthReport
from veriassist.extract import Extracted, extract
from veriassist.prompts import render
from veriassist.suites import cvdp
from veriassist.types import Problem, SelfCheckOutcome

_VERDICT_CHARS = 160  # a ledger line stays one line


def system_prompt(ctx: LoopContext) -> str:
    return render("system.j2", want_testbench=ctx.want_testbench, awkward_ports=ctx.awkward_ports)


def _spec(ctx: LoopContext) -> dict[str, object]:
    problem = ctx.problem
    return {"spec": problem.spec, "top": ctx.top, "interface": problem.interface, "cvdp": _cvdp(problem)}


def _cvdp(problem: Problem) -> dict[str, object] | None:
    """What a CVDP prompt adds to the spec: the files given with it and the files to write."""
    if not cvdp.is_cvdp(problem):
        return None
    context: dict[str, str] = problem.metadata.get("context") or {}
    return {
        "context": [{"path": p, "text": t, "fence": cvdp.fence_for(t)} for p, t in context.items()],
        "expected": cvdp.expected_paths(problem),
        "new": [p for p in cvdp.expected_paths(problem) if p not in cvdp.given_files(problem)],
        "given": list(cvdp.given_files(problem)),
    }


def read_reply(ctx: LoopContext, text: str) -> Extracted:
    """The code in a reply: a CVDP reply by its named files (as one bundle text), any other as one design."""
    if cvdp.is_cvdp(ctx.problem):
        return cvdp.extract_reply(ctx.problem, text)
    return extract(text, ctx.top)


def first_prompt(ctx: LoopContext) -> str:
    return render(
        "cvdp_generate.j2" if cvdp.is_cvdp(ctx.problem) else "generate.j2",
        **_spec(ctx),
        want_testbench=ctx.want_testbench,
    )


def self_check_prompt(ctx: LoopContext, attempt: Attempt, ledger: Sequence[str]) -> str:
    return render(
        "self_check.j2",
        **_spec(ctx),
        rtl=attempt.rtl,
        testbench=attempt.testbench,
        passed=attempt.shown.passed,
        feedback=attempt.feedback,
        golden=ctx.shows_golden,
        ledger=ledger,
    )


def format_error_prompt(ctx: LoopContext, problems: Sequence[str], ledger: Sequence[str]) -> str:
    return render(
        "correct_format.j2", **_spec(ctx), problems=problems, want_testbench=ctx.want_testbench, ledger=ledger
    )


def correction_prompt(ctx: LoopContext, attempt: Attempt, ledger: Sequence[str]) -> str:
    """The next turn: the spec, the latest code, the evidence the model may see and the ledger."""
    template = "correct_compile.j2" if attempt.shown.kind.is_compile_failure else "correct_sim.j2"
    return render(
        template,
        **_spec(ctx),
        rtl=attempt.rtl,
        testbench=attempt.testbench,
        feedback=attempt.feedback,
        golden=ctx.shows_golden,
        missing_testbench=attempt.missing_testbench,
        ledger=ledger,
    )


def strength_evidence(report: StrengthReport) -> str:
    """The surviving mutants as small diffs: the evidence a strengthening turn shows (and records keep)."""
    return render(
        "strength_evidence.j2",
        survivors=report.survivors,
        killed=report.killed,
        counted=report.counted,
        ratio=report.ratio or 0.0,
        threshold=report.threshold,
    )


def strengthen_prompt(
    ctx: LoopContext, attempt: Attempt, report: StrengthReport, ledger: Sequence[str]
) -> str:
    """Own tests pass but kill too few mutants: the spec, the code, the survivors and the ledger."""
    return render(
        "strengthen.j2",
        **_spec(ctx),
        rtl=attempt.rtl,
        testbench=attempt.testbench,
        evidence=strength_evidence(report),
        ledger=ledger,
    )


def strength_line(report: StrengthReport) -> str:
    return f"strength check: {report.line}"


def ledger_line(label: str, before: Attempt | None, after: Attempt) -> str:
    """One line for the ledger: what changed since `before`, and the verdict the model may see."""
    verdict = after.shown.summary or after.shown.kind.value
    verdict = ("passed" if after.shown.passed else f"failed ({after.shown.kind.value})") + f": {verdict}"
    if len(verdict) > _VERDICT_CHARS:
        verdict = verdict[: _VERDICT_CHARS - 3] + "..."
    return f"{label}: {_change(before, after)} -> {verdict}"


def self_check_line(outcome: SelfCheckOutcome, before: Attempt, after: Attempt) -> str:
    if outcome in (SelfCheckOutcome.KEPT, SelfCheckOutcome.UNUSABLE):
        return f"self-check: {outcome.value}, nothing changed"
    return ledger_line(f"self-check ({outcome.value})", before, after)


def format_error_line(label: str, problems: Sequence[str]) -> str:
    return f"{label}: no usable code ({'; '.join(problems)[:_VERDICT_CHARS]})"


def _change(before: Attempt | None, after: Attempt) -> str:
    if before is None:
        return "first design" + (" and testbench" if after.testbench else "")
    parts = [
        f"{what} changed ({_lines_changed(old, new)} lines)"
        for what, old, new in (
            ("RTL", before.rtl, after.rtl),
            ("testbench", before.testbench or "", after.testbench or ""),
        )
        if old != new
    ]
    return ", ".join(parts) or "nothing changed"


def _lines_changed(old: str, new: str) -> int:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
