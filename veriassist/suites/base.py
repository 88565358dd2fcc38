"""What every suite loader shares: the Suite record, its error, and file reading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from veriassist import hdl
from veriassist.types import Problem


class SuiteError(Exception):
    """The suite on disk is malformed or not a format we know; says which file and why."""


@dataclass(frozen=True)
class Suite:
    """A benchmark suite loaded from disk."""

    name: str
    format: str
    root: Path
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()

    def get(self, task_id: str) -> Problem:
        """Return the problem called `task_id`.

        Raises:
            KeyError: no such problem.
        """
        for problem in self.problems:
            if problem.task_id == task_id:
                return problem
        raise KeyError(task_id)


def read_text(path: Path) -> str:
    """Read a suite file as text, tolerating stray non-UTF-8 bytes.

    Raises:
        SuiteError: the file is missing or unreadable.
    """
    try:
        # Benchmarks carry the odd Latin-1 byte in a comment; that must not
        # make a whole suite unloadable.
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise SuiteError(f"{path}: file is missing") from None
    except OSError as error:
        raise SuiteError(f"{path}: cannot read ({error.strerror})") from None


def require(path: Path, what: str) -> Path:
    """Return `path` if it is a file.

    Raises:
        SuiteError: naming the file and what it should have been.
    """
    if not path.is_file():
        raise SuiteError(f"{path}: missing {what}")
    return path


def instances_or_error(text: str, path: Path) -> list[hdl.Instantiation]:
    """Return the instances in a suite file.

    Raises:
        SuiteError: the file does not parse.
    """
    try:
        return hdl.instantiations(text)
    except hdl.HdlError as error:
        raise SuiteError(f"{path}: {error}") from None


def rename_or_error(text: str, old: str, new: str, path: Path) -> str:
    """Rename a module in a suite file.

    Raises:
        SuiteError: the file does not parse or lacks the module.
    """
    try:
        return hdl.rename_module(text, old, new)
    except hdl.HdlError as error:
        raise SuiteError(f"{path}: cannot rename module {old} to {new}: {error}") from None
