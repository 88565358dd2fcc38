"""How much the check costs over raw iverilog + vvp, on the same small designs, in one invocation.

    python tools/bench_check.py [--repeat 15] [--designs mux4 updown_counter ...]

Prints medians and ratios: the in-process check API (sandbox on and off) and the CLI,
each against `iverilog` + `vvp` run directly on the same files. Target: API with the
sandbox <= 1.3x raw. The CLI's extra cost is mostly Python start-up, reported apart.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from veriassist import hdl  # noqa: E402
from veriassist.check.checker import CheckOptions, check  # noqa: E402
from veriassist.check.reference_counts import ReferenceCounts  # noqa: E402
from veriassist.suites import load_suite  # noqa: E402
from veriassist.types import Candidate, Problem  # noqa: E402


def raw(problem: Problem) -> float:
    """iverilog + vvp on the same sources, in a fresh temp dir, as a harness without our checks would."""
    assert problem.testbench is not None and problem.reference is not None
    with tempfile.TemporaryDirectory() as work:
        w = Path(work)
        (w / "tb.sv").write_text(problem.testbench.files[0].text)
        ref_module = problem.testbench.reference_module or "RefModule"
        (w / "ref.sv").write_text(hdl.rename_module(problem.reference.text, problem.top, ref_module))
        (w / "dut.sv").write_text(problem.reference.text)
        start = time.perf_counter()
        subprocess.run(
            [
                "iverilog",
                "-Wall",
                "-Winfloop",
                "-Wno-timescale",
                "-g2012",
                "-s",
                "tb",
                "-o",
                "sim",
                "tb.sv",
                "ref.sv",
                "dut.sv",
            ],
            cwd=w,
            check=True,
            capture_output=True,
        )
        subprocess.run(["vvp", "-n", "sim"], cwd=w, check=True, capture_output=True)
        return time.perf_counter() - start


def api(problem: Problem, sandbox: bool) -> float:
    assert problem.testbench is not None and problem.reference is not None
    candidate = Candidate((problem.reference,), problem.top)
    start = time.perf_counter()
    # The reference itself: no count to hold it to, as in the measurement before the counts moved out.
    result = check(candidate, problem.testbench, CheckOptions(sandbox=sandbox), expected_samples=None)
    elapsed = time.perf_counter() - start
    assert result.passed, result.summary
    return elapsed


def cli(problem: Problem, design_dir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "veriassist",
            "check",
            str(design_dir / "reference.sv"),
            "--tb",
            str(design_dir / "testbench.sv"),
            "--ref",
            str(design_dir / "reference.sv"),
            "--top",
            problem.top,
            "--formal",  # the simulation check alone, as the raw flow does; the proof is timed apart
            "off",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def cli_startup() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "veriassist", "--help"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--designs", nargs="*", default=["mux4", "adder8", "updown_counter", "edge_detect"])
    args = parser.parse_args()
    suite = load_suite(ROOT / "designs")
    problems = [suite.get(name) for name in args.designs]
    counts = ReferenceCounts()
    for p in problems:  # the reference sample count is measured once per testbench, as in a real run
        assert p.testbench is not None
        counts.count(p.top, p.testbench, CheckOptions())
    series: dict[str, list[float]] = {
        "raw": [],
        "api+sandbox": [],
        "api-nosandbox": [],
        "cli": [],
        "startup": [],
    }
    for _ in range(args.repeat):
        for p in problems:  # interleave, so machine load hits every series alike
            series["raw"].append(raw(p))
            series["api+sandbox"].append(api(p, True))
            series["api-nosandbox"].append(api(p, False))
            series["cli"].append(cli(p, ROOT / "designs" / p.task_id))
        series["startup"].append(cli_startup())
    med = {k: statistics.median(v) * 1000 for k, v in series.items()}
    print(f"designs: {', '.join(args.designs)}; {args.repeat} repeats; medians per check")
    print(f"  raw iverilog + vvp      {med['raw']:7.1f} ms   1.00x")
    for key in ("api+sandbox", "api-nosandbox", "cli"):
        print(f"  {key:<23} {med[key]:7.1f} ms   {med[key] / med['raw']:.2f}x")
    print(f"  CLI start-up (--help)   {med['startup']:7.1f} ms")


if __name__ == "__main__":
    main()
