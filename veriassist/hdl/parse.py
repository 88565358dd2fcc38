"""Small, fast facts about Verilog/SystemVerilog source, read with pyslang.

These helpers run once per candidate, so each parses the text once with a fresh
`SourceManager` (no state leaks between calls) and never touches the disk:
`include directives are not followed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyslang import Bag, DiagnosticEngine, SourceManager
from pyslang.ast import ArgumentDirection, Compilation, CompilationOptions, VisitAction
from pyslang.parsing import Token, TokenKind
from pyslang.syntax import SyntaxKind, SyntaxNode, SyntaxTree

from veriassist.types import Interface, Port


class HdlError(ValueError):
    """The source cannot be parsed, or lacks what was asked for."""


@dataclass(frozen=True)
class Instantiation:
    """One module instance: `module instance (connections)` inside `parent`.

    `connections` holds (port name, expression text) pairs; the port name is None
    for a positional connection, "*" for `.*`, and the text is "" when unconnected.
    """

    module: str
    instance: str
    parent: str
    connections: tuple[tuple[str | None, str], ...]


_DIRECTIONS = {
    ArgumentDirection.In: "input",
    ArgumentDirection.Out: "output",
    ArgumentDirection.InOut: "inout",
    ArgumentDirection.Ref: "ref",
}


@dataclass(frozen=True)
class _Parsed:
    tree: SyntaxTree
    sources: SourceManager
    data: bytes  # the text as UTF-8: pyslang offsets are byte offsets


def _parse(text: str) -> _Parsed:
    sources = SourceManager()
    # Candidates are untrusted and parsed in whatever directory we run in:
    # never let an `include pull a file off the disk.
    sources.setDisableLocalIncludes(True)
    # fromFileInMemory, not fromText: fromText "guesses" and hands back a lone
    # module as the root instead of a compilation unit.
    tree = SyntaxTree.fromFileInMemory(text, sources, "source.sv")
    return _Parsed(tree, sources, text.encode())


def _errors(parsed: _Parsed) -> list[str]:
    engine = DiagnosticEngine(parsed.sources)
    errors = []
    for diag in parsed.tree.diagnostics:
        # Unresolved includes are expected (we never read them) and do not make
        # the text itself unreadable.
        if not diag.isError() or str(diag.code) == "DiagCode(CouldNotOpenIncludeFile)":
            continue
        line = parsed.sources.getLineNumber(diag.location)
        column = parsed.sources.getColumnNumber(diag.location)
        errors.append(f"line {line}:{column}: {engine.formatMessage(diag)}")
    return errors


def syntax_errors(text: str) -> list[str]:
    """Return the parser's errors as `line L:C: message` strings (empty when clean)."""
    return _errors(_parse(text))


def _parse_strict(text: str) -> _Parsed:
    parsed = _parse(text)
    errors = _errors(parsed)
    if errors:
        shown = "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")
        raise HdlError(f"syntax error: {shown}")
    return parsed


def _modules(parsed: _Parsed) -> list[Any]:
    root: Any = parsed.tree.root
    # fromText would make a lone module the root itself; stay safe if that ever comes back.
    members = [root] if root.kind == SyntaxKind.ModuleDeclaration else root.members
    return [m for m in members if m.kind == SyntaxKind.ModuleDeclaration]


# Module instances cannot sit inside these, and a testbench is mostly made of them:
# the walk skips them (a testbench's instances are found in a quarter of the time).
_NO_INSTANCES_INSIDE = {
    SyntaxKind.InitialBlock,
    SyntaxKind.FinalBlock,
    SyntaxKind.AlwaysBlock,
    SyntaxKind.AlwaysCombBlock,
    SyntaxKind.AlwaysFFBlock,
    SyntaxKind.AlwaysLatchBlock,
    SyntaxKind.FunctionDeclaration,
    SyntaxKind.TaskDeclaration,
    SyntaxKind.ContinuousAssign,
    SyntaxKind.DataDeclaration,
    SyntaxKind.NetDeclaration,
}


def _instances(node: Any) -> Iterator[Any]:
    """The HierarchyInstantiation nodes under `node`, in source order."""
    found: list[Any] = []

    def visit(item: Any) -> Any:
        if isinstance(item, SyntaxNode):
            if item.kind == SyntaxKind.HierarchyInstantiation:
                found.append(item)
            elif item.kind in _NO_INSTANCES_INSIDE:
                return VisitAction.Skip
        return VisitAction.Advance

    node.visit(visit)
    return iter(found)


def _nodes(items: Any) -> list[Any]:
    """The nodes of a separated list, without its comma tokens."""
    return [item for item in items if isinstance(item, SyntaxNode)]


def module_names(text: str) -> list[str]:
    """Return the modules declared in `text`, in order.

    Lenient on purpose: pyslang recovers from syntax errors, and a caller asking
    "is TopModule there at all?" wants an answer even for broken code.
    """
    parsed = _parse(text)  # keep alive: the tree's tokens point into its SourceManager
    return [m.header.name.valueText for m in _modules(parsed)]


def instantiations(text: str) -> list[Instantiation]:
    """Return every module instance in `text` (gate primitives excluded), in order.

    Raises:
        HdlError: the text has syntax errors.
    """
    parsed = _parse_strict(text)
    found = []
    for module in _modules(parsed):
        parent = module.header.name.valueText
        for node in _instances(module):
            for instance in _nodes(node.instances):
                name = instance.decl.name.valueText if instance.decl else ""
                connections = tuple(_connection(c) for c in _nodes(instance.connections))
                # `foo u();` parses as one empty ordered connection: that is no connection.
                if connections == ((None, ""),):
                    connections = ()
                found.append(Instantiation(node.type.valueText, name, parent, connections))
    return found


def _connection(node: Any) -> tuple[str | None, str]:
    if node.kind == SyntaxKind.NamedPortConnection:
        name = node.name.valueText
        if node.openParen.kind != TokenKind.OpenParenthesis:  # `.clk` means `.clk(clk)`
            return name, name
        return name, _text(node.expr)
    if node.kind == SyntaxKind.WildcardPortConnection:
        return "*", ""
    if node.kind == SyntaxKind.OrderedPortConnection:
        return None, _text(node.expr)
    return None, ""


def _text(node: Any) -> str:
    return " ".join(str(node).split()) if node is not None else ""


def string_literals(text: str) -> list[str]:
    """Return the values of the string literals in `text`, in order.

    A loader uses this to find the data files a testbench opens by name.
    """
    parsed = _parse(text)
    found: list[str] = []

    def visit(item: Any) -> bool:
        if isinstance(item, Token) and item.kind == TokenKind.StringLiteral:
            found.append(item.valueText)
        return True

    parsed.tree.root.visit(visit)
    return found


def _top_modules(parsed: _Parsed) -> list[str]:
    names = [m.header.name.valueText for m in _modules(parsed)]
    used = {n.type.valueText for m in _modules(parsed) for n in _instances(m)}
    return [n for n in names if n not in used]


def top_modules(text: str) -> list[str]:
    """Return the modules no other module in `text` instantiates, in order."""
    parsed = _parse(text)
    return _top_modules(parsed)


def module_interface(text: str, module: str | None = None) -> Interface:
    """Return the ports of `module`, widths computed with parameter defaults.

    Args:
        text: source holding the module (other modules may be there too).
        module: the module's name; by default the only module, or else the last
            one that no other module in the text instantiates.

    Raises:
        HdlError: syntax errors, no modules, or no module named `module`.
    """
    parsed = _parse_strict(text)
    names = [m.header.name.valueText for m in _modules(parsed)]
    if not names:
        raise HdlError("no module declaration found")
    if module is None:
        tops = _top_modules(parsed)
        module = tops[-1] if tops else names[-1]
    elif module not in names:
        raise HdlError(f"no module named '{module}' (found: {', '.join(names)})")
    options = CompilationOptions()
    options.topModules = {module}
    compilation = Compilation(Bag([options]))
    compilation.addSyntaxTree(parsed.tree)
    tops = compilation.getRoot().topInstances
    if not tops:
        raise HdlError(f"module '{module}' cannot be elaborated on its own")
    body = tops[0].body
    ports: list[Port] = []
    for symbol in body.portList:
        port = _port(symbol)
        if port.declared is None:
            # `input [7:0] a, b`: b has no header of its own and shares a's type.
            port = Port(port.name, port.direction, port.width, ports[-1].declared if ports else "")
        ports.append(port)
    parameters = tuple(p.name for p in body.parameters if not p.isLocalParam)
    return Interface(module=module, ports=tuple(ports), parameters=parameters)


def _port(symbol: Any) -> Port:
    """A Port whose `declared` is None when the port inherits the previous port's type."""
    direction = _DIRECTIONS.get(getattr(symbol, "direction", None), "interface")  # type: ignore[arg-type]
    port_type = getattr(symbol, "type", None)
    width = int(port_type.bitWidth) if port_type is not None else 0
    return Port(name=symbol.name, direction=direction, width=width, declared=_declared(symbol))  # type: ignore[arg-type]


def _declared(symbol: Any) -> str | None:
    """The port's type as written (without the direction), e.g. `reg [3:0]`."""
    internal = getattr(symbol, "internalSymbol", None)
    declarator = internal.syntax if internal is not None else None
    if declarator is None or declarator.parent is None:
        return ""
    holder = declarator.parent
    if holder.kind == SyntaxKind.DataDeclaration:
        # Non-ANSI `output [3:0] q; reg [3:0] q;`: the data declaration has the type.
        return " ".join(str(holder.type).split())
    header = getattr(holder, "header", None)
    if header is None:
        return ""
    words = str(header).split()
    if not words:
        return None
    direction = getattr(header, "direction", None)
    if words and direction is not None and words[0] == direction.valueText:
        words = words[1:]
    return " ".join(words)


def module_header(text: str, module: str | None = None) -> str:
    """Return a module's header as written, from `module` through its `;`.

    Raises:
        HdlError: no such module (syntax errors elsewhere are tolerated).
    """
    parsed = _parse(text)
    modules = _modules(parsed)
    chosen = [m for m in modules if module is None or m.header.name.valueText == module]
    if not chosen:
        raise HdlError(f"no module named '{module}'" if module else "no module declaration found")
    header = chosen[-1 if module is None else 0].header
    start = header.getFirstToken().location.offset
    last = header.getLastToken()
    end = last.location.offset + len(last.rawText.encode())
    return parsed.data[start:end].decode()


def rename_module(text: str, old: str, new: str) -> str:
    """Rename module `old` to `new`: its declaration, `endmodule : old` and instances.

    Edits only those identifier tokens, so everything else stays byte-identical.

    Raises:
        HdlError: syntax errors, or no module named `old`.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", new) or module_names(f"module {new}; endmodule") != [new]:
        # The second test catches keywords, e.g. `cell` or `config`.
        raise HdlError(f"'{new}' is not a valid module name")
    parsed = _parse_strict(text)
    modules = _modules(parsed)
    if old not in [m.header.name.valueText for m in modules]:
        raise HdlError(f"no module named '{old}' to rename")
    tokens = []
    for module in modules:
        if module.header.name.valueText == old:
            tokens.append(module.header.name)
            if module.blockName is not None:
                tokens.append(module.blockName.name)
        tokens.extend(n.type for n in _instances(module))
    data = parsed.data
    needle = old.encode()
    offsets = sorted(
        {
            t.location.offset
            for t in tokens
            # A token from a macro expansion lives in another buffer; only edit
            # names that are literally in the text.
            if t.valueText == old and data[t.location.offset : t.location.offset + len(needle)] == needle
        },
        reverse=True,
    )
    for offset in offsets:
        data = data[:offset] + new.encode() + data[offset + len(needle) :]
    return data.decode()


def interface_differences(
    expected: Interface,
    actual: Interface,
    check_order: bool = False,
    *,
    expected_label: str = "reference",
    actual_label: str = "candidate",
) -> list[str]:
    """Describe how `actual` (the candidate) differs from `expected` (the reference).

    Ports connect by name, so their order counts only with `check_order=True`.
    A width of 0 means "unknown" and is never reported as a difference, nor is
    the module name when `expected.module` is "".
    """
    ours, theirs = expected_label, actual_label
    problems = []
    if expected.module and actual.module != expected.module:
        problems.append(
            f"module is named '{actual.module}' in the {theirs} but '{expected.module}' in the {ours}"
        )
    by_name = {p.name: p for p in actual.ports}
    expected_names = {p.name for p in expected.ports}
    for port in expected.ports:
        other = by_name.get(port.name)
        if other is None:
            problems.append(f"port '{port.name}' ({_describe(port)}) is missing from the {theirs}")
            continue
        if other.direction != port.direction:
            problems.append(
                f"port '{port.name}' is {_article(port.direction)} in the {ours} "
                f"but {_article(other.direction)} in the {theirs}"
            )
        if port.width and other.width and port.width != other.width:
            problems.append(
                f"port '{port.name}' is {_bits(port.width)} in the {ours} "
                f"but {_bits(other.width)} in the {theirs}"
            )
    problems.extend(
        f"the {theirs} has port '{p.name}' ({_describe(p)}) that the {ours} does not have"
        for p in actual.ports
        if p.name not in expected_names
    )
    if check_order:
        shared = [p.name for p in expected.ports if p.name in by_name]
        their_order = [p.name for p in actual.ports if p.name in expected_names]
        if shared != their_order:
            problems.append(
                f"ports are in the order ({', '.join(shared)}) in the {ours} "
                f"but ({', '.join(their_order)}) in the {theirs}"
            )
    return problems


def _article(direction: str) -> str:
    return f"an {direction}" if direction[:1] in "aeiou" else f"a {direction}"


def _bits(width: int) -> str:
    return f"{width} bit" if width == 1 else f"{width} bits"


def _describe(port: Port) -> str:
    return f"{port.direction}, {_bits(port.width)}" if port.width else port.direction
