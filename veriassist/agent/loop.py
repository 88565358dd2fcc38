"""The loop: generate RTL and a testbench, self-verify, simulate, self-correct, until it passes.

It only sequences stages (prompts, model, extract, check, feedback) and stops by
typed exceptions. Revision happens only on evidence, and the best candidate so
far is what comes back: a later, worse attempt never replaces it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from veriassist.agent.evaluate import Attempt, LoopContext, evaluate
from veriassist.agent.outcome import LoopOutcome, LoopSettings, StepCallback
from veriassist.eval.store import IterationRecord
from veriassist.extract import extract
from veriassist.models.base import ChatModel, Completion, Message
from veriassist.models.errors import (
    ModelError,
    ModelProtocolError,
    ModelRequestError,
    ModelRetriesExhausted,
    ScriptExhausted,
)
from veriassist.prompts import render
from veriassist.types import FailureKind, Problem


class StopLoop(Exception):
    """Ends the loop; the message is the recorded stop reason."""


class LimitsExceeded(StopLoop):
    pass


class FormatErrors(StopLoop):
    pass


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
    cost: float | None = 0.0

    def charge(self, completion: Completion) -> None:
        self.tokens_in += completion.prompt_tokens or 0
        self.tokens_out += completion.completion_tokens or 0
        self.cost = (
            None if self.cost is None or completion.cost_usd is None else self.cost + completion.cost_usd
        )
        budget = self.settings.token_budget
        if budget is not None and self.tokens_in + self.tokens_out >= budget:
            raise LimitsExceeded("tokens")

    def check_time(self) -> None:
        limit = self.settings.time_budget_s
        if limit is not None and time.monotonic() - self.started >= limit:
            raise LimitsExceeded("time")


def run_loop(
    problem: Problem,
    model: ChatModel,
    settings: LoopSettings,
    *,
    sample: int = 0,
    on_step: StepCallback | None = None,
) -> LoopOutcome:
    """Run the strategy in `settings` on one problem; never raises for a bad design or a flaky model."""
    say = on_step or (lambda _: None)
    ctx = LoopContext.for_problem(problem, settings)
    spend = _Spend(settings, time.monotonic())
    transcript: list[Message] = [Message("system", ctx.system_prompt)]
    records: list[IterationRecord] = []
    best: Attempt | None = None
    prompt, testbench, format_errors, stop = ctx.first_prompt, None, 0, "iterations"
    try:
        for i in range(1, settings.iterations + 1):
            spend.check_time()
            say(f"iteration {i}: asking {model.describe()}")
            reply = _ask(model, transcript, prompt, spend)
            got = extract(reply.text, ctx.top)
            if got.problems:
                format_errors += 1
                say(f"iteration {i}: no usable code ({'; '.join(got.problems)})")
                feedback = render(
                    "format_error.j2", problems=got.problems, top=ctx.top, want_testbench=ctx.want_testbench
                )
                records.append(_record(problem, sample, i, prompt, reply, feedback, None))
                if format_errors >= settings.max_format_errors:
                    raise FormatErrors("format-errors")
                prompt = feedback
                continue
            format_errors = 0
            assert got.rtl is not None
            rtl, testbench = got.rtl, got.testbench or testbench
            if i == 1 and ctx.self_verify:
                say("self-verification: walking through the design against its tests")
                rtl, testbench = _self_verify(model, transcript, ctx, rtl, testbench, spend)
            say(f"iteration {i}: compiling and simulating")
            attempt = evaluate(ctx, rtl, testbench)
            say(f"iteration {i}: {attempt.headline}")
            records.append(_record(problem, sample, i, prompt, reply, attempt.feedback, attempt))
            best = attempt if best is None or attempt.score > best.score else best
            if settings.strategy == "zero-shot":
                stop = "zero-shot"
                break
            if attempt.done:
                # The model's evidence says done; the golden verdict may still disagree.
                stop = "passed" if attempt.final.passed else "own-check-passed"
                break
            prompt = attempt.next_prompt
    except StopLoop as reason:
        stop = str(reason)
    except _TRANSIENT as error:
        stop = f"model-error: {error}"
    return _outcome(problem, ctx, best, records, transcript, spend, stop)


def _ask(model: ChatModel, transcript: list[Message], prompt: str, spend: _Spend) -> Completion:
    # Each turn sends the system prompt and this turn's prompt only: the latest code and the
    # new evidence, not the whole history, so correction prompts stay small.
    messages = [transcript[0], Message("user", prompt)]
    completion = model.complete(messages)
    transcript += [messages[1], Message("assistant", completion.text)]
    spend.charge(completion)
    return completion


def _self_verify(
    model: ChatModel,
    transcript: list[Message],
    ctx: LoopContext,
    rtl: str,
    testbench: str | None,
    spend: _Spend,
) -> tuple[str, str | None]:
    """The model walks through its own code; it may revise only by naming a concrete discrepancy."""
    reply = _ask(model, transcript, render("self_verify.j2", rtl=rtl, testbench=testbench), spend)
    revised = extract(reply.text, ctx.top)
    if revised.rtl is None or revised.problems:
        return rtl, testbench  # KEEP, or a reply we cannot use: keep what we had
    return revised.rtl, revised.testbench or testbench


def _record(
    problem: Problem,
    sample: int,
    iteration: int,
    prompt: str,
    reply: Completion,
    feedback: str,
    attempt: Attempt | None,
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
    )


def _outcome(
    problem: Problem,
    ctx: LoopContext,
    best: Attempt | None,
    records: list[IterationRecord],
    transcript: list[Message],
    spend: _Spend,
    stop: str,
) -> LoopOutcome:
    verdict = best.final if best else None
    return LoopOutcome(
        task_id=problem.task_id,
        passed=bool(verdict and verdict.passed),
        kind=verdict.kind if verdict else FailureKind.NO_MODULE,
        rtl=best.rtl if best else None,
        testbench=best.testbench if best else None,
        iterations=tuple(records),
        stop_reason=stop,
        tokens_in=spend.tokens_in,
        tokens_out=spend.tokens_out,
        cost=spend.cost,
        elapsed_s=time.monotonic() - spend.started,
        transcript=tuple(transcript),
        feedback=records[-1].feedback if records else "",
        judged_by=ctx.judged_by,
    )


__all__ = ["FormatErrors", "LimitsExceeded", "ModelError", "StopLoop", "run_loop"]
