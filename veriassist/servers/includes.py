"""Which files a client's source text would make a tool read: its `include directives.

Both servers take text from a client they do not fully trust. An `include naming a file
outside what the client may show us would put that file's text into a diagnostic or an
error (or, for a FIFO, hang the parser), so the servers look at the directives before
any compiler or parser sees the text, and refuse the ones that reach outside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# A string literal is skipped whole, so `//` inside one is not a comment.
_COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_INCLUDE = re.compile(r'`include\b[ \t]*(?:"(?P<name>[^"\n]*)")?')
MAX_DEPTH = 8  # nested includes followed when checking where a chain of them leads
MAX_INCLUDED_BYTES = 4 << 20


@dataclass(frozen=True)
class Include:
    line: int  # 1-based
    name: str | None  # the quoted file name; None when it is not a plain "..." string (a macro, <...>)

    @property
    def shown(self) -> str:
        return f'`include "{self.name}"' if self.name is not None else "`include with a computed name"


def _blank_comments(text: str) -> str:
    """Comments become spaces (newlines kept, so line numbers hold); strings stay as they are."""

    def blank(match: re.Match[str]) -> str:
        found = match[0]
        return found if found.startswith('"') else re.sub(r"[^\n]", " ", found)

    return _COMMENT_OR_STRING.sub(blank, text)


def find_includes(text: str) -> list[Include]:
    """Every `include directive outside comments, in order."""
    code = _blank_comments(text)
    return [Include(code.count("\n", 0, m.start()) + 1, m["name"]) for m in _INCLUDE.finditer(code)]


def blank_lines(text: str, lines: set[int]) -> str:
    """`text` with the given 1-based lines emptied, so the rest keeps its line numbers."""
    kept = text.splitlines(keepends=True)
    for number in lines:
        if 1 <= number <= len(kept):
            line = kept[number - 1]
            kept[number - 1] = line[len(line.rstrip("\r\n")) :]
    return "".join(kept)


def is_inside(path: Path, roots: Sequence[Path]) -> bool:
    """`path`, with symlinks resolved, is one of `roots` or below one (roots are resolved already)."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return any(real == root or real.is_relative_to(root) for root in roots)


def outside_reason(
    include: Include, folders: Sequence[Path], roots: Sequence[Path], depth: int = 0
) -> str | None:
    """Why `include` may not be followed, or None when it (and what it includes) stays inside `roots`.

    `folders` are where a relative name is looked up (the including file's folder, the -I dirs).
    Never reads anything outside `roots`; reads included files inside them to follow their chains.
    """
    if include.name is None:
        return "its file name is not a plain string"
    if not roots:
        return "no workspace folder allows reading files next to this text"
    name = Path(include.name)
    candidates = [name] if name.is_absolute() else [folder / name for folder in folders]
    for candidate in candidates:
        if not is_inside(candidate, roots):
            return "it names a file outside the workspace folders"
    for candidate in candidates:
        if not candidate.exists():
            continue
        if not candidate.is_file():
            return "it is not a regular file"
        if depth >= MAX_DEPTH:
            return "includes are nested too deeply"
        try:
            if candidate.stat().st_size > MAX_INCLUDED_BYTES:
                return "the included file is too large"
            nested_text = candidate.read_text(errors="replace")
        except OSError:
            return "it cannot be read"
        nested_folders = [candidate.parent, *folders]
        for nested in find_includes(nested_text):
            if outside_reason(nested, nested_folders, roots, depth + 1) is not None:
                return f"the file it names includes a file that may not be read ({nested.shown})"
        break  # the first existing candidate is the one a compiler takes
    return None
