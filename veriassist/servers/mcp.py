"""`veriassist mcp`: the simulator-in-the-loop tools for coding agents (MCP SDK 2.x, stdio).

Every tool is a thin typed function over an existing stage and returns a pydantic
model, which the SDK sends as structured content. A failure the caller can act on
(a file that is not Verilog, no model configured, an unknown run) is raised as a
ToolError: the agent reads the message, never a traceback.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import ResourceSecurity
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from veriassist import __version__, hdl
from veriassist.agent.run import run_problem
from veriassist.check.checker import CheckOptions
from veriassist.check.equivalence import formal_check, yosys_installed
from veriassist.check.feedback import feedback_of, render_feedback
from veriassist.check.inputs import InputError, load_candidate, load_testbench
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.eval.bench import BenchError, BenchRequest, run_bench
from veriassist.eval.metrics import compute
from veriassist.eval.store import Store, StoreError
from veriassist.models import ModelError, make_model, resolve_settings
from veriassist.servers.includes import find_includes
from veriassist.spec import spec_interface
from veriassist.suites import SuiteError
from veriassist.toolchain.runner import ToolMissing
from veriassist.toolchain.source_lint import lint_source
from veriassist.types import (
    Candidate,
    CheckResult,
    FeedbackMode,
    FormalVerdict,
    IterationRecord,
    JudgedBy,
    Problem,
    SampleRecord,
    StopReason,
    Testbench,
)

INSTRUCTIONS = """\
VeriAssist checks Verilog/SystemVerilog designs with a real simulator (Icarus Verilog).
Pass source text, not paths, to check_design, simulate_waveform, module_interface, lint
and fix_rtl. A testbench is Verilog (a `tb` comparing against a reference, or a
self-checking one) or a cocotb Python test module. generate_rtl and fix_rtl call the
language model configured for VeriAssist (VERIASSIST_MODEL, veriassist.toml).
Recorded runs are resources: veriassist://runs, veriassist://runs/{name} and
veriassist://runs/{name}/samples/{task}/{sample} (each takes ?db=PATH; default: the
server's VERIASSIST_DB or ./veriassist.db). sample_feedback returns one sample's feedback.
Paths in answers are absolute, as the server resolved them."""

server = MCPServer("veriassist", instructions=INSTRUCTIONS, version=__version__)
log = logging.getLogger("veriassist.servers.mcp")

# The bench starts one worker process per job: a client may not ask for more than the machine has
# (jobs=100000 once forked thousands and ran it out of memory). Clusters raise the cap explicitly.
MAX_JOBS_ENV = "VERIASSIST_MAX_JOBS"
MAX_ERROR_CHARS = 300  # a tool error is a reason, not a dump of whatever raised it
SQLITE_MAGIC = b"SQLite format 3\x00"
DB_ENV = "VERIASSIST_DB"  # the database resources read when the URI names none

_T = TypeVar("_T")
# (done, total, message) from a worker thread to the client, when it asked for progress.
ReportProgress = Callable[[float, float | None, str | None], None]

# What the tools do to the caller's world, for agents that ask before calling.
PURE = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
CALLS_MODEL = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)
RECORDS_RUN = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

# Input fields, described once for every tool that takes them.
RtlText = Annotated[str, Field(description="the design's Verilog/SystemVerilog source text (not a path)")]
TestbenchText = Annotated[
    str,
    Field(
        description="source text of a Verilog testbench (a VerilogEval-style `tb` comparing with `reference`, "
        "or a self-checking one) or of a cocotb test module (`import cocotb`)"
    ),
]
ReferenceText = Annotated[
    str | None, Field(description="reference RTL source text that a comparing testbench instantiates")
]
TopName = Annotated[
    str | None, Field(description="the design's top module (default: the module the testbench instantiates)")
]
Iterations = Annotated[int, Field(ge=1, description="how many times the loop may call the model, at most")]
ModelName = Annotated[
    str | None,
    Field(description="provider:name, e.g. openai:gpt-4o-mini (default: VERIASSIST_MODEL / veriassist.toml)"),
]
BaseUrl = Annotated[str | None, Field(description="an OpenAI-compatible endpoint (Ollama /v1, vLLM, ...)")]
DbPath = Annotated[
    str, Field(description="the SQLite file runs are recorded in; created when absent, never overwritten")
]


# --- result types ------------------------------------------------------------------------------------------


class DiagnosticOut(BaseModel):
    file: str
    line: int
    severity: Literal["error", "warning", "info"]
    message: str
    column: int | None = None
    source: str = "iverilog"


class MismatchOut(BaseModel):
    output: str
    count: int
    first_time: int | None = Field(None, description="simulation time of the output's first mismatch")


class TestOut(BaseModel):
    name: str
    passed: bool
    message: str = ""


class CounterexampleStepOut(BaseModel):
    step: int
    inputs: dict[str, str] = Field(description="input -> binary value driven at this step")
    outputs: dict[str, dict[str, str]] = Field(description="output -> {ref, dut} binary values")


class FormalOut(BaseModel):
    status: str = Field(
        description="equivalent (proved), not_equivalent, bounded (N cycles from reset), unknown"
    )
    summary: str
    reason: str = Field(description="what the proof assumed (reset, clock), or why it is unknown")
    cycles: int | None = None
    counterexample: list[CounterexampleStepOut]
    table: str = Field(description="the counterexample as the waveform window shows signals; empty if none")
    duration_s: float


class CheckReport(BaseModel):
    passed: bool
    verdict: str = Field(description="failure kind: pass, syntax-error, mismatch, test-failed, timeout, ...")
    verilogeval_code: str = Field(description="VerilogEval's one-letter code, '?' for VeriAssist's own kinds")
    top: str
    summary: str
    feedback: str = Field(description="what failed, where, and the evidence: the text a model can act on")
    diagnostics: list[DiagnosticOut]
    mismatches: list[MismatchOut]
    total_mismatches: int | None = None
    samples: int | None = None
    first_mismatch_time: int | None = None
    tests: list[TestOut]
    rejections: list[str]
    sandboxed: bool
    formal: FormalOut | None = Field(
        default=None, description="formal equivalence with the reference (Yosys); null: no reference or off"
    )


class WaveformReport(BaseModel):
    passed: bool
    summary: str
    first_mismatch_time: int | None = None
    waveform: str = Field(description="signal table around the first mismatch; empty when nothing mismatched")


class PortOut(BaseModel):
    name: str
    direction: str
    width: int = Field(description="bits; 0 when it depends on a parameter")
    declared: str = ""


class InterfaceReport(BaseModel):
    module: str
    ports: list[PortOut]
    parameters: list[str]
    header: str = Field(description="the module header as source text")
    modules: list[str] = Field(description="every module the source defines")


class LintReport(BaseModel):
    clean: bool = Field(description="no errors (warnings may remain)")
    diagnostics: list[DiagnosticOut]
    tools: list[str]


class LoopReport(BaseModel):
    passed: bool
    judged_by: JudgedBy = Field(description="golden (your testbench), own-testbench (the model's) or none")
    verdict: str
    rtl: str | None
    testbench: str | None = Field(description="the model's own cocotb testbench")
    stop_reason: StopReason
    model_error: str | None = Field(default=None, description="the model's error, when one stopped the loop")
    iterations: int
    feedback: str
    model: str
    stand_in: bool = Field(description="true when the 'model' is a scripted or replayed stand-in")
    tokens_in: int
    tokens_out: int


class BenchmarkReport(BaseModel):
    run_name: str
    db: str = Field(description="absolute path of the database the run is recorded in")
    suite_path: str = Field(description="absolute path of the suite that was scored")
    samples_path: str | None = Field(default=None, description="absolute path of the samples scored")
    problems: int
    samples: int
    passed: int
    pass_at_1: float
    skipped: int = Field(description="samples a previous attempt of this run had already recorded")
    failing: dict[str, str] = Field(
        description="task id -> failure kind of its first failing sample, for every task with a failing sample"
    )
    failing_samples: int = Field(description="samples that did not pass, over all tasks")
    jobs: int = Field(description="worker processes the run used, after the cap")
    notes: list[str]


class RunSummary(BaseModel):
    name: str
    db: str = Field(description="absolute path of the database read")
    status: str
    suite_path: str
    model: str
    stand_in: bool
    strategy: str
    problems: int
    samples: int
    passed: int
    pass_at: dict[int, float] = Field(description="k -> pass@k (unbiased estimator)")
    pass_after_try: list[float] = Field(description="[i-1]: pass rate after try i of the loop")
    failure_histogram: dict[str, int]
    regressions: int = Field(description="passed -> failed transitions between consecutive iterations")
    tokens_in: int
    tokens_out: int
    cost_usd: float | None
    failing_tasks: list[str]


class SampleOut(BaseModel):
    run_name: str
    db: str = Field(description="absolute path of the database read")
    task_id: str
    sample: int
    passed: bool
    verdict: str = Field(description="failure kind of the sample's final check")
    iterations: int
    feedback: str = Field(description="the feedback text its last check gave (what a model read)")
    log_excerpt: str = Field(description="the end of the compile and simulation log")
    tokens_in: int
    tokens_out: int


# --- helpers -----------------------------------------------------------------------------------------------


def _short(message: str) -> str:
    """The first line, cut to MAX_ERROR_CHARS: enough to act on, too little to carry a file's content."""
    lines = message.strip().splitlines() or [""]
    first = lines[0]
    return first if len(first) <= MAX_ERROR_CHARS else first[: MAX_ERROR_CHARS - 3] + "..."


@contextmanager
def _tool_errors() -> Iterator[None]:
    """Every failure becomes a ToolError with a short reason; never a traceback, never a bare 'error'."""
    try:
        yield
    except ToolError as error:
        raise ToolError(_short(str(error))) from error
    except (InputError, ToolMissing, hdl.HdlError, ModelError, BenchError, StoreError, SuiteError) as error:
        raise ToolError(_short(str(error))) from error
    except OSError as error:  # the path and the system's reason, not what was read
        where = f": {error.filename}" if error.filename else ""
        raise ToolError(_short(f"{error.strerror or type(error).__name__}{where}")) from error
    except sqlite3.DatabaseError as error:
        raise ToolError(_short(f"the database cannot be used: {error}")) from error
    except RecursionError as error:
        raise ToolError("the source is nested too deeply to read") from error
    except Exception as error:
        # Unexpected: the details stay in the server's log, the caller still learns what kind of failure.
        log.exception("tool failed")
        raise ToolError(
            f"internal error ({type(error).__name__}); the server's log has the details"
        ) from error


def _no_includes(**texts: str | None) -> None:
    """Refuse source text with an `include: the tools take text, so a named file could only be one of
    the server's own (a secret, or a FIFO that hangs the parser)."""
    for field, text in texts.items():
        for include in find_includes(text or ""):
            raise ToolError(
                f"{field} line {include.line}: {include.shown} refused; these tools read no files, "
                "so paste the included text in place of the directive"
            )


def _absolute(path_text: str) -> Path:
    """A path the agent gave, resolved against the server's working directory, which it cannot see:
    every answer and error names the absolute path, so the agent learns what was used."""
    return Path(path_text).expanduser().resolve()


def _existing(path_text: str, what: str) -> Path:
    path = _absolute(path_text)
    if not path.exists():
        raise ToolError(f"{what} {path} does not exist")
    return path


def _database(db: str, *, must_exist: bool) -> Path:
    """`db` as a path that is absent (to be created) or a SQLite file: never turn another file into one."""
    path = _absolute(db)
    if path.exists():
        if not path.is_file():
            raise ToolError(f"db {path} is not a regular file")
        with path.open("rb") as head:
            if head.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise ToolError(f"db {path} exists and is not a SQLite database; it was left as it is")
    elif must_exist:
        raise ToolError(f"no database at {path}")  # opening would create an empty one
    elif not path.parent.is_dir():
        raise ToolError(f"db {path}: the folder {path.parent} does not exist")
    return path


def job_cap() -> tuple[int, str]:
    """The most bench workers one call may start, and what set that limit."""
    raw = os.environ.get(MAX_JOBS_ENV, "").strip()
    if not raw:
        return os.cpu_count() or 1, "the core count"
    if not raw.isdigit() or int(raw) < 1:
        raise ToolError(f"{MAX_JOBS_ENV}={raw[:20]!r} must be a whole number from 1")
    return int(raw), MAX_JOBS_ENV


def _jobs(asked: int | None) -> tuple[int, str | None]:
    """Workers to use, and a note when the request was capped."""
    cap, why = job_cap()
    if asked is None:
        return cap, None
    if asked <= cap:
        return asked, None
    return cap, f"jobs capped from {asked} to {cap} ({why}); set {MAX_JOBS_ENV} to allow more"


async def _in_thread(ctx: Context | None, work: Callable[[ReportProgress], _T]) -> _T:
    """Run blocking work in a thread; its progress reaches the client as MCP progress notifications."""

    def report(done: float, total: float | None, message: str | None) -> None:
        if ctx is None:
            return
        try:
            anyio.from_thread.run(ctx.report_progress, done, total, message)
        except Exception:  # a client that went away must not fail the work it asked for
            log.debug("progress not delivered", exc_info=True)

    return await anyio.to_thread.run_sync(lambda: work(report))


def _is_cocotb(text: str) -> bool:
    return "import cocotb" in text or "from cocotb" in text


@contextmanager
def _inputs(
    rtl: str, testbench: str, reference: str | None, top: str | None
) -> Iterator[tuple[Candidate, Testbench]]:
    """Lay the texts out as files so the CLI's own loaders recognise them."""
    if not rtl.strip():
        raise ToolError("rtl is empty: pass the design's source text")
    if not testbench.strip():
        raise ToolError("testbench is empty: pass a Verilog testbench or a cocotb test module")
    _no_includes(rtl=rtl, testbench=testbench, reference=reference)
    with tempfile.TemporaryDirectory(prefix="veriassist-mcp-") as folder:
        root = Path(folder)
        tb_path = root / ("test_design.py" if _is_cocotb(testbench) else "testbench.sv")
        tb_path.write_text(testbench)
        ref_path = None
        if reference:
            ref_path = root / "reference.sv"
            ref_path.write_text(reference)
        rtl_path = root / "design.sv"
        rtl_path.write_text(rtl)
        loaded = load_testbench(tb_path, ref_path, top)
        yield load_candidate([rtl_path], top, loaded), loaded


def _diagnostics(result_diagnostics: Any) -> list[DiagnosticOut]:
    return [
        DiagnosticOut(
            file=d.file,
            line=d.line,
            severity=d.severity.value,
            message=d.message,
            column=d.column,
            source=d.source,
        )
        for d in result_diagnostics
    ]


def _report(result: CheckResult, candidate: Candidate) -> CheckReport:
    return CheckReport(
        passed=result.passed,
        verdict=result.kind.value,
        verilogeval_code=result.kind.code,
        top=candidate.top,
        summary=result.summary,
        feedback=render_feedback(result, candidate),
        diagnostics=_diagnostics(result.diagnostics),
        mismatches=[
            MismatchOut(output=m.output, count=m.count, first_time=m.first_time) for m in result.mismatches
        ],
        total_mismatches=result.total_mismatches,
        samples=result.samples,
        first_mismatch_time=result.first_mismatch_time,
        tests=[TestOut(name=t.name, passed=t.passed, message=t.message) for t in result.tests],
        rejections=list(result.rejections),
        sandboxed=result.sandboxed,
    )


def _check(rtl: str, testbench: str, reference: str | None, top: str | None) -> tuple[CheckResult, Candidate]:
    with _inputs(rtl, testbench, reference, top) as (candidate, loaded):
        return check_counted(candidate, loaded, CheckOptions(), ReferenceCounts()), candidate


def _check_and_prove(
    rtl: str, testbench: str, reference: str | None, top: str | None, formal: str
) -> tuple[CheckResult, Candidate, FormalVerdict | None]:
    """The check, then (with a reference; auto: when Yosys is installed) the formal verdict."""
    with _inputs(rtl, testbench, reference, top) as (candidate, loaded):
        result = check_counted(candidate, loaded, CheckOptions(), ReferenceCounts())
        wanted = formal == "on" or (formal == "auto" and loaded.reference is not None and yosys_installed())
        return result, candidate, formal_check(candidate, loaded) if wanted else None


def _formal_out(proof: FormalVerdict) -> FormalOut:
    data = proof.to_json()
    data["counterexample"] = [CounterexampleStepOut(**step) for step in data["counterexample"]]
    return FormalOut(**{k: v for k, v in data.items() if k in FormalOut.model_fields})


def _run_loop(
    problem: Problem,
    golden: bool,
    iterations: int,
    model: str | None,
    base_url: str | None,
    report: ReportProgress | None = None,
) -> LoopReport:
    if iterations < 1:
        raise ToolError("iterations must be at least 1")
    chat = make_model(resolve_settings({"model": model, "base_url": base_url}))
    # golden: the caller owns the testbench, so the model may see its results (AutoChip/MAGE style).
    feedback = FeedbackMode.GOLDEN if golden else FeedbackMode.OWN_TESTBENCH

    def on_record(record: IterationRecord) -> None:
        if report is not None:
            verdict = record.golden_kind or record.own_kind
            said = f": {verdict.value}" if verdict is not None else ""
            report(
                record.iteration, iterations, f"iteration {record.iteration} of at most {iterations}{said}"
            )

    outcome = run_problem(problem, chat, iterations=iterations, feedback=feedback, on_record=on_record)
    return LoopReport(
        passed=outcome.passed,
        judged_by=outcome.judged_by,
        verdict=outcome.kind.value,
        rtl=outcome.rtl,
        testbench=outcome.testbench,
        stop_reason=outcome.stop_reason,
        model_error=outcome.model_error,
        iterations=len(outcome.iterations),
        feedback=outcome.feedback,
        model=chat.name,
        stand_in=bool(getattr(chat, "is_stand_in", False)),
        tokens_in=outcome.tokens_in,
        tokens_out=outcome.tokens_out,
    )


# --- tools -------------------------------------------------------------------------------------------------


@server.tool(title="Check a design", annotations=PURE)
def check_design(
    rtl: RtlText,
    testbench: TestbenchText,
    reference: ReferenceText = None,
    top: TopName = None,
    formal: Annotated[
        Literal["off", "auto", "on"],
        Field(
            description="formal equivalence with the reference: auto (with a reference, Yosys installed), on, off"
        ),
    ] = "auto",
) -> CheckReport:
    """Compile and simulate a design against a testbench; return the verdict and the evidence.

    With a reference, also a formal verdict: proved equivalent, or not with a counterexample."""
    with _tool_errors():
        result, candidate, proof = _check_and_prove(rtl, testbench, reference, top, formal)
        report = _report(result, candidate)
        return report if proof is None else report.model_copy(update={"formal": _formal_out(proof)})


@server.tool(title="Waveform at the first mismatch", annotations=PURE)
def simulate_waveform(
    rtl: RtlText, testbench: TestbenchText, reference: ReferenceText = None, top: TopName = None
) -> WaveformReport:
    """Simulate; return the waveform window at the first mismatch: inputs, expected and actual outputs."""
    with _tool_errors():
        result, _ = _check(rtl, testbench, reference, top)
        return WaveformReport(
            passed=result.passed,
            summary=result.summary,
            first_mismatch_time=result.first_mismatch_time,
            waveform=result.waveform,
        )


@server.tool(title="Module interface", annotations=PURE)
def module_interface(
    source: Annotated[str, Field(description="Verilog/SystemVerilog source text defining the module")],
    module: Annotated[
        str | None, Field(description="the module to read (default: the last one defined)")
    ] = None,
) -> InterfaceReport:
    """A module's ports (direction, width), parameters and header, read with pyslang."""
    with _tool_errors():
        _no_includes(source=source)
        found = hdl.module_interface(source, module)
        return InterfaceReport(
            module=found.module,
            ports=[
                PortOut(name=p.name, direction=p.direction, width=p.width, declared=p.declared)
                for p in found.ports
            ],
            parameters=list(found.parameters),
            header=hdl.module_header(source, found.module),
            modules=hdl.module_names(source),
        )


@server.tool(title="Lint one file", annotations=PURE)
def lint(
    source: Annotated[str, Field(description="the file's Verilog/SystemVerilog source text")],
    name: Annotated[
        str, Field(description="a bare file name ending in .v or .sv, used in diagnostics")
    ] = "design.sv",
) -> LintReport:
    """Compile one file alone with iverilog -Wall (plus verible's lint when installed): its diagnostics."""
    if Path(name).name != name or not name.endswith((".v", ".sv")):
        raise ToolError("name must be a bare file name ending in .v or .sv")
    with _tool_errors():
        _no_includes(source=source)
        found = lint_source(source, name)
        tools = ["iverilog"] + (["verible"] if shutil.which("verible-verilog-lint") else [])
        return LintReport(
            clean=not any(d.severity.value == "error" for d in found),
            diagnostics=_diagnostics(found),
            tools=tools,
        )


@server.tool(title="Generate RTL from a spec", annotations=CALLS_MODEL)
async def generate_rtl(
    spec: Annotated[str, Field(description="the natural-language spec; may state the module and its ports")],
    top: Annotated[
        str | None, Field(description="the module name (default: the one the spec states)")
    ] = None,
    iterations: Iterations = 5,
    model: ModelName = None,
    base_url: BaseUrl = None,
    ctx: Context | None = None,
) -> LoopReport:
    """Generate RTL from a natural-language spec with VeriAssist's loop (model writes RTL + its own testbench,
    self-verifies, simulates, self-corrects). The model comes from `model` or VeriAssist's settings.
    """
    with _tool_errors():
        if not spec.strip():
            raise ToolError("spec is empty")
        stated = spec_interface(spec)
        name = top or (stated.module if stated is not None and stated.module else "TopModule")
        problem = Problem(task_id=name, spec=spec, top=name, suite="mcp")
        return await _in_thread(
            ctx, lambda report: _run_loop(problem, False, iterations, model, base_url, report)
        )


@server.tool(title="Fix RTL against a testbench", annotations=CALLS_MODEL)
async def fix_rtl(
    rtl: RtlText,
    testbench: TestbenchText,
    reference: ReferenceText = None,
    top: TopName = None,
    spec: Annotated[
        str | None, Field(description="what the design must do, when the testbench is not enough")
    ] = None,
    iterations: Iterations = 5,
    model: ModelName = None,
    base_url: BaseUrl = None,
    ctx: Context | None = None,
) -> LoopReport:
    """Repair RTL until it passes your testbench, with the simulator's evidence fed back to the model."""
    with _tool_errors(), _inputs(rtl, testbench, reference, top) as (candidate, loaded):
        intent = spec or f"Module `{candidate.top}` must pass the given testbench."
        task = f"{intent}\n\nThe current implementation, which needs fixing:\n```verilog\n{rtl}\n```\n"
        problem = Problem(
            task_id=candidate.top, spec=task, top=candidate.top, testbench=loaded, suite="mcp",
            metadata={"initial_rtl": rtl},
        )  # fmt: skip
        return await _in_thread(
            ctx, lambda report: _run_loop(problem, True, iterations, model, base_url, report)
        )


@server.tool(title="Run a benchmark", annotations=RECORDS_RUN)
async def run_benchmark(
    suite_path: Annotated[
        str,
        Field(description="a suite checkout on this machine: VerilogEval v1/v2, RTLLM, or a designs/ folder"),
    ],
    mode: Annotated[
        Literal["reference", "samples"],
        Field(description="reference: score each problem's own reference; samples: score samples_path"),
    ] = "reference",
    samples_path: Annotated[
        str | None, Field(description="mode samples: a JSONL file of task_id + completion, or a folder")
    ] = None,
    db: DbPath = "veriassist.db",
    run_name: Annotated[str | None, Field(description="the run's name; the same name resumes it")] = None,
    limit: Annotated[int | None, Field(ge=1, description="only the first N problems")] = None,
    only: Annotated[list[str] | None, Field(description="only these task ids")] = None,
    jobs: Annotated[
        int | None,
        Field(ge=1, description=f"worker processes (default and cap: the core count, or {MAX_JOBS_ENV})"),
    ] = None,
    ctx: Context | None = None,
) -> BenchmarkReport:
    """Score a suite (VerilogEval v1/v2, RTLLM, designs/): each problem's reference, or samples made elsewhere
    (`samples_path`: JSONL of task_id + completion). Records the run in the SQLite `db`.
    Sends a progress notification per finished sample when the call carries a progress token.
    """
    with _tool_errors():
        workers, capped = _jobs(jobs)
        request = BenchRequest(
            suite_path=_existing(suite_path, "suite_path"),
            mode=mode,
            samples_path=_existing(samples_path, "samples_path") if samples_path else None,
            db=_database(db, must_exist=False),
            run_name=run_name,
            limit=limit,
            only=tuple(only or ()),
            jobs=workers,
        )

        def bench(report: ReportProgress) -> Any:
            def progress(done: int, total: int) -> None:
                report(done, total, f"{done} of {total} samples checked")

            return run_bench(request, progress=progress)

        result = await _in_thread(ctx, bench)
        failing: dict[str, str] = {}
        for record in sorted(result.records, key=lambda r: (r.task_id, r.sample)):
            if not record.passed:
                failing.setdefault(record.task_id, record.kind.value)
        return BenchmarkReport(
            run_name=result.run.name,
            db=str(request.db),
            suite_path=str(request.suite_path),
            samples_path=str(request.samples_path) if request.samples_path else None,
            problems=result.metrics.n_problems,
            samples=result.metrics.n_samples,
            passed=result.metrics.n_passed,
            pass_at_1=float(result.metrics.pass_at_1),
            skipped=result.skipped,
            failing=failing,
            failing_samples=sum(not r.passed for r in result.records),
            jobs=workers,
            notes=[capped, *result.notes] if capped else list(result.notes),
        )


@server.tool(title="Summarise a run", annotations=PURE)
def summarize_run(
    run_name: Annotated[
        str, Field(description="the run's name, as run_benchmark or `veriassist bench` gave it")
    ],
    db: DbPath = "veriassist.db",
) -> RunSummary:
    """Summarise a recorded run: pass@k, pass rate after each try, the failure histogram and the cost."""
    with _tool_errors():
        path = _database(db, must_exist=True)
        with Store(path) as store:
            run = store.get_run(run_name)
            samples = store.samples(run.id)
            metrics = compute(samples, store.iterations(run.id))
        return RunSummary(
            name=run.name,
            db=str(path),
            status=run.status.value,
            suite_path=run.suite_path,
            model=run.model,
            stand_in=run.stand_in,
            strategy=run.strategy,
            problems=metrics.n_problems,
            samples=metrics.n_samples,
            passed=metrics.n_passed,
            pass_at={k: float(v) for k, v in metrics.pass_at.items()},
            pass_after_try=[float(v) for v in metrics.pass_after_try],
            failure_histogram={kind.value: n for kind, n in metrics.histogram.items()},
            regressions=metrics.regressions,
            tokens_in=metrics.totals.tokens_in,
            tokens_out=metrics.totals.tokens_out,
            cost_usd=metrics.totals.cost,
            failing_tasks=sorted({p.task_id for p in metrics.problems if p.c < p.n}),
        )


def _sample_out(run_name: str, db: Path, record: SampleRecord) -> SampleOut:
    return SampleOut(
        run_name=run_name,
        db=str(db),
        task_id=record.task_id,
        sample=record.sample,
        passed=record.passed,
        verdict=record.kind.value,
        iterations=record.iterations,
        feedback=feedback_of(record),
        log_excerpt=record.log_excerpt,
        tokens_in=record.tokens_in,
        tokens_out=record.tokens_out,
    )


def _find_sample(run_name: str, db: str, task_id: str, sample: int) -> SampleOut:
    path = _database(db, must_exist=True)
    with Store(path) as store:
        run = store.get_run(run_name)
        records = store.samples(run.id)
    for record in records:
        if record.task_id == task_id and record.sample == sample:
            return _sample_out(run.name, path, record)
    tasks = sorted({r.task_id for r in records})
    if task_id in tasks:
        have = sorted(r.sample for r in records if r.task_id == task_id)
        raise ToolError(f"run {run_name!r} has no sample {sample} of {task_id}; it has samples {have}")
    raise ToolError(f"run {run_name!r} has no task {task_id!r} ({len(tasks)} tasks recorded)")


@server.tool(title="One sample's feedback", annotations=PURE)
def sample_feedback(
    run_name: Annotated[
        str, Field(description="the run's name, as run_benchmark or `veriassist bench` gave it")
    ],
    task_id: Annotated[str, Field(description="the problem's task id, as summarize_run lists it")],
    sample: Annotated[int, Field(ge=0, description="the sample number within the task (from 0)")] = 0,
    db: DbPath = "veriassist.db",
) -> SampleOut:
    """One recorded sample: its verdict and the full feedback text its last check gave."""
    with _tool_errors():
        return _find_sample(run_name, db, task_id, sample)


# --- resources: recorded runs, read without running anything ---------------------------------------------


# `db` is a path by design, as in the tools (which check it is a SQLite file before opening it);
# the names in the path part still get the SDK's checks against traversal.
DB_PATH_ALLOWED = ResourceSecurity(exempt_params=frozenset({"db"}))


def _default_db() -> str:
    return os.environ.get(DB_ENV) or "veriassist.db"


def _resource_errors(work: Callable[[], _T]) -> _T:
    """Resources fail with the same short reasons as tools."""
    with _tool_errors():
        return work()


@server.resource(
    "veriassist://runs{?db}",
    name="runs",
    title="Recorded runs",
    description="Every run in the database (default: VERIASSIST_DB or ./veriassist.db), newest last.",
    mime_type="application/json",
    security=DB_PATH_ALLOWED,
)
def runs_resource(db: str = "") -> str:
    def read() -> str:
        path = _database(db or _default_db(), must_exist=True)
        with Store(path) as store:
            runs = store.list_runs()
        rows = [
            {
                "name": r.name,
                "uri": f"veriassist://runs/{r.name}",
                "status": r.status.value,
                "suite_path": r.suite_path,
                "model": r.model,
                "stand_in": r.stand_in,
                "started": r.started,
            }
            for r in runs
        ]
        return json.dumps({"db": str(path), "runs": rows}, indent=2)

    return _resource_errors(read)


@server.resource(
    "veriassist://runs/{name}{?db}",
    name="run",
    title="One run's summary",
    description="pass@k, pass rate after each try, failure histogram, and a URI per sample.",
    mime_type="application/json",
    security=DB_PATH_ALLOWED,
)
def run_resource(name: str, db: str = "") -> str:
    def read() -> str:
        summary = summarize_run(name, db or _default_db())
        path = Path(summary.db)
        with Store(path) as store:
            records = store.samples(store.get_run(name).id)
        samples = [
            {
                "task_id": r.task_id,
                "sample": r.sample,
                "passed": r.passed,
                "verdict": r.kind.value,
                "uri": f"veriassist://runs/{name}/samples/{r.task_id}/{r.sample}",
            }
            for r in sorted(records, key=lambda r: (r.task_id, r.sample))
        ]
        return json.dumps({**summary.model_dump(mode="json"), "records": samples}, indent=2)

    return _resource_errors(read)


@server.resource(
    "veriassist://runs/{name}/samples/{task}/{sample}{?db}",
    name="sample",
    title="One recorded sample",
    description="A sample's verdict, feedback text and log excerpt.",
    mime_type="application/json",
    security=DB_PATH_ALLOWED,
)
def sample_resource(name: str, task: str, sample: str, db: str = "") -> str:
    def read() -> str:
        if not sample.isdigit():
            raise ToolError(f"sample must be a number from 0, not {sample[:20]!r}")
        found = _find_sample(name, db or _default_db(), task, int(sample))
        return found.model_dump_json(indent=2)

    return _resource_errors(read)


def mcp_command() -> None:
    """Serve the tools on stdin/stdout."""
    server.run("stdio")
