"""Interfaces stated in prose specs: what a benchmark's or a user's text says the ports are.

People state ports in many styles; each reader below takes one, and the first that finds
ports wins, in this order:

- a Verilog module header (in a code block or bare): parsed as Verilog;
- a markdown table with a name and a direction column (`| clk | input | 1 | ... |`);
- port lines: VerilogEval lists (`- input [7:0] in`, `- output q (4 bits)`), markdown
  lists with a description after the port (`- input rst   (synchronous, active-high)`),
  RTLLM sections (`Input ports:` then `a: a 32-bit operand`, `a (input [31:0]): ...`,
  `input [7:0]write_addr,`, `red, yellow, green: outputs`);
- prose (`an 8-bit input a`), the least sure.

Regexes are right here: the input is English, not Verilog. A claim read from prose is a
guess, so `read_interface` says how sure it is (`SpecInterface.complete`, `unsure`), and
callers advise on a mismatch rather than reject a design for it. A width the text does
not state is 0 (unknown), never a default of 1 bit.
"""

from __future__ import annotations

import ast as pyast
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from veriassist import hdl
from veriassist.types import Interface, Port

_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
_RANGE = r"\[[ \t]*([^\]:\n]+?)[ \t]*:[ \t]*([^\]\n]+?)[ \t]*\]"
_TYPES = r"(?:(?:wire|reg|logic|bit|signed|unsigned|var)[ \t]+)*"
_COLON = r"[:：]"  # RTLLM writes some headers with the full-width colon
_NAME_PATTERNS = (
    re.compile(rf"Module\s+name\s*{_COLON}\s*`?({_IDENT})", re.IGNORECASE),
    re.compile(rf"\bmodule\s+(?:named|called)\s+`?({_IDENT})"),
    re.compile(rf"^[ \t]*module[ \t]+({_IDENT})[ \t]*(?:#|\(|;)", re.MULTILINE),
    re.compile(r"\bmodule[ \t]+`?(TopModule|top_module)\b"),
)
# `input [7:0] a`, `- output reg q (4 bits)`, `input [7:0]write_addr,`, `* inout wire x: ...`
_DECLARED = re.compile(
    rf"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?`?(input|output|inout)[ \t]+{_TYPES}"
    rf"(?:{_RANGE}[ \t]*)?`?({_IDENT})`?[ \t]*(?:{_RANGE})?[ \t]*(.*)$",
    re.IGNORECASE,
)
# `a: ...`, `a[7:0]: ...`, `[7:0] a: ...`, `a (input [31:0]): ...`, `- `a` (8-bit input): ...`,
# `red, yellow, green: ...`
_DESCRIBED = re.compile(
    rf"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?:{_RANGE}[ \t]*)?"
    rf"(`?{_IDENT}`?(?:[ \t]*{_RANGE})?(?:[ \t]*,[ \t]*`?{_IDENT}`?(?:[ \t]*{_RANGE})?)*)"
    rf"[ \t]*(\([^()\n]*\))?[ \t]*(?:{_COLON}|[ \t]-[ \t]|[ \t]–[ \t]|[ \t]—[ \t])[ \t]*(.*)$"
)
_ONE_NAME = re.compile(rf"`?({_IDENT})`?(?:[ \t]*{_RANGE})?")
# Section headers: `Input ports:`, `Outputs:`, `Ports:`, `## Inputs`, `**Output ports**:`.
_SECTION = re.compile(
    rf"^[ \t]*(?:#+[ \t]*)?\**[ \t]*(input|output|inout)?[ \t]*(?:ports?|signals?|s)?[ \t]*\**[ \t]*"
    rf"(?:{_COLON})?[ \t]*\**[ \t]*$",
    re.IGNORECASE,
)
_WIDTH_WORDS = re.compile(
    r"\b(\d+)[- ]?bits?\b|\b(\d+)[- ]bit[- ]wide\b|\bwidth\s+(?:of\s+)?(\d+)\b(?![ \t]*\*)", re.IGNORECASE
)
_ONE_BIT = re.compile(r"\b(?:single|one|1)[- ]bit\b", re.IGNORECASE)
# `"size" bits`, `2*size bits`, `WIDTH bits`: a width given by a parameter.
_PARAM_BITS = re.compile(rf"(\d+[ \t]*\*[ \t]*)?[\"'`]?({_IDENT})[\"'`]?[ \t]*bits?\b")
_PARAMETER = re.compile(rf"\b(?:parameter[ \t]+(?:integer[ \t]+|int[ \t]+)?)?({_IDENT})[ \t]*=[ \t]*(\d+)\b")
_PROSE_PORT = re.compile(
    rf"\b(?:an?|the|one)?[ \t]*(\d+)[- ]bit[ \t]+(?:wide[ \t]+)?(input|output)(?:[ \t]+(?:port|signal|bus))?"
    rf"[ \t]+(?:named[ \t]+|called[ \t]+)?`?({_IDENT})`?",
    re.IGNORECASE,
)
_PROSE_PORT_1 = re.compile(
    rf"\b(?:an?|one)[ \t]+(input|output)(?:[ \t]+(?:port|signal))?[ \t]+(?:named[ \t]+|called[ \t]+)`?({_IDENT})`?",
    re.IGNORECASE,
)
_CODE_BLOCK = re.compile(r"```[A-Za-z]*[ \t]*\n(.*?)```", re.DOTALL)
_MODULE_DECL = re.compile(rf"\bmodule[ \t]+({_IDENT})\b[^;]*?\)[ \t]*;", re.DOTALL)
_NOT_PORT_NAMES = {
    "module",
    "input",
    "output",
    "inout",
    "note",
    "notes",
    "implementation",
    "parameter",
    "parameters",
    "internal",
    "example",
    "behavior",
    "behaviour",
    "description",
    "function",
    "functionality",
    "registers",
    "states",
    "state",
    "operation",
    "give",
    "please",
    "the",
    "when",
    "if",
    "assume",
}


@dataclass(frozen=True)
class SpecInterface:
    """What a spec says the interface is, and how sure the reading is.

    `complete` is True only when the text states ports in a style read in full and every
    width is known; otherwise the reading is advisory: show it to the model, never reject
    a design for disagreeing with it. `unsure` says, one line each, what was not read.
    """

    interface: Interface
    style: str  # verilog-header | table | list | sections | prose | name-only
    complete: bool
    unsure: tuple[str, ...] = ()


def spec_interface(spec: str) -> Interface | None:
    """The module name and ports a spec states (module "" when no name is stated).

    None when the spec states neither a name nor any port. See `read_interface` for how
    sure the reading is; widths not stated are 0.
    """
    found = read_interface(spec)
    return found.interface if found is not None else None


def read_interface(spec: str) -> SpecInterface | None:
    """Read the interface a spec states, in whichever style it is written, with its certainty."""
    name = _module_name(spec)
    parameters = _parameters(spec)
    for reader in (_header_ports, _table_ports, _line_ports, _prose_ports):
        found = reader(spec, parameters)
        if found is not None and found.ports:
            unknown = [p.name for p in found.ports if p.width == 0]
            notes = list(found.unsure)
            if unknown:
                notes.append(f"width not stated for {', '.join(unknown)}")
            complete = not notes and found.style != "prose"
            interface = Interface(module=name or found.module, ports=tuple(found.ports))
            return SpecInterface(interface, found.style, complete, tuple(notes))
    if name:
        return SpecInterface(Interface(module=name, ports=()), "name-only", False, ("no ports stated",))
    return None


@dataclass(frozen=True)
class _Reading:
    style: str
    ports: list[Port]
    unsure: list[str]
    module: str = ""  # a Verilog header names its module


# --- The module name -----------------------------------------------------------------------------


def _module_name(spec: str) -> str:
    for pattern in _NAME_PATTERNS:
        match = pattern.search(spec)
        if match:
            return match.group(1)
    return ""


def _parameters(spec: str) -> dict[str, int]:
    """Parameter values the text states (`parameter WIDTH = 8`, `size = 4`), for widths like [WIDTH-1:0]."""
    found: dict[str, int] = {}
    for match in _PARAMETER.finditer(spec):
        found.setdefault(match.group(1), int(match.group(2)))
    return found


# --- A Verilog header ----------------------------------------------------------------------------


def _header_ports(spec: str, parameters: dict[str, int]) -> _Reading | None:
    """Ports from a module header written as Verilog, preferably inside a code block."""
    blocks = [m.group(1) for m in _CODE_BLOCK.finditer(spec)] or [spec]
    for block in blocks:
        for match in _MODULE_DECL.finditer(block):
            header = match.group(0)
            if not re.search(r"\b(input|output|inout)\b", header):
                continue
            try:
                interface = hdl.module_interface(f"{header}\nendmodule\n", match.group(1))
            except hdl.HdlError:
                continue
            if interface.ports:
                return _Reading("verilog-header", list(interface.ports), [], interface.module)
    return None


# --- Markdown tables -----------------------------------------------------------------------------


def _cells(line: str) -> list[str] | None:
    text = line.strip()
    if not (text.startswith("|") and text.count("|") >= 3):
        return None
    return [c.strip().strip("`* ") for c in text.strip("|").split("|")]


def _table_ports(spec: str, parameters: dict[str, int]) -> _Reading | None:
    ports: list[Port] = []
    unsure: list[str] = []
    columns: dict[str, int] | None = None
    for line in spec.splitlines():
        cells = _cells(line)
        if cells is None:
            columns = None
            continue
        if columns is None:
            columns = _table_columns(cells)
            continue
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            continue  # the |---|---| rule under the header
        port = _table_row(cells, columns, parameters)
        if port is None:
            unsure.append(f"a table row not read as a port: {line.strip()}")
        else:
            ports.append(port)
    return _Reading("table", _unique(ports), unsure) if ports else None


def _table_columns(cells: list[str]) -> dict[str, int] | None:
    """Which column holds the name, direction, width and description; None when not a port table."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(c.lower() for c in cells):
        if "name" not in columns and re.search(r"\b(port|name|signal|pin)\b", cell):
            columns["name"] = index
        elif "direction" not in columns and re.search(r"\b(dir|direction|type|i/o|io)\b", cell):
            columns["direction"] = index
        elif "width" not in columns and re.search(r"\b(width|bits?|size)\b", cell):
            columns["width"] = index
        elif "description" not in columns:
            columns["description"] = index
    return columns if "name" in columns and "direction" in columns else None


def _table_row(cells: list[str], columns: dict[str, int], parameters: dict[str, int]) -> Port | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    name_cell, direction_cell = cell("name"), cell("direction").lower()
    named = re.fullmatch(rf"({_IDENT})[ \t]*(?:{_RANGE})?", name_cell)
    direction = re.search(r"\b(input|output|inout|in|out)\b", direction_cell)
    if named is None or direction is None:
        return None
    word = direction.group(1)
    direction_name = {"in": "input", "out": "output"}.get(word, word)
    hi, lo = named.group(2), named.group(3)
    in_direction = re.search(_RANGE, direction_cell)
    if hi is None and in_direction:
        hi, lo = in_direction.group(1), in_direction.group(2)
    width = _range_width(hi, lo, parameters) if hi is not None else 0
    bare = re.fullmatch(r"\d+", cell("width"))
    if not width and bare:
        width = int(bare.group(0))
    if not width:
        width = _width_from_text(cell("width"), parameters) or _width_from_text(
            cell("description"), parameters
        )
    return Port(name=named.group(1), direction=direction_name, width=width, declared=_range_text(hi, lo))


# --- Port lines: lists and sections --------------------------------------------------------------


def _line_ports(spec: str, parameters: dict[str, int]) -> _Reading | None:
    """Ports stated one a line: `input [7:0] a` anywhere, `a: ...` inside an Input/Output section."""
    ports: list[Port] = []
    unsure: list[str] = []
    sections = False
    direction: str | None = None  # the section we are in: input/output/inout, "" for Ports:, None outside
    for line in _logical_lines(spec):
        header = _SECTION.match(line)
        if (
            header
            and line.strip()
            and (header.group(1) or re.search(r"ports?|signals?", line, re.IGNORECASE))
        ):
            direction = header.group(1).lower() if header.group(1) else ""
            sections = True
            continue
        if not line.strip():
            continue
        declared = _DECLARED.match(line)
        if declared and declared.group(4).lower() not in _NOT_PORT_NAMES and _ends_a_port(declared.group(7)):
            ports.append(_declared_port(declared, parameters))
            continue
        described = _DESCRIBED.match(line)
        if direction is None:
            # Outside a section only `- `a` (8-bit input): ...` says it is a port.
            if described and re.search(r"\b(input|output|inout)\b", described.group(8) or "", re.IGNORECASE):
                ports.extend(_described_ports(described, "", parameters) or [])
            continue
        if described is None:
            if re.match(r"^[ \t]*[-*+]?[ \t]*[A-Za-z][\w ]*:[ \t]*$", line):
                direction = None  # another header, such as `Implementation:`
            continue
        new = _described_ports(described, direction, parameters)
        if new is None:
            direction = None  # prose, or a header such as `Parameter:`: the section ended
            continue
        ports.extend(new)
    if not ports:
        return None
    return _Reading("sections" if sections else "list", _unique(ports), unsure)


def _logical_lines(spec: str) -> Iterable[str]:
    """Physical lines, markdown emphasis and HTML breaks removed."""
    for line in spec.splitlines():
        yield re.sub(r"\*\*|__|<br\s*/?>", "", line)


def _ends_a_port(rest: str) -> bool:
    """After `input [7:0] a` only a description may follow, after a separator.

    This keeps bulleted prose such as `- output of the mux is ...` out.
    """
    rest = rest.strip()
    return not rest or bool(re.match(r"^(?:[,;:(]|--|—|–|-[ \t]|//|#)", rest))


def _declared_port(match: re.Match[str], parameters: dict[str, int]) -> Port:
    direction, hi, lo, name, hi2, lo2, rest = match.groups()
    hi, lo = (hi, lo) if hi is not None else (hi2, lo2)
    if hi is not None:
        width = _range_width(hi, lo, parameters)
    else:
        # `input a` is one bit in Verilog; a description may still say otherwise: `(8 bits)`.
        width = _width_from_text(_first_clause(rest), parameters) or 1
    return Port(name=name, direction=direction.lower(), width=width, declared=_range_text(hi, lo))


def _first_clause(text: str) -> str:
    """The part of a description that talks about the port itself: up to the first sentence end."""
    return re.split(r"(?<=[.;])\s", text, maxsplit=1)[0]


def _described_ports(match: re.Match[str], section: str, parameters: dict[str, int]) -> list[Port] | None:
    """`a: ...`-style lines inside a section; None when the line is not a port line."""
    hi0, lo0, names_text, hi_a, lo_a, hi_b, lo_b, paren, rest = match.groups()
    del hi_a, lo_a, hi_b, lo_b  # each name's own range is read again below
    paren = paren or ""
    stated = re.search(r"\b(input|output|inout)\b", paren, re.IGNORECASE)
    direction = stated.group(1).lower() if stated else section
    if not direction:
        direction = _direction_in(rest)
    if not direction:
        return None
    names = list(_ONE_NAME.finditer(names_text))
    if not names or any(n.group(1).lower() in _NOT_PORT_NAMES for n in names):
        return None
    if len(names) == 1 and not rest.strip() and not paren and hi0 is None and names[0].group(2) is None:
        return None  # `Implementation:` and the like
    paren_range = re.search(_RANGE, paren)
    ports = []
    for found in names:
        name, hi, lo = found.group(1), found.group(2), found.group(3)
        if hi is None and hi0 is not None:
            hi, lo = hi0, lo0
        if hi is None and paren_range:
            hi, lo = paren_range.group(1), paren_range.group(2)
        if hi is not None:
            width = _range_width(hi, lo, parameters)
        else:
            # A width stated for one port of a shared line applies to all of them.
            width = (
                _width_from_text(paren, parameters)
                or _width_from_text(_first_clause(rest), parameters)
                or _width_from_text(rest, parameters)
            )
        ports.append(Port(name=name, direction=direction, width=width, declared=_range_text(hi, lo)))
    return ports


def _direction_in(text: str) -> str:
    words = re.findall(r"\b(input|output|inout)\b", text, re.IGNORECASE)
    kinds = {w.lower() for w in words}
    return kinds.pop() if len(kinds) == 1 else ""


def _width_from_text(text: str, parameters: dict[str, int]) -> int:
    """A width stated in words: `8-bit`, `(4 bits)`, `"size" bits` with size known, `[7:0]`; 0 if none."""
    if not text:
        return 0
    ranged = re.search(_RANGE, text)
    if ranged and not re.search(r"\w\[", text[: ranged.start() + 1]):
        width = _range_width(ranged.group(1), ranged.group(2), parameters)
        if width:
            return width
    words = _WIDTH_WORDS.search(text)
    if words:
        return int(next(g for g in words.groups() if g))
    for match in _PARAM_BITS.finditer(text):
        value = parameters.get(match.group(2))
        if value is not None:
            factor = int(match.group(1).rstrip("* \t")) if match.group(1) else 1
            return factor * value
    if _ONE_BIT.search(text):
        return 1
    return 0


# --- Prose ---------------------------------------------------------------------------------------


def _prose_ports(spec: str, parameters: dict[str, int]) -> _Reading | None:
    """`an 8-bit input a`, `a 1-bit output named y`: the least sure reading, so never complete."""
    ports = [
        Port(name=m.group(3), direction=m.group(2).lower(), width=int(m.group(1)))
        for m in _PROSE_PORT.finditer(spec)
        if m.group(3).lower() not in _NOT_PORT_NAMES | {"port", "signal", "bus", "and", "or", "of", "that"}
    ]
    ports += [
        Port(name=m.group(2), direction=m.group(1).lower(), width=0)
        for m in _PROSE_PORT_1.finditer(spec)
        if m.group(2).lower() not in _NOT_PORT_NAMES
    ]
    if not ports:
        return None
    return _Reading("prose", _unique(ports), ["ports read from running prose: other ports may be unstated"])


# --- Widths --------------------------------------------------------------------------------------


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


def _range_width(hi: str | None, lo: str | None, parameters: dict[str, int] | None = None) -> int:
    if hi is None or lo is None:
        return 1
    high, low = _constant(hi, parameters or {}), _constant(lo, parameters or {})
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


def _constant(expression: str, parameters: dict[str, int]) -> int | None:
    """Evaluate integer arithmetic such as `8*4-1` or `WIDTH-1` (WIDTH known); None for anything else."""
    text = expression.strip()
    clog2 = re.fullmatch(r"\$clog2\((.+)\)(.*)", text)
    if clog2:  # `$clog2(DEPTH)-1`
        inner = _constant(clog2.group(1), parameters)
        if inner is None or inner <= 0:
            return None
        text = f"{(inner - 1).bit_length()}{clog2.group(2)}"
    try:
        tree = pyast.parse(text, mode="eval")
    except SyntaxError:
        return None

    def value(node: pyast.AST) -> int | None:
        if isinstance(node, pyast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, pyast.Name):
            return parameters.get(node.id)
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
