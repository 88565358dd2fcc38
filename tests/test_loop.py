"""The agent loop with a scripted chat model (a test stand-in) and the real simulator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings
from veriassist.models.base import Completion, Message, ModelWrapper
from veriassist.models.errors import ModelAuthError, ModelRequestError
from veriassist.models.scripted import ScriptedModel
from veriassist.suites import load_suite
from veriassist.types import (
    FailureKind,
    FeedbackMode,
    IterationRecord,
    JudgedBy,
    Problem,
    StopReason,
    Strategy,
)

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
    assert outcome.stop_reason is StopReason.PASSED and outcome.model_error is None
    assert outcome.judged_by is JudgedBy.GOLDEN
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
    assert outcome.stop_reason is StopReason.ITERATIONS
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"  # simulates, unlike the last
    assert outcome.kind is FailureKind.MISMATCH


def test_zero_shot_makes_one_call_and_compile_only_writes_no_testbench(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv", testbench=None)])
    outcome = run_loop(problem, model, LoopSettings(strategy=Strategy.ZERO_SHOT))
    assert len(model.requests) == 1 and outcome.stop_reason is StopReason.ZERO_SHOT and not outcome.passed
    assert "cocotb" not in sent(model)[0]

    model = ScriptedModel(
        replies=[reply("updown_syntax.sv", testbench=None), reply("updown_good.sv", testbench=None)]
    )
    outcome = run_loop(problem, model, LoopSettings(strategy=Strategy.COMPILE_ONLY, iterations=3))
    assert outcome.passed and len(model.requests) == 2
    assert "syntax error" in sent(model)[1]


def test_golden_feedback_mode_shows_the_golden_evidence(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])
    outcome = run_loop(problem, model, LoopSettings(feedback=FeedbackMode.GOLDEN, iterations=2))
    assert outcome.passed
    assert "reference testbench" in sent(model)[2] and "first at time" in sent(model)[2]


def test_an_exhausted_model_stops_the_loop_cleanly_keeping_what_it_had(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    assert outcome.stop_reason is StopReason.MODEL_ERROR
    assert outcome.model_error is not None and "the script has 2 replies" in outcome.model_error
    assert not outcome.passed
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"
    assert len(outcome.iterations) == 1


def test_time_budget_stops_before_the_next_call(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])
    outcome = run_loop(problem, model, LoopSettings(iterations=3, time_budget_s=0.0))
    assert outcome.stop_reason is StopReason.TIME and len(model.requests) == 0


def test_a_refused_request_ends_this_attempt_but_setup_errors_still_raise(problem: Problem) -> None:
    # A 400 (say, a prompt over the context window) is about this conversation: a batch goes on.
    refused = ModelRequestError("scripted 400: this model's maximum context length is exceeded")
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", refused])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    assert outcome.stop_reason is StopReason.MODEL_ERROR
    assert outcome.model_error == "scripted 400: this model's maximum context length is exceeded"
    assert outcome.stopped == f"model-error: {outcome.model_error}"
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"
    # A bad key is the same for every problem: it stops the run at once.
    with pytest.raises(ModelAuthError):
        run_loop(problem, ScriptedModel(replies=[ModelAuthError("scripted 401")]), LoopSettings())


class Metered(ModelWrapper):
    """The scripted model, with usage figures on each reply (ScriptedModel reports none)."""

    def __init__(self, inner: ScriptedModel, prompt_tokens: int, completion_tokens: int) -> None:
        super().__init__(inner)
        self.tokens = (prompt_tokens, completion_tokens)

    def complete(self, messages: Sequence[Message]) -> Completion:
        completion = self.inner.complete(messages)
        return replace(completion, prompt_tokens=self.tokens[0], completion_tokens=self.tokens[1])


def test_token_budget_stops_after_the_call_that_reaches_it_keeping_the_best_design(problem: Problem) -> None:
    script = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])
    # 150 tokens a call: generation and self-verification spend 300, the correction reaches 450.
    outcome = run_loop(problem, Metered(script, 100, 50), LoopSettings(iterations=5, token_budget=400))
    assert outcome.stop_reason is StopReason.TOKENS and outcome.model_error is None
    assert len(script.requests) == 3 and (outcome.tokens_in, outcome.tokens_out) == (300, 150)
    # The reply that crossed the budget is not evaluated; the first attempt's design comes back.
    assert len(outcome.iterations) == 1 and not outcome.passed
    assert outcome.rtl == (LOOP / "updown_bug.sv").read_text().strip() + "\n"


def test_consecutive_replies_without_code_stop_the_loop_as_format_errors(problem: Problem) -> None:
    model = ScriptedModel(
        replies=["I would use a counter.", "A counter, as I said.", reply("updown_good.sv")]
    )
    outcome = run_loop(problem, model, LoopSettings(iterations=5, max_format_errors=2))
    assert outcome.stop_reason is StopReason.FORMAT_ERRORS and outcome.model_error is None
    assert len(model.requests) == 2 and outcome.rtl is None and outcome.kind is FailureKind.NO_MODULE
    assert [(r.iteration, r.own_passed) for r in outcome.iterations] == [(1, None), (2, None)]
    # The second request was the format-error prompt, naming the required top module.
    assert "could not be used" in sent(model)[1] and "`updown_counter`" in sent(model)[1]


def test_the_record_sink_gets_each_iteration_before_the_next_model_call(problem: Problem) -> None:
    model = ScriptedModel(
        replies=[
            reply("updown_syntax.sv"),  # iteration 1: generation, then self-verification
            "KEEP",
            "I would use a counter.",  # iteration 2: no code
            reply("updown_bug.sv"),  # iteration 3
            reply("updown_good.sv"),  # iteration 4
        ]
    )
    seen: list[tuple[int, int]] = []  # (iteration, model calls made when the sink got it)

    def sink(record: IterationRecord) -> None:
        seen.append((record.iteration, len(model.requests)))

    outcome = run_loop(problem, model, LoopSettings(iterations=5), sample=3, on_record=sink)
    assert outcome.passed
    assert seen == [(1, 2), (2, 3), (3, 4), (4, 5)] and len(model.requests) == 5
    assert [(r.task_id, r.sample) for r in outcome.iterations] == [("updown_counter", 3)] * 4


def test_a_sink_that_fails_stops_the_loop_before_another_call(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])

    def full_disk(record: IterationRecord) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        run_loop(problem, model, LoopSettings(iterations=3), on_record=full_disk)
    assert len(model.requests) == 2  # generation and self-verification; no correction was asked for


def test_strategy_and_feedback_strings_become_enums_or_fail_with_the_choices() -> None:
    settings = LoopSettings(strategy="zero-shot", feedback="golden")  # type: ignore[arg-type]
    assert settings.strategy is Strategy.ZERO_SHOT and settings.feedback is FeedbackMode.GOLDEN
    with pytest.raises(ValueError, match="one-shot"):
        LoopSettings(strategy="one-shot")  # type: ignore[arg-type]


def test_a_reply_without_its_testbench_is_asked_for_one_from_the_template(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_good.sv", testbench=None), "KEEP", reply("updown_good.sv")])
    outcome = run_loop(problem, model, LoopSettings(iterations=2))
    # The RTL passes the golden testbench, but the strategy wants the model's own tests first.
    assert outcome.iterations[0].golden_kind is FailureKind.PASS
    assert "Your reply had no cocotb testbench" in sent(model)[2]
    assert "no cocotb testbench" not in outcome.iterations[0].feedback  # the evidence stays evidence
    assert outcome.passed and outcome.stop_reason is StopReason.PASSED and len(model.requests) == 3


@pytest.mark.parametrize("module", ["veriassist.agent.loop", "veriassist.agent.run"])
def test_importing_the_loop_loads_no_langchain(module: str) -> None:
    # The loop needs only the model interface; LangChain (about a second) loads with a real provider.
    code = f"import sys, {module}; print(sorted({{m.split('.')[0] for m in sys.modules}}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "langchain" not in done.stdout and "langchain_core" not in done.stdout
