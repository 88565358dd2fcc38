"""Check one candidate design against one testbench: the operation everything rests on.

The stages run in order and each can end the check early:
static check -> interface check -> the simulator (compile, simulate, verdict, waveform).
"""

from __future__ import annotations

import time
from dataclasses import replace

from veriassist import hdl
from veriassist.check.simulation import (
    CheckOptions,
    compile_failure,
    interface_of,
    lay_out,
    module_names,
    reference_top,
)
from veriassist.check.simulators import simulator_for
from veriassist.hdl.static_check import check_candidate
from veriassist.toolchain import icarus, runner
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import (
    Candidate,
    CheckResult,
    FailureKind,
    Interface,
    SourceFile,
    Testbench,
    TestbenchStyle,
)

__all__ = ["CheckOptions", "check", "compile_only"]


def check(
    candidate: Candidate,
    testbench: Testbench,
    options: CheckOptions | None = None,
    *,
    expected_samples: int | None,
    expected_interface: Interface | None = None,
) -> CheckResult:
    """Compile and simulate `candidate` against `testbench`; never raises for a bad candidate.

    Args:
        expected_samples: how many samples the reference shows under a comparing testbench,
            which the candidate must show too (a run that ends early shows fewer); None when
            there is no such count. Get it from check.reference_counts (one simulation of the
            reference, cached): this function runs only the candidate's simulation.

    Raises:
        runner.ToolMissing: iverilog/vvp (or python for cocotb) is not installed.
    """
    options = options or CheckOptions()
    started = time.perf_counter()
    early = _refuse_early(candidate, testbench, expected_interface)
    if early is not None:
        return replace(early, timings={"static_s": time.perf_counter() - started})
    result = simulator_for(testbench).run(candidate, testbench, options, expected_samples=expected_samples)
    result.timings["static_s"] = time.perf_counter() - started - sum(result.timings.values())
    result.timings["total_s"] = time.perf_counter() - started
    return result


def _refuse_early(
    candidate: Candidate, testbench: Testbench, expected_interface: Interface | None
) -> CheckResult | None:
    """Static and interface checks: cheap reasons not to simulate at all."""
    if not candidate.files or not any(f.text.strip() for f in candidate.files):
        return _fail(FailureKind.NO_MODULE, "the candidate is empty: it contains no Verilog module")
    reserved = _testbench_modules(testbench)
    # Icarus compiles these ahead of the design, so their macros would reach its `ifdef`s.
    before = [f.text for f in _compiled_files(testbench)]
    if testbench.reference is not None:
        before.append(testbench.reference.text)
    findings = check_candidate(((f.name, f.text) for f in candidate.files), reserved, before)
    if findings.rejections and not findings.modules:  # too large or unreadable: nothing was parsed
        return CheckResult(
            passed=False,
            kind=FailureKind.REJECTED,
            rejections=findings.rejections,
            summary="rejected by the static check: " + findings.rejections[0],
        )
    if not findings.modules:
        return _fail(FailureKind.NO_MODULE, "the candidate contains no `module ... endmodule`")
    if candidate.top not in findings.modules:
        found = ", ".join(f"`{m}`" for m in findings.modules)
        return _fail(
            FailureKind.WRONG_MODULE_NAME,
            f"the design must define module `{candidate.top}`, but it defines {found}",
        )
    if findings.rejections:
        return CheckResult(
            passed=False,
            kind=FailureKind.REJECTED,
            rejections=findings.rejections,
            summary="rejected by the static check: " + findings.rejections[0],
        )
    # Every interface message names where the expected ports came from.
    expected, source = (
        (expected_interface, "spec") if expected_interface else (_reference_interface(testbench), "reference")
    )
    if expected is not None:
        actual = interface_of(_joined(candidate), candidate.top)
        if actual is None:
            return None  # the compiler will say what is wrong, with better messages
        differences = hdl.interface_differences(
            replace(expected, module=candidate.top), actual, expected_label=source
        )
        if differences:
            return CheckResult(
                passed=False,
                kind=FailureKind.PORT_MISMATCH,
                rejections=tuple(differences),
                summary="the interface does not match: " + differences[0],
            )
    return None


def _fail(kind: FailureKind, summary: str) -> CheckResult:
    return CheckResult(passed=False, kind=kind, rejections=(summary,), summary=summary)


def _joined(candidate: Candidate) -> str:
    return "\n".join(f.text for f in candidate.files)


def _compiled_files(testbench: Testbench) -> tuple[SourceFile, ...]:
    """The testbench files Icarus may compile: none of a cocotb one's, and only the Verilog of a
    CVDP harness (its docs and Python would read as prose modules: "the module fifo has...")."""
    if testbench.style is TestbenchStyle.COCOTB:
        return ()
    if testbench.style is TestbenchStyle.CVDP:
        return tuple(f for f in testbench.files if f.name.endswith((".v", ".sv", ".vh", ".svh")))
    return testbench.files


def _testbench_modules(testbench: Testbench) -> set[str]:
    names: set[str] = set()
    for f in _compiled_files(testbench):
        names.update(module_names(f.text))
    if testbench.reference_module:
        names.add(testbench.reference_module)
    return names


def _reference_interface(testbench: Testbench) -> Interface | None:
    if testbench.reference is None:
        return None
    return interface_of(testbench.reference.text, reference_top(testbench))


def compile_only(
    candidate: Candidate, options: CheckOptions | None = None, *, expected_interface: Interface | None = None
) -> CheckResult:
    """Static checks plus an Icarus compile of the candidate alone: the evidence when no testbench exists."""
    options = options or CheckOptions()
    empty = Testbench(TestbenchStyle.COMPARE, ())
    early = _refuse_early(candidate, empty, expected_interface)
    if early is not None:
        return early
    sandbox = Sandbox(options.sandbox, python=False)
    runner.require_tool("iverilog")
    with work_dir(options.keep_workdir) as work:
        layout = lay_out(work, candidate, empty)
        limits = replace(options.limits, wall_s=options.compile_timeout_s)
        compiled = runner.run(
            icarus.compile_argv(layout.sources, candidate.top), work, limits=limits, sandbox=sandbox
        )
    diagnostics = icarus.parse_diagnostics(compiled.output, layout.names)
    timings = {"compile_s": compiled.duration_s}
    if compiled.returncode != 0 or compiled.timed_out:
        return compile_failure(compiled.output, compiled.timed_out, diagnostics, timings, sandbox.active)
    return CheckResult(
        passed=True,
        kind=FailureKind.PASS,
        diagnostics=tuple(diagnostics),
        compile_log=compiled.output,
        timings=timings,
        sandboxed=sandbox.active,
        summary="compiles (no testbench was run)",
    )
