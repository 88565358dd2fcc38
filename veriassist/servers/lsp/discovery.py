"""Finding what belongs to a file: its testbench, reference, spec and design.toml next to it.

The server reads files only under the workspace roots the client declared at initialize
(rootUri, workspaceFolders) and later added: a document outside them is linted from its
text alone, and the commands refuse it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument, Workspace

from veriassist.servers.includes import is_inside
from veriassist.spec import spec_interface

HDL_SUFFIXES = (".v", ".sv")
SPEC_SUFFIXES = (".md", ".txt")

# Looked for next to `<name>.v`, in this order, when no testbench is configured.
TESTBENCH_PATTERNS = (
    "tb_{name}.sv", "tb_{name}.v", "{name}_tb.sv", "{name}_tb.v", "test_{name}.py",
    "{name}_test.sv", "{name}_test.v", "testbench.sv", "testbench.v", "tb.sv", "tb.v",
)  # fmt: skip
REFERENCE_PATTERNS = ("reference.sv", "reference.v", "{name}_ref.sv", "{name}_ref.v", "ref.sv", "ref.v")


def is_hdl(uri: str) -> bool:
    return uri.lower().endswith(HDL_SUFFIXES)


def document_path(document: TextDocument) -> Path:
    path = to_fs_path(document.uri) or document.path
    return Path(path)


def workspace_roots(workspace: Workspace) -> tuple[Path, ...]:
    """The declared workspace folders and root, resolved; empty when the client declared none."""
    uris = [folder.uri for folder in workspace.folders.values()]
    if workspace.root_uri:
        uris.append(workspace.root_uri)
    roots: list[Path] = []
    for uri in uris:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            try:
                roots.append(Path(path).resolve())
            except (OSError, RuntimeError):
                continue
    return tuple(dict.fromkeys(roots))


def in_workspace(path: Path, workspace: Workspace) -> bool:
    return is_inside(path, workspace_roots(workspace))


def outside_message(path: Path) -> str:
    return (
        f"{path.name} is outside the workspace folders the editor opened; VeriAssist reads and "
        "writes files only inside them (open its folder as a workspace folder)"
    )


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
def no_testbench(path: Path) -> str:
    looked = ", ".join(p.format(name=path.stem) for p in TESTBENCH_PATTERNS[:5])
    return f"no testbench found next to {path.name} (looked for {looked}, ...); set veriassist.testbench"
