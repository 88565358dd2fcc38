"""How much `veriassist bench --reference` costs over running the simulator by hand.

Times, in one invocation and with the same worker count:
  - baseline: a ProcessPoolExecutor running raw `iverilog` + `vvp` per problem (files laid out beforehand);
  - `run_bench` called in this process (sandboxed, and with --no-sandbox);
  - the `veriassist bench` CLI as a subprocess (sandboxed), and its floor: a fresh interpreter
    importing what the CLI imports and exiting, which every CLI run pays whatever the suite.
Prints the median of --repeat runs of each, and the median of its ratios to the baseline run
in the same round, in wall time and in CPU time (this process and every process it waited
for), with the range of the wall ratios. Target: <= 1.15x.

VeriAssist compiles through iverilog's two stages without the driver and its shell
(toolchain/ivl_stages.py), which the baseline runs, as a user would by hand. A second floor row,
"raw ivlpp | ivl + vvp", runs those stages bare too: compare against it to see what the rest of
VeriAssist costs (the sandbox, the static check, the stamped verdict, the unchecked-output watch).

A second table scores --samples N completions per problem (`bench --samples`, as pass@k runs
do), each the reference with a comment inside its last module so that it is not the reference
itself. A third scores wrong designs: up to --mutants N seeded mutants of each reference
(`veriassist.hdl.mutate`), so that samples fail and the failure work (feedback, waveform) is
paid. In both, the "first run" rows use a fresh database, so they also pay whatever it costs to
know each reference's sample count (the count that guards against candidates ending the
simulation early); the "counts stored" row is a later run, which reads those counts from the
database. The raw flow runs the same designs, with the same worker count, and nothing else.

The formal proof (`--formal`) is off in every row: the raw flow has nothing like it.

    python tools/bench_harness.py [--suite designs] [--verilogeval PATH] [-j N] [--repeat 3]
        [--samples 5] [--mutants 5] [--copies N]

A suite's fixed costs (a new database, loading the suite, starting the workers: about 30 ms)
weigh more on a small suite than on the real ones. `--copies 5` times the VerilogEval-shaped
speed fixture at the real dataset's size (155 problems), each copy distinct.

A suite that does not load whole (a design still being written) is timed on a copy of the
designs that load.
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

from veriassist.check.simulation import reference_as
from veriassist.eval.bench import BenchRequest, run_bench
from veriassist.hdl.mutate import mutants as mutants_of
from veriassist.suites import SuiteError, load_suite, verilogeval_v2
from veriassist.toolchain import icarus, ivl_stages, runner
from veriassist.types import Problem

ROOT = Path(__file__).resolve().parent.parent


def lay_out(problem: Problem, folder: Path, design: str | None = None) -> list[str]:
    """Write testbench, reference and the design (the reference itself by default); return the source names."""
    testbench = problem.testbench
    assert testbench is not None and problem.reference is not None
    folder.mkdir(parents=True)
    sources = []
    for f in testbench.files:
        (folder / f"tb_{f.name}").write_text(f.text)
        sources.append(f"tb_{f.name}")
    if testbench.reference is not None and testbench.reference_module:
        # Named as the testbench instantiates it, its submodules renamed apart from the design's
        # (a multi-module reference would otherwise collide with a design naming its own alike).
        (folder / "ref.sv").write_text(reference_as(testbench.reference_module, testbench, isolate=True))
        sources.append("ref.sv")
    (folder / "dut.sv").write_text(problem.reference.text if design is None else design)
    sources.append("dut.sv")
    for support in testbench.support_files:
        shutil.copy(support, folder / support.name)
    return sources


def raw_job(job: tuple[str, list[str], str]) -> bool:
    """iverilog + vvp, nothing else: the floor any harness pays that runs iverilog as users do."""
    folder, sources, top = job
    built = subprocess.run(icarus.compile_argv(sources, top), cwd=folder, capture_output=True, check=False)
    if built.returncode != 0:
        return False
    ran = subprocess.run(icarus.simulate_argv(), cwd=folder, capture_output=True, timeout=60, check=False)
    return ran.returncode == 0


def raw_stages_job(job: tuple[str, list[str], str]) -> bool:
    """`ivlpp | ivl` + vvp, as VeriAssist compiles (toolchain/ivl_stages.py): the floor without
    iverilog's driver and its shell, to show what of the gain over `raw_job` is that alone."""
    folder, sources, top = job
    stages = ivl_stages.stages(runner.require_tool("iverilog"))
    assert stages is not None, "this Icarus compiles through its driver only"
    for name, text in stages.files(sources, [top], "sim.vvp").items():
        Path(folder, name).write_text(text)
    status, _ = stages.compile_in(Path(folder))
    if status != 0:
        return False
    ran = subprocess.run(icarus.simulate_argv(), cwd=folder, capture_output=True, timeout=60, check=False)
    return ran.returncode == 0


def cpu_seconds() -> float:
    """CPU time of this process and of every process it has waited for (workers, tools, CLIs):
    less sensitive than wall time to other work on a shared machine."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_baseline(
    jobs: list[tuple[str, list[str], str]],
    workers: int,
    each: Callable[[tuple[str, list[str], str]], bool] = raw_job,
) -> float:
    started = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(each, jobs))
    return time.perf_counter() - started


def scaled(suite_path: Path, copies: int, scratch: Path) -> Path:
    """A VerilogEval v2 dataset with each problem `copies` times, renumbered, each copy's
    reference and testbench ending in a comment of its own so that no text, and so no cache,
    is shared between copies: a suite the size of the real one (156 problems) from a small one."""
    suite = load_suite(suite_path)
    if suite.format != verilogeval_v2.FORMAT:
        raise SystemExit(f"--copies takes a VerilogEval v2 dataset, not {suite.format}")
    dataset = scratch / f"{suite_path.name}-x{copies}" / suite.root.name
    dataset.mkdir(parents=True)
    names = []
    for copy in range(copies):
        for problem in suite.problems:
            number, _, rest = problem.task_id.partition("_")
            name = f"Prob{len(names) + 1:03d}_{rest}"
            names.append(name)
            for suffix in ("_prompt.txt", "_ref.sv", "_test.sv"):
                text = (suite.root / f"{problem.task_id}{suffix}").read_text()
                mark = f"\n// copy {copy} of {number}\n" if suffix.endswith(".sv") else ""
                (dataset / f"{name}{suffix}").write_text(text + mark)
    (dataset / "problems.txt").write_text("".join(f"{name}\n" for name in names))
    return dataset


def loadable(suite_path: Path, scratch: Path) -> Path:
    """`suite_path`, or when it does not load whole, a copy of the design folders that load alone."""
    try:
        load_suite(suite_path)
        return suite_path
    except SuiteError as error:
        print(f"{suite_path}: {error}; timing a copy of the designs that load")
    copy = scratch / f"{suite_path.name}-loadable"
    for manifest in sorted(suite_path.rglob("design.toml")):
        folder = manifest.parent
        try:
            load_suite(folder)
        except SuiteError:
            print(f"  left out: {folder.relative_to(suite_path)}")
            continue
        shutil.copytree(folder, copy / folder.relative_to(suite_path))
    return copy


def write_samples(path: Path, texts: dict[str, list[str]]) -> int:
    with path.open("w") as out:
        for task, designs in texts.items():
            for text in designs:
                out.write(json.dumps({"task_id": task, "completion": text}) + "\n")
    return sum(len(designs) for designs in texts.values())


def measure(
    suite_path: Path, workers: int, repeat: int, scratch: Path, samples: int, mutants: int, copies: int = 1
) -> None:
    suite_path = loadable(suite_path, scratch)
    if copies > 1:
        suite_path = scaled(suite_path, copies, scratch)
    suite = load_suite(suite_path)
    problems = [p for p in suite.problems if p.testbench is not None and p.reference is not None]
    base = scratch / suite_path.name
    # A fresh database per run: nothing is reused from an earlier run (such as the reference
    # sample counts a --samples run measures once and keeps), so every figure is a first run's.
    fresh = (base / f"bench-{n}.db" for n in range(10**6))
    counter = iter(range(10**6))

    def raw_jobs(table: str, designs: dict[str, list[str]]) -> list[tuple[str, list[str], str]]:
        jobs = []
        for problem in problems:
            for copy, text in enumerate(designs.get(problem.task_id, [])):
                # A folder each: every run writes wave.vcd where it runs.
                folder = base / f"raw-{table}" / f"{problem.task_id}-{copy}"
                top = problem.testbench.toplevel  # type: ignore[union-attr]
                jobs.append((str(folder), lay_out(problem, folder, text), top))
        return jobs

    def api(sandbox: bool, db: Path | None = None, **mode: object) -> Callable[[int], object]:
        def go(_: int) -> object:
            request = BenchRequest(
                suite_path=suite_path,
                jobs=workers,
                db=db or next(fresh),
                run_name=f"api-{next(counter)}",
                sandbox=sandbox,
                formal="off",
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
                "--formal",
                "off",
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
        raw: Callable[[int], object] = lambda _: time_baseline(jobs, workers)  # noqa: E731
        stages: Callable[[int], object] = lambda _: time_baseline(jobs, workers, raw_stages_job)  # noqa: E731
        rows = [("raw iverilog + vvp", raw), ("  raw ivlpp | ivl + vvp (no driver)", stages), *runs]
        times: dict[str, list[float]] = {name: [] for name, _ in rows}
        cpu: dict[str, list[float]] = {name: [] for name, _ in rows}
        for attempt in range(repeat):
            for name, action in rows:
                started, cpu_started = time.perf_counter(), cpu_seconds()
                action(attempt)
                times[name].append(time.perf_counter() - started)
                cpu[name].append(cpu_seconds() - cpu_started)
        base = rows[0][0]
        print(f"\n{suite_path}: {title}, -j {workers}, median of {repeat}, rows interleaved")
        print(f"  {'':34s} {'wall':>9s} {'ratio':>6s}  {'CPU':>9s} {'ratio':>6s}   wall ratio range")
        for name, _ in rows:
            # Each ratio is to the baseline of the same round, which saw the same machine speed;
            # the median of those drifts less between invocations than a ratio of medians.
            walls = [t / b for t, b in zip(times[name], times[base], strict=True)]
            cpus = [t / b for t, b in zip(cpu[name], cpu[base], strict=True)]
            print(
                f"  {name:34s} {statistics.median(times[name]):7.3f} s {statistics.median(walls):5.2f}x"
                f"  {statistics.median(cpu[name]):7.3f} s {statistics.median(cpus):5.2f}x"
                f"   {min(walls):.2f}-{max(walls):.2f}"
            )

    references = {p.task_id: [p.reference.text] for p in problems if p.reference is not None}

    def samples_table(name: str, what: str, designs: dict[str, list[str]]) -> None:
        path = base / f"{name}.jsonl"
        count = write_samples(path, {task: texts for task, texts in designs.items() if texts})
        stored = base / f"{name}-counts-stored.db"  # counts measured once here, then read by every timed run
        run_bench(
            BenchRequest(suite_path, jobs=workers, db=stored, mode="samples", samples_path=path, formal="off")
        )
        runs: list[tuple[str, Callable[[int], object]]] = [
            ("run_bench, first run (sandboxed)", api(True, mode="samples", samples_path=path)),
            ("run_bench, first run --no-sandbox", api(False, mode="samples", samples_path=path)),
            ("veriassist bench CLI, first run", cli("--samples", str(path))),
            ("run_bench, counts stored", api(True, stored, mode="samples", samples_path=path)),
        ]
        table(f"--samples, {what}, {count} checks", raw_jobs(name, designs), runs)

    table(
        f"--reference, {len(problems)} problems",
        raw_jobs("reference", references),
        [
            ("run_bench (sandboxed)", api(True)),
            ("run_bench --no-sandbox", api(False)),
            ("veriassist bench CLI (sandboxed)", cli("--reference")),
            ("  CLI floor: start, imports, exit", cli_floor),
        ],
    )
    if samples > 0:
        commented = {
            task: [f"{head}// sample {i}\n{end}{tail}" for i in range(samples)]
            for task, (text,) in references.items()
            for head, end, tail in [text.rpartition("endmodule")]
        }
        samples_table("samples", f"{samples} per problem, the reference with a comment", commented)
    if mutants > 0:
        wrong = {task: [m.text for m in mutants_of(text, mutants)] for task, (text,) in references.items()}
        samples_table("mutants", f"up to {mutants} mutants per problem", wrong)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", type=Path, default=ROOT / "designs")
    parser.add_argument("--verilogeval", type=Path, help="a VerilogEval checkout to time as well")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=5, help="completions per problem (0: skip)")
    parser.add_argument("--mutants", type=int, default=5, help="mutants per problem, at most (0: skip)")
    parser.add_argument(
        "--copies",
        type=int,
        default=1,
        help="time each problem of a VerilogEval v2 --suite this many times, each copy distinct"
        " (the speed fixture's 31 problems x5: the real dataset's size)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-harness-") as scratch:
        measure(args.suite, args.j, args.repeat, Path(scratch), args.samples, args.mutants, args.copies)
        if args.verilogeval:
            measure(args.verilogeval, args.j, args.repeat, Path(scratch), args.samples, args.mutants)
    sys.exit(0)


if __name__ == "__main__":
    main()
