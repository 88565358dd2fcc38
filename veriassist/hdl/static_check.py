"""Static checks on untrusted candidate RTL, before it is compiled beside a testbench.

A design module has no business ending the simulation, touching files or the
testbench's signals. Those are the ways a candidate could make a testbench report
a pass it did not earn, so they are refused with a reason a model can act on.
Printing is allowed (designs print debug messages); the testbench's own lines are
authenticated separately, so a printed summary forges nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pyslang import ast, syntax

_STOPS = {"$finish", "$stop", "$exit", "$fatal"}
_FILE_AND_DUMP = {
    "$fopen", "$fclose", "$fdisplay", "$fdisplayb", "$fdisplayh", "$fdisplayo", "$fwrite",
    "$fwriteb", "$fwriteh", "$fwriteo", "$fstrobe", "$fstrobeb", "$fstrobeh", "$fstrobeo",
    "$fmonitor", "$fmonitorb", "$fmonitorh", "$fmonitoro", "$fgets", "$fgetc", "$ungetc",
    "$fscanf", "$fread", "$fseek", "$ftell", "$rewind", "$feof", "$ferror", "$fflush",
    "$writememh", "$writememb", "$dumpfile", "$dumpvars", "$dumpon", "$dumpoff", "$dumpall",
    "$dumplimit", "$dumpflush", "$dumpports", "$system", "$value$plusargs", "$test$plusargs",
}  # fmt: skip
_PRINTS = re.compile(r"^\$(display|write|strobe|monitor)[bho]?$|^\$(info|warning|error)$")
_HIERARCHY_CODES = {"CouldNotResolveHierarchicalPath", "UnknownHierarchicalName"}
# Every construct _walk rejects or warns about needs one of these in the text. A macro could paste
# a keyword together, so any backtick means a full walk.
_MAY_OFFEND = re.compile(r"[$`]|\b(force|release|bind)\b")
_INCLUDE = re.compile(r'^\s*`include\s+"([^"]+)"', re.MULTILINE)


@dataclass(frozen=True)
class StaticFindings:
    rejections: tuple[str, ...]  # reasons to refuse the candidate
    warnings: tuple[str, ...]  # allowed, but worth telling the model
    modules: tuple[str, ...]  # modules the candidate defines


def check_candidate(files: Iterable[tuple[str, str]], reserved_modules: Iterable[str] = ()) -> StaticFindings:
    """Inspect candidate sources (name, text) for constructs a design must not use.

    Args:
        files: the candidate's files.
        reserved_modules: module names owned by the testbench or the reference.
    """
    files = list(files)
    own_names = {name for name, _ in files}
    rejections: list[str] = []
    warnings: list[str] = []
    modules: list[str] = []
    trees = []
    for name, text in files:
        tree = syntax.SyntaxTree.fromText(text, name)
        trees.append(tree)
        if _MAY_OFFEND.search(text):
            _walk(tree, name, rejections, warnings, modules)
        else:  # nothing to reject can be in it: skip the node-by-node walk (most of this check's time)
            modules += _declared_modules(tree.root)
        for included in _INCLUDE.findall(text):
            if included not in own_names:
                rejections.append(
                    f'{name}: `include "{included}" reads a file that is not part of the design'
                )
    reserved = set(reserved_modules)
    for module in modules:
        if module in reserved:
            rejections.append(
                f"the design defines module `{module}`, which belongs to the testbench or the reference"
            )
    rejections += _hierarchy_escapes(trees)
    return StaticFindings(tuple(dict.fromkeys(rejections)), tuple(dict.fromkeys(warnings)), tuple(modules))


def _walk(
    tree: syntax.SyntaxTree, name: str, rejections: list[str], warnings: list[str], modules: list[str]
) -> None:
    def line_of(node: object) -> int:
        loc = node.sourceRange.start  # type: ignore[attr-defined]
        return int(tree.sourceManager.getLineNumber(loc))

    def visit(node: object) -> bool:
        kind = getattr(node, "kind", None)
        if kind == syntax.SyntaxKind.SystemName:
            task = str(node).strip()
            where = f"{name}:{line_of(node)}"
            if task in _STOPS:
                rejections.append(f"{where}: `{task}` ends the simulation; only the testbench may do that")
            elif task in _FILE_AND_DUMP:
                rejections.append(
                    f"{where}: `{task}` touches files or the environment; a design module must not"
                )
            elif _PRINTS.match(task):
                warnings.append(f"{where}: `{task}` prints from the design; remove debug output when done")
        elif kind == syntax.SyntaxKind.RootScope:
            rejections.append(f"{name}:{line_of(node)}: `$root` reaches outside the design's own hierarchy")
        elif kind in (
            syntax.SyntaxKind.ProceduralForceStatement,
            syntax.SyntaxKind.ProceduralReleaseStatement,
        ):
            rejections.append(f"{name}:{line_of(node)}: `force`/`release` is not allowed in a design module")
        elif kind == syntax.SyntaxKind.BindDirective:
            rejections.append(f"{name}:{line_of(node)}: `bind` is not allowed in a design module")
        elif kind == syntax.SyntaxKind.ModuleDeclaration:
            modules.append(node.header.name.valueText)  # type: ignore[attr-defined]
        return True

    tree.root.visit(visit)


def _declared_modules(node: object) -> list[str]:
    """Module names declared in `node` (fromText makes a lone module the root), pre-order as _walk."""
    if getattr(node, "kind", None) != syntax.SyntaxKind.ModuleDeclaration:
        return [name for member in getattr(node, "members", ()) for name in _declared_modules(member)]
    names = [node.header.name.valueText]  # type: ignore[attr-defined]
    for member in node.members:  # type: ignore[attr-defined]
        if getattr(member, "kind", None) == syntax.SyntaxKind.ModuleDeclaration:
            names += _declared_modules(member)
    return names


def _hierarchy_escapes(trees: list[syntax.SyntaxTree]) -> list[str]:
    """Dotted names that do not resolve inside the candidate point into the testbench."""
    compilation = ast.Compilation()
    for tree in trees:
        compilation.addSyntaxTree(tree)
    reasons = []
    for diag in compilation.getAllDiagnostics():
        code = str(diag.code).removeprefix("DiagCode(").removesuffix(")")
        if code in _HIERARCHY_CODES or (code == "UndeclaredIdentifier" and _is_dotted(compilation, diag)):
            loc = diag.location
            sm = compilation.sourceManager
            name = sm.getFileName(loc)
            reasons.append(
                f"{name}:{sm.getLineNumber(loc)}: hierarchical reference outside the design "
                "(a design may only reach into its own submodules)"
            )
    return reasons


def _is_dotted(compilation: ast.Compilation, diag: object) -> bool:
    loc = diag.location  # type: ignore[attr-defined]
    text = compilation.sourceManager.getSourceText(loc.buffer)
    rest = str(text)[loc.offset :]
    return re.match(r"[A-Za-z_][A-Za-z0-9_$]*\s*(\[[^\]]*\]\s*)*\.", rest) is not None
