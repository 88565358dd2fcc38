"""Which testbenches leave an output, or some of its bits, unchecked? Measured with mutants of the reference.

Every reference-mutant pair of a suite goes through the check (the suite's own mutants, as in
designs/*/mutants, generated ones, and the reference with one output, or one bit of it,
inverted: what asks most directly whether the testbench looks there): a mutant that passes while its outputs differ from the
reference's over the run carries a warning, and the problem counts as leaving those outputs
unchecked. A self-checking testbench (RTLLM) is given the problem's reference for this.

Also the cost: each reference's own (passing) check, with the comparison and without,
interleaved, as a ratio measured in this run.

    python tools/bench_unchecked.py SUITE [--mutants 8] [--repeat 3] [--only a,b]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from veriassist import hdl
from veriassist.check.checker import CheckOptions
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.hdl import mutate
from veriassist.suites import load_suite
from veriassist.types import Candidate, Problem, SourceFile, Testbench, TestbenchStyle


def beside_reference(problem: Problem) -> Testbench | None:
    """The testbench a check compares outputs with: a self-checking one gets the problem's reference."""
    testbench = problem.testbench
    if testbench is None or problem.reference is None:
        return None
    if testbench.style is TestbenchStyle.BANNER and testbench.reference is None:
        return replace(testbench, reference=problem.reference)
    return testbench


def mutants(problem: Problem, generated: int) -> list[tuple[str, str]]:
    """(label, text): the suite's own mutants, then up to `generated` made from the reference."""
    assert problem.reference is not None
    found = [(Path(p).name, Path(p).read_text()) for p in problem.metadata.get("mutants", [])]
    found += [(m.description, m.text) for m in mutate.mutants(problem.reference.text, generated)]
    return found


def inverted(reference: str, top: str, port: str, bits: list[int] | None) -> str | None:
    """The reference wrapped so that output `port` (or only its `bits`) comes out inverted."""
    try:
        interface = hdl.module_interface(reference, top)
        header = hdl.module_header(reference, top)
    except hdl.HdlError:
        return None
    if not re.search(r"\b(input|output|inout)\b", header):
        return None  # a non-ANSI header: its port declarations are in the body
    inner = f"{top}__inverted_inner"
    try:
        body = hdl.rename_module(reference, top, inner)
    except hdl.HdlError:
        return None
    outputs = [p for p in interface.ports if p.direction == "output"]
    width = next(p.width for p in outputs if p.name == port)
    mask = sum(1 << b for b in bits) if bits is not None else (1 << width) - 1
    # The wrapper drives its outputs with `assign`: a `reg` output would refuse that.
    header = re.sub(r"\boutput\s+(reg|logic)\b", "output wire", header)
    overrides = ", ".join(f".{n}({n})" for n in interface.parameters)
    wires = "".join(f"  wire [{p.width - 1}:0] inner_{p.name};\n" for p in outputs)
    ports = ", ".join(
        f".{p.name}({'inner_' if p.direction == 'output' else ''}{p.name})" for p in interface.ports
    )
    instance = f"  {inner} {'#(' + overrides + ') ' if overrides else ''}inner ({ports});\n"
    drives = "".join(
        f"  assign {p.name} = inner_{p.name}" + (f" ^ {p.width}'d{mask};\n" if p.name == port else ";\n")
        for p in outputs
    )
    return f"{body}\n{header}\n{wires}{instance}{drives}endmodule\n"


def inversions(problem: Problem, most_bits: int) -> list[tuple[str, str]]:
    """(label, text): each output inverted whole, then up to `most_bits` of its bits one at a time
    (spread over it, the lowest and highest always among them)."""
    assert problem.reference is not None
    text, top = problem.reference.text, problem.top
    try:
        outputs = [p for p in hdl.module_interface(text, top).ports if p.direction == "output"]
    except hdl.HdlError:
        return []
    found = []
    for port in outputs:
        choices: list[list[int] | None] = [None]
        if port.width > 1 and most_bits > 0:
            step = max(1, port.width // most_bits)
            picked = sorted({*range(0, port.width, step), port.width - 1})
            choices += [[b] for b in picked]
        for bits in choices:
            design = inverted(text, top, port.name, bits)
            if design is not None:
                where = port.name if bits is None else f"{port.name}[{bits[0]}]"
                found.append((f"{where} inverted", design))
    return found


def unchecked_outputs(warnings: tuple[str, ...]) -> set[str]:
    """The outputs a check's warnings name (`y[7:1]` counts as `y`)."""
    names: set[str] = set()
    for warning in warnings:
        label = warning.split("`")[1] if warning.count("`") >= 2 else warning
        names.update(part.strip().split("[")[0] for part in label.split(","))
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("--mutants", type=int, default=8, help="generated mutants per problem")
    parser.add_argument("--repeat", type=int, default=3, help="timed reference checks per setting")
    parser.add_argument("--only", default="", help="comma-separated task ids")
    parser.add_argument("--bits", type=int, default=8, help="bits per output inverted one at a time")
    args = parser.parse_args()
    only = {t for t in args.only.split(",") if t}
    problems = [p for p in load_suite(args.suite).problems if not only or p.task_id in only]
    counts = ReferenceCounts()
    options = CheckOptions(waveform=False)
    flagged: dict[str, tuple[set[str], str]] = {}  # task -> (outputs, the first warning)
    skipped: list[str] = []
    pairs = passing = warned = 0
    on_s: list[float] = []
    off_s: list[float] = []
    compare_s: list[float] = []
    for problem in problems:
        testbench = beside_reference(problem)
        if testbench is None or testbench.style not in (TestbenchStyle.COMPARE, TestbenchStyle.BANNER):
            skipped.append(f"{problem.task_id} (no reference or a testbench the check cannot compare with)")
            continue
        assert problem.reference is not None
        reference = Candidate((problem.reference,), problem.top)
        own = check_counted(reference, testbench, options, counts)
        if not own.passed:
            skipped.append(f"{problem.task_id} (the reference fails: {own.summary})")
            continue
        if own.warnings:  # the reference against itself must never differ: a race, or a bug here
            print(f"!! {problem.task_id}: the reference differs from itself: {own.warnings[0]}")
        # Interleaved so load drifts hit both settings alike.
        for _ in range(args.repeat):
            for setting, times in ((True, on_s), (False, off_s)):
                started = time.perf_counter()
                timed = check_counted(reference, testbench, replace(options, unchecked=setting), counts)
                times.append(time.perf_counter() - started)
                if setting:
                    compare_s.append(timed.timings.get("unchecked_s", 0.0))
        for label, text in [*mutants(problem, args.mutants), *inversions(problem, args.bits)]:
            design = Candidate((SourceFile(problem.reference.name, text),), problem.top)
            result = check_counted(design, testbench, options, counts)
            if result.kind.is_compile_failure:
                continue
            pairs += 1
            if not result.passed:
                continue
            passing += 1
            if not result.warnings:
                continue
            warned += 1
            outputs, first = flagged.setdefault(problem.task_id, (set(), f"{label}: {result.warnings[0]}"))
            outputs.update(unchecked_outputs(result.warnings))
        named = ", ".join(sorted(flagged[problem.task_id][0])) if problem.task_id in flagged else "-"
        print(f"  {problem.task_id}: unchecked {named}", file=sys.stderr, flush=True)
    judged = len(problems) - len(skipped)
    print(f"suite {args.suite}: {judged} problems judged, {len(skipped)} skipped")
    print(
        f"reference-mutant pairs that compile: {pairs}; passing the testbench: {passing}; with a warning: {warned}"
    )
    print(f"problems whose testbench leaves an output or some bits unchecked: {len(flagged)} of {judged}")
    for task, (outputs, first) in sorted(flagged.items()):
        print(f"  {task}: {', '.join(sorted(outputs))}  (e.g. {first})")
    for line in skipped:
        print(f"  skipped: {line}")
    if on_s and off_s:
        on, off = statistics.mean(on_s), statistics.mean(off_s)
        print(
            f"reference check, mean of {len(on_s)}: {on * 1000:.1f} ms with the comparison, {off * 1000:.1f} ms"
            f" without (ratio {on / off:.3f}x, +{(on - off) * 1000:.1f} ms); reading the waveform:"
            f" median {statistics.median(compare_s) * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
