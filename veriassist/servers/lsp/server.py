"""The pygls wiring: lifecycle and document handlers, the commands, and the code actions offering them."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from lsprotocol import types

from veriassist.servers.lsp.diagnostics import schedule_lint
from veriassist.servers.lsp.discovery import (
    document_path,
    find_testbench,
    in_workspace,
    is_hdl,
    spec_at,
    workspace_roots,
)
from veriassist.servers.lsp.jobs import check_job, fix_job, generate_job, guarded, testbench_job, warm_up
from veriassist.servers.lsp.state import CLIENT_WAIT_S, EditorSettings, VeriAssistServer

log = logging.getLogger("veriassist.servers.lsp")

CMD_GENERATE = "veriassist.server.generateFromSpec"
CMD_FIX = "veriassist.server.fix"
CMD_TESTBENCH = "veriassist.server.generateTestbench"
CMD_CHECK = "veriassist.server.check"

server = VeriAssistServer()


@server.feature(types.INITIALIZE)
def on_initialize(ls: VeriAssistServer, params: types.InitializeParams) -> None:
    ls.settings = EditorSettings.from_client(params.initialization_options)


@server.feature(types.INITIALIZED)
async def on_initialized(ls: VeriAssistServer, params: types.InitializedParams) -> None:
    await _pull_configuration(ls)
    roots = workspace_roots(ls.workspace)
    warm_up(ls.settings, roots[0] if roots else None)  # the model's code loads now, not at the first command


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
    # The check's compile errors point at lines of the old text; its verdict stays until the next check.
    ls.check_diagnostics.pop(params.text_document.uri, None)
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
    ls.check_verdicts.pop(uri, None)
    if is_hdl(uri):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.command(CMD_GENERATE)
@server.thread()
def generate_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    """Arguments: the document URI, then optionally the selection (or cursor) Range."""
    return guarded(ls, "Generate module from spec", generate_job, *args[:2])


@server.command(CMD_FIX)
@server.thread()
def fix_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    return guarded(ls, "Fix with VeriAssist", fix_job, *args[:1])


@server.command(CMD_TESTBENCH)
@server.thread()
def testbench_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    return guarded(ls, "Generate testbench", testbench_job, *args[:1])


@server.command(CMD_CHECK)
@server.thread()
def check_command(ls: VeriAssistServer, *args: Any) -> dict[str, Any]:
    return guarded(ls, "Check against testbench", check_job, *args[:1])


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
    if not in_workspace(document_path(document), ls.workspace):
        return actions  # every command refuses a file outside the workspace folders

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
