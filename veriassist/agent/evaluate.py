"""One attempt's evidence: the model's own testbench (what it may see) and the golden one (what scores it).

Evidence only: what the model is told about it is rendered by `agent.turns` from templates.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from veriassist import hdl
from veriassist.agent.outcome import LoopSettings
from veriassist.check.checker import check, compile_only
from veriassist.check.feedback import render_feedback
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.spec import spec_interface
from veriassist.types import (
    Candidate,
    CheckResult,
    FeedbackMode,
    Interface,
    JudgedBy,
    Problem,
    SelfCheck,
    SourceFile,
    Strategy,
    Testbench,
    TestbenchStyle,
)


@dataclass(frozen=True)
class LoopContext:
    problem: Problem
    settings: LoopSettings
    top: str
    interface: Interface | None  # what the spec promises; a reply that differs is sent back
    want_testbench: bool
    # The golden reference's sample count, measured once for all of this loop's attempts.
    counts: ReferenceCounts = field(default_factory=ReferenceCounts, compare=False)

    @classmethod
    def for_problem(
        cls, problem: Problem, settings: LoopSettings, counts: ReferenceCounts | None = None
    ) -> LoopContext:
        want_testbench = settings.strategy is Strategy.VERIASSIST
        return cls(
            problem=problem,
            settings=settings,
            top=problem.top,
            interface=_spec_interface(problem),
            want_testbench=want_testbench,
            counts=counts if counts is not None else ReferenceCounts(),
        )

    @property
    def shows_golden(self) -> bool:
        return self.settings.feedback is FeedbackMode.GOLDEN and self.problem.testbench is not None

    @property
    def awkward_ports(self) -> tuple[str, ...]:
        """Ports a cocotb test cannot reach as `dut.<name>`: Python keywords and `_`-prefixed names."""
        if self.interface is None:
            return ()
        return tuple(p.name for p in self.interface.ports if keyword.iskeyword(p.name) or p.name[:1] == "_")

    def wants_self_check(self, attempt: Attempt) -> bool:
        """Spend a self-check turn only where there is evidence it can find something."""
        mode = self.settings.self_check
        if not self.want_testbench or mode is SelfCheck.NEVER or attempt.shown.kind.is_compile_failure:
            return False
        if mode is SelfCheck.ALWAYS:
            return True
        return not attempt.shown.passed or self.tests_look_weak(attempt.testbench)

    def tests_look_weak(self, testbench: str | None) -> bool:
        if testbench is None:
            return True
        tests = len(re.findall(r"@cocotb\.test\b", testbench))
        asserts = len(re.findall(r"^\s*assert\b", testbench, re.MULTILINE))
        return tests < self.settings.weak_tests and asserts < self.settings.weak_asserts

    @property
    def judged_by(self) -> JudgedBy:
        if self.problem.testbench is not None:
            return JudgedBy.GOLDEN
        return JudgedBy.OWN_TESTBENCH if self.want_testbench else JudgedBy.NONE


@dataclass(frozen=True)
class Attempt:
    rtl: str
    testbench: str | None
    own: CheckResult
    golden: CheckResult | None
    shown: CheckResult  # the verdict the model may see: golden in golden mode, else its own
    missing_testbench: bool  # the strategy wants a testbench and the model has not written one
    feedback: str  # the evidence of `shown`, as text the model can act on
    score: tuple[int, int, int]  # rank among attempts by the evidence the model may see

    @property
    def done(self) -> bool:
        """Stop: the evidence the model may see says it passes."""
        return self.shown.passed and not self.missing_testbench

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
        own = check(candidate, own_tb, options, expected_samples=None, expected_interface=ctx.interface)
    golden = None
    if ctx.problem.testbench is not None:
        golden = check_counted(candidate, ctx.problem.testbench, options, ctx.counts)
    # The golden verdict is scored every iteration but shown to the model only in golden mode.
    shown = golden if ctx.shows_golden and golden is not None else own
    return Attempt(
        rtl=rtl,
        testbench=testbench,
        own=own,
        golden=golden,
        shown=shown,
        missing_testbench=ctx.want_testbench and testbench is None,
        feedback=render_feedback(shown, candidate),
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
