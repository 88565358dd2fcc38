"""CheckResult -> text a model can act on: what failed, where, and the evidence."""

from __future__ import annotations

import dataclasses

from veriassist.hdl import HdlError
from veriassist.hdl.trace import Driver, driver_cone
from veriassist.prompts import render
from veriassist.toolchain.icarus import render_diagnostic
from veriassist.types import Candidate, CheckResult, Diagnostic, Severity

MAX_DIAGNOSTICS = 8  # the first errors matter; later ones are usually consequences
TRACE_SIGNALS = 24  # the drivers of a wrong output shown: its nearest signals, registers first
TRACE_LINES = 60  # and at most this many source lines of them (80% of designs/ mutants located)


def render_feedback(result: CheckResult, candidate: Candidate | None = None) -> str:
    """The exact feedback a model receives for this check."""
    texts = {f.name: f.text for f in candidate.files} if candidate else {}
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in result.diagnostics if d.severity is Severity.WARNING]
    shown = _merge_same_line(errors + warnings)[:MAX_DIAGNOSTICS]
    return render(
        "feedback.j2",
        result=dataclasses.replace(result, summary=_headline(result)),
        kind=result.kind.value,
        diagnostics=[render_diagnostic(d, texts.get(d.file)) for d in shown],
        hidden_diagnostics=len(errors) + len(warnings) - len(shown),
        failing_tests=[t for t in result.tests if not t.passed],
        mismatches=[m for m in result.mismatches if m.count],
        traced=(traced := first_wrong_output(result)),
        drivers=trace_drivers(candidate, traced) if candidate and traced else [],
    )


def first_wrong_output(result: CheckResult) -> str | None:
    """The output whose first mismatch came earliest: the first symptom of the bug."""
    wrong = [m for m in result.mismatches if m.count]
    if not wrong:
        return None
    return min(wrong, key=lambda m: (m.first_time is None, m.first_time or 0)).output


def trace_drivers(candidate: Candidate, output: str) -> list[Driver]:
    """The candidate's drivers of `output`, nearest first, bounded; [] when it cannot be traced."""
    try:
        cone = driver_cone([(f.name, f.text) for f in candidate.files], candidate.top, output, TRACE_SIGNALS)
    except HdlError:
        return []
    return cone[:TRACE_LINES]


def _headline(result: CheckResult) -> str:
    """The summary without its `passed:` / `failed:` word, which the headline already says."""
    word = "passed" if result.passed else "failed"
    rest = result.summary.removeprefix(word).removeprefix(":").strip()
    if not result.passed and rest.split(":", 1)[0] == result.kind.value:
        rest = rest.removeprefix(result.kind.value).removeprefix(":").strip()  # `FAILED (timeout): timeout`
    return rest or ("all checks passed" if result.passed else "no further detail")


def _merge_same_line(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One entry per source line: iverilog often reports a line twice in different words."""
    merged: dict[tuple[str, int], Diagnostic] = {}
    for d in diagnostics:
        key = (d.file, d.line)
        if key in merged:
            first = merged[key]
            merged[key] = Diagnostic(first.file, first.line, first.severity, f"{first.message}; {d.message}")
        else:
            merged[key] = d
    return list(merged.values())
