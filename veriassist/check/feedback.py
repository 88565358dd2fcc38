"""CheckResult -> text a model can act on: what failed, where, and the evidence.

A batch run renders none of it while it runs: `pack_evidence` keeps a failed check's verdict,
candidate and waveform dump in its record, and `feedback_of` renders them when the record is
read (a report, JUnit, `runs`, the MCP server), the same text the model would have been sent.
"""

from __future__ import annotations

import dataclasses
import json
import zlib

from veriassist.hdl import HdlError
from veriassist.hdl.trace import Driver, driver_cone
from veriassist.prompts import render
from veriassist.toolchain.icarus import render_diagnostic
from veriassist.toolchain.vcd import waveform_window
from veriassist.types import (
    Candidate,
    CheckResult,
    Diagnostic,
    SampleRecord,
    Severity,
    SourceFile,
    WaveDump,
)

MAX_DIAGNOSTICS = 8  # the first errors matter; later ones are usually consequences
TRACE_SIGNALS = 24  # the drivers of a wrong output shown: its nearest signals, registers first
TRACE_LINES = 60  # and at most this many source lines of them (80% of designs/ mutants located)


def render_feedback(result: CheckResult, candidate: Candidate | None = None) -> str:
    """The exact feedback a model receives for this check."""
    if result.dump is not None and not result.waveform:
        result = dataclasses.replace(result, waveform=window_of(result.dump))
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


def window_of(dump: WaveDump) -> str:
    """A kept dump's window, as the check would have drawn it."""
    return waveform_window(dump.vcd, dump.around, scope=dump.scope)


def pack_evidence(result: CheckResult, candidate: Candidate) -> bytes:
    """What `feedback_of` needs to render this check's feedback later, compressed: the verdict
    (without the logs, which the record's excerpt has), the candidate, then the dump as it is."""
    verdict = dataclasses.replace(result, compile_log="", sim_log="", timings={}, workdir=None)
    dump = result.dump
    header = {
        "result": verdict.to_json(),
        "top": candidate.top,
        "files": {f.name: f.text for f in candidate.files},
        "dump": None if dump is None else {"around": dump.around, "scope": dump.scope},
    }
    # JSON has no raw newline, so the first one ends the header. Level 1: most of the gain, for
    # a tenth of the CPU of the default level.
    return zlib.compress(json.dumps(header).encode() + b"\n" + (dump.vcd if dump else b""), 1)


def feedback_of(record: SampleRecord) -> str:
    """The sample's feedback: as recorded, or rendered now from its packed evidence."""
    if record.feedback or record.evidence is None:
        return record.feedback
    try:
        header, _, vcd = zlib.decompress(record.evidence).partition(b"\n")
        packed = json.loads(header)
        dump = packed["dump"]
        result = dataclasses.replace(
            CheckResult.from_json(packed["result"]),
            dump=None if dump is None else WaveDump(vcd, dump["around"], dump["scope"]),
        )
        candidate = Candidate(tuple(SourceFile(n, t) for n, t in packed["files"].items()), packed["top"])
    except (zlib.error, ValueError, KeyError, TypeError) as error:  # a record damaged after the run
        return f"(this sample's evidence could not be read back: {error})"
    return render_feedback(result, candidate)


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
