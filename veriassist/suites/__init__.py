"""Benchmark suites from disk into `Problem`s: VerilogEval v1/v2, RTLLM and our designs/.

`load_suite` detects the format; `describe` summarises a suite for `veriassist suites show`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from veriassist import hdl
from veriassist.spec import read_interface
from veriassist.suites import cvdp, designs, rtllm, verilogeval_v1, verilogeval_v2
from veriassist.suites.base import Suite, SuiteError
from veriassist.types import Problem

__all__ = [
    "FORMATS",
    "ProblemSummary",
    "Suite",
    "SuiteError",
    "describe",
    "detect_format",
    "lint_problem",
    "load_suite",
    "real_file_names",
]

_Loader = Callable[[Path, str | None], Suite]
# Detection order matters: a VerilogEval v2 checkout can also hold v1's data/.
_FORMATS: dict[str, tuple[Callable[[Path], bool], _Loader]] = {
    verilogeval_v2.FORMAT: (verilogeval_v2.detect, verilogeval_v2.load),
    verilogeval_v1.FORMAT: (verilogeval_v1.detect, verilogeval_v1.load),
    designs.FORMAT: (designs.detect, designs.load),
    rtllm.FORMAT: (rtllm.detect, rtllm.load),
    cvdp.FORMAT: (cvdp.detect, cvdp.load),
}
FORMATS: tuple[str, ...] = tuple(_FORMATS)
# Formats found by walking the whole tree below the path (RTLLM v2 nests its designs).
_WALKS_TREE = frozenset({rtllm.FORMAT})
# A suite checkout, .git included, holds a few thousand files and folders; far more below a
# path (`/`, a home directory) means it is not one, and walking all of it could take hours.
MAX_SUITE_ENTRIES = 50_000


def detect_format(path: Path) -> str:
    """Name the format of the suite at `path`.

    Raises:
        SuiteError: `path` does not exist or matches no known layout.
    """
    if not path.exists():
        raise SuiteError(f"{path}: no such file or directory")
    for name, (detect, _) in _FORMATS.items():
        if name in _WALKS_TREE:
            _refuse_huge_tree(path)
        if detect(path):
            return name
    raise SuiteError(
        f"{path}: not a suite we recognise; expected a VerilogEval v2 dataset (problems.txt), "
        f"VerilogEval v1 jsonl (data/VerilogEval_Human.jsonl, data/example/ExampleEval.jsonl), RTLLM design "
        f"folders (design_description.txt + testbench.v), designs (*/design.toml) or a CVDP .jsonl file; "
        f"if it is one of these laid out differently, name it with --format ({', '.join(FORMATS)})"
    )


def load_suite(path: Path, format: str | None = None, task: str | None = None) -> Suite:
    """Load the suite at `path`, detecting its format unless given.

    Args:
        path: a suite checkout (see each format's module for what it accepts).
        format: one of FORMATS, or None to detect.
        task: the sub-task where a format has several (VerilogEval v1/v2).

    Raises:
        SuiteError: unknown format, or a malformed suite; the message names the file.
    """
    path = Path(path)
    if format is None:
        format = detect_format(path)
    elif format not in _FORMATS:
        raise SuiteError(f"unknown suite format '{format}' (use one of: {', '.join(FORMATS)})")
    elif not path.exists():
        raise SuiteError(f"{path}: no such file or directory")
    elif format in _WALKS_TREE:
        _refuse_huge_tree(path)
    _, loader = _FORMATS[format]
    return loader(path, task)


def _refuse_huge_tree(path: Path) -> None:
    """Count what is below `path` (symlinks not followed), stopping at MAX_SUITE_ENTRIES.

    Raises:
        SuiteError: there is more than that below it.
    """
    if not path.is_dir():
        return
    seen = 0
    folders = [path]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    seen += 1
                    if seen > MAX_SUITE_ENTRIES:
                        raise SuiteError(
                            f"{path}: more than {MAX_SUITE_ENTRIES} files and folders below it, so not a"
                            " suite checkout; give the suite's own folder"
                        )
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(Path(entry.path))
        except OSError:  # unreadable: the loader says so if it matters
            continue


@dataclass(frozen=True)
class ProblemSummary:
    """One problem as `veriassist suites show` prints it."""

    task_id: str
    top: str
    style: str  # the testbench style, or "" without a testbench
    files: tuple[str, ...]  # testbench, reference and support files present
    notes: tuple[str, ...]  # what the loader reconciled or found odd
    missing: tuple[str, ...]  # what a complete problem would have and this lacks
    lint: tuple[str, ...] = ()  # disagreements between spec, reference and testbench

    @property
    def ok(self) -> bool:
        return not self.missing and not self.lint


def describe(suite: Suite, lint: bool = True) -> list[ProblemSummary]:
    """Summarise each problem: what it has, what it lacks, what the loader noted.

    Args:
        suite: a loaded suite.
        lint: also check the reference parses and matches the spec's stated interface.
    """
    return [_summary(problem, lint) for problem in suite.problems]


def _summary(problem: Problem, lint: bool) -> ProblemSummary:
    files: list[str] = []
    missing: list[str] = []
    testbench = problem.testbench
    if testbench is None:
        missing.append("testbench")
    else:
        files.extend(f.name for f in testbench.files)
        if testbench.reference is not None:
            files.append(testbench.reference.name)
        files.extend(p.name for p in testbench.support_files)
        missing.extend(f"support file {p.name}" for p in testbench.support_files if not p.is_file())
    reference_file = real_file_names(problem)[0]
    if problem.reference is None:
        missing.append("reference")
    elif reference_file not in files:
        files.append(reference_file)
    if not problem.spec.strip():
        missing.append("spec")
    return ProblemSummary(
        task_id=problem.task_id,
        top=problem.top,
        style=testbench.style.value if testbench is not None else "",
        files=tuple(files),
        notes=problem.notes,
        missing=tuple(missing),
        lint=tuple(lint_problem(problem)) if lint else (),
    )


def real_file_names(problem: Problem) -> tuple[str, str]:
    """(reference, testbench) as the user's checkout names them, for messages.

    Loaders rename what they hand the simulator (`TopModule.sv`, `radix2_div.v`); a message
    must name the file the user can open, which the loader keeps in the problem's metadata.
    """
    reference = str(problem.metadata.get("reference_file") or "")
    testbench = str(problem.metadata.get("testbench_file") or "")
    if not reference and problem.reference is not None:
        reference = problem.reference.name
    if not testbench and problem.testbench is not None and problem.testbench.files:
        testbench = problem.testbench.files[0].name
    return reference, testbench


def lint_problem(problem: Problem) -> list[str]:
    """Check the reference parses, declares the top, and matches the spec's stated ports.

    A port the reference has but the spec does not state is reported only when the spec's
    port list was read in full (a list, a section, a table or a header, not running prose).
    """
    if problem.reference is None:
        return []
    name = real_file_names(problem)[0]
    try:
        actual = hdl.module_interface(problem.reference.text, problem.top)
    except hdl.HdlError as error:
        return [f"{name}: {error}"]
    stated = read_interface(problem.spec)
    if stated is None or not stated.interface.ports:
        return []
    differences = hdl.interface_differences(
        stated.interface, actual, expected_label="spec", actual_label=f"reference ({name})"
    )
    if stated.style == "prose":
        differences = [d for d in differences if "that the spec does not have" not in d]
    return [f"spec vs {name}: {difference}" for difference in differences]
