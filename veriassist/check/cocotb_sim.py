"""cocotb 2.x testbenches (what the agent writes): lay out, run the driver, read results.xml."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veriassist.toolchain import icarus, runner
from veriassist.toolchain.cocotb_driver import BUILD_FAILED, TEST_FAILED_TO_RUN
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import Candidate, CheckResult, FailureKind, Severity, TestOutcome

if TYPE_CHECKING:
    from veriassist.check.checker import CheckOptions
    from veriassist.types import Testbench

# An extra top that dumps the design's signals, so a failure comes with a waveform.
_DUMP_MODULE = """module va_wave_dump();
initial begin
  $dumpfile("wave.vcd");
  $dumpvars(0, {top});
end
endmodule
"""


def run_cocotb(candidate: Candidate, testbench: Testbench, options: CheckOptions) -> CheckResult:
    sandbox = Sandbox(options.sandbox)
    runner.require_tool("iverilog")
    runner.require_tool("vvp")
    with work_dir(options.keep_workdir) as work:
        names = _lay_out(work, candidate, testbench)
        config = {
            "sources": [str(work / "dut" / f.name) for f in candidate.files] + [str(work / "va_wave_dump.v")],
            "toplevel": candidate.top,
            "build_args": ["-s", "va_wave_dump", *icarus.COMPILE_FLAGS[:3]],
            "build_dir": str(work / "build"),
            "test_module": Path(testbench.files[0].name).stem,
            "test_dir": str(work),
            "results_xml": str(work / "results.xml"),
            "seed": 1,
        }
        (work / "config.json").write_text(json.dumps(config))
        env = runner.clean_env(
            {
                "PYTHONPATH": str(work / "tb"),
                "PYTHONDONTWRITEBYTECODE": "1",
                # cocotb imports pytest for assertion rewriting; installed pytest plugins
                # (langsmith, pytest-lsp, ...) would add seconds to every run.
                "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            }
        )
        limits = replace(options.limits, wall_s=options.timeout_s + options.compile_timeout_s)
        argv = [sys.executable, "-m", "veriassist.toolchain.cocotb_driver", str(work / "config.json")]
        ran = runner.run(argv, work, limits=limits, sandbox=sandbox, env=env)
        diagnostics = tuple(icarus.parse_diagnostics(ran.output, names))
        timings = {"cocotb_s": ran.duration_s}
        common: dict[str, Any] = dict(
            compile_log=ran.output, timings=timings, sandboxed=sandbox.active, diagnostics=diagnostics
        )
        if ran.timed_out:
            return CheckResult(
                False, FailureKind.TIMEOUT, summary="failed: the cocotb run did not finish in time", **common
            )
        if BUILD_FAILED in ran.output:
            errors = [d for d in diagnostics if d.severity is Severity.ERROR]
            kind = (
                FailureKind.SYNTAX_ERROR
                if any("syntax" in d.message for d in errors)
                else FailureKind.COMPILE_ERROR
            )
            where = f" ({errors[0].file}:{errors[0].line}: {errors[0].message})" if errors else ""
            return CheckResult(False, kind, summary=f"compilation failed{where}", **common)
        tests = _read_results(work / "results.xml")
        failed = [t for t in tests if not t.passed]
        waveform = ""
        if failed and options.waveform and (work / "wave.vcd").is_file():
            waveform = _waveform(work / "wave.vcd", failed[0], candidate.top)
    if not tests:
        kind = (
            FailureKind.SIMULATOR_CRASH if TEST_FAILED_TO_RUN in ran.output else FailureKind.TESTBENCH_ERROR
        )
        return CheckResult(False, kind, summary="failed: the cocotb testbench ran no test", **common)
    if failed:
        summary = f"failed: {len(failed)} of {len(tests)} cocotb tests failed (first: {failed[0].name})"
        return CheckResult(
            False, FailureKind.TEST_FAILED, tests=tuple(tests), waveform=waveform, summary=summary, **common
        )
    return CheckResult(
        True, FailureKind.PASS, tests=tuple(tests), summary=f"passed: {len(tests)} cocotb tests", **common
    )


def _lay_out(work: Path, candidate: Candidate, testbench: Testbench) -> dict[str, str]:
    names: dict[str, str] = {}
    (work / "dut").mkdir()
    (work / "tb").mkdir()
    for f in candidate.files:
        path = work / "dut" / f.name
        path.write_text(f.text)
        names[str(path)] = f.name
    for f in testbench.files:
        (work / "tb" / f.name).write_text(f.text)
    (work / "va_wave_dump.v").write_text(_DUMP_MODULE.format(top=candidate.top))
    for support in testbench.support_files:
        (work / support.name).write_bytes(support.read_bytes())
    return names


_RESULTS_MAX_BYTES = 16 << 20  # far above any honest results.xml


def _read_results(path: Path) -> list[TestOutcome]:
    """Per-test outcomes from cocotb's xUnit file; [] when it is missing or broken."""
    try:
        with runner.open_output(path, max_bytes=_RESULTS_MAX_BYTES) as handle:
            root = ET.parse(handle).getroot()
    except (OSError, ET.ParseError):
        return []
    outcomes = []
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped") is not None
        message = (
            _short_failure(failure.get("message") or "", failure.text or "") if failure is not None else ""
        )
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        sim_time = case.get("sim_time_ns") or props.get("sim_time_stop")
        outcomes.append(
            TestOutcome(
                name=case.get("name", "?"),
                passed=failure is None and not skipped,
                message=message.strip(),
                sim_time_ns=float(sim_time) if sim_time else None,
            )
        )
    return outcomes


_TB_FRAME = re.compile(r'File "[^"]*/tb/([^"/]+)", line (\d+), in (\S+)\n\s+(.*)')


def _short_failure(message: str, text: str) -> str:
    """The assertion message and the testbench line that raised it, without pytest's noise."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    frames = _TB_FRAME.findall(text)
    if frames:
        name, line, func, code = frames[-1]
        return f"{first}\n  at {name}:{line} in {func}: {code.strip()}"
    return first or text.strip()[-500:]


def _waveform(vcd: Path, failed: TestOutcome, top: str) -> str:
    from veriassist.toolchain.vcd import waveform_window

    around = int(failed.sim_time_ns * 1000) if failed.sim_time_ns is not None else None  # VCD is in ps
    return waveform_window(vcd, around, scope=top)
