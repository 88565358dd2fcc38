"""What the loop says to the model. Every word comes from templates/*.j2; none is written here."""

from __future__ import annotations

from collections.abc import Sequence

from veriassist.agent.evaluate import Attempt, LoopContext
from veriassist.prompts import render


def system_prompt() -> str:
    return render("system.j2")


def first_prompt(ctx: LoopContext) -> str:
    problem = ctx.problem
    return render(
        "generate.j2",
        spec=problem.spec,
        top=ctx.top,
        interface=problem.interface,
        want_testbench=ctx.want_testbench,
        examples=render("examples.j2") if ctx.want_testbench else "",
    )


def self_verify_prompt(rtl: str, testbench: str | None) -> str:
    return render("self_verify.j2", rtl=rtl, testbench=testbench)


def format_error_prompt(ctx: LoopContext, problems: Sequence[str]) -> str:
    return render("format_error.j2", problems=problems, top=ctx.top, want_testbench=ctx.want_testbench)


def correction_prompt(ctx: LoopContext, attempt: Attempt) -> str:
    """The next turn: the latest code and the evidence the model may see, nothing older."""
    template = "correct_compile.j2" if attempt.shown.kind.is_compile_failure else "correct_sim.j2"
    return render(
        template,
        rtl=attempt.rtl,
        testbench=attempt.testbench,
        feedback=attempt.feedback,
        golden=ctx.shows_golden,
        missing_testbench=attempt.missing_testbench,
    )
