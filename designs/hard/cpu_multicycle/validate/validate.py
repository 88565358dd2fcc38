"""Validate reference.sv against the ISA model in isa.py, cycle by cycle.

Runs directed programs (every instruction, every trap cause, CSR access, MRET) and seeded random
programs on the reference in Icarus through harness.sv, and compares every output on every cycle
with what the spec says: an instruction of n cycles starting at cycle c shows its PC on imem_addr
for cycles c..c+n-1, drives the data port in cycle c+3 when it is a load or store (n = 5), and
retires in cycle c+n-1. Prints one summary line; exits 0 only on zero mismatches.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import isa  # noqa: E402

RANDOM_PROGRAMS = 60
FIELDS = (
    "imem_addr",
    "dmem_addr",
    "dmem_re",
    "dmem_we",
    "dmem_wdata",
    "retire_valid",
    "retire_pc",
    "retire_rd",
    "retire_wdata",
    "retire_trap",
)


def expected(prog: isa.Asm, dmem: list[int], cycles: int) -> list[tuple[int, ...]]:
    rows = [(0,) * len(FIELDS) for _ in range(cycles)]
    m = isa.Machine({i: w for i, (w, _) in isa.words(prog).items()}, list(dmem))
    start = 0
    while start < cycles:
        r = m.step()
        for c in range(start, min(start + r.cycles, cycles)):
            rows[c] = (r.pc,) + (0,) * (len(FIELDS) - 1)
        if r.cycles == 5 and start + 3 < cycles:
            if r.store is not None:
                rows[start + 3] = (r.pc, r.store[0], 0, 1, r.store[1], 0, 0, 0, 0, 0)
            else:
                assert r.load is not None
                rows[start + 3] = (r.pc, r.load, 1, 0, 0, 0, 0, 0, 0, 0)
        w = start + r.cycles - 1
        if w < cycles:
            rows[w] = (r.pc, 0, 0, 0, 0, 1, r.pc, r.rd, r.wdata, int(r.trap))
        start += r.cycles
    return rows


def main() -> int:
    progs = isa.programs(RANDOM_PROGRAMS)
    plan = []
    for k, (name, prog) in enumerate(progs):
        dmem = isa.initial_dmem(k)
        trace = isa.run(prog, dmem, 20000)
        end = prog.labels["end"]
        done = next((c for c, r in trace if r.pc == end), None)
        assert done is not None, f"{name} never reaches its end"
        plan.append((name, prog, dmem, done + 40))

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        imem_lines, dmem_lines = [], []
        for _, prog, dmem, _ in plan:
            image = isa.words(prog)
            imem_lines += [f"{image.get(i, (0, ''))[0]:08x}" for i in range(isa.MEM_WORDS)]
            dmem_lines += [f"{w:08x}" for w in dmem]
        (work / "imem.hex").write_text("\n".join(imem_lines) + "\n")
        (work / "dmem.hex").write_text("\n".join(dmem_lines) + "\n")
        (work / "cycles.hex").write_text("\n".join(f"{c:08x}" for *_, c in plan) + "\n")
        subprocess.run(
            [
                "iverilog",
                "-g2012",
                "-o",
                str(work / "sim"),
                "-P",
                f"harness.NPROG={len(plan)}",
                str(HERE / "harness.sv"),
                str(HERE.parent / "reference.sv"),
            ],
            check=True,
        )
        subprocess.run(["vvp", "-n", str(work / "sim")], cwd=work, check=True, stdout=subprocess.DEVNULL)
        lines = (work / "out.txt").read_text().split("\n")

    mismatches = retired = traps = 0
    pos = 0
    for name, prog, dmem, cycles in plan:
        want = expected(prog, dmem, cycles)
        for c in range(cycles):
            got = tuple(int(x, 16) for x in lines[pos].split())
            pos += 1
            retired += got[5]
            traps += got[9]
            if got != want[c]:
                if mismatches < 10:
                    print(f"{name} cycle {c}: got  {dict(zip(FIELDS, map(hex, got), strict=True))}")
                    print(
                        f"{' ' * len(name)} cycle {c}: want {dict(zip(FIELDS, map(hex, want[c]), strict=True))}"
                    )
                mismatches += 1
    total = sum(c for *_, c in plan)
    print(
        f"cpu_multicycle: {len(plan)} programs, {total} cycles, {retired} retired instructions "
        f"({traps} traps), {mismatches} mismatches"
    )
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
