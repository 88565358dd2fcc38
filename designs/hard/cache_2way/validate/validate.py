"""Validate the cache_2way reference against a Python model of its spec, independently of the testbench.

The model (a cycle-level reading of spec.md: arrays, victim choice, LRU, write-back then
refill, the outputs of every cycle) drives a random CPU with locality, random resets and a
memory whose latency varies per request (1 to 6 cycles: the spec says the cache waits for
mem_ack). Its inputs are replayed into the reference in Icarus (harness.sv) and every output
of every cycle is compared with the model's.

Run: python designs/hard/cache_2way/validate/validate.py [design.sv]   (stdlib + Icarus only)
The optional argument replaces the reference (e.g. a mutant, to see the model catch it).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CYCLES = 120_000
MASK128 = (1 << 128) - 1


class Cache:
    """The spec's cache: 8 sets x 2 ways, valid/dirty/tag/line per way, one LRU bit per set."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.valid = [[False, False] for _ in range(8)]
        self.dirty = [[False, False] for _ in range(8)]
        self.tag = [[0, 0] for _ in range(8)]
        self.line = [[0, 0] for _ in range(8)]
        self.lru = [0] * 8
        self.state = "IDLE"
        self.victim = 0
        self.victim_tag = 0

    @staticmethod
    def split(addr: int) -> tuple[int, int, int]:
        return addr >> 7, (addr >> 4) & 7, (addr >> 2) & 3

    def hit_way(self, addr: int) -> int | None:
        tag, index, _ = self.split(addr)
        for way in (0, 1):
            if self.valid[index][way] and self.tag[index][way] == tag:
                return way
        return None

    def outputs(self, req: int, we: int, addr: int) -> tuple[int, int, int, int, int, int]:
        """(cpu_ready, cpu_rdata, mem_req, mem_we, mem_addr, mem_wdata) in the current cycle."""
        _, index, word = self.split(addr)
        if self.state == "IDLE":
            way = self.hit_way(addr) if req else None
            if way is None:
                return 0, 0, 0, 0, 0, 0
            rdata = 0 if we else (self.line[index][way] >> (32 * word)) & 0xFFFFFFFF
            return 1, rdata, 0, 0, 0, 0
        if self.state == "WRITEBACK":
            return 0, 0, 1, 1, (self.victim_tag << 3) | index, self.line[index][self.victim]
        return 0, 0, 1, 0, addr >> 4, 0

    def edge(self, rst: int, req: int, we: int, addr: int, wdata: int, be: int, ack: int, rdata: int) -> None:
        """The state after the rising edge that ends the current cycle."""
        if rst:
            self.reset()
            return
        tag, index, word = self.split(addr)
        if self.state == "IDLE" and req:
            way = self.hit_way(addr)
            if way is not None:
                if we:
                    line = self.line[index][way]
                    for b in range(4):
                        if be >> b & 1:
                            shift = 32 * word + 8 * b
                            line = (line & ~(0xFF << shift)) | (((wdata >> (8 * b)) & 0xFF) << shift)
                    self.line[index][way] = line
                    self.dirty[index][way] = True
                self.lru[index] = 1 - way
            else:
                if not self.valid[index][0]:
                    victim = 0
                elif not self.valid[index][1]:
                    victim = 1
                else:
                    victim = self.lru[index]
                self.victim, self.victim_tag = victim, self.tag[index][victim]
                dirty = self.valid[index][victim] and self.dirty[index][victim]
                self.state = "WRITEBACK" if dirty else "REFILL"
        elif self.state == "WRITEBACK" and ack:
            self.state = "REFILL"
        elif self.state == "REFILL" and ack:
            v = self.victim
            self.line[index][v], self.tag[index][v] = rdata, tag
            self.valid[index][v], self.dirty[index][v] = True, False
            self.lru[index] = 1 - v
            self.state = "IDLE"


def generate(rng: random.Random) -> tuple[list[str], list[str], Counter[str]]:
    """Run the model with a random CPU and memory: the input lines and the expected output lines."""
    cache = Cache()
    memory: dict[int, int] = {}
    vectors: list[str] = []
    expected: list[str] = []
    seen: Counter[str] = Counter()
    tags = [rng.randrange(512) for _ in range(4)]
    req = we = addr = wdata = be = 0
    gap = 0
    reset_left = 3
    mem_count, mem_latency = 0, 0
    for _ in range(CYCLES):
        rst = int(reset_left > 0)
        if rst:
            reset_left -= 1
            req = 0
        elif not req:
            if gap:
                gap -= 1
            else:
                if rng.random() < 0.02:
                    tags[rng.randrange(4)] = rng.randrange(512)
                index = 5 if rng.random() < 0.15 else rng.randrange(8)
                addr = (rng.choice(tags) << 7) | (index << 4) | (rng.randrange(4) << 2) | rng.randrange(4)
                req, we, wdata = 1, int(rng.random() < 0.45), rng.getrandbits(32)
                be = 0xF if rng.random() < 0.3 else rng.randrange(16)
                gap = rng.choice((0, 0, 0, 1, 2, 5))
        # The memory: a new latency for each request, the ack in its last cycle.
        out = cache.outputs(req, we, addr)
        ready, _, mreq, mwe, maddr, mwdata = out
        if mreq and mem_latency == 0:
            mem_latency, mem_count = rng.randint(1, 6), 0
        ack = int(bool(mreq) and mem_count == mem_latency - 1)
        if ack:
            if maddr not in memory:
                memory[maddr] = rng.getrandbits(128)
            mrdata = memory[maddr]
        else:
            mrdata = rng.getrandbits(128)  # garbage outside the ack cycle
        vectors.append(f"{rst:x} {req:x} {we:x} {addr:04x} {wdata:08x} {be:x} {ack:x} {mrdata:032x}")
        expected.append(
            " ".join(
                (
                    f"{out[0]:x}",
                    f"{out[1]:08x}",
                    f"{out[2]:x}",
                    f"{out[3]:x}",
                    f"{out[4]:03x}",
                    f"{out[5]:032x}",
                )
            )
        )
        seen["hit" if ready else ("writeback" if mwe and ack else "refill" if ack else "")] += 1
        if ack and mwe:
            memory[maddr] = mwdata
        if rst:
            seen["reset"] += 1
        cache.edge(rst, req, we, addr, wdata, be, ack, mrdata)
        if mreq and not rst:
            mem_count += 1
            if ack:
                mem_latency = 0
        else:
            mem_latency = 0
        if ready:
            req = 0
            seen["write" if we else "read"] += 1
        if not rst and rng.random() < 0.0005:
            reset_left = rng.randint(1, 2)
    return vectors, expected, seen


def main() -> int:
    rng = random.Random(14)
    vectors, expected, seen = generate(rng)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "vectors.txt").write_text("\n".join(vectors) + "\n")
        design = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE.parent / "reference.sv"
        sources = [str(HERE / "harness.sv"), str(design)]
        subprocess.run(
            ["iverilog", "-g2012", "-s", "harness", "-o", "sim.vvp", *sources], cwd=work, check=True
        )
        subprocess.run(["vvp", "-n", "sim.vvp"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        got = (work / "outputs.txt").read_text().split("\n")[: len(expected)]
    names = ("cpu_ready", "cpu_rdata", "mem_req", "mem_we", "mem_addr", "mem_wdata")
    mismatches = 0
    for cycle, (want, have) in enumerate(zip(expected, got, strict=False)):
        if cycle > 0 and want != have:  # cycle 0 precedes the first (reset) edge: state unknown
            if mismatches < 5:
                diff = [n for n, a, b in zip(names, want.split(), have.split(), strict=False) if a != b]
                print(
                    f"cycle {cycle}: {', '.join(diff) or 'line'} differ\n  model     {want}\n  reference {have}"
                )
            mismatches += 1
    mismatches += len(expected) - len(got)
    counts = ", ".join(f"{seen[k]} {k}" for k in ("read", "write", "hit", "refill", "writeback", "reset"))
    print(f"cache_2way: {len(expected)} cycles ({counts}), {mismatches} mismatches")
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
