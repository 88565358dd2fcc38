"""`veriassist mcp`: the simulator-in-the-loop tools for coding agents (MCP SDK 2.x, stdio).

Every tool is a thin typed function over an existing stage and returns a pydantic
model, which the SDK sends as structured content. A failure the caller can act on
(a file that is not Verilog, no model configured, an unknown run) is raised as a
ToolError: the agent reads the message, never a traceback.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from veriassist import __version__, hdl
from veriassist.spec import spec_interface
from veriassist.types import Candidate, CheckResult, Problem, Testbench

INSTRUCTIONS = """\
VeriAssist checks Verilog/SystemVerilog designs with a real simulator (Icarus Verilog).
Pass source text, not paths, to check_design, simulate_waveform, module_interface, lint
and fix_rtl. A testbench is Verilog (a `tb` comparing against a reference, or a
self-checking one) or a cocotb Python test module. generate_rtl and fix_rtl call the
language model configured for VeriAssist (VERIASSIST_MODEL, veriassist.toml)."""

server = MCPServer("veriassist", instructions=INSTRUCTIONS, version=__version__)


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
    judged_by: str = Field(description="golden (your testbench), own-testbench (the model's) or none")
    verdict: str
    rtl: str | None
    testbench: str | None = Field(description="the model's own cocotb testbench")
    stop_reason: str
    iterations: int
    feedback: str
    model: str
    stand_in: bool = Field(description="true when the 'model' is a scripted or replayed stand-in")
    tokens_in: int
    tokens_out: int


class BenchmarkReport(BaseModel):
    run_name: str
    db: str
    problems: int
    samples: int
    passed: int
    pass_at_1: float
    skipped: int = Field(description="samples a previous attempt of this run had already recorded")
    failing: dict[str, str] = Field(description="task id -> failure kind, for each failing sample 0")
    notes: list[str]


class RunSummary(BaseModel):
    name: str
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


# --- helpers -----------------------------------------------------------------------------------------------


@contextmanager
def _tool_errors() -> Iterator[None]:
    """Expected failures become ToolErrors with the stage's own message."""
    from veriassist.check.inputs import InputError
    from veriassist.eval.bench import BenchError
    from veriassist.eval.store import StoreError
    from veriassist.models import ModelError
    from veriassist.suites import SuiteError
    from veriassist.toolchain.runner import ToolMissing

    try:
        yield
    except ToolError:
        raise
    except (InputError, ToolMissing, hdl.HdlError, ModelError, BenchError, StoreError, SuiteError) as error:
        raise ToolError(str(error)) from error


def _is_cocotb(text: str) -> bool:
    return "import cocotb" in text or "from cocotb" in text


@contextmanager
def _inputs(
    rtl: str, testbench: str, reference: str | None, top: str | None
) -> Iterator[tuple[Candidate, Testbench]]:
    """Lay the texts out as files so the CLI's own loaders recognise them."""
    from veriassist.check.inputs import load_candidate, load_testbench

    if not rtl.strip():
        raise ToolError("rtl is empty: pass the design's source text")
    if not testbench.strip():
        raise ToolError("testbench is empty: pass a Verilog testbench or a cocotb test module")
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
    from veriassist.check.feedback import render_feedback

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
    from veriassist.check.checker import CheckOptions, check

    with _inputs(rtl, testbench, reference, top) as (candidate, loaded):
        return check(candidate, loaded, CheckOptions()), candidate


def _run_loop(
    problem: Problem, golden: bool, iterations: int, model: str | None, base_url: str | None
) -> LoopReport:
    from veriassist.agent.loop import run_loop  # late: the loop pulls in the model stack
    from veriassist.agent.outcome import LoopSettings
    from veriassist.models import make_model, resolve_settings

    if iterations < 1:
        raise ToolError("iterations must be at least 1")
    chat = make_model(resolve_settings({"model": model, "base_url": base_url}))
    # golden: the caller owns the testbench, so the model may see its results (AutoChip/MAGE style).
    settings = LoopSettings(iterations=iterations, feedback="golden" if golden else "own-testbench")
    outcome = run_loop(problem, chat, settings)
    return LoopReport(
        passed=outcome.passed,
        judged_by=outcome.judged_by,
        verdict=outcome.kind.value,
        rtl=outcome.rtl,
        testbench=outcome.testbench,
        stop_reason=outcome.stop_reason,
        iterations=len(outcome.iterations),
        feedback=outcome.feedback,
        model=chat.name,
        stand_in=bool(getattr(chat, "is_stand_in", False)),
        tokens_in=outcome.tokens_in,
        tokens_out=outcome.tokens_out,
    )


# --- tools -------------------------------------------------------------------------------------------------


@server.tool()
def check_design(
    rtl: str, testbench: str, reference: str | None = None, top: str | None = None
) -> CheckReport:
    """Compile and simulate a design against a testbench; return the verdict and the evidence.

    Args:
        rtl: the design's Verilog/SystemVerilog source.
        testbench: a Verilog testbench (VerilogEval-style `tb`, or self-checking) or a cocotb test module.
        reference: reference RTL a comparing testbench instantiates (e.g. RefModule).
        top: the design's top module (default: the module the testbench instantiates).
    """
    with _tool_errors():
        result, candidate = _check(rtl, testbench, reference, top)
        return _report(result, candidate)


@server.tool()
def simulate_waveform(
    rtl: str, testbench: str, reference: str | None = None, top: str | None = None
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


@server.tool()
def module_interface(source: str, module: str | None = None) -> InterfaceReport:
    """A module's ports (direction, width), parameters and header, read with pyslang."""
    with _tool_errors():
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


@server.tool()
def lint(source: str, name: str = "design.sv") -> LintReport:
    """Compile one file alone with iverilog -Wall (plus verible's lint when installed): its diagnostics."""
    import shutil

    from veriassist.toolchain.source_lint import lint_source  # the language server's lint too

    if Path(name).name != name or not name.endswith((".v", ".sv")):
        raise ToolError("name must be a bare file name ending in .v or .sv")
    with _tool_errors():
        found = lint_source(source, name)
        tools = ["iverilog"] + (["verible"] if shutil.which("verible-verilog-lint") else [])
        return LintReport(
            clean=not any(d.severity.value == "error" for d in found),
            diagnostics=_diagnostics(found),
            tools=tools,
        )


@server.tool()
def generate_rtl(
    spec: str,
    top: str | None = None,
    iterations: int = 5,
    model: str | None = None,
    base_url: str | None = None,
) -> LoopReport:
    """Generate RTL from a natural-language spec with VeriAssist's loop (model writes RTL + its own testbench,
    self-verifies, simulates, self-corrects). The model comes from `model` or VeriAssist's settings.
    """
    with _tool_errors():
        if not spec.strip():
            raise ToolError("spec is empty")
        stated = spec_interface(spec)
        name = top or (stated.module if stated is not None and stated.module else "TopModule")
        return _run_loop(
            Problem(task_id=name, spec=spec, top=name, suite="mcp"), False, iterations, model, base_url
        )


@server.tool()
def fix_rtl(
    rtl: str,
    testbench: str,
    reference: str | None = None,
    top: str | None = None,
    spec: str | None = None,
    iterations: int = 5,
    model: str | None = None,
    base_url: str | None = None,
) -> LoopReport:
    """Repair RTL until it passes your testbench, with the simulator's evidence fed back to the model."""
    with _tool_errors(), _inputs(rtl, testbench, reference, top) as (candidate, loaded):
        intent = spec or f"Module `{candidate.top}` must pass the given testbench."
        task = f"{intent}\n\nThe current implementation, which needs fixing:\n```verilog\n{rtl}\n```\n"
        problem = Problem(
            task_id=candidate.top, spec=task, top=candidate.top, testbench=loaded, suite="mcp",
            metadata={"initial_rtl": rtl},
        )  # fmt: skip
        return _run_loop(problem, True, iterations, model, base_url)


@server.tool()
def run_benchmark(
    suite_path: str,
    mode: Literal["reference", "samples"] = "reference",
    samples_path: str | None = None,
    db: str = "veriassist.db",
    run_name: str | None = None,
    limit: int | None = None,
    only: list[str] | None = None,
    jobs: int = 4,
) -> BenchmarkReport:
    """Score a suite (VerilogEval v1/v2, RTLLM, designs/): each problem's reference, or samples made elsewhere
    (`samples_path`: JSONL of task_id + completion). Records the run in the SQLite `db`.
    """
    from veriassist.eval.bench import BenchRequest, run_bench

    with _tool_errors():
        request = BenchRequest(
            suite_path=Path(suite_path).expanduser(),
            mode=mode,
            samples_path=Path(samples_path).expanduser() if samples_path else None,
            db=Path(db).expanduser(),
            run_name=run_name,
            limit=limit,
            only=tuple(only or ()),
            jobs=jobs,
        )
        result = run_bench(request)
        return BenchmarkReport(
            run_name=result.run.name,
            db=str(request.db.resolve()),
            problems=result.metrics.n_problems,
            samples=result.metrics.n_samples,
            passed=result.metrics.n_passed,
            pass_at_1=float(result.metrics.pass_at_1),
            skipped=result.skipped,
            failing={r.task_id: r.kind.value for r in result.records if not r.passed and r.sample == 0},
            notes=list(result.notes),
        )


@server.tool()
def summarize_run(run_name: str, db: str = "veriassist.db") -> RunSummary:
    """Summarise a recorded run: pass@k, pass rate after each try, the failure histogram and the cost."""
    from veriassist.eval.metrics import compute
    from veriassist.eval.store import Store

    path = Path(db).expanduser()
    if not path.is_file():
        raise ToolError(f"no database at {path}")  # opening would create an empty one
    with _tool_errors(), Store(path) as store:
        run = store.get_run(run_name)
        samples = store.samples(run.id)
        metrics = compute(samples, store.iterations(run.id))
        return RunSummary(
            name=run.name,
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


def mcp_command() -> None:
    """Serve the tools on stdin/stdout."""
    server.run("stdio")
