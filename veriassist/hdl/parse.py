"""Small, fast facts about Verilog/SystemVerilog source, read with pyslang.

These helpers run once per candidate, so each parses the text once with a fresh
`SourceManager` (no state leaks between calls) and never touches the disk:
`include directives are not followed.

The text is untrusted (suites, the MCP server and the language server pass in
whatever they were given), so `parse_guard` bounds what pyslang is asked to do
first: a size cap, no macro expansion that could blow up, and a nesting depth the
parser reports instead of crashing on. Any such text is an `HdlError`, never a
pyslang exception or a hang.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyslang import Bag, DiagnosticEngine, SourceManager
from pyslang.ast import ArgumentDirection, Compilation, CompilationOptions, VisitAction
from pyslang.parsing import ParserOptions, PreprocessorOptions, Token, TokenKind
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


MAX_SOURCE_CHARS = 4_000_000  # a generous testbench; the static check caps designs lower
MAX_MACRO_EXPANSION = 2_000_000  # characters all macro uses may add, counted before expanding any
_MAX_MACRO_NESTING = 32  # macros inside macros (bodies or arguments)
MAX_NESTING = 1024  # parser recursion (slang's default): deeper is a ParseTreeTooDeep diagnostic, not a crash

# Icarus predefines __ICARUS__; slang predefines its own name and the LRM's coverage constants.
# Parsing with Icarus's set makes a conditional read the way the simulator will read it.
ICARUS_PREDEFINES = ("__ICARUS__=1",)
_SLANG_ONLY = (
    "__slang__", "__slang_major__", "__slang_minor__", "SV_COV_START", "SV_COV_STOP", "SV_COV_RESET",
    "SV_COV_CHECK", "SV_COV_MODULE", "SV_COV_HIER", "SV_COV_ASSERTION", "SV_COV_FSM_STATE",
    "SV_COV_STATEMENT", "SV_COV_TOGGLE", "SV_COV_OVERFLOW", "SV_COV_ERROR", "SV_COV_NOCOV",
    "SV_COV_OK", "SV_COV_PARTIAL",
)  # fmt: skip
# Macros some tool defines on its own (Icarus's `__VAMS_ENABLE__` comes with -gverilog-ams).
TOOL_MACROS = frozenset({"__ICARUS__", "__VAMS_ENABLE__", "__FILE__", "__LINE__", *_SLANG_ONLY})


def parse_options() -> Bag:
    """pyslang options for untrusted text: no includes at all, Icarus's macros, bounded nesting."""
    preprocessor = PreprocessorOptions()
    # Depth 0 refuses every `include before opening anything: no absolute paths, FIFOs or /dev/zero.
    preprocessor.maxIncludeDepth = 0
    preprocessor.predefines = list(ICARUS_PREDEFINES)
    preprocessor.undefines = list(_SLANG_ONLY)
    parser = ParserOptions()
    parser.maxRecursionDepth = MAX_NESTING
    return Bag([preprocessor, parser])


_DEFINE_WORD = re.compile(r"`define\b")
_DEFINE = re.compile(r"`define[ \t]+([A-Za-z_][\w$]*)(\([^)\n]*\))?((?:\\\r?\n|\\.|[^\\\n])*)")
_MACRO_USE = re.compile(r"`([A-Za-z_][\w$]*)")
_WORD = re.compile(r"`?[A-Za-z_][\w$]*")
_PAREN_SCAN = re.compile(r'"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?(?:\*/|\Z)|[()]', re.DOTALL)
_WORDS = re.compile(r"[A-Za-z_][\w$]*")


class _MacroBudget:
    """An upper bound on what expanding every macro use in a text adds, computed without expanding.

    Each macro gets (size, copies): its expanded size with arguments counted as empty, and how
    many copies of an argument its expansion can hold. A use then adds size + copies x (argument
    size). Nested macros multiply, which is how a few lines become gigabytes; the bound sees it.
    """

    TOO_BIG = MAX_MACRO_EXPANSION + 1

    def __init__(self, text: str) -> None:
        # name -> (parameters, or None for an object-like macro; body), one per `define
        self.defs: dict[str, list[tuple[tuple[str, ...] | None, str]]] = {}
        for match in _DEFINE.finditer(text):
            params = tuple(_WORDS.findall(match[2])) if match[2] is not None else None
            self.defs.setdefault(match[1], []).append((params, match[3]))
        self.known: dict[str, tuple[int, int]] = {}
        self.busy: set[str] = set()

    def macro(self, name: str, depth: int) -> tuple[int, int]:
        if name in self.known:
            return self.known[name]
        if name in self.busy:
            return self.TOO_BIG, self.TOO_BIG  # recursive: it never ends
        self.busy.add(name)
        size, copies = 0, 0
        for params, body in self.defs[name]:
            if params is not None and ("``" in body or any(f"`{p}" in body for p in params)):
                # Pasting can build a macro's name out of an argument: nothing to bound it by.
                size, copies = self.TOO_BIG, self.TOO_BIG
                break
            body_size, body_copies = self.measure(body, 0, len(body), frozenset(params or ()), depth + 1)
            size, copies = max(size, body_size), max(copies, body_copies)
        self.busy.discard(name)
        self.known[name] = (size, copies)
        return size, copies

    def measure(self, text: str, start: int, end: int, params: frozenset[str], depth: int) -> tuple[int, int]:
        """(expanded size, copies of `params`) of text[start:end]."""
        if depth > _MAX_MACRO_NESTING:
            return self.TOO_BIG, self.TOO_BIG
        size, copies = end - start, 0
        pattern = _WORD if params else _MACRO_USE  # plain words matter only inside a macro's body
        pos = start
        while size <= MAX_MACRO_EXPANSION and (match := pattern.search(text, pos, end)):
            pos = match.end()
            word = match[0]
            if word[0] != "`":
                copies += word in params
                continue
            if word[1:] not in self.defs:
                continue  # a directive, a tool's macro, or undefined (which expands to nothing)
            body_size, body_copies = self.macro(word[1:], depth)
            if all(params is None for params, _ in self.defs[word[1:]]):
                size += body_size
                continue
            close = _closing_paren(text, pos, end)
            arg_size, arg_copies = self.measure(text, pos, close, params, depth + 1)
            size += body_size + body_copies * arg_size
            copies += body_copies * arg_copies
            pos = close
        return min(size, self.TOO_BIG), min(copies, self.TOO_BIG)


def _closing_paren(text: str, pos: int, end: int) -> int:
    """Where a macro call's arguments starting at `pos` end (strings and comments skipped)."""
    depth = 0
    for match in _PAREN_SCAN.finditer(text, pos, end):
        token = match[0]
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth <= 0:
                return match.end()
        elif depth == 0 and text[pos : match.start()].strip():
            return pos  # no argument list follows
    return end


def parse_guard(text: str, limit: int = MAX_SOURCE_CHARS) -> str | None:
    """Why `text` is not safe to hand to pyslang (None when it is).

    Cheap, and before any parsing: a size cap, and a bound on what macros can expand to
    (a few nested macro lines can ask for gigabytes, which hangs or crashes the parser).
    """
    if len(text) > limit:
        return f"the source is too large ({len(text):,} characters; the limit is {limit:,})"
    if "`" not in text:
        return None
    if len(_DEFINE_WORD.findall(text)) != sum(1 for _ in _DEFINE.finditer(text)):
        return "a `define is not of the form `define NAME body"
    budget = _MacroBudget(text)
    if budget.measure(text, 0, len(text), frozenset(), 0)[0] > MAX_MACRO_EXPANSION:
        return "macros expand too far (nested or repeated macros would add over 2 MB of text)"
    return None


# A testbench, a reference or a candidate is asked several questions (its modules, its
# instances, its interface, a renamed copy): one parse answers them all. Trees are read-only.
@functools.lru_cache(maxsize=64)
def _parse(text: str) -> _Parsed:
    reason = parse_guard(text)
    if reason is not None:
        raise HdlError(reason)
    sources = SourceManager()
    # Candidates are untrusted and parsed in whatever directory we run in:
    # never let an `include pull a file off the disk (parse_options refuses them all).
    sources.setDisableLocalIncludes(True)
    try:
        # fromFileInMemory, not fromText: fromText "guesses" and hands back a lone
        # module as the root instead of a compilation unit (and raises on deep nesting).
        tree = SyntaxTree.fromFileInMemory(text, sources, "source.sv", "", parse_options())
    except (RuntimeError, UnicodeError) as error:
        raise HdlError(f"the parser could not read the text: {error or type(error).__name__}") from None
    return _Parsed(tree, sources, text.encode())


# Unresolved includes are expected (we never read them) and do not make the text itself unreadable.
_NOT_SYNTAX_ERRORS = {"DiagCode(CouldNotOpenIncludeFile)", "DiagCode(ExceededMaxIncludeDepth)"}


def _errors(parsed: _Parsed) -> list[str]:
    engine = DiagnosticEngine(parsed.sources)
    errors = []
    for diag in parsed.tree.diagnostics:
        if not diag.isError() or str(diag.code) in _NOT_SYNTAX_ERRORS:
            continue
        line = parsed.sources.getLineNumber(diag.location)
        column = parsed.sources.getColumnNumber(diag.location)
        errors.append(f"line {line}:{column}: {engine.formatMessage(diag)}")
    return errors


def syntax_errors(text: str) -> list[str]:
    """Return the parser's errors as `line L:C: message` strings (empty when clean).

    Text the parser must not be given (see `parse_guard`) is one error at line 1.
    """
    try:
        return _errors(_parse(text))
    except HdlError as error:
        return [f"line 1:1: {error}"]


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
    return list(_module_names(text))


def instantiations(text: str) -> list[Instantiation]:
    """Return every module instance in `text` (gate primitives excluded), in order.

    Raises:
        HdlError: the text has syntax errors.
    """
    return list(_instantiations(text))


# Answers about a suite's testbenches and references, kept past their trees (which the parse
# cache drops sooner): a suite's loader asks these of every problem, and bench workers,
# forked after it, ask them again of each problem they meet.
@functools.lru_cache(maxsize=2048)
def _module_names(text: str) -> tuple[str, ...]:
    parsed = _parse(text)  # keep alive: the tree's tokens point into its SourceManager
    return tuple(m.header.name.valueText for m in _modules(parsed))


@functools.lru_cache(maxsize=2048)
def _instantiations(text: str) -> tuple[Instantiation, ...]:
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
    return tuple(found)


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
            problems.append(
                f"port '{port.name}' ({_describe(port)}) of the {ours} is missing from the {theirs}"
            )
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
