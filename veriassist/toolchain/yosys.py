"""Yosys for equivalence: the script that builds a miter and asks SAT, and the reading of its log.

Builds text and argv only; check/equivalence.py runs them through runner.run in the sandbox.
The Debian package `yosys` (0.23) is the one tools/setup.sh installs: a native binary starts
in about 50 ms, where a WebAssembly build pays a compile on first use and pulls in a runtime.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

GOLD, GATE = "gold", "gate"  # module names inside the miter: the reference and the candidate
SCRIPT = "equiv.ys"
SAT_LOG = "sat.txt"
STATE_COUNT = "state.txt"

# Cells that hold state; a miter with none is combinational, so a one-step proof is a full one.
_STATE_CELLS = "t:$*ff t:$*dff* t:$*dlatch* t:$sr t:$*mem*"


def _read(files: Sequence[str], top: str, as_name: str) -> list[str]:
    """Read one design (our own file names; `top` a plain identifier) on its own, flatten it under `as_name` and stash it (submodule names cannot clash)."""
    return [
        "design -reset",
        "read_verilog -sv " + " ".join(files),
        f"hierarchy -check -top {top}",
        f"rename {top} {as_name}",
        "proc; flatten; memory; opt_clean",
        f"design -stash {as_name}",
    ]


@dataclass(frozen=True)
class Bound:
    """How far and under what driving the bounded check runs (steps are half clock cycles)."""

    steps: int
    clock: str | None  # the input toggled low/high each step; None: no clock is driven
    reset: str | None
    reset_active: int  # the level that asserts the reset
    reset_steps: int  # steps from the start with the reset held, and left out of the proof
    timeout_s: int


def script(
    gold_files: Sequence[str], gold_top: str, gate_files: Sequence[str], gate_top: str, bound: Bound
) -> str:
    """The whole check in one Yosys run: miter, state count, clock-edge model, then bounded SAT.

    `clk2fflogic` turns every flip-flop into logic on one global step, so a posedge and a
    negedge flip-flop differ as they do in simulation; the clock input is then driven 0, 1,
    0, 1... one value per step. Registers start at zero in both designs, then the reset (if
    any) is held for `reset_steps`; only after it are the outputs compared.
    """
    lines = [*_read(gold_files, gold_top, GOLD), *_read(gate_files, gate_top, GATE)]
    lines += [
        "design -reset",
        f"design -copy-from {GOLD} -as {GOLD} {GOLD}",
        f"design -copy-from {GATE} -as {GATE} {GATE}",
        f"miter -equiv -flatten -make_outputs {GOLD} {GATE} miter",
        "hierarchy -top miter",
        f"tee -q -o {STATE_COUNT} select -count {_STATE_CELLS}",
        # Logic the two designs share (all of it, for a reference against itself) becomes one
        # cell: the solver then has nothing to prove there. Sound: both start from the same state.
        "opt_merge -share_all",
        "opt_clean",
        "clk2fflogic",
        "opt_clean",
    ]
    sat = ["sat", "-seq", str(bound.steps), "-set-init-zero", "-prove", "trigger", "0"]
    if bound.clock is not None:
        for step in range(1, bound.steps + 1):
            sat += ["-set-at", str(step), f"in_{bound.clock}", str((step + 1) % 2)]  # step 1 low
    if bound.reset is not None and bound.reset_steps:
        for step in range(1, bound.reset_steps + 1):
            sat += ["-set-at", str(step), f"in_{bound.reset}", str(bound.reset_active)]
    if bound.reset_steps:
        sat += ["-prove-skip", str(bound.reset_steps)]
    sat += ["-show-inputs", "-show-outputs", "-timeout", str(bound.timeout_s), "miter"]
    lines.append(f"tee -q -o {SAT_LOG} " + " ".join(sat))
    return "\n".join(lines) + "\n"


def argv(yosys: str) -> list[str]:
    return [yosys, "-q", "-s", SCRIPT]


class SatStatus(enum.Enum):
    PROVED = "proved"
    FAILED = "failed"  # a model was found: the counterexample
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True)
class SatReading:
    status: SatStatus
    # step -> signal (as the miter names it: in_x, gold_y, gate_y, trigger) -> binary text
    steps: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = ()
    message: str = ""


_ROW = re.compile(r"^\s*(\d+)\s+\\?(\S+)\s+\S+\s+\S+\s+([01xXzZ-]+)\s*$")


def read_sat(sat_log: str, output: str) -> SatReading:
    """Read the SAT pass's log (teed to a file) and Yosys's own output into a verdict."""
    error = next((line.strip() for line in output.splitlines() if line.startswith("ERROR")), "")
    if "TIMEOUT" in sat_log:
        return SatReading(SatStatus.TIMEOUT, message="the SAT solver timed out")
    if "no model found: SUCCESS" in sat_log:
        return SatReading(SatStatus.PROVED)
    if "model found: FAIL" in sat_log:
        by_step: dict[int, list[tuple[str, str]]] = {}
        for line in sat_log.splitlines():
            match = _ROW.match(line)
            if match:
                by_step.setdefault(int(match[1]), []).append((match[2], match[3]))
        steps = tuple((step, tuple(values)) for step, values in sorted(by_step.items()))
        return SatReading(SatStatus.FAILED, steps=steps)
    return SatReading(SatStatus.ERROR, message=error or "yosys stopped before the proof finished")


def state_cells(text: str) -> int | None:
    """The count `select -count` logged ("N objects."), or None when it did not run."""
    match = re.search(r"(\d+)\s+objects", text)
    return int(match[1]) if match else None
