"""cocotb 2.x testbenches (what the agent writes): lay out, run the driver, read its stamped report."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from veriassist.check.simulation import CheckOptions, compile_failure, lay_out, waveform
from veriassist.check.verdict import new_nonce
from veriassist.toolchain import icarus, runner
from veriassist.toolchain.cocotb_driver import BUILD_FAILED, TEST_FAILED_TO_RUN
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import Candidate, CheckResult, FailureKind, Testbench, TestOutcome

# An extra top that dumps the design's signals, so a failure comes with a waveform.
_DUMP_MODULE = """module va_wave_dump();
initial begin
  $dumpfile("wave.vcd");
  $dumpvars(0, {top});
end
endmodule
"""


class Cocotb:
    """cocotb's Icarus runner, driven by toolchain/cocotb_driver.py in a sandboxed process."""

    name = "cocotb"

    def run(
        self,
        candidate: Candidate,
        testbench: Testbench,
        options: CheckOptions,
        *,
        expected_samples: int | None,
    ) -> CheckResult:
        sandbox = Sandbox(options.sandbox)
        runner.require_tool("iverilog")
        runner.require_tool("vvp")
        nonce = new_nonce()
        with work_dir(options.keep_workdir) as work:
            layout = lay_out(
                work, candidate, testbench, trusted={"va_wave_dump.v": _DUMP_MODULE.format(top=candidate.top)}
            )
            # The driver reads the nonce and deletes the file before the simulation starts.
            nonce_file = work / "nonce"
            nonce_file.write_text(nonce)
            nonce_file.chmod(0o600)
            config = {
                "sources": [str(work / path) for path in layout.sources],
                "toplevel": candidate.top,
                "build_args": ["-s", "va_wave_dump", *icarus.COMPILE_FLAGS[:3]],
                "build_dir": str(work / "build"),
                "test_module": Path(testbench.files[0].name).stem,
                "test_dir": str(work),
                "nonce_file": str(nonce_file),
                "seed": 1,
            }
            env = runner.clean_env(
                {
                    "PYTHONPATH": str(work / "tb"),
                    "PYTHONDONTWRITEBYTECODE": "1",
                    # cocotb imports pytest for assertion rewriting; installed pytest plugins
                    # (langsmith, pytest-lsp, ...) would add seconds to every run.
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                }
            )
            return run_driver(
                config,
                work,
                env,
                options,
                sandbox,
                nonce,
                names=layout.names,
                scope=candidate.top,
                what="cocotb",
            )


def run_driver(
    config: dict[str, Any],
    work: Path,
    env: dict[str, str],
    options: CheckOptions,
    sandbox: Sandbox,
    nonce: str,
    *,
    names: Mapping[str, str],
    scope: str,
    what: str,
) -> CheckResult:
    """Run toolchain/cocotb_driver.py on `config` in the sandbox and judge only its nonce-stamped
    report: the verdict of every cocotb-based testbench (ours, and CVDP harnesses as `what`)."""
    (work / "config.json").write_text(json.dumps(config))
    limits = replace(options.limits, wall_s=options.timeout_s + options.compile_timeout_s)
    argv = [sys.executable, "-m", "veriassist.toolchain.cocotb_driver", str(work / "config.json")]
    ran = runner.run(argv, work, limits=limits, sandbox=sandbox, env=env)
    report = _report(ran.stdout, nonce)
    log = "\n".join(line for line in ran.output.splitlines() if nonce not in line)
    diagnostics = icarus.parse_diagnostics(log, names)
    timings = {"cocotb_s": ran.duration_s}
    common: dict[str, Any] = dict(
        compile_log=log,
        timings=timings,
        sandboxed=sandbox.active,
        diagnostics=tuple(diagnostics),
        workdir=work if options.keep_workdir else None,
    )
    if ran.timed_out:
        summary = f"failed: the {what} run did not finish in time"
        return CheckResult(False, FailureKind.TIMEOUT, summary=summary, **common)
    if report is None or report.get("stage") == "build":
        if report is not None or BUILD_FAILED in log:
            failed_build = compile_failure(log, False, diagnostics, timings, sandbox.active)
            return replace(failed_build, workdir=common["workdir"])
        summary = f"failed: the cocotb driver gave no verdict (exit code {ran.returncode})"
        return CheckResult(False, FailureKind.SIMULATOR_CRASH, summary=summary, **common)
    tests = _outcomes(report)
    failed = [t for t in tests if not t.passed]
    wave, dump = "", None
    if failed:
        first = failed[0]
        around = int(first.sim_time_ns * 1000) if first.sim_time_ns is not None else None  # VCD: ps
        wave, dump = waveform(Path(str(config["test_dir"])), around, options, timings, scope=scope)
    common.update(tests=tuple(tests), waveform=wave, dump=dump)  # the defaults when nothing failed
    if report.get("stage") != "done":
        # The simulator failed ($fatal, a crash, a signal): whatever results it left, no pass.
        error = str(report.get("error", ""))[:500]
        summary = f"failed: the simulator did not finish cleanly ({error})"
        return CheckResult(False, FailureKind.SIMULATOR_CRASH, summary=summary, **common)
    if not tests:
        kind = FailureKind.SIMULATOR_CRASH if TEST_FAILED_TO_RUN in log else FailureKind.TESTBENCH_ERROR
        return CheckResult(False, kind, summary=f"failed: the {what} testbench ran no test", **common)
    if failed:
        summary = f"failed: {len(failed)} of {len(tests)} {what} tests failed (first: {failed[0].name})"
        return CheckResult(False, FailureKind.TEST_FAILED, summary=summary, **common)
    return CheckResult(True, FailureKind.PASS, summary=f"passed: {len(tests)} {what} tests", **common)


def _report(stdout: str, nonce: str) -> dict[str, Any] | None:
    """The driver's verdict: the last stdout line that starts with this run's nonce."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(nonce):
            try:
                report = json.loads(line[len(nonce) :])
            except json.JSONDecodeError:
                return None
            return report if isinstance(report, dict) else None
    return None


def _outcomes(report: dict[str, Any]) -> list[TestOutcome]:
    tests = report.get("tests") or []
    return [
        TestOutcome(
            name=str(t.get("name", "?")),
            passed=t.get("passed") is True,
            message=str(t.get("message", "")),
            sim_time_ns=float(t["sim_time_ns"]) if isinstance(t.get("sim_time_ns"), int | float) else None,
        )
        for t in tests
        if isinstance(t, dict)
    ]
