"""Diagnostics: the open buffer compiled alone with iverilog (debounced), and a check's verdict."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from pathlib import Path

from lsprotocol import types
from pygls.workspace import TextDocument

from veriassist import hdl
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


# Names iverilog quotes in a message: `x' (its own style), 'x' or "x".
_QUOTED = re.compile(r"""[`'"]([A-Za-z_$][\w$.]*)['"]""")
_LEADING = re.compile(r"^([A-Za-z_$][\w$]*) is not a valid l-value")
_UNKNOWN_TYPE = re.compile(r"Unknown module type: ([A-Za-z_$][\w$]*)")


def _token_span(message: str, text: str) -> tuple[int, int] | None:
    """The columns of the identifier the message names, when it names one that is on the line."""
    names = [m[1] for m in _QUOTED.finditer(message)]
    names += [m[1] for m in (_LEADING.match(message), _UNKNOWN_TYPE.search(message)) if m]
    for name in names:
        for part in (name, name.rsplit(".", 1)[-1]):  # `top.x' names x in module top
            found = re.search(rf"(?<![\w$]){re.escape(part)}(?![\w$])", text)
            if found:
                return found.start(), found.end()
    return None


def to_lsp(diagnostic: Diagnostic, lines: list[str]) -> types.Diagnostic:
    """Iverilog gives lines, not columns: the range is the token the message names, else the line's code."""
    index = min(max(diagnostic.line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index].rstrip("\r\n") if lines else ""
    start, end = len(text) - len(text.lstrip()), len(text)
    if diagnostic.column is not None:  # verible gives 1-based columns
        start = min(max(diagnostic.column - 1, 0), len(text))
    else:
        start, end = _token_span(diagnostic.message, text) or (start, end)
    return types.Diagnostic(
        range=types.Range(types.Position(index, start), types.Position(index, end)),
        message=diagnostic.message,
        severity=_SEVERITIES[diagnostic.severity],
        source=diagnostic.source,
    )


def dedupe(found: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per cause: iverilog follows a specific error on a line with a generic one.

    Drops exact repeats, a bare "syntax error" beside a more specific one on the same line,
    and "Unable to elaborate" beside the "Unable to bind" that caused it.
    """
    by_line: dict[int, list[str]] = {}
    for d in found:
        by_line.setdefault(d.line, []).append(d.message)
    kept: list[Diagnostic] = []
    seen: set[tuple[int, str]] = set()
    for d in found:
        others = [m for m in by_line[d.line] if m != d.message]
        generic_syntax = d.message == "syntax error" and any("syntax error" in m for m in others)
        consequence = d.message.startswith("Unable to elaborate") and any(
            m.startswith("Unable to bind") for m in others
        )
        if (d.line, d.message) in seen or generic_syntax or consequence:
            continue
        seen.add((d.line, d.message))
        kept.append(d)
    return kept


def publish(ls: VeriAssistServer, document: TextDocument, found: list[types.Diagnostic]) -> None:
    """The lint's diagnostics, the last check's compile errors (until an edit) and its verdict."""
    # A check's compile errors repeat the lint's: show each once.
    seen = {(d.range.start.line, d.message) for d in found}
    extra = [
        d for d in ls.check_diagnostics.get(document.uri, []) if (d.range.start.line, d.message) not in seen
    ]
    verdict = ls.check_verdicts.get(document.uri)
    if verdict is not None:
        # Kept until the next check, re-anchored on the module line as the text moves.
        stale = "" if verdict.version == document.version else "(checked before your last edits) "
        extra.append(verdict_diagnostic(document, verdict.top, stale + verdict.message))
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=document.uri, diagnostics=found + extra, version=document.version)
    )


_DEFINES = r"\b(?:module|macromodule|interface|program|primitive)\s+(?:(?:automatic|static)\s+)?{name}\b"
_HDL_FILES = (".v", ".sv", ".vh", ".svh")
MAX_SCANNED_FILES = 5000  # a workspace bigger than this is not searched past it for definitions


def _hdl_files(roots: tuple[Path, ...], first: Path) -> list[Path]:
    """HDL files in `first` (the file's folder), then under the roots, skipping hidden and node_modules."""
    listed = sorted(first.iterdir()) if first.is_dir() else []  # an unsaved file's folder may be gone
    found = [p for p in listed if p.is_file() and p.name.lower().endswith(_HDL_FILES)]
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
            found += [Path(dirpath) / n for n in sorted(filenames) if n.lower().endswith(_HDL_FILES)]
            if len(found) > MAX_SCANNED_FILES:
                break
    return list(dict.fromkeys(found))[:MAX_SCANNED_FILES]


def unknown_modules(text: str, path: Path, roots: tuple[Path, ...]) -> list[Diagnostic]:
    """An error on each instance of a module defined nowhere: not in the buffer, not in the workspace.

    iverilog runs with `-i` so that instances of modules in other files are not errors; that
    also hides a module that exists nowhere, which this finds.
    """
    try:
        instances = hdl.instantiations(text)
        missing = {i.module for i in instances} - set(hdl.module_names(text))
    except hdl.HdlError:
        return []  # a syntax error is reported already, and instances cannot be read past it
    if not missing:
        return []
    for file in _hdl_files(roots, path.parent):
        if file.resolve() == path.resolve():
            continue
        try:
            source = file.read_text(errors="replace")
        except OSError:
            continue
        missing = {m for m in missing if not re.search(_DEFINES.format(name=re.escape(m)), source)}
        if not missing:
            return []
    lines = text.splitlines()
    found = []
    for instance in instances:
        if instance.module not in missing:
            continue
        where = re.compile(
            rf"(?<![\w$]){re.escape(instance.module)}\s*(?:#|{re.escape(instance.instance)}\b)"
        )
        line = next((n for n, t in enumerate(lines, 1) if where.search(t)), 1)
        message = (
            f"Unknown module type: {instance.module} (instance {instance.instance}): it is defined "
            "neither in this file nor in any .v/.sv file in the workspace folders"
        )
        found.append(Diagnostic(path.name, line, Severity.ERROR, message, None, "veriassist"))
    return found


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
    blanked = blank_lines(text, set(refused))
    found = lint_source(blanked, path.name, path.parent if inside else None, sandbox=sandbox)
    notes = [
        Diagnostic(path.name, line, Severity.ERROR, message, None, "veriassist")
        for line, message in refused.items()
    ]
    unknown = unknown_modules(blanked, path, roots) if inside else []  # outside: the neighbours are unread
    return notes + dedupe(found) + unknown


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
