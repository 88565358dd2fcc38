"""Diagnostics for one source file on its own: what an editor shows while you type.

Shared by the language server and the MCP server, so neither imports the other.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from veriassist.toolchain import icarus, runner
from veriassist.toolchain.sandbox import Sandbox
from veriassist.types import Diagnostic, Severity

LINT_TIMEOUT_S = 10.0


def lint_source(
    text: str, name: str, directory: Path | None = None, *, sandbox: bool = True
) -> list[Diagnostic]:
    """iverilog's diagnostics for one file compiled alone (plus verible's lint when installed).

    `-i` skips instances of modules defined elsewhere; `-y`/`-I` on the file's folder let
    iverilog find sibling modules and includes, so a testbench is not all errors.
    """
    work = Path(tempfile.mkdtemp(prefix="veriassist-lsp-"))
    try:
        (work / name).write_text(text)
        argv = ["iverilog", *icarus.COMPILE_FLAGS, "-i", "-o", "lint.vvp"]
        readable: list[Path] = []
        if directory is not None and directory.is_dir():
            argv += ["-y", str(directory), "-Y", ".v", "-Y", ".sv", "-I", str(directory)]
            readable.append(directory)
        runner.require_tool("iverilog")
        limits = runner.Limits(wall_s=LINT_TIMEOUT_S)
        box = Sandbox(sandbox)
        compiled = runner.run([*argv, name], work, limits=limits, sandbox=box, readable=readable)
        found = [d for d in icarus.parse_diagnostics(compiled.output, {name: name}) if d.file == name]
        return found + _verible(work, name, limits, box)
    finally:
        shutil.rmtree(work, ignore_errors=True)


_VERIBLE_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+)(?:-\d+)?:\s*(?P<msg>.*)$")


def _verible(work: Path, name: str, limits: runner.Limits, box: Sandbox) -> list[Diagnostic]:
    if shutil.which("verible-verilog-lint") is None:
        return []
    linted = runner.run(
        ["verible-verilog-lint", "--lint_fatal=false", name], work, limits=limits, sandbox=box
    )
    found = []
    for raw in linted.output.splitlines():
        match = _VERIBLE_LINE.match(raw.strip())
        if match and Path(match["file"]).name == name:
            found.append(
                Diagnostic(
                    name, int(match["line"]), Severity.WARNING, match["msg"], int(match["col"]), "verible"
                )
            )
    return found
