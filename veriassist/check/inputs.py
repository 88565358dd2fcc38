"""Build a Candidate and a Testbench from files a user names on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from veriassist import hdl
from veriassist.types import Candidate, SourceFile, Testbench, TestbenchStyle

_SOURCE_SUFFIXES = {".v", ".sv", ".vh", ".svh", ".py", ".md"}  # never a testbench's data file
_MAX_SUPPORT_BYTES = 16 << 20

_T = TypeVar("_T")


class InputError(ValueError):
    """A file is missing or does not hold what the command needs."""


def read_source(path: Path) -> SourceFile:
    try:
        return SourceFile(path.name, path.read_text(errors="replace"))
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error


def load_testbench(tb_path: Path, reference: Path | None = None, top: str | None = None) -> Testbench:
    """Recognise the testbench style and find its top and the reference's expected name.

    A `.py` file is a cocotb testbench; a Verilog testbench that prints VerilogEval's
    `Mismatches:` summary compares against a reference; any other is self-checking.
    """
    tb = read_source(tb_path)
    if tb_path.suffix == ".py":
        return Testbench(TestbenchStyle.COCOTB, (tb,), toplevel=tb_path.stem)
    tops = _safe(hdl.top_modules, tb.text)
    if not tops:
        raise InputError(f"{tb_path}: no testbench module found (is it Verilog?)")
    toplevel = "tb" if "tb" in tops else tops[0]
    style = TestbenchStyle.COMPARE if "Mismatches:" in tb.text else TestbenchStyle.BANNER
    ref = read_source(reference) if reference else None
    reference_module = None
    if ref is not None:
        defined = set(_safe(hdl.module_names, tb.text))
        wanted = [i.module for i in _safe(hdl.instantiations, tb.text) if i.module not in defined]
        others = [m for m in dict.fromkeys(wanted) if m != top]
        if style is TestbenchStyle.COMPARE and others:
            # The testbench instantiates the design and the reference; the reference is whichever
            # is not the top, preferring a name that says so (RefModule, x_ref, reference_module).
            refs = [m for m in others if "ref" in m.lower()] or others
            reference_module = refs[0]
    support = _support_files(tb_path.parent) if style is TestbenchStyle.BANNER else ()
    return Testbench(style, (tb,), toplevel, ref, reference_module, support)


def unbound_modules(candidate: Candidate, testbench: Testbench) -> list[str]:
    """Modules the testbench instantiates that no file given defines (the candidate, the testbench,
    the reference): what the compiler would call an unknown module, though the design is not at fault."""
    if testbench.style is TestbenchStyle.COCOTB:
        return []
    sources = [*candidate.files, *testbench.files, *([testbench.reference] if testbench.reference else [])]
    defined = {m for f in sources for m in _safe(hdl.module_names, f.text)}
    if testbench.reference is not None and testbench.reference_module:
        defined.add(testbench.reference_module)  # the check renames the reference to it
    wanted = (i.module for f in testbench.files for i in _safe(hdl.instantiations, f.text))
    return [m for m in dict.fromkeys(wanted) if m not in defined]


def load_candidate(paths: list[Path], top: str | None, testbench: Testbench | None = None) -> Candidate:
    files = tuple(read_source(p) for p in paths)
    if top is None:
        top = guess_top(files, testbench)
    return Candidate(files, top)


def guess_top(files: tuple[SourceFile, ...], testbench: Testbench | None) -> str:
    """The module the testbench instantiates that the candidate defines, else the candidate's root."""
    text = "\n".join(f.text for f in files)
    defined = _safe(hdl.module_names, text)
    if testbench is not None and testbench.style is not TestbenchStyle.COCOTB:
        for f in testbench.files:
            for inst in _safe(hdl.instantiations, f.text):
                if inst.module in defined:
                    return inst.module
    roots = _safe(hdl.top_modules, text)
    if len(roots) == 1:
        return roots[0]
    if defined:
        return defined[-1]
    return "TopModule"  # nothing parsed: let the check report that no module was found


def _support_files(directory: Path) -> tuple[Path, ...]:
    """Data files a self-checking testbench may read by relative path."""
    return tuple(
        p
        for p in sorted(directory.iterdir())
        if p.is_file()
        and p.suffix not in _SOURCE_SUFFIXES
        and p.stat().st_size <= _MAX_SUPPORT_BYTES
        and not p.name.startswith(".")
    )


def _safe(function: Callable[[str], list[_T]], text: str) -> list[_T]:
    """`function(text)`, or nothing when the text does not parse (the check will say why)."""
    try:
        return function(text)
    except hdl.HdlError:
        return []
