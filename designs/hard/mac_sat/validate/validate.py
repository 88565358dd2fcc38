"""Validate mac_sat's reference against a cycle-accurate Python model, independently of the testbench.

200k clock cycles of stimulus (random traffic, long saturating runs of large same-sign
products, the extreme operands, clears with and without in_valid, resets with samples in
flight) drive the reference in Icarus; out_valid, acc and ovf after every rising edge are
compared with model.py. The run must also saturate both ways, set and clear ovf, and
recover from saturation, or the vectors are not doing their job.

Run: python designs/hard/mac_sat/validate/validate.py  (stdlib + numpy; writes only to a temp dir)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # write nothing in the repo

from model import MAX, MIN, MacSat, Sample  # noqa: E402

REFERENCE = HERE.parent / "reference.sv"
HARNESS = HERE / "harness.sv"
CYCLES = 200_000
PHASE = 2_000


def stimulus(rng: np.random.Generator) -> list[tuple[bool, Sample]]:
    """(rst, sample) per cycle, in phases of different character."""
    cycles: list[tuple[bool, Sample]] = []
    extremes = np.array([-32768, -32767, -1, 0, 1, 32767], dtype=np.int64)
    while len(cycles) < CYCLES:
        kind = int(rng.integers(0, 6))
        p_valid = float(rng.choice([0.2, 0.6, 0.9, 1.0]))
        p_clear = float(rng.choice([0.0, 0.01, 0.1, 0.5]))
        p_rst = float(rng.choice([0.0, 0.0, 0.002, 0.05]))
        sign = 1 if rng.random() < 0.5 else -1
        for _ in range(PHASE):
            if kind == 0:  # uniform operands
                a, b = (int(v) for v in rng.integers(-32768, 32768, 2))
            elif kind == 1:  # large products of one sign: saturate
                a = int(rng.integers(16384, 32768)) * (1 if rng.random() < 0.5 else -1)
                b = int(rng.integers(16384, 32769)) * sign * (1 if a > 0 else -1)
                b = max(-32768, min(32767, b))
            elif kind == 2:  # extreme operands
                a, b = (int(v) for v in rng.choice(extremes, 2))
            elif kind == 3:  # small operands: stay in range for long
                a, b = (int(v) for v in rng.integers(-300, 300, 2))
            elif kind == 4:  # alternating large products: come off the rails and go back
                a = int(rng.integers(20000, 32768)) * (1 if len(cycles) % 64 < 40 else -1)
                b = int(rng.integers(20000, 32768))
            else:  # biased towards one sign, mid-size
                a = int(rng.integers(0, 32768)) * sign
                b = int(rng.integers(-8000, 32768))
            valid = rng.random() < p_valid
            clear = rng.random() < p_clear
            rst = rng.random() < p_rst
            cycles.append((rst, Sample(valid, clear, a, b)))
    return cycles[:CYCLES]


def simulate(cycles: list[tuple[bool, Sample]]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        words = [
            (int(rst) << 34)
            | (int(s.valid) << 33)
            | (int(s.clear) << 32)
            | ((s.a & 0xFFFF) << 16)
            | (s.b & 0xFFFF)
            for rst, s in cycles
        ]
        (work / "stimulus.hex").write_text("\n".join(f"{w:09x}" for w in words) + "\n")
        build = ["iverilog", "-g2012", "-o", str(work / "sim"), str(REFERENCE), str(HARNESS)]
        subprocess.run(build, check=True, cwd=work)
        subprocess.run(
            ["vvp", "-n", str(work / "sim"), f"+N={len(cycles)}"],
            check=True,
            cwd=work,
            stdout=subprocess.DEVNULL,
        )
        return (work / "outputs.txt").read_text().split("\n")[: len(cycles)]


def main() -> int:
    cycles = stimulus(np.random.default_rng(7))
    lines = simulate(cycles)
    model = MacSat()
    mismatches = len(cycles) - len(lines)
    seen = {"max": 0, "min": 0, "ovf_set": 0, "ovf_cleared": 0, "valid": 0}
    last_ovf = False
    for t, ((rst, sample), line) in enumerate(zip(cycles, lines, strict=False)):
        want = model.edge(rst, sample)
        valid, acc_hex, ovf = line.split()
        acc = int(acc_hex, 16)
        got = (valid == "1", acc - (1 << 32) if acc >= 1 << 31 else acc, ovf == "1")
        if got != want:
            if mismatches < 10:
                print(f"cycle {t}: got {got}, want {want}")
            mismatches += 1
        seen["valid"] += want[0]
        seen["max"] += want[0] and want[1] == MAX
        seen["min"] += want[0] and want[1] == MIN
        seen["ovf_set"] += want[2] and not last_ovf
        seen["ovf_cleared"] += last_ovf and not want[2]
        last_ovf = want[2]
    covered = all(count >= 50 for count in seen.values())
    print(
        f"mac_sat: {len(cycles)} vectors, {mismatches} mismatches"
        f" (coverage: {', '.join(f'{k} {v}' for k, v in seen.items())})"
    )
    return 0 if mismatches == 0 and covered else 1


if __name__ == "__main__":
    sys.exit(main())
