"""The formal verdict: is the candidate equivalent to the reference? Yosys miter + SAT, in the sandbox.

A testbench samples behaviour; a proof covers all of it. Combinational designs get a full
proof. Clocked ones where every flip-flop (memories mapped to flip-flops included) sits on the
rising edge of the clock get k-induction with one step per clock cycle: EQUIVALENT when the
induction closes (first claiming the registers both designs name alike equal too, which closes
for the reference against itself and for small edits of it; then the outputs alone), else
BOUNDED by the deepest base case proved within the time budget. Other clocking (a negedge
flip-flop, a second clock, a latch) gets the bounded check in half cycles (clk2fflogic), so a
negedge candidate is told apart from a posedge reference.

Assumptions, reported in the verdict's reason: every register starts at 0 in both designs;
the reset is the input named like rst/reset/areset (active low when named ..._n, ...n, n...),
held for `reset_cycles` clock cycles before outputs are compared; the clock is the input
named like clk/clock (any other clock stays free, which only widens what is checked).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
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
    SourceFile,
    Testbench,
)


@dataclass(frozen=True)
class FormalOptions:
    cycles: int = 48  # the deepest bounded check, in clock cycles after reset (as far as the budget allows)
    induction_cycles: int = 8  # the longest induction tried on the outputs alone
    reset_cycles: int = 2
    timeout_s: int = 10  # for the SAT solver, per depth tried; the process gets a little more
    sandbox: bool = True
    max_state_bits: int = 4096  # beyond this only the first, cheap run is tried, then unknown
    budget_s: float = 20.0  # wall time for all the Yosys runs of one check together
    limits: runner.Limits = field(default_factory=runner.Limits)


SHALLOW_CYCLES = 5  # the first depth tried by the half-cycle model
EXPOSED_CYCLES = 4  # induction with registers named alike closes in a step or two, or not at all
INDUCTION_STATE_BITS = 512  # beyond this (a memory), outputs-only induction is not tried


def yosys_installed() -> bool:
    return runner.which("yosys") is not None


def _unknown(reason: str, started: float) -> FormalVerdict:
    return FormalVerdict(FormalStatus.UNKNOWN, reason=reason, duration_s=time.perf_counter() - started)


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_CLOCK = re.compile(r"^(i_)?(clk|clock)(_i|_in)?$|^(clk|clock)$", re.IGNORECASE)
# rst, reset, rst_n, arst_n, srst, nreset, and the bus resets presetn (APB), hresetn (AHB), aresetn (AXI).
_RESET = re.compile(r"(^|_)([pha]?s?rst|[pha]?s?reset)(_?n|_ni|_b|_i)?$|^n(rst|reset)$", re.IGNORECASE)


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
    job = _Job(candidate, testbench.reference.text, gold_top, tool, options)
    # One run both describes the designs and tries the cycle model's strong induction: for a
    # combinational miter that is already the full proof, for most clocked ones the whole check.
    first = _plan(clock or "", reset if clock else None, options, expose=True)
    shape, reading, timed_out = job.first_run(first)
    if isinstance(shape, str):
        return _unknown(shape, started)
    if shape.model is yosys.Model.COMBINATIONAL:
        return _combinational(reading, timed_out, options, started)
    if clock is None:
        return _unknown("a clocked design with no input named like a clock (clk, clock)", started)
    closed = shape.model is yosys.Model.CYCLE and reading.status is yosys.SatStatus.PROVED
    if shape.state_bits > options.max_state_bits and not closed:
        return _unknown(
            f"too large to prove: {shape.state_bits} state bits in the two designs (the limit is {options.max_state_bits})",
            started,
        )
    outputs = {p.name for p in ports if p.direction == "output"}
    if shape.model is yosys.Model.CYCLE:
        return _cycle(job, clock, reset, outputs, (reading, timed_out), shape.state_bits, started)
    return _half_cycle(job, clock, reset, shape.why, started)


@dataclass(frozen=True)
class _Job:
    """What every Yosys run of one check shares: the two designs, the tool and the options."""

    candidate: Candidate
    reference: str
    gold_top: str
    tool: str
    options: FormalOptions

    def run(self, script: Callable[[list[str], list[str]], str], wall_s: float) -> tuple[str, str, bool, str]:
        """One Yosys run in the sandbox: (SAT log, design JSON, timed out, Yosys's output)."""
        with work_dir() as work:
            (work / "gold.sv").write_text(self.reference)
            gate_files = []
            for i, source in enumerate(self.candidate.files):
                (work / f"gate{i}.sv").write_text(source.text)
                gate_files.append(f"gate{i}.sv")
            (work / yosys.SCRIPT).write_text(script(["gold.sv"], gate_files))
            limits = replace(self.options.limits, wall_s=wall_s)
            ran = runner.run(
                yosys.argv(self.tool), work, limits=limits, sandbox=Sandbox(self.options.sandbox)
            )
            sat_log, design = (_read_left(work / name) for name in (yosys.SAT_LOG, yosys.DESIGN_JSON))
        return sat_log, design, ran.timed_out, ran.output

    def first_run(self, plan: yosys.Induction) -> tuple[yosys.Shape | str, yosys.SatReading, bool]:
        """Describe both designs (the reason instead when Yosys cannot) and run `plan` in the same Yosys."""
        top = self.candidate.top

        def script(gold: list[str], gate: list[str]) -> str:
            return yosys.induction_script(gold, self.gold_top, gate, top, plan, describe=True)

        # With a clock, half the budget: the outputs-only proof may need the rest.
        wall = min(self.options.timeout_s + 5.0, self.options.budget_s / (2 if plan.clock else 1))
        sat_log, design, timed_out, output = self.run(script, wall)
        reading = yosys.read_sat(sat_log, output)
        if not design:
            why = f"yosys ran out of time reading the designs ({self.options.timeout_s + 5} s)"
            return (why if timed_out else _where(reading.message)), reading, timed_out
        try:
            return yosys.classify(design, plan.clock or None), reading, timed_out
        except (ValueError, TypeError, AttributeError) as error:  # JSON we did not expect
            return f"yosys's design description could not be read: {error}", reading, timed_out


def _plan(
    clock: str, reset: tuple[str, int] | None, options: FormalOptions, expose: bool, base_only: bool = False
) -> yosys.Induction:
    if expose:
        cycles = EXPOSED_CYCLES
    else:
        cycles = options.cycles if base_only else min(options.induction_cycles, options.cycles)
    return yosys.Induction(
        clock=clock,
        reset=reset[0] if reset else None,
        reset_active=reset[1] if reset else 1,
        reset_cycles=options.reset_cycles if reset else 0,
        max_cycles=cycles,
        timeout_s=options.timeout_s,
        expose=expose,
        base_only=base_only,
    )


def _combinational(
    reading: yosys.SatReading, timed_out: bool, options: FormalOptions, started: float
) -> FormalVerdict:
    """No state in either design: the first step of the induction run was the full proof."""
    assumed = _assumptions(None, None, 0, stateful=False)
    if reading.status is yosys.SatStatus.PROVED:
        return FormalVerdict(
            FormalStatus.EQUIVALENT, reason=assumed, duration_s=time.perf_counter() - started
        )
    if reading.status is yosys.SatStatus.FAILED and reading.steps:
        last = reading.steps[-1]  # no state: the differing step alone is the counterexample
        found = _counterexample(replace(reading, steps=(last,)), 0)
        return FormalVerdict(
            FormalStatus.NOT_EQUIVALENT,
            reason=assumed,
            counterexample=found,
            table=render_counterexample(found, None),
            duration_s=time.perf_counter() - started,
        )
    if timed_out or reading.status is yosys.SatStatus.TIMEOUT:
        return _unknown(f"the SAT solver timed out after {options.timeout_s} s", started)
    return _unknown(_where(reading.message), started)


def _cycle(
    job: _Job,
    clock: str,
    reset: tuple[str, int] | None,
    outputs: set[str],
    first: tuple[yosys.SatReading, bool],
    state_bits: int,
    started: float,
) -> FormalVerdict:
    """Every flip-flop on the rising clock edge: one step per cycle, three passes at most.

    1. the strong claim (outputs and the registers both designs name alike), by induction: it
       closes quickly when the candidate keeps the reference's registers (run with the description);
    2. the outputs alone, by induction up to `induction_cycles`: its base case failing is a real
       counterexample;
    3. the outputs alone, base case only, as deep as `cycles` and the budget allow: the bounded check.

    When pass 1 saw registers named alike diverge, the candidate most likely differs: the bounded
    check runs before the induction then, to find the counterexample while the budget lasts. Over
    a memory (more than `INDUCTION_STATE_BITS`), the outputs alone never make an induction close,
    so pass 2 is left out.
    """
    options = job.options
    reset_cycles = options.reset_cycles if reset else 0
    assumed = _assumptions(clock, reset, options.reset_cycles, stateful=True, per_cycle=True)
    deepest, stop = 0, "no cycle after reset was proved"
    diverged = first[0].status is yosys.SatStatus.FAILED
    passes: tuple[int, ...] = (1, 3, 2) if diverged else (1, 2, 3)
    if state_bits > INDUCTION_STATE_BITS:
        passes = (1, 3)
    for number in passes:
        if number == 1:
            reading, timed_out = first
        else:
            left = options.budget_s - (time.perf_counter() - started)
            if left < 1.0:
                stop = f"the time budget ({options.budget_s:.0f} s) ran out"
                break
            plan = _plan(clock, reset, options, expose=False, base_only=number == 3)
            if number == 3 and plan.max_cycles <= deepest:
                continue  # the induction's base case already went as deep

            def script(gold: list[str], gate: list[str], plan: yosys.Induction = plan) -> str:
                return yosys.induction_script(gold, job.gold_top, gate, job.candidate.top, plan)

            # The bounded check may use what is left: its log still tells how deep it got.
            wall = left if number == 3 else min(options.timeout_s + 5.0, left)
            sat_log, _, timed_out, output = job.run(script, wall)
            reading = yosys.read_sat(sat_log, output)
        if reading.status is yosys.SatStatus.ERROR and not timed_out:
            return _unknown(_where(reading.message), started)
        if reading.status is yosys.SatStatus.PROVED:
            how = "registers named alike equal too" if number == 1 else "outputs alone"
            return FormalVerdict(
                FormalStatus.EQUIVALENT,
                reason=f"{assumed}; proved by {reading.induction}-induction ({how})",
                duration_s=time.perf_counter() - started,
                clock=clock,
                per_cycle=True,
            )
        if reading.status is yosys.SatStatus.FAILED:
            found = _counterexample(reading, reset_cycles, outputs)
            if any(ref != dut for s in found[reset_cycles:] for _, ref, dut in s.outputs):
                return FormalVerdict(
                    FormalStatus.NOT_EQUIVALENT,
                    reason=assumed,
                    counterexample=found,
                    table=render_counterexample(found, clock, per_cycle=True),
                    duration_s=time.perf_counter() - started,
                    clock=clock,
                    per_cycle=True,
                )
            continue  # only a register named alike differed: no claim about the outputs
        if number == 1:
            continue  # the strong claim's base case says nothing about the outputs' depth
        deepest = max(deepest, reading.depth)
        if timed_out or reading.status is yosys.SatStatus.TIMEOUT:
            stop = "ran out of time"
        elif number == 2:
            stop = f"induction did not close within {min(options.induction_cycles, options.cycles)} cycles"
        else:
            stop = f"the bounded check reached its limit of {options.cycles} cycles"
    if 2 not in passes:
        stop += f"; no induction on the outputs alone over {state_bits} state bits (memories)"
    if deepest >= 1:
        return FormalVerdict(
            FormalStatus.BOUNDED,
            reason=f"{assumed}; {stop}",
            cycles=deepest,
            duration_s=time.perf_counter() - started,
            clock=clock,
            per_cycle=True,
        )
    return _unknown(f"no cycle after reset was proved: {stop}", started)


def _half_cycle(
    job: _Job, clock: str, reset: tuple[str, int] | None, why: str, started: float
) -> FormalVerdict:
    """Mixed edges, clocks or latches: clk2fflogic, two steps per cycle, a bounded proof from reset."""
    options = job.options
    reset_steps = 2 * options.reset_cycles if reset else 0
    # Deepen step by step: a datapath that is slow to unroll still gets a shallow bound, and
    # a shallow counterexample comes back fast.
    depths = sorted({min(SHALLOW_CYCLES, options.cycles), options.cycles})
    assumed = _assumptions(clock, reset, options.reset_cycles, stateful=True) + (
        f"; half cycles: {why}" if why else ""
    )
    verdict = _unknown("no depth was tried", started)
    for cycles in depths:
        bound = yosys.Bound(
            steps=reset_steps + 2 * cycles,
            clock=clock,
            reset=reset[0] if reset else None,
            reset_active=reset[1] if reset else 1,
            reset_steps=reset_steps,
            timeout_s=options.timeout_s,
        )
        step = _prove(job, bound)
        if isinstance(step, str):
            if verdict.status is FormalStatus.BOUNDED:  # keep the shallower proof, say why it stopped
                return replace(verdict, reason=f"{verdict.reason}; deeper: {step}")
            return _unknown(step, started)
        elapsed = time.perf_counter() - started
        if step.status is yosys.SatStatus.FAILED:
            found = _counterexample(step, reset_steps)
            return FormalVerdict(
                FormalStatus.NOT_EQUIVALENT,
                reason=assumed,
                counterexample=found,
                table=render_counterexample(found, clock),
                duration_s=elapsed,
                clock=clock,
            )
        verdict = FormalVerdict(
            FormalStatus.BOUNDED, reason=assumed, cycles=cycles, duration_s=elapsed, clock=clock
        )
    return verdict


def _prove(job: _Job, bound: yosys.Bound) -> yosys.SatReading | str:
    """One bounded (or combinational) SAT run: the reading, or the reason there is none."""
    top = job.candidate.top

    def script(gold: list[str], gate: list[str]) -> str:
        return yosys.script(gold, job.gold_top, gate, top, bound)

    wall = job.options.timeout_s + 5.0
    sat_log, _, timed_out, output = job.run(script, wall)
    if timed_out:
        return f"yosys ran out of time ({wall:.0f} s)"
    reading = yosys.read_sat(sat_log, output)
    if reading.status is yosys.SatStatus.ERROR:
        return _where(reading.message)
    if reading.status is yosys.SatStatus.TIMEOUT:
        return f"the SAT solver timed out after {job.options.timeout_s} s"
    return reading


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


def _assumptions(
    clock: str | None,
    reset: tuple[str, int] | None,
    reset_cycles: int,
    stateful: bool,
    per_cycle: bool = False,
) -> str:
    if not stateful:
        return "combinational: every input value checked"
    parts = ["registers start at 0"]
    if clock and per_cycle:
        parts.append(f"every flip-flop on the rising edge of `{clock}`: one step per clock cycle")
    elif clock:
        parts.append(f"clock `{clock}` toggled every step (low, then high)")
    if reset and clock:
        parts.append(f"reset `{reset[0]}` held at {reset[1]} for {reset_cycles} cycles, then free")
    else:
        parts.append("no reset input found: compared from the first step")
    return "; ".join(parts)


def _counterexample(
    reading: yosys.SatReading, reset_steps: int, outputs: set[str] | None = None
) -> tuple[CounterexampleStep, ...]:
    """Steps from the start to the first one where an output differs (after the reset steps).

    `outputs`: the design's own outputs, when the miter also compared registers it exposed.
    """
    steps: list[CounterexampleStep] = []
    for number, values in reading.steps:
        signals = dict(values)
        inputs = tuple((name[3:], value) for name, value in values if name.startswith("in_"))
        compared = tuple(
            (name[5:], value, signals.get(f"gate_{name[5:]}", ""))
            for name, value in values
            if name.startswith("gold_") and (outputs is None or name[5:] in outputs)
        )
        steps.append(CounterexampleStep(number, inputs, compared))
        if number > reset_steps and any(ref != dut for _, ref, dut in compared):
            break
    return tuple(steps)


def _value(bits: str) -> str:
    """A binary value as the waveform window writes it: the bit, else 8'h3f (8'b01x0 with x/z)."""
    if len(bits) <= 1:
        return bits
    if set(bits) <= {"0", "1"}:
        return f"{len(bits)}'h{int(bits, 2):0{(len(bits) + 3) // 4}x}"
    return f"{len(bits)}'b{bits}"


def render_counterexample(
    steps: tuple[CounterexampleStep, ...], clock: str | None, per_cycle: bool = False
) -> str:
    """The counterexample as a table: inputs per step, then each output that differs as ref/dut.

    `per_cycle`: one step per clock cycle (the clock column is left out: it only rises between rows).
    """
    if not steps:
        return ""
    differing = sorted({o for s in steps for o, ref, dut in s.outputs if ref != dut})
    inputs = [name for name, _ in steps[0].inputs]
    if per_cycle and clock in inputs:
        inputs.remove(clock)
    elif clock in inputs:  # the clock first, as in the waveform window
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
    if per_cycle:
        note = f"(each step is one clock cycle: inputs applied, outputs compared, then `{clock}` rises)"
    return "\n".join([*lines, note]).rstrip() + "\n"


# -- the counterexample as evidence a model can act on ---------------------------------

REPLAY_TOP = "formal_replay"
REPLAY_REFERENCE = "formal_reference"  # the reference's module, renamed so both can be instantiated


def counterexample_evidence(verdict: FormalVerdict) -> str:
    """The counterexample as feedback text: what was assumed, then the table (waveform-window format).

    Derived from the reference: for golden-feedback mode only, never for own-testbench mode.
    """
    if not verdict.refuted or not verdict.table:
        return ""
    return (
        "A proof against the reference found an input sequence on which your design differs"
        f" ({verdict.reason}):\n{verdict.table}"
    )


def replay_testbench(verdict: FormalVerdict, ports: list[Port], dut_top: str) -> str:
    """A directed Verilog test replaying the counterexample against the reference and the candidate.

    Instantiates `formal_reference` (the reference renamed: see `replay_sources`) and `dut_top`
    on the same inputs, drives the counterexample's values step by step as the proof did, and
    prints `FORMAL-REPLAY MISMATCH step N output ref=.. dut=..` for each differing output, then
    `FORMAL-REPLAY DONE <mismatches>`. Registers with no reset start at x here (0 in the proof).
    """
    inputs = [p for p in ports if p.direction == "input"]
    outputs = [p for p in ports if p.direction == "output"]
    lines = ["`timescale 1ns/1ps", f"module {REPLAY_TOP};"]
    lines += [f"  reg {_range(p)}{p.name} = 0;" for p in inputs]
    for p in outputs:
        lines.append(f"  wire {_range(p)}{p.name}_ref, {p.name}_dut;")
    lines.append("  integer mismatches = 0;")

    def connect(suffix: str) -> str:
        return ", ".join(f".{p.name}({p.name}{'' if p.direction == 'input' else suffix})" for p in ports)

    lines.append(f"  {REPLAY_REFERENCE} reference ({connect('_ref')});")
    lines.append(f"  {dut_top} dut ({connect('_dut')});")
    lines.append("  initial begin")
    clock = verdict.clock
    for step in verdict.counterexample:
        given = dict(step.inputs)
        data = [f"    {name} = {len(bits)}'b{bits};" for name, bits in given.items() if name != clock]
        if clock and not verdict.per_cycle and clock in given:
            # Half cycles: the edge first, on the data of the step before (as clk2fflogic samples it).
            lines.append(f"    {clock} = 1'b{given[clock]};")
            lines.append("    #1;")
        lines += data
        lines.append("    #1;")
        for p in outputs:
            lines.append(
                f"    if ({p.name}_ref !== {p.name}_dut) begin mismatches = mismatches + 1;"
                f' $display("FORMAL-REPLAY MISMATCH step {step.step} {p.name} ref=%b dut=%b",'
                f" {p.name}_ref, {p.name}_dut); end"
            )
        if clock and verdict.per_cycle:
            lines += [f"    #4 {clock} = 1'b1;", f"    #5 {clock} = 1'b0;"]
        else:
            lines.append("    #3;")
    lines += ['    $display("FORMAL-REPLAY DONE %0d", mismatches);', "    $finish;", "  end", "endmodule"]
    return "\n".join(lines) + "\n"


def replay_sources(
    verdict: FormalVerdict, testbench: Testbench, candidate: Candidate
) -> tuple[SourceFile, ...] | None:
    """The directed test and the renamed reference, ready to compile with the candidate's files.

    None when there is nothing to replay (no counterexample) or the reference cannot be read.
    """
    gold_top = reference_top(testbench)
    if not verdict.counterexample or testbench.reference is None or gold_top is None:
        return None
    try:
        ports = list(hdl.module_interface(testbench.reference.text, gold_top).ports)
        renamed = hdl.rename_module(testbench.reference.text, gold_top, REPLAY_REFERENCE)
    except hdl.HdlError:
        return None
    return (
        SourceFile("formal_replay.sv", replay_testbench(verdict, ports, candidate.top)),
        SourceFile("formal_reference.sv", renamed),
    )


def _range(port: Port) -> str:
    return f"[{port.width - 1}:0] " if port.width > 1 else ""
