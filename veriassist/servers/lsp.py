"""`veriassist lsp`: a language server over the pipeline's stages (pygls 2, stdio).

Diagnostics come from compiling the open buffer alone with iverilog. The commands
("Generate module from spec", "Fix with VeriAssist", "Generate testbench", "Check
against testbench") run off the event loop, report work-done progress the user can
cancel, and hand back their result as a workspace edit, so the editor can undo it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from veriassist import __version__, hdl
from veriassist.spec import spec_interface
from veriassist.toolchain import runner
from veriassist.toolchain.source_lint import lint_source
from veriassist.types import Diagnostic, Severity, SourceFile

log = logging.getLogger("veriassist.servers.lsp")

HDL_SUFFIXES = (".v", ".sv")
SPEC_SUFFIXES = (".md", ".txt")
CLIENT_WAIT_S = 30.0  # how long a job waits for the client to answer a request

CMD_GENERATE = "veriassist.server.generateFromSpec"
CMD_FIX = "veriassist.server.fix"
CMD_TESTBENCH = "veriassist.server.generateTestbench"
CMD_CHECK = "veriassist.server.check"

# Looked for next to `<name>.v`, in this order, when no testbench is configured.
TESTBENCH_PATTERNS = (
    "tb_{name}.sv", "tb_{name}.v", "{name}_tb.sv", "{name}_tb.v", "test_{name}.py",
    "{name}_test.sv", "{name}_test.v", "testbench.sv", "testbench.v", "tb.sv", "tb.v",
)  # fmt: skip
REFERENCE_PATTERNS = ("reference.sv", "reference.v", "{name}_ref.sv", "{name}_ref.v", "ref.sv", "ref.v")


@dataclass(frozen=True)
class EditorSettings:
    """What the client may set, as initializationOptions or the `veriassist` configuration section."""

    model: str | None = None  # provider:name, e.g. openai:gpt-4o-mini (None: veriassist.toml / env)
    base_url: str | None = None
    iterations: int = 5
    testbench: str | None = None  # a path, absolute or relative to the file's folder
    sandbox: bool = True
    debounce_ms: int = 300

    @classmethod
    def from_client(cls, data: Any, base: EditorSettings | None = None) -> EditorSettings:
        """Read camelCase (VS Code) or snake_case keys; unknown keys are ignored, bad values kept at base."""
        base = base or cls()
        if not isinstance(data, Mapping):
            return base
        if isinstance(data.get("veriassist"), Mapping):
            data = data["veriassist"]
        values: dict[str, Any] = {}
        for key, kind, names in (
            ("model", str, ("model",)),
            ("base_url", str, ("baseUrl", "base_url")),
            ("iterations", int, ("iterations",)),
            ("testbench", str, ("testbench", "testbenchPath", "testbench_path")),
            ("sandbox", bool, ("sandbox",)),
            ("debounce_ms", int, ("debounceMs", "debounce_ms")),
        ):
            for name in names:
                value = data.get(name)
                if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
                    # An empty string in VS Code's settings UI means "not set".
                    values[key] = value if value != "" else None
                    break
        if values.get("iterations", 1) < 1 or values.get("debounce_ms", 0) < 0:
            values.pop("iterations" if values.get("iterations", 1) < 1 else "debounce_ms")
        return replace(base, **values)


class JobCancelled(Exception):
    """The user cancelled a long job from the editor's progress notification."""


class JobError(Exception):
    """A job cannot go on; the message is shown to the user as it is."""


class VeriAssistServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("veriassist", __version__)
        self.settings = EditorSettings()
        self.lint_tasks: dict[str, asyncio.Task[None]] = {}
        self.check_diagnostics: dict[str, list[types.Diagnostic]] = {}  # the last check's, until an edit


server = VeriAssistServer()


# --- diagnostics -------------------------------------------------------------------------------------------


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


def is_hdl(uri: str) -> bool:
    return uri.lower().endswith(HDL_SUFFIXES)


def document_path(document: TextDocument) -> Path:
    path = to_fs_path(document.uri) or document.path
    return Path(path)


def _publish(ls: VeriAssistServer, document: TextDocument, found: list[types.Diagnostic]) -> None:
    # A check's compile errors repeat the lint's: show each once.
    seen = {(d.range.start.line, d.message) for d in found}
    extra = [
        d for d in ls.check_diagnostics.get(document.uri, []) if (d.range.start.line, d.message) not in seen
    ]
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=document.uri, diagnostics=found + extra, version=document.version)
    )


async def _lint_later(ls: VeriAssistServer, uri: str, delay_s: float) -> None:
    await asyncio.sleep(delay_s)
    document = ls.workspace.get_text_document(uri)
    version, text, path = document.version, document.source, document_path(document)
    loop = asyncio.get_running_loop()
    try:
        found = await loop.run_in_executor(
            ls.thread_pool, lambda: lint_source(text, path.name, path.parent, sandbox=ls.settings.sandbox)
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
    _publish(ls, current, [to_lsp(d, lines) for d in found])


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


@server.feature(types.INITIALIZE)
def on_initialize(ls: VeriAssistServer, params: types.InitializeParams) -> None:
    ls.settings = EditorSettings.from_client(params.initialization_options)


@server.feature(types.INITIALIZED)
async def on_initialized(ls: VeriAssistServer, params: types.InitializedParams) -> None:
    await _pull_configuration(ls)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def on_configuration(ls: VeriAssistServer, params: types.DidChangeConfigurationParams) -> None:
    ls.settings = EditorSettings.from_client(params.settings, ls.settings)
    await _pull_configuration(ls)


async def _pull_configuration(ls: VeriAssistServer) -> None:
    workspace = ls.client_capabilities.workspace
    if workspace is None or not workspace.configuration:
        return
    try:
        answer = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="veriassist")])
            ),
            CLIENT_WAIT_S,
        )
    except Exception as error:  # a client that cannot answer keeps the initialization options
        log.warning("workspace/configuration failed: %s", error)
        return
    if answer:
        ls.settings = EditorSettings.from_client(answer[0], ls.settings)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def on_open(ls: VeriAssistServer, params: types.DidOpenTextDocumentParams) -> None:
    schedule_lint(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def on_change(ls: VeriAssistServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.check_diagnostics.pop(params.text_document.uri, None)  # its verdict was for the old text
    schedule_lint(ls, params.text_document.uri, ls.settings.debounce_ms / 1000)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def on_save(ls: VeriAssistServer, params: types.DidSaveTextDocumentParams) -> None:
    schedule_lint(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def on_close(ls: VeriAssistServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    pending = ls.lint_tasks.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.check_diagnostics.pop(uri, None)
    if is_hdl(uri):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


# --- finding things next to the file ------------------------------------------------------------------------


def find_testbench(path: Path, configured: str | None = None) -> Path | None:
    """The configured testbench, else the first of TESTBENCH_PATTERNS next to `path`."""
    if configured:
        chosen = Path(configured).expanduser()
        chosen = chosen if chosen.is_absolute() else path.parent / chosen
        return chosen if chosen.is_file() else None
    for pattern in TESTBENCH_PATTERNS:
        candidate = path.parent / pattern.format(name=path.stem)
        if candidate.is_file() and candidate.resolve() != path.resolve():
            return candidate
    return None


def find_reference(testbench: Path, design: Path) -> Path | None:
    """The reference a comparing testbench instantiates: `reference.sv` (designs/), `<name>_ref.sv`, ..."""
    names = [p.format(name=design.stem) for p in REFERENCE_PATTERNS]
    names += [
        p.format(name=testbench.stem.removesuffix("_test").removesuffix("_tb")) for p in REFERENCE_PATTERNS
    ]
    for name in dict.fromkeys(names):
        candidate = testbench.parent / name
        if candidate.is_file() and candidate.resolve() != design.resolve():
            return candidate
    return None


@dataclass(frozen=True)
class SpecBlock:
    text: str
    end_line: int  # 0-based, the last line of the block: generated code goes after it


_LINE_COMMENT = re.compile(r"^\s*//")


def spec_at(document: TextDocument, selection: types.Range | None) -> SpecBlock | None:
    """The spec to generate from: the selection, a whole spec file, or the comment block at the cursor."""
    lines = list(document.lines)
    if document.uri.lower().endswith(SPEC_SUFFIXES):
        return SpecBlock(document.source, max(len(lines) - 1, 0)) if document.source.strip() else None
    if selection is not None and selection.start != selection.end:
        text = document.text_in_client_range(selection)
        return SpecBlock(text, selection.end.line) if text.strip() else None
    if not lines:
        return None
    cursor = selection.start.line if selection is not None else 0
    return _comment_block(lines, min(cursor, len(lines) - 1))


def _comment_block(lines: list[str], cursor: int) -> SpecBlock | None:
    if _LINE_COMMENT.match(lines[cursor]):
        lo = hi = cursor
        while lo > 0 and _LINE_COMMENT.match(lines[lo - 1]):
            lo -= 1
        while hi + 1 < len(lines) and _LINE_COMMENT.match(lines[hi + 1]):
            hi += 1
        text = "\n".join(re.sub(r"^\s*//+ ?", "", line.rstrip("\r\n")) for line in lines[lo : hi + 1])
        return SpecBlock(text, hi) if text.strip() else None
    source = "".join(lines)
    offset = sum(len(line) for line in lines[:cursor])
    for match in re.finditer(r"/\*(.*?)\*/", source, re.DOTALL):
        if match.start() <= offset + len(lines[cursor]) and offset <= match.end():
            body = "\n".join(re.sub(r"^\s*\*? ?", "", line) for line in match[1].splitlines())
            end_line = source.count("\n", 0, match.end())
            return SpecBlock(body.strip(), end_line) if body.strip() else None
    return None


_SPEC_MODULE = re.compile(r"\bmodule\s+`?([A-Za-z_]\w*)`?")


def spec_top(spec: str, near: Path) -> str:
    """The module name the spec states, else design.toml's `top` next to it, else TopModule."""
    stated = spec_interface(spec)
    if stated is not None and stated.module:
        return stated.module
    named = _SPEC_MODULE.search(spec)  # "Implement `module and_gate`", "module foo (" in a comment
    if named:
        return named[1]
    manifest = near.parent / "design.toml"
    if manifest.is_file():
        import tomllib

        try:
            top = tomllib.loads(manifest.read_text()).get("top")
        except (OSError, tomllib.TOMLDecodeError):
            top = None
        if isinstance(top, str) and top:
            return top
    return "TopModule"


def spec_beside(path: Path) -> str | None:
    """A spec file next to the design (designs/ keeps one as spec.md)."""
    for name in ("spec.md", f"{path.stem}.md", "design_description.txt", f"{path.stem}_prompt.txt"):
        if (path.parent / name).is_file():
            return (path.parent / name).read_text(errors="replace")
    return None


# --- long jobs ---------------------------------------------------------------------------------------------


@dataclass
class Job:
    """One long job's work-done progress, and its cancellation by the user."""

    ls: VeriAssistServer
    title: str
    token: str = field(default_factory=lambda: f"veriassist-{uuid.uuid4()}")
    cancelled: Future[Any] | None = None

    def step(self, message: str) -> None:
        """Report progress; raise JobCancelled when the user cancelled (the loop calls this between steps)."""
        if self.cancelled is not None and self.cancelled.cancelled():
            raise JobCancelled(self.title)
        if self.cancelled is not None:
            self.ls.work_done_progress.report(self.token, types.WorkDoneProgressReport(message=message))
        log.info("%s: %s", self.title, message)


@contextmanager
def job(ls: VeriAssistServer, title: str) -> Iterator[Job]:
    """Progress in the editor while the block runs, when the client supports it."""
    current = Job(ls, title)
    window = ls.client_capabilities.window
    if window is not None and window.work_done_progress:
        try:
            ls.work_done_progress.create(current.token).result(timeout=CLIENT_WAIT_S)
            ls.work_done_progress.begin(
                current.token, types.WorkDoneProgressBegin(title=f"VeriAssist: {title}", cancellable=True)
            )
            current.cancelled = ls.work_done_progress.tokens.get(current.token)
        except Exception as error:  # no progress is no reason to refuse the job
            log.warning("work-done progress unavailable: %s", error)
    try:
        yield current
    finally:
        if current.cancelled is not None:
            ls.work_done_progress.end(current.token, types.WorkDoneProgressEnd())
            ls.work_done_progress.tokens.pop(current.token, None)


def _report(ls: VeriAssistServer, message: str, kind: types.MessageType) -> dict[str, Any]:
    ls.window_show_message(types.ShowMessageParams(kind, f"VeriAssist: {message}"))
    return {"ok": kind is not types.MessageType.Error, "message": message}


def _guarded(ls: VeriAssistServer, title: str, body: Any, *args: Any) -> dict[str, Any]:
    """Run a job body; what a user can act on becomes a message, never a stack trace."""
    from veriassist.check.inputs import InputError
    from veriassist.models import ModelError

    try:
        with job(ls, title) as current:
            result: dict[str, Any] = body(ls, current, *args)
            return result
    except JobCancelled:
        return _report(ls, f"{title} cancelled; nothing was changed.", types.MessageType.Warning)
    except (JobError, InputError, ModelError, runner.ToolMissing, hdl.HdlError) as error:
        return _report(ls, f"{title}: {error}", types.MessageType.Error)
    except Exception as error:
        log.exception("%s failed", title)
        return _report(ls, f"{title} failed unexpectedly: {error}", types.MessageType.Error)


def _document(ls: VeriAssistServer, uri: Any) -> TextDocument:
    if not isinstance(uri, str):
        raise JobError("the command needs the document's URI as its first argument")
    return ls.workspace.get_text_document(uri)


def _range(value: Any) -> types.Range | None:
    """A Range from a command argument (plain JSON once it has crossed the wire)."""
    if isinstance(value, types.Range):
        return value
    try:
        start, end = value["start"], value["end"]
        return types.Range(
            types.Position(int(start["line"]), int(start["character"])),
            types.Position(int(end["line"]), int(end["character"])),
        )
    except (TypeError, KeyError, ValueError):
        return None


def _model(ls: VeriAssistServer, document: TextDocument) -> Any:
    from veriassist.models import make_model, resolve_settings

    # The project's veriassist.toml sits in the workspace (or the design's) folder.
    root = to_fs_path(ls.workspace.root_uri) if ls.workspace.root_uri else None
    cwd = Path(root) if root else document_path(document).parent
    overrides = {"model": ls.settings.model, "base_url": ls.settings.base_url}
    return make_model(resolve_settings(overrides, cwd=cwd))


def _loop_settings(ls: VeriAssistServer, *, golden: bool, iterations: int | None = None) -> Any:
    from veriassist.agent.outcome import LoopSettings
    from veriassist.check.checker import CheckOptions

    return LoopSettings(
        iterations=iterations or ls.settings.iterations,
        feedback="golden" if golden else "own-testbench",
        check=CheckOptions(sandbox=ls.settings.sandbox),
    )


def _run_loop(problem: Any, model: Any, settings: Any, current: Job) -> Any:
    from veriassist.agent.loop import run_loop  # imported late: the loop is the heaviest stage

    outcome = run_loop(problem, model, settings, on_step=current.step)
    current.step("done")  # a cancel during the last step still discards the result
    return outcome


def _apply(ls: VeriAssistServer, edit: types.WorkspaceEdit, label: str) -> bool:
    answer = ls.workspace_apply_edit(types.ApplyWorkspaceEditParams(edit=edit, label=label))
    result = answer.result(timeout=CLIENT_WAIT_S)
    return bool(getattr(result, "applied", False))


def _whole_document(document: TextDocument) -> types.Range:
    lines = list(document.lines)
    return types.Range(types.Position(0, 0), types.Position(len(lines), 0))


def _replace_edit(document: TextDocument, where: types.Range, text: str) -> types.WorkspaceEdit:
    # Versioned: if the user typed while the job ran, the client refuses the edit instead of clobbering.
    ident = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=ident, edits=[types.TextEdit(where, text)])]
    )


def _new_file_edit(path: Path, text: str) -> types.WorkspaceEdit:
    uri = from_fs_path(str(path)) or path.as_uri()
    ident = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None)
    start = types.Range(types.Position(0, 0), types.Position(0, 0))
    return types.WorkspaceEdit(
        document_changes=[
            types.CreateFile(
                uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)
            ),
            types.TextDocumentEdit(text_document=ident, edits=[types.TextEdit(start, text)]),
        ]
    )


def _free_name(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}{suffix}"
    n = 1
    while candidate.exists():
        candidate = directory / f"{stem}_{n}{suffix}"
        n += 1
    return candidate


def _verdict(outcome: Any) -> str:
    judged = {"golden": "your testbench", "own-testbench": "its own testbench", "none": "no testbench"}
    verdict = "passes" if outcome.passed else f"does not pass yet ({outcome.kind.value})"
    by = judged.get(outcome.judged_by, outcome.judged_by)
    return f"{verdict} {by} after {len(outcome.iterations)} iteration(s)"


def _generate(ls: VeriAssistServer, current: Job, uri: Any, selection: Any = None) -> dict[str, Any]:
    from veriassist.types import Problem

    document = _document(ls, uri)
    spec = spec_at(document, _range(selection))
    if spec is None:
        raise JobError(
            "no spec found: select it, put the cursor in its comment block, or run this on a spec file"
        )
    path = document_path(document)
    top = spec_top(spec.text, path)
    current.step(f"generating module {top}")
    problem = Problem(task_id=top, spec=spec.text, top=top, suite="editor")
    outcome = _run_loop(problem, _model(ls, document), _loop_settings(ls, golden=False), current)
    if outcome.rtl is None:
        raise JobError(f"the model gave no usable module ({outcome.stop_reason})")
    if is_hdl(document.uri):
        line = spec.end_line + 1
        edit = _replace_edit(
            document, types.Range(types.Position(line, 0), types.Position(line, 0)), outcome.rtl
        )
        target = document.uri
    else:
        new_path = _free_name(path.parent, top, ".sv")
        edit = _new_file_edit(new_path, outcome.rtl)
        target = from_fs_path(str(new_path)) or new_path.as_uri()
    applied = _apply(ls, edit, f"VeriAssist: generate {top}")
    message = f"module {top} {_verdict(outcome)}" + ("" if applied else "; the editor did not apply the edit")
    _report(ls, message, types.MessageType.Info if applied else types.MessageType.Warning)
    return {"ok": applied, "applied": applied, "passed": outcome.passed, "uri": target, "message": message}


def _fix(ls: VeriAssistServer, current: Job, uri: Any) -> dict[str, Any]:
    from veriassist.check.inputs import guess_top, load_testbench
    from veriassist.types import Problem

    document = _document(ls, uri)
    path = document_path(document)
    tb_path = find_testbench(path, ls.settings.testbench)
    if tb_path is None:
        raise JobError(_no_testbench(path))
    testbench = load_testbench(tb_path, find_reference(tb_path, path))
    rtl = SourceFile(path.name, document.source)
    top = guess_top((rtl,), testbench)
    spec = spec_beside(path) or f"Module `{top}` must pass the testbench {tb_path.name}."
    # The loop starts from a spec; the user's RTL goes in with it so the model repairs, not rewrites.
    task = f"{spec}\n\nThe current implementation, which needs fixing:\n```verilog\n{document.source}\n```\n"
    # The user owns this testbench, so its results may be shown to the model (golden feedback).
    problem = Problem(
        task_id=top,
        spec=task,
        top=top,
        testbench=testbench,
        suite="editor",
        metadata={"initial_rtl": rtl.text},
    )
    current.step(f"fixing {top} against {tb_path.name}")
    outcome = _run_loop(problem, _model(ls, document), _loop_settings(ls, golden=True), current)
    if outcome.rtl is None:
        raise JobError(f"the model gave no usable module ({outcome.stop_reason})")
    if not outcome.passed:
        # Never hand back a design that still fails in place of the user's own.
        message = (
            f"{top} {_verdict(outcome)}; your file was left as it is. Last feedback:\n{outcome.feedback}"
        )
        _report(ls, message.strip(), types.MessageType.Warning)
        return {"ok": False, "applied": False, "passed": False, "message": message}
    applied = _apply(
        ls, _replace_edit(document, _whole_document(document), outcome.rtl), f"VeriAssist: fix {top}"
    )
    message = f"{top} {_verdict(outcome)}" + ("" if applied else "; the editor did not apply the edit")
    _report(ls, message, types.MessageType.Info if applied else types.MessageType.Warning)
    return {"ok": applied, "applied": applied, "passed": True, "message": message}


def _testbench(ls: VeriAssistServer, current: Job, uri: Any) -> dict[str, Any]:
    from veriassist.types import Problem

    document = _document(ls, uri)
    path = document_path(document)
    try:
        interface = hdl.module_interface(document.source)
    except hdl.HdlError as error:
        raise JobError(f"cannot read the module's ports: {error}") from None
    spec = spec_beside(path) or f"The module `{interface.module}` implemented below."
    task = f"{spec}\n\nThe implementation to test:\n```verilog\n{document.source}\n```\n"
    problem = Problem(task_id=interface.module, spec=task, top=interface.module, suite="editor")
    current.step(f"writing a cocotb testbench for {interface.module}")
    # One iteration: the loop writes RTL and its own cocotb testbench; only the testbench is kept.
    outcome = _run_loop(
        problem, _model(ls, document), _loop_settings(ls, golden=False, iterations=1), current
    )
    if not outcome.testbench:
        raise JobError(f"the model wrote no cocotb testbench ({outcome.stop_reason})")
    new_path = _free_name(path.parent, f"test_{path.stem}", ".py")
    applied = _apply(
        ls, _new_file_edit(new_path, outcome.testbench), f"VeriAssist: testbench for {path.name}"
    )
    message = f"wrote {new_path.name}" if applied else "the editor did not create the testbench file"
    _report(ls, message, types.MessageType.Info if applied else types.MessageType.Warning)
    return {"ok": applied, "applied": applied, "uri": from_fs_path(str(new_path)), "message": message}


def _check(ls: VeriAssistServer, current: Job, uri: Any) -> dict[str, Any]:
    from veriassist.check.checker import CheckOptions, check
    from veriassist.check.feedback import render_feedback
    from veriassist.check.inputs import guess_top, load_testbench
    from veriassist.types import Candidate

    document = _document(ls, uri)
    path = document_path(document)
    tb_path = find_testbench(path, ls.settings.testbench)
    if tb_path is None:
        raise JobError(_no_testbench(path))
    testbench = load_testbench(tb_path, find_reference(tb_path, path))
    rtl = SourceFile(path.name, document.source)  # the buffer as it is now, saved or not
    candidate = Candidate((rtl,), guess_top((rtl,), testbench))
    current.step(f"simulating {candidate.top} with {tb_path.name}")
    result = check(candidate, testbench, CheckOptions(sandbox=ls.settings.sandbox))
    feedback = render_feedback(result, candidate).strip()
    lines = list(document.lines)
    found = [to_lsp(d, lines) for d in result.diagnostics if d.file == path.name]
    if not result.passed:
        found.append(_verdict_diagnostic(document, candidate.top, f"{tb_path.name}: {feedback}"))
    ls.check_diagnostics[document.uri] = found
    linted = lint_source(document.source, path.name, path.parent, sandbox=ls.settings.sandbox)
    _publish(ls, document, [to_lsp(d, lines) for d in linted])
    kind = types.MessageType.Info if result.passed else types.MessageType.Warning
    _report(ls, f"{candidate.top} against {tb_path.name}: {result.summary}", kind)
    return {"ok": True, "passed": result.passed, "verdict": result.kind.value, "summary": result.summary,
            "feedback": feedback}  # fmt: skip


def _verdict_diagnostic(document: TextDocument, top: str, message: str) -> types.Diagnostic:
    lines = list(document.lines)
    line = next((i for i, text in enumerate(lines) if re.match(rf"\s*module\s+{re.escape(top)}\b", text)), 0)
    width = len(lines[line].rstrip("\r\n")) if lines else 0
    return types.Diagnostic(
        range=types.Range(types.Position(line, 0), types.Position(line, width)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        source="veriassist-check",
    )


def _no_testbench(path: Path) -> str:
    looked = ", ".join(p.format(name=path.stem) for p in TESTBENCH_PATTERNS[:5])
    return f"no testbench found next to {path.name} (looked for {looked}, ...); set veriassist.testbench"


@server.command(CMD_GENERATE)
@server.thread()
def generate_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    """Arguments: the document URI, then optionally the selection (or cursor) Range."""
    return _guarded(ls, "Generate module from spec", _generate, *args[:2])


@server.command(CMD_FIX)
@server.thread()
def fix_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    return _guarded(ls, "Fix with VeriAssist", _fix, *args[:1])


@server.command(CMD_TESTBENCH)
@server.thread()
def testbench_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    return _guarded(ls, "Generate testbench", _testbench, *args[:1])


@server.command(CMD_CHECK)
@server.thread()
def check_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    return _guarded(ls, "Check against testbench", _check, *args[:1])


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[
            types.CodeActionKind.QuickFix,
            types.CodeActionKind.Source,
            types.CodeActionKind.Empty,
        ]
    ),
)
def code_actions(ls: VeriAssistServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    actions: list[types.CodeAction] = []

    def offer(title: str, command: str, kind: str, *arguments: Any) -> None:
        actions.append(
            types.CodeAction(
                title=title,
                kind=kind,
                command=types.Command(title=title, command=command, arguments=list(arguments)),
            )
        )

    if spec_at(document, params.range) is not None:
        offer(
            "VeriAssist: Generate module from spec",
            CMD_GENERATE,
            types.CodeActionKind.Empty,
            uri,
            params.range,
        )
    if is_hdl(uri):
        path = document_path(document)
        if find_testbench(path, ls.settings.testbench) is not None:
            has_errors = bool(params.context.diagnostics)
            fix_kind = types.CodeActionKind.QuickFix if has_errors else types.CodeActionKind.Source
            offer("VeriAssist: Fix with VeriAssist", CMD_FIX, fix_kind, uri)
            offer("VeriAssist: Check against testbench", CMD_CHECK, types.CodeActionKind.Source, uri)
        offer("VeriAssist: Generate testbench", CMD_TESTBENCH, types.CodeActionKind.Source, uri)
    return actions


def lsp_command(stdio: bool = False) -> None:
    """Serve the language server on stdin/stdout (`--stdio` is accepted for clients that pass it)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="veriassist-lsp: %(message)s")
    server.start_io()
