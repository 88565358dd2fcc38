"""The loop: generate RTL and a testbench, simulate, self-check, self-correct, until it passes.

It only sequences stages (turns, model, extract, evaluate) and stops by typed exceptions.
Every turn is stateless and carries the spec, the latest code, the new evidence and a
ledger of earlier attempts. The self-check runs once, when its setting and the evidence
call for it (own tests that fail or look weak). Own tests that pass are checked against
mutants of the design (agent/strength.py); too few killed, and the model is asked, a bounded
number of times, to strengthen them. Revision happens only on evidence, and the
best candidate so far is what comes back: a later, worse attempt never replaces it. Each
iteration's record goes to the sink before the next model call, so a killed run keeps
every finished iteration."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass

from veriassist.agent import turns
from veriassist.agent.evaluate import Attempt, LoopContext, evaluate
from veriassist.agent.outcome import LoopOutcome, LoopSettings, RecordSink, StepCallback
from veriassist.agent.strength import StrengthGate, StrengthReport
from veriassist.check.reference_counts import ReferenceCounts
from veriassist.models.base import ChatModel, Completion, Message
from veriassist.models.errors import (
    ModelProtocolError,
    ModelRequestError,
    ModelRetriesExhausted,
    ScriptExhausted,
)
from veriassist.types import (
    FailureKind,
    IterationRecord,
    Problem,
    SelfCheckOutcome,
    StopReason,
    Strategy,
)


class StopLoop(Exception):
    """Ends the loop for `reason`."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class LimitsExceeded(StopLoop):
    """A token or time budget ran out."""


class FormatErrors(StopLoop):
    """Too many replies in a row held no usable code."""


class Finished(StopLoop):
    """The evidence says stop: a pass, or a strategy of one attempt."""


# Errors about this conversation, not the model's setup: stop this attempt and keep the best
# design so far, so a batch goes on. A refused request (a 400: a prompt over the context
# window, a content filter) is one of them. Auth, not-found and unreachable propagate.
_TRANSIENT = (ModelRetriesExhausted, ModelProtocolError, ModelRequestError, ScriptExhausted)


@dataclass
class _Spend:
    """Tokens, cost and time used so far, checked against the budgets after every call."""

    settings: LoopSettings
    started: float
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_estimated: bool = False
    cost: float | None = 0.0

    def charge(self, completion: Completion) -> None:
        self.tokens_in += completion.prompt_tokens or 0
        self.tokens_out += completion.completion_tokens or 0
        # A manual model's counts are chars/4 estimates: no tokenizer saw the text.
        self.tokens_estimated |= completion.kind == "manual"
        self.cost = (
            None if self.cost is None or completion.cost_usd is None else self.cost + completion.cost_usd
        )
        budget = self.settings.token_budget
        if budget is not None and self.tokens_in + self.tokens_out >= budget:
            raise LimitsExceeded(StopReason.TOKENS)

    def check_time(self) -> None:
        limit = self.settings.time_budget_s
        if limit is not None and time.monotonic() - self.started >= limit:
            raise LimitsExceeded(StopReason.TIME)


def run_loop(
    problem: Problem,
    model: ChatModel,
    settings: LoopSettings,
    *,
    sample: int = 0,
    on_step: StepCallback | None = None,
    on_record: RecordSink | None = None,
    counts: ReferenceCounts | None = None,
) -> LoopOutcome:
    """Run the strategy in `settings` on one problem; never raises for a bad design or a flaky model."""
    say = on_step or (lambda _: None)
    ctx = LoopContext.for_problem(problem, settings, counts)
    gate = StrengthGate(ctx)  # own tests that pass are checked against mutants of the design
    spend = _Spend(settings, time.monotonic())
    transcript = [Message("system", turns.system_prompt(ctx))]
    records: list[IterationRecord] = []
    ledger: list[str] = []  # one line per earlier attempt, carried by every later turn
    best: Attempt | None = None
    latest: Attempt | None = None
    prompt, testbench, format_errors, self_checked = turns.first_prompt(ctx), None, 0, False
    stop, model_error = StopReason.ITERATIONS, None

    def keep(
        i: int,
        prompt: str,
        reply: Completion,
        feedback: str,
        attempt: Attempt | None,
        checked: SelfCheckOutcome | None = None,
        strength: StrengthReport | None = None,
    ) -> None:
        records.append(
            gate.annotate(_record(problem, sample, i, prompt, reply, feedback, attempt, checked), strength)
        )
        if on_record is not None:
            on_record(records[-1])

    try:
        for i in range(1, settings.iterations + 1):
            spend.check_time()
            say(f"iteration {i}: asking {model.describe()}")
            reply = _ask(model, transcript, prompt, spend)
            got = turns.read_reply(ctx, reply.text)  # a CVDP reply is read by its named files
            if got.rtl is None and got.testbench is not None and latest is not None:
                # Only tests came back (asked to strengthen them, "RTL only if you changed it").
                got = dataclasses.replace(got, rtl=latest.rtl, problems=())
            if got.problems or got.rtl is None:
                format_errors += 1
                say(f"iteration {i}: no usable code ({'; '.join(got.problems)})")
                ledger.append(turns.format_error_line(f"try {i}", got.problems))
                feedback = turns.format_error_prompt(ctx, got.problems, ledger)
                keep(i, prompt, reply, feedback, None)
                if format_errors >= settings.max_format_errors:
                    raise FormatErrors(StopReason.FORMAT_ERRORS)
                prompt = feedback
                continue
            format_errors = 0
            testbench = got.testbench or testbench
            say(f"iteration {i}: compiling and simulating")
            attempt = evaluate(ctx, got.rtl, testbench)
            say(f"iteration {i}: {attempt.headline}")
            ledger.append(turns.ledger_line(f"try {i}", latest, attempt))
            checked = None
            if not self_checked and ctx.wants_self_check(attempt, strength_measured=gate.applies):
                self_checked = True
                say("self-check: the spec's requirements against the RTL and its tests")
                checked_attempt, checked = _self_check(model, transcript, ctx, attempt, ledger, spend)
                ledger.append(turns.self_check_line(checked, attempt, checked_attempt))
                attempt = checked_attempt
                testbench = attempt.testbench
                say(f"self-check: {checked.value}; {attempt.headline}")
            strength = gate.review(attempt, last=i == settings.iterations)
            if strength is not None:
                say(f"strength check: {strength.line} ({strength.duration_s:.1f} s)")
                ledger.append(turns.strength_line(strength))
            shown = turns.strength_evidence(strength) if strength and strength.weak else attempt.feedback
            keep(i, prompt, reply, shown, attempt, checked, strength)
            latest = attempt
            if best is None or (attempt.score, gate.rank(attempt)) > (best.score, gate.rank(best)):
                best = attempt  # on a tie, the tests that kill more mutants
            if settings.strategy is Strategy.ZERO_SHOT:
                raise Finished(StopReason.SINGLE_ATTEMPT)
            if attempt.done:  # the model's evidence says done; the golden verdict may still disagree
                if strength is not None and strength.asks:  # ... but its tests could hardly have failed
                    prompt = turns.strengthen_prompt(ctx, attempt, strength, ledger)
                    continue
                if strength is not None and strength.final:
                    raise Finished(StopReason.WEAK_TESTS)
                raise Finished(
                    StopReason.PASSED if attempt.final.passed else StopReason.OWN_PASSED_GOLDEN_FAILED
                )
            prompt = turns.correction_prompt(ctx, attempt, ledger)
    except StopLoop as stopped:
        stop = stopped.reason
    except _TRANSIENT as error:
        stop, model_error = StopReason.MODEL_ERROR, str(error)
    return _outcome(ctx, best, records, transcript, spend, stop, model_error)


def _ask(model: ChatModel, transcript: list[Message], prompt: str, spend: _Spend) -> Completion:
    # Stateless turns: the system prompt and this turn's prompt, which carries the spec, the
    # latest code, the new evidence and the ledger, not the whole history.
    messages = [transcript[0], Message("user", prompt)]
    completion = model.complete(messages)
    transcript += [messages[1], Message("assistant", completion.text)]
    spend.charge(completion)
    return completion


def _self_check(
    model: ChatModel,
    transcript: list[Message],
    ctx: LoopContext,
    attempt: Attempt,
    ledger: list[str],
    spend: _Spend,
) -> tuple[Attempt, SelfCheckOutcome]:
    """The model checks the spec's requirements; it may revise only by naming a discrepancy."""
    reply = _ask(model, transcript, turns.self_check_prompt(ctx, attempt, ledger), spend)
    revised = turns.read_reply(ctx, reply.text)
    if revised.rtl is None and revised.testbench is None:
        return attempt, SelfCheckOutcome.KEPT
    if revised.rtl is not None and revised.problems:
        return attempt, SelfCheckOutcome.UNUSABLE
    rtl = revised.rtl if revised.rtl is not None else attempt.rtl
    testbench = revised.testbench or attempt.testbench
    new_rtl, new_tests = rtl != attempt.rtl, testbench != attempt.testbench
    if not (new_rtl or new_tests):
        return attempt, SelfCheckOutcome.KEPT
    outcome = (
        SelfCheckOutcome.REVISED_BOTH
        if new_rtl and new_tests
        else SelfCheckOutcome.REVISED_RTL
        if new_rtl
        else SelfCheckOutcome.REVISED_TESTS
    )
    return evaluate(ctx, rtl, testbench), outcome


def _record(
    problem: Problem,
    sample: int,
    iteration: int,
    prompt: str,
    reply: Completion,
    feedback: str,
    attempt: Attempt | None,
    self_check: SelfCheckOutcome | None = None,
) -> IterationRecord:
    return IterationRecord(
        task_id=problem.task_id,
        sample=sample,
        iteration=iteration,
        own_passed=attempt.own.passed if attempt else None,
        own_kind=attempt.own.kind if attempt else FailureKind.NO_MODULE,
        golden_passed=attempt.golden.passed if attempt and attempt.golden else None,
        golden_kind=attempt.golden.kind if attempt and attempt.golden else None,
        prompt=prompt,
        reply=reply.text,
        feedback=feedback,
        tokens_in=reply.prompt_tokens or 0,
        tokens_out=reply.completion_tokens or 0,
        latency_s=reply.latency_s,
        code_hash=hashlib.sha256(attempt.rtl.encode()).hexdigest() if attempt else None,
        self_check=self_check,
        golden_summary=attempt.golden.summary if attempt and attempt.golden else "",
    )


def _outcome(
    ctx: LoopContext,
    best: Attempt | None,
    records: list[IterationRecord],
    transcript: list[Message],
    spend: _Spend,
    stop: StopReason,
    model_error: str | None,
) -> LoopOutcome:
    verdict = best.final if best else None
    return LoopOutcome(
        task_id=ctx.problem.task_id,
        passed=bool(verdict and verdict.passed),
        kind=verdict.kind if verdict else FailureKind.NO_MODULE,
        rtl=best.rtl if best else None,
        testbench=best.testbench if best else None,
        iterations=tuple(records),
        stop_reason=stop,
        model_error=model_error,
        tokens_in=spend.tokens_in,
        tokens_out=spend.tokens_out,
        tokens_estimated=spend.tokens_estimated,
        cost=spend.cost,
        elapsed_s=time.monotonic() - spend.started,
        transcript=tuple(transcript),
        feedback=records[-1].feedback if records else "",
        judged_by=ctx.judged_by,
    )


__all__ = ["Finished", "FormatErrors", "LimitsExceeded", "StopLoop", "run_loop"]
