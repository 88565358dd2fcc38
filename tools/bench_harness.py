"""How much `veriassist bench --reference` costs over running the simulator by hand.

Times, in one invocation and with the same worker count:
  - baseline: a ProcessPoolExecutor running raw `iverilog` + `vvp` per problem (files laid out beforehand);
  - `run_bench` called in this process (sandboxed, and with --no-sandbox);
  - the `veriassist bench` CLI as a subprocess (sandboxed), and its floor: a fresh interpreter
    importing what the CLI imports and exiting, which every CLI run pays whatever the suite.
Prints the median of --repeat runs of each and its ratio to the baseline. Target: <= 1.15x.

A second table scores --samples N completions per problem (`bench --samples`, as pass@k runs
do), each the reference with a comment inside its last module so that it is not the reference
itself: a first run on a database also pays one reference run per problem (the count that
guards against candidates ending the simulation early), which the plain loop does not do;
the "counts stored" row is a later run, which reads those counts from the database.

    python tools/bench_harness.py [--suite designs] [--verilogeval PATH] [-j N] [--repeat 3] [--samples 5]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from veriassist import hdl
from veriassist.eval.bench import BenchRequest, run_bench
from veriassist.suites import load_suite
from veriassist.toolchain import icarus
from veriassist.types import Problem

ROOT = Path(__file__).resolve().parent.parent


def lay_out(problem: Problem, folder: Path) -> list[str]:
    """Write testbench, reference and the reference-as-candidate; return the source names."""
    testbench = problem.testbench
    assert testbench is not None and problem.reference is not None
    folder.mkdir(parents=True)
    sources = []
    for f in testbench.files:
        (folder / f"tb_{f.name}").write_text(f.text)
        sources.append(f"tb_{f.name}")
    if testbench.reference is not None and testbench.reference_module:
        text = testbench.reference.text
        names = hdl.module_names(text)
        if testbench.reference_module not in names:
            text = hdl.rename_module(text, names[-1], testbench.reference_module)
        (folder / "ref.sv").write_text(text)
        sources.append("ref.sv")
    (folder / "dut.sv").write_text(problem.reference.text)
    sources.append("dut.sv")
    for support in testbench.support_files:
        shutil.copy(support, folder / support.name)
    return sources


def raw_job(job: tuple[str, list[str], str]) -> bool:
    """iverilog + vvp, nothing else: the floor any harness pays."""
    folder, sources, top = job
    built = subprocess.run(icarus.compile_argv(sources, top), cwd=folder, capture_output=True, check=False)
    if built.returncode != 0:
        return False
    ran = subprocess.run(icarus.simulate_argv(), cwd=folder, capture_output=True, timeout=60, check=False)
    return ran.returncode == 0


def time_baseline(jobs: list[tuple[str, list[str], str]], workers: int) -> float:
    started = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(raw_job, jobs))
    return time.perf_counter() - started


def measure(suite_path: Path, workers: int, repeat: int, scratch: Path, samples: int) -> None:
    suite = load_suite(suite_path)
    problems = [p for p in suite.problems if p.testbench is not None and p.reference is not None]
    base = scratch / suite_path.name
    # A fresh database per run: nothing is reused from an earlier run (such as the reference
    # sample counts a --samples run measures once and keeps), so every figure is a first run's.
    fresh = (base / f"bench-{n}.db" for n in range(10**6))
    counter = iter(range(10**6))
    samples_file = base / "samples.jsonl"

    def raw_jobs(table: str, copies: int) -> list[tuple[str, list[str], str]]:
        jobs = []
        for problem in problems:
            for copy in range(copies):  # a folder each: every run writes wave.vcd where it runs
                folder = base / f"raw-{table}" / f"{problem.task_id}-{copy}"
                jobs.append((str(folder), lay_out(problem, folder), problem.testbench.toplevel))  # type: ignore[union-attr]
        return jobs

    def api(sandbox: bool, db: Path | None = None, **mode: object) -> Callable[[int], object]:
        def go(_: int) -> object:
            request = BenchRequest(
                suite_path=suite_path,
                jobs=workers,
                db=db or next(fresh),
                run_name=f"api-{next(counter)}",
                sandbox=sandbox,
                **mode,  # type: ignore[arg-type]
            )
            return run_bench(request)

        return go

    def cli(*mode: str) -> Callable[[int], object]:
        def go(_: int) -> object:
            argv = [
                sys.executable,
                "-m",
                "veriassist",
                "bench",
                str(suite_path),
                *mode,
                "-j",
                str(workers),
                "--json",
            ]
            argv += ["--db", str(next(fresh)), "--run", f"cli-{next(counter)}"]
            return subprocess.run(argv, capture_output=True, check=True)

        return go

    def cli_floor(_: int) -> object:
        """What every CLI run pays before and after its checks: a new interpreter and its imports."""
        imports = "import veriassist.cli, veriassist.cli.bench, veriassist.eval.bench"
        return subprocess.run([sys.executable, "-c", imports], check=True)

    def table(
        title: str, jobs: list[tuple[str, list[str], str]], runs: list[tuple[str, Callable[[int], object]]]
    ) -> None:
        # Round robin, not one row after another: on a shared VM the machine's speed drifts
        # over a minute, and each row should see the same drift as the baseline.
        rows = [("raw iverilog + vvp", lambda _: time_baseline(jobs, workers)), *runs]
        times: dict[str, list[float]] = {name: [] for name, _ in rows}
        for attempt in range(repeat):
            for name, action in rows:
                started = time.perf_counter()
                action(attempt)
                times[name].append(time.perf_counter() - started)
        baseline = statistics.median(times[rows[0][0]])
        print(f"\n{suite_path}: {title}, -j {workers}, median of {repeat}, rows interleaved")
        for name, _ in rows:
            seconds = statistics.median(times[name])
            print(f"  {name:34s} {seconds:7.3f} s   {seconds / baseline:5.2f}x")

    table(
        f"--reference, {len(problems)} problems",
        raw_jobs("reference", 1),
        [
            ("run_bench (sandboxed)", api(True)),
            ("run_bench --no-sandbox", api(False)),
            ("veriassist bench CLI (sandboxed)", cli("--reference")),
            ("  CLI floor: start, imports, exit", cli_floor),
        ],
    )
    if samples > 0:
        with samples_file.open("w") as out:
            for problem in problems:
                assert problem.reference is not None
                for i in range(samples):
                    head, end, tail = problem.reference.text.rpartition("endmodule")
                    text = f"{head}// sample {i}\n{end}{tail}"
                    out.write(json.dumps({"task_id": problem.task_id, "completion": text}) + "\n")
        stored = base / "counts-stored.db"  # counts measured once here, then read by every timed run
        run_bench(
            BenchRequest(suite_path, jobs=workers, db=stored, mode="samples", samples_path=samples_file)
        )
        table(
            f"--samples, {samples} per problem, {samples * len(problems)} checks",
            raw_jobs("samples", samples),
            [
                ("run_bench (sandboxed)", api(True, mode="samples", samples_path=samples_file)),
                ("run_bench --no-sandbox", api(False, mode="samples", samples_path=samples_file)),
                ("veriassist bench CLI (sandboxed)", cli("--samples", str(samples_file))),
                ("run_bench, counts stored", api(True, stored, mode="samples", samples_path=samples_file)),
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", type=Path, default=ROOT / "designs")
    parser.add_argument("--verilogeval", type=Path, help="a VerilogEval checkout to time as well")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=5, help="completions per problem (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-harness-") as scratch:
        for path in [args.suite, *([args.verilogeval] if args.verilogeval else [])]:
            measure(path, args.j, args.repeat, Path(scratch), args.samples)
    sys.exit(0)


if __name__ == "__main__":
    main()
