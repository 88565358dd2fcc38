"""Check one candidate design against one testbench: the operation everything rests on.

The stages run in order and each can end the check early:
static check -> interface check -> compile -> simulate -> read the verdict -> waveform.
"""

from __future__ import annotations

import functools
import hashlib
import shlex
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from veriassist import hdl
from veriassist.check import cocotb_sim
from veriassist.check.verdict import new_nonce, read_simulation, scan_error_lines, stamp_testbench
from veriassist.hdl.static_check import check_candidate
from veriassist.toolchain import icarus, runner
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import (
    Candidate,
    CheckResult,
    Diagnostic,
    FailureKind,
    Interface,
    Severity,
    SourceFile,
    Testbench,
    TestbenchStyle,
)


@dataclass(frozen=True)
class CheckOptions:
    timeout_s: float = 30.0  # simulation wall clock, as upstream VerilogEval's `timeout 30`
    compile_timeout_s: float = 60.0
    sandbox: bool = True
    waveform: bool = True
    keep_workdir: bool = False  # leave the work dir for inspection (its path goes in the logs)
    limits: runner.Limits = field(default_factory=runner.Limits)


def check(
    candidate: Candidate,
    testbench: Testbench,
    options: CheckOptions | None = None,
    *,
    expected_interface: Interface | None = None,
    expected_samples: int | None = None,
) -> CheckResult:
    """Compile and simulate `candidate` against `testbench`; never raises for a bad candidate.

    `expected_samples` is the reference's sample count when the caller already knows it
    (the suite lint just ran the reference): it saves the run that would count them.

    Raises:
        runner.ToolMissing: iverilog/vvp (or python for cocotb) is not installed.
    """
    options = options or CheckOptions()
    started = time.perf_counter()
    early = _refuse_early(candidate, testbench, expected_interface)
    if early is not None:
        return replace(early, timings={"static_s": time.perf_counter() - started})
    if testbench.style is TestbenchStyle.COCOTB:
        result = cocotb_sim.run_cocotb(candidate, testbench, options)
    else:
        expected = expected_samples
        if expected is None and needs_reference_run(candidate, testbench):
            expected = reference_samples(candidate.top, testbench, options)
        result = _check_verilog(candidate, testbench, options, expected_samples=expected)
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
    findings = check_candidate(((f.name, f.text) for f in candidate.files), reserved)
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
    expected = expected_interface or _reference_interface(testbench)
    if expected is not None:
        try:
            actual = hdl.module_interface(_joined(candidate), candidate.top)
        except hdl.HdlError:
            return None  # the compiler will say what is wrong, with better messages
        differences = hdl.interface_differences(replace(expected, module=candidate.top), actual)
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


def _testbench_modules(testbench: Testbench) -> set[str]:
    names: set[str] = set()
    if testbench.style is not TestbenchStyle.COCOTB:
        for f in testbench.files:
            names.update(_module_names(f.text))
    if testbench.reference_module:
        names.add(testbench.reference_module)
    return names


# The testbench and reference are the same for every candidate of a problem: parse them once.
@functools.lru_cache(maxsize=512)
def _module_names(text: str) -> tuple[str, ...]:
    try:
        return tuple(hdl.module_names(text))
    except hdl.HdlError:
        return ()


@functools.lru_cache(maxsize=256)
def _interface_of(text: str, module: str | None) -> Interface | None:
    try:
        return hdl.module_interface(text, module)
    except hdl.HdlError:
        return None


@functools.lru_cache(maxsize=256)
def _renamed(text: str, old: str, new: str) -> str:
    return hdl.rename_module(text, old, new)


def _reference_interface(testbench: Testbench) -> Interface | None:
    if testbench.reference is None:
        return None
    return _interface_of(testbench.reference.text, _reference_top(testbench))


def _reference_top(testbench: Testbench) -> str | None:
    """The reference's own module name, before any renaming."""
    assert testbench.reference is not None
    names = _module_names(testbench.reference.text)
    if testbench.reference_module in names:
        return testbench.reference_module
    return names[-1] if names else None


def _check_verilog(
    candidate: Candidate,
    testbench: Testbench,
    options: CheckOptions,
    *,
    expected_samples: int | None,
) -> CheckResult:
    sandbox = Sandbox(options.sandbox)
    # Absolute paths: the shell would otherwise try each PATH entry in turn.
    iverilog, vvp = runner.require_tool("iverilog"), runner.require_tool("vvp")
    nonce = new_nonce()
    timings: dict[str, float] = {}
    with work_dir(options.keep_workdir) as work:
        sources, names = _lay_out(work, candidate, testbench, nonce)
        # Compile and simulate in one sandboxed process: a sandbox costs milliseconds per start.
        # A nonce-stamped marker between them says where the compiler's output ends, and
        # starts the simulation's own clock.
        marker = f"{nonce}compile-exit="
        script = (
            f"{shlex.join([iverilog, *icarus.compile_argv(sources, testbench.toplevel)[1:]])} 2>&1; rc=$?; "
            f'echo "{marker}$rc"; [ $rc -eq 0 ] || exit $rc; '
            f"exec {shlex.join([vvp, *icarus.simulate_argv()[1:]])} 2>&1"
        )
        limits = replace(options.limits, wall_s=options.compile_timeout_s + options.timeout_s)
        simulation = runner.Phase(marker.encode(), options.timeout_s)
        ran = runner.run(["/bin/sh", "-c", script], work, limits=limits, sandbox=sandbox, phase=simulation)
        compile_log, found, sim_log = ran.output.partition(marker)
        exit_text, _, sim_log = sim_log.partition("\n")
        compiled_ok = found and exit_text.strip() == "0"
        timings["compile_simulate_s"] = ran.duration_s
        diagnostics = icarus.parse_diagnostics(compile_log, names)
        if not compiled_ok:
            failed = _compile_failure(compile_log, ran.timed_out, diagnostics, timings, sandbox.active)
            return replace(failed, workdir=work if options.keep_workdir else None)
        reading = read_simulation(
            testbench.style,
            compile_log,
            sim_log,
            nonce,
            _joined(candidate),
            timed_out=ran.timed_out,
            returncode=ran.returncode,
            expected_samples=expected_samples,
        )
        diagnostics += icarus.parse_diagnostics(sim_log, names, simulation=True)
        waveform = ""
        wave = work / "wave.vcd"
        if options.waveform and reading.kind is not FailureKind.PASS and wave.is_file():
            wave_started = time.perf_counter()
            waveform = _waveform(wave, reading.first_mismatch_time)
            timings["waveform_s"] = time.perf_counter() - wave_started
    passed = reading.kind is FailureKind.PASS
    return CheckResult(
        passed=passed,
        kind=reading.kind,
        diagnostics=tuple(diagnostics),
        mismatches=reading.mismatches,
        total_mismatches=reading.total_mismatches,
        samples=reading.samples,
        first_mismatch_time=reading.first_mismatch_time,
        waveform=waveform,
        compile_log=compile_log,
        sim_log=sim_log.replace(nonce, ""),
        timings=timings,
        sandboxed=sandbox.active,
        summary=_summary(reading.kind, reading.samples, reading.total_mismatches, reading.reason),
        workdir=work if options.keep_workdir else None,
    )


def _lay_out(
    work: Path, candidate: Candidate, testbench: Testbench, nonce: str
) -> tuple[list[str], dict[str, str]]:
    """Write the sources into the work dir; candidate last, so its `define`s cannot reach the testbench."""
    sources: list[str] = []
    names: dict[str, str] = {}  # path as iverilog prints it -> name the user knows
    for sub in ("tb", "ref", "dut"):
        (work / sub).mkdir()
    for f in testbench.files:
        path = f"tb/{f.name}"
        (work / path).write_text(stamp_testbench(f.text, nonce))
        sources.append(path)
        names[path] = f.name
    if testbench.reference is not None and testbench.reference_module:
        ref_text = testbench.reference.text
        old = _reference_top(testbench)
        if old and old != testbench.reference_module:
            ref_text = _renamed(ref_text, old, testbench.reference_module)
        path = f"ref/{testbench.reference.name}"
        (work / path).write_text(ref_text)
        sources.append(path)
        names[path] = testbench.reference.name
    for f in candidate.files:
        path = f"dut/{f.name}"
        (work / path).write_text(f.text)
        sources.append(path)
        names[path] = f.name
    for support in testbench.support_files:
        shutil.copy(support, work / support.name)
    return sources, names


def _compile_failure(
    compile_log: str,
    timed_out: bool,
    diagnostics: list[Diagnostic],
    timings: dict[str, float],
    sandboxed: bool,
) -> CheckResult:
    if timed_out:
        kind = FailureKind.TIMEOUT
    else:
        kind = scan_error_lines(compile_log.splitlines()) or FailureKind.COMPILE_ERROR
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    first = errors[0] if errors else None
    where = f" ({first.file}:{first.line}: {first.message})" if first else ""
    return CheckResult(
        passed=False,
        kind=kind,
        diagnostics=tuple(diagnostics),
        compile_log=compile_log,
        timings=timings,
        sandboxed=sandboxed,
        summary=f"compilation failed: {kind.value}{where}",
    )


def _summary(kind: FailureKind, samples: int | None, total: int | None, reason: str) -> str:
    if kind is FailureKind.PASS:
        return f"passed: 0 mismatches in {samples} samples" if samples else "passed"
    if kind in (FailureKind.MISMATCH, FailureKind.MISMATCH_WITH_RESET) and samples:
        return f"failed: {total} of {samples} samples mismatch"
    return f"failed: {kind.value}" + (f": {reason}" if reason else "")


def _waveform(vcd: Path, around: int | None) -> str:
    try:
        from veriassist.toolchain.vcd import waveform_window
    except ImportError:  # pragma: no cover - the waveform stage is optional
        return ""
    return waveform_window(vcd, around)


# The reference's sample count, so a candidate that ends the run early cannot pass.
_expected_cache: dict[str, int | None] = {}
_expected_lock = threading.Lock()


def _reference_as(top: str, testbench: Testbench) -> str:
    assert testbench.reference is not None
    old = _reference_top(testbench)
    text = testbench.reference.text
    return _renamed(text, old, top) if old and old != top else text


def counts_samples(testbench: Testbench) -> bool:
    """True when a candidate's sample count is held to the reference's (a comparing testbench)."""
    return testbench.style is TestbenchStyle.COMPARE and testbench.reference is not None


def is_the_reference(candidate: Candidate, testbench: Testbench) -> bool:
    """True when `candidate` is the testbench's reference, so that its run is the reference run."""
    return counts_samples(testbench) and _joined(candidate) == _reference_as(candidate.top, testbench)


def needs_reference_run(candidate: Candidate, testbench: Testbench) -> bool:
    """True when judging `candidate` needs the reference's sample count from a run of its own."""
    return counts_samples(testbench) and not is_the_reference(candidate, testbench)


def reference_key(top: str, testbench: Testbench) -> str:
    """What a reference sample count depends on: the top's name, the reference and the testbench."""
    assert testbench.reference is not None
    parts = [top, testbench.reference.text, *(f.text for f in testbench.files)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def remember_reference_samples(top: str, testbench: Testbench, samples: int | None) -> None:
    """Seed this process's cache with a count another process already measured (a bench worker)."""
    if testbench.reference is not None:
        with _expected_lock:
            _expected_cache[reference_key(top, testbench)] = samples


def counted_reference_samples(top: str, testbench: Testbench) -> int | None:
    """The count this process has for the reference (None: not run yet, or it did not pass)."""
    if testbench.reference is None:
        return None
    with _expected_lock:
        return _expected_cache.get(reference_key(top, testbench))


def reference_samples(top: str, testbench: Testbench, options: CheckOptions) -> int | None:
    """How many samples the reference shows under `testbench` (None: no count to hold a candidate to).

    Runs the reference once per process and testbench; later calls read the cache.
    """
    if testbench.style is not TestbenchStyle.COMPARE or testbench.reference is None:
        return None
    key = reference_key(top, testbench)
    with _expected_lock:
        if key in _expected_cache:
            return _expected_cache[key]
    as_candidate = Candidate((SourceFile("reference_as_dut.sv", _reference_as(top, testbench)),), top)
    quiet = replace(options, waveform=False, keep_workdir=False)
    result = _check_verilog(as_candidate, testbench, quiet, expected_samples=None)
    expected = result.samples if result.passed else None
    with _expected_lock:
        _expected_cache[key] = expected
    return expected


def compile_only(
    candidate: Candidate, options: CheckOptions | None = None, *, expected_interface: Interface | None = None
) -> CheckResult:
    """Static checks plus an Icarus compile of the candidate alone: the evidence when no testbench exists."""
    options = options or CheckOptions()
    empty = Testbench(TestbenchStyle.COMPARE, ())
    early = _refuse_early(candidate, empty, expected_interface)
    if early is not None:
        return early
    sandbox = Sandbox(options.sandbox)
    runner.require_tool("iverilog")
    with work_dir(options.keep_workdir) as work:
        sources, names = _lay_out(work, candidate, empty, new_nonce())
        limits = replace(options.limits, wall_s=options.compile_timeout_s)
        compiled = runner.run(
            icarus.compile_argv(sources, candidate.top), work, limits=limits, sandbox=sandbox
        )
    diagnostics = icarus.parse_diagnostics(compiled.output, names)
    timings = {"compile_s": compiled.duration_s}
    if compiled.returncode != 0 or compiled.timed_out:
        return _compile_failure(compiled.output, compiled.timed_out, diagnostics, timings, sandbox.active)
    return CheckResult(
        passed=True,
        kind=FailureKind.PASS,
        diagnostics=tuple(diagnostics),
        compile_log=compiled.output,
        timings=timings,
        sandboxed=sandbox.active,
        summary="compiles (no testbench was run)",
    )
