"""RTLLM v1.1 (flat: one folder per design) and v2.0 (nested `Category/Sub/design/`).

Each design folder holds `design_description.txt`, `testbench.v`, a
`verified_<name>.v` reference and sometimes data files the testbench reads.
"""

from __future__ import annotations

from pathlib import Path

from veriassist import hdl
from veriassist.spec import spec_interface
from veriassist.suites.base import Suite, SuiteError, read_text, rename_or_error, require
from veriassist.types import Problem, SourceFile, Testbench, TestbenchStyle

FORMAT = "rtllm"
DESCRIPTION = "design_description.txt"
TESTBENCH = "testbench.v"
# Files a testbench may read by relative path even when no literal names them
# (names built with $sformatf, say).
_DATA_SUFFIXES = {".txt", ".dat", ".hex", ".mem", ".bin", ".coe", ".mif", ".csv"}
_HDL_SUFFIXES = {".v", ".sv", ".vh", ".svh"}
_TB_NAMES = ("tb", "testbench", "test", "top_tb", "tb_top")


def design_folders(root: Path) -> list[Path]:
    """Folders holding a design description or a testbench, sorted by relative path."""
    marked = {p.parent for p in root.rglob(DESCRIPTION)} | {p.parent for p in root.rglob(TESTBENCH)}
    return sorted(marked, key=lambda folder: folder.relative_to(root).as_posix())


def detect(path: Path) -> bool:
    """True when the directory holds RTLLM design folders."""
    return path.is_dir() and any(
        (folder / TESTBENCH).is_file() and (folder / DESCRIPTION).is_file() for folder in design_folders(path)
    )


def load(path: Path, task: str | None = None) -> Suite:
    """Load every design folder under `path` (or `path` itself when it is one).

    Raises:
        SuiteError: no design folders, or a folder missing its testbench,
            description or reference, or a testbench that instantiates nothing.
    """
    if task is not None:
        raise SuiteError(f"{path}: RTLLM has no tasks (got task '{task}')")
    folders = design_folders(path)
    if not folders:
        raise SuiteError(f"{path}: no RTLLM design folders ({DESCRIPTION} + {TESTBENCH}) found")
    names = [f.name for f in folders]
    nested = any(len(f.relative_to(path).parts) > 1 for f in folders)
    problems = []
    for folder in folders:
        # v2.0 design names are unique across categories; fall back on the
        # relative path if a checkout ever breaks that.
        relative = folder.relative_to(path).as_posix()
        task_id = folder.name if names.count(folder.name) == 1 else relative
        problems.append(_problem(folder, task_id, path, path.name or FORMAT))
    layout = "nested (v2.0 style)" if nested else "flat (v1.1 style)"
    return Suite(
        name=path.name or FORMAT,
        format=FORMAT,
        root=path,
        problems=tuple(problems),
        notes=(f"layout: {layout}, {len(problems)} designs",),
    )


def _problem(folder: Path, task_id: str, root: Path, suite: str) -> Problem:
    description = read_text(require(folder / DESCRIPTION, "design description"))
    testbench_path = require(folder / TESTBENCH, "testbench")
    testbench_text = read_text(testbench_path)
    notes: list[str] = []
    toplevel, dut = _testbench_roles(testbench_text, testbench_path, notes)
    verified, reference_text = _reference(folder, dut, notes)
    reference = _reconcile(verified, reference_text, dut, notes)
    stated = spec_interface(description)
    if stated is not None and stated.module and stated.module != dut:
        notes.append(f"{DESCRIPTION} names module {stated.module} but {TESTBENCH} instantiates {dut}")
    relative = folder.relative_to(root)
    return Problem(
        task_id=task_id,
        spec=description,
        top=dut,
        testbench=Testbench(
            style=TestbenchStyle.BANNER,
            files=(SourceFile(TESTBENCH, testbench_text),),
            toplevel=toplevel,
            support_files=_support_files(folder, verified, testbench_text + "\n" + reference_text),
        ),
        reference=reference,
        suite=suite,
        metadata={
            "folder": str(folder),
            "category": "/".join(relative.parts[:-1]),
            "reference_file": verified.name,
            "testbench_file": TESTBENCH,
        },
        notes=tuple(notes),
    )


def _testbench_roles(text: str, path: Path, notes: list[str]) -> tuple[str, str]:
    """Return (testbench top module, design module it instantiates)."""
    try:
        instances = hdl.instantiations(text)
    except hdl.HdlError as error:
        raise SuiteError(f"{path}: {error}") from None
    declared = hdl.module_names(text)
    tops = hdl.top_modules(text)
    if not tops:
        raise SuiteError(f"{path}: declares no testbench module")
    named = [t for t in tops if t.lower() in _TB_NAMES]
    toplevel = named[0] if named else tops[-1]
    if len(tops) > 1:
        notes.append(f"{path.name} has several top modules ({', '.join(tops)}); using {toplevel}")
    # The design is what the testbench instantiates but does not itself declare.
    designs = list(dict.fromkeys(i.module for i in instances if i.module not in declared))
    if not designs:
        raise SuiteError(f"{path}: instantiates no design module")
    if len(designs) > 1:
        notes.append(f"{path.name} instantiates several modules ({', '.join(designs)}); taking {designs[0]}")
    return toplevel, designs[0]


def _reference(folder: Path, dut: str, notes: list[str]) -> tuple[Path, str]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name.startswith("verified_"))
    files = [p for p in files if p.suffix in _HDL_SUFFIXES]
    if not files:
        raise SuiteError(f"{folder}: missing reference (no verified_<name>.v)")
    texts = {p: read_text(p) for p in files}
    for path, text in texts.items():
        if dut in hdl.module_names(text) or f"verified_{dut}" in hdl.module_names(text):
            return path, text
    if len(files) > 1:
        notes.append(f"no verified file declares {dut}; using {files[0].name}")
    return files[0], texts[files[0]]


def _reconcile(path: Path, text: str, dut: str, notes: list[str]) -> SourceFile | None:
    """The reference, renamed to the module name the testbench instantiates."""
    modules = hdl.module_names(text)
    if dut in modules:
        return SourceFile(path.name, text)
    tops = hdl.top_modules(text)
    if f"verified_{dut}" in modules:
        old = f"verified_{dut}"
    elif len(tops) == 1:
        old = tops[0]
    else:
        notes.append(f"{path.name}: cannot tell which of {', '.join(modules) or 'no modules'} is {dut}")
        return None
    renamed = rename_or_error(text, old, dut, path)
    notes.append(f"reference module {old} renamed to {dut} to match {TESTBENCH}")
    return SourceFile(f"{dut}{path.suffix}", renamed)


def _support_files(folder: Path, verified: Path, code: str) -> tuple[Path, ...]:
    named = {Path(literal).name for literal in hdl.string_literals(code)}
    kept = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in {DESCRIPTION, TESTBENCH, verified.name}:
            continue
        if path.suffix in _HDL_SUFFIXES and path.name not in named:
            continue  # other designs' sources, e.g. a second verified_ file
        if path.name in named or path.suffix.lower() in _DATA_SUFFIXES:
            kept.append(path)
    return tuple(kept)
