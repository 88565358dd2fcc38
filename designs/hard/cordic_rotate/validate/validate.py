"""Validate cordic_rotate's reference against a bit-exact Python model, independently of the testbench.

Every one of the 65536 angles is run through the reference in Icarus (start pulse, wait for
done) and compared with model.py (the spec's algorithm in Python) bit for bit, together with
the latency (15 edges from start to done) and the busy time. The model itself is checked
against math.cos / math.sin: the spec's algorithm must be within 12 LSB of the true values.

Run: python designs/hard/cordic_rotate/validate/validate.py  (stdlib + numpy; writes only to a temp dir)
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # write nothing in the repo

from model import cordic  # noqa: E402

REFERENCE = HERE.parent / "reference.sv"
HARNESS = HERE / "harness.sv"
LATENCY = 15
TOLERANCE_LSB = 12


def simulate(angles: list[int]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "angles.hex").write_text("\n".join(f"{a:04x}" for a in angles) + "\n")
        build = ["iverilog", "-g2012", "-o", str(work / "sim"), str(REFERENCE), str(HARNESS)]
        subprocess.run(build, check=True, cwd=work)
        subprocess.run(
            ["vvp", "-n", str(work / "sim"), f"+N={len(angles)}"],
            check=True,
            cwd=work,
            stdout=subprocess.DEVNULL,
        )
        return (work / "outputs.txt").read_text().split("\n")[: len(angles)]


def main() -> int:
    angles = list(range(1 << 16))
    lines = simulate(angles)
    mismatches = len(angles) - len(lines)
    worst = 0.0
    for angle, line in zip(angles, lines, strict=False):
        want = cordic(angle)
        theta = (angle - (1 << 16) if angle & 0x8000 else angle) * math.pi / 32768
        worst = max(worst, abs(want[0] - 16384 * math.cos(theta)), abs(want[1] - 16384 * math.sin(theta)))
        got_cos, got_sin, latency, busy = (int(f) for f in line.split())
        if (got_cos, got_sin) != want or latency != LATENCY or busy != LATENCY:
            if mismatches < 10:
                print(
                    f"angle={angle:04x}: got cos={got_cos} sin={got_sin} latency={latency} busy={busy}, "
                    f"want cos={want[0]} sin={want[1]} latency={LATENCY} busy={LATENCY}"
                )
            mismatches += 1
    accurate = worst <= TOLERANCE_LSB
    print(
        f"cordic_rotate: {len(angles)} vectors, {mismatches} mismatches"
        f" (model vs math.cos/sin: worst {worst:.2f} LSB, limit {TOLERANCE_LSB})"
    )
    return 0 if mismatches == 0 and accurate else 1


if __name__ == "__main__":
    sys.exit(main())
