"""Runs inside the sandbox: build and test one design with cocotb's runner, and report the verdict.

Kept in its own process because the runner may call sys.exit on a simulator failure and
keeps state between calls; a fresh process with a fresh build dir avoids both.
Usage: python -m veriassist.toolchain.cocotb_driver CONFIG.json

The verdict is one line on stdout, `NONCE{json}`. The nonce is read from a file that this
driver deletes before the simulator starts, so the design under test (and anything it
prints or writes) never sees it: a results.xml the design wrote, or a verdict line it
printed, cannot pass for this driver's report. The results file gets a random name, the
simulator must exit cleanly, and the file is read without following links.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from veriassist.toolchain.runner import open_output

BUILD_FAILED = "VERIASSIST-COCOTB: build failed"
TEST_FAILED_TO_RUN = "VERIASSIST-COCOTB: simulator failed"
_RESULTS_MAX_BYTES = 16 << 20  # far above any honest results.xml
_MAX_TESTS = 500
_MAX_MESSAGE = 2000


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    nonce_file = Path(config["nonce_file"])
    nonce = nonce_file.read_text().strip()
    nonce_file.unlink()  # before anything the design controls runs
    report = _run(config)
    print(nonce + json.dumps(report), flush=True)
    return 0


def _run(config: dict[str, Any]) -> dict[str, Any]:
    from cocotb_tools.runner import Icarus

    class IcarusWithVcd(Icarus):
        """cocotb passes vvp `-none` unless waves=True, which asks for FST instead: both would
        silence the VCD dump module that gives a failing test its waveform window."""

        def _test_command(self) -> list[Any]:
            return [
                ["-vcd" if arg == "-none" else arg for arg in command] for command in super()._test_command()
            ]

    runner = IcarusWithVcd()
    try:
        runner.build(
            sources=config["sources"],
            hdl_toplevel=config["toplevel"],
            build_args=config["build_args"],
            build_dir=config["build_dir"],
            always=True,  # never trust mtimes: a fresh candidate may be older than a stale build
            timescale=("1ns", "1ps"),  # without it, RTL lacking `timescale runs at 1 s precision
        )
    except (SystemExit, Exception) as error:  # the runner raises RuntimeError on compile errors
        print(f"{BUILD_FAILED}: {error}", flush=True)
        return {"stage": "build", "error": str(error)}
    # A name the design cannot guess, so that it cannot write the file ahead of cocotb.
    results = Path(config["test_dir"]) / f"results-{secrets.token_hex(8)}.xml"
    try:
        # The runner raises RuntimeError on a non-zero exit of vvp ($fatal, a crash, a signal)
        # and SystemExit on some failures: either way the run gave no verdict.
        runner.test(
            test_module=config["test_module"],
            hdl_toplevel=config["toplevel"],
            hdl_toplevel_lang="verilog",
            build_dir=config["build_dir"],
            test_dir=config["test_dir"],
            results_xml=str(results),
            seed=config.get("seed"),
        )
    except (SystemExit, Exception) as error:
        print(f"{TEST_FAILED_TO_RUN}: {error}", flush=True)
        return {"stage": "test", "error": str(error) or type(error).__name__, "tests": _read_results(results)}
    return {"stage": "done", "tests": _read_results(results)}


def _read_results(path: Path) -> list[dict[str, Any]]:
    """Per-test outcomes from cocotb's xUnit file; [] when it is missing or broken."""
    try:
        with open_output(path, max_bytes=_RESULTS_MAX_BYTES) as handle:
            root = ET.parse(handle).getroot()
    except (OSError, ET.ParseError):
        return []
    outcomes: list[dict[str, Any]] = []
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
        try:
            sim_time_ns = float(sim_time) if sim_time else None
        except ValueError:
            sim_time_ns = None
        outcomes.append(
            {
                "name": case.get("name", "?")[:200],
                "passed": failure is None and not skipped,
                "message": message.strip()[:_MAX_MESSAGE],
                "sim_time_ns": sim_time_ns,
            }
        )
    # Failures first, so that a cap on what is reported never hides one.
    return sorted(outcomes, key=lambda o: bool(o["passed"]))[:_MAX_TESTS]


_TB_FRAME = re.compile(r'File "[^"]*/tb/([^"/]+)", line (\d+), in (\S+)\n\s+(.*)')


def _short_failure(message: str, text: str) -> str:
    """The assertion message and the testbench line that raised it, without pytest's noise."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    frames = _TB_FRAME.findall(text)
    if frames:
        name, line, func, code = frames[-1]
        return f"{first}\n  at {name}:{line} in {func}: {code.strip()}"
    return first or text.strip()[-500:]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
