"""Exact pass@k, the pass-after-try curve, histograms, totals and run comparison."""

from __future__ import annotations

from fractions import Fraction

import pytest

from veriassist.eval.metrics import (
    compare,
    compute,
    first_pass_iteration,
    pass_after_try,
    pass_at_k,
    percent,
    sample_counts,
)
from veriassist.types import FailureKind, IterationRecord, SampleRecord


def samples_for(task_id: str, n: int, c: int, kind: FailureKind = FailureKind.MISMATCH) -> list[SampleRecord]:
    return [
        SampleRecord(task_id, i, i < c, FailureKind.PASS if i < c else kind, tokens_in=10, tokens_out=3)
        for i in range(n)
    ]


def test_pass_at_k_matches_hand_computed_values() -> None:
    assert pass_at_k(10, 3, 1) == Fraction(3, 10)
    # 1 - C(7,5)/C(10,5) = 1 - 21/252 = 11/12
    assert pass_at_k(10, 3, 5) == Fraction(11, 12)
    # Fewer failures than k: every draw of k holds a pass.
    assert pass_at_k(10, 3, 10) == 1
    assert pass_at_k(10, 0, 5) == 0
    assert pass_at_k(1, 1, 1) == 1
    with pytest.raises(ValueError):
        pass_at_k(4, 1, 5)


def test_run_pass_at_k_is_the_exact_mean_over_problems() -> None:
    metrics = compute(samples_for("a", 10, 3) + samples_for("b", 10, 10))
    assert metrics.pass_at == {
        1: Fraction(13, 20),  # (3/10 + 1) / 2
        5: Fraction(23, 24),  # (11/12 + 1) / 2
        10: Fraction(1),
    }
    assert metrics.n_problems == 2
    assert metrics.n_samples == 20
    assert metrics.n_passed == 13


def test_k_is_omitted_where_some_problem_has_fewer_than_k_samples() -> None:
    metrics = compute(samples_for("a", 10, 3) + samples_for("b", 4, 1))
    assert set(metrics.pass_at) == {1}
    assert metrics.pass_at[1] == (Fraction(3, 10) + Fraction(1, 4)) / 2
    assert set(compute(samples_for("a", 1, 1)).pass_at) == {1}
    assert compute([]).pass_at == {}


def test_percent_rounds_exactly_and_never_truncates() -> None:
    assert percent(Fraction(2, 3)) == "66.67%"  # int() truncation would give 66.66
    assert percent(Fraction(1, 8)) == "12.50%"
    assert percent(Fraction(13, 20)) == "65.00%"
    assert percent(Fraction(1)) == "100.00%"
    assert percent(Fraction(0)) == "0.00%"
    assert percent(Fraction(2, 3), digits=1) == "66.7%"
    # Not quite all or nothing must not print as all or nothing.
    assert percent(Fraction(99_999, 100_000)) == ">99.99%"
    assert percent(Fraction(1, 100_000)) == "<0.01%"


def it(task: str, sample: int, iteration: int, passed: bool) -> IterationRecord:
    kind = FailureKind.PASS if passed else FailureKind.MISMATCH
    return IterationRecord(task, sample, iteration, golden_passed=passed, golden_kind=kind)


def test_pass_after_try_counts_a_sample_from_its_first_passing_iteration() -> None:
    samples = [
        SampleRecord("a", 0, True, FailureKind.PASS, iterations=1),
        SampleRecord("b", 0, True, FailureKind.PASS, iterations=3),
        SampleRecord("c", 0, False, FailureKind.MISMATCH, iterations=3),
        # No iteration rows: a pass counts at its last try.
        SampleRecord("d", 0, True, FailureKind.PASS, iterations=2),
    ]
    iterations = [
        it("a", 0, 1, True),
        it("b", 0, 1, False),
        it("b", 0, 2, False),
        it("b", 0, 3, True),
        it("c", 0, 1, False),
        it("c", 0, 2, False),
        it("c", 0, 3, False),
    ]
    assert pass_after_try(samples, iterations) == (Fraction(1, 4), Fraction(2, 4), Fraction(3, 4))
    metrics = compute(samples, iterations)
    assert metrics.pass_after_try == (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
    assert metrics.regressions == 0


def test_a_pass_later_broken_counts_at_its_first_pass_and_as_a_regression() -> None:
    samples = [SampleRecord("a", 0, False, FailureKind.SYNTAX_ERROR, iterations=3)]
    iterations = [it("a", 0, 1, False), it("a", 0, 2, True), it("a", 0, 3, False)]
    assert first_pass_iteration(samples[0], iterations) == 2
    metrics = compute(samples, iterations)
    assert metrics.pass_after_try == (Fraction(0), Fraction(1), Fraction(1))
    assert metrics.regressions == 1


def test_runs_without_a_loop_have_no_curve_but_one_try_loop_runs_do() -> None:
    assert compute(samples_for("a", 3, 1)).pass_after_try == ()
    # A loop run where every sample stopped at try 1 (a right first answer) still has its point,
    # so a zero-shot run and a loop run compare try by try.
    samples = [SampleRecord("a", 0, True, FailureKind.PASS, iterations=1)]
    assert compute(samples, [it("a", 0, 1, True)]).pass_after_try == (Fraction(1),)


def test_false_blesses_and_false_alarms_are_tries_where_own_and_golden_disagree() -> None:
    def tried(task: str, i: int, own: bool, golden: bool) -> IterationRecord:
        kind = FailureKind.PASS if golden else FailureKind.MISMATCH
        return IterationRecord(task, 0, i, own_passed=own, golden_passed=golden, golden_kind=kind)

    iterations = [
        tried("wrong_but_blessed", 1, own=True, golden=False),
        tried("alarmed", 1, own=False, golden=True),
        tried("alarmed", 2, own=True, golden=True),
        tried("agreed", 1, own=False, golden=False),
        IterationRecord("own_only", 0, 1, own_passed=True),  # no golden verdict: not counted
    ]
    samples = [SampleRecord(t, 0, False, FailureKind.MISMATCH, iterations=2) for t in ("a",)]
    metrics = compute(samples, iterations)
    assert metrics.false_blesses == (("wrong_but_blessed", 0, 1),)
    assert metrics.false_alarms == (("alarmed", 0, 1),)
    assert metrics.model_calls == 5  # five tries, no self-check among them


def test_histogram_counts_failing_samples_by_final_kind() -> None:
    samples = samples_for("a", 4, 1, FailureKind.SYNTAX_ERROR) + samples_for("b", 2, 0, FailureKind.TIMEOUT)
    metrics = compute(samples)
    assert metrics.histogram == {FailureKind.SYNTAX_ERROR: 3, FailureKind.TIMEOUT: 2}
    assert list(metrics.histogram) == [FailureKind.SYNTAX_ERROR, FailureKind.TIMEOUT]  # largest first
    [a, b] = metrics.problems
    assert (a.task_id, a.n, a.c, a.pass_at_1) == ("a", 4, 1, Fraction(1, 4))
    assert a.kinds == {FailureKind.SYNTAX_ERROR: 3, FailureKind.PASS: 1}
    assert b.kinds == {FailureKind.TIMEOUT: 2}


def test_totals_sum_tokens_cost_and_time_without_double_counting() -> None:
    samples = [
        SampleRecord("a", 0, True, FailureKind.PASS, timings={"model": 2.0, "sim": 0.5}, cost=0.25),
        SampleRecord("b", 0, True, FailureKind.PASS, timings={"total": 3.0, "model": 2.5}, tokens_in=7),
    ]
    totals = compute(samples).totals
    assert totals.seconds == pytest.approx(5.5)
    assert totals.stage_seconds["model"] == pytest.approx(4.5)
    assert totals.cost == pytest.approx(0.25)
    assert totals.cost_known_samples == 1
    assert totals.tokens_in == 7
    assert compute(samples_for("a", 2, 1)).totals.cost is None


def test_pass_rate_without_lint_flagged_problems() -> None:
    flagged = [SampleRecord("f", 0, True, FailureKind.PASS, lint_flags=("prints-summary-line",))]
    clean = [
        SampleRecord("a", 0, False, FailureKind.MISMATCH, lint_flags=()),
        SampleRecord("b", 0, True, FailureKind.PASS, lint_flags=()),
    ]
    metrics = compute(flagged + clean)
    assert metrics.lint_checked
    assert metrics.n_flagged_problems == 1
    assert metrics.pass_at_1 == Fraction(2, 3)
    assert metrics.pass_at_1_unflagged == Fraction(1, 2)
    unlinted = compute(samples_for("a", 2, 1))
    assert not unlinted.lint_checked
    assert unlinted.pass_at_1_unflagged is None


def test_compare_sorts_problems_by_how_their_pass_at_1_moved() -> None:
    run_a = compute(
        samples_for("fixed", 2, 0)
        + samples_for("broken", 2, 1)
        + samples_for("both", 2, 2)
        + samples_for("dropped", 3, 3)
        + samples_for("neither", 2, 0)
        + samples_for("gone", 1, 1)
    )
    run_b = compute(
        samples_for("fixed", 2, 1)
        + samples_for("broken", 2, 0)
        + samples_for("both", 2, 2)
        + samples_for("dropped", 3, 1)
        + samples_for("neither", 2, 0)
        + samples_for("new", 1, 0)
    )
    result = compare(run_a, run_b)
    assert result.fixed == ("fixed",)
    assert result.broken == ("broken",)
    assert result.both == ("both",)
    assert result.neither == ("neither",)
    # From 100% to 33% is a regression, though a sample still passes in both runs.
    assert result.bucket("regressed") == ("dropped",)
    assert result.counts() == {
        "fixed": 1, "broken": 1, "improved": 0, "regressed": 1, "both": 1, "neither": 1, "only-a": 1, "only-b": 1,
    }  # fmt: skip
    row = next(r for r in result.rows if r.task_id == "dropped")
    assert (row.pass_at_1_a, row.pass_at_1_b) == (Fraction(1), Fraction(1, 3))


def test_info_lint_flags_are_notes_and_do_not_count_as_flagged() -> None:
    samples = [
        SampleRecord("dont_care", 0, True, FailureKind.PASS, lint_flags=("info:strength",)),
        SampleRecord("weak", 0, True, FailureKind.PASS, lint_flags=("info:strength", "warning:mutation")),
        SampleRecord("clean", 0, False, FailureKind.MISMATCH, lint_flags=()),
    ]
    metrics = compute(samples)
    assert [p.flagged for p in metrics.problems] == [False, False, True]  # clean, dont_care, weak
    assert metrics.n_flagged_problems == 1
    assert metrics.pass_at_1 == Fraction(2, 3)
    assert metrics.pass_at_1_unflagged == Fraction(1, 2)


def test_sample_counts_are_the_counts_behind_pass_at_1_never_reduced() -> None:
    # 35 of 105 samples passed: the counts stay 35/105, while the mean over problems is its own number.
    metrics = compute(samples_for("a", 35, 35) + samples_for("b", 35, 0) + samples_for("c", 35, 0))
    assert sample_counts(metrics.problems) == (35, 105)
    assert metrics.pass_at_1 == Fraction(1, 3)
    uneven = compute(samples_for("a", 1, 1) + samples_for("b", 2, 1))
    assert sample_counts(uneven.problems) == (2, 3)
    assert uneven.pass_at_1 == Fraction(3, 4)  # mean of 1 and 1/2, not 2/3


def test_comparison_rows_carry_the_pass_at_1_delta() -> None:
    result = compare(
        compute(samples_for("a", 4, 1) + samples_for("gone", 1, 1)), compute(samples_for("a", 4, 3))
    )
    rows = {row.task_id: row for row in result.rows}
    assert rows["a"].delta == Fraction(1, 2)
    assert rows["gone"].delta is None


def test_pass_at_1_by_group_splits_a_run_by_tier_and_leaves_out_unknown_problems() -> None:
    from veriassist.eval.metrics import pass_at_1_by_group

    samples = samples_for("fifo", 2, 2) + samples_for("cpu", 2, 0) + samples_for("dma", 2, 1)
    samples += samples_for("gone", 1, 1)
    metrics = compute(samples)
    tiers = {"fifo": "standard", "cpu": "hard", "dma": "hard"}
    assert pass_at_1_by_group(metrics.problems, tiers) == {"hard": Fraction(1, 4), "standard": Fraction(1)}
