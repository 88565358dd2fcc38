"""Validate reference.sv against the ISA model and pipeline timing rules in isa.py, cycle by cycle.

Runs directed programs (every instruction, every forwarding distance, every load-use case, the
encodings that are no-ops, targets with bit 1 set) and seeded random programs on the reference in
Icarus through harness.sv, and compares every output on every cycle with the spec: imem_addr is
the fetch address of each cycle (advancing by 4, held in a load-use stall, redirected after a
taken branch or jump in EX); an instruction whose EX cycle is e drives the data port in cycle
e + 1 and retires in cycle e + 2. Prints one summary line; exits 0 only on zero mismatches.
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
)


def expected(prog: isa.Asm, dmem: list[int], cycles: int) -> list[tuple[int, ...]]:
    timed, pcs = isa.schedule(prog, dmem, cycles)
    rows = [[pc, 0, 0, 0, 0, 0, 0, 0, 0] for pc in pcs]
    for t in timed:
        r, mem, wb = t.retire, t.ex + 1, t.ex + 2
        if mem < cycles and r.store is not None:
            rows[mem][1:5] = [r.store[0], 0, 1, r.store[1]]
        if mem < cycles and r.load is not None:
            rows[mem][1:5] = [r.load, 1, 0, 0]
        if wb < cycles:
            rows[wb][5:9] = [1, r.pc, r.rd, r.wdata]
    return [tuple(row) for row in rows]


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

    mismatches = retired = stalls = 0
    pos = 0
    for name, prog, dmem, cycles in plan:
        want = expected(prog, dmem, cycles)
        prev_pc = -1
        for c in range(cycles):
            got = tuple(int(x, 16) for x in lines[pos].split())
            pos += 1
            retired += got[5]
            stalls += c > 0 and got[0] == prev_pc
            prev_pc = got[0]
            if got != want[c]:
                if mismatches < 10:
                    print(f"{name} cycle {c}: got  {dict(zip(FIELDS, map(hex, got), strict=True))}")
                    print(
                        f"{' ' * len(name)} cycle {c}: want {dict(zip(FIELDS, map(hex, want[c]), strict=True))}"
                    )
                mismatches += 1
    total = sum(c for *_, c in plan)
    print(
        f"cpu_pipelined: {len(plan)} programs, {total} cycles, {retired} retired instructions "
        f"({stalls} load-use stall cycles), {mismatches} mismatches"
    )
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
