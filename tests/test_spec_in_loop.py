"""The spec's interface in the loop: read from the styles people write, enforced only when sure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings
from veriassist.models.scripted import ScriptedModel
from veriassist.suites import load_suite
from veriassist.types import FailureKind, Problem

pytestmark = pytest.mark.simulator

LOOP = Path(__file__).parent / "fixtures" / "loop"
DESIGNS = Path(__file__).parent.parent / "designs"
TB = (LOOP / "updown_tb.py").read_text()
GOOD = (LOOP / "updown_good.sv").read_text()
BEHAVIOUR = (DESIGNS / "updown_counter" / "spec.md").read_text().split("## Behaviour", 1)[1]

# The style that broke `generate` (issue 13, point 4): a markdown list, a description after each port.
MARKDOWN_LIST = (
    """# updown_counter

Module name: `updown_counter`. Ports:

- input clk        (rising edge)
- input rst        (synchronous, active-high: clears q)
- input en         (count enable)
- input load       (load d into q; wins over en)
- input up         (1 counts up, 0 counts down)
- input [7:0] d    (value to load)
- output reg [7:0] q   (the count)

## Behaviour"""
    + BEHAVIOUR
)

# Prose only: a reading that can be partial, so it may advise but never reject.
PROSE = (
    """The module updown_counter has an 8-bit output q and a clock clk; it counts.

## Behaviour"""
    + BEHAVIOUR
)


@pytest.fixture(scope="module")
def counter() -> Problem:
    (problem,) = load_suite(DESIGNS / "updown_counter").problems
    return problem


def answer(rtl: str) -> str:
    return f"```verilog\n{rtl}```\n```python\n{TB}```\n"


def test_a_markdown_list_spec_with_port_descriptions_passes_and_the_golden_agrees(counter: Problem) -> None:
    problem = replace(counter, spec=MARKDOWN_LIST)
    outcome = run_loop(problem, ScriptedModel([answer(GOOD), "KEEP"]), LoopSettings(iterations=2))
    first = outcome.iterations[0]
    assert first.own_kind is FailureKind.PASS, first.feedback
    assert first.golden_passed is True and "mismatch" in first.golden_summary  # recorded, never shown
    assert outcome.passed


def test_a_partial_prose_reading_never_rejects_a_design_for_ports_it_did_not_read(counter: Problem) -> None:
    problem = replace(counter, spec=PROSE)
    outcome = run_loop(problem, ScriptedModel([answer(GOOD), "KEEP"]), LoopSettings(iterations=2))
    assert outcome.iterations[0].own_kind is not FailureKind.PORT_MISMATCH
    assert outcome.passed


def test_a_port_the_spec_states_for_sure_is_enforced_and_the_message_names_the_spec(counter: Problem) -> None:
    problem = replace(counter, spec=MARKDOWN_LIST)
    renamed = GOOD.replace("input up", "input dir").replace("up ?", "dir ?")
    model = ScriptedModel([answer(renamed), answer(GOOD), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=2))
    first = outcome.iterations[0]
    assert first.own_kind is FailureKind.PORT_MISMATCH
    assert "port 'up' (input, 1 bit) of the spec is missing from the candidate" in first.feedback
    assert "that the spec does not have" in first.feedback and "reference" not in first.feedback
    assert outcome.passed
