"""Runs inside the sandbox: build and test one design with cocotb's runner.

Kept in its own process because the runner may call sys.exit on a simulator
failure and keeps state between calls; a fresh process with a fresh build dir
avoids both. Usage: python -m veriassist.toolchain.cocotb_driver CONFIG.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

BUILD_FAILED = "VERIASSIST-COCOTB: build failed"
TEST_FAILED_TO_RUN = "VERIASSIST-COCOTB: simulator failed"


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
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
        return 3
    try:
        runner.test(
            test_module=config["test_module"],
            hdl_toplevel=config["toplevel"],
            hdl_toplevel_lang="verilog",
            build_dir=config["build_dir"],
            test_dir=config["test_dir"],
            results_xml=config["results_xml"],
            seed=config.get("seed"),
        )
    except (SystemExit, Exception) as error:
        print(f"{TEST_FAILED_TO_RUN}: {error}", flush=True)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
