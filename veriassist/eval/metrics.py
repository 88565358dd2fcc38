"""Pass rates from stored records, computed exactly.

Every rate is a `fractions.Fraction`; only `percent()` turns one into text, by
rounding, never by truncation. pass@k is the unbiased estimator
1 - C(n-c, k) / C(n, k), averaged over problems (Chen et al., 2021).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from veriassist.types import FailureKind, IterationRecord, SampleRecord

__all__ = [
    "REPORTED_K",
    "Comparison",
    "ComparisonRow",
    "ProblemStats",
    "RunMetrics",
    "Totals",
    "compare",
    "compute",
    "cvdp_pass_at",
    "cvdp_pass_at_k",
    "first_pass_iteration",
    "pass_after_try",
    "pass_at_k",
    "percent",
    "sample_counts",
]

REPORTED_K = (1, 5, 10)


def pass_at_k(n: int, c: int, k: int) -> Fraction:
    """Exact unbiased pass@k for one problem with n samples of which c passed."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


def cvdp_pass_at_k(n: int, c: int, k: int) -> Fraction:
    """CVDP's own pass@k for one problem, 1 - (1 - c/n)^k: biased, shown only beside `pass_at_k`.

    It draws the k samples with replacement, so for k > 1 it is below the unbiased
    estimate whenever 0 < c < n (n=5, c=1: pass@5 is 100%, CVDP's figure 67.2%); at k = 1
    the two agree. Given so that a run compares with numbers published from CVDP's scripts.
    """
    if not 0 <= c <= n or n < 1 or k < 1:
        raise ValueError(f"CVDP's pass@k needs 0 <= c <= n, n >= 1 and k >= 1 (n={n}, c={c}, k={k})")
    return 1 - (1 - Fraction(c, n)) ** k


def cvdp_pass_at(problems: Sequence[ProblemStats]) -> dict[int, Fraction]:
    """CVDP's biased pass@k (`cvdp_pass_at_k`) averaged over problems, for the k that `compute` reports."""
    if not problems:
        return {}
    smallest_n = min(p.n for p in problems)
    return {
        k: sum((cvdp_pass_at_k(p.n, p.c, k) for p in problems), Fraction(0)) / len(problems)
        for k in REPORTED_K
        if smallest_n >= k
    }


def percent(value: Fraction, digits: int = 2) -> str:
    """`value` as a percentage rounded (half to even) to `digits` decimals.

    A rate that is not exactly 0 or 1 never prints as 0% or 100%.
    """
    scaled = value * 100
    rounded = round(scaled, digits)
    step = Fraction(1, 10**digits)
    if rounded == 100 and scaled < 100:
        return f">{float(100 - step):.{digits}f}%"
    if rounded == 0 and scaled > 0:
        return f"<{float(step):.{digits}f}%"
    # `rounded` has at most `digits` decimals, so the float prints it exactly.
    return f"{float(rounded):.{digits}f}%"


@dataclass(frozen=True)
class ProblemStats:
    """One problem of a run: samples, passes and why the rest failed."""

    task_id: str
    n: int
    c: int
    pass_at_1: Fraction
    kinds: Mapping[FailureKind, int] = field(hash=False, compare=False)  # final kind of each sample
    lint_flags: tuple[str, ...] = ()  # union over the problem's samples

    @property
    def flagged(self) -> bool:
        """A flag that questions the score; `info:` flags are notes (an output the spec calls don't-care)."""
        return any(not flag.startswith("info:") for flag in self.lint_flags)


@dataclass(frozen=True)
class Totals:
    tokens_in: int
    tokens_out: int
    cost: float | None  # None when no sample had a known cost
    cost_known_samples: int
    seconds: float
    stage_seconds: Mapping[str, float] = field(hash=False, compare=False)


@dataclass(frozen=True)
class RunMetrics:
    """Everything the report and CLI show about one run."""

    n_problems: int
    n_samples: int
    n_passed: int
    pass_at: Mapping[int, Fraction] = field(hash=False, compare=False)  # only k every problem supports
    pass_after_try: tuple[Fraction, ...]  # [i-1]: rate after try i; empty for one-shot runs
    histogram: Mapping[FailureKind, int] = field(hash=False, compare=False)  # failing samples only
    problems: tuple[ProblemStats, ...]
    totals: Totals
    regressions: int  # passed-golden -> failed-golden transitions between consecutive iterations
    lint_checked: bool  # some sample carries lint results
    pass_at_1_unflagged: Fraction | None  # pass@1 without flagged problems; None when none is flagged
    n_flagged_problems: int
    # How often each self-check outcome happened ("kept", "revised-rtl", ...); empty when none ran.
    self_checks: Mapping[str, int] = field(default_factory=dict, hash=False, compare=False)
    # Tries where the model's own tests and the hidden golden testbench disagreed: a false bless
    # (own pass, golden fail) is a wrong design called done; a false alarm (own fail, golden
    # pass) sends the model to fix a design that was right. (task_id, sample, iteration) each.
    false_blesses: tuple[tuple[str, int, int], ...] = ()
    false_alarms: tuple[tuple[str, int, int], ...] = ()
    model_calls: int = 0  # prompts sent: one per iteration, one more for each self-check

    @property
    def pass_at_1(self) -> Fraction:
        return self.pass_at.get(1, Fraction(0))


def first_pass_iteration(sample: SampleRecord, iterations: Sequence[IterationRecord]) -> int | None:
    """The first try (1-based) whose candidate passed the golden check, or None.

    Uses the sample's iteration rows when they carry golden verdicts; otherwise a
    passed sample counts at its last try, the conservative choice.
    """
    golden = [it for it in iterations if it.golden_passed is not None]
    if golden:
        for it in sorted(golden, key=lambda it: it.iteration):
            if it.golden_passed:
                return it.iteration
        # Final verdict passed without any iteration passing: trust the final, count it last.
    return max(sample.iterations, 1) if sample.passed else None


def pass_after_try(
    samples: Sequence[SampleRecord], iterations: Iterable[IterationRecord] = ()
) -> tuple[Fraction, ...]:
    """Fraction of samples passed by try i, for i = 1 .. the most tries any sample used.

    Empty for runs without a loop (references, samples); a loop run has its curve even when
    every sample stopped at try 1, so strategies compare point by point.
    """
    if not samples:
        return ()
    its = list(iterations)
    by_sample = _group_iterations(its)
    tries = max([s.iterations for s in samples] + [it.iteration for it in its])
    if not its and tries <= 1:
        return ()
    firsts = [first_pass_iteration(s, by_sample.get((s.task_id, s.sample), [])) for s in samples]
    total = len(samples)
    return tuple(
        Fraction(sum(1 for f in firsts if f is not None and f <= i), total) for i in range(1, tries + 1)
    )


def disagreements(iterations: Iterable[IterationRecord]) -> tuple[list[tuple[str, int, int]], ...]:
    """(false blesses, false alarms): tries whose own verdict the golden testbench contradicts."""
    blesses: list[tuple[str, int, int]] = []
    alarms: list[tuple[str, int, int]] = []
    for it in sorted(iterations, key=lambda it: (it.task_id, it.sample, it.iteration)):
        if it.own_passed is None or it.golden_passed is None:
            continue
        if it.own_passed and not it.golden_passed:
            blesses.append((it.task_id, it.sample, it.iteration))
        elif it.golden_passed and not it.own_passed:
            alarms.append((it.task_id, it.sample, it.iteration))
    return blesses, alarms


def pass_at_1_by_group(problems: Iterable[ProblemStats], group_of: Mapping[str, str]) -> dict[str, Fraction]:
    """pass@1 per group of problems (a designs/ tier, a category); problems in no group are left out."""
    groups: dict[str, list[Fraction]] = defaultdict(list)
    for p in problems:
        if p.task_id in group_of:
            groups[group_of[p.task_id]].append(p.pass_at_1)
    return {name: sum(rates, Fraction(0)) / len(rates) for name, rates in sorted(groups.items())}


def sample_counts(problems: Iterable[ProblemStats]) -> tuple[int, int]:
    """(passed samples, samples) over `problems`: the counts behind a pass@1, never reduced.

    pass@1 is the mean of the problems' c/n, which equals passed/samples only when every
    problem has the same n, so the two are reported side by side, not one as the other.
    """
    stats = list(problems)
    return sum(p.c for p in stats), sum(p.n for p in stats)


def _group_iterations(iterations: Iterable[IterationRecord]) -> dict[tuple[str, int], list[IterationRecord]]:
    groups: dict[tuple[str, int], list[IterationRecord]] = defaultdict(list)
    for it in iterations:
        groups[(it.task_id, it.sample)].append(it)
    return groups


def _regressions(groups: Mapping[tuple[str, int], list[IterationRecord]]) -> int:
    count = 0
    for group in groups.values():
        verdicts = [it.golden_passed for it in sorted(group, key=lambda it: it.iteration)]
        known = [v for v in verdicts if v is not None]
        count += sum(1 for before, after in itertools.pairwise(known) if before and not after)
    return count


def _sample_seconds(sample: SampleRecord) -> float:
    # A "total" timing already contains the stages; adding both would count time twice.
    if "total" in sample.timings:
        return float(sample.timings["total"])
    return float(sum(sample.timings.values()))


def compute(samples: Sequence[SampleRecord], iterations: Iterable[IterationRecord] = ()) -> RunMetrics:
    """All metrics of one run from its sample (and iteration) records."""
    by_task: dict[str, list[SampleRecord]] = defaultdict(list)
    for s in samples:
        by_task[s.task_id].append(s)
    problems = tuple(_problem_stats(task_id, group) for task_id, group in sorted(by_task.items()))

    pass_at: dict[int, Fraction] = {}
    if problems:
        smallest_n = min(p.n for p in problems)
        for k in REPORTED_K:
            # pass@k over a mix where some problems lack k samples would not be pass@k.
            if smallest_n >= k:
                pass_at[k] = sum((pass_at_k(p.n, p.c, k) for p in problems), Fraction(0)) / len(problems)

    its = list(iterations)
    groups = _group_iterations(its)
    blesses, alarms = disagreements(its)
    histogram = Counter(s.kind for s in samples if not s.passed)
    stage_seconds: Counter[str] = Counter()
    for s in samples:
        stage_seconds.update({k: float(v) for k, v in s.timings.items()})
    costs = [s.cost for s in samples if s.cost is not None]
    totals = Totals(
        tokens_in=sum(s.tokens_in for s in samples),
        tokens_out=sum(s.tokens_out for s in samples),
        cost=sum(costs) if costs else None,
        cost_known_samples=len(costs),
        seconds=sum(_sample_seconds(s) for s in samples),
        stage_seconds=dict(stage_seconds),
    )
    lint_checked = any(s.lint_flags is not None for s in samples)
    unflagged = [p for p in problems if not p.flagged]
    n_flagged = len(problems) - len(unflagged)
    return RunMetrics(
        n_problems=len(problems),
        n_samples=len(samples),
        n_passed=sum(1 for s in samples if s.passed),
        pass_at=pass_at,
        pass_after_try=pass_after_try(samples, its),
        histogram=dict(histogram.most_common()),
        problems=problems,
        totals=totals,
        regressions=_regressions(groups),
        lint_checked=lint_checked,
        pass_at_1_unflagged=(
            sum((p.pass_at_1 for p in unflagged), Fraction(0)) / len(unflagged)
            if n_flagged and unflagged
            else None
        ),
        n_flagged_problems=n_flagged,
        self_checks=dict(
            Counter(str(it.self_check) for it in its if it.self_check is not None).most_common()
        ),
        false_blesses=tuple(blesses),
        false_alarms=tuple(alarms),
        model_calls=len(its) + sum(1 for it in its if it.self_check is not None),
    )


def _problem_stats(task_id: str, group: Sequence[SampleRecord]) -> ProblemStats:
    n = len(group)
    c = sum(1 for s in group if s.passed)
    flags = sorted({flag for s in group for flag in (s.lint_flags or ())})
    return ProblemStats(
        task_id=task_id,
        n=n,
        c=c,
        pass_at_1=Fraction(c, n),
        kinds=dict(Counter(s.kind for s in group).most_common()),
        lint_flags=tuple(flags),
    )


@dataclass(frozen=True)
class ComparisonRow:
    task_id: str
    bucket: str  # fixed | broken | both | neither | only-a | only-b
    pass_at_1_a: Fraction | None
    pass_at_1_b: Fraction | None

    @property
    def delta(self) -> Fraction | None:
        """pass@1 of B minus pass@1 of A; None when the problem is in only one run."""
        if self.pass_at_1_a is None or self.pass_at_1_b is None:
            return None
        return self.pass_at_1_b - self.pass_at_1_a


@dataclass(frozen=True)
class Comparison:
    """Per-problem outcome of run B against run A, judged by each problem's pass@1 (see `compare`)."""

    rows: tuple[ComparisonRow, ...]

    def bucket(self, name: str) -> tuple[str, ...]:
        return tuple(row.task_id for row in self.rows if row.bucket == name)

    @property
    def fixed(self) -> tuple[str, ...]:
        return self.bucket("fixed")

    @property
    def broken(self) -> tuple[str, ...]:
        return self.bucket("broken")

    @property
    def both(self) -> tuple[str, ...]:
        return self.bucket("both")

    @property
    def neither(self) -> tuple[str, ...]:
        return self.bucket("neither")

    def counts(self) -> dict[str, int]:
        names = ("fixed", "broken", "improved", "regressed", "both", "neither", "only-a", "only-b")
        return {name: len(self.bucket(name)) for name in names}


def _pass_at_1_change(a: Fraction, b: Fraction) -> str:
    if a == b:
        return "both" if a > 0 else "neither"
    if a == 0:
        return "fixed"
    if b == 0:
        return "broken"
    return "improved" if b > a else "regressed"


def compare(run_a: RunMetrics, run_b: RunMetrics) -> Comparison:
    """Sort problems by how pass@1 moved from A to B: fixed (0 -> some), broken (some -> 0),
    improved, regressed (a drop from 100% to 33% is one), both and neither (unchanged)."""
    a = {p.task_id: p for p in run_a.problems}
    b = {p.task_id: p for p in run_b.problems}
    rows = []
    for task_id in sorted(a.keys() | b.keys()):
        pa, pb = a.get(task_id), b.get(task_id)
        if pa is None or pb is None:
            bucket = "only-b" if pa is None else "only-a"
        else:
            bucket = _pass_at_1_change(pa.pass_at_1, pb.pass_at_1)
        rows.append(
            ComparisonRow(
                task_id=task_id,
                bucket=bucket,
                pass_at_1_a=None if pa is None else pa.pass_at_1,
                pass_at_1_b=None if pb is None else pb.pass_at_1,
            )
        )
    return Comparison(rows=tuple(rows))
