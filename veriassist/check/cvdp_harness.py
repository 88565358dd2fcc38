"""Run a CVDP problem's own cocotb harness on Icarus, natively: no Docker, in our sandbox.

CVDP's harness is a docker-compose service that mounts the design at /code and the
harness at /src, reads `src/.env` (SIM, TOPLEVEL_LANG, VERILOG_SOURCES, TOPLEVEL, MODULE,
PYTHONPATH=/src) and runs `pytest src/test_runner.py`, which calls cocotb's runner.
Here the work dir stands in for both mounts (/code/X -> WORK/X, /src/X -> WORK/src/X) and
our cocotb driver runs MODULE directly with the .env's sources and top: the verdict is
the driver's nonce-stamped report, never a file or a line the design or the harness's
pytest could write. Parameter sweeps that a problem's test_runner.py adds are not run.

The agent loop keeps a design as one text: a several-file design arrives as one file
in extract.bundle's layout (a `// file: rtl/x.sv` line before each file), laid out here
as the files it names.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from veriassist.check.cocotb_sim import run_driver
from veriassist.check.simulation import CheckOptions
from veriassist.check.verdict import new_nonce
from veriassist.extract import unbundle
from veriassist.hdl.static_check import check_candidate
from veriassist.toolchain import icarus, runner
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import Candidate, CheckResult, FailureKind, SourceFile, Testbench

__all__ = [
    "CANDIDATE_DIRS",
    "ENV_FILE",
    "CvdpHarness",
    "HarnessError",
    "check_path",
    "harness_env",
    "parse_env",
    "run_harness",
]

ENV_FILE = "src/.env"
# The folders of CVDP's /code tree a problem's files live in; a candidate may write rtl/ and verif/.
LAYOUT_DIRS = ("rtl", "verif", "docs", "rundir", "src")
CANDIDATE_DIRS = ("rtl", "verif")
_ENV_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
# The harness's .env reaches the test process; these would change what runs, not what is tested.
_ENV_REFUSED = re.compile(r"^(LD_|PYTHONHOME$|PYTHONSTARTUP$|PYTHONINSPECT$|PATH$|HOME$|TMPDIR$|COCOTB_)")
_DUMP_MODULE = """module va_wave_dump();
initial begin
  $dumpfile("wave.vcd");
  $dumpvars(0, {top});
end
endmodule
"""


class HarnessError(Exception):
    """The harness itself is unusable (no .env, no TOPLEVEL, a path outside the tree)."""


def parse_env(text: str) -> dict[str, str]:
    """A CVDP `.env`: `KEY = value` lines (spaces around `=` allowed), `#` comments, blank lines."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match:
            env[match[1]] = match[2].strip().strip("'\"")
    return env


def check_path(path: str, allowed: tuple[str, ...] = LAYOUT_DIRS) -> str | None:
    """Why `path` may not be written in the work dir, or None when it is a plain path below `allowed`."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in path or not pure.parts:
        return f"`{path}` is not a relative path inside the project"
    if len(pure.parts) < 2 or pure.parts[0] not in allowed:
        return f"`{path}` is not under {', '.join(d + '/' for d in allowed)}"
    return None


def harness_env(testbench: Testbench) -> dict[str, str]:
    """The problem's .env, checked for what the run needs.

    Raises:
        HarnessError: no .env, or it names no TOPLEVEL, MODULE or VERILOG_SOURCES.
    """
    text = next((f.text for f in testbench.files if f.name == ENV_FILE), None)
    if text is None:
        raise HarnessError(f"the harness has no {ENV_FILE}")
    env = parse_env(text)
    missing = [key for key in ("TOPLEVEL", "MODULE", "VERILOG_SOURCES") if not env.get(key)]
    if missing:
        raise HarnessError(f"{ENV_FILE} does not set {', '.join(missing)}")
    return env


def _to_work(value: str, work: Path) -> str:
    """Map CVDP's container paths (/code/..., /src/...) in a value to the work dir."""

    def one(token: str) -> str:
        if token == "/src" or token.startswith("/src/"):
            return str(work / "src" / token[len("/src") :].lstrip("/"))
        if token == "/code" or token.startswith("/code/"):
            return str(work / token[len("/code") :].lstrip("/"))
        return token

    return " ".join(one(token) for token in value.split())


def _sources(env: dict[str, str], work: Path) -> list[str]:
    sources = []
    for token in env["VERILOG_SOURCES"].split():
        mapped = Path(_to_work(token, work)) if token.startswith("/") else work / token
        resolved = mapped.resolve()
        if not resolved.is_relative_to(work.resolve()):
            raise HarnessError(f"VERILOG_SOURCES names {token}, outside the project")
        sources.append(str(mapped))
    return sources


def _unbundled(candidate: Candidate) -> Candidate:
    """A design sent as one bundle text (the agent loop's `{top}.sv`) as the files it names."""
    files: list[SourceFile] = []
    for f in candidate.files:
        parts = unbundle(f.text) if check_path(f.name, CANDIDATE_DIRS) is not None else {}
        files += [SourceFile(p, t) for p, t in parts.items()] if parts else [f]
    return Candidate(tuple(files), candidate.top)


def _refuse(candidate: Candidate) -> CheckResult | None:
    """The candidate's own faults: a path outside rtl/ or verif/, or a construct the static check forbids."""
    reasons = [r for f in candidate.files if (r := check_path(f.name, CANDIDATE_DIRS)) is not None]
    verilog = [(f.name, f.text) for f in candidate.files if f.name.endswith((".v", ".sv", ".vh", ".svh"))]
    if not reasons:
        findings = check_candidate(verilog)
        reasons = list(findings.rejections)
        if not reasons and candidate.top not in findings.modules:
            summary = f"the design must define module `{candidate.top}`"
            return CheckResult(False, FailureKind.WRONG_MODULE_NAME, rejections=(summary,), summary=summary)
    if reasons:
        summary = "rejected by the static check: " + reasons[0]
        return CheckResult(False, FailureKind.REJECTED, rejections=tuple(reasons), summary=summary)
    return None


def run_harness(
    candidate: Candidate, testbench: Testbench, options: CheckOptions | None = None
) -> CheckResult:
    """Lay out the problem, overlay the candidate's files, and run the harness's cocotb tests.

    `testbench.files` holds the problem's context files (rtl/, verif/, docs/) and its
    harness (src/...), by path; the candidate's files (rtl/ or verif/) replace same-named
    context files. Never raises for a bad candidate.

    Raises:
        HarnessError: the harness is unusable (a suite problem, not the candidate's).
        runner.ToolMissing: iverilog or vvp is not installed.
    """
    options = options or CheckOptions()
    env = harness_env(testbench)
    candidate = _unbundled(candidate)
    refused = _refuse(candidate)
    if refused is not None:
        return refused
    sandbox = Sandbox(options.sandbox)
    runner.require_tool("iverilog")
    runner.require_tool("vvp")
    nonce = new_nonce()
    top = env["TOPLEVEL"]
    with work_dir(options.keep_workdir) as work:
        for folder in LAYOUT_DIRS:
            (work / folder).mkdir()
        names: dict[str, str] = {}
        for f in (*testbench.files, *candidate.files):  # the candidate's files come last: they win
            if check_path(f.name) is not None:
                raise HarnessError(check_path(f.name))
            target = work / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text)
            names[str(target)] = names[f.name] = f.name
        sources = _sources(env, work)
        missing = [s for s in sources if not Path(s).is_file()]
        if missing:
            wanted = ", ".join(names.get(s, str(Path(s).relative_to(work))) for s in missing)
            summary = f"the design lacks files the harness compiles: {wanted}"
            return CheckResult(False, FailureKind.NO_MODULE, rejections=(summary,), summary=summary)
        (work / "va_wave_dump.v").write_text(_DUMP_MODULE.format(top=top))
        nonce_file = work / "nonce"
        nonce_file.write_text(nonce)
        nonce_file.chmod(0o600)
        test_dir = work / "rundir"
        modules = [m.strip() for m in env["MODULE"].split(",") if m.strip()]
        config = {
            "sources": [*sources, str(work / "va_wave_dump.v")],
            "toplevel": top,
            "build_args": ["-s", "va_wave_dump", *icarus.COMPILE_FLAGS[:3]],
            "build_dir": str(work / "build"),
            "test_module": modules[0] if len(modules) == 1 else modules,
            "test_dir": str(test_dir),
            "nonce_file": str(nonce_file),
            "seed": 1,
        }
        extra = {k: _to_work(v, work) for k, v in env.items() if not _ENV_REFUSED.match(k)}
        extra["VERILOG_SOURCES"] = " ".join(sources)
        extra["PYTHONPATH"] = str(work / "src")
        extra["PYTHONDONTWRITEBYTECODE"] = "1"
        extra["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # as in check/cocotb_sim.py: plugins cost seconds
        return run_driver(
            config,
            work,
            runner.clean_env(extra),
            options,
            sandbox,
            nonce,
            names=names,
            scope=top,
            what="harness",
        )


class CvdpHarness:
    """`run_harness` behind check/simulators.py's `Simulator` protocol, so that `check()` (and the
    agent loop and the suite audit above it) can judge a TestbenchStyle.CVDP testbench once it
    is registered in `_BY_STYLE`. A broken harness is reported as the testbench's fault."""

    name = "cvdp"

    def run(
        self,
        candidate: Candidate,
        testbench: Testbench,
        options: CheckOptions,
        *,
        expected_samples: int | None,
    ) -> CheckResult:
        try:
            return run_harness(candidate, testbench, options)
        except HarnessError as error:
            summary = f"the problem's harness is unusable: {error}"
            return CheckResult(False, FailureKind.TESTBENCH_ERROR, summary=summary)
