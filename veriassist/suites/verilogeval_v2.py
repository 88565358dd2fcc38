"""VerilogEval v2: `dataset_<task>/problems.txt` plus `ProbNNN_name_{prompt,ref,test,ifc}` files."""

from __future__ import annotations

import re
from pathlib import Path

from veriassist import hdl
from veriassist.suites.base import Suite, SuiteError, read_text, require
from veriassist.types import Problem, SourceFile, Testbench, TestbenchStyle

FORMAT = "verilogeval-v2"
TASKS = ("spec-to-rtl", "code-complete-iccad2023")
_ALIASES = {"code-complete": "code-complete-iccad2023", "spec": "spec-to-rtl"}
TOP = "TopModule"
REFERENCE_MODULE = "RefModule"
TESTBENCH_TOP = "tb"


def detect(path: Path) -> bool:
    """True for a dataset directory or a repository root holding one."""
    return path.is_dir() and (
        (path / "problems.txt").is_file() or any((path / f"dataset_{task}").is_dir() for task in TASKS)
    )


def load(path: Path, task: str | None = None) -> Suite:
    """Load one dataset, given its directory or the repository root.

    Args:
        path: `dataset_spec-to-rtl/`, `dataset_code-complete-iccad2023/` or the root.
        task: "spec-to-rtl" (default at the root) or "code-complete-iccad2023".

    Raises:
        SuiteError: unknown task, missing or empty problems.txt, missing files.
    """
    dataset, task = _dataset(path, task)
    listing = require(dataset / "problems.txt", "problems.txt (the list of problems)")
    names = [line.strip() for line in read_text(listing).splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    if not names:
        raise SuiteError(f"{listing}: lists no problems")
    notes = []
    if len(set(names)) != len(names):
        notes.append(f"{listing}: duplicate entries ignored")
        names = list(dict.fromkeys(names))
    name = f"{FORMAT}/{task}"
    problems = tuple(_problem(dataset, n, task, name) for n in names)
    return Suite(name=name, format=FORMAT, root=dataset, problems=problems, notes=tuple(notes))


def _dataset(path: Path, task: str | None) -> tuple[Path, str]:
    if task is not None:
        task = _ALIASES.get(task, task)
        if task not in TASKS:
            raise SuiteError(f"{path}: unknown VerilogEval v2 task '{task}' (use one of: {', '.join(TASKS)})")
    if (path / "problems.txt").is_file():
        named = path.name.removeprefix("dataset_")
        if named in TASKS:
            if task is not None and task != named:
                raise SuiteError(f"{path}: this is the {named} dataset, not {task}")
            return path, named
        return path, task or TASKS[0]
    task = task or TASKS[0]
    dataset = path / f"dataset_{task}"
    if not dataset.is_dir():
        raise SuiteError(f"{path}: no dataset_{task}/ directory")
    return dataset, task


def _problem(dataset: Path, task_id: str, task: str, suite: str) -> Problem:
    prompt = require(dataset / f"{task_id}_prompt.txt", "prompt (the spec)")
    ref = require(dataset / f"{task_id}_ref.sv", "reference solution")
    test = require(dataset / f"{task_id}_test.sv", "testbench")
    ifc = dataset / f"{task_id}_ifc.txt"
    notes = []
    ref_text = read_text(ref)
    test_text = read_text(test)
    reference: SourceFile | None = None
    if REFERENCE_MODULE not in hdl.module_names(ref_text):
        notes.append(f"{ref.name} declares no module {REFERENCE_MODULE}")
    else:
        try:
            # Renamed so the reference can be scored as if it were a candidate; named
            # after its module so it never collides with the testbench's own copy.
            reference = SourceFile(f"{TOP}.sv", hdl.rename_module(ref_text, REFERENCE_MODULE, TOP))
        except hdl.HdlError as error:
            notes.append(f"{ref.name}: {error}")
    notes.extend(_check_testbench(test_text, test.name))
    interface = None
    if ifc.is_file():
        interface = read_text(ifc).strip()
    elif task != "spec-to-rtl":
        notes.append(f"{ifc.name} is missing: no interface given")
    number = re.match(r"Prob(\d+)", task_id)
    return Problem(
        task_id=task_id,
        spec=read_text(prompt),
        top=TOP,
        testbench=Testbench(
            style=TestbenchStyle.COMPARE,
            files=(SourceFile(test.name, test_text),),
            toplevel=TESTBENCH_TOP,
            reference=SourceFile(ref.name, ref_text),
            reference_module=REFERENCE_MODULE,
        ),
        reference=reference,
        interface=interface,
        suite=suite,
        metadata={
            "task": task,
            "number": int(number.group(1)) if number else None,
            "reference_file": ref.name,
            "testbench_file": test.name,
        },
        notes=tuple(notes),
    )


def _check_testbench(text: str, name: str) -> list[str]:
    try:
        modules = {i.module for i in hdl.instantiations(text)}
    except hdl.HdlError as error:
        return [f"{name}: {error}"]
    notes = [f"{name} does not instantiate {m}" for m in (REFERENCE_MODULE, TOP) if m not in modules]
    if TESTBENCH_TOP not in hdl.module_names(text):
        notes.append(f"{name} has no module {TESTBENCH_TOP}")
    return notes
