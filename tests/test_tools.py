"""The speed scripts in tools/ still run and print their tables (smallest settings; no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DESIGNS = Path(__file__).parent / "fixtures" / "suites" / "designs"  # and_gate, counter4

pytestmark = [pytest.mark.simulator, pytest.mark.slow]


def tool(name: str, *args: str) -> str:
    ran = subprocess.run(
        [sys.executable, str(ROOT / "tools" / name), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    return ran.stdout


def ratios(text: str) -> dict[str, float]:
    """Row name -> the first printed ratio, for lines like `  run_bench (sandboxed)   0.504 s   1.15x`
    (a CPU-time column may follow, `   0.130 s  1.62x`, then the range of the wall ratios, `0.98-1.21`)."""
    rows = re.findall(
        r"^\s+(\S.*?)\s+[\d.]+ m?s\s+([\d.]+)x(?:\s+[\d.]+ m?s\s+[\d.]+x)?(?:\s+[\d.]+-[\d.]+)?$", text, re.M
    )
    return {name: float(ratio) for name, ratio in rows}


def test_bench_harness_times_every_row_against_the_plain_loop() -> None:
    verilogeval = Path(__file__).parent / "fixtures" / "suites" / "verilogeval_v2"
    out = tool(
        "bench_harness.py", "--suite", str(FIXTURE_DESIGNS), "--verilogeval", str(verilogeval),
        "--repeat", "1", "--samples", "1", "--mutants", "1", "-j", "2",
    )  # fmt: skip
    tables = out.split("\n\n")
    # Per suite: the references, the commented references, and wrong designs (mutants).
    assert [t.strip().splitlines()[0].split(":")[0].rsplit("/", 1)[-1] for t in tables if t.strip()] == [
        "designs", "designs", "designs", "verilogeval_v2", "verilogeval_v2", "verilogeval_v2",
    ]  # fmt: skip
    assert "--reference, 2 problems" in out and "--samples, 1 per problem, the reference" in out
    assert "up to 1 mutants per problem" in out
    for table in filter(str.strip, tables):
        found = ratios(table)
        assert found["raw iverilog + vvp"] == 1.0
        assert all(ratio > 0 for ratio in found.values())
        assert "1.00-1.00" in table  # the baseline's own ratios, round by round
        assert any(name.startswith("veriassist bench CLI") for name in found)
        assert any(name.startswith("run_bench") and "sandboxed" in name for name in found)


def test_bench_harness_times_a_verilogeval_dataset_copied_to_a_larger_size() -> None:
    """--copies N: each problem N times, renumbered, each copy distinct (no cache shared)."""
    dataset = Path(__file__).parent / "fixtures" / "suites" / "verilogeval_v2" / "dataset_spec-to-rtl"
    listed = [line for line in (dataset / "problems.txt").read_text().splitlines() if line.strip()]
    out = tool(
        "bench_harness.py", "--suite", str(dataset), "--copies", "3",
        "--repeat", "1", "--samples", "0", "--mutants", "0", "-j", "2",
    )  # fmt: skip
    assert f"--reference, {3 * len(listed)} problems" in out
    assert ratios(out)["raw iverilog + vvp"] == 1.0


def test_bench_check_times_the_api_and_the_cli() -> None:
    out = tool("bench_check.py", "--repeat", "1", "--designs", "mux4")
    found = ratios(out)
    assert found["raw iverilog + vvp"] == 1.0
    assert {"api+sandbox", "api-nosandbox", "cli"} <= set(found)


def test_bench_audit_compares_the_audit_with_one_reference_check() -> None:
    out = tool("bench_audit.py", str(FIXTURE_DESIGNS), "-j", "2")
    assert "(2 references pass)" in out
    assert re.search(r"ratio lint / reference check: [\d.]+x", out)


def test_bench_loop_reports_overhead_and_prompt_sizes() -> None:
    out = tool("bench_loop.py", "--repeats", "1", "--skip-batch")
    assert re.search(r"overhead / target 1\.5 s: [\d.]+x", out)
    turns = dict(re.findall(r"^\s+(generate|self-verify|correction 1|correction 2)\s+(\d+)", out, re.M))
    assert set(turns) == {"generate", "self-verify", "correction 1", "correction 2"}
    # Correction prompts carry the latest code and evidence plus a one-line-per-attempt ledger, not
    # the history: each grows by a ledger line at most (what they carry beyond the first prompt is
    # bounded in tests/test_loop.py).
    first, second = int(turns["correction 1"]), int(turns["correction 2"])
    assert int(turns["generate"]) < first <= second <= first * 1.1
