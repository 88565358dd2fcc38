"""Diagnostics: the open buffer compiled alone with iverilog (debounced), and a check's verdict."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

from lsprotocol import types
from pygls.workspace import TextDocument

from veriassist.servers.includes import blank_lines, find_includes, is_inside, outside_reason
from veriassist.servers.lsp.discovery import document_path, is_hdl, workspace_roots
from veriassist.servers.lsp.state import VeriAssistServer
from veriassist.toolchain import runner
from veriassist.toolchain.source_lint import lint_source
from veriassist.types import Diagnostic, Severity

log = logging.getLogger("veriassist.servers.lsp")

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def to_lsp(diagnostic: Diagnostic, lines: list[str]) -> types.Diagnostic:
    """Iverilog gives lines, not columns: the range is the whole line, without its indentation."""
    index = min(max(diagnostic.line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index].rstrip("\r\n") if lines else ""
    start = len(text) - len(text.lstrip())
    if diagnostic.column is not None:  # verible gives 1-based columns
        start = min(max(diagnostic.column - 1, 0), len(text))
    return types.Diagnostic(
        range=types.Range(types.Position(index, start), types.Position(index, len(text))),
        message=diagnostic.message,
        severity=_SEVERITIES[diagnostic.severity],
        source=diagnostic.source,
    )


def publish(ls: VeriAssistServer, document: TextDocument, found: list[types.Diagnostic]) -> None:
    # A check's compile errors repeat the lint's: show each once.
    seen = {(d.range.start.line, d.message) for d in found}
    extra = [
        d for d in ls.check_diagnostics.get(document.uri, []) if (d.range.start.line, d.message) not in seen
    ]
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=document.uri, diagnostics=found + extra, version=document.version)
    )


def lint_in_workspace(text: str, path: Path, roots: tuple[Path, ...], *, sandbox: bool) -> list[Diagnostic]:
    """The buffer's lint, reading no file outside `roots`.

    A file inside them is compiled with its folder on the include and library path; one
    outside is compiled from its text alone. An `include that would reach outside the roots
    (or any include, for a file outside them) is blanked out and reported instead of read.
    """
    inside = is_inside(path, roots)
    refused: dict[int, str] = {}
    for include in find_includes(text):
        outside = "this file is outside the workspace folders"
        reason = outside_reason(include, [path.parent], roots) if inside else outside
        if reason is not None:
            refused[include.line] = f"{include.shown} was not read: {reason}"
    found = lint_source(
        blank_lines(text, set(refused)), path.name, path.parent if inside else None, sandbox=sandbox
    )
    notes = [
        Diagnostic(path.name, line, Severity.ERROR, message, None, "veriassist")
        for line, message in refused.items()
    ]
    return notes + found


async def _lint_later(ls: VeriAssistServer, uri: str, delay_s: float) -> None:
    await asyncio.sleep(delay_s)
    document = ls.workspace.get_text_document(uri)
    version, text, path = document.version, document.source, document_path(document)
    loop = asyncio.get_running_loop()
    try:
        found = await loop.run_in_executor(
            ls.thread_pool,
            lambda: lint_in_workspace(text, path, workspace_roots(ls.workspace), sandbox=ls.settings.sandbox),
        )
    except runner.ToolMissing as error:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"VeriAssist: {error}"))
        return
    except Exception:  # a lint that breaks must not take the server down; the next edit retries
        log.exception("lint of %s failed", uri)
        return
    current = ls.workspace.get_text_document(uri)
    if current.version != version:
        return  # typed on meanwhile: a newer lint is on its way
    lines = list(current.lines)
    publish(ls, current, [to_lsp(d, lines) for d in found])


def schedule_lint(ls: VeriAssistServer, uri: str, delay_s: float = 0.0) -> None:
    """Lint `uri` after `delay_s`, replacing any lint still waiting for it (the debounce)."""
    if not is_hdl(uri):
        return
    pending = ls.lint_tasks.pop(uri, None)
    if pending is not None:
        pending.cancel()
    task = asyncio.get_running_loop().create_task(_lint_later(ls, uri, delay_s))
    ls.lint_tasks[uri] = task
    task.add_done_callback(lambda t: ls.lint_tasks.pop(uri, None) if ls.lint_tasks.get(uri) is t else None)


def verdict_diagnostic(document: TextDocument, top: str, message: str) -> types.Diagnostic:
    lines = list(document.lines)
    line = next((i for i, text in enumerate(lines) if re.match(rf"\s*module\s+{re.escape(top)}\b", text)), 0)
    width = len(lines[line].rstrip("\r\n")) if lines else 0
    return types.Diagnostic(
        range=types.Range(types.Position(line, 0), types.Position(line, width)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        source="veriassist-check",
    )
