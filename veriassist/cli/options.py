"""Options that several commands share, declared once so their help and choices stay the same."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from veriassist.types import FeedbackMode, SelfCheck, Strategy

if TYPE_CHECKING:  # the loop's settings load on use, so that --help stays fast
    from veriassist.agent.outcome import StrengthSettings

StrategyOption = Annotated[Strategy, typer.Option("--strategy")]
FeedbackOption = Annotated[
    FeedbackMode, typer.Option("--feedback", help="What the model is shown: own-testbench or golden.")
]
SelfCheckOption = Annotated[
    SelfCheck,
    typer.Option(
        "--self-check",
        help="Check the spec's requirements against the first design: auto (only when its own"
        " tests fail or look weak), always, never.",
    ),
]
StrengthOption = Annotated[
    bool,
    typer.Option(
        "--strength/--no-strength",
        help="When the model's own tests pass, run them against mutants of its design and ask for"
        " stronger tests if too few mutants fail (veriassist strategy, own-testbench feedback).",
    ),
]
MutantsOption = Annotated[int, typer.Option("--mutants", min=1, help="Mutants per strength check.")]
KillThresholdOption = Annotated[
    float,
    typer.Option(
        "--kill-threshold",
        min=0.0,
        max=1.0,
        help="Own tests that kill fewer than this share of mutants are weak.",
    ),
]
StrengthBudgetOption = Annotated[
    float,
    typer.Option(
        "--strength-budget", min=1.0, help="Seconds for one strength check's simulations and proofs."
    ),
]


def strength_settings(enabled: bool, mutants: int, threshold: float, budget_s: float) -> StrengthSettings:
    """The strength check's settings from the four options above."""
    from veriassist.agent.outcome import StrengthSettings

    return StrengthSettings(enabled=enabled, mutants=mutants, threshold=threshold, budget_s=budget_s)
