"""The agent loop with a scripted chat model (a test stand-in) and the real simulator."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings, StrengthSettings
from veriassist.cli import app
from veriassist.eval import store as store_module
from veriassist.eval.metrics import compute
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
    SampleRecord,
    SelfCheck,
    SelfCheckOutcome,
    StopReason,
    Strategy,
    feedback_shown,
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
            reply("updown_bug.sv", prose="Added the missing semicolon."),
            "Requirements: reset OK, load OK, count OK ... nothing disagrees.\nKEEP",
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
    # Compile feedback: the diagnostic with a numbered snippet of the model's own code.
    assert "did not compile" in prompts[1] and "syntax error" in prompts[1]
    # iverilog reports the missing `;` of line 8 at line 9, so both lines are shown.
    assert "   8 |     else if (load) q <= d\n>  9 |     else if (en)" in prompts[1]
    # The own tests failed: evidence, so the self-check runs, with that evidence in hand.
    assert "List the specification's requirements" in prompts[2] and "matches_a_python_model" in prompts[2]
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
    assert any("self-check" in s for s in steps)
    assert [r.self_check for r in outcome.iterations] == [None, SelfCheckOutcome.KEPT, None]


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
        replies=[f"```verilog\n{renamed}```\n```python\n{TB}```", reply("updown_good.sv"), "KEEP"]
    )
    outcome = run_loop(problem, model, LoopSettings(iterations=2))
    assert outcome.iterations[0].own_kind is FailureKind.PORT_MISMATCH
    # A compile failure is corrected at once: a self-check has nothing to read yet.
    assert "did not compile" in sent(model)[1] and "up" in sent(model)[1] and "dir" in sent(model)[1]
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
    assert len(model.requests) == 1 and outcome.stop_reason is StopReason.SINGLE_ATTEMPT
    assert not outcome.passed
    # No testbench is asked for, so neither the prompt nor the system prompt gives cocotb rules.
    assert all("cocotb" not in m.content for m in model.requests[0])

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
    # 150 tokens a call: generation and self-check spend 300, the correction reaches 450.
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
            reply("updown_syntax.sv"),  # iteration 1: does not compile
            "I would use a counter.",  # iteration 2: no code
            reply("updown_bug.sv"),  # iteration 3: its own tests fail, so a self-check
            "KEEP",
            reply("updown_good.sv"),  # iteration 4
        ]
    )
    seen: list[tuple[int, int]] = []  # (iteration, model calls made when the sink got it)

    def sink(record: IterationRecord) -> None:
        seen.append((record.iteration, len(model.requests)))

    outcome = run_loop(problem, model, LoopSettings(iterations=5), sample=3, on_record=sink)
    assert outcome.passed
    assert seen == [(1, 1), (2, 2), (3, 4), (4, 5)] and len(model.requests) == 5
    assert [(r.task_id, r.sample) for r in outcome.iterations] == [("updown_counter", 3)] * 4


def test_a_sink_that_fails_stops_the_loop_before_another_call(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), "KEEP", reply("updown_good.sv")])

    def full_disk(record: IterationRecord) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        run_loop(problem, model, LoopSettings(iterations=3), on_record=full_disk)
    assert len(model.requests) == 2  # generation and self-check; no correction was asked for


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


# A sentence only the updown_counter spec has: every turn must carry it.
SPEC_SENTENCE = "load works whether or not `en` is high"
SECOND_TEST = """

@cocotb.test()
async def reset_clears_q(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.en.value, dut.load.value, dut.up.value, dut.d.value = 1, 0, 0, 1, 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    assert int(dut.q.value) == 0, f"q={int(dut.q.value)} after reset, expected 0"
"""
STRONG_TB = TB + SECOND_TEST  # two test functions: not weak, so AUTO skips the self-check


def test_every_prompt_of_every_turn_carries_the_spec_and_later_ones_the_ledger(problem: Problem) -> None:
    model = ScriptedModel(
        replies=[
            reply("updown_syntax.sv"),  # compile correction
            "I would use a counter.",  # format error
            reply("updown_bug.sv"),  # own tests fail: self-check, then simulation correction
            "All requirements agree.\nKEEP",
            reply("updown_good.sv"),
        ]
    )
    outcome = run_loop(problem, model, LoopSettings(iterations=5))
    assert outcome.passed and len(model.requests) == 5
    prompts = sent(model)
    assert all(SPEC_SENTENCE in p for p in prompts), [
        i for i, p in enumerate(prompts) if SPEC_SENTENCE not in p
    ]
    assert all("module updown_counter" in p or "`updown_counter`" in p for p in prompts)  # the interface
    # The ledger: one line per earlier attempt, what changed and the verdict the model may see.
    assert "- try 1: first design and testbench -> failed (syntax-error)" in prompts[1]
    assert "async def matches_a_python_model" in prompts[1]  # the testbench it is asked to send back
    assert "- try 2: no usable code" in prompts[2]
    last = prompts[4]
    assert "- try 3: RTL changed (" in last and "-> failed (test-failed)" in last
    assert "- self-check: kept, nothing changed" in last
    assert "Mismatches:" not in last  # the ledger shows own verdicts only, never the golden one


def test_later_requests_carry_the_first_request_the_code_and_the_evidence_and_little_else(
    problem: Problem,
) -> None:
    """Stateless turns: a later request is the first one's content (system prompt, spec, interface),
    the latest code, the new evidence and a ledger line per attempt, plus a few lines of
    instructions. No earlier code or evidence piles up, however many turns there are."""
    model = ScriptedModel(replies=[reply("updown_syntax.sv"), reply("updown_bug.sv"), "KEEP", "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    first, *later = [sum(len(m.content) for m in request) for request in model.requests]
    evidence = [outcome.iterations[0].feedback, *[outcome.iterations[1].feedback] * 2]
    code = [(LOOP / "updown_syntax.sv").read_text(), *[(LOOP / "updown_bug.sv").read_text()] * 2]
    assert len(later) == 3
    for size, shown, rtl in zip(later, evidence, code, strict=True):
        # What remains beyond the first request: the ledger and the turn's instructions.
        assert size - len(rtl) - len(TB) - len(shown) <= first + 1000, (size, first)
    syntax_error_line = (LOOP / "updown_syntax.sv").read_text().splitlines()[8]
    assert all(syntax_error_line not in request[-1].content for request in model.requests[2:])


def test_a_self_check_that_names_a_discrepancy_revises_the_rtl_and_is_recorded(problem: Problem) -> None:
    fix = reply("updown_good.sv", testbench=None, prose="Requirement 4 DISAGREES: `up` is ignored.")
    model = ScriptedModel(replies=[reply("updown_bug.sv"), fix])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    assert outcome.passed and outcome.stop_reason is StopReason.PASSED and len(model.requests) == 2
    (only,) = outcome.iterations
    assert only.self_check is SelfCheckOutcome.REVISED_RTL and only.golden_kind is FailureKind.PASS
    assert only.to_json()["self_check"] == "revised-rtl"


def test_a_self_check_may_add_tests_without_touching_the_rtl(problem: Problem) -> None:
    model = ScriptedModel(
        replies=[reply("updown_good.sv"), f"Reset was UNTESTED.\n```python\n{STRONG_TB}```"]
    )
    outcome = run_loop(problem, model, LoopSettings(iterations=2, self_check=SelfCheck.ALWAYS))
    (only,) = outcome.iterations
    assert only.self_check is SelfCheckOutcome.REVISED_TESTS and outcome.testbench == STRONG_TB
    assert outcome.passed and len(model.requests) == 2


def test_auto_self_check_costs_nothing_when_strong_own_tests_pass(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_good.sv", testbench=STRONG_TB), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    assert outcome.passed and len(model.requests) == 1 and outcome.iterations[0].self_check is None
    # ALWAYS asks anyway; weak tests (one test, one assert) are evidence enough for AUTO.
    model = ScriptedModel(replies=[reply("updown_good.sv", testbench=STRONG_TB), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3, self_check=SelfCheck.ALWAYS))
    assert len(model.requests) == 2 and outcome.iterations[0].self_check is SelfCheckOutcome.KEPT
    # One test with one assert: mutants measure such tests (the default), and these kill enough
    # of them, so no self-check; without that measure AUTO calls them weak by their counts.
    model = ScriptedModel(replies=[reply("updown_good.sv"), "KEEP"])
    outcome = run_loop(problem, model, LoopSettings(iterations=3))
    ratio = outcome.iterations[0].kill_ratio
    assert len(model.requests) == 1 and ratio is not None and ratio >= 0.75, ratio
    model = ScriptedModel(replies=[reply("updown_good.sv"), "KEEP"])
    unmeasured = LoopSettings(iterations=3, strength=StrengthSettings(enabled=False))
    outcome = run_loop(problem, model, unmeasured)
    assert len(model.requests) == 2 and "may not test enough" in sent(model)[1]


def test_never_self_check_goes_straight_to_the_correction(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_bug.sv"), reply("updown_good.sv")])
    outcome = run_loop(problem, model, LoopSettings(iterations=3, self_check="never"))  # type: ignore[arg-type]
    assert outcome.passed and len(model.requests) == 2
    assert "own cocotb testbench and failed" in sent(model)[1]
    assert all(r.self_check is None for r in outcome.iterations)


def test_a_port_named_like_a_python_keyword_gets_advice_on_reaching_it() -> None:
    keyword_port = Problem(
        task_id="kw",
        spec="Output `out` is input `in` inverted.",
        top="kw",
        interface="module kw(input [3:0] in, output [3:0] out);",
    )
    model = ScriptedModel(replies=["no code here"])
    run_loop(keyword_port, model, LoopSettings(iterations=1))
    system = model.requests[0][0].content
    assert 'getattr(dut, "in")' in system and "`dut.in` is a syntax error" in system
    assert 'getattr(dut, "out")' not in system
    # No testbench asked for, no cocotb advice at all.
    model = ScriptedModel(replies=["no code here"])
    run_loop(keyword_port, model, LoopSettings(iterations=1, strategy=Strategy.COMPILE_ONLY))
    assert "getattr" not in model.requests[0][0].content


def test_old_stop_reason_names_still_load_and_feedback_is_recorded_as_shown() -> None:
    assert StopReason("own-check-passed") is StopReason.OWN_PASSED_GOLDEN_FAILED
    assert (
        StopReason("iterations") is StopReason.ITERATIONS
        and StopReason("zero-shot") is StopReason.SINGLE_ATTEMPT
    )
    assert StopReason("format-errors").value == "no-usable-code"
    assert feedback_shown("zero-shot", "own-testbench") is FeedbackMode.NONE
    assert feedback_shown("compile-only", "own-testbench") is FeedbackMode.COMPILER
    assert feedback_shown("veriassist", "own-testbench") is FeedbackMode.OWN_TESTBENCH
    assert feedback_shown("veriassist", "golden") is FeedbackMode.GOLDEN
    with pytest.raises(ValueError, match="own-testbench or golden"):
        LoopSettings(feedback=FeedbackMode.NONE)


def test_a_version_3_database_migrates_to_record_compiler_feedback_and_self_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, run = (
        tmp_path / "old.db",
        {
            "suite_path": "designs",
            "suite_format": "designs",
            "model": "m",
            "model_kind": "api",
            "strategy": "veriassist",
        },
    )
    with monkeypatch.context() as old:
        old.setattr(store_module, "migrations", store_module.migrations[:3])
        with store_module.Store(db) as store:
            store.start_run("before", **run, feedback_mode="own-testbench")
            with pytest.raises(sqlite3.IntegrityError):  # the old schema's CHECK refuses it
                store._query("UPDATE runs SET feedback_mode = 'compiler'")
    checked = IterationRecord("t", 0, 1, self_check=SelfCheckOutcome.REVISED_TESTS)
    with store_module.Store(db) as store:
        assert store.get_run("before").feedback_mode == "own-testbench"  # the old run still loads
        compiled = store.start_run("after", **{**run, "strategy": "compile-only"}, feedback_mode="compiler")
        assert store.get_run("after").feedback_mode == "compiler"
        store.record_iteration(compiled.id, checked)
        store.record_iteration(compiled.id, replace(checked, iteration=2, self_check=None))
        assert [i.self_check for i in store.iterations(compiled.id)] == [SelfCheckOutcome.REVISED_TESTS, None]
    with store_module.Store(db) as store:  # a fresh connection reads the loosened CHECK too
        store.start_run("again", **run, feedback_mode="compiler")
        with pytest.raises(store_module.StoreError, match="feedback_mode"):
            store.start_run("bad", **run, feedback_mode="oracle")


def test_run_metrics_count_self_check_outcomes() -> None:
    its = [
        IterationRecord("a", 0, 1, self_check=SelfCheckOutcome.KEPT),
        IterationRecord("a", 0, 2),
        IterationRecord("b", 0, 1, self_check=SelfCheckOutcome.REVISED_RTL),
        IterationRecord("c", 0, 1, self_check=SelfCheckOutcome.KEPT),
    ]
    samples = [SampleRecord(t, 0, True, FailureKind.PASS) for t in "abc"]
    assert compute(samples, its).self_checks == {"kept": 2, "revised-rtl": 1}
    assert compute(samples, []).self_checks == {}


def test_runs_show_lists_self_checks_and_marks_manual_token_counts_as_estimates(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    with store_module.Store(db) as store:
        run = store.start_run(
            "by-hand",
            suite_path="designs",
            suite_format="designs",
            model="manual",
            model_kind="manual",
            strategy="veriassist",
            feedback_mode="own-testbench",
        )
        store.record_iteration(
            run.id, IterationRecord("a", 0, 1, tokens_in=40, self_check=SelfCheckOutcome.KEPT)
        )
        store.record_sample(run.id, SampleRecord("a", 0, True, FailureKind.PASS, tokens_in=40))
        store.finish_run(run.id, "completed")
    shown = CliRunner().invoke(app, ["runs", "show", "by-hand", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "self-checks: kept 1" in shown.output
    assert "tokens 40 in / 0 out (estimated as chars/4)" in shown.output


def test_bench_takes_the_self_check_setting_and_records_the_feedback_really_shown(tmp_path: Path) -> None:
    suite = Path(__file__).parent / "fixtures" / "suites" / "designs"
    reference = (suite / "and_gate" / "reference.sv").read_text()
    script = tmp_path / "script.json"
    script.write_text(json.dumps([f"```verilog\n{reference}```\n"]))
    db = tmp_path / "m.db"
    args = ["bench", str(suite), "--only", "and_gate", "--model", f"scripted:{script}", "--db", str(db)]
    args += ["--strategy", "compile-only", "--self-check", "never", "--run", "r", "-j", "1"]
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 0, ran.output
    with store_module.Store(db) as store:
        run = store.get_run("r")
        assert run.settings["self_check"] == "never" and run.feedback_mode == "compiler"
    refused = CliRunner().invoke(app, [*args[:-4], "--feedback", "compiler", "--run", "x"])
    assert refused.exit_code == 2 and "--feedback takes own-testbench or golden" in refused.output
