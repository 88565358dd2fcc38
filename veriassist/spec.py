"""Interfaces stated in prose specs: what a benchmark's English text says the ports are.

Regexes are right here: the input is English, not Verilog. A claim read from prose is a
guess, so callers advise on a mismatch rather than reject a design for it.
"""

from __future__ import annotations

import ast as pyast
import operator
import re
from collections.abc import Callable

from veriassist.types import Interface, Port

_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
_RANGE = r"\[[ \t]*([^\]:\n]+?)[ \t]*:[ \t]*([^\]\n]+?)[ \t]*\]"
_NAME_PATTERNS = (
    re.compile(rf"Module\s+name\s*:\s*`?({_IDENT})", re.IGNORECASE),
    re.compile(rf"\bmodule\s+named\s+`?({_IDENT})"),
    re.compile(rf"^[ \t]*module[ \t]+({_IDENT})[ \t]*(?:#|\(|;)", re.MULTILINE),
    re.compile(r"\bmodule[ \t]+`?(TopModule|top_module)\b"),
)
# VerilogEval list style: ` - input  [7:0] in`, ` - output reg q (4 bits)`.
_LIST_PORT = re.compile(
    rf"^[ \t]*[-*][ \t]*(input|output|inout)[ \t]+(?:(?:wire|reg|logic|signed|unsigned)[ \t]+)*"
    rf"(?:{_RANGE}[ \t]*)?({_IDENT})[ \t]*(?:{_RANGE})?[ \t]*(?:\([ \t]*(\d+)[ \t-]*bits?[ \t]*\))?"
    # Only a description may follow, after a separator: this keeps bulleted prose
    # such as "- output of the mux is ..." out.
    r"[ \t]*(?:$|[:;,]|--|—|–|-[ \t]|//|#)",
    re.MULTILINE,
)
# RTLLM section headers: `Input ports:`, `Output ports:`, `Inputs:`, `Ports:`.
_SECTION = re.compile(r"^[ \t]*(input|output|inout)?[ \t]*(?:ports?|s)?[ \t]*:[ \t]*$", re.IGNORECASE)
# RTLLM port lines: `a[7:0]: ...`, `[7:0] a: ...`, `input [7:0] a`, `clk: Clock signal.`
_SECTION_PORT = re.compile(
    rf"^[ \t]*[-*]?[ \t]*(?:(input|output|inout)[ \t]+)?(?:(?:wire|reg|logic|signed|unsigned)[ \t]+)*"
    rf"(?:{_RANGE}[ \t]*)?({_IDENT})[ \t]*(?:{_RANGE})?[ \t]*(?:[:;,(]|$)(.*)$",
    re.IGNORECASE,
)
_WIDTH_WORDS = re.compile(r"\b(\d+)[- ]bits?\b", re.IGNORECASE)
_NOT_PORT_NAMES = {"module", "input", "output", "inout", "note", "implementation", "parameter"}


def spec_interface(spec: str) -> Interface | None:
    """Read the module name and ports a natural-language spec states.

    Understands VerilogEval's `- input  [7:0] in` lists (also `in (8 bits)`) and
    RTLLM's `Module name:` / `Input ports:` / `Output ports:` sections. Widths
    that cannot be worked out (e.g. `[WIDTH-1:0]`) are 0.

    Returns:
        The interface, with module "" when no name is stated, or None when the
        spec states neither a name nor any port.
    """
    name = ""
    for pattern in _NAME_PATTERNS:
        match = pattern.search(spec)
        if match:
            name = match.group(1)
            break
    ports = _list_ports(spec) or _section_ports(spec)
    if not name and not ports:
        return None
    return Interface(module=name, ports=tuple(ports))


def _list_ports(spec: str) -> list[Port]:
    ports = []
    for m in _LIST_PORT.finditer(spec):
        direction, hi, lo, name, hi2, lo2, bits = m.groups()
        width = int(bits) if bits else _range_width(hi or hi2, lo or lo2)
        ports.append(Port(name=name, direction=direction, width=width, declared=_range_text(hi, lo)))
    return _unique(ports)


def _section_ports(spec: str) -> list[Port]:
    ports = []
    direction: str | None = None
    for line in spec.splitlines():
        section = _SECTION.match(line)
        if section and (section.group(1) or line.strip().lower() in {"ports:", "port:"}):
            direction = section.group(1).lower() if section.group(1) else ""
            continue
        if direction is None:
            continue
        if not line.strip():
            continue
        match = _SECTION_PORT.match(line)
        if not match or match.group(4).lower() in _NOT_PORT_NAMES:
            direction = None  # the section ended
            continue
        stated, hi, lo, name, hi2, lo2, rest = match.groups()
        if not rest.strip() and line.rstrip().endswith(":") and not (stated or hi or hi2):
            direction = None  # another header, such as `Implementation:`
            continue
        port_direction = (stated or direction).lower()
        if not port_direction:
            continue
        if hi or hi2:
            width = _range_width(hi or hi2, lo or lo2)
        else:
            words = _WIDTH_WORDS.search(rest)
            width = int(words.group(1)) if words else 1
        ports.append(
            Port(name=name, direction=port_direction, width=width, declared=_range_text(hi or hi2, lo or lo2))
        )
    return _unique(ports)


def _unique(ports: list[Port]) -> list[Port]:
    seen: set[str] = set()
    kept = []
    for port in ports:
        if port.name not in seen:
            seen.add(port.name)
            kept.append(port)
    return kept


def _range_text(hi: str | None, lo: str | None) -> str:
    return f"[{hi}:{lo}]" if hi is not None and lo is not None else ""


def _range_width(hi: str | None, lo: str | None) -> int:
    if hi is None or lo is None:
        return 1
    high, low = _constant(hi), _constant(lo)
    if high is None or low is None:
        return 0
    return abs(high - low) + 1


_OPERATORS: dict[type, Callable[[int, int], int]] = {
    pyast.Add: operator.add,
    pyast.Sub: operator.sub,
    pyast.Mult: operator.mul,
    pyast.FloorDiv: operator.floordiv,
    pyast.Div: operator.floordiv,
}


def _constant(expression: str) -> int | None:
    """Evaluate integer arithmetic such as `8*4-1`; None for anything else."""
    try:
        tree = pyast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return None

    def value(node: pyast.AST) -> int | None:
        if isinstance(node, pyast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, pyast.BinOp) and type(node.op) in _OPERATORS:
            left, right = value(node.left), value(node.right)
            if (
                left is None
                or right is None
                or (right == 0 and isinstance(node.op, pyast.Div | pyast.FloorDiv))
            ):
                return None
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, pyast.UnaryOp) and isinstance(node.op, pyast.USub):
            inner = value(node.operand)
            return None if inner is None else -inner
        return None

    return value(tree.body)
