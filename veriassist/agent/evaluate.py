"""One attempt's evidence: the model's own testbench (what it may see) and the golden one (what scores it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from veriassist import hdl
from veriassist.agent.outcome import LoopSettings
from veriassist.check.checker import check, compile_only
from veriassist.check.feedback import render_feedback
from veriassist.prompts import render
from veriassist.spec import spec_interface
from veriassist.types import Candidate, CheckResult, Interface, Problem, SourceFile, Testbench, TestbenchStyle


@dataclass(frozen=True)
class LoopContext:
    problem: Problem
    settings: LoopSettings
    top: str
    interface: Interface | None  # what the spec promises; a reply that differs is sent back
    want_testbench: bool
    self_verify: bool
    system_prompt: str
    first_prompt: str

    @classmethod
    def for_problem(cls, problem: Problem, settings: LoopSettings) -> LoopContext:
        want_testbench = settings.strategy == "veriassist"
        return cls(
            problem=problem,
            settings=settings,
            top=problem.top,
            interface=_spec_interface(problem),
            want_testbench=want_testbench,
            self_verify=want_testbench,
            system_prompt=render("system.j2"),
            first_prompt=render(
                "generate.j2",
                spec=problem.spec,
                top=problem.top,
                interface=problem.interface,
                want_testbench=want_testbench,
                examples=render("examples.j2") if want_testbench else "",
            ),
        )

    @property
    def shows_golden(self) -> bool:
        return self.settings.feedback == "golden" and self.problem.testbench is not None

    @property
    def judged_by(self) -> Literal["golden", "own-testbench", "none"]:
        if self.problem.testbench is not None:
            return "golden"
        return "own-testbench" if self.want_testbench else "none"


@dataclass(frozen=True)
class Attempt:
    rtl: str
    testbench: str | None
    own: CheckResult
    golden: CheckResult | None
    done: bool  # stop: the evidence the model may see says it passes
    feedback: str  # what the model is shown about this attempt
    next_prompt: str
    score: tuple[int, int, int]  # rank among attempts by the evidence the model may see

    @property
    def final(self) -> CheckResult:
        """The verdict that counts: golden when the problem has one, else the model's own."""
        return self.golden if self.golden is not None else self.own

    @property
    def headline(self) -> str:
        golden = f"; golden testbench: {self.golden.summary}" if self.golden else ""
        return f"own check: {self.own.summary}{golden}"


def evaluate(ctx: LoopContext, rtl: str, testbench: str | None) -> Attempt:
    candidate = Candidate((SourceFile(f"{ctx.top}.sv", rtl),), ctx.top)
    options = ctx.settings.check
    if testbench is None or not ctx.want_testbench:
        own = compile_only(candidate, options, expected_interface=ctx.interface)
    else:
        own_tb = Testbench(
            TestbenchStyle.COCOTB, (SourceFile(f"test_{ctx.top}.py", testbench),), f"test_{ctx.top}"
        )
        own = check(candidate, own_tb, options, expected_interface=ctx.interface)
    golden = check(candidate, ctx.problem.testbench, options) if ctx.problem.testbench is not None else None
    # The golden verdict is scored every iteration but shown to the model only in golden mode.
    shown = golden if ctx.shows_golden and golden is not None else own
    missing_tb = ctx.want_testbench and testbench is None
    feedback = render_feedback(shown, candidate)
    if missing_tb:
        feedback += (
            "\nYour reply had no cocotb testbench (```python block): write one that checks the spec.\n"
        )
    template = "correct_compile.j2" if shown.kind.is_compile_failure else "correct_sim.j2"
    next_prompt = render(template, rtl=rtl, testbench=testbench, feedback=feedback, golden=ctx.shows_golden)
    return Attempt(
        rtl=rtl,
        testbench=testbench,
        own=own,
        golden=golden,
        done=shown.passed and not missing_tb,
        feedback=feedback,
        next_prompt=next_prompt,
        score=(int(shown.passed), int(not shown.kind.is_compile_failure), -_failures(shown)),
    )


def _failures(result: CheckResult) -> int:
    if result.tests:
        return sum(not t.passed for t in result.tests)
    return result.total_mismatches or 0


def _spec_interface(problem: Problem) -> Interface | None:
    """The ports the spec (or the suite's interface header) promises, if they can be read."""
    if problem.interface:
        try:
            return hdl.module_interface(
                problem.interface + ("\nendmodule" if "endmodule" not in problem.interface else "")
            )
        except hdl.HdlError:
            pass
    found = spec_interface(problem.spec)
    if found is None or not found.ports:
        return None
    return found
