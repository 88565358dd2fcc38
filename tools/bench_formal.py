"""The formal verdict on designs/: its added time per check, its coverage, and its agreement with the testbenches.

    python tools/bench_formal.py [SUITE] [--generated 4] [--repeat 3] [--no-sandbox]

1. time: `check` alone against `check` + `formal_check`, on every reference, in this one
   invocation; prints the ratio of the totals and of the medians.
2. coverage: each reference against itself: how many definite verdicts (proved equivalent),
   bounded or unknown, and the median and maximum time.
3. agreement: every mutant under `<design>/mutants/` plus `--generated` mutants per design
   from `veriassist.hdl.mutate`: a mutant the testbench kills must be not equivalent, or
   unknown with a reason; every mutant the testbench passes but the proof refutes is listed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veriassist.check.checker import CheckOptions  # noqa: E402
from veriassist.check.equivalence import FormalOptions, formal_check  # noqa: E402
from veriassist.check.reference_counts import ReferenceCounts, check_counted  # noqa: E402
from veriassist.hdl import mutate  # noqa: E402
from veriassist.suites import load_suite  # noqa: E402
from veriassist.types import Candidate, FormalStatus, FormalVerdict, Problem, SourceFile  # noqa: E402


@dataclass(frozen=True)
class Mutant:
    design: str
    name: str
    candidate: Candidate


def designs(suite: Path) -> list[Problem]:
    """Every design folder with a reference (folders still being written are left out)."""
    problems = []
    for folder in sorted(p for p in suite.iterdir() if (p / "reference.sv").is_file()):
        try:
            problems.extend(load_suite(folder).problems)
        except Exception as error:  # a half-written design is reported, not fatal
            print(f"  (skipped {folder.name}: {error})")
    return [p for p in problems if p.reference is not None and p.testbench is not None]


def reference(problem: Problem) -> Candidate:
    assert problem.reference is not None
    return Candidate((problem.reference,), problem.top)


def time_checks(problems: list[Problem], repeat: int, check: CheckOptions, formal: FormalOptions) -> None:
    alone: list[float] = []
    both: list[float] = []
    for problem in problems:
        assert problem.testbench is not None
        counts = ReferenceCounts()
        check_counted(reference(problem), problem.testbench, check, counts)  # the reference's count, once
        for _ in range(repeat):
            started = time.perf_counter()
            check_counted(reference(problem), problem.testbench, check, counts)
            alone.append(time.perf_counter() - started)
            started = time.perf_counter()
            check_counted(reference(problem), problem.testbench, check, counts)
            formal_check(reference(problem), problem.testbench, formal)
            both.append(time.perf_counter() - started)
    print(f"\n1. time per check, {len(problems)} references x {repeat}, this invocation")
    print(f"   check alone:      total {sum(alone):7.2f} s, median {statistics.median(alone):.3f} s")
    print(f"   check + formal:   total {sum(both):7.2f} s, median {statistics.median(both):.3f} s")
    print(
        f"   ratio (formal on / off): {sum(both) / sum(alone):.2f}x on the totals, "
        f"{statistics.median(both) / statistics.median(alone):.2f}x on the medians"
    )


def coverage(problems: list[Problem], formal: FormalOptions) -> None:
    verdicts: dict[str, FormalVerdict] = {}
    for problem in problems:
        assert problem.testbench is not None
        verdicts[problem.task_id] = formal_check(reference(problem), problem.testbench, formal)
    statuses = Counter(v.status for v in verdicts.values())
    times = [v.duration_s for v in verdicts.values()]
    slowest = max(verdicts, key=lambda n: verdicts[n].duration_s)
    print(f"\n2. coverage: each reference against itself ({len(problems)} designs)")
    print(
        f"   proved equivalent {statuses[FormalStatus.EQUIVALENT]}, bounded {statuses[FormalStatus.BOUNDED]}, "
        f"not equivalent {statuses[FormalStatus.NOT_EQUIVALENT]}, unknown {statuses[FormalStatus.UNKNOWN]}"
    )
    print(f"   time: median {statistics.median(times):.2f} s, max {max(times):.2f} s ({slowest})")
    for name, verdict in verdicts.items():
        if verdict.status is not FormalStatus.EQUIVALENT:
            print(f"   - {name}: {verdict.summary}")


def mutants(problem: Problem, suite: Path, generated: int) -> list[Mutant]:
    folder = suite / problem.task_id / "mutants"
    found = [
        Mutant(problem.task_id, path.name, Candidate((SourceFile(path.name, path.read_text()),), problem.top))
        for path in sorted(folder.glob("*.sv"))
    ]
    assert problem.reference is not None
    for mutant in mutate.mutants(problem.reference.text, limit=generated):
        source = SourceFile(problem.reference.name, mutant.text)
        found.append(Mutant(problem.task_id, f"gen {mutant.description}", Candidate((source,), problem.top)))
    return found


def agreement(
    problems: list[Problem], suite: Path, generated: int, check: CheckOptions, formal: FormalOptions
) -> None:
    table: Counter[tuple[str, str]] = Counter()
    broken: list[str] = []
    missed: list[str] = []
    unknown: list[str] = []  # killed, and unknown with the reason (allowed; listed)
    open_: list[str] = []  # passed, and neither proved nor refuted
    total = 0
    for problem in problems:
        assert problem.testbench is not None
        counts = ReferenceCounts()
        for mutant in mutants(problem, suite, generated):
            total += 1
            killed = not check_counted(mutant.candidate, problem.testbench, check, counts).passed
            verdict = formal_check(mutant.candidate, problem.testbench, formal)
            table[("killed" if killed else "passed", verdict.status.value)] += 1
            label = f"{mutant.design}/{mutant.name}"
            if killed and verdict.status in (FormalStatus.EQUIVALENT, FormalStatus.BOUNDED):
                broken.append(f"{label}: testbench kills it, formal says {verdict.summary}")
            if killed and verdict.status is FormalStatus.UNKNOWN:
                if verdict.reason:
                    unknown.append(f"{label}: {verdict.reason}")
                else:
                    broken.append(f"{label}: unknown without a reason")
            if not killed and verdict.status in (FormalStatus.BOUNDED, FormalStatus.UNKNOWN):
                open_.append(f"{label}: {verdict.summary}")
            if not killed and verdict.status is FormalStatus.NOT_EQUIVALENT:
                first = next((s for s in reversed(verdict.counterexample)), None)
                where = f" at step {first.step}" if first else ""
                missed.append(f"{label}: the testbench passes it, the proof refutes it{where}")
    print(f"\n3. agreement on {total} mutants (designs/*/mutants + {generated} generated per design)")
    for (tb, status), count in sorted(table.items()):
        print(f"   testbench {tb:6s} / formal {status:15s} {count:4d}")
    print(f"   killed by the testbench but not refuted or unknown-with-reason: {len(broken)}")
    for line in broken:
        print(f"   - {line}")
    print(f"   killed by the testbench, formal unknown with the reason: {len(unknown)}")
    for line in unknown:
        print(f"   - {line}")
    print(f"   passed by the testbench, neither proved nor refuted: {len(open_)}")
    for line in open_:
        print(f"   - {line}")
    print(f"   passed by the testbench but refuted by the proof: {len(missed)}")
    for line in missed:
        print(f"   - {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?", default=ROOT / "designs", type=Path)
    parser.add_argument("--generated", type=int, default=4, help="mutants generated per design")
    parser.add_argument("--repeat", type=int, default=3, help="timings per reference")
    parser.add_argument("--no-sandbox", action="store_true")
    parser.add_argument("--only", nargs="*", default=None, help="design names (default: all)")
    parser.add_argument("--parts", default="123", help="which parts to run: 1 time, 2 coverage, 3 agreement")
    args = parser.parse_args()
    problems = designs(args.suite)
    if args.only:
        problems = [p for p in problems if p.task_id in args.only]
    check = CheckOptions(waveform=False, sandbox=not args.no_sandbox)
    formal = FormalOptions(sandbox=not args.no_sandbox)
    if "1" in args.parts:
        time_checks(problems, args.repeat, check, formal)
    if "2" in args.parts:
        coverage(problems, formal)
    if "3" in args.parts:
        agreement(problems, args.suite, args.generated, check, formal)


if __name__ == "__main__":
    main()
