"""What the loop hands back: settings in, outcome out. Kept apart so callers import no loop code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from veriassist.check.checker import CheckOptions
from veriassist.models.base import Message
from veriassist.types import (
    FailureKind,
    FeedbackMode,
    IterationRecord,
    JudgedBy,
    SelfCheck,
    StopReason,
    Strategy,
)

StepCallback = Callable[[str], None]
# Called with each iteration's record as soon as it is made, before the next model call, so a
# killed run keeps every finished iteration. An exception from it ends the loop (and propagates).
RecordSink = Callable[[IterationRecord], None]


@dataclass(frozen=True)
class StrengthSettings:
    """The own-testbench strength check (agent/strength.py): mutants of a design its own tests pass.

    It runs for the veriassist strategy in own-testbench mode only, when the own tests pass.
    """

    enabled: bool = True
    mutants: int = 8  # mutants made per check
    threshold: float = 0.75  # a kill ratio below this calls the tests weak
    budget_s: float = 90.0  # wall time for one check's simulations and proofs together
    rounds: int = 1  # requests to strengthen per run; the check runs at most rounds + 1 times
    prove: bool = True  # Yosys drops survivors it proves equivalent to the design
    seed: int = 0  # another seed, another spread of mutants over the same design
    workers: int = 0  # simulations at once; 0: one per CPU

    def __post_init__(self) -> None:
        if self.mutants < 1 or not 0.0 <= self.threshold <= 1.0 or self.budget_s <= 0 or self.rounds < 0:
            raise ValueError("strength: mutants >= 1, threshold in [0, 1], budget > 0 and rounds >= 0")


@dataclass(frozen=True)
class LoopSettings:
    iterations: int = 5
    strategy: Strategy = Strategy.VERIASSIST
    feedback: FeedbackMode = FeedbackMode.OWN_TESTBENCH
    token_budget: int | None = None
    time_budget_s: float | None = None
    max_format_errors: int = 3  # consecutive replies with no usable code before giving up
    check: CheckOptions = field(default_factory=CheckOptions)
    self_check: SelfCheck = SelfCheck.AUTO
    # AUTO calls own tests weak below these counts (`@cocotb.test` functions, `assert` lines).
    weak_tests: int = 2
    weak_asserts: int = 3
    strength: StrengthSettings = field(default_factory=StrengthSettings)

    def __post_init__(self) -> None:
        # A plain string from a caller becomes the enum here, or fails here with the valid choices.
        object.__setattr__(self, "strategy", Strategy(self.strategy))
        object.__setattr__(self, "feedback", FeedbackMode(self.feedback))
        object.__setattr__(self, "self_check", SelfCheck(self.self_check))
        if self.feedback not in (FeedbackMode.OWN_TESTBENCH, FeedbackMode.GOLDEN):
            raise ValueError(f"feedback must be own-testbench or golden, not {self.feedback}")


@dataclass(frozen=True)
class LoopOutcome:
    task_id: str
    passed: bool  # the golden verdict when the problem has a golden testbench, else the own testbench's
    kind: FailureKind
    rtl: str | None  # the best RTL seen (never a worse one than an earlier iteration's)
    testbench: str | None  # the model's own cocotb testbench, last version
    iterations: tuple[IterationRecord, ...]
    stop_reason: StopReason
    model_error: str | None = None  # set exactly when stop_reason is MODEL_ERROR: what the model said
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_estimated: bool = False  # some counts are chars/4 guesses (a manual model reports none)
    cost: float | None = None
    elapsed_s: float = 0.0
    transcript: tuple[Message, ...] = ()
    feedback: str = ""  # the last feedback produced
    judged_by: JudgedBy = JudgedBy.NONE

    @property
    def stopped(self) -> str:
        """Why it stopped, for a person: the reason, and the model's error when there was one."""
        return f"{self.stop_reason}: {self.model_error}" if self.model_error else str(self.stop_reason)
