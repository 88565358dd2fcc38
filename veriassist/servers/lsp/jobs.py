"""Long jobs (generate, fix, testbench, check): off the event loop, with progress the user can cancel."""

from __future__ import annotations

import importlib
import logging
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from veriassist import hdl
from veriassist.agent.outcome import LoopOutcome
from veriassist.agent.run import run_problem
from veriassist.check.checker import CheckOptions
from veriassist.check.equivalence import FormalOptions, formal_check, yosys_installed
from veriassist.check.feedback import render_feedback
from veriassist.check.inputs import InputError, guess_top, load_testbench
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.models import ModelError, ModelNotConfigured, make_model, resolve_settings
from veriassist.models.settings import API_PROVIDERS
from veriassist.servers.lsp.diagnostics import dedupe, lint_in_workspace, publish, to_lsp
from veriassist.servers.lsp.discovery import (
    document_path,
    find_reference,
    find_testbench,
    in_workspace,
    is_hdl,
    no_testbench,
    outside_message,
    spec_at,
    spec_beside,
    spec_top,
    workspace_roots,
)
from veriassist.servers.lsp.edits import apply, free_name, new_file_edit, replace_edit, whole_document
from veriassist.servers.lsp.state import CLIENT_WAIT_S, CheckVerdict, EditorSettings, VeriAssistServer
from veriassist.toolchain import runner
from veriassist.types import Candidate, FeedbackMode, JudgedBy, Problem, SourceFile, Testbench

log = logging.getLogger("veriassist.servers.lsp")


class JobCancelled(Exception):
    """The user cancelled a long job from the editor's progress notification."""


class JobError(Exception):
    """A job cannot go on; the message is shown to the user as it is."""


# The CLI's "No model is configured" names --model; an editor user sets it elsewhere.
NO_MODEL_IN_EDITOR = (
    "no model is configured. Set the `veriassist.model` setting (VS Code: Extensions > VeriAssist; "
    "Neovim/Emacs: init_options / initializationOptions `model`), e.g. openai:gpt-4o-mini with "
    "OPENAI_API_KEY in the editor's environment, or openai:NAME plus `baseUrl` for a local "
    "OpenAI-compatible server; or write a [model] table in veriassist.toml at the workspace root "
    "(or set VERIASSIST_MODEL before starting the editor). See docs/editors.md."
)


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


def guarded(ls: VeriAssistServer, title: str, body: Any, *args: Any) -> dict[str, Any]:
    """Run a job body; what a user can act on becomes a message, never a stack trace."""
    try:
        with job(ls, title) as current:
            result: dict[str, Any] = body(ls, current, *args)
            return result
    except JobCancelled:
        return _report(ls, f"{title} cancelled; nothing was changed.", types.MessageType.Warning)
    except ModelNotConfigured:
        return _report(ls, f"{title}: {NO_MODEL_IN_EDITOR}", types.MessageType.Error)
    except (JobError, InputError, ModelError, runner.ToolMissing, hdl.HdlError) as error:
        return _report(ls, f"{title}: {error}", types.MessageType.Error)
    except Exception as error:
        log.exception("%s failed", title)
        return _report(ls, f"{title} failed unexpectedly: {error}", types.MessageType.Error)


def _document(ls: VeriAssistServer, uri: Any) -> TextDocument:
    """A snapshot of the document as the job starts.

    pygls updates its documents in place as the user types; the job's edit must carry the
    version (and ranges) it was computed from, so the editor refuses it if the text moved on.
    """
    if not isinstance(uri, str) or not uri:
        raise JobError(
            "the command needs the document's URI as its first argument (run it from an open file)"
        )
    live = ls.workspace.get_text_document(uri)
    if not in_workspace(document_path(live), ls.workspace):
        raise JobError(outside_message(document_path(live)))
    return TextDocument(
        live.uri, live.source, live.version, live.language_id, position_codec=live.position_codec
    )


def _testbench_for(ls: VeriAssistServer, path: Path) -> tuple[Path, Testbench]:
    """The testbench (and its reference) next to `path` or configured, only from inside the workspace."""
    tb_path = find_testbench(path, ls.settings.testbench)
    if tb_path is None:
        raise JobError(no_testbench(path))
    if not in_workspace(tb_path, ls.workspace):
        raise JobError(f"the testbench {tb_path.name} is outside the workspace folders; it was not read")
    reference = find_reference(tb_path, path)
    if reference is not None and not in_workspace(reference, ls.workspace):
        reference = None  # a symlink out of the workspace is not followed
    return tb_path, load_testbench(tb_path, reference)


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


def _model(ls: VeriAssistServer, folder: Path | None) -> Any:
    # The project's veriassist.toml sits in the workspace (or the design's) folder.
    root = to_fs_path(ls.workspace.root_uri) if ls.workspace.root_uri else None
    cwd = Path(root) if root else (folder or Path.cwd())
    overrides = {"model": ls.settings.model, "base_url": ls.settings.base_url}
    return make_model(resolve_settings(overrides, cwd=cwd))


def warm_up(settings: EditorSettings, root: Path | None) -> threading.Thread:
    """Load the model client's code (LangChain and the provider's package, 1-3 s) in the background.

    Started at `initialized`, so the first command does not sit silent while it loads; a
    command that starts meanwhile waits on the same imports. Failures are left for the
    command to report.
    """

    def load() -> None:
        try:
            importlib.import_module("jinja2")  # the prompts' templates
            overrides = {"model": settings.model, "base_url": settings.base_url}
            resolved = resolve_settings(overrides, cwd=root or Path.cwd())
            if resolved.spec is not None and resolved.spec.provider in API_PROVIDERS:
                make_model(resolved)  # builds the LangChain client; sends nothing
        except Exception as error:  # a command will say what is wrong, with its own message
            log.info("warm-up skipped: %s", error)

    thread = threading.Thread(target=load, name="veriassist-warm-up", daemon=True)
    thread.start()
    return thread


def _run_loop(
    ls: VeriAssistServer,
    document: TextDocument,
    problem: Problem,
    current: Job,
    *,
    golden: bool,
    iterations: int | None = None,
) -> LoopOutcome:
    current.step("starting the model client")  # the first use loads its code: say so, not silence
    model = _model(ls, document_path(document).parent)
    outcome = run_problem(
        problem,
        model,
        iterations=iterations or ls.settings.iterations,
        feedback=FeedbackMode.GOLDEN if golden else FeedbackMode.OWN_TESTBENCH,
        sandbox=ls.settings.sandbox,
        on_step=current.step,
    )
    current.step("done")  # a cancel during the last step still discards the result
    return outcome


def _verdict(outcome: LoopOutcome) -> str:
    judged = {
        JudgedBy.GOLDEN: "your testbench",
        JudgedBy.OWN_TESTBENCH: "its own testbench",
        JudgedBy.NONE: "no testbench",
    }
    verdict = "passes" if outcome.passed else f"does not pass yet ({outcome.kind.value})"
    by = judged[outcome.judged_by]
    return f"{verdict} {by} after {len(outcome.iterations)} iteration(s)"


def generate_job(
    ls: VeriAssistServer, current: Job, uri: Any = None, selection: Any = None
) -> dict[str, Any]:
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
    outcome = _run_loop(ls, document, problem, current, golden=False)
    if outcome.rtl is None:
        raise JobError(f"the model gave no usable module ({outcome.stopped})")
    if is_hdl(document.uri):
        line = spec.end_line + 1
        edit = replace_edit(
            document, types.Range(types.Position(line, 0), types.Position(line, 0)), outcome.rtl
        )
        target = document.uri
    else:
        new_path = free_name(path.parent, top, ".sv")
        edit = new_file_edit(new_path, outcome.rtl)
        target = from_fs_path(str(new_path)) or new_path.as_uri()
    applied = apply(ls, edit, f"VeriAssist: generate {top}")
    message = f"module {top} {_verdict(outcome)}" + ("" if applied else "; the editor did not apply the edit")
    _report(ls, message, types.MessageType.Info if applied else types.MessageType.Warning)
    return {"ok": applied, "applied": applied, "passed": outcome.passed, "uri": target, "message": message}


def fix_job(ls: VeriAssistServer, current: Job, uri: Any = None) -> dict[str, Any]:
    document = _document(ls, uri)
    path = document_path(document)
    tb_path, testbench = _testbench_for(ls, path)
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
    outcome = _run_loop(ls, document, problem, current, golden=True)
    if outcome.rtl is None:
        raise JobError(f"the model gave no usable module ({outcome.stopped})")
    if not outcome.passed:
        # Never hand back a design that still fails in place of the user's own.
        message = (
            f"{top} {_verdict(outcome)}; your file was left as it is. Last feedback:\n{outcome.feedback}"
        )
        _report(ls, message.strip(), types.MessageType.Warning)
        return {"ok": False, "applied": False, "passed": False, "message": message}
    applied = apply(
        ls, replace_edit(document, whole_document(document), outcome.rtl), f"VeriAssist: fix {top}"
    )
    message = f"{top} {_verdict(outcome)}" + ("" if applied else "; the editor did not apply the edit")
    _report(ls, message, types.MessageType.Info if applied else types.MessageType.Warning)
    return {"ok": applied, "applied": applied, "passed": True, "message": message}


def testbench_job(ls: VeriAssistServer, current: Job, uri: Any = None) -> dict[str, Any]:
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
    outcome = _run_loop(ls, document, problem, current, golden=False, iterations=1)
    if not outcome.testbench:
        raise JobError(f"the model wrote no cocotb testbench ({outcome.stopped})")
    new_path = free_name(path.parent, f"test_{path.stem}", ".py")
    applied = apply(ls, new_file_edit(new_path, outcome.testbench), f"VeriAssist: testbench for {path.name}")
    message = f"wrote {new_path.name}" if applied else "the editor did not create the testbench file"
    _report(ls, message, types.MessageType.Info if applied else types.MessageType.Warning)
    return {"ok": applied, "applied": applied, "uri": from_fs_path(str(new_path)), "message": message}


def check_job(ls: VeriAssistServer, current: Job, uri: Any = None) -> dict[str, Any]:
    document = _document(ls, uri)
    path = document_path(document)
    tb_path, testbench = _testbench_for(ls, path)
    rtl = SourceFile(path.name, document.source)  # the buffer as it is now, saved or not
    candidate = Candidate((rtl,), guess_top((rtl,), testbench))
    current.step(f"simulating {candidate.top} with {tb_path.name}")
    options = CheckOptions(sandbox=ls.settings.sandbox)
    result = check_counted(candidate, testbench, options, ReferenceCounts())
    feedback = render_feedback(result, candidate).strip()
    lines = list(document.lines)
    ls.check_diagnostics[document.uri] = [
        to_lsp(d, lines) for d in dedupe([d for d in result.diagnostics if d.file == path.name])
    ]
    if result.passed:
        ls.check_verdicts.pop(document.uri, None)
    else:
        verdict = CheckVerdict(candidate.top, f"{tb_path.name}: {feedback}", document.version)
        ls.check_verdicts[document.uri] = verdict
    if ls.workspace.get_text_document(document.uri).version == document.version:
        roots = workspace_roots(ls.workspace)
        linted = lint_in_workspace(document.source, path, roots, sandbox=ls.settings.sandbox)
        publish(ls, document, [to_lsp(d, lines) for d in linted])
    # else the user typed meanwhile: the lint on its way publishes the verdict with the new text.
    # With a reference beside the testbench: the proof's verdict too (a pass it refutes warns).
    proof = None
    if testbench.reference is not None and yosys_installed():
        current.step(f"proving {candidate.top} against the reference")
        proof = formal_check(candidate, testbench, FormalOptions(sandbox=ls.settings.sandbox))
    refuted = proof is not None and proof.refuted
    kind = types.MessageType.Info if result.passed and not refuted else types.MessageType.Warning
    said = "" if proof is None else f"; formal: {proof.summary}"
    _report(ls, f"{candidate.top} against {tb_path.name}: {result.summary}{said}", kind)
    return {"ok": True, "passed": result.passed, "verdict": result.kind.value, "summary": result.summary,
            "feedback": feedback, "formal": None if proof is None else proof.to_json()}  # fmt: skip
