"""Options that several commands share, declared once so their help and choices stay the same."""

from __future__ import annotations

from typing import Annotated

import typer

from veriassist.types import FeedbackMode, SelfCheck, Strategy

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
