"""What the loop hands back: settings in, outcome out. Kept apart so callers import no loop code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from veriassist.check.checker import CheckOptions
from veriassist.eval.store import IterationRecord
from veriassist.models.base import Message
from veriassist.types import FailureKind

Strategy = Literal["veriassist", "zero-shot", "compile-only"]
FeedbackMode = Literal["own-testbench", "golden"]
StepCallback = Callable[[str], None]


@dataclass(frozen=True)
class LoopSettings:
    iterations: int = 5
    strategy: Strategy = "veriassist"
    feedback: FeedbackMode = "own-testbench"  # golden: show the golden testbench's results (AutoChip/MAGE)
    token_budget: int | None = None
    time_budget_s: float | None = None
    max_format_errors: int = 3  # consecutive replies with no usable code before giving up
    check: CheckOptions = field(default_factory=CheckOptions)


@dataclass(frozen=True)
class LoopOutcome:
    task_id: str
    passed: bool  # the golden verdict when the problem has a golden testbench, else the own testbench's
    kind: FailureKind
    rtl: str | None  # the best RTL seen (never a worse one than an earlier iteration's)
    testbench: str | None  # the model's own cocotb testbench, last version
    iterations: tuple[IterationRecord, ...]
    stop_reason: str  # passed | own-check-passed | iterations | zero-shot | tokens | time | format-errors | model-error: ...
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None
    elapsed_s: float = 0.0
    transcript: tuple[Message, ...] = ()
    feedback: str = ""  # the last feedback produced
    judged_by: Literal["golden", "own-testbench", "none"] = "none"
