"""`veriassist lsp`: a language server over the pipeline's stages (pygls 2, stdio).

Diagnostics come from compiling the open buffer alone with iverilog. The commands
("Generate module from spec", "Fix with VeriAssist", "Generate testbench", "Check
against testbench") run off the event loop, report work-done progress the user can
cancel, and hand back their result as a workspace edit, so the editor can undo it.

Modules: `server` (pygls wiring and handlers), `state` (settings and what the server
holds), `discovery` (what sits next to a file, workspace roots), `diagnostics`,
`jobs` (the long commands) and `edits` (workspace edits).
"""

from __future__ import annotations

from veriassist.servers.lsp.discovery import find_reference, find_testbench
from veriassist.servers.lsp.jobs import Job, JobCancelled, JobError
from veriassist.servers.lsp.server import lsp_command, server
from veriassist.servers.lsp.state import EditorSettings, VeriAssistServer

__all__ = [
    "EditorSettings",
    "Job",
    "JobCancelled",
    "JobError",
    "VeriAssistServer",
    "find_reference",
    "find_testbench",
    "lsp_command",
    "server",
]
