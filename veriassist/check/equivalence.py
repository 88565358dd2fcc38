"""The formal verdict: is the candidate equivalent to the reference? Yosys miter + SAT, in the sandbox.

A testbench samples behaviour; a proof covers all of it. Combinational designs get a full
proof. Clocked ones get a bounded proof from reset, with each flip-flop's clock edge modelled
(toolchain/yosys.py), so a negedge candidate is told apart from a posedge reference.

Assumptions, reported in the verdict's reason: every register starts at 0 in both designs;
the reset is the input named like rst/reset/areset (active low when named ..._n, ...n, n...),
held for `reset_cycles` clock cycles before outputs are compared; the clock is the input
named like clk/clock (any other clock stays free, which only widens what is checked).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from veriassist import hdl
from veriassist.check.simulation import reference_top
from veriassist.toolchain import runner, yosys
from veriassist.toolchain.sandbox import Sandbox
from veriassist.toolchain.workdir import work_dir
from veriassist.types import (
    Candidate,
    CounterexampleStep,
    FormalStatus,
    FormalVerdict,
    Port,
    Testbench,
)


@dataclass(frozen=True)
class FormalOptions:
    cycles: int = 20  # clock cycles after reset proved by the bounded check
    reset_cycles: int = 2
    timeout_s: int = 10  # for the SAT solver, per depth tried; the process gets a little more
    sandbox: bool = True
    limits: runner.Limits = field(default_factory=runner.Limits)


SHALLOW_CYCLES = 5  # the first depth tried


def yosys_installed() -> bool:
    return runner.which("yosys") is not None


def _unknown(reason: str, started: float) -> FormalVerdict:
    return FormalVerdict(FormalStatus.UNKNOWN, reason=reason, duration_s=time.perf_counter() - started)


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_CLOCK = re.compile(r"^(i_)?(clk|clock)(_i|_in)?$|^(clk|clock)$", re.IGNORECASE)
_RESET = re.compile(r"(^|_)(a?s?rst|a?s?reset|areset)(_?n|_ni|_b|_i)?$|^n(rst|reset)$", re.IGNORECASE)


def find_clock(inputs: list[Port]) -> str | None:
    """The one-bit input that looks like the clock: clk/clock exactly, else one containing either."""
    bits = [p for p in inputs if p.width == 1]
    exact = [p.name for p in bits if _CLOCK.match(p.name)]
    loose = [p.name for p in bits if re.search("clk|clock", p.name, re.IGNORECASE)]
    names = exact or loose
    return names[0] if names else None


def find_reset(inputs: list[Port]) -> tuple[str, int] | None:
    """The reset input and the level that asserts it (0 for names like rst_n, resetn, nreset)."""
    for port in inputs:
        if port.width == 1 and _RESET.search(port.name):
            low = re.search(r"(_?n|_ni|_b)$", port.name, re.IGNORECASE) or port.name.lower().startswith("n")
            return port.name, 0 if low else 1
    return None


def formal_check(
    candidate: Candidate, testbench: Testbench, options: FormalOptions | None = None
) -> FormalVerdict:
    """Prove `candidate` equivalent to `testbench.reference`, or refute it with a counterexample.

    Never raises for a bad design: what Yosys cannot read, a timeout or a missing Yosys is an
    UNKNOWN verdict with the reason.
    """
    options = options or FormalOptions()
    started = time.perf_counter()
    if testbench.reference is None:
        return _unknown("no reference to compare against", started)
    tool = runner.which("yosys")
    if tool is None:
        return _unknown("yosys not installed", started)
    gold_top = reference_top(testbench)
    if gold_top is None:
        return _unknown("the reference declares no module", started)
    if not all(_IDENTIFIER.match(name) for name in (gold_top, candidate.top)):
        return _unknown("an escaped module name (Yosys scripts take plain identifiers)", started)
    try:
        ports = hdl.module_interface(testbench.reference.text, gold_top).ports
    except hdl.HdlError as error:
        return _unknown(f"the reference's ports could not be read: {error}", started)
    inputs = [p for p in ports if p.direction == "input"]
    clock, reset = find_clock(inputs), find_reset(inputs)
    reset_steps = 2 * options.reset_cycles if clock and reset else 0
    # Deepen step by step: a datapath that is slow to unroll still gets a shallow bound, and
    # a shallow counterexample comes back fast. A combinational miter needs one step only.
    depths = sorted({min(SHALLOW_CYCLES, options.cycles), options.cycles}) if clock else [0]
    verdict = _unknown("no depth was tried", started)
    for cycles in depths:
        bound = yosys.Bound(
            steps=reset_steps + 2 * cycles if clock else 1,
            clock=clock,
            reset=reset[0] if reset and clock else None,
            reset_active=reset[1] if reset else 1,
            reset_steps=reset_steps,
            timeout_s=options.timeout_s,
        )
        step = _prove(candidate, testbench.reference.text, gold_top, bound, tool, options)
        if isinstance(step, str):
            if verdict.status is FormalStatus.BOUNDED:  # keep the shallower proof, say why it stopped
                return replace(verdict, reason=f"{verdict.reason}; deeper: {step}")
            return _unknown(step, started)
        reading, stateful = step
        assumed = _assumptions(clock, reset, options.reset_cycles, stateful)
        if stateful and clock is None:
            return _unknown("a clocked design with no input named like a clock (clk, clock)", started)
        elapsed = time.perf_counter() - started
        if reading.status is yosys.SatStatus.FAILED:
            found = _counterexample(reading, reset_steps)
            table = render_counterexample(found, clock)
            return FormalVerdict(
                FormalStatus.NOT_EQUIVALENT,
                reason=assumed,
                counterexample=found,
                table=table,
                duration_s=elapsed,
            )
        if not stateful:
            return FormalVerdict(FormalStatus.EQUIVALENT, reason=assumed, duration_s=elapsed)
        verdict = FormalVerdict(FormalStatus.BOUNDED, reason=assumed, cycles=cycles, duration_s=elapsed)
    return verdict


def _prove(
    candidate: Candidate, reference: str, gold_top: str, bound: yosys.Bound, tool: str, options: FormalOptions
) -> tuple[yosys.SatReading, bool] | str:
    """One Yosys run in the sandbox: the SAT reading (proved or failed) and whether the miter holds state.

    Returns the reason instead when there is no answer: unreadable design, timeout.
    """
    with work_dir() as work:
        (work / "gold.sv").write_text(reference)
        gate_files = []
        for i, source in enumerate(candidate.files):
            (work / f"gate{i}.sv").write_text(source.text)
            gate_files.append(f"gate{i}.sv")
        (work / yosys.SCRIPT).write_text(
            yosys.script(["gold.sv"], gold_top, gate_files, candidate.top, bound)
        )
        limits = replace(options.limits, wall_s=options.timeout_s + 5.0)
        ran = runner.run(yosys.argv(tool), work, limits=limits, sandbox=Sandbox(options.sandbox))
        sat_log, state_log = (_read_left(work / name) for name in (yosys.SAT_LOG, yosys.STATE_COUNT))
    if ran.timed_out:
        return f"yosys ran out of time ({limits.wall_s:.0f} s)"
    reading = yosys.read_sat(sat_log, ran.output)
    if reading.status is yosys.SatStatus.ERROR:
        return _where(reading.message)
    if reading.status is yosys.SatStatus.TIMEOUT:
        return f"the SAT solver timed out after {options.timeout_s} s"
    return reading, (yosys.state_cells(state_log) or 0) > 0


def _read_left(path: Path) -> str:
    """A file the Yosys run left ("" when it stopped before writing it), read without following links."""
    try:
        with runner.open_output(path, max_bytes=4 << 20) as handle:
            return handle.read().decode(errors="replace")
    except OSError:
        return ""


def _where(message: str) -> str:
    """Yosys's error, with our work-file names turned back into what the user knows."""
    text = message.removeprefix("ERROR: ")
    text = re.sub(r"gate\d+\.sv", "the candidate", text).replace("gold.sv", "the reference")
    return f"yosys could not build the miter: {text}"


def _assumptions(clock: str | None, reset: tuple[str, int] | None, reset_cycles: int, stateful: bool) -> str:
    if not stateful:
        return "combinational: every input value checked"
    parts = ["registers start at 0"]
    if clock:
        parts.append(f"clock `{clock}` toggled every step (low, then high)")
    if reset and clock:
        parts.append(f"reset `{reset[0]}` held at {reset[1]} for {reset_cycles} cycles, then free")
    else:
        parts.append("no reset input found: compared from the first step")
    return "; ".join(parts)


def _counterexample(reading: yosys.SatReading, reset_steps: int) -> tuple[CounterexampleStep, ...]:
    """Steps from the start to the first one where an output differs (after the reset steps)."""
    steps: list[CounterexampleStep] = []
    for number, values in reading.steps:
        signals = dict(values)
        inputs = tuple((name[3:], value) for name, value in values if name.startswith("in_"))
        outputs = tuple(
            (name[5:], value, signals.get(f"gate_{name[5:]}", ""))
            for name, value in values
            if name.startswith("gold_")
        )
        steps.append(CounterexampleStep(number, inputs, outputs))
        if number > reset_steps and signals.get("trigger", "0") == "1":
            break
    return tuple(steps)


def _value(bits: str) -> str:
    """A binary value as the waveform window writes it: the bit, else 8'h3f (8'b01x0 with x/z)."""
    if len(bits) <= 1:
        return bits
    if set(bits) <= {"0", "1"}:
        return f"{len(bits)}'h{int(bits, 2):0{(len(bits) + 3) // 4}x}"
    return f"{len(bits)}'b{bits}"


def render_counterexample(steps: tuple[CounterexampleStep, ...], clock: str | None) -> str:
    """The counterexample as a table: inputs per step, then each output that differs as ref/dut."""
    if not steps:
        return ""
    differing = sorted({o for s in steps for o, ref, dut in s.outputs if ref != dut})
    inputs = [name for name, _ in steps[0].inputs]
    if clock in inputs:  # the clock first, as in the waveform window
        inputs.remove(clock)
        inputs.insert(0, clock)
    headers = ["step", *inputs, *(f"{o} ref/dut" for o in differing), ""]
    rows = []
    for step in steps:
        given, out = dict(step.inputs), {o: (r, d) for o, r, d in step.outputs}
        row = [str(step.step), *(_value(given.get(i, "")) for i in inputs)]
        for o in differing:
            ref, dut = out.get(o, ("", ""))
            row.append(f"{_value(ref)}/{_value(dut)}")
        wrong = [o for o in differing if out.get(o, ("", ""))[0] != out.get(o, ("", ""))[1]]
        rows.append(row + ([f"<- MISMATCH in {', '.join(wrong)}"] if wrong else [""]))
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [headers, *rows]
    ]
    note = "(each step is half a clock cycle: the clock low, then high)" if clock else ""
    return "\n".join([*lines, note]).rstrip() + "\n"
