"""Yosys for equivalence: the script that builds a miter and asks SAT, and the reading of its log.

Builds text and argv only; check/equivalence.py runs them through runner.run in the sandbox.
The Debian package `yosys` (0.23) is the one tools/setup.sh installs: a native binary starts
in about 50 ms, where a WebAssembly build pays a compile on first use and pulls in a runtime.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

GOLD, GATE = "gold", "gate"  # module names inside the miter: the reference and the candidate
SCRIPT = "equiv.ys"
SAT_LOG = "sat.txt"
STATE_COUNT = "state.txt"
DESIGN_JSON = "design.json"

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


class Model(enum.Enum):
    """How time is modelled in the proof, chosen from the flip-flops both designs hold."""

    COMBINATIONAL = "combinational"  # no state: one SAT call is a full proof
    CYCLE = "cycle"  # every flip-flop on the rising edge of the clock: one step per clock cycle
    HALF_CYCLE = "half_cycle"  # other edges, clocks or latches: clk2fflogic, two steps per cycle


# Flip-flops a cycle-level model reads right after async2sync + dffunmap (all have CLK and CLK_POLARITY).
_CYCLE_FFS = frozenset({"$dff", "$adff", "$dffe", "$adffe", "$sdff", "$sdffe", "$sdffce"})
_STATE_PREFIXES = (
    "$ff",
    "$dff",
    "$adff",
    "$sdff",
    "$aldff",
    "$dlatch",
    "$adlatch",
    "$sr",
    "$mem",
    "$_D",
    "$_S",
)


@dataclass(frozen=True)
class Shape:
    model: Model
    state_bits: int
    why: str = ""  # for HALF_CYCLE: what kept the cycle-level model out


def classify(design_json: str, clock: str | None) -> Shape:
    """Read the design JSON (`induction_script` with `describe`): how much state, and whether one step per clock cycle is exact.

    The cycle model is exact when every state element of both designs is a flip-flop on the
    rising edge of the one clock input: the state then changes only there, so comparing the
    outputs once per cycle, on any input values, covers every time in between.
    """
    modules = json.loads(design_json).get("modules", {})
    bits, other = 0, ""
    for module in modules.values():
        clock_bits = module.get("ports", {}).get(clock or "", {}).get("bits")
        for cell in module.get("cells", {}).values():
            kind = str(cell.get("type", ""))
            if not kind.startswith(_STATE_PREFIXES):
                continue
            params = cell.get("parameters", {})
            bits += int(str(params.get("WIDTH", "1")), 2) if kind != "$mem_v2" else 0
            if other:
                continue
            if kind not in _CYCLE_FFS:
                other = f"a {kind} cell"
            elif clock_bits is None or cell.get("connections", {}).get("CLK") != clock_bits:
                other = "a flip-flop on another clock"
            elif str(params.get("CLK_POLARITY", "1")).lstrip("0") != "1":
                other = "a flip-flop on the falling edge"
    if bits == 0 and not other:
        return Shape(Model.COMBINATIONAL, 0)
    return Shape(Model.HALF_CYCLE, bits, other) if other else Shape(Model.CYCLE, bits)


@dataclass(frozen=True)
class Induction:
    """A k-induction proof on the cycle model: base case from reset, step from any state."""

    clock: str
    reset: str | None
    reset_active: int
    reset_cycles: int  # cycles with the reset held from the start, left out of the proof
    max_cycles: int  # the longest induction (and base case) tried
    timeout_s: int
    expose: bool  # also compare registers both designs name alike (closes the step when they match)
    base_only: bool = False  # only the base case: the bounded check, deeper for the same time


def induction_script(
    gold_files: Sequence[str],
    gold_top: str,
    gate_files: Sequence[str],
    gate_top: str,
    plan: Induction,
    describe: bool = False,
) -> str:
    """One step per clock cycle: async resets made synchronous, enables unmapped, then `sat -tempinduct`.

    With `expose`, the flip-flops both designs name alike become outputs too: a stronger claim
    (outputs and those registers equal), which is inductive for a design against itself or a
    small edit of it, where plain output equality rarely is. Its failure proves nothing.
    `describe`: first write both designs as JSON for `classify`, so one run serves both.
    """
    lines = [*_read(gold_files, gold_top, GOLD), *_read(gate_files, gate_top, GATE)]
    lines += [
        "design -reset",
        f"design -copy-from {GOLD} -as {GOLD} {GOLD}",
        f"design -copy-from {GATE} -as {GATE} {GATE}",
        *([f"write_json {DESIGN_JSON}"] if describe else []),
        "async2sync",
        "dffunmap",
        "opt_clean",
    ]
    if plan.expose:
        lines.append(f"expose -dff -shared {GOLD} {GATE}")
    lines += [
        f"miter -equiv -flatten -make_outputs {GOLD} {GATE} miter",
        "hierarchy -top miter",
        "opt_merge -share_all",
        "opt_clean",
    ]
    mode = "-tempinduct-baseonly" if plan.base_only else "-tempinduct"
    sat = ["sat", mode, "-set-init-zero", "-prove", "trigger", "0"]
    if plan.reset is not None and plan.reset_cycles:
        sat += ["-seq", str(plan.reset_cycles)]
        for step in range(1, plan.reset_cycles + 1):
            sat += ["-set-at", str(step), f"in_{plan.reset}", str(plan.reset_active)]
    sat += ["-maxsteps", str(plan.max_cycles), "-show-inputs", "-show-outputs"]
    sat += ["-timeout", str(plan.timeout_s), "miter"]
    lines.append(f"tee -q -o {SAT_LOG} " + " ".join(sat))
    return "\n".join(lines) + "\n"


def argv(yosys: str) -> list[str]:
    return [yosys, "-q", "-s", SCRIPT]


class SatStatus(enum.Enum):
    PROVED = "proved"
    FAILED = "failed"  # a model was found: the counterexample
    UNPROVED = "unproved"  # induction: no counterexample up to `depth`, and the step never closed
    TIMEOUT = "timeout"
    ERROR = "error"


@dataclass(frozen=True)
class SatReading:
    status: SatStatus
    # step -> signal (as the miter names it: in_x, gold_y, gate_y, trigger) -> binary text
    steps: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = ()
    message: str = ""
    depth: int = 0  # induction: the longest base case proved (cycles after the reset)
    induction: int = 0  # induction: the length at which the step closed


_ROW = re.compile(r"^\s*(\d+)\s+\\?(\S+)\s+\S+\s+\S+\s+([01xXzZ-]+)\s*$")


_BASE = re.compile(r"^Base case for induction length (\d+) proven", re.MULTILINE)
_STEP = re.compile(r"^\[induction step (\d+)\]", re.MULTILINE)
_BASE_FAIL = "model found for base case: FAIL"


def read_sat(sat_log: str, output: str) -> SatReading:
    """Read the SAT pass's log (teed to a file) and Yosys's own output into a verdict.

    A `-tempinduct` log also prints the induction step's models when the step fails: those
    are arbitrary states, not counterexamples, so only the rows after a base-case failure count.
    A log cut short (the run was killed) still tells how deep the base case got.
    """
    error = next((line.strip() for line in output.splitlines() if line.startswith("ERROR")), "")
    depths = [int(m) for m in _BASE.findall(sat_log)]
    depth = max(depths, default=0)
    if _BASE_FAIL in sat_log:
        return SatReading(SatStatus.FAILED, steps=_rows(sat_log.split(_BASE_FAIL, 1)[1]), depth=depth)
    if "Induction step proven: SUCCESS" in sat_log:
        steps_tried = [int(m) for m in _STEP.findall(sat_log)]
        return SatReading(SatStatus.PROVED, depth=depth, induction=max(steps_tried, default=depth))
    if "TIMEOUT" in sat_log:
        return SatReading(SatStatus.TIMEOUT, message="the SAT solver timed out", depth=depth)
    if "Reached maximum number of time steps" in sat_log:
        return SatReading(SatStatus.UNPROVED, depth=depth)
    if "no model found: SUCCESS" in sat_log:
        return SatReading(SatStatus.PROVED)
    if "model found: FAIL" in sat_log:
        return SatReading(SatStatus.FAILED, steps=_rows(sat_log))
    if depth:  # killed mid-proof: the base case proved so far still stands
        return SatReading(SatStatus.TIMEOUT, message="yosys was stopped", depth=depth)
    return SatReading(SatStatus.ERROR, message=error or "yosys stopped before the proof finished")


def _rows(text: str) -> tuple[tuple[int, tuple[tuple[str, str], ...]], ...]:
    by_step: dict[int, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            by_step.setdefault(int(match[1]), []).append((match[2], match[3]))
    return tuple((step, tuple(values)) for step, values in sorted(by_step.items()))


def state_cells(text: str) -> int | None:
    """The count `select -count` logged ("N objects."), or None when it did not run."""
    match = re.search(r"(\d+)\s+objects", text)
    return int(match[1]) if match else None
