"""Validate the dma_engine reference against a Python model of spec.md, independently of the testbench.

The model is written as the spec reads: a descriptor is a sequence of memory steps (a generator that
yields reads and writes), wrapped in the request/response timing and the register rules. A random
register program (RUN, TAIL, W1C, RING_BASE/RING_SIZE writes including while busy and size 0, resets),
random descriptors (misaligned, zero length, IRQ/LAST flags, addresses wrapping 2^32) and a memory with
random ready, random latency and stray response pulses drive the reference in Icarus; every output of
every cycle is compared with the model, and so is the whole memory at the end (the data really moved).

Run: python designs/hard/dma_engine/validate/validate.py  (stdlib + numpy, iverilog/vvp on PATH)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Generator
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference.sv"
HARNESS = HERE / "harness.sv"
CYCLES = 120_000
WORDS = 4096
MASK = 0xFFFFFFFF

Step = tuple[str, int, int]  # ("r" | "w", byte address, write data)
Steps = Generator[Step, int, tuple[bool, bool, bool]]


def descriptor_steps(d: int) -> Steps:
    """The memory steps of the descriptor at byte address d; returns (error, irq flag, last flag)."""
    src = yield ("r", d, 0)
    dst = yield ("r", (d + 4) & MASK, 0)
    ctl = yield ("r", (d + 8) & MASK, 0)
    length, irq, last = ctl & 0xFFFF, bool(ctl >> 16 & 1), bool(ctl >> 17 & 1)
    if src & 3 or dst & 3 or length == 0:
        yield ("w", (d + 12) & MASK, 3)
        return True, irq, last
    for i in range(length):
        data = yield ("r", (src + 4 * i) & MASK, 0)
        yield ("w", (dst + 4 * i) & MASK, data)
    yield ("w", (d + 12) & MASK, length << 16 | 1)
    return False, irq, last


class Engine:
    """dma_engine as spec.md states it; `outputs` before an edge, `edge` at it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.run = self.irq_en = self.done = self.err = False
        self.base = self.size = self.head = self.tail = self.completed = 0
        self.phase = "idle"  # idle | req | wait
        self.steps: Steps | None = None
        self.step: Step = ("r", 0, 0)

    def register(self, addr: int) -> int:
        busy = self.phase != "idle"
        return {
            0: int(self.run) | int(self.irq_en) << 1,
            1: self.base,
            2: self.size,
            3: self.head,
            4: self.tail,
            5: int(busy) | int(self.done) << 1 | int(self.err) << 2 | self.completed << 16,
        }.get(addr, 0)

    def outputs(self, reg_addr: int) -> tuple[int, ...]:
        kind, addr, data = self.step
        rd = self.phase == "req" and kind == "r"
        wr = self.phase == "req" and kind == "w"
        irq = self.irq_en and (self.done or self.err)
        return (
            self.register(reg_addr),
            int(irq),
            int(rd),
            addr if rd else 0,
            int(wr),
            addr if wr else 0,
            data if wr else 0,
        )

    def edge(
        self,
        we: int,
        addr: int,
        wdata: int,
        rd_ready: int,
        rd_resp: int,
        rd_data: int,
        wr_ready: int,
        wr_resp: int,
    ) -> None:
        busy = self.phase != "idle"
        finished: tuple[bool, bool, bool] | None = None
        if self.phase == "idle":
            if self.run and self.head != self.tail:
                self.steps = descriptor_steps((self.base + 16 * self.head) & MASK)
                self.step, self.phase = next(self.steps), "req"
        elif self.phase == "req":
            if rd_ready if self.step[0] == "r" else wr_ready:
                self.phase = "wait"
        elif rd_resp if self.step[0] == "r" else wr_resp:
            assert self.steps is not None
            try:
                self.step, self.phase = self.steps.send(rd_data if self.step[0] == "r" else 0), "req"
            except StopIteration as stop:
                finished, self.phase, self.step = stop.value, "idle", ("r", 0, 0)
        # registers: software writes, then the completion's effects, which win where the spec says so
        if we:
            if addr == 0:
                self.run, self.irq_en = bool(wdata & 1), bool(wdata & 2)
            elif addr == 1 and not busy:
                self.base = wdata & 0xFFFFFFF0
            elif addr == 2 and not busy:
                self.size = wdata & 0xFF
            elif addr == 4:
                self.tail = wdata & 0xFF
            elif addr == 5:
                self.done = self.done and not wdata & 2
                self.err = self.err and not wdata & 4
        if finished is not None:
            error, irq, last = finished
            n = self.size or 256
            self.head = 0 if self.head == n - 1 else (self.head + 1) & 0xFF
            if error:
                self.err, self.run = True, False
            else:
                self.completed = (self.completed + 1) & 0xFFFF
                self.done = self.done or irq
                self.run = self.run and not last


def initial_memory(rng: np.random.Generator) -> list[int]:
    """Bytes 0x0000-0x1FFF: ready-made descriptors (short copies to 0x2000-0x3FFF); the rest random."""
    mem = [int(x) for x in rng.integers(0, 1 << 32, WORDS, dtype=np.uint64)]
    for d in range(0, 0x800, 4):
        mem[d : d + 4] = random_descriptor(rng)
    return mem


def random_descriptor(rng: np.random.Generator) -> list[int]:
    src = int(rng.integers(0, 1 << 32)) & ~3
    if rng.random() < 0.1:
        src = (src & ~0xFFF) | 0xFF0 if rng.random() < 0.5 else 0xFFFFFFF0 | src & 0xC
    dst = (int(rng.integers(0, 1 << 32)) & ~0x3003) | 0x2000 | int(rng.integers(0, 2)) << 12
    if rng.random() < 0.06:
        src |= int(rng.integers(1, 4))
    if rng.random() < 0.06:
        dst |= int(rng.integers(1, 4))
    length = 0 if rng.random() < 0.05 else int(rng.integers(1, 9))
    flags = int(rng.integers(0, 1 << 16)) << 16
    flags &= ~(1 << 17) if rng.random() < 0.85 else MASK  # LAST in about a sixth of them
    return [src, dst, flags | length, int(rng.integers(0, 1 << 32))]


def stimulus(rng: np.random.Generator) -> np.ndarray:
    n = CYCLES
    v = np.zeros((n, 9), dtype=np.uint64)
    rst = rng.random(n) < 1 / 6000
    rst[:2] = True
    we = rng.random(n) < 0.12
    addr = rng.integers(0, 8, n)
    kind = rng.random(n)
    wdata = rng.integers(0, 1 << 32, n, dtype=np.uint64)
    # writes biased to useful values: RUN (mostly set), TAIL, ring base inside 0x0000-0x0FF0, sizes
    ctrl = kind < 0.25
    addr[ctrl] = 0
    wdata[ctrl] = (wdata[ctrl] & np.uint64(2)) | (rng.random(ctrl.sum()) < 0.85).astype(np.uint64)
    tail = (kind >= 0.25) & (kind < 0.55)
    addr[tail] = 4
    base = (kind >= 0.55) & (kind < 0.62)
    addr[base] = 1
    wdata[base] = rng.integers(0, 0x1000, base.sum()).astype(np.uint64) | (
        wdata[base] & np.uint64(0xFFFFC000)
    )
    size = (kind >= 0.62) & (kind < 0.70)
    addr[size] = 2
    wdata[size] = np.where(rng.random(size.sum()) < 0.1, 0, rng.integers(1, 24, size.sum()))
    status = (kind >= 0.70) & (kind < 0.85)
    addr[status] = 5
    # handshake pacing changes in phases: fast, random, slow
    phase = (np.arange(n) // 700) % 3
    ready_p = np.array([1.0, 0.5, 0.3])[phase]
    lat_max = np.array([1, 4, 8])[phase]
    spur_p = np.array([0.0, 0.08, 0.02])[phase]
    bd = rng.random(n) < 0.05
    bd_idx = rng.integers(0, 0x800, n)  # backdoor writes rewrite descriptors in the ring region
    bd_data = np.array([random_descriptor(rng)[int(i) % 4] for i in bd_idx], dtype=np.uint64)
    v[:, 0] = rst
    v[:, 1] = we
    v[:, 2] = addr
    v[:, 3] = wdata
    v[:, 4] = (rng.random(n) < ready_p) | (rng.random(n) < ready_p) << 1  # rd_ready | wr_ready << 1
    v[:, 5] = (rng.random(n) < spur_p) | (rng.random(n) < spur_p) << 1  # stray rd | stray wr << 1
    v[:, 6] = rng.integers(0, 1 << 16, n) % lat_max | (rng.integers(0, 1 << 16, n) % lat_max) << 4
    v[:, 7] = bd | bd_idx << 1
    v[:, 8] = bd_data
    return v


def vector_words(v: np.ndarray, stray: list[int]) -> list[str]:
    lines = []
    for row, s in zip(v.tolist(), stray, strict=True):
        rst, we, addr, wdata, ready, spur, lat, bd, bd_data = row
        word = (
            rst << 127
            | we << 126
            | addr << 123
            | (ready & 1) << 122
            | (ready >> 1) << 121
            | (spur & 1) << 120
            | (spur >> 1) << 119
            | (bd & 1) << 118
            | (lat & 15) << 114
            | (lat >> 4) << 110
            | (bd >> 1) << 98
            | wdata << 64
            | bd_data << 32
            | s
        )
        lines.append(f"{word:032x}\n")
    return lines


def main() -> int:
    rng = np.random.default_rng(1977)
    mem = initial_memory(rng)
    v = stimulus(rng)
    stray = [int(x) for x in rng.integers(0, 1 << 32, CYCLES, dtype=np.uint64)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "mem.hex").write_text("".join(f"{w:08x}\n" for w in mem))
        (work / "vec.hex").write_text("".join(vector_words(v, stray)))
        sim = work / "sim.vvp"
        subprocess.run(
            ["iverilog", "-g2012", "-o", str(sim), f"-Pharness.NCYC={CYCLES}", str(HARNESS), str(REFERENCE)],
            check=True,
        )
        subprocess.run(["vvp", "-n", str(sim)], cwd=work, check=True, stdout=subprocess.DEVNULL)
        got = (work / "out.txt").read_text().splitlines()
        mem_out = [int(w, 16) for w in (work / "mem_out.hex").read_text().split() if len(w) == 8]
    engine = Engine()
    rd_out = wr_out = False
    rd_cnt = wr_cnt = rd_buf = 0
    mismatches, first = 0, None
    finished = errors = 0
    for c, row in enumerate(v.tolist()):
        rst, we, addr, wdata, ready, spur, lat, bd, bd_data = row
        rd_resp, rd_data = 0, stray[c]
        if rd_out:
            if rd_cnt == 0:
                rd_resp, rd_data, rd_out = 1, rd_buf, False
            else:
                rd_cnt -= 1
        else:
            rd_resp = spur & 1
        wr_resp = 0
        if wr_out:
            if wr_cnt == 0:
                wr_resp, wr_out = 1, False
            else:
                wr_cnt -= 1
        else:
            wr_resp = spur >> 1
        expect = engine.outputs(addr)
        seen = tuple(int(x, 16) if "x" not in x else -1 for x in got[c].split())
        if c >= 1 and seen != expect:  # cycle 0 precedes the first reset edge
            mismatches += 1
            if first is None:
                first = (c, seen, expect)
        _, _, rd_valid, rd_addr, wr_valid, wr_addr, wr_data = expect
        rd_fire, wr_fire = rd_valid and ready & 1, wr_valid and ready >> 1
        before = (engine.completed, engine.err)
        if rst:
            engine.reset()
        else:
            engine.edge(we, addr, wdata, ready & 1, rd_resp, rd_data, ready >> 1, wr_resp)
            finished += engine.completed != before[0]
            errors += engine.err and not before[1]
        if bd & 1:
            mem[bd >> 1] = bd_data
        if wr_fire:
            mem[(wr_addr >> 2) & (WORDS - 1)], wr_out, wr_cnt = wr_data, True, lat >> 4
        if rd_fire:
            rd_buf, rd_out, rd_cnt = mem[(rd_addr >> 2) & (WORDS - 1)], True, lat & 15
    memory_mismatches = sum(1 for a, b in zip(mem, mem_out, strict=True) if a != b)
    if first is not None:
        print(f"first mismatch at cycle {first[0]}: reference {first[1]}, model {first[2]}")
    print(
        f"dma_engine: {CYCLES} cycles, {finished} descriptors completed, {errors} error halts, "
        f"{mismatches} mismatches, {memory_mismatches} memory words differ"
    )
    ok = mismatches == 0 and memory_mismatches == 0 and finished > 500 and errors > 20
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
