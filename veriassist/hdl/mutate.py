"""Simple mutants of a reference design, made on its pyslang syntax tree.

A mutant swaps one operator (`+`/`-`, `&`/`|`, `==`/`!=`, `<`/`<=`, ...), inverts one
`if` condition, or moves one integer constant by one. The tree says where each
site is; the mutant is the source with the bytes of those tokens edited, so
everything else (comments, layout, macros) stays as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyslang import SourceManager
from pyslang.syntax import SyntaxKind, SyntaxNode, SyntaxTree

OPERATOR, CONDITION, CONSTANT = "operator", "condition", "constant"
KINDS = (OPERATOR, CONDITION, CONSTANT)

_SWAPS: dict[SyntaxKind, str] = {
    SyntaxKind.AddExpression: "-",
    SyntaxKind.SubtractExpression: "+",
    SyntaxKind.BinaryAndExpression: "|",
    SyntaxKind.BinaryOrExpression: "&",
    SyntaxKind.EqualityExpression: "!=",
    SyntaxKind.InequalityExpression: "==",
    SyntaxKind.LessThanExpression: "<=",
    SyntaxKind.LessThanEqualExpression: "<",
    SyntaxKind.GreaterThanExpression: ">=",
    SyntaxKind.GreaterThanEqualExpression: ">",
    SyntaxKind.LogicalAndExpression: "||",
    SyntaxKind.LogicalOrExpression: "&&",
}
# Only behaviour is mutated: code in these blocks runs; declarations only shape it.
_BEHAVIOUR = {
    SyntaxKind.ContinuousAssign,
    SyntaxKind.AlwaysBlock,
    SyntaxKind.AlwaysCombBlock,
    SyntaxKind.AlwaysFFBlock,
    SyntaxKind.AlwaysLatchBlock,
}
# Mutating a loop's bounds or step, a delay, or a declaration inside a block makes
# hangs and width changes, not meaningful behaviour changes.
_SKIPPED = {
    SyntaxKind.DataDeclaration,
    SyntaxKind.NetDeclaration,
    SyntaxKind.LoopStatement,
    SyntaxKind.DoWhileStatement,
    SyntaxKind.ForeverStatement,
    SyntaxKind.DelayControl,
    SyntaxKind.EventControl,
    SyntaxKind.EventControlWithExpression,
    SyntaxKind.RepeatedEventControl,
    SyntaxKind.ParameterDeclarationStatement,
}
_BASES = {"b": 2, "o": 8, "d": 10, "h": 16}


@dataclass(frozen=True)
class Mutant:
    """One mutant: what changed, where, and the whole mutated source."""

    kind: str  # operator | condition | constant
    line: int
    description: str  # e.g. "line 7: '+' -> '-'"
    text: str


@dataclass(frozen=True)
class _Edit:
    offset: int  # byte offset into the UTF-8 source
    length: int
    replacement: str


@dataclass(frozen=True)
class _Site:
    kind: str
    line: int
    what: str
    edits: tuple[_Edit, ...]


def mutants(text: str, limit: int | None = None) -> list[Mutant]:
    """Return up to `limit` mutants of `text`, spread over the kinds of mutation and the source.

    The choice is deterministic, so a lint run is reproducible. Text that does not
    parse has no mutants.
    """
    data = text.encode()
    sites = _sites(text)
    chosen = _spread(sites, limit)
    return [Mutant(s.kind, s.line, f"line {s.line}: {s.what}", _apply(data, s.edits)) for s in chosen]


def _sites(text: str) -> list[_Site]:
    sources = SourceManager()
    sources.setDisableLocalIncludes(True)
    tree = SyntaxTree.fromFileInMemory(text, sources, "reference.sv")
    if any(d.isError() for d in tree.diagnostics):
        return []
    data = text.encode()
    sites: list[_Site] = []
    for node in _behaviour_nodes(tree.root):
        site = _site(node, data, sources)
        if site is not None:
            sites.append(site)
    return sites


def _behaviour_nodes(root: Any) -> Iterator[Any]:
    found: list[Any] = []

    def visit(item: Any) -> bool:
        if isinstance(item, SyntaxNode) and _mutable_here(item):
            found.append(item)
        return True

    root.visit(visit)
    return iter(found)


def _mutable_here(node: Any) -> bool:
    if node.kind not in _SWAPS and node.kind not in (
        SyntaxKind.ConditionalStatement,
        SyntaxKind.ConditionalExpression,
        SyntaxKind.IntegerLiteralExpression,
        SyntaxKind.IntegerVectorExpression,
    ):
        return False
    child, parent = node, node.parent
    inside = False
    while parent is not None:
        if parent.kind in _SKIPPED:
            return False
        if parent.kind == SyntaxKind.ForLoopStatement and not _is_loop_body(parent, child):
            return False
        if parent.kind in _BEHAVIOUR:
            inside = True
        child, parent = parent, parent.parent
    return inside


def _is_loop_body(loop: Any, child: Any) -> bool:
    body = loop.statement
    return body is not None and _start(child) == _start(body)


def _start(node: Any) -> int:
    token = node.getFirstToken()
    return int(token.location.offset) if token is not None else -1


def _literal_here(token: Any, data: bytes) -> bool:
    """False for tokens from a macro expansion: their bytes are not in the text."""
    if token is None or token.isMissing:
        return False
    raw = token.rawText.encode()
    offset = int(token.location.offset)
    return bool(raw) and data[offset : offset + len(raw)] == raw


def _site(node: Any, data: bytes, sources: SourceManager) -> _Site | None:
    if node.kind in _SWAPS:
        token = node.operatorToken
        if not _literal_here(token, data):
            return None
        new = _SWAPS[node.kind]
        edit = _Edit(int(token.location.offset), len(token.rawText.encode()), new)
        return _Site(OPERATOR, _line(sources, token), f"'{token.rawText}' -> '{new}'", (edit,))
    if node.kind in (SyntaxKind.ConditionalStatement, SyntaxKind.ConditionalExpression):
        first, last = node.predicate.getFirstToken(), node.predicate.getLastToken()
        if not (_literal_here(first, data) and _literal_here(last, data)):
            return None
        start = int(first.location.offset)
        end = int(last.location.offset) + len(last.rawText.encode())
        condition = data[start:end].decode()
        edits = (_Edit(start, 0, "!("), _Edit(end, 0, ")"))
        if node.kind == SyntaxKind.ConditionalStatement:
            shown = f"if ({condition}) -> if (!({condition}))"
        else:
            shown = f"{condition} ? -> !({condition}) ?"
        return _Site(CONDITION, _line(sources, first), shown, edits)
    return _constant_site(node, data, sources)


def _constant_site(node: Any, data: bytes, sources: SourceManager) -> _Site | None:
    if node.kind == SyntaxKind.IntegerLiteralExpression:
        token = node.literal
        digits = token.rawText.replace("_", "")
        if not _literal_here(token, data) or not digits.isdigit():
            return None
        new = str(int(digits) + 1)
    else:
        token, base_token = node.value, node.base
        if not (_literal_here(token, data) and base_token is not None):
            return None
        base = _BASES.get(base_token.rawText.lower().lstrip("'").lstrip("s")[:1])
        raw = token.rawText.replace("_", "")
        if base is None:
            return None
        try:
            value = int(raw, base)
        except ValueError:  # x, z or ? digits
            return None
        size = int(node.size.rawText) if node.size is not None and node.size.rawText.isdigit() else None
        moved = value + 1 if size is None or value + 1 < (1 << size) else value - 1
        new = _digits(moved, base).rjust(len(raw), "0")
    edit = _Edit(int(token.location.offset), len(token.rawText.encode()), new)
    return _Site(CONSTANT, _line(sources, token), f"constant {token.rawText} -> {new}", (edit,))


def _digits(value: int, base: int) -> str:
    return {2: f"{value:b}", 8: f"{value:o}", 10: f"{value:d}", 16: f"{value:x}"}[base]


def _line(sources: SourceManager, token: Any) -> int:
    return int(sources.getLineNumber(token.location))


def _apply(data: bytes, edits: tuple[_Edit, ...]) -> str:
    for edit in sorted(edits, key=lambda e: e.offset, reverse=True):
        data = data[: edit.offset] + edit.replacement.encode() + data[edit.offset + edit.length :]
    return data.decode()


def _spread(sites: list[_Site], limit: int | None) -> list[_Site]:
    """Take sites round-robin over the kinds, each kind's picks spaced evenly through the source."""
    if limit is None or limit >= len(sites):
        return sites
    by_kind = {kind: [s for s in sites if s.kind == kind] for kind in KINDS}
    quota = dict.fromkeys(KINDS, 0)
    remaining = limit
    while remaining:
        progressed = False
        for kind in KINDS:
            if remaining and quota[kind] < len(by_kind[kind]):
                quota[kind] += 1
                remaining -= 1
                progressed = True
        if not progressed:
            break
    chosen: list[_Site] = []
    for kind in KINDS:
        group, count = by_kind[kind], quota[kind]
        chosen.extend(group[(i * len(group)) // count] for i in range(count))
    return sorted(chosen, key=lambda s: (s.line, s.kind))
