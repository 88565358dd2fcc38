"""Does the own-testbench strength check tell weak tests from enough? Measured on designs/.

For every design we can drive generically (a clock named like clk, or none; no inout), the
reference is simulated once by Icarus on seeded random stimulus (the reset held for the first
two cycles, when there is one) and its outputs are recorded. From that record come two cocotb
testbenches, as a model could write them:
- strong: one random test checking every output at every cycle (the record is its Python model);
- weak: one directed test checking the outputs only right after the reset (the first cycles).

Figures:
- flagged: among the designs where the weak tests pass a known-wrong mutant from
  `designs/*/mutants/` (a false bless if the loop stopped there), how often the strength check,
  run on that mutant as the model's design with the weak tests, calls the tests weak;
- false alarms: among the designs whose strong tests pass the reference and fail every
  known-wrong mutant (tests that were in fact enough), how often the check calls them weak;
- added time per iteration: the check's wall time over the own check's, in the same invocation.

    python tools/bench_strength.py [DESIGNS_DIR] [--tier hard] [--only a,b] [--limit N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from veriassist import hdl
from veriassist.agent.evaluate import Attempt, LoopContext, evaluate
from veriassist.agent.outcome import LoopSettings
from veriassist.agent.strength import StrengthReport, measure
from veriassist.check.equivalence import find_clock, find_reset
from veriassist.suites import load_suite
from veriassist.toolchain import icarus, runner
from veriassist.types import Port, Problem, SelfCheck

ROOT = Path(__file__).resolve().parent.parent
CYCLES = 200
WEAK_STEPS = 3  # the weak test checks the outputs of the first steps only: the reset

COCOTB = """import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge, Timer

STIMULUS = {stimulus!r}
EXPECTED = {expected!r}
CHECKED = {checked!r}


def same(got, want):
    return len(got) == len(want) and all(w in "xz" or g == w for g, w in zip(got, want))


@cocotb.test()
async def {name}(dut):
    for port, value in STIMULUS[0].items():
        getattr(dut, port).value = value
{clock_start}
    for step, inputs in enumerate(STIMULUS):
{wait_edge}
        await Timer(2, unit="ns")
        for port, value in inputs.items():
            getattr(dut, port).value = value
        await Timer(7, unit="ns")
        if step in CHECKED:
            for port, want in EXPECTED[step].items():
                got = str(getattr(dut, port).value).lower()
                assert same(got, want), f"step {{step}}: {{port}}={{got}}, expected {{want}}"
"""


@dataclass(frozen=True)
class Bench:
    strong: str
    weak: str


def stimulus(inputs: list[Port], reset: tuple[str, int] | None, seed: int) -> list[dict[str, int]]:
    rng = random.Random(seed)
    steps = []
    for step in range(CYCLES):
        values = {p.name: rng.getrandbits(p.width) for p in inputs}
        if reset is not None:
            held = step < 2 or rng.random() < 0.05
            values[reset[0]] = reset[1] if held else 1 - reset[1]
        steps.append(values)
    return steps


def record(
    problem: Problem, ports: list[Port], clock: str | None, steps: list[dict[str, int]]
) -> list[dict[str, str]] | None:
    """The reference's outputs at each step, by a trusted Verilog bench that mirrors the cocotb timing."""
    assert problem.reference is not None
    outputs = [p for p in ports if p.direction == "output"]
    lines = ["`timescale 1ns/1ps", "module record_tb;"]
    for p in ports:
        kind = "reg" if p.direction == "input" else "wire"
        lines.append(f"  {kind} [{max(p.width, 1) - 1}:0] {p.name};")
    lines.append(f"  {problem.top} dut({', '.join(f'.{p.name}({p.name})' for p in ports)});")
    if clock:
        lines += [f"  initial {clock} = 1;", f"  always #5 {clock} = ~{clock};"]

    def apply(values: dict[str, int]) -> str:
        return " ".join(f"{name} = {value};" for name, value in values.items())

    body = [f"    {apply(steps[0])}"]
    for i, values in enumerate(steps):
        body.append(f"    @(posedge {clock});" if clock else "    #1;")
        body.append(f"    #2; {apply(values)} #7;")
        fmt = " ".join("%b" for _ in outputs)
        body.append(f'    $display("S {i} {fmt}", {", ".join(p.name for p in outputs)});')
    lines += ["  initial begin", *body, "    $finish;", "  end", "endmodule"]
    with tempfile.TemporaryDirectory(prefix="bench-strength-") as tmp:
        work = Path(tmp)
        (work / "tb.sv").write_text("\n".join(lines) + "\n")
        (work / "ref.sv").write_text(problem.reference.text)
        built = runner.run(icarus.compile_argv(["tb.sv", "ref.sv"], "record_tb"), work)
        if built.returncode != 0:
            return None
        ran = runner.run(icarus.simulate_argv(), work)
    expected: list[dict[str, str]] = []
    for line in ran.output.splitlines():
        parts = line.split()
        if parts[:1] == ["S"] and len(parts) == 2 + len(outputs):
            expected.append({p.name: v.lower() for p, v in zip(outputs, parts[2:], strict=True)})
    return expected if len(expected) == len(steps) else None


def bench_for(problem: Problem, seed: int) -> Bench | None:
    assert problem.reference is not None
    try:
        ports = list(hdl.module_interface(problem.reference.text, problem.top).ports)
    except hdl.HdlError:
        return None
    if any(p.direction == "inout" or p.width < 1 or p.name.startswith("_") for p in ports):
        return None
    inputs = [p for p in ports if p.direction == "input"]
    clock = find_clock(inputs)
    reset = find_reset(inputs) if clock else None
    driven = [p for p in inputs if p.name != clock and (reset is None or p.name != reset[0])]
    steps = stimulus(driven, reset, seed)
    expected = record(problem, ports, clock, steps)
    if expected is None:
        return None
    clock_start = f'    cocotb.start_soon(Clock(dut.{clock}, 10, unit="ns").start())' if clock else ""
    wait_edge = f"        await RisingEdge(dut.{clock})" if clock else "        await Timer(1, unit='ns')"

    def text(name: str, checked: list[int]) -> str:
        return COCOTB.format(
            stimulus=steps,
            expected=expected,
            checked=checked,
            name=name,
            clock_start=clock_start,
            wait_edge=wait_edge,
        )

    return Bench(
        strong=text("random_against_model", list(range(CYCLES))),
        weak=text("after_reset", list(range(WEAK_STEPS))),
    )


def strength(ctx: LoopContext, rtl: str, tests: str) -> tuple[Attempt, StrengthReport | None]:
    attempt = evaluate(ctx, rtl, tests)
    if not attempt.own.passed:
        return attempt, None
    return attempt, measure(ctx, attempt, ctx.settings.strength)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("designs", nargs="?", type=Path, default=ROOT / "designs")
    parser.add_argument("--tier", default=None)
    parser.add_argument("--only", default="", help="comma-separated task ids")
    parser.add_argument("--limit", type=int, default=0, help="at most this many designs")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    suite = load_suite(args.designs)
    settings = LoopSettings(self_check=SelfCheck.NEVER)
    only = {t for t in args.only.split(",") if t}
    flagged = blessed = alarms = enough = skipped = 0
    own_s: list[float] = []
    check_s: list[float] = []
    problems = [
        p
        for p in suite.problems
        if (not args.tier or p.metadata.get("tier") == args.tier) and (not only or p.task_id in only)
    ]
    for problem in problems[: args.limit or None]:
        bench = bench_for(problem, args.seed)
        if bench is None:
            skipped += 1
            print(f"{problem.task_id}: not driven generically, skipped")
            continue
        assert problem.reference is not None
        ctx = LoopContext.for_problem(problem, settings)
        mutants = [Path(p).read_text() for p in problem.metadata.get("mutants", [])]
        # False alarms: strong tests that pass the reference and kill every known-wrong mutant.
        attempt, report = strength(ctx, problem.reference.text, bench.strong)
        kills_all = all(not evaluate(ctx, m, bench.strong).own.passed for m in mutants)
        if report is not None and kills_all:
            enough += 1
            alarms += report.weak
            own_s.append(attempt.own.timings.get("total_s", 0.0))
            check_s.append(report.duration_s)
            print(f"{problem.task_id}: strong tests: {report.line}{' -> FALSE ALARM' if report.weak else ''}")
        else:
            print(f"{problem.task_id}: strong tests do not pass the reference or miss a mutant; not counted")
        # Flags: the first known-wrong mutant the weak tests pass, as the model's design.
        for text in mutants:
            attempt, report = strength(ctx, text, bench.weak)
            if report is None:
                continue
            blessed += 1
            flagged += report.weak
            own_s.append(attempt.own.timings.get("total_s", 0.0))
            check_s.append(report.duration_s)
            verdict = "flagged" if report.weak else "NOT FLAGGED"
            print(f"{problem.task_id}: weak tests pass a known-wrong mutant: {report.line} -> {verdict}")
            break
    print()
    print(f"designs: {len(problems[: args.limit or None])} ({skipped} skipped: not driven generically)")
    print(
        f"weak tests that pass a known-wrong mutant, flagged weak: {flagged}/{blessed} ({flagged / max(blessed, 1):.0%})"
    )
    print(
        f"tests that were enough, flagged weak (false alarms): {alarms}/{enough} ({alarms / max(enough, 1):.0%})"
    )
    if check_s:
        own, added = statistics.median(own_s), statistics.median(check_s)
        print(
            f"added time per iteration: median {added:.1f} s for the check vs {own:.1f} s for the own check"
            f" ({added / max(own, 1e-9):.1f}x), {settings.strength.mutants} mutants, {time.strftime('%H:%M')}"
        )


if __name__ == "__main__":
    main()
