"""The one way the front ends (bench, generate, the language and MCP servers) set up the loop and run it."""

from __future__ import annotations

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopOutcome, LoopSettings, RecordSink, StepCallback, StrengthSettings
from veriassist.check.checker import CheckOptions
from veriassist.check.reference_counts import ReferenceCounts
from veriassist.models.base import ChatModel
from veriassist.types import FeedbackMode, Problem, SelfCheck, Strategy


def run_problem(
    problem: Problem,
    model: ChatModel,
    *,
    iterations: int = 5,
    strategy: Strategy = Strategy.VERIASSIST,
    feedback: FeedbackMode = FeedbackMode.OWN_TESTBENCH,
    self_check: SelfCheck = SelfCheck.AUTO,
    strength: StrengthSettings | None = None,
    timeout_s: float | None = None,
    sandbox: bool = True,
    sample: int = 0,
    on_step: StepCallback | None = None,
    on_record: RecordSink | None = None,
    counts: ReferenceCounts | None = None,
) -> LoopOutcome:
    """Build the loop's settings from the options every front end offers and run it on one problem.

    `timeout_s` None keeps the check's default simulation time limit. See `run_loop` for
    what comes back and what propagates (model setup errors: auth, not found, unreachable).
    """
    check = CheckOptions(sandbox=sandbox)
    if timeout_s is not None:
        check = CheckOptions(timeout_s=timeout_s, sandbox=sandbox)
    settings = LoopSettings(
        iterations=iterations,
        strategy=strategy,
        feedback=feedback,
        self_check=self_check,
        check=check,
        strength=strength or StrengthSettings(),
    )
    return run_loop(
        problem, model, settings, sample=sample, on_step=on_step, on_record=on_record, counts=counts
    )
