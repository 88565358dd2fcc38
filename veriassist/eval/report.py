"""One self-contained HTML report per run: no scripts, fonts or styles from anywhere else.

Charts are inline SVG whose geometry is computed here, so the template only
places shapes and the file opens the same offline as online.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import jinja2

from veriassist import __version__
from veriassist.eval.metrics import RunMetrics, compute, percent
from veriassist.eval.store import RunInfo, RunStatus, Store
from veriassist.prompts import TEMPLATE_DIR
from veriassist.types import FeedbackMode, SampleRecord

__all__ = ["TEMPLATES", "Banner", "render_report", "run_banners", "write_report"]

TEMPLATES = TEMPLATE_DIR  # the one place prompts and reports are looked up
REPORT_TEMPLATE = "report.html.j2"


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
        banners.append(Banner("info", "hand-written designs", "No model produced these designs."))
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
) -> str:
    """The report's HTML text for one run; `lint_findings` as `Store.lint_results` gives them."""
    failing: dict[str, list[SampleRecord]] = defaultdict(list)
    for s in samples:
        if not s.passed:
            failing[s.task_id].append(s)
    return (
        _environment()
        .get_template(REPORT_TEMPLATE)
        .render(
            run=run,
            banners=run_banners(run),
            metrics=metrics,
            failing=failing,
            curve=_line_chart(metrics.pass_after_try),
            bars=_bar_chart(metrics),
            lint=_lint_view(run, metrics, lint_findings or {}),
            generator=f"veriassist {__version__}",
        )
    )


def write_report(store: Store, run_name: str, out_path: str | Path) -> Path:
    """Write the HTML report of run `run_name` to `out_path` and return the path."""
    run = store.get_run(run_name)
    samples = store.samples(run.id)
    metrics = compute(samples, store.iterations(run.id))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(run, samples, metrics, store.lint_results(run.id)), encoding="utf-8")
    return out
