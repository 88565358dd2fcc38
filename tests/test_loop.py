"""The agent loop with a scripted chat model (a test stand-in) and the real simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings
from veriassist.models import ModelAuthError, ModelRequestError, ScriptedModel
from veriassist.suites import load_suite
from veriassist.types import FailureKind, Problem

pytestmark = pytest.mark.simulator

LOOP = Path(__file__).parent / "fixtures" / "loop"
DESIGNS = Path(__file__).parent.parent / "designs"
TB = (LOOP / "updown_tb.py").read_text()


def reply(rtl_file: str, testbench: str | None = TB, prose: str = "Here is my design.") -> str:
    text = f"{prose}\n```verilog\n{(LOOP / rtl_file).read_text()}```\n"
    if testbench:
        text += f"\n```python\n{testbench}```\n"
    return text


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_suite(DESIGNS).get("updown_counter")


def sent(model: ScriptedModel) -> list[str]:
    """The user prompt of every request the model received."""
    return [request[-1].content for request in model.requests]


def test_syntax_error_then_logic_bug_then_fix(problem: Problem, sandbox_backend: str) -> None:
    model = ScriptedModel(
        replies=[
            reply("updown_syntax.sv"),
            "Walking through: after reset q=0 ... everything agrees.\nKEEP",
            reply("updown_bug.sv", prose="Added the missing semicolon."),
            reply("updown_good.sv", prose="The RTL ignored `up`; fixed."),
        ]
    )
    steps: list[str] = []
    outcome = run_loop(problem, model, LoopSettings(iterations=5), on_step=steps.append)

    assert outcome.passed and outcome.kind is FailureKind.PASS
    assert outcome.stop_reason == "passed"
    assert outcome.judged_by == "golden"
    prompts = sent(model)
    assert len(prompts) == 4
    assert "updown_counter" in prompts[0] and "cocotb" in prompts[0]  # generation asks for RTL + testbench
    assert "walk through the RTL" in prompts[1]  # self-verification
    # Compile feedback: the diagnostic with a numbered snippet of the model's own code.
    assert "did not compile" in prompts[2] and "syntax error" in prompts[2]
    # iverilog reports the missing `;` of line 8 at line 9, so both lines are shown.
    assert "   8 |     else if (load) q <= d\n>  9 |     else if (en)" in prompts[2]
    # Simulation feedback: the failing test's assertion message with the values, from the model's own testbench.
    assert "matches_a_python_model" in prompts[3] and "expected" in prompts[3]
    assert "own cocotb testbench" in prompts[3]
    # ... and the waveform of the design's own signals up to the failing instant (65 ns).
    assert "Waveform around the first mismatch" in prompts[3]
    assert "> | 65000 |" in prompts[3] and "| up |" in prompts[3]
    # The golden testbench, its output and the reference are never shown in the default mode.
    for prompt in prompts:
        assert (
            "updown_counter_ref" not in prompt
            and "Mismatches:" not in prompt
            and "Hint: Output" not in prompt
        )
    kinds = [(r.own_kind, r.golden_kind) for r in outcome.iterations]
    assert kinds == [
        (FailureKind.SYNTAX_ERROR, FailureKind.SYNTAX_ERROR),
        (FailureKind.TEST_FAILED, FailureKind.MISMATCH),
        (FailureKind.PASS, FailureKind.PASS),
    ]
    assert outcome.rtl == (LOOP / "updown_good.sv").read_text().strip() + "\n"
    assert any("self-verification" in s for s in steps)


def test_reply_without_code_is_a_failed_iteration_with_exact_feedback(problem: Problem) -> None:
    model = ScriptedModel(replies=["I would use a counter.", "KEEP", reply("updown_good.sv"), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    first = outcome.iterations[0]
    assert first.own_passed is None and "no Verilog `module ... endmodule`" in first.feedback
    assert "no Verilog `module ... endmodule` block" in sent(model)[1]
    assert outcome.passed


def test_wrong_interface_is_sent_back_before_simulating(problem: Problem) -> None:
    renamed = (LOOP / "updown_good.sv").read_text().replace("input up", "input dir").replace("up ?", "dir ?")
    model = ScriptedModel(
        replies=[f"```verilog\n{renamed}```\n```python\n{TB}```", "KEEP", reply("updown_good.sv")]
    )
    outcome = run_loop(problem, model, LoopSettings(iterations=2))
    assert outcome.iterations[0].own_kind is FailureKind.PORT_MISMATCH
    assert "up" in sent(model)[2] and "dir" in sent(model)[2]
    assert outcome.passed


def test_best_candidate_is_kept_when_a_later_attempt_is_worse(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_syntax.sv")])
    outcome = run_loop(problem, model, LoopSettings(iterations=2))
    assert not outcome.passed
    assert outcome.stop_reason == "iterations"
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"  # simulates, unlike the last
    assert outcome.kind is FailureKind.MISMATCH


def test_zero_shot_makes_one_call_and_compile_only_writes_no_testbench(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv", testbench=None)])
    outcome = run_loop(problem, model, LoopSettings(strategy="zero-shot"))
    assert len(model.requests) == 1 and outcome.stop_reason == "zero-shot" and not outcome.passed
    assert "cocotb" not in sent(model)[0]

    model = ScriptedModel(
        replies=[reply("updown_syntax.sv", testbench=None), reply("updown_good.sv", testbench=None)]
    )
    outcome = run_loop(problem, model, LoopSettings(strategy="compile-only", iterations=3))
    assert outcome.passed and len(model.requests) == 2
    assert "syntax error" in sent(model)[1]


def test_golden_feedback_mode_shows_the_golden_evidence(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])
    outcome = run_loop(problem, model, LoopSettings(feedback="golden", iterations=2))
    assert outcome.passed
    assert "reference testbench" in sent(model)[2] and "first at time" in sent(model)[2]


def test_an_exhausted_model_stops_the_loop_cleanly_keeping_what_it_had(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    assert outcome.stop_reason.startswith("model-error")
    assert not outcome.passed
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"
    assert len(outcome.iterations) == 1


def test_time_budget_stops_before_the_next_call(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])
    outcome = run_loop(problem, model, LoopSettings(iterations=3, time_budget_s=0.0))
    assert outcome.stop_reason == "time" and len(model.requests) == 0


def test_a_refused_request_ends_this_attempt_but_setup_errors_still_raise(problem: Problem) -> None:
    # A 400 (say, a prompt over the context window) is about this conversation: a batch goes on.
    refused = ModelRequestError("scripted 400: this model's maximum context length is exceeded")
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", refused])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    assert outcome.stop_reason.startswith("model-error") and "context length" in outcome.stop_reason
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"
    # A bad key is the same for every problem: it stops the run at once.
    with pytest.raises(ModelAuthError):
        run_loop(problem, ScriptedModel(replies=[ModelAuthError("scripted 401")]), LoopSettings())
