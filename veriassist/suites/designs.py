"""Our own designs: `designs/[<tier>/]<name>/{design.toml, spec.md, reference.sv, testbench.sv, mutants/}`.

A design's tier comes from its manifest (`tier = "hard"`), not from its folder, so reports
and `bench --tier` agree whichever folder a user keeps it in.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from veriassist import hdl
from veriassist.suites.base import Suite, SuiteError, read_text, require
from veriassist.types import Problem, SourceFile, Testbench, TestbenchStyle

FORMAT = "designs"
MANIFEST = "design.toml"
DEFAULT_TIER = "standard"


def design_folders(path: Path) -> list[Path]:
    """The design folders at `path`: itself when it holds a manifest, else every folder below that does."""
    if (path / MANIFEST).is_file():
        return [path]
    # Two levels only (designs/<name>, designs/<tier>/<name>): detection must stay cheap on any folder.
    found = [*path.glob(f"*/{MANIFEST}"), *path.glob(f"*/*/{MANIFEST}")]
    return sorted(p.parent for p in found if "mutants" not in p.relative_to(path).parts)


def detect(path: Path) -> bool:
    """True when `path` is a design folder or a directory of them."""
    return path.is_dir() and bool(design_folders(path))


def load(path: Path, task: str | None = None) -> Suite:
    """Load every design under `path`.

    Raises:
        SuiteError: no designs, a bad design.toml, or a missing spec, reference or testbench.
    """
    if task is not None:
        raise SuiteError(f"{path}: the designs format has no tasks (got task '{task}')")
    folders = design_folders(path)
    if not folders:
        raise SuiteError(f"{path}: no */{MANIFEST} found")
    problems = tuple(_problem(folder) for folder in folders)
    seen: dict[str, Path] = {}
    for problem, folder in zip(problems, folders, strict=True):
        if problem.task_id in seen:
            raise SuiteError(f"{folder} and {seen[problem.task_id]}: two designs named '{problem.task_id}'")
        seen[problem.task_id] = folder
    return Suite(name=FORMAT, format=FORMAT, root=path, problems=problems)


def tiers(path: Path) -> dict[str, str]:
    """Each design's tier, from the manifests alone (no HDL is read): for reports of old runs."""
    found: dict[str, str] = {}
    for folder in design_folders(path) if path.is_dir() else []:
        try:
            tier = tomllib.loads((folder / MANIFEST).read_text()).get("tier", DEFAULT_TIER)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        found[folder.name] = str(tier)
    return found


def _manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise SuiteError(f"{path}: not valid TOML ({error})") from None
    if "top" not in manifest:
        raise SuiteError(f"{path}: missing 'top' (the module name)")
    top = manifest["top"]
    if not isinstance(top, str):
        raise SuiteError(f"{path}: 'top' must be a string (the module name), not {top!r}")
    if not top:
        raise SuiteError(f"{path}: 'top' is empty; it names the design's module")
    tier = manifest.setdefault("tier", DEFAULT_TIER)
    if not isinstance(tier, str) or not tier:
        raise SuiteError(f"{path}: 'tier' must be a name such as \"hard\", not {tier!r}")
    return manifest


def _problem(folder: Path) -> Problem:
    manifest = _manifest(folder / MANIFEST)
    top: str = manifest["top"]
    spec = read_text(require(folder / "spec.md", "spec.md (the spec)"))
    reference = SourceFile("reference.sv", read_text(require(folder / "reference.sv", "reference.sv")))
    testbench_path = require(folder / "testbench.sv", "testbench.sv (the testbench)")
    testbench = SourceFile(testbench_path.name, read_text(testbench_path))
    mutants = sorted((folder / "mutants").glob("*.sv")) if (folder / "mutants").is_dir() else []
    notes = _check(reference.text, testbench.text, top)
    return Problem(
        task_id=folder.name,
        spec=spec,
        top=top,
        testbench=Testbench(
            style=TestbenchStyle.COMPARE,
            files=(testbench,),
            toplevel="tb",
            reference=reference,
            reference_module=f"{top}_ref",
        ),
        reference=reference,
        suite=FORMAT,
        metadata={**manifest, "mutants": [str(p) for p in mutants]},
        notes=tuple(notes),
    )


def _check(reference: str, testbench: str, top: str) -> list[str]:
    notes = []
    if top not in hdl.module_names(reference):
        notes.append(f"reference.sv declares no module {top}")
    if "tb" not in hdl.module_names(testbench):
        notes.append("testbench.sv has no module tb")
    try:
        used = {i.module for i in hdl.instantiations(testbench)}
    except hdl.HdlError as error:
        return [*notes, f"testbench.sv: {error}"]
    notes.extend(f"testbench.sv does not instantiate {m}" for m in (f"{top}_ref", top) if m not in used)
    return notes
