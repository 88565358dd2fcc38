"""Signal tracing: from a wrong output back through the design's drivers.

When an output mismatches, an engineer looks first at what drives it: the assigns and
always blocks that write it, the registers and wires they read, across instances. This
walks the elaborated design (pyslang) backwards from one output, breadth first, and
returns the nearest drivers with the source line of each, so the feedback can show the
cone that computes the wrong value, not only the testbench's view of it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyslang import SourceManager
from pyslang.ast import ArgumentDirection, Compilation, TimingControlKind, VisitAction
from pyslang.syntax import SyntaxTree

from veriassist.hdl.parse import HdlError, parse_guard, parse_options, syntax_errors


@dataclass(frozen=True)
class Driver:
    """One place that writes `signal`: an assign, an always block's assignment, or a port.

    `signal` is the path below the top instance (`state`, `u_core.acc`); `reads` are the
    signals the written value (and the conditions guarding it) depend on.
    """

    signal: str
    file: str
    line: int
    source: str  # that line of the source, stripped
    register: bool  # written on a clock edge: a state element
    depth: int  # 1 for a driver of the output itself, 2 for a driver of what that reads, ...
    reads: tuple[str, ...] = ()


@dataclass
class _Graph:
    # signal -> (file, line, register, reads, line of the always block's header or 0)
    writes: dict[str, list[tuple[str, int, bool, frozenset[str], int]]] = field(default_factory=dict)

    def add(
        self, target: str, file: str, line: int, register: bool, reads: Iterable[str], block: int = 0
    ) -> None:
        self.writes.setdefault(target, []).append((file, line, register, frozenset(reads) - {target}, block))


def driver_cone(files: Sequence[tuple[str, str]], top: str, output: str, limit: int = 8) -> list[Driver]:
    """The drivers of `output` of module `top`, nearest first, at most `limit` signals.

    Args:
        files: (file name, text) of every design file.
        top: the design's top module.
        output: an output port of `top`.
        limit: how many distinct signals to show; registers are preferred at equal depth,
            since state that went wrong earlier is where a bug usually shows first.

    Raises:
        HdlError: the design does not parse or elaborate, or has no such top.
    """
    compilation, sources = _elaborate(files, top)
    graph = _graph(compilation, sources, top)
    texts = {name: text.splitlines() for name, text in files}
    return _walk(graph, output, texts, limit)


def _elaborate(files: Sequence[tuple[str, str]], top: str) -> tuple[Compilation, SourceManager]:
    sources = SourceManager()
    options = parse_options()
    compilation = Compilation(options)
    for name, text in files:
        refused = parse_guard(text) or next(iter(syntax_errors(text)), None)
        if refused:
            raise HdlError(f"{name}: {refused}")
        compilation.addSyntaxTree(SyntaxTree.fromText(text, sources, name, "", options))
    tops = [t for t in compilation.getRoot().topInstances if t.name == top]
    if not tops:
        raise HdlError(f"no top module named '{top}' to trace")
    return compilation, sources


def _graph(compilation: Compilation, sources: SourceManager, top: str) -> _Graph:
    graph = _Graph()
    prefix = f"{top}."

    def name(symbol: Any) -> str:
        path = str(symbol.hierarchicalPath)
        return path[len(prefix) :] if path.startswith(prefix) else path

    def where(node: Any) -> tuple[str, int]:
        start = node.sourceRange.start if hasattr(node, "sourceRange") else node.location
        return str(sources.getFileName(start)), int(sources.getLineNumber(start))

    def symbols(expression: Any) -> set[str]:
        found: set[str] = set()

        def visit(node: Any) -> bool:
            if node.kind.name == "NamedValue" and getattr(node, "symbol", None) is not None:
                found.add(name(node.symbol))
            return True

        if expression is not None:
            expression.visit(visit)
        return found

    # The conditions and clocking of the procedural code being walked: an assignment under
    # `if (rst)` depends on rst as much as on its right-hand side.
    guards: list[set[str]] = []
    clocked: list[bool] = []
    blocks: list[int] = []  # the header line of the always block being walked

    def visit(node: Any) -> bool | Any:
        kind = node.kind.name
        if kind == "ProceduralBlock":
            timing = _timing_of(node.body)
            clocked.append(timing)
            blocks.append(where(node)[1])
            node.body.visit(visit)
            clocked.pop()
            blocks.pop()
            return VisitAction.Skip
        if kind == "Conditional":
            conditions = set().union(*(symbols(c.expr) for c in node.conditions))
            guards.append(conditions)
            node.ifTrue.visit(visit)
            if node.ifFalse is not None:
                node.ifFalse.visit(visit)
            guards.pop()
            return VisitAction.Skip
        if kind == "Case":
            guards.append(symbols(node.expr))
            for item in node.items:
                for expression in item.expressions:
                    guards[-1] |= symbols(expression)
                item.stmt.visit(visit)
            if node.defaultCase is not None:
                node.defaultCase.visit(visit)
            guards.pop()
            return VisitAction.Skip
        if kind == "Assignment" and node.syntax is not None:
            file, line = where(node)
            reads = symbols(node.right).union(*guards) if guards else symbols(node.right)
            register = bool(clocked and clocked[-1]) or bool(node.isNonBlocking and clocked)
            for target in symbols(node.left):
                graph.add(target, file, line, register, reads, blocks[-1] if blocks else 0)
            return VisitAction.Skip
        if kind == "Net" and getattr(node, "initializer", None) is not None:
            # `wire [7:0] x = a + b;`: a continuous assignment written as a declaration.
            file, line = where(node)
            graph.add(name(node), file, line, False, symbols(node.initializer))
            return True
        if kind == "Instance" and node.syntax is not None:
            _connect(node, graph, name, where, symbols)
        return True

    for instance in compilation.getRoot().topInstances:
        if instance.name == top:
            instance.visit(visit)
    return graph


def _timing_of(body: Any) -> bool:
    """True when a procedural block runs on a clock edge (its writes are registers)."""
    if body.kind.name != "Timed":
        return False
    timing = body.timing
    edges = [timing] if timing.kind is TimingControlKind.SignalEvent else list(getattr(timing, "events", []))
    return any(str(getattr(e, "edge", "")).endswith(("PosEdge", "NegEdge")) for e in edges)


def _connect(node: Any, graph: _Graph, name: Any, where: Any, symbols: Any) -> None:
    """Port connections of an instance: data flows in through inputs and out through outputs."""
    file, line = where(node)
    for connection in node.portConnections:
        port = connection.port
        inner = getattr(port, "internalSymbol", None)
        expression = connection.expression
        if inner is None or expression is None:
            continue
        outside = symbols(expression)
        if port.direction is ArgumentDirection.In:
            graph.add(name(inner), file, line, False, outside)
        elif port.direction is ArgumentDirection.Out:
            for target in outside:
                graph.add(target, file, line, False, {name(inner)})


def _walk(graph: _Graph, output: str, texts: dict[str, list[str]], limit: int) -> list[Driver]:
    if output not in graph.writes:
        return []
    shown: list[Driver] = []
    seen = {output}
    frontier: deque[tuple[str, int]] = deque([(output, 1)])
    while frontier and len({d.signal for d in shown}) < limit:
        level = frontier[0][1]
        batch = []
        while frontier and frontier[0][1] == level:
            batch.append(frontier.popleft()[0])
        drivers = []
        headers: set[tuple[str, int]] = {(d.file, d.line) for d in shown}
        for signal in batch:
            for file, line, register, reads, block in graph.writes.get(signal, ()):
                # The always block's header once, before its first line shown: a wrong edge or
                # a reset in the sensitivity list is a bug in no assignment.
                if block and block != line and (file, block) not in headers:
                    headers.add((file, block))
                    drivers.append(Driver(signal, file, block, _line(texts, file, block), register, level))
                drivers.append(
                    Driver(
                        signal, file, line, _line(texts, file, line), register, level, tuple(sorted(reads))
                    )
                )
        # Registers first at equal depth: the state that went wrong is where to look.
        drivers.sort(key=lambda d: (not d.register, d.signal))
        for driver in drivers:
            if len({d.signal for d in shown} | {driver.signal}) > limit:
                break
            if driver not in shown:
                shown.append(driver)
            for read in driver.reads:
                if read not in seen and read in graph.writes:
                    seen.add(read)
                    frontier.append((read, level + 1))
    return shown


def _line(texts: dict[str, list[str]], file: str, line: int) -> str:
    lines = texts.get(file, [])
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
