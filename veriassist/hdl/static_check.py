"""Static checks on untrusted candidate RTL, before it is compiled beside a testbench.

A design module has no business ending the simulation, touching files or the
testbench's signals, or borrowing the reference's modules. Those are the ways a
candidate could make a testbench report a pass it did not earn, so they are
refused with a reason a model can act on. Printing is allowed (designs print debug
messages); the testbench's own lines are authenticated separately, so a printed
summary forges nothing.

The check must judge the text Icarus compiles, so the candidate's files are parsed
as one unit in compile order with Icarus's predefined macros, and any conditional
compilation that could read differently in another tool (or depend on the
testbench's macros) is refused outright. Allowed system tasks are a list, not a
deny-list: whatever a future Icarus adds stays refused until someone decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyslang import SourceManager, ast, syntax
from pyslang.ast import VisitAction
from pyslang.parsing import Token

from veriassist.hdl.parse import TOOL_MACROS, parse_guard, parse_options

MAX_DESIGN_CHARS = 1_000_000  # all of a candidate's files; LLM designs are a few kB
MAX_OPERATOR_CHAIN = 1_000  # `a+b+c+...`: slang elaborates a chain in time quadratic in its length

_STOPS = {"$finish", "$stop", "$exit", "$fatal"}
# What a design may call: printing, time, conversions, math, and queries on its own values.
# Everything else (files, $readmem*, $sdf_annotate, dumps, plusargs, $system, VPI tasks,
# assertion and time-format control) could reach outside the design, so it is refused.
_ALLOWED_CALLS = re.compile(
    r"""^\$(?:
      (?:display|write|strobe|monitor)[bho]? | monitoron | monitoroff | info | warning | error
    | time | stime | realtime
    | signed | unsigned | cast | itor | rtoi | realtobits | bitstoreal | shortrealtobits | bitstoshortreal
    | clog2 | bits | size | left | right | low | high | increment | dimensions | unpacked_dimensions
    | typename | isunbounded | countones | countbits | onehot | onehot0 | isunknown
    | ln | log10 | exp | sqrt | pow | floor | ceil | sin | cos | tan | asin | acos | atan | atan2
    | hypot | sinh | cosh | tanh | asinh | acosh | atanh
    | sformat | sformatf | swrite[bho]? | sscanf
    | past | rose | fell | stable | changed | sampled
    )$""",
    re.VERBOSE,
)
# $random without a seed draws from the stream the testbench's stimulus comes from.
_RANDOM = re.compile(r"^\$(?:random|urandom|urandom_range|dist_\w+)$")
_HIERARCHY_CODES = {"CouldNotResolveHierarchicalPath", "UnknownHierarchicalName"}
_DEFINED = re.compile(r"`define[ \t]+([A-Za-z_][\w$]*)")
_DEFINES_UNIT = re.compile(
    r"\b(?:module|macromodule|primitive|interface|program)\s+(?:automatic\s+|static\s+)?([A-Za-z_][\w$]*)"
)
_CONDITIONAL = re.compile(r"`(ifdef|ifndef|elsif)\b([ \t]+([A-Za-z_][\w$]*)\b)?")
_INCLUDE = re.compile(r"`include\b")
_MAY_OFFEND = re.compile(r"[$`]|\b(force|release|bind)\b")  # what the statement-level rules look for
# Module instances cannot sit inside these: a skim (see check_candidate) does not enter them.
_NO_INSTANCES_INSIDE = {
    syntax.SyntaxKind.InitialBlock,
    syntax.SyntaxKind.FinalBlock,
    syntax.SyntaxKind.AlwaysBlock,
    syntax.SyntaxKind.AlwaysCombBlock,
    syntax.SyntaxKind.AlwaysFFBlock,
    syntax.SyntaxKind.AlwaysLatchBlock,
    syntax.SyntaxKind.FunctionDeclaration,
    syntax.SyntaxKind.TaskDeclaration,
    syntax.SyntaxKind.ContinuousAssign,
    syntax.SyntaxKind.DataDeclaration,
    syntax.SyntaxKind.NetDeclaration,
}
_DEFINITIONS = {
    syntax.SyntaxKind.ModuleDeclaration,
    syntax.SyntaxKind.InterfaceDeclaration,
    syntax.SyntaxKind.ProgramDeclaration,
}


@dataclass(frozen=True)
class StaticFindings:
    rejections: tuple[str, ...]  # reasons to refuse the candidate
    modules: tuple[str, ...]  # modules the candidate defines


def check_candidate(
    files: Iterable[tuple[str, str]],
    reserved_modules: Iterable[str] = (),
    compiled_before: Iterable[str] = (),
) -> StaticFindings:
    """Inspect candidate sources (name, text) for constructs a design must not use.

    Args:
        files: the candidate's files, in the order they are compiled.
        reserved_modules: module names owned by the testbench or the reference.
        compiled_before: the Verilog texts compiled ahead of the design (testbench, reference):
            the macros they define would reach the design's conditionals.
    """
    files = list(files)
    size = sum(len(text) for _, text in files)
    if size > MAX_DESIGN_CHARS:
        return StaticFindings(
            (f"the design is too large ({size:,} characters; a design may have up to {MAX_DESIGN_CHARS:,})",),
            (),
        )
    unsafe = parse_guard("\n".join(text for _, text in files), MAX_DESIGN_CHARS)
    if unsafe is not None:
        return StaticFindings((f"the design cannot be checked: {unsafe}",), ())
    compiled_before = list(compiled_before)
    reserved_macros = set().union(*(_defined(text)[1] for text in compiled_before))
    rejections = list(_directives(files, reserved_macros))
    sources = SourceManager()
    sources.setDisableLocalIncludes(True)
    buffers = [sources.assignText(name, text) for name, text in files]
    try:
        tree = syntax.SyntaxTree.fromBuffers(buffers, sources, parse_options())
    except (RuntimeError, UnicodeError):
        return StaticFindings((*rejections, "the design cannot be parsed (it is not Verilog text)"), ())
    # Text with nothing to refuse in its statements (no `$`, macro, force/release/bind, and no
    # stretch between semicolons long enough for a long operator chain) only needs its declarations
    # and instances: skip the statements, most of this check's time.
    skim = not any(
        _MAY_OFFEND.search(text) or max(map(len, text.split(";"))) >= 2 * MAX_OPERATOR_CHAIN
        for _, text in files
    )
    walk = _Walk(sources, skim)
    rejections += walk.diagnostics(tree)
    tree.root.visit(walk.visit)
    rejections += walk.rejections
    defined = set(walk.definitions)
    reserved = set(reserved_modules)
    # Only what is compiled can be instantiated: a module nobody defines stays Icarus's "unknown
    # module" (upstream's failure code), while one the testbench or reference brings is refused.
    borrowable = reserved.union(*(_defined(text)[0] for text in compiled_before))
    for module, where in walk.instances:
        if module not in defined and module in borrowable:
            rejections.append(
                f"{where}: instantiates `{module}`, which belongs to the testbench or the reference; a design "
                "may instantiate only its own modules and Verilog gate primitives"
            )
    rejections += (
        f"the design defines module `{module}`, which belongs to the testbench or the reference"
        for module in walk.modules
        if module in reserved
    )
    if not walk.too_deep:  # elaborating a huge operator chain is the slow part of this check
        rejections += _hierarchy_escapes(tree)
    return StaticFindings(tuple(dict.fromkeys(rejections)), tuple(walk.modules))


@functools.lru_cache(maxsize=256)
def _defined(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The (modules, macros) `text` defines, over-approximated from its raw text (comments, branches
    not taken): it is the testbench or the reference, the same for every candidate of a problem."""
    return frozenset(_DEFINES_UNIT.findall(text)), frozenset(_DEFINED.findall(text))


def _directives(files: list[tuple[str, str]], reserved_macros: set[str]) -> tuple[str, ...]:
    """`include and conditional compilation, read off the raw text (comments too: fail closed)."""
    own = {name for _, text in files for name in _DEFINED.findall(text)}
    reasons = []
    for name, text in files:
        for match in _INCLUDE.finditer(text):
            reasons.append(
                f"{name}:{_line(text, match.start())}: `include is not allowed in a design "
                "(the simulator would read the file from the testbench's folder); put the code in the design's files"
            )
        for match in _CONDITIONAL.finditer(text):
            where, directive, macro = f"{name}:{_line(text, match.start())}", match[1], match[3]
            if macro is None:
                why = "is not followed by a plain macro name"
            elif macro in TOOL_MACROS:
                why = f"tests `{macro}`, which a tool predefines"
            elif macro in reserved_macros:
                why = f"tests `{macro}`, which the testbench or the reference defines"
            elif macro not in own:
                why = f"tests `{macro}`, which the design never defines"
            else:
                continue
            reasons.append(
                f"{where}: `{directive} {why}; a design must compile the same in every tool, so test only "
                "macros the design itself `define`s (or remove the condition)"
            )
    return tuple(reasons)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _Walk:
    """One visit of the syntax tree, collecting what the design declares, calls and instantiates."""

    def __init__(self, sources: SourceManager, skim: bool) -> None:
        self.sources = sources
        self.skim = skim
        self.rejections: list[str] = []
        self.modules: list[str] = []
        self.definitions: list[str] = []  # modules, interfaces, programs and UDPs: what may be instantiated
        self.instances: list[tuple[str, str]] = []  # (module, where)
        self.too_deep = False

    def where(self, location: Any) -> str:
        location = self.sources.getFullyOriginalLoc(location)  # out of any macro expansion
        return f"{self.sources.getFileName(location)}:{self.sources.getLineNumber(location)}"

    def diagnostics(self, tree: syntax.SyntaxTree) -> list[str]:
        reasons = []
        for diag in tree.diagnostics:
            code = str(diag.code).removeprefix("DiagCode(").removesuffix(")")
            if code == "ParseTreeTooDeep":
                self.too_deep = True
                reasons.append(f"{self.where(diag.location)}: the code is nested too deeply to check")
            elif code == "UnknownDirective":
                text = str(self.sources.getSourceText(diag.location.buffer))[diag.location.offset :]
                used = re.match(r"`([A-Za-z_][\w$]*)", text)
                reasons.append(
                    f"{self.where(diag.location)}: `{used[1] if used else ''}` is not a macro the design "
                    "defines (the simulator would silently drop it); `define it in the design or remove it"
                )
        return reasons

    def visit(self, node: Any) -> VisitAction:
        if isinstance(node, Token):  # most of what a walk meets; no rule is about a lone token
            return VisitAction.Advance
        kind = node.kind
        if self.skim and kind in _NO_INSTANCES_INSIDE:
            return VisitAction.Skip
        if kind == syntax.SyntaxKind.SystemName:
            self.system_call(str(node).strip(), node)
        elif kind == syntax.SyntaxKind.RootScope:
            self.reject(node, "`$root` reaches outside the design's own hierarchy")
        elif kind in (
            syntax.SyntaxKind.ProceduralForceStatement,
            syntax.SyntaxKind.ProceduralReleaseStatement,
        ):
            self.reject(node, "`force`/`release` is not allowed in a design module")
        elif kind == syntax.SyntaxKind.BindDirective:
            self.reject(node, "`bind` is not allowed in a design module")
        elif kind in _DEFINITIONS:
            name = node.header.name.valueText
            self.definitions.append(name)
            if kind == syntax.SyntaxKind.ModuleDeclaration:
                self.modules.append(name)
        elif kind == syntax.SyntaxKind.UdpDeclaration:
            self.definitions.append(node.name.valueText)
        elif kind == syntax.SyntaxKind.HierarchyInstantiation:
            self.instances.append((node.type.valueText, self.where(node.sourceRange.start)))
        elif isinstance(node, syntax.BinaryExpressionSyntax) and self.long_chain(node):
            self.too_deep = True
            self.reject(node, f"an expression chains more than {MAX_OPERATOR_CHAIN} operators; split it up")
        return VisitAction.Advance

    @staticmethod
    def long_chain(node: Any) -> bool:
        """Measured once per chain, from its outermost operator."""
        return (
            not isinstance(node.parent, syntax.BinaryExpressionSyntax)
            and _chain_length(node) > MAX_OPERATOR_CHAIN
        )

    def system_call(self, task: str, node: Any) -> None:
        if task in _STOPS:
            self.reject(node, f"`{task}` ends the simulation; only the testbench may do that")
        elif _RANDOM.match(task):
            self.reject(
                node, f"`{task}` draws from the testbench's random stream; a design must be deterministic"
            )
        elif not _ALLOWED_CALLS.match(task):
            self.reject(
                node,
                f"`{task}` is not a system task a design may call (files, memory loads, dumps, plusargs "
                "and the environment are off limits); a design may print, and use math and conversion functions",
            )

    def reject(self, node: Any, reason: str) -> None:
        self.rejections.append(f"{self.where(node.sourceRange.start)}: {reason}")


def _chain_length(top: Any) -> int:
    """The longest run of binary operators nested directly in one another below `top`."""
    longest, stack = 0, [(top, 1)]
    while stack:
        node, depth = stack.pop()
        longest = max(longest, depth)
        stack += (
            (c, depth + 1) for c in (node.left, node.right) if isinstance(c, syntax.BinaryExpressionSyntax)
        )
    return longest


def _hierarchy_escapes(tree: syntax.SyntaxTree) -> list[str]:
    """Dotted names that do not resolve inside the candidate point into the testbench."""
    compilation = ast.Compilation()
    compilation.addSyntaxTree(tree)
    try:
        diagnostics = compilation.getAllDiagnostics()
    except RuntimeError:
        return ["the design cannot be elaborated for checking (too deeply nested)"]
    reasons = []
    sm = compilation.sourceManager
    for diag in diagnostics:
        code = str(diag.code).removeprefix("DiagCode(").removesuffix(")")
        if code in _HIERARCHY_CODES or (code == "UndeclaredIdentifier" and _is_dotted(compilation, diag)):
            loc = sm.getFullyOriginalLoc(diag.location)
            reasons.append(
                f"{sm.getFileName(loc)}:{sm.getLineNumber(loc)}: hierarchical reference outside the design "
                "(a design may only reach into its own submodules)"
            )
    return reasons


def _is_dotted(compilation: ast.Compilation, diag: Any) -> bool:
    loc = diag.location
    text = compilation.sourceManager.getSourceText(loc.buffer)
    rest = str(text)[loc.offset :]
    return re.match(r"[A-Za-z_][A-Za-z0-9_$]*\s*(\[[^\]]*\]\s*)*\.", rest) is not None
