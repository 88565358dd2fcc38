"""One attempt's evidence: the model's own testbench (what it may see) and the golden one (what scores it).

Evidence only: what the model is told about it is rendered by `agent.turns` from templates.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field, replace

from veriassist import hdl
from veriassist.agent.outcome import LoopSettings
from veriassist.check.checker import check, compile_only
from veriassist.check.equivalence import FormalOptions, counterexample_evidence, formal_check, yosys_installed
from veriassist.check.feedback import render_feedback
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.spec import SpecInterface, read_interface
from veriassist.types import (
    Candidate,
    CheckResult,
    FailureKind,
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
    # What the spec promises, when read for sure: a reply that differs is sent back. A reading
    # that is partial or unsure is never grounds to reject a design; it only advises (`reading`).
    interface: Interface | None
    want_testbench: bool
    reading: SpecInterface | None = None
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
            interface=_enforced_interface(problem, reading := read_interface(problem.spec)),
            want_testbench=want_testbench,
            reading=reading,
            counts=counts if counts is not None else ReferenceCounts(),
        )

    @property
    def shows_golden(self) -> bool:
        return self.settings.feedback is FeedbackMode.GOLDEN and self.problem.testbench is not None

    @property
    def awkward_ports(self) -> tuple[str, ...]:
        """Ports a cocotb test cannot reach as `dut.<name>`: Python keywords and `_`-prefixed names."""
        known = self.interface or (self.reading.interface if self.reading else None)
        if known is None:
            return ()
        return tuple(p.name for p in known.ports if keyword.iskeyword(p.name) or p.name[:1] == "_")

    def wants_self_check(self, attempt: Attempt, *, strength_measured: bool) -> bool:
        """Spend a self-check turn only where there is evidence it can find something: own tests
        that fail, or pass but look weak. `strength_measured`: mutants will measure passing tests
        (agent/strength.py), which judges them better than counting their asserts: a brief
        testbench that compares every output every cycle is not weak."""
        mode = self.settings.self_check
        if not self.want_testbench or mode is SelfCheck.NEVER or attempt.shown.kind.is_compile_failure:
            return False
        if mode is SelfCheck.ALWAYS:
            return True
        if not attempt.shown.passed:
            return True
        measured = strength_measured and attempt.testbench is not None
        return not measured and self.tests_look_weak(attempt.testbench)

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


def candidate_of(ctx: LoopContext, rtl: str) -> Candidate:
    return Candidate((SourceFile(f"{ctx.top}.sv", rtl),), ctx.top)


def own_testbench(ctx: LoopContext, testbench: str) -> Testbench:
    """The model's own cocotb tests as a testbench the check runs."""
    return Testbench(TestbenchStyle.COCOTB, (SourceFile(f"test_{ctx.top}.py", testbench),), f"test_{ctx.top}")


def evaluate(ctx: LoopContext, rtl: str, testbench: str | None) -> Attempt:
    candidate = candidate_of(ctx, rtl)
    options = ctx.settings.check
    if testbench is None or not ctx.want_testbench:
        own = compile_only(candidate, options, expected_interface=ctx.interface)
    else:
        own_tb = own_testbench(ctx, testbench)
        own = check(candidate, own_tb, options, expected_samples=None, expected_interface=ctx.interface)
    golden = None
    if ctx.problem.testbench is not None:
        golden = check_counted(candidate, ctx.problem.testbench, options, ctx.counts)
    # The golden verdict is scored every iteration but shown to the model only in golden mode.
    shown = golden if ctx.shows_golden and golden is not None else own
    feedback = render_feedback(shown, candidate)
    if ctx.shows_golden and shown.passed:
        shown, feedback = _disproved(ctx, candidate, shown, feedback)
    return Attempt(
        rtl=rtl,
        testbench=testbench,
        own=own,
        golden=golden,
        shown=shown,
        missing_testbench=ctx.want_testbench and testbench is None,
        feedback=feedback,
        score=(int(shown.passed), int(not shown.kind.is_compile_failure), -_failures(shown)),
    )


def _disproved(
    ctx: LoopContext, candidate: Candidate, passed: CheckResult, feedback: str
) -> tuple[CheckResult, str]:
    """Golden mode only: a pass that a proof against the reference refutes is not done.

    The golden testbench samples behaviour; the proof covers all of it. Its counterexample is
    derived from the reference, so it never reaches a model in own-testbench mode. The verdict
    that scores stays the suite's own (`Attempt.golden`); only what the model is shown changes.
    """
    testbench = ctx.problem.testbench
    if testbench is None or testbench.reference is None or not yosys_installed():
        return passed, feedback
    proof = formal_check(candidate, testbench, FormalOptions(sandbox=ctx.settings.check.sandbox))
    evidence = counterexample_evidence(proof)
    if not proof.refuted or not evidence:
        return passed, feedback
    shown = replace(
        passed,
        passed=False,
        kind=FailureKind.MISMATCH,
        summary="the testbench passes, but a proof against the reference finds a difference",
    )
    return shown, f"{render_feedback(shown, candidate)}\n{evidence}\n"


def _failures(result: CheckResult) -> int:
    if result.tests:
        return sum(not t.passed for t in result.tests)
    return result.total_mismatches or 0


def _enforced_interface(problem: Problem, reading: SpecInterface | None) -> Interface | None:
    """The ports a design is held to: the suite's interface header, or a spec read in full."""
    if problem.interface:
        try:
            return hdl.module_interface(
                problem.interface + ("\nendmodule" if "endmodule" not in problem.interface else "")
            )
        except hdl.HdlError:
            pass
    if reading is None or not reading.complete or not reading.interface.ports:
        return None
    return reading.interface
