"""VerilogEval v1: `data/VerilogEval_{Human,Machine}.jsonl` plus `descriptions/*.jsonl`.

The repository's example file `data/example/ExampleEval.jsonl` (same fields) loads too,
as the task "example".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from veriassist import hdl
from veriassist.suites.base import Suite, SuiteError, read_text
from veriassist.types import Problem, SourceFile, Testbench, TestbenchStyle

FORMAT = "verilogeval-v1"
TASKS = ("human", "machine", "example")
TOP = "top_module"
REFERENCE_MODULE = "reference_module"
_FIELDS = ("task_id", "prompt", "canonical_solution", "test")


def _problem_file(root: Path, task: str) -> Path:
    name = "ExampleEval.jsonl" if task == "example" else f"VerilogEval_{task.capitalize()}.jsonl"
    if task == "example":
        places = [root / "data" / "example" / name, root / "example" / name, root / name]
    else:
        places = [root / "data" / name, root / name]
    for candidate in places:
        if candidate.is_file():
            return candidate
    return places[0]


def detect(path: Path) -> bool:
    """True for a VerilogEval v1 jsonl file, or a directory holding one."""
    if path.is_file():
        return path.suffix == ".jsonl" and _task_of(path) is not None
    return path.is_dir() and any(_problem_file(path, t).is_file() for t in TASKS)


def _task_of(path: Path) -> str | None:
    """The task a jsonl file holds, by its name: VerilogEval_Human, ..._Machine, ExampleEval."""
    lowered = path.name.lower()
    if lowered.startswith("exampleeval"):
        return "example"
    return next((t for t in TASKS if t in lowered and t != "example"), None)


def read_jsonl(path: Path, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Read JSON objects one a line, requiring `fields` in each.

    Raises:
        SuiteError: naming the file, the line and what is wrong with it.
    """
    records = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise SuiteError(f"{path}:{number}: not valid JSON ({error.msg}, column {error.colno})") from None
        if not isinstance(record, dict):
            raise SuiteError(f"{path}:{number}: expected a JSON object")
        missing = [f for f in fields if not isinstance(record.get(f), str)]
        if missing:
            raise SuiteError(f"{path}:{number}: missing text field(s) {', '.join(missing)}")
        records.append(record)
    return records


def load(path: Path, task: str | None = None) -> Suite:
    """Load the Human or Machine problems.

    Args:
        path: the repository root, its `data/` directory, or a jsonl file.
        task: "human" (default) or "machine"; taken from the file name for a file.

    Raises:
        SuiteError: unknown task, missing file, a bad jsonl line, no problems.
    """
    if task is not None and task.lower() not in TASKS:
        raise SuiteError(f"{path}: unknown VerilogEval v1 task '{task}' (use one of: {', '.join(TASKS)})")
    if path.is_file():
        task = (task or _task_of(path) or TASKS[0]).lower()
        problems_file = path
        root = path.parent
        for _ in range(2):  # data/VerilogEval_Human.jsonl, data/example/ExampleEval.jsonl
            if root.name in ("data", "example"):
                root = root.parent
    else:
        task = (task or TASKS[0]).lower()
        root = path.parent if path.name == "data" else path
        if (
            task == TASKS[0]
            and not _problem_file(root, task).is_file()
            and _problem_file(root, "example").is_file()
        ):
            task = "example"  # a checkout holding only the example file
        problems_file = _problem_file(root, task)
        if not problems_file.is_file():
            raise SuiteError(f"{path}: missing {problems_file.name} (the {task} problems)")
    records = read_jsonl(problems_file, _FIELDS)
    if not records:
        raise SuiteError(f"{problems_file}: holds no problems")
    descriptions, notes = _descriptions(root, task)
    name = f"{FORMAT}/{task}"
    problems: list[Problem] = []
    seen: set[str] = set()
    for record in records:
        if record["task_id"] in seen:
            notes.append(f"{problems_file.name}: duplicate task_id {record['task_id']} ignored")
            continue
        seen.add(record["task_id"])
        problems.append(_problem(record, descriptions.get(record["task_id"]), name, problems_file.name))
    return Suite(name=name, format=FORMAT, root=root, problems=tuple(problems), notes=tuple(notes))


def _descriptions(root: Path, task: str) -> tuple[dict[str, str], list[str]]:
    folder = root / "descriptions"
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    # Human and Machine problems share task ids but not descriptions.
    matching = [f for f in files if task in f.name.lower()]
    if not matching and task != "example":
        matching = [f for f in files if not any(t in f.name.lower() for t in TASKS)]
    if not matching:
        return {}, [f"no descriptions/*.jsonl for {task}: specs are the prompts"]
    found: dict[str, str] = {}
    for file in matching:
        for record in read_jsonl(file, ("task_id", "detail_description")):
            found[record["task_id"]] = record["detail_description"]
    return found, []


def _problem(record: dict[str, Any], description: str | None, suite: str, source: str) -> Problem:
    prompt, solution, test = record["prompt"], record["canonical_solution"], record["test"]
    notes = []
    if description is None:
        notes.append("no description: the spec is the prompt")
    try:
        interface = hdl.module_header(prompt + "\nendmodule\n", TOP)
    except hdl.HdlError:
        interface = prompt.strip()
        notes.append(f"the prompt declares no module {TOP}")
    test_modules = hdl.module_names(test)
    notes.extend(f"test declares no module {m}" for m in (REFERENCE_MODULE, "tb") if m not in test_modules)
    return Problem(
        task_id=record["task_id"],
        spec=description if description is not None else prompt,
        top=TOP,
        testbench=Testbench(
            style=TestbenchStyle.COMPARE,
            # The test embeds reference_module, so no separate reference is compiled.
            files=(SourceFile("test.sv", test),),
            toplevel="tb",
        ),
        reference=SourceFile(f"{TOP}.sv", prompt + solution),
        interface=interface,
        suite=suite,
        metadata={
            "prompt": prompt,
            # Both live inside the jsonl file, not in files of their own.
            "reference_file": f"{source} ({record['task_id']}: prompt + canonical_solution)",
            "testbench_file": f"{source} ({record['task_id']}: test)",
        },
        notes=tuple(notes),
    )
