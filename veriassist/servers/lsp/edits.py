"""Workspace edits: a job's result goes back to the editor as an edit, so it can be undone."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace import TextDocument

from veriassist.servers.lsp.state import CLIENT_WAIT_S, VeriAssistServer


def apply(ls: VeriAssistServer, edit: types.WorkspaceEdit, label: str) -> bool:
    answer = ls.workspace_apply_edit(types.ApplyWorkspaceEditParams(edit=edit, label=label))
    result = answer.result(timeout=CLIENT_WAIT_S)
    return bool(getattr(result, "applied", False))


def whole_document(document: TextDocument) -> types.Range:
    lines = list(document.lines)
    return types.Range(types.Position(0, 0), types.Position(len(lines), 0))


def replace_edit(document: TextDocument, where: types.Range, text: str) -> types.WorkspaceEdit:
    # Versioned: if the user typed while the job ran, the client refuses the edit instead of clobbering.
    ident = types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=ident, edits=[types.TextEdit(where, text)])]
    )


def new_file_edit(path: Path, text: str) -> types.WorkspaceEdit:
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


def free_name(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}{suffix}"
    n = 1
    while candidate.exists():
        candidate = directory / f"{stem}_{n}{suffix}"
        n += 1
    return candidate
