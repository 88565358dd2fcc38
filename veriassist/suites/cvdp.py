"""NVIDIA's CVDP (Comprehensive Verilog Design Problems) JSONL, to be run natively: no Docker.

One problem per line: `id`, `categories` (`["cid003", "easy"]`), `input.prompt` and
`input.context` (files the model is given, path -> text), `output.context` (the expected
files: reference solutions, only in `*_with_solutions.jsonl`) and `harness.files`
(docker-compose.yml, src/.env, src/test_*.py cocotb tests, src/test_runner.py).

A problem we cannot score with open tools loads with no testbench and a `skip` reason in
its metadata: the comprehension categories (scored upstream by BLEU or an LLM judge),
the categories and harnesses that need commercial EDA tools, a non-Icarus simulator.

A candidate is the whole design: the problem's design files (the rtl/ files its harness
compiles, and the expected files) as given, overlaid by the files a reply writes. The
testbench holds the harness (src/) and every other context file, laid out beside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

from veriassist.check.cvdp_harness import (
    CANDIDATE_DIRS,
    ENV_FILE,
    check_path,
    parse_env,
)
from veriassist.extract import Extracted, bundle, extract, named_files
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
VERILOG_SUFFIXES = (".v", ".sv", ".vh", ".svh")
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
    sources = _source_paths(env)
    design = _design_paths(sources, expected)
    given = {p: t for p, t in context.items() if p in design}
    testbench = None
    if not skip:
        # The design files travel in every candidate, so that a testbench's modules are never
        # the design's (check() refuses a design that redefines them).
        beside = {p: t for p, t in context.items() if p not in given}
        laid_out = {**beside, **{p: t for p, t in harness.items() if p.startswith("src/")}}
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
        "given": given,
        "expected": expected,
        "sources": tuple(sources),
        "design": tuple(design),
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


def _design_paths(sources: list[str], expected: dict[str, str]) -> list[str]:
    """The files a candidate is made of: the compiled rtl/ files and the expected Verilog files.

    Compiled verif/ files are the problem's own testbench, not the design.
    """
    compiled = [p for p in sources if check_path(p, ("rtl",)) is None]
    wanted = [p for p in expected if _is_design_file(p)]
    return list(dict.fromkeys([*compiled, *wanted]))


def _is_design_file(path: str) -> bool:
    return check_path(path, CANDIDATE_DIRS) is None and path.endswith(VERILOG_SUFFIXES)


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


def is_cvdp(problem: Problem) -> bool:
    """A problem judged by a CVDP harness (a skipped CVDP problem has none)."""
    return problem.testbench is not None and problem.testbench.style is TestbenchStyle.CVDP


def given_files(problem: Problem) -> dict[str, str]:
    """The design files the problem gives (a skeleton to complete, a design to modify), by path."""
    given: dict[str, str] = problem.metadata.get("given") or {}
    return dict(given)


def design_candidate(problem: Problem, files: dict[str, str]) -> Candidate:
    """The whole design: the given design files, overlaid by `files`."""
    design = {**given_files(problem), **files}
    return Candidate(tuple(SourceFile(p, t) for p, t in design.items()), problem.top)


def reference_candidate(problem: Problem) -> Candidate | None:
    """Every expected file of a `_with_solutions` problem, as one candidate; None without them."""
    expected: dict[str, str] = problem.metadata.get("expected") or {}
    files = {p: t for p, t in expected.items() if _is_design_file(p)}
    return design_candidate(problem, files) if files else None


def expected_paths(problem: Problem) -> list[str]:
    """The files a reply must give: the expected files when known, else the compiled rtl/ files
    the problem does not already give in full."""
    expected: dict[str, str] = problem.metadata.get("expected") or {}
    if expected:
        return [p for p in expected if _is_design_file(p)]
    sources: tuple[str, ...] = problem.metadata.get("sources") or ()
    return [p for p in sources if check_path(p, ("rtl",)) is None]


def reply_files(problem: Problem, text: str) -> tuple[dict[str, str], list[str]]:
    """The design files a reply writes, by path, and what is wrong with how it names them.

    Named blocks (```verilog rtl/x.sv, or a `// file: rtl/x.sv` first line) give their
    files; a Verilog file named outside rtl/ and verif/ is refused. A reply that names no
    file gives its modules to the expected file that holds the top (or the only one).
    """
    named = named_files(text)
    refused = [
        reason for p in named if p.endswith(VERILOG_SUFFIXES) and (reason := check_path(p, CANDIDATE_DIRS))
    ]
    files = {p: t for p, t in named.items() if _is_design_file(p)}
    if files or refused:
        return files, refused
    code = extract(text, problem.top).rtl
    wanted = expected_paths(problem)
    if code is None or not wanted:
        return {}, []
    if len(wanted) > 1:
        # With several files expected, unnamed code goes to the file that holds the top.
        holds_top = [p for p in wanted if PurePosixPath(p).stem == problem.top]
        wanted = holds_top or wanted
    return {wanted[0]: code}, []


def candidate_from_reply(problem: Problem, text: str) -> Candidate | None:
    """A reply (or a sample) as a candidate: the given design overlaid by the reply's files.
    None when it writes no design file at all."""
    if not text.strip():
        return None
    files, _ = reply_files(problem, text)
    return design_candidate(problem, files) if files else None


def missing_files(problem: Problem, candidate: Candidate) -> list[str]:
    """Expected files a candidate neither gives nor finds in the problem's context: a format error."""
    given = {f.name for f in candidate.files} | set(given_files(problem))
    return [p for p in expected_paths(problem) if p not in given]


def extract_reply(problem: Problem, text: str) -> Extracted:
    """A model's reply to a CVDP prompt, as the loop reads replies.

    `rtl` is the whole design as one `bundle` text (the given files overlaid by the
    reply's), `testbench` the model's own cocotb tests, if any. `problems` holds what
    makes the reply unusable, for the model: no design file, a file outside rtl/ and
    verif/, an expected file missing, no module `top`.
    """
    plain = extract(text, problem.top)
    files, problems = reply_files(problem, text)
    if not files:
        problems = problems or list(plain.problems) or ["the reply writes none of the design's files"]
        return Extracted(None, (), plain.testbench, tuple(problems))
    candidate = design_candidate(problem, files)
    missing = missing_files(problem, candidate)
    if missing:
        problems.append(
            f"the reply does not give {', '.join(f'`{p}`' for p in missing)}: write every expected file in "
            f"full, each in its own fenced block named by its path (```verilog {missing[0]})"
        )
    rtl = bundle({f.name: f.text for f in candidate.files})
    modules = extract(rtl).modules
    if problem.top not in modules:
        problems.append(f"no file of the design defines the top module `{problem.top}`")
    return Extracted(rtl, modules, plain.testbench, tuple(problems))


def read_answers(path: Path) -> dict[str, list[str]] | None:
    """Samples from a CVDP answers file, or None when `path` is not one.

    CVDP's layout (example_dataset/answers.jsonl upstream): one JSON object per line,
    `{"<problem id>": {"output": {"rtl/x.sv": "<text>", ...}}}`. A problem's lines are its
    samples, in order. Each answer becomes a reply whose fenced blocks name their files.

    Raises:
        SuiteError: a line that is not an answer, once the first line was one.
    """
    if not path.is_file():
        return None
    lines = [(n, line) for n, line in enumerate(read_text(path).splitlines(), 1) if line.strip()]
    if not lines or _answer(lines[0][1]) is None:
        return None
    found: dict[str, list[str]] = {}
    for number, line in lines:
        answer = _answer(line)
        if answer is None:
            raise SuiteError(f'{path}:{number}: not a CVDP answer ({{"<id>": {{"output": {{path: text}}}}}})')
        task, files = answer
        found.setdefault(task, []).append(answer_reply(files))
    return found


def _answer(line: str) -> tuple[str, dict[str, str]] | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict) or len(record) != 1:
        return None
    ((task, body),) = record.items()
    output = body.get("output") if isinstance(body, dict) else None
    if not isinstance(output, dict) or not all(isinstance(v, str) for v in output.values()):
        return None
    return task, dict(output)


def answer_reply(files: dict[str, str]) -> str:
    """Files as a reply of fenced blocks named by path; a fence longer than any in the text."""
    blocks = []
    for path, text in files.items():
        fence = fence_for(text)
        body = text if text.endswith("\n") else text + "\n"
        blocks.append(f"{fence}verilog {path}\n{body}{fence}\n")
    return "".join(blocks)


def fence_for(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so that the text cannot close it."""
    return "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
