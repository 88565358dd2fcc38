"""Speed of the agent loop itself, with the model replaced by a local stand-in server.

Every model call goes through the real client code (LangChain + langchain-openai over
HTTP) to `ScriptedOpenAIServer` (veriassist/models/openai_stub.py), a test stand-in on
127.0.0.1 that speaks the OpenAI chat-completions protocol and answers with scripted
replies. No language model is involved; the simulator is real (sandboxed Icarus + cocotb).

It measures, in one invocation:

(a) overhead per iteration: `run_loop` on designs/updown_counter against a zero-latency
    stand-in. The scripted replies take three iterations (a logic bug, the same bug
    again, the fix), each with the model's own cocotb testbench, plus the
    self-verification call. Each iteration's wall time is split into the model call
    (here: client + HTTP only, the server answers at once) and everything else: own
    check (compile + cocotb), golden check, and the rest (extract, prompts, feedback,
    writing the records to a Store the way `veriassist bench` does). Median over
    `--repeats`; target <= 1.5 s of overhead per iteration.
(b) batch: `run_bench` in model mode (what `veriassist bench --model` runs) over
    `--problems` designs x `--iterations` iterations at concurrency `-j`, against the
    stand-in answering every call after `--latency` seconds. The scripted conversation
    per design is: RTL with a logic bug (a mutant) plus a cocotb testbench, KEEP to the
    self-verification, a second mutant, the reference. Golden feedback mode is used so
    that the loop goes on until the golden testbench passes (the scripted cocotb
    testbench is a generic random-stimulus one that cannot tell a mutant from the
    reference); the own cocotb testbench still runs every iteration.
    ideal = calls x latency / J + T_sim / cores, where T_sim is the same batch run
    serially (-j 1) against a zero-latency stand-in: the time that is not waiting for
    the model. Target: measured <= 1.3 x ideal.
(c) prompt tokens per turn: generation, self-verification and each correction turn,
    from what the stand-in received (its `usage` counts whitespace-separated words, as
    no tokenizer is available offline) and characters / 4. A correction prompt carries
    the latest code and the new evidence only, so it does not grow with the turn; the
    "history" column is what resending the whole conversation would cost.

The run is marked as a stand-in (VERIASSIST_STAND_IN=1), so its records say so.

    python tools/bench_loop.py                      # defaults: about 2-3 minutes
    python tools/bench_loop.py --problems 8 --repeats 3   # quicker
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import veriassist.agent.evaluate as evaluate_module  # noqa: E402
from veriassist.agent import turns  # noqa: E402
from veriassist.agent.evaluate import LoopContext  # noqa: E402
from veriassist.agent.loop import run_loop  # noqa: E402
from veriassist.agent.outcome import LoopSettings  # noqa: E402
from veriassist.check.checker import CheckOptions  # noqa: E402
from veriassist.eval.bench import BenchRequest, _record_outcome, run_bench  # noqa: E402
from veriassist.eval.store import Store  # noqa: E402
from veriassist.models import (  # noqa: E402
    ChatModel,
    Completion,
    Message,
    ModelWrapper,
    make_model,
    resolve_settings,
)
from veriassist.models.openai_stub import Reply, ScriptedOpenAIServer, Step  # noqa: E402
from veriassist.suites import load_suite  # noqa: E402
from veriassist.types import CheckResult, Problem, TestbenchStyle  # noqa: E402

DESIGNS = ROOT / "designs"
LOOP_FIXTURES = ROOT / "tests" / "fixtures" / "loop"
MODEL = "openai:scripted-stand-in"
OVERHEAD_TARGET_S = 1.5
BATCH_TARGET = 1.3
SELF_VERIFY_MARK = "end your reply with the single word KEEP"


# -- helpers -------------------------------------------------------------------------


def isolate_environment(home: Path) -> None:
    """No user config, no provider variables, no reply cache; records marked stand-in."""
    for name in list(os.environ):
        if name.startswith(("OPENAI", "VERIASSIST", "ANTHROPIC")):
            del os.environ[name]
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    os.environ["VERIASSIST_STAND_IN"] = "1"
    os.chdir(home)  # no project veriassist.toml


def stand_in_model(url: str) -> ChatModel:
    return make_model(resolve_settings({"model": MODEL, "base_url": url, "no_cache": True}))


def reply_text(rtl: str, testbench: str | None, prose: str) -> str:
    text = f"{prose}\n```verilog\n{rtl.strip()}\n```\n"
    if testbench:
        text += f"\n```python\n{testbench.strip()}\n```\n"
    return text


def words(text: str) -> int:
    return len(text.split())


class TimedModel(ModelWrapper):
    """Wraps the model to time every call (the loop's model wait)."""

    def __init__(self, inner: ChatModel, clock: Callable[[], float]) -> None:
        super().__init__(inner)
        self.clock = clock
        self.calls: list[tuple[float, float]] = []  # (start, end)

    def complete(self, messages: Sequence[Message]) -> Completion:
        start = self.clock()
        try:
            return self.inner.complete(messages)
        finally:
            self.calls.append((start, self.clock()))


@dataclass
class CheckTimer:
    """Times the own (cocotb) and golden checks by wrapping the loop's `check`."""

    spans: list[tuple[str, float, float]] = field(default_factory=list)

    def install(self) -> Callable[[], None]:
        original_check, original_compile = evaluate_module.check, evaluate_module.compile_only

        def timed_check(candidate: Any, testbench: Any, options: Any, **kw: Any) -> CheckResult:
            start = time.monotonic()
            try:
                return original_check(candidate, testbench, options, **kw)
            finally:
                kind = "own" if testbench.style is TestbenchStyle.COCOTB else "golden"
                self.spans.append((kind, start, time.monotonic()))

        def timed_compile(candidate: Any, options: Any, **kw: Any) -> CheckResult:
            start = time.monotonic()
            try:
                return original_compile(candidate, options, **kw)
            finally:
                self.spans.append(("own", start, time.monotonic()))

        evaluate_module.check = timed_check  # type: ignore[assignment]
        evaluate_module.compile_only = timed_compile  # type: ignore[assignment]

        def restore() -> None:
            evaluate_module.check = original_check
            evaluate_module.compile_only = original_compile

        return restore


def mark_iteration(marks: list[float], message: str) -> None:
    """on_step: note when each iteration starts asking the model."""
    if message.startswith("iteration") and ": asking" in message:
        marks.append(time.monotonic())


def inside(spans: Sequence[tuple[float, float]], lo: float, hi: float) -> float:
    return sum(end - start for start, end in spans if lo <= start < hi)


# -- (a) overhead per iteration --------------------------------------------------------


@dataclass(frozen=True)
class IterationTiming:
    wall: float
    model: float
    own: float
    golden: float

    @property
    def overhead(self) -> float:
        return self.wall - self.model


def measure_overhead(
    problem: Problem, repeats: int, sandbox: bool
) -> tuple[list[IterationTiming], list[float], dict[str, Any]]:
    testbench = (LOOP_FIXTURES / "updown_tb.py").read_text()
    bug = (LOOP_FIXTURES / "updown_bug.sv").read_text()
    good = (LOOP_FIXTURES / "updown_good.sv").read_text()
    script: list[Step | str] = [
        reply_text(bug, testbench, "Here is my design."),
        "I walked through reset, load and counting; the values agree with the tests.\nKEEP",
        reply_text("// revised\n" + bug, testbench, "The test says q is wrong when counting down; fixed."),
        reply_text(good, testbench, "The RTL ignored `up` when counting; fixed the RTL."),
    ]
    settings = LoopSettings(iterations=5, check=CheckOptions(sandbox=sandbox))
    timings: list[IterationTiming] = []
    record_s: list[float] = []
    last: dict[str, Any] = {}
    timer = CheckTimer()
    restore = timer.install()
    try:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "records.db") as store:
            for repeat in range(repeats + 1):  # the first run warms up caches and imports
                with ScriptedOpenAIServer(script) as server:
                    model = TimedModel(stand_in_model(server.url), time.monotonic)
                    marks: list[float] = []
                    timer.spans.clear()
                    outcome = run_loop(problem, model, settings, on_step=partial(mark_iteration, marks))
                    marks.append(time.monotonic())
                    run = store.start_run(
                        f"overhead-{repeat}",
                        suite_path=str(DESIGNS),
                        suite_format="designs",
                        model=model.name,
                        model_kind=model.kind,
                        stand_in=model.is_stand_in,
                        strategy="veriassist",
                        feedback_mode="own-testbench",
                        settings={},
                        versions={},
                    )
                    start = time.monotonic()
                    _record_outcome(store, run.id, problem.task_id, 0, outcome)
                    per_record = (time.monotonic() - start) / max(len(outcome.iterations), 1)
                assert outcome.passed and len(outcome.iterations) == 3, (outcome.stop_reason, outcome.kind)
                if repeat == 0:
                    continue
                record_s.append(per_record)
                own = [(a, b) for kind, a, b in timer.spans if kind == "own"]
                golden = [(a, b) for kind, a, b in timer.spans if kind == "golden"]
                for lo, hi in itertools.pairwise(marks):
                    timings.append(
                        IterationTiming(
                            wall=hi - lo + per_record,
                            model=inside(model.calls, lo, hi),
                            own=inside(own, lo, hi),
                            golden=inside(golden, lo, hi),
                        )
                    )
                last = {"outcome": outcome, "requests": list(server.requests)}
    finally:
        restore()
    return timings, record_s, last


# -- (b) batch -----------------------------------------------------------------------

SMOKE_TB = '''\
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer

INPUTS = {inputs!r}
OUTPUTS = {outputs!r}
CLOCK = {clock!r}
RESETS = {resets!r}  # name: active level


@cocotb.test()
async def random_stimulus_gives_known_outputs(dut):
    """Drive random inputs for 200 steps; every output must settle to 0/1 after reset."""
    rng = random.Random(1)
    if CLOCK:
        cocotb.start_soon(Clock(getattr(dut, CLOCK), 10, unit="ns").start())
    for name in INPUTS:
        getattr(dut, name).value = 0
    for name, active in RESETS.items():
        getattr(dut, name).value = active
    for _ in range(3):
        await (RisingEdge(getattr(dut, CLOCK)) if CLOCK else Timer(10, unit="ns"))
    for name, active in RESETS.items():
        getattr(dut, name).value = 1 - active
    seen = 0
    for step in range(200):
        for name in INPUTS:
            handle = getattr(dut, name)
            handle.value = rng.getrandbits(len(handle))
        await (FallingEdge(getattr(dut, CLOCK)) if CLOCK else Timer(10, unit="ns"))
        for name in OUTPUTS:
            seen += getattr(dut, name).value.is_resolvable
    assert seen >= 0, "outputs were sampled"
'''


def smoke_testbench(problem: Problem) -> str:
    from veriassist import hdl

    assert problem.reference is not None
    interface = hdl.module_interface(problem.reference.text, problem.top)
    names = [p.name for p in interface.ports if p.direction == "input"]
    clock = next((n for n in names if n.lower() in ("clk", "clock", "clk_i")), None)
    resets = {
        n: 0 if n.lower().endswith(("_n", "n_i", "resetn", "rstn")) else 1
        for n in names
        if "rst" in n.lower() or "reset" in n.lower()
    }
    inputs = [n for n in names if n != clock and n not in resets]
    outputs = [p.name for p in interface.ports if p.direction == "output"]
    return SMOKE_TB.format(inputs=inputs, outputs=outputs, clock=clock, resets=resets)


@dataclass
class Conversation:
    """One design's scripted replies: first prompt -> mutant A, KEEP, mutant B, reference."""

    first_prompt: str
    chain: tuple[str, ...]  # RTL texts in the order they are sent
    testbench: str


def conversations(problems: Sequence[Problem], settings: LoopSettings) -> list[Conversation]:
    found = []
    for problem in problems:
        assert problem.reference is not None
        mutants = sorted((DESIGNS / problem.task_id / "mutants").glob("*.sv"))
        first = code_only(mutants[0].read_text())
        second = (
            code_only(mutants[1].read_text())
            if len(mutants) > 1
            else first.replace("module", "module /* v2 */", 1)
        )
        found.append(
            Conversation(
                first_prompt=turns.first_prompt(LoopContext.for_problem(problem, settings)),
                chain=(first, second, code_only(problem.reference.text)),
                testbench=smoke_testbench(problem),
            )
        )
    return found


def code_only(text: str) -> str:
    """From the first `module` on: a mutant's leading comment names its bug, which no model would write."""
    return text[text.index("module") :].strip()


def responder_for(convs: Sequence[Conversation]) -> Callable[[dict[str, Any]], Step | str | None]:
    """Picks each request's reply from its last message, so conversations can interleave."""
    by_prompt = {c.first_prompt: c for c in convs}

    def respond(body: dict[str, Any]) -> Step | str | None:
        prompt = str(body["messages"][-1]["content"])
        conv = by_prompt.get(prompt)
        if conv is not None:
            return Reply(reply_text(conv.chain[0], conv.testbench, "Here is my design."))
        if SELF_VERIFY_MARK in prompt:
            return "I walked through the test cases; the values agree.\nKEEP"
        for conv in convs:
            for index, rtl in enumerate(conv.chain[:-1]):
                if rtl in prompt:
                    return reply_text(
                        conv.chain[index + 1], conv.testbench, "Fixed the RTL from the evidence."
                    )
        return None

    return respond


@dataclass(frozen=True)
class BatchRun:
    seconds: float
    calls: int
    iterations: int
    passed: int
    samples: int
    stand_in: bool
    max_in_flight: int
    requests: list[dict[str, Any]]


def run_batch(
    problems: Sequence[Problem],
    convs: Sequence[Conversation],
    *,
    iterations: int,
    jobs: int,
    latency: float,
    sandbox: bool,
    db: Path,
) -> BatchRun:
    with ScriptedOpenAIServer(responder=responder_for(convs), latency_s=latency) as server:
        request = BenchRequest(
            suite_path=DESIGNS,
            mode="model",
            model=MODEL,
            base_url=server.url,
            iterations=iterations,
            feedback="golden",
            jobs=jobs,
            db=db,
            sandbox=sandbox,
            only=tuple(p.task_id for p in problems),
        )
        start = time.monotonic()
        result = run_bench(request)
        seconds = time.monotonic() - start
        with Store(db) as store:
            iterations_done = len(store.iterations(result.run.id))
        return BatchRun(
            seconds=seconds,
            calls=server.request_count,
            iterations=iterations_done,
            passed=sum(r.passed for r in result.records),
            samples=len(result.records),
            stand_in=result.run.stand_in,
            max_in_flight=server.max_in_flight,
            requests=list(server.requests),
        )


# -- (c) prompt tokens per turn ------------------------------------------------------


def turns_of(
    requests: Sequence[dict[str, Any]], transcript: Sequence[Message] = ()
) -> list[tuple[str, int, int, int | None]]:
    """(turn, words sent, chars sent, words a whole-history request would send) per request.

    The history column needs the conversation's replies (the loop's transcript); without
    one it is None.
    """
    rows: list[tuple[str, int, int, int | None]] = []
    corrections = 0
    users = [i for i, m in enumerate(transcript) if m.role == "user"]
    for index, body in enumerate(requests):
        messages = body["messages"]
        sent_words = sum(words(str(m["content"])) for m in messages)
        sent_chars = sum(len(str(m["content"])) for m in messages)
        prompt = str(messages[-1]["content"])
        kind = "generate" if index == 0 else "self-verify" if SELF_VERIFY_MARK in prompt else "correction"
        if kind == "correction":
            corrections += 1
            kind = f"correction {corrections}"
        history = (
            sum(words(m.content) for m in transcript[: users[index] + 1]) if index < len(users) else None
        )
        rows.append((kind, sent_words, sent_chars, history))
    return rows


# -- main ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="overhead runs (after one warm-up)")
    parser.add_argument("--problems", type=int, default=30, help="designs in the batch")
    parser.add_argument("--iterations", type=int, default=3, help="loop iterations per design in the batch")
    parser.add_argument("-j", "--jobs", type=int, default=8, help="batch concurrency (model calls in flight)")
    parser.add_argument("--latency", type=float, default=1.0, help="stand-in seconds per reply in the batch")
    parser.add_argument("--no-sandbox", action="store_true", help="simulate without the sandbox")
    parser.add_argument("--skip-batch", action="store_true", help="only the overhead and token figures")
    args = parser.parse_args(argv)
    sandbox = not args.no_sandbox
    cores = os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="bench-loop-") as tmp:
        home = Path(tmp)
        isolate_environment(home)
        suite = load_suite(DESIGNS)
        updown = suite.get("updown_counter")

        print(
            f"bench_loop: the model is ScriptedOpenAIServer, a stand-in on 127.0.0.1 (not a model); {cores} cores, "
            f"sandbox {'on' if sandbox else 'off'}"
        )
        timings, record_s, last = measure_overhead(updown, args.repeats, sandbox)
        med = statistics.median
        overhead = med(t.overhead for t in timings)
        print()
        print(
            f"(a) overhead per iteration: updown_counter, 3 iterations x {args.repeats} runs, zero-latency stand-in"
        )
        print(f"    {'':36} {'median s':>9} {'max s':>7}")
        rows = [
            ("iteration wall time", [t.wall for t in timings]),
            ("  model call (client + HTTP)", [t.model for t in timings]),
            ("  own check (compile + cocotb)", [t.own for t in timings]),
            ("  golden check (iverilog)", [t.golden for t in timings]),
            ("  rest (extract, prompts, records)", [t.overhead - t.own - t.golden for t in timings]),
            ("    of which store writes", record_s),
            ("overhead (all but the model call)", [t.overhead for t in timings]),
        ]
        for label, values in rows:
            print(f"    {label:36} {med(values):9.3f} {max(values):7.3f}")
        print(
            f"    overhead / target {OVERHEAD_TARGET_S:.1f} s: {overhead / OVERHEAD_TARGET_S:.2f}x "
            f"({'OK' if overhead <= OVERHEAD_TARGET_S else 'OVER'})"
        )

        print()
        print(
            "(c) prompt sent per turn (system + this turn's user message; usage = the stand-in's word count)"
        )
        print(f"    {'turn':14} {'usage tok':>9} {'chars/4':>8} {'whole history':>13}")
        for kind, sent_words, chars, history in turns_of(last["requests"], last["outcome"].transcript):
            print(f"    {kind:14} {sent_words:9d} {chars // 4:8d} {history or 0:13d}")
        tokens_in = [it.tokens_in for it in last["outcome"].iterations]
        print(f"    recorded usage_metadata input tokens per iteration: {tokens_in}")

        if args.skip_batch:
            return 0
        problems = [p for p in suite.problems if p.reference is not None and p.testbench is not None][
            : args.problems
        ]
        settings = LoopSettings(iterations=args.iterations, feedback="golden")
        convs = conversations(problems, settings)
        print()
        print(
            f"(b) batch: {len(problems)} designs x {args.iterations} iterations, -j {args.jobs}, golden feedback"
        )
        serial = run_batch(
            problems,
            convs,
            iterations=args.iterations,
            jobs=1,
            latency=0.0,
            sandbox=sandbox,
            db=home / "serial.db",
        )
        batch = run_batch(
            problems,
            convs,
            iterations=args.iterations,
            jobs=args.jobs,
            latency=args.latency,
            sandbox=sandbox,
            db=home / "batch.db",
        )
        ideal = batch.calls * args.latency / args.jobs + serial.seconds / cores
        print(f"    {'':40} {'seconds':>8}")
        print(f"    {'serial, zero latency (T_sim)':40} {serial.seconds:8.1f}")
        print(
            f"    {f'model waits: {batch.calls} calls x {args.latency:g} s / {args.jobs}':40} "
            f"{batch.calls * args.latency / args.jobs:8.1f}"
        )
        print(f"    {f'ideal = waits + T_sim / {cores} cores':40} {ideal:8.1f}")
        print(f"    {'measured':40} {batch.seconds:8.1f}")
        print(
            f"    measured / ideal: {batch.seconds / ideal:.2f}x (target {BATCH_TARGET}x: "
            f"{'OK' if batch.seconds <= BATCH_TARGET * ideal else 'OVER'}); "
            f"fully serial would be {batch.calls * args.latency + serial.seconds:.0f} s"
        )
        print(
            f"    iterations recorded {batch.iterations} (serial {serial.iterations}), passed "
            f"{batch.passed}/{batch.samples}, most calls in flight {batch.max_in_flight}, "
            f"run marked stand-in: {batch.stand_in}"
        )
        by_turn: dict[str, list[int]] = {}
        conversations_seen: dict[str, list[dict[str, Any]]] = {}
        firsts = {c.first_prompt: c for c in convs}
        for body in serial.requests:  # serial: each conversation's requests are contiguous
            prompt = str(body["messages"][-1]["content"])
            if prompt in firsts:
                key = prompt
                conversations_seen[key] = []
            conversations_seen[key].append(body)
        for requests in conversations_seen.values():
            for kind, sent_words, _, _ in turns_of(requests):
                by_turn.setdefault(kind, []).append(sent_words)
        print(
            "    prompt usage tokens per turn over the batch's designs (median / max): "
            + ", ".join(f"{k} {med(v):.0f}/{max(v)}" for k, v in by_turn.items())
        )
    return 0


if __name__ == "__main__":
    random.seed(0)
    threading.current_thread().name = "bench-loop"
    raise SystemExit(main())
