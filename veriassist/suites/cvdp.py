"""NVIDIA's CVDP (Comprehensive Verilog Design Problems) JSONL, to be run natively: no Docker.

One problem per line: `id`, `categories` (`["cid003", "easy"]`), `input.prompt` and
`input.context` (files the model is given, path -> text), `output.context` (the expected
files: reference solutions, only in `*_with_solutions.jsonl`) and `harness.files`
(docker-compose.yml, src/.env, src/test_*.py cocotb tests, src/test_runner.py).

A problem we cannot score with open tools loads with no testbench and a `skip` reason in
its metadata: the comprehension categories (scored upstream by BLEU or an LLM judge),
the categories and harnesses that need commercial EDA tools, a non-Icarus simulator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from veriassist.check.cvdp_harness import (
    CANDIDATE_DIRS,
    ENV_FILE,
    check_path,
    parse_env,
)
from veriassist.extract import fenced_blocks, named_files
from veriassist.suites.base import Suite, SuiteError, read_text
from veriassist.types import Candidate, Problem, SourceFile, Testbench, TestbenchStyle

FORMAT = "cvdp"
DIFFICULTIES = ("easy", "medium", "hard")
CODE_GENERATION = frozenset(
    {"cid002", "cid003", "cid004", "cid005", "cid007", "cid012", "cid013", "cid014", "cid016"}
)
COMMERCIAL = frozenset({"cid012", "cid013", "cid014"})
COMPREHENSION = frozenset({"cid006", "cid008", "cid009", "cid010"})
COMMERCIAL_IMAGE = "__VERIF_EDA_IMAGE__"
_CATEGORY = re.compile(r"^cid\d{3}$")


def detect(path: Path) -> bool:
    """A .jsonl file whose first record has CVDP's `id` and `categories`."""
    if not (path.is_file() and path.suffix == ".jsonl"):
        return False
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            first = next((line for line in handle if line.strip()), "")
        record = json.loads(first)
    except (OSError, json.JSONDecodeError):
        return False
    return isinstance(record, dict) and "id" in record and "categories" in record


def load(path: Path, task: str | None = None) -> Suite:
    """Load a CVDP JSONL file.

    Raises:
        SuiteError: not a file, a line that is not a CVDP problem, an id given twice.
    """
    if task is not None:
        raise SuiteError(f"{path}: a CVDP file has no sub-tasks (--task); select with --category")
    if not path.is_file():
        raise SuiteError(f"{path}: a CVDP suite is one .jsonl file")
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise SuiteError(f"{where}: not JSON ({error.msg})") from None
        problem = _problem(record, where)
        if problem.task_id in seen:
            raise SuiteError(f"{where}: problem {problem.task_id} given twice")
        seen.add(problem.task_id)
        problems.append(problem)
    if not problems:
        raise SuiteError(f"{path}: holds no problems")
    return Suite(name=path.stem, format=FORMAT, root=path, problems=tuple(problems))


def _files(value: Any, where: str, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SuiteError(f"{where}: {what} is not a map of path to text")
    return dict(value)


def _problem(record: Any, where: str) -> Problem:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise SuiteError(f"{where}: not a CVDP problem (no `id`)")
    task_id = record["id"]
    where = f"{where} ({task_id})"
    categories = record.get("categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise SuiteError(f"{where}: `categories` is not a list of names")
    category = next((c for c in categories if _CATEGORY.match(c)), "")
    difficulty = next((c for c in categories if c in DIFFICULTIES), "")
    given = record.get("input") or {}
    expected_out = record.get("output") or {}
    harness_record = record.get("harness") or {}
    if not all(isinstance(part, dict) for part in (given, expected_out, harness_record)):
        raise SuiteError(f"{where}: `input`, `output` and `harness` must be objects")
    prompt = given.get("prompt")
    if not isinstance(prompt, str):
        raise SuiteError(f"{where}: `input.prompt` is missing")
    context = _files(given.get("context"), where, "input.context")
    expected = _files(expected_out.get("context"), where, "output.context")
    harness = _files(harness_record.get("files"), where, "harness.files")
    env = parse_env(harness.get(ENV_FILE, ""))
    skip = _skip_reason(category, harness, env)
    for path in [*context, *expected, *(p for p in harness if p.startswith("src/"))]:
        reason = check_path(path)
        if reason is not None and not skip:
            raise SuiteError(f"{where}: {reason}")
    top = env.get("TOPLEVEL", "")
    reference = _reference(expected, top)
    testbench = None
    if not skip:
        laid_out = {**context, **{p: t for p, t in harness.items() if p.startswith("src/")}}
        testbench = Testbench(
            TestbenchStyle.CVDP,
            tuple(SourceFile(p, t) for p, t in laid_out.items()),
            toplevel=env.get("MODULE", ""),
        )
    metadata = {
        "category": category,
        "difficulty": difficulty,
        "categories": tuple(categories),
        "context": context,
        "expected": expected,
        "sources": tuple(_source_paths(env)),
        "skip": skip,
    }
    return Problem(
        task_id=task_id,
        spec=prompt,
        top=top,
        testbench=testbench,
        reference=reference,
        suite=FORMAT,
        metadata=metadata,
    )


def _skip_reason(category: str, harness: dict[str, str], env: dict[str, str]) -> str:
    """Why a problem cannot be scored by a native open-tool run, or "" when it can."""
    if category in COMPREHENSION:
        return f"{category} is a comprehension category, scored upstream by BLEU or an LLM judge, not by simulation"
    if category in COMMERCIAL or any(COMMERCIAL_IMAGE in text for text in harness.values()):
        return f"{category or 'the harness'} needs commercial EDA tools ({COMMERCIAL_IMAGE})"
    if not harness:
        return "no harness to run"
    if ENV_FILE not in harness:
        return f"the harness has no {ENV_FILE}"
    simulator = env.get("SIM", "icarus").lower()
    if simulator != "icarus":
        return f"the harness asks for simulator {simulator!r}; only Icarus runs here"
    missing = [key for key in ("TOPLEVEL", "MODULE", "VERILOG_SOURCES") if not env.get(key)]
    if missing:
        return f"{ENV_FILE} does not set {', '.join(missing)}"
    return ""


def _source_paths(env: dict[str, str]) -> list[str]:
    """VERILOG_SOURCES as project paths (rtl/x.sv), the names a reply's files go by."""
    return [s.removeprefix("/code/") for s in env.get("VERILOG_SOURCES", "").split()]


def _reference(expected: dict[str, str], top: str) -> SourceFile | None:
    """The expected file that defines the top (or the first), for tools that take one reference file."""
    if not expected:
        return None
    pattern = re.compile(rf"\bmodule\s+{re.escape(top)}\b") if top else None
    for path, text in expected.items():
        if pattern is not None and pattern.search(text):
            return SourceFile(path, text)
    path, text = next(iter(expected.items()))
    return SourceFile(path, text)


def reference_candidate(problem: Problem) -> Candidate | None:
    """Every expected file of a `_with_solutions` problem, as one candidate; None without them."""
    expected: dict[str, str] = problem.metadata.get("expected") or {}
    files = [SourceFile(p, t) for p, t in expected.items() if check_path(p, CANDIDATE_DIRS) is None]
    return Candidate(tuple(files), problem.top) if files else None


def expected_paths(problem: Problem) -> list[str]:
    """The files a reply must give: the expected files when known, else the compiled rtl/ files
    the problem does not already give in full."""
    expected: dict[str, str] = problem.metadata.get("expected") or {}
    if expected:
        return [p for p in expected if check_path(p, CANDIDATE_DIRS) is None]
    sources: tuple[str, ...] = problem.metadata.get("sources") or ()
    return list(sources)


def candidate_from_reply(problem: Problem, text: str) -> Candidate | None:
    """A reply (or a sample) as a candidate: its named files, or its one unnamed block as the one
    expected file. None when it holds no code at all."""
    if not text.strip():
        return None
    named = {p: t for p, t in named_files(text).items() if check_path(p, CANDIDATE_DIRS) is None}
    if not named:
        wanted = expected_paths(problem)
        blocks = fenced_blocks(text)
        code = blocks[-1] if blocks else text
        if len(wanted) != 1:
            # With several files expected, an unnamed reply goes to the file that holds the top.
            wanted = [p for p in wanted if p.rsplit("/", 1)[-1].split(".")[0] == problem.top] or wanted[:1]
        if not wanted:
            return None
        named = {wanted[0]: code}
    return Candidate(tuple(SourceFile(p, t) for p, t in named.items()), problem.top)


def missing_files(problem: Problem, candidate: Candidate) -> list[str]:
    """Expected files a candidate neither gives nor finds in the problem's context: a format error."""
    given = {f.name for f in candidate.files} | set(problem.metadata.get("context") or {})
    return [p for p in expected_paths(problem) if p not in given]
