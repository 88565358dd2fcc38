"""Mutants of a design, made on its pyslang syntax tree.

The classic kinds (`KINDS`, what the suite audit and the tools use by default): a mutant
swaps one operator (`+`/`-`, `&`/`|`, `==`/`!=`, `<`/`<=`, ...), inverts one `if` condition,
or moves one integer constant by one (off by one).

`MODEL_MISTAKES` adds the mistakes models make, for the own-testbench strength check: a wrong
reset value, a dropped term (`a + b` -> `a`), the clock's other edge (posedge <-> negedge),
`^` written as `|`, and a reset made asynchronous or synchronous.

The tree says where each site is; the mutant is the source with the bytes of those tokens
edited, so everything else (comments, layout, macros) stays as written. The choice is
deterministic: the same text, limit, kinds and seed give the same mutants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pyslang import SourceManager
from pyslang.parsing import TokenKind
from pyslang.syntax import SyntaxKind, SyntaxNode, SyntaxTree

OPERATOR, CONDITION, CONSTANT = "operator", "condition", "constant"
RESET_VALUE, DROPPED_TERM, EDGE, XOR, RESET_STYLE = (
    "reset-value",
    "dropped-term",
    "edge",
    "xor",
    "reset-style",
)
KINDS = (OPERATOR, CONDITION, CONSTANT)
# Round-robin order when a limit is smaller than the sites: the likeliest mistakes first.
MODEL_MISTAKES = (OPERATOR, CONDITION, CONSTANT, RESET_VALUE, DROPPED_TERM, EDGE, XOR, RESET_STYLE)

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
# `a op b` -> `a`: the term a model forgets (a carry-in, an enable in a condition, a tap).
_DROPPABLE = {
    SyntaxKind.AddExpression,
    SyntaxKind.SubtractExpression,
    SyntaxKind.BinaryAndExpression,
    SyntaxKind.BinaryOrExpression,
    SyntaxKind.BinaryXorExpression,
    SyntaxKind.LogicalAndExpression,
    SyntaxKind.LogicalOrExpression,
}
_XORS = {SyntaxKind.BinaryXorExpression: "|"}
_CONDITIONALS = {SyntaxKind.ConditionalStatement, SyntaxKind.ConditionalExpression}
_LITERALS = {
    SyntaxKind.IntegerLiteralExpression,
    SyntaxKind.IntegerVectorExpression,
    SyntaxKind.UnbasedUnsizedLiteralExpression,
}
_EXPRESSIONS = set(_SWAPS) | _DROPPABLE | set(_XORS) | _CONDITIONALS | _LITERALS
# Only behaviour is mutated: code in these blocks runs; declarations only shape it.
_BEHAVIOUR = {
    SyntaxKind.ContinuousAssign,
    SyntaxKind.AlwaysBlock,
    SyntaxKind.AlwaysCombBlock,
    SyntaxKind.AlwaysFFBlock,
    SyntaxKind.AlwaysLatchBlock,
}
_CLOCKED = {SyntaxKind.AlwaysBlock, SyntaxKind.AlwaysFFBlock}
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
_ASSIGNMENTS = {SyntaxKind.NonblockingAssignmentExpression, SyntaxKind.AssignmentExpression}
_BASES = {"b": 2, "o": 8, "d": 10, "h": 16}
_RESET_NAME = re.compile(r"rst|reset", re.IGNORECASE)
_EDGES = {TokenKind.PosEdgeKeyword: "negedge", TokenKind.NegEdgeKeyword: "posedge"}
_SHOWN_CHARS = 48  # an expression quoted in a description stays short


@dataclass(frozen=True)
class Mutant:
    """One mutant: what changed, where, and the whole mutated source."""

    kind: str  # one of MODEL_MISTAKES
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


def mutants(
    text: str, limit: int | None = None, *, kinds: Sequence[str] = KINDS, seed: int = 0
) -> list[Mutant]:
    """Return up to `limit` mutants of `text`, spread over `kinds` and over the source.

    The choice is deterministic, so a lint run is reproducible; `seed` picks another spread
    of the same sites (seed 0 is the even spread). Text that does not parse has no mutants,
    and two sites that would make the same text give one mutant.
    """
    data = text.encode()
    wanted = [k for k in kinds if k in MODEL_MISTAKES]
    sites, seen = [], set()
    for site in _sites(text):
        mutated = _apply(data, site.edits)
        if site.kind in wanted and mutated not in seen and mutated != text:
            seen.add(mutated)
            sites.append((site, mutated))
    chosen = _spread([s for s, _ in sites], limit, wanted, seed)
    texts = {id(s): t for s, t in sites}
    return [Mutant(s.kind, s.line, f"line {s.line}: {s.what}", texts[id(s)]) for s in chosen]


def _sites(text: str) -> list[_Site]:
    sources = SourceManager()
    sources.setDisableLocalIncludes(True)
    tree = SyntaxTree.fromFileInMemory(text, sources, "reference.sv")
    if any(d.isError() for d in tree.diagnostics):
        return []
    data = text.encode()
    sites: list[_Site | None] = []
    for node in _nodes(tree.root):
        if node.kind == SyntaxKind.EventControlWithExpression:
            sites.extend(_event_sites(node, data, sources))
        elif _mutable_here(node):
            sites.extend(_expression_sites(node, data, sources))
    return [s for s in sites if s is not None]


def _nodes(root: Any) -> Iterator[Any]:
    found: list[Any] = []

    def visit(item: Any) -> bool:
        if isinstance(item, SyntaxNode):
            found.append(item)
        return True

    root.visit(visit)
    return iter(found)


def _mutable_here(node: Any) -> bool:
    if node.kind not in _EXPRESSIONS:
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


def _end(node: Any) -> int:
    token = node.getLastToken()
    return int(token.location.offset) + len(token.rawText.encode()) if token is not None else -1


def _literal_here(token: Any, data: bytes) -> bool:
    """False for tokens from a macro expansion: their bytes are not in the text."""
    if token is None or token.isMissing:
        return False
    raw = token.rawText.encode()
    offset = int(token.location.offset)
    return bool(raw) and data[offset : offset + len(raw)] == raw


def _written(node: Any, data: bytes) -> bool:
    """The node's first and last tokens are in the text as written (no macro in between)."""
    return _literal_here(node.getFirstToken(), data) and _literal_here(node.getLastToken(), data)


def _expression_sites(node: Any, data: bytes, sources: SourceManager) -> list[_Site | None]:
    """The sites of one expression node: its classic site first, then the model mistakes."""
    if node.kind in _CONDITIONALS:
        return [_condition_site(node, data, sources)]
    if node.kind in _LITERALS:
        return [_constant_site(node, data, sources), _reset_value_site(node, data, sources)]
    found = [_swap_site(node, _SWAPS, OPERATOR, data, sources), _swap_site(node, _XORS, XOR, data, sources)]
    return [*found, _dropped_term_site(node, data, sources)]


def _swap_site(
    node: Any, swaps: dict[SyntaxKind, str], kind: str, data: bytes, sources: SourceManager
) -> _Site | None:
    if node.kind not in swaps:
        return None
    token = node.operatorToken
    if not _literal_here(token, data):
        return None
    new = swaps[node.kind]
    edit = _Edit(int(token.location.offset), len(token.rawText.encode()), new)
    return _Site(kind, _line(sources, token), f"'{token.rawText}' -> '{new}'", (edit,))


def _condition_site(node: Any, data: bytes, sources: SourceManager) -> _Site | None:
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


def _dropped_term_site(node: Any, data: bytes, sources: SourceManager) -> _Site | None:
    """`a op b` -> `a`: delete the operator and the right operand."""
    if node.kind not in _DROPPABLE or not (_written(node.left, data) and _written(node.right, data)):
        return None
    start, end = _end(node.left), _end(node.right)
    whole = _short(data[_start(node.left) : end].decode())
    kept = _short(data[_start(node.left) : start].decode())
    return _Site(
        DROPPED_TERM,
        _line(sources, node.operatorToken),
        f"{whole} -> {kept}",
        (_Edit(start, end - start, ""),),
    )


def _constant_site(node: Any, data: bytes, sources: SourceManager) -> _Site | None:
    """Off by one: a constant moved up by one (down, where up would overflow its size)."""
    if node.kind == SyntaxKind.UnbasedUnsizedLiteralExpression:
        return None
    if node.kind == SyntaxKind.IntegerLiteralExpression:
        token = node.literal
        digits = token.rawText.replace("_", "")
        if not _literal_here(token, data) or not digits.isdigit():
            return None
        new = str(int(digits) + 1)
    else:
        read = _vector(node, data)
        if read is None:
            return None
        token, base, value, size = read
        raw = token.rawText.replace("_", "")
        moved = value + 1 if size is None or value + 1 < (1 << size) else value - 1
        new = _digits(moved, base).rjust(len(raw), "0")
    edit = _Edit(int(token.location.offset), len(token.rawText.encode()), new)
    return _Site(CONSTANT, _line(sources, token), f"constant {token.rawText} -> {new}", (edit,))


def _vector(node: Any, data: bytes) -> tuple[Any, int, int, int | None] | None:
    """A based literal's value token, base, value and size (None when unsized); None for x/z digits."""
    token, base_token = node.value, node.base
    if not (_literal_here(token, data) and base_token is not None):
        return None
    base = _BASES.get(base_token.rawText.lower().lstrip("'").lstrip("s")[:1])
    if base is None:
        return None
    try:
        value = int(token.rawText.replace("_", ""), base)
    except ValueError:  # x, z or ? digits
        return None
    size = int(node.size.rawText) if node.size is not None and node.size.rawText.isdigit() else None
    return token, base, value, size


def _reset_value_site(node: Any, data: bytes, sources: SourceManager) -> _Site | None:
    """The value a reset branch assigns, inverted: `q <= 8'h00` -> `q <= 8'hff`, `'0` -> `'1`."""
    if node.parent is None or node.parent.kind not in _ASSIGNMENTS or not _in_reset_branch(node, data):
        return None
    if node.kind == SyntaxKind.UnbasedUnsizedLiteralExpression:
        token = node.literal
        if not _literal_here(token, data) or token.rawText not in ("'0", "'1"):
            return None
        new = "'1" if token.rawText == "'0" else "'0"
    elif node.kind == SyntaxKind.IntegerLiteralExpression:
        token = node.literal
        if not _literal_here(token, data) or not token.rawText.replace("_", "").isdigit():
            return None
        new = "0" if int(token.rawText.replace("_", "")) else "1"
    else:
        read = _vector(node, data)
        if read is None:
            return None
        token, base, value, size = read
        inverted = (~value) & ((1 << size) - 1) if size else int(not value)
        new = _digits(inverted, base).rjust(len(token.rawText.replace("_", "")), "0")
    edit = _Edit(int(token.location.offset), len(token.rawText.encode()), new)
    return _Site(RESET_VALUE, _line(sources, token), f"reset value {token.rawText} -> {new}", (edit,))


def _in_reset_branch(node: Any, data: bytes) -> bool:
    """Inside the taken branch of an `if` whose condition names a reset (rst, reset, rst_n, ...)."""
    child, parent = node, node.parent
    while parent is not None and parent.kind not in _BEHAVIOUR:
        if (
            parent.kind == SyntaxKind.ConditionalStatement
            and _start(child) == _start(parent.statement)
            and _RESET_NAME.search(data[_start(parent.predicate) : _end(parent.predicate)].decode())
        ):
            return True
        child, parent = parent, parent.parent
    return False


def _event_sites(node: Any, data: bytes, sources: SourceManager) -> list[_Site | None]:
    """An always block's event control: the clock's other edge, and the reset made (a)synchronous."""
    timing = node.parent
    if timing is None or timing.kind != SyntaxKind.TimingControlStatement:
        return []
    if timing.parent is None or timing.parent.kind not in _CLOCKED:
        return []
    events = node.expr.expr if node.expr.kind == SyntaxKind.ParenthesizedEventExpression else node.expr
    signals = [events] if events.kind == SyntaxKind.SignalEventExpression else []
    if events.kind == SyntaxKind.BinaryEventExpression:
        signals = [e for e in (events.left, events.right) if e.kind == SyntaxKind.SignalEventExpression]
    sites: list[_Site | None] = [_edge_site(s, data, sources) for s in signals if not _names_reset(s)]
    if events.kind == SyntaxKind.BinaryEventExpression:
        sites.append(_synchronous_site(events, data, sources))
    elif events.kind == SyntaxKind.SignalEventExpression:
        sites.append(_asynchronous_site(events, timing.statement, data, sources))
    return sites


def _edge_event(event: Any) -> bool:
    """`posedge x` or `negedge x`: a clocked block's event, not a combinational sensitivity."""
    return bool(
        event.kind == SyntaxKind.SignalEventExpression
        and event.edge is not None
        and event.edge.kind in _EDGES
    )


def _names_reset(signal: Any) -> bool:
    return bool(_RESET_NAME.search(str(signal.expr)))


def _edge_site(signal: Any, data: bytes, sources: SourceManager) -> _Site | None:
    token = signal.edge
    if token is None or token.kind not in _EDGES or not _literal_here(token, data):
        return None
    new = _EDGES[token.kind]
    name = str(signal.expr).strip()
    edit = _Edit(int(token.location.offset), len(token.rawText.encode()), new)
    return _Site(EDGE, _line(sources, token), f"{token.rawText} {name} -> {new} {name}", (edit,))


def _synchronous_site(events: Any, data: bytes, sources: SourceManager) -> _Site | None:
    """`posedge clk or posedge rst` -> `posedge clk`: the asynchronous reset made synchronous."""
    left, right = events.left, events.right
    if not all(_edge_event(e) and _written(e, data) for e in (left, right)):
        return None
    if _names_reset(right) and not _names_reset(left):
        start, end = _end(left), _end(right)
    elif _names_reset(left) and not _names_reset(right):
        start, end = _start(left), _start(right)
    else:
        return None
    whole = data[_start(left) : _end(right)].decode()
    kept = (data[_start(left) : start] + data[end : _end(right)]).decode()
    edit = _Edit(start, end - start, "")
    return _Site(RESET_STYLE, _line(sources, events.getFirstToken()), f"@({whole}) -> @({kept})", (edit,))


def _asynchronous_site(signal: Any, body: Any, data: bytes, sources: SourceManager) -> _Site | None:
    """`@(posedge clk)` whose first statement is `if (rst)` -> `@(posedge clk or posedge rst)`."""
    if not _edge_event(signal) or _names_reset(signal) or not _written(signal, data):
        return None
    while body is not None and body.kind == SyntaxKind.SequentialBlockStatement and len(body.items) == 1:
        body = body.items[0]
    if body is None or body.kind != SyntaxKind.ConditionalStatement or len(body.predicate.conditions) != 1:
        return None
    condition = body.predicate.conditions[0].expr
    low = condition.kind in (SyntaxKind.UnaryLogicalNotExpression, SyntaxKind.UnaryBitwiseNotExpression)
    name_node = condition.operand if low else condition
    if name_node.kind != SyntaxKind.IdentifierName or not _RESET_NAME.search(str(name_node)):
        return None
    added = f" or {'negedge' if low else 'posedge'} {str(name_node).strip()}"
    written = data[_start(signal) : _end(signal)].decode()
    edit = _Edit(_end(signal), 0, added)
    return _Site(RESET_STYLE, _line(sources, signal.edge), f"@({written}) -> @({written}{added})", (edit,))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _digits(value: int, base: int) -> str:
    return {2: f"{value:b}", 8: f"{value:o}", 10: f"{value:d}", 16: f"{value:x}"}[base]


def _line(sources: SourceManager, token: Any) -> int:
    return int(sources.getLineNumber(token.location))


def _apply(data: bytes, edits: tuple[_Edit, ...]) -> str:
    for edit in sorted(edits, key=lambda e: e.offset, reverse=True):
        data = data[: edit.offset] + edit.replacement.encode() + data[edit.offset + edit.length :]
    return data.decode()


def _spread(sites: list[_Site], limit: int | None, kinds: Sequence[str], seed: int) -> list[_Site]:
    """Take sites round-robin over the kinds, each kind's picks spaced evenly through the source.

    `seed` shifts where the round-robin starts and where each kind's picks fall.
    """
    if limit is None or limit >= len(sites):
        return sites
    by_kind = {kind: [s for s in sites if s.kind == kind] for kind in kinds}
    order = [kinds[(i + seed) % len(kinds)] for i in range(len(kinds))]
    quota = dict.fromkeys(kinds, 0)
    remaining = limit
    while remaining:
        progressed = False
        for kind in order:
            if remaining and quota[kind] < len(by_kind[kind]):
                quota[kind] += 1
                remaining -= 1
                progressed = True
        if not progressed:
            break
    chosen: list[_Site] = []
    for kind in kinds:
        group, count = by_kind[kind], quota[kind]
        picks = (
            sorted({((i * len(group)) // count + seed) % len(group) for i in range(count)}) if count else []
        )
        chosen.extend(group[p] for p in picks)
    return sorted(chosen, key=lambda s: (s.line, s.kind))
