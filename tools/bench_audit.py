"""Time `veriassist suites audit` against checking each reference once (what `bench --reference` does).

Usage: python tools/bench_audit.py [SUITE] [-j N] [--mutants N] [--all-mutants] [--formal off|auto|on]

Both phases use the same number of worker processes, each in a fresh pool so no
cache carries over from one to the other. Prints both wall times and their ratio.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from veriassist.check.checker import CheckOptions, check
from veriassist.suites import load_suite
from veriassist.suites.audit import AuditOptions, audit_problems
from veriassist.types import Candidate, Problem


def _check_reference(problem: Problem) -> bool:
    if problem.reference is None or problem.testbench is None:
        return False
    reference = Candidate((problem.reference,), problem.top)
    return check(reference, problem.testbench, CheckOptions(), expected_samples=None).passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?", default="designs", type=Path)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--mutants", type=int, default=AuditOptions().mutants)
    parser.add_argument("--all-mutants", action="store_true", help="do not stop at the first mutant killed")
    parser.add_argument(
        "--formal", choices=("off", "auto", "on"), default="auto", help="prove passing designs"
    )
    args = parser.parse_args()
    problems = load_suite(args.suite).problems
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        passed = sum(pool.map(_check_reference, problems, chunksize=1))
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    results = audit_problems(
        problems,
        args.jobs,
        AuditOptions(mutants=args.mutants, all_mutants=args.all_mutants, formal=args.formal),
    )
    linted = time.perf_counter() - started
    flagged = sum(1 for r in results if r.findings)
    stop = "all of them" if args.all_mutants else "stopping at the first killed"
    print(
        f"suite {args.suite}: {len(problems)} problems, -j {args.jobs}, up to {args.mutants} mutants ({stop}), "
        f"formal {args.formal}"
    )
    print(f"check each reference once: {baseline:6.2f} s ({passed} references pass)")
    print(f"lint:                      {linted:6.2f} s ({flagged} problems flagged)")
    print(f"ratio lint / reference check: {linted / baseline:.1f}x")


if __name__ == "__main__":
    main()
