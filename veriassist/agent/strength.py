"""The own-testbench strength check: could the model's own tests have failed?

When the model's own tests pass, mutants of its design (`hdl.mutate`, the mistakes models make:
off-by-one constants, the other clock edge, inverted conditions, wrong reset values, dropped
terms, `^` as `|`, a reset made (a)synchronous) run against the same tests, in parallel and
sandboxed through the ordinary check, within a time budget. The share they kill is the tests'
strength. Too few killed and the run is not done: the next turn shows the surviving mutants as
small diffs and asks for stronger tests, or a fixed RTL where a diff shows the RTL was wrong.

Equivalent mutants (a mutant that behaves exactly like the design, so no test can kill it)
must not block a run. Two guards, and no hidden reference is ever used:

1. Every survivor is proved against the design with Yosys (`check.equivalence.formal_check`,
   the design standing in as the reference). One proved EQUIVALENT is dropped: not counted,
   not shown. The proof's assumptions are the formal verdict's (registers start at 0, the reset
   is held first); a mutant that differs only outside them is not worth a test either. A
   BOUNDED or UNKNOWN proof keeps the survivor: it may be equivalent, it may not.
2. A cap: the model is asked to strengthen at most `StrengthSettings.rounds` times per run.
   When the check still calls the tests weak after that (an equivalent mutant Yosys could not
   prove, or tests the model would not strengthen), the run ends with stop reason "weak-tests"
   and its verdict unchanged, instead of looping.

Mutants that do not compile are not counted (broken code, not behaviour), nor are those the
budget left unrun; a check that counts none calls nothing weak.
"""

from __future__ import annotations

import concurrent.futures as cf
import difflib
import os
import time
from dataclasses import dataclass, replace

from veriassist.agent.evaluate import Attempt, LoopContext, candidate_of, own_testbench
from veriassist.agent.outcome import StrengthSettings
from veriassist.check.checker import check
from veriassist.check.equivalence import FormalOptions, formal_check, yosys_installed
from veriassist.hdl.mutate import MODEL_MISTAKES, Mutant, mutants
from veriassist.suites import cvdp
from veriassist.types import (
    FailureKind,
    FeedbackMode,
    FormalStatus,
    IterationRecord,
    SourceFile,
    Strategy,
    Testbench,
    TestbenchStyle,
)

# A mutant that hangs is caught by its own timeout: this many times the design's own run,
# within these bounds (and never past the check's budget).
_HANG_FACTOR, _HANG_FLOOR_S = 3.0, 10.0
# At most this long for one survivor's proof. Generous, so that a proof ends at its depth bound
# rather than at the clock: what the prompt says of a survivor should not depend on the load.
_PROOF_S = 30.0
_SHOWN_CHARS = 120  # one changed line as the model reads it


@dataclass(frozen=True)
class Change:
    """One changed place of a mutant, as the model reads it: the line and its old and new text."""

    line: int
    old: str
    new: str


@dataclass(frozen=True)
class Survivor:
    mutant: Mutant
    changes: tuple[Change, ...]
    proof: str = ""  # what Yosys said about it; "" when no proof ran


@dataclass(frozen=True)
class StrengthReport:
    """One strength check of one design and its own tests."""

    killed: int
    survivors: tuple[Survivor, ...]
    equivalent: tuple[str, ...]  # survivors proved equivalent to the design: dropped
    invalid: int  # mutants that did not compile: not counted
    unrun: int  # mutants the budget left unrun: not counted
    duration_s: float
    threshold: float
    asks: bool = False  # weak, and the model is asked to strengthen its tests
    final: bool = False  # weak, and no round is left: the run ends with "weak-tests"

    @property
    def counted(self) -> int:
        return self.killed + len(self.survivors)

    @property
    def ratio(self) -> float | None:
        return self.killed / self.counted if self.counted else None

    @property
    def weak(self) -> bool:
        return self.ratio is not None and self.ratio < self.threshold

    @property
    def line(self) -> str:
        """One line for the ledger and the progress messages."""
        if self.ratio is None:
            return f"no mutant could be counted ({self.invalid} did not compile, {self.unrun} out of time)"
        text = f"your tests kill {self.killed} of {self.counted} mutants of your design ({self.ratio:.0%})"
        if self.equivalent:
            text += f"; {len(self.equivalent)} proved equivalent, not counted"
        survive = len(self.survivors)
        return text + (f"; {survive} survive{'s' if survive == 1 else ''}" if survive else "")

    @property
    def survivor_lines(self) -> str:
        """The survivors for the records, one description a line."""
        return "\n".join(s.mutant.description for s in self.survivors)


class StrengthGate:
    """One run's strength checks: when one is due, and what each iteration's record says of it."""

    def __init__(self, ctx: LoopContext) -> None:
        self.ctx = ctx
        self.settings: StrengthSettings = ctx.settings.strength
        self.checks = 0
        self.asked = 0
        self._golden_at_ask: bool | None = None
        self._pending = False  # a request to strengthen is out and its answer not yet evaluated
        self._ratios: dict[tuple[str, str | None], float] = {}  # by (RTL, tests) checked

    @property
    def applies(self) -> bool:
        """The veriassist strategy in own-testbench mode: the tests the model writes decide when it is done."""
        settings = self.ctx.settings
        return (
            self.settings.enabled
            and settings.strategy is Strategy.VERIASSIST
            and settings.feedback is FeedbackMode.OWN_TESTBENCH
            and not cvdp.is_cvdp(self.ctx.problem)
        )

    def review(self, attempt: Attempt, *, last: bool) -> StrengthReport | None:
        """Check the tests of an attempt whose own tests pass, while checks are left; None otherwise.

        `last`: no iteration follows, so a weak verdict ends the run rather than asking.
        """
        if not (self.applies and attempt.done and attempt.testbench) or self.checks > self.settings.rounds:
            return None
        self.checks += 1
        report = measure(self.ctx, attempt, self.settings)
        if report.ratio is not None:
            self._ratios[attempt.rtl, attempt.testbench] = report.ratio
        if report.weak:
            final = last or self.asked >= self.settings.rounds
            self.asked += 0 if final else 1
            report = replace(report, asks=not final, final=final)
        return report

    def rank(self, attempt: Attempt) -> float:
        """Breaks a tie between attempts whose own verdicts rank alike: tests that kill more
        mutants are better evidence (-1 for tests never checked)."""
        return self._ratios.get((attempt.rtl, attempt.testbench), -1.0)

    def annotate(self, record: IterationRecord, report: StrengthReport | None) -> IterationRecord:
        """The record with this iteration's kill ratio and survivors, and whether an answered
        request to strengthen changed the golden verdict."""
        changes: dict[str, object] = {}
        if report is not None:
            changes.update(kill_ratio=report.ratio, survivors=report.survivor_lines)
        if self._pending and record.code_hash is not None:  # the first evaluated answer
            self._pending = False
            if record.golden_passed is not None and self._golden_at_ask is not None:
                changes["golden_changed"] = record.golden_passed != self._golden_at_ask
        if report is not None and report.asks:
            self._pending, self._golden_at_ask = True, record.golden_passed
        return replace(record, **changes)  # type: ignore[arg-type]


def measure(ctx: LoopContext, attempt: Attempt, settings: StrengthSettings) -> StrengthReport:
    """Run the own tests against mutants of the attempt's design, in parallel, within the budget."""
    assert attempt.testbench is not None
    started = time.monotonic()
    deadline = started + settings.budget_s
    made = mutants(attempt.rtl, settings.mutants, kinds=MODEL_MISTAKES, seed=settings.seed)
    own_run = attempt.own.timings.get("total_s", 0.0)
    hang_s = min(ctx.settings.check.timeout_s, max(_HANG_FLOOR_S, _HANG_FACTOR * own_run))
    prove = settings.prove and yosys_installed()
    tests = own_testbench(ctx, attempt.testbench)

    def run(mutant: Mutant) -> tuple[str, Survivor | None]:
        return _run_one(ctx, attempt.rtl, tests, mutant, deadline, hang_s, prove)

    workers = settings.workers or os.cpu_count() or 1
    with cf.ThreadPoolExecutor(
        max_workers=min(workers, max(1, len(made))), thread_name_prefix="strength"
    ) as pool:
        results = list(pool.map(run, made))
    outcomes = [outcome for outcome, _ in results]
    return StrengthReport(
        killed=outcomes.count("killed"),
        survivors=tuple(s for o, s in results if o == "survived" and s is not None),
        equivalent=tuple(s.mutant.description for o, s in results if o == "equivalent" and s is not None),
        invalid=outcomes.count("invalid"),
        unrun=outcomes.count("unrun"),
        duration_s=time.monotonic() - started,
        threshold=settings.threshold,
    )


def _run_one(
    ctx: LoopContext,
    rtl: str,
    tests: Testbench,
    mutant: Mutant,
    deadline: float,
    hang_s: float,
    prove: bool,
) -> tuple[str, Survivor | None]:
    """One mutant against the own tests: killed, survived, equivalent (proved), invalid or unrun."""
    left = deadline - time.monotonic()
    if left < 1.0:
        return "unrun", None
    timeout = min(hang_s, left)
    options = replace(ctx.settings.check, timeout_s=timeout, waveform=False)
    result = check(
        candidate_of(ctx, mutant.text),
        tests,
        options,
        expected_samples=None,
        expected_interface=ctx.interface,
    )
    if result.kind.is_compile_failure:
        return "invalid", None
    if not result.passed:
        # Stopped by the budget rather than by a hang of its own: not a kill.
        return (
            ("unrun", None) if result.kind is FailureKind.TIMEOUT and timeout < hang_s else ("killed", None)
        )
    survivor = Survivor(mutant, changes(rtl, mutant.text))
    left = deadline - time.monotonic()
    if not prove or left < 1.0:
        return "survived", survivor
    status, proof = _prove(ctx, rtl, mutant, min(_PROOF_S, left))
    if status is FormalStatus.EQUIVALENT:
        return "equivalent", survivor
    return "survived", replace(survivor, proof=proof)


def _prove(ctx: LoopContext, rtl: str, mutant: Mutant, budget_s: float) -> tuple[FormalStatus, str]:
    """Yosys on the mutant against the design itself (never the hidden reference)."""
    design = Testbench(
        TestbenchStyle.COMPARE, (), reference=SourceFile(f"{ctx.top}.sv", rtl), reference_module=ctx.top
    )
    options = FormalOptions(
        cycles=12, timeout_s=max(1, int(budget_s)), budget_s=budget_s, sandbox=ctx.settings.check.sandbox
    )
    verdict = formal_check(candidate_of(ctx, mutant.text), design, options)
    if verdict.status is FormalStatus.NOT_EQUIVALENT:
        return verdict.status, "Yosys found inputs that tell it apart from your design"
    if verdict.status is FormalStatus.BOUNDED:
        # Not the depth reached: it depends on the machine's load, and a prompt should not.
        return verdict.status, "Yosys found no difference in a bounded search from reset"
    return verdict.status, ""


def changes(before: str, after: str) -> tuple[Change, ...]:
    """The places `after` differs from `before`, by line: the old and new text of each."""
    old, new = before.splitlines(), after.splitlines()
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            found.append(Change(i1 + 1, _one_line(old[i1:i2]), _one_line(new[j1:j2])))
    return tuple(found)


def _one_line(lines: list[str]) -> str:
    text = " ".join(" ".join(lines).split())
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
