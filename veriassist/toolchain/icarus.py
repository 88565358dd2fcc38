"""Icarus Verilog: argv builders and log parsers. Nothing here runs a process."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from veriassist.types import Diagnostic, Severity

# Upstream VerilogEval compiles with these flags; keeping them keeps verdicts comparable.
COMPILE_FLAGS = ("-Wall", "-Winfloop", "-Wno-timescale", "-g2012")


def compile_argv(
    sources: Iterable[str], top: str, output: str = "sim.vvp", *, more_tops: Iterable[str] = ()
) -> list[str]:
    tops = [arg for name in (top, *more_tops) for arg in ("-s", name)]
    return ["iverilog", *COMPILE_FLAGS, *tops, "-o", output, *sources]


def simulate_argv(binary: str = "sim.vvp", plusargs: Iterable[str] = ()) -> list[str]:
    # -n: $stop ends the run instead of opening vvp's interactive prompt.
    return ["vvp", "-n", binary, *plusargs]


_LOCATED = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):\s*"
    r"(?:(?P<sev>error|warning|sorry|internal error|syntax error)\b:?\s*)?(?P<msg>.*)$"
)
_VVP_RUNTIME = re.compile(
    r"^(?P<sev>ERROR|WARNING|Error|Warning):\s*(?:(?P<file>[^\s:]+):(?P<line>\d+):\s*)?(?P<msg>.*)$"
)


def parse_diagnostics(
    log: str, file_names: Mapping[str, str] | None = None, *, simulation: bool = False
) -> list[Diagnostic]:
    """Turn iverilog/vvp output into Diagnostics.

    Args:
        log: compiler or simulator output.
        file_names: maps the path iverilog printed to the name the user knows
            (candidates are compiled from a subdirectory of the work dir).
        simulation: the log is vvp's, where located lines are not diagnostics
            unless they say error (e.g. "tb.sv:9: $finish called at 50").
    """
    names = file_names or {}
    diagnostics: list[Diagnostic] = []
    for raw in log.splitlines():
        line = raw.rstrip()
        match = _LOCATED.match(line)
        if match:
            sev_text, msg = match["sev"], match["msg"].strip()
            # "file:12:      : It was declared here" continues the previous message.
            if sev_text is None and (msg.startswith(":") or not msg) and diagnostics:
                prev = diagnostics[-1]
                extra = msg.lstrip(": ").strip()
                if extra:
                    diagnostics[-1] = _with_message(prev, f"{prev.message}; {extra}")
                continue
            if sev_text == "syntax error":
                severity, msg = Severity.ERROR, "syntax error" + (f": {msg}" if msg else "")
            elif sev_text is None:
                if simulation and "error" not in msg.lower():
                    continue
                severity = Severity.ERROR
            else:
                severity = Severity.WARNING if sev_text == "warning" else Severity.ERROR
                if sev_text == "sorry":
                    msg = f"sorry (unsupported by Icarus): {msg}"
            diagnostics.append(
                Diagnostic(
                    file=names.get(match["file"], match["file"]),
                    line=int(match["line"]),
                    severity=severity,
                    message=msg,
                )
            )
            continue
        runtime = _VVP_RUNTIME.match(line)
        if runtime and runtime["file"]:
            diagnostics.append(
                Diagnostic(
                    file=names.get(runtime["file"], runtime["file"]),
                    line=int(runtime["line"]),
                    severity=Severity.ERROR if runtime["sev"].lower() == "error" else Severity.WARNING,
                    message=runtime["msg"].strip(),
                    source="vvp",
                )
            )
    return diagnostics


def _with_message(diag: Diagnostic, message: str) -> Diagnostic:
    return Diagnostic(diag.file, diag.line, diag.severity, message, diag.column, diag.source)


def render_diagnostic(diag: Diagnostic, source_text: str | None, context: int = 2) -> str:
    """Show a diagnostic as a compiler would: the message and numbered lines around it."""
    head = f"{diag.file}:{diag.line}: {diag.severity.value}: {diag.message}"
    if not source_text or diag.line <= 0:
        return head
    lines = source_text.splitlines()
    lo, hi = max(diag.line - context, 1), min(diag.line + context, len(lines))
    width = len(str(hi))
    snippet = [f"{'>' if n == diag.line else ' '} {n:>{width}} | {lines[n - 1]}" for n in range(lo, hi + 1)]
    return "\n".join([head, *snippet])
