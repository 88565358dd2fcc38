"""The simulators a check can run, one class each, behind one `Simulator` protocol.

A simulator lays out the work dir, compiles, simulates and reads the verdict; it runs no
static check (checker.check does that first) and never runs a second simulation. Tool
argv comes from toolchain/icarus.py; processes are run by toolchain/runner.py only.
Adding a simulator (Verilator, say) means adding one class and one entry in `_BY_STYLE`.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from veriassist.check.cocotb_sim import Cocotb
from veriassist.check.cvdp_harness import CvdpHarness
from veriassist.check.simulation import CheckOptions, compile_failure, is_the_reference, lay_out, waveform
from veriassist.check.unchecked import Probe, probe_for, unchecked_warnings, watch_saw_disagreement
from veriassist.check.verdict import (
    RunSecret,
    SimulationReading,
    marks_finish,
    read_banner,
    read_compare,
    stamp_testbench_as,
)
from veriassist.toolchain import icarus, ivl_stages, runner
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import Candidate, CheckResult, FailureKind, Testbench, TestbenchStyle


class Simulator(Protocol):
    name: str

    def run(
        self,
        candidate: Candidate,
        testbench: Testbench,
        options: CheckOptions,
        *,
        expected_samples: int | None,
    ) -> CheckResult:
        """Compile and simulate `candidate` against `testbench`; never raises for a bad candidate.

        Raises:
            runner.ToolMissing: a tool the simulator needs is not installed.
        """
        ...


class _IcarusVerilog:
    """iverilog + vvp on a Verilog testbench whose prints are stamped with a run-time nonce."""

    name = "icarus"

    def run(
        self,
        candidate: Candidate,
        testbench: Testbench,
        options: CheckOptions,
        *,
        expected_samples: int | None,
    ) -> CheckResult:
        # The reference itself cannot differ from the reference: no probe for a suite's sanity run.
        wanted = options.unchecked and not is_the_reference(candidate, testbench)
        probe = probe_for(candidate, testbench) if wanted else None
        result, disagreed = self._run(candidate, testbench, options, expected_samples, probe)
        if probe is not None and result.kind.is_compile_failure and probe.file in result.compile_log:
            # The probe, not the design, failed to compile (a testbench shape it misread): without it.
            result, _ = self._run(candidate, testbench, options, expected_samples, None)
        elif disagreed:
            # A pass whose outputs the watch saw differ from the reference's: once more with them
            # dumped, to say which bits differ and when. The verdict stays the first run's.
            started = time.perf_counter()
            dumped, _ = self._run(candidate, testbench, options, expected_samples, probe, dumping=True)
            timings = {**result.timings, "unchecked_s": time.perf_counter() - started}
            result = replace(result, warnings=dumped.warnings, timings=timings)
        return result

    def _run(
        self,
        candidate: Candidate,
        testbench: Testbench,
        options: CheckOptions,
        expected_samples: int | None,
        probe: Probe | None,
        *,
        dumping: bool = False,
    ) -> tuple[CheckResult, bool]:
        """The result, and whether a pass's probe watch saw an output differ from the reference."""
        sandbox = Sandbox(options.sandbox, python=False)  # iverilog and vvp: no Python to read
        # Absolute paths: the shell would otherwise try each PATH entry in turn.
        iverilog, vvp = runner.require_tool("iverilog"), runner.require_tool("vvp")
        secret = RunSecret.new()
        timings: dict[str, float] = {}
        with work_dir(options.keep_workdir) as work:
            layout = lay_out(
                work,
                candidate,
                testbench,
                stamp=lambda text: stamp_testbench_as(text, secret.module),
                trusted={
                    f"{secret.module}.v": secret.helper,
                    **({probe.file: probe.source if dumping else probe.watch} if probe else {}),
                },
            )
            tops = [testbench.toplevel, secret.module, *([probe.module] if probe else [])]
            compile_argv, piped = _compile_argv(iverilog, work, layout.sources, tops)
            simulate_argv = [vvp, *icarus.simulate_argv(plusargs=[secret.plusarg])[1:]]
            # Compile and simulate in one sandboxed launch: a sandbox costs milliseconds per start.
            # A marker between them says where the compiler's output ends and starts the
            # simulation's own clock; it carries the nonce, so the candidate cannot print it early.
            marker = f"{secret.nonce}compile-exit="
            then = runner.Then(marker, simulate_argv, piped=piped)
            limits = replace(options.limits, wall_s=options.compile_timeout_s + options.timeout_s)
            phase = runner.Phase(marker.encode(), options.timeout_s)
            ran = runner.run(compile_argv, work, limits=limits, sandbox=sandbox, phase=phase, then=then)
            if stalled(ran, options.timeout_s):
                # Wall-clock limits are what the suites use, but a run the machine's load held
                # back (little CPU spent) is no verdict on the design: run it once more.
                timings["retried_timeout_s"] = ran.duration_s
                ran = runner.run(compile_argv, work, limits=limits, sandbox=sandbox, phase=phase, then=then)
            compile_log, found, sim_log = ran.output.partition(marker)
            exit_text, _, sim_log = sim_log.partition("\n")
            timings["compile_simulate_s"] = ran.duration_s
            diagnostics = icarus.parse_diagnostics(compile_log, layout.names)
            kept = work if options.keep_workdir else None
            if not (found and exit_text.strip() == "0"):
                failed = compile_failure(compile_log, ran.timed_out, diagnostics, timings, sandbox.active)
                return replace(failed, workdir=kept), False
            reading = self.read(
                compile_log,
                sim_log,
                secret.nonce,
                candidate,
                timed_out=ran.timed_out,
                returncode=ran.returncode,
                expected_samples=expected_samples,
                finish_marked=ends_marked(testbench),
            )
            if ran.timed_out:
                reading = replace(reading, reason=wall_clock_reason(ran, options.timeout_s, timings))
            diagnostics += icarus.parse_diagnostics(sim_log, layout.names, simulation=True)
            wave, dump = "", None
            if reading.kind is not FailureKind.PASS:
                wave, dump = waveform(work, reading.first_mismatch_time, options, timings)
            passed = reading.kind is FailureKind.PASS
            warnings = unchecked_warnings(work, probe, timings) if probe and passed and dumping else ()
            disagreed = False
            if probe is not None and passed and not dumping:
                started = time.perf_counter()
                disagreed = watch_saw_disagreement(work, probe)
                timings["unchecked_s"] = time.perf_counter() - started
        result = CheckResult(
            passed=reading.kind is FailureKind.PASS,
            kind=reading.kind,
            diagnostics=tuple(diagnostics),
            mismatches=reading.mismatches,
            total_mismatches=reading.total_mismatches,
            samples=reading.samples,
            first_mismatch_time=reading.first_mismatch_time,
            waveform=wave,
            dump=dump,
            compile_log=compile_log,
            sim_log=sim_log.replace(secret.nonce, ""),
            timings=timings,
            sandboxed=sandbox.active,
            summary=_summary(reading),
            workdir=kept,
            warnings=warnings,
        )
        return result, disagreed

    def read(
        self,
        compile_log: str,
        sim_log: str,
        nonce: str,
        candidate: Candidate,
        *,
        timed_out: bool,
        returncode: int,
        expected_samples: int | None,
        finish_marked: bool,
    ) -> SimulationReading:
        raise NotImplementedError


class IcarusCompare(_IcarusVerilog):
    """A VerilogEval-style testbench that compares against a reference and prints `Mismatches: N in M samples`."""

    def read(
        self,
        compile_log: str,
        sim_log: str,
        nonce: str,
        candidate: Candidate,
        *,
        timed_out: bool,
        returncode: int,
        expected_samples: int | None,
        finish_marked: bool,
    ) -> SimulationReading:
        text = "\n".join(f.text for f in candidate.files)
        return read_compare(
            compile_log,
            sim_log,
            nonce,
            text,
            timed_out=timed_out,
            returncode=returncode,
            expected_samples=expected_samples,
            finish_marked=finish_marked,
        )


class IcarusBanner(_IcarusVerilog):
    """An RTLLM-style self-checking testbench that prints a pass banner."""

    def read(
        self,
        compile_log: str,
        sim_log: str,
        nonce: str,
        candidate: Candidate,
        *,
        timed_out: bool,
        returncode: int,
        expected_samples: int | None,
        finish_marked: bool,
    ) -> SimulationReading:
        return read_banner(compile_log, sim_log, nonce, timed_out=timed_out, returncode=returncode)


def _compile_argv(iverilog: str, work: Path, sources: list[str], tops: list[str]) -> tuple[list[str], int]:
    """The compile's words, and how many of them are the preprocessor writing into the compiler:
    iverilog's two stages with its own configuration when they are known to match it (saving
    the driver's and its shell's starts), else the driver itself (0)."""
    stages = ivl_stages.stages(iverilog)
    if stages is None:
        return [iverilog, *icarus.compile_argv(sources, tops[0], more_tops=tops[1:])[1:]], 0
    for name, text in stages.files(sources, tops, "sim.vvp").items():
        (work / name).write_text(text)
    return stages.argv()


def ends_marked(testbench: Testbench) -> bool:
    """True when the (stamped) testbench ends the run with a `$finish` of its own, which marks its end."""
    return any(marks_finish(f.text) for f in testbench.files)


# A timed-out run that used less CPU than this share of its limit was held back by other load.
STALLED_CPU_SHARE = 0.5


def stalled(ran: runner.ProcessResult, limit_s: float) -> bool:
    """True when `ran` timed out while its CPU time stayed far below `limit_s` (a loaded machine,
    not a design that runs forever); unknown CPU time counts as not stalled."""
    return ran.timed_out and ran.cpu_s is not None and ran.cpu_s < STALLED_CPU_SHARE * limit_s


def wall_clock_reason(ran: runner.ProcessResult, limit_s: float, timings: dict[str, float]) -> str:
    """Which limit fired when our clock stopped a run, and whether it had a second chance."""
    used = f", using {ran.cpu_s:.1f} s of CPU" if ran.cpu_s is not None else ""
    again = (
        " (also on a retry: the first run was held back by load)" if "retried_timeout_s" in timings else ""
    )
    return f"our wall-clock limit fired: the simulation ran past {limit_s:g} s{used}{again}"


_BY_STYLE: dict[TestbenchStyle, Simulator] = {
    TestbenchStyle.COMPARE: IcarusCompare(),
    TestbenchStyle.BANNER: IcarusBanner(),
    TestbenchStyle.COCOTB: Cocotb(),
    TestbenchStyle.CVDP: CvdpHarness(),
}


def simulator_for(testbench: Testbench) -> Simulator:
    return _BY_STYLE[testbench.style]


def _summary(reading: SimulationReading) -> str:
    kind, samples, total = reading.kind, reading.samples, reading.total_mismatches
    if kind is FailureKind.PASS:
        return f"passed: 0 mismatches in {samples} samples" if samples else "passed"
    if kind in (FailureKind.MISMATCH, FailureKind.MISMATCH_WITH_RESET) and samples:
        return f"failed: {total} of {samples} samples mismatch"
    return f"failed: {kind.value}" + (f": {reading.reason}" if reading.reason else "")
