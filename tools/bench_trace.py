"""Does signal tracing point at the bug? Measured on every mutant in designs/.

For each mutant that fails its golden testbench, the feedback's driver trace starts at the
output that went wrong first. A mutant counts as located when one of the lines it changed
is among the drivers shown. Also times the trace against the check it is added to.

    python tools/bench_trace.py [DESIGNS_DIR] [--tier hard]
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import time
from pathlib import Path

from veriassist.check.checker import CheckOptions
from veriassist.check.feedback import first_wrong_output, trace_drivers
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.suites import load_suite
from veriassist.types import Candidate, SourceFile

ROOT = Path(__file__).resolve().parent.parent


def changed_lines(reference: str, mutant: str) -> set[int]:
    """Line numbers (1-based, in the mutant) that the mutation changed or inserted."""
    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(a=reference.splitlines(), b=mutant.splitlines(), autojunk=False)
    for tag, _a1, _a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # A deletion changed the line that now stands where the deleted ones were.
        lines.update(range(b1 + 1, b2 + 1) if b2 > b1 else {b1 + 1, b1})
    return lines - {1} if len(lines) > 1 else lines  # line 1 is the `// mutant:` comment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("designs", nargs="?", type=Path, default=ROOT / "designs")
    parser.add_argument("--tier", default=None)
    args = parser.parse_args()
    suite = load_suite(args.designs)
    counts = ReferenceCounts()
    options = CheckOptions(waveform=False)
    located = failed = 0
    check_s: list[float] = []
    trace_s: list[float] = []
    missed: list[str] = []
    for problem in suite.problems:
        if args.tier and problem.metadata.get("tier") != args.tier:
            continue
        assert problem.testbench is not None and problem.reference is not None
        for path in problem.metadata.get("mutants", []):
            text = Path(path).read_text()
            mutant = Candidate((SourceFile(Path(path).name, text),), problem.top)
            started = time.perf_counter()
            result = check_counted(mutant, problem.testbench, options, counts)
            check_s.append(time.perf_counter() - started)
            output = first_wrong_output(result)
            if result.passed or output is None:
                continue
            failed += 1
            started = time.perf_counter()
            drivers = trace_drivers(mutant, output)
            trace_s.append(time.perf_counter() - started)
            if {d.line for d in drivers} & changed_lines(problem.reference.text, text):
                located += 1
            else:
                missed.append(f"{problem.task_id}/{Path(path).name} (traced `{output}`)")
    print(f"mutants failing with a wrong output: {failed}")
    print(f"mutated line among the drivers shown: {located}/{failed} ({located / max(failed, 1):.0%})")
    if trace_s:
        print(
            f"trace time: median {statistics.median(trace_s) * 1000:.1f} ms, max {max(trace_s) * 1000:.1f} ms;"
            f" check time median {statistics.median(check_s) * 1000:.0f} ms"
            f" (trace/check {statistics.median(trace_s) / statistics.median(check_s):.3f}x)"
        )
    for line in missed:
        print(f"  not located: {line}")


if __name__ == "__main__":
    main()
