"""One self-contained HTML report per run, and a compare page for two runs.

Nothing comes from anywhere else: charts are inline SVG whose geometry is
computed here, and the filters and sorting are one small inline script, so the
file opens the same offline as online. The report is for debugging: one
section per problem with an anchor, and per sample its feedback at full width
(waveform tables never wrap), the code of its last recorded try, and its log.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import jinja2

from veriassist import __version__
from veriassist.check.feedback import feedback_of
from veriassist.eval.bench import formal_summary
from veriassist.eval.metrics import REPORTED_K, Comparison, RunMetrics, compare, compute, percent
from veriassist.eval.store import RunInfo, RunStatus, Store
from veriassist.extract import extract
from veriassist.prompts import TEMPLATE_DIR
from veriassist.types import FeedbackMode, IterationRecord, SampleRecord

__all__ = [
    "TEMPLATES",
    "Banner",
    "render_compare",
    "render_report",
    "run_banners",
    "write_compare",
    "write_report",
]

TEMPLATES = TEMPLATE_DIR  # the one place prompts and reports are looked up
REPORT_TEMPLATE = "report.html.j2"
COMPARE_TEMPLATE = "compare.html.j2"
# The records keep no waveform files (a check's work dir is deleted after it), so no sample
# can link to its VCD; the report says so once instead of showing dead links.
NO_VCD_NOTE = (
    "The records keep no VCD files (each check's work directory is removed after it),"
    " so samples have no waveform links; the waveform window around the first mismatch"
    " is in each sample's feedback."
)


@dataclass(frozen=True)
class Banner:
    """A warning shown above everything else: what these numbers are not."""

    level: str  # "standin" | "warn" | "info"
    title: str
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Bar:
    label: str
    code: str
    count: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_w: int
    bar_h: int
    max_w: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class ProblemBar:
    task_id: str
    anchor: str
    value: str
    y: float
    width: float
    failing: bool


@dataclass(frozen=True)
class ProblemChart:
    width: int
    height: int
    label_w: int
    bar_h: int
    max_w: int
    bars: tuple[ProblemBar, ...]


@dataclass(frozen=True)
class SampleView:
    """One sample as the report shows it."""

    record: SampleRecord
    anchor: str
    source: str | None  # the code of the last recorded try; None: the run kept no replies
    source_try: int | None


@dataclass(frozen=True)
class ProblemView:
    """One problem's section: its numbers, and every sample, failures first."""

    task_id: str
    anchor: str
    n: int
    c: int
    pass_at_1: Fraction
    samples: tuple[SampleView, ...]

    @property
    def failing_kinds(self) -> list[str]:
        return sorted({s.record.kind.value for s in self.samples if not s.record.passed})


def _anchors(task_ids: Iterable[str]) -> dict[str, str]:
    """A unique, URL-safe id per task (RTLLM task names can hold spaces and slashes)."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for task in task_ids:
        base = "p-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", task)
        anchor, extra = base, 1
        while anchor in used:
            extra += 1
            anchor = f"{base}-{extra}"
        used.add(anchor)
        anchors[task] = anchor
    return anchors


def _last_code(iterations: Sequence[IterationRecord]) -> tuple[str | None, int | None]:
    """The code of the last try that has a reply, as the checker saw it (extracted), else the reply."""
    for it in sorted(iterations, key=lambda it: it.iteration, reverse=True):
        if it.reply:
            return extract(it.reply).rtl or it.reply, it.iteration
    return None, None


def _problem_views(
    metrics: RunMetrics, samples: Sequence[SampleRecord], iterations: Iterable[IterationRecord]
) -> tuple[ProblemView, ...]:
    anchors = _anchors(p.task_id for p in metrics.problems)
    tries: dict[tuple[str, int], list[IterationRecord]] = defaultdict(list)
    for it in iterations:
        tries[(it.task_id, it.sample)].append(it)
    by_task: dict[str, list[SampleRecord]] = defaultdict(list)
    for s in samples:
        by_task[s.task_id].append(s)
    views = []
    for p in metrics.problems:
        group = sorted(by_task[p.task_id], key=lambda s: (s.passed, s.sample))
        sample_views = []
        for s in group:
            source, source_try = _last_code(tries.get((s.task_id, s.sample), []))
            shown = replace(_with_formal(s), feedback=feedback_of(s))
            sample_views.append(SampleView(shown, f"{anchors[p.task_id]}-s{s.sample}", source, source_try))
        views.append(ProblemView(p.task_id, anchors[p.task_id], p.n, p.c, p.pass_at_1, tuple(sample_views)))
    return tuple(views)


def _with_formal(record: SampleRecord) -> SampleRecord:
    """The sample as shown: its formal verdict (and counterexample) leads its log excerpt."""
    if record.formal is None:
        return record
    text = f"formal: {record.formal.summary}"
    if record.formal.refuted and record.passed:
        text = f"A PASS THAT A PROOF CONTRADICTS. {text}"
    if record.formal.table:
        text += "\n" + record.formal.table.rstrip()
    return replace(record, log_excerpt=f"{text}\n\n{record.log_excerpt}".rstrip())


def formal_banners(samples: Sequence[SampleRecord]) -> list[Banner]:
    """The two pass rates, and first every sample where the testbench and the proof disagree."""
    summary = formal_summary(samples)
    if summary is None:
        return []
    banners: list[Banner] = []
    if summary.contradicted:
        listed = ", ".join(f"{r.task_id} sample {r.sample}" for r in summary.contradicted)
        banners.append(
            Banner(
                "warn",
                f"a pass that a proof contradicts ({len(summary.contradicted)})",
                f"The testbench passes these samples, yet a proof against the reference found an input"
                f" sequence on which they differ: {listed}. Their counterexamples are in their sections.",
            )
        )
    if summary.proved_but_failed:
        listed = ", ".join(f"{r.task_id} sample {r.sample}" for r in summary.proved_but_failed)
        banners.append(
            Banner(
                "warn",
                f"proved equivalent, yet failed the testbench ({len(summary.proved_but_failed)})",
                f"A proof says these equal the reference, but the testbench failed them: {listed}.",
            )
        )
    total = max(summary.samples, 1)
    statuses = ", ".join(f"{status} {count}" for status, count in sorted(summary.statuses.items()))
    banners.append(
        Banner(
            "info",
            "formal verdict against the reference",
            f"Pass rate by testbench alone {summary.passed}/{summary.samples}"
            f" ({100 * summary.passed / total:.1f}%); by testbench and not disproved"
            f" {summary.passed_not_disproved}/{summary.samples} ({100 * summary.passed_not_disproved / total:.1f}%)."
            f" {summary.checked} samples had a formal check: {statuses}.",
        )
    )
    return banners


def _problem_chart(problems: Sequence[ProblemView]) -> ProblemChart | None:
    if not problems:
        return None
    label_w, max_w = 220, 300
    bar_h = 16 if len(problems) <= 40 else 10  # a 156-problem suite still fits a screen or two
    gap = 4
    bars = tuple(
        ProblemBar(
            task_id=p.task_id,
            anchor=p.anchor,
            value=percent(p.pass_at_1),
            y=i * (bar_h + gap),
            width=max(1.0, max_w * float(p.pass_at_1)),
            failing=p.c < p.n,
        )
        for i, p in enumerate(problems)
    )
    return ProblemChart(label_w + max_w + 70, len(bars) * (bar_h + gap), label_w, bar_h, max_w, bars)


def pass_at_k_note(metrics: RunMetrics) -> str | None:
    """Why a pass@k the report could show is missing, in terms of this run's own sample counts."""
    if not metrics.problems:
        return None
    missing = [k for k in REPORTED_K if k not in metrics.pass_at]
    if not missing:
        return None
    fewest = min(p.n for p in metrics.problems)
    names = ", ".join(f"pass@{k}" for k in missing)
    return (
        f"{names} not shown: pass@k needs at least k samples of every problem,"
        f" and the fewest any problem has here is {fewest}. Reported k: {', '.join(map(str, REPORTED_K))}."
    )


def run_banners(run: RunInfo) -> list[Banner]:
    """What a reader must know before reading any number of this run."""
    banners: list[Banner] = []
    if run.stand_in or run.model_kind == "scripted":
        banners.append(
            Banner(
                "standin",
                "scripted stand-in: not a model's pass rate",
                f"The replies came from a scripted test stand-in ({run.model}), not from a language model."
                " These numbers exercise the pipeline; they say nothing about any model.",
            )
        )
    elif run.model_kind == "reference":
        banners.append(
            Banner(
                "standin",
                "reference solutions: not a model's pass rate",
                "The suite's own reference designs were checked: a sanity check of the suite and toolchain.",
            )
        )
    elif run.model_kind == "manual":
        banners.append(
            Banner(
                "info",
                "manual model",
                "Each prompt was answered by a person or another tool (`--model manual`), not by an API"
                " call; token counts are estimates (characters / 4).",
            )
        )
    if run.feedback_mode == FeedbackMode.GOLDEN:
        banners.append(
            Banner(
                "warn",
                "feedback mode: golden",
                "The loop fed the golden testbench's results back to the model, so it saw the test it is"
                " scored on. Pass rates are optimistic and not comparable with own-testbench or"
                " no-feedback runs.",
            )
        )
    if run.status is RunStatus.RUNNING:
        banners.append(
            Banner(
                "warn",
                "incomplete run",
                "The run is still going, or stopped without saying so (killed). Results are partial.",
            )
        )
    elif run.status is not RunStatus.COMPLETED:
        reason = f" ({run.end_reason})" if run.end_reason else ""
        banners.append(Banner("warn", f"run {run.status.value}{reason}", "Results are partial."))
    return banners


def _line_chart(values: tuple[Fraction, ...]) -> LineChart | None:
    if not values:
        return None
    width, height, left, top, right, bottom = 520, 260, 48, 24, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    inset = 28  # keeps the end points' value labels clear of the y axis labels
    steps = max(len(values) - 1, 1)
    points = tuple(
        Point(
            x=left + inset + (plot_w - 2 * inset) * i / steps,
            y=top + plot_h * (1 - float(v)),
            label=f"after try {i + 1}",
            value=percent(v),
        )
        for i, v in enumerate(values)
    )
    x_ticks = tuple(Tick(p.x, str(i + 1)) for i, p in enumerate(points))
    y_ticks = tuple(Tick(top + plot_h * (1 - f / 100), f"{f}%") for f in range(0, 101, 25))
    return LineChart(width, height, left, top, plot_w, plot_h, points, x_ticks, y_ticks)


def _bar_chart(metrics: RunMetrics) -> BarChart | None:
    if not metrics.histogram:
        return None
    label_w, bar_h, gap, max_w = 170, 22, 8, 260
    largest = max(metrics.histogram.values())
    bars = tuple(
        Bar(
            label=kind.value,
            code=kind.code,
            count=count,
            y=i * (bar_h + gap),
            width=max(2.0, max_w * count / largest),
        )
        for i, (kind, count) in enumerate(metrics.histogram.items())
    )
    height = len(bars) * (bar_h + gap)
    return BarChart(label_w + max_w + 60, height, label_w, bar_h, max_w, bars)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = percent
    env.filters["frac"] = lambda f: f"{f.numerator}/{f.denominator}"
    return env


@dataclass(frozen=True)
class LintView:
    """What the report shows of a run's suite lint (`bench --lint` / `--exclude-flagged`)."""

    findings: dict[str, list[dict[str, str]]]  # task_id -> findings as recorded
    excluded: tuple[str, ...]  # linted problems with no samples because --exclude-flagged left them out
    exclude_flagged: str | None
    pass_at_1_unflagged: Fraction | None  # None: every scored problem is flagged


def _lint_view(
    run: RunInfo, metrics: RunMetrics, findings: dict[str, list[dict[str, str]]]
) -> LintView | None:
    if not findings and not metrics.lint_checked:
        return None
    severity = run.settings.get("exclude_flagged")
    scored = {p.task_id for p in metrics.problems}
    excluded = tuple(task for task in findings if task not in scored) if severity else ()
    unflagged = metrics.pass_at_1_unflagged if metrics.n_flagged_problems else metrics.pass_at_1
    return LintView(findings, excluded, severity, unflagged if metrics.problems else None)


def render_report(
    run: RunInfo,
    samples: list[SampleRecord],
    metrics: RunMetrics,
    lint_findings: dict[str, list[dict[str, str]]] | None = None,
    iterations: Sequence[IterationRecord] = (),
) -> str:
    """The report's HTML text for one run; `lint_findings` as `Store.lint_results` gives them,
    `iterations` (with replies) give each sample's code."""
    problems = _problem_views(metrics, samples, iterations)
    kinds = sorted({s.kind.value for s in samples if not s.passed})
    return (
        _environment()
        .get_template(REPORT_TEMPLATE)
        .render(
            run=run,
            banners=run_banners(run) + formal_banners(samples),
            metrics=metrics,
            problems=problems,
            kinds=kinds,
            pass_at_k_note=pass_at_k_note(metrics),
            no_vcd_note=NO_VCD_NOTE,
            curve=_line_chart(metrics.pass_after_try),
            bars=_bar_chart(metrics),
            per_problem=_problem_chart(problems),
            lint=_lint_view(run, metrics, lint_findings or {}),
            generator=f"veriassist {__version__}",
        )
    )


def _write(out_path: str | Path, html: str) -> Path:
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


def write_report(store: Store, run_name: str, out_path: str | Path) -> Path:
    """Write the HTML report of run `run_name` to `out_path` and return the path."""
    run = store.get_run(run_name)
    samples = store.samples(run.id)
    iterations = store.iterations(run.id)
    metrics = compute(samples, iterations)
    html = render_report(run, samples, metrics, store.lint_results(run.id), iterations)
    return _write(out_path, html)


@dataclass(frozen=True)
class CompareRowView:
    task_id: str
    change: str  # better | worse | same | only-a | only-b
    a: Fraction | None
    b: Fraction | None
    delta: Fraction | None

    @property
    def delta_text(self) -> str:
        if self.delta is None:
            return "—"
        sign = "+" if self.delta > 0 else ("−" if self.delta < 0 else "±")
        return sign + percent(abs(self.delta))


_CHANGE = {1: "better", -1: "worse", 0: "same"}


def _compare_rows(comparison: Comparison) -> tuple[CompareRowView, ...]:
    rows = []
    for row in comparison.rows:
        delta = row.delta
        change = _CHANGE[(delta > 0) - (delta < 0)] if delta is not None else row.bucket  # only-a/-b
        rows.append(CompareRowView(row.task_id, change, row.pass_at_1_a, row.pass_at_1_b, delta))
    # Biggest drops first: what a reader of a compare page usually came for.
    order = {"worse": 0, "better": 1, "only-a": 2, "only-b": 3, "same": 4}
    return tuple(sorted(rows, key=lambda r: (order[r.change], r.delta or 0, r.task_id)))


def compare_banners(run_a: RunInfo, run_b: RunInfo) -> list[Banner]:
    """Why two runs' numbers may not be comparable at all."""
    banners: list[Banner] = []
    if (run_a.suite_path, run_a.suite_format) != (run_b.suite_path, run_b.suite_format):
        banners.append(
            Banner(
                "warn",
                "different suites",
                f"A ran {run_a.suite_path} ({run_a.suite_format}), B ran {run_b.suite_path}"
                f" ({run_b.suite_format}): problems with the same name may not be the same problem.",
            )
        )
    if run_a.feedback_mode != run_b.feedback_mode:
        banners.append(
            Banner(
                "warn",
                "different feedback modes",
                f"A used {run_a.feedback_mode}, B used {run_b.feedback_mode}.",
            )
        )
    for label, run in (("A", run_a), ("B", run_b)):
        banners += [Banner(b.level, f"{label}: {b.title}", b.text) for b in run_banners(run)]
    return banners


def render_compare(run_a: RunInfo, metrics_a: RunMetrics, run_b: RunInfo, metrics_b: RunMetrics) -> str:
    """The compare page of two runs: which problems changed, and each problem's pass@1 delta."""
    rows = _compare_rows(compare(metrics_a, metrics_b))
    counts = {name: sum(1 for r in rows if r.change == name) for name in ("worse", "better", "same")}
    counts |= {name: sum(1 for r in rows if r.change == name) for name in ("only-a", "only-b")}
    return (
        _environment()
        .get_template(COMPARE_TEMPLATE)
        .render(
            run_a=run_a,
            run_b=run_b,
            metrics_a=metrics_a,
            metrics_b=metrics_b,
            banners=compare_banners(run_a, run_b),
            rows=rows,
            counts=counts,
            overall=CompareRowView(
                "", "", metrics_a.pass_at_1, metrics_b.pass_at_1, metrics_b.pass_at_1 - metrics_a.pass_at_1
            ),
            generator=f"veriassist {__version__}",
        )
    )


def write_compare(store: Store, run_a: str, run_b: str, out_path: str | Path) -> Path:
    """Write the compare page of runs `run_a` (before) and `run_b` (after) to `out_path`."""
    info_a, info_b = store.get_run(run_a), store.get_run(run_b)
    metrics_a = compute(store.samples(info_a.id), store.iterations(info_a.id))
    metrics_b = compute(store.samples(info_b.id), store.iterations(info_b.id))
    return _write(out_path, render_compare(info_a, metrics_a, info_b, metrics_b))
