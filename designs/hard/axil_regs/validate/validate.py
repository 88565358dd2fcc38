"""Validate the axil_regs reference against a Python model of its spec, driven by a Python AXI master.

The master runs >= 100k transactions (writes and reads in parallel, random delays on every
VALID and READY, AW before W / W before AW / together, every address class, random WSTRB,
hardware irq_set/hw_status activity, and resets); the model gives every output on every
cycle. The cycle stream is replayed on the reference in Icarus and all outputs compared on
every cycle. On top, a transaction-level scoreboard checks each read's data against the
register values the completed writes imply.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference.sv"
TRANSACTIONS = 100_000
OKAY, SLVERR, DECERR = 0, 2, 3
RESET = {0x00: 0, 0x04: 0xCAFEF00D, 0x0C: 0, 0x10: 0, 0x14: 0, 0x1C: 0}


def response(addr: int) -> int:
    if addr & 3:
        return SLVERR
    return DECERR if addr >= 0x20 else OKAY


def strobe_mask(strb: int) -> int:
    return sum(0xFF << (8 * b) for b in range(4) if strb >> b & 1)


@dataclass
class Inputs:
    aresetn: int = 0
    awaddr: int = 0
    awvalid: int = 0
    wdata: int = 0
    wstrb: int = 0
    wvalid: int = 0
    bready: int = 0
    araddr: int = 0
    arvalid: int = 0
    rready: int = 0
    hw_status: int = 0
    irq_set: int = 0

    def packed(self) -> int:
        fields = [
            (self.aresetn, 1),
            (self.awaddr, 8),
            (self.awvalid, 1),
            (self.wdata, 32),
            (self.wstrb, 4),
            (self.wvalid, 1),
            (self.bready, 1),
            (self.araddr, 8),
            (self.arvalid, 1),
            (self.rready, 1),
            (self.hw_status, 32),
            (self.irq_set, 32),
        ]
        value = 0
        for v, width in fields:
            value = (value << width) | v
        return value


@dataclass
class Slave:
    """The spec, cycle by cycle. Reset values are X before the first reset edge; vectors start in reset."""

    regs: dict[int, int] = field(default_factory=lambda: dict(RESET))
    aw: int | None = None  # captured write address
    w: tuple[int, int] | None = None  # captured (data, strb)
    bvalid: int = 0
    bresp: int = 0
    rvalid: int = 0
    rresp: int = 0
    rdata: int = 0
    cmd_go: int = 0

    @property
    def awready(self) -> int:
        return int(self.aw is None and not self.bvalid)

    @property
    def wready(self) -> int:
        return int(self.w is None and not self.bvalid)

    @property
    def arready(self) -> int:
        return int(not self.rvalid)

    def read_value(self, addr: int, hw_status: int) -> int:
        if addr == 0x08:
            return hw_status
        if addr == 0x18:
            return self.regs[0x14]
        return self.regs[addr]

    def outputs(self) -> int:
        irq = int(bool(self.regs[0x0C] & self.regs[0x10]))
        fields = [
            (0, 1),
            (self.awready, 1),
            (self.wready, 1),
            (self.bresp, 2),
            (self.bvalid, 1),
            (self.arready, 1),
            (self.rdata, 32),
            (self.rresp, 2),
            (self.rvalid, 1),
            (self.regs[0x00], 32),
            (self.regs[0x14], 32),
            (self.cmd_go, 1),
            (self.regs[0x1C] >> 8 & 0xFF, 8),
            (irq, 1),
        ]
        value = 0
        for v, width in fields:
            value = (value << width) | v
        return value

    def step(self, i: Inputs) -> tuple[tuple[int, int, int, int] | None, tuple[int, int, int] | None]:
        """One rising edge. Returns (write performed: addr, data, strb, resp) and (read: addr, resp, data)."""
        if not i.aresetn:
            self.__init__()  # type: ignore[misc]
            return None, None
        aw_fire = i.awvalid and self.awready
        w_fire = i.wvalid and self.wready
        ar_fire = i.arvalid and self.arready
        old = dict(self.regs)
        write = read = None
        if ar_fire:
            resp = response(i.araddr)
            data = self.read_value(i.araddr, i.hw_status) if resp == OKAY else 0
            read = (i.araddr, resp, data)
            self.rvalid, self.rresp, self.rdata = 1, resp, data
        elif self.rvalid and i.rready:
            self.rvalid = 0
        addr = self.aw if self.aw is not None else (i.awaddr if aw_fire else None)
        dat = self.w if self.w is not None else ((i.wdata, i.wstrb) if w_fire else None)
        self.cmd_go = 0
        status = old[0x0C]
        if addr is not None and dat is not None:
            resp = response(addr)
            write = (addr, dat[0], dat[1], resp)
            self.aw = self.w = None
            self.bvalid, self.bresp = 1, resp
            if resp == OKAY:
                mask = strobe_mask(dat[1])
                bits = dat[0] & mask
                if addr in (0x00, 0x04, 0x10):
                    self.regs[addr] = (old[addr] & ~mask) | bits
                elif addr == 0x0C:
                    status = old[0x0C] & ~bits
                elif addr == 0x14:
                    self.regs[0x14] = old[0x14] | bits
                elif addr == 0x18:
                    self.regs[0x14] = old[0x14] & ~bits
                elif addr == 0x1C:
                    self.regs[0x1C] = (old[0x1C] & ~(mask & 0xFF00)) | (bits & 0xFF00)
                    self.cmd_go = bits & 1
        else:
            if aw_fire:
                self.aw = i.awaddr
            if w_fire:
                self.w = (i.wdata, i.wstrb)
            if self.bvalid and i.bready:
                self.bvalid = 0
        self.regs[0x0C] = status | i.irq_set
        return write, read


def random_addr(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.75:
        return rng.randrange(8) * 4
    if roll < 0.85:
        return rng.randrange(8) * 4 + rng.randrange(1, 4)  # misaligned
    if roll < 0.95:
        return rng.randrange(8, 64) * 4  # unmapped
    return rng.randrange(256)


class Master:
    """A randomised AXI4-Lite master: one write and one read in flight, random delays everywhere."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.writes = self.reads = 0
        self._new_write()
        self._new_read()

    def _new_write(self) -> None:
        rng = self.rng
        self.aw_wait, self.w_wait = rng.choice((0, 0, 1, 2, 4)), rng.choice((0, 0, 1, 2, 4))
        self.aw_done = self.w_done = False
        self.wr = (
            random_addr(rng),
            rng.getrandbits(32) if rng.random() < 0.7 else rng.choice((1, 0xFF, 0x100)),
            rng.randrange(16) if rng.random() < 0.5 else 0xF,
        )
        self.b_wait = False

    def _new_read(self) -> None:
        self.ar_wait = self.rng.choice((0, 0, 1, 3))
        self.ar_done = False
        self.rd = random_addr(self.rng)

    def drive(self, inputs: Inputs) -> None:
        rng = self.rng
        inputs.awvalid = int(not self.aw_done and self.aw_wait == 0)
        inputs.wvalid = int(not self.w_done and self.w_wait == 0)
        inputs.awaddr = self.wr[0] if inputs.awvalid else rng.randrange(256)
        inputs.wdata = self.wr[1] if inputs.wvalid else rng.getrandbits(32)
        inputs.wstrb = self.wr[2] if inputs.wvalid else rng.randrange(16)
        inputs.bready = int(rng.random() < 0.6)
        inputs.arvalid = int(not self.ar_done and self.ar_wait == 0)
        inputs.araddr = self.rd if inputs.arvalid else rng.randrange(256)
        inputs.rready = int(rng.random() < 0.6)

    def after_edge(self, inputs: Inputs, slave_before: tuple[int, int, int, int, int], reset: bool) -> None:
        awready, wready, arready, bvalid, rvalid = slave_before
        if reset:
            self._new_write()
            self._new_read()
            return
        if inputs.awvalid and awready:
            self.aw_done = True
        if inputs.wvalid and wready:
            self.w_done = True
        self.aw_wait = max(0, self.aw_wait - 1)
        self.w_wait = max(0, self.w_wait - 1)
        if bvalid and inputs.bready:
            self.writes += 1
            self._new_write()
        if inputs.arvalid and arready:
            self.ar_done = True
        self.ar_wait = max(0, self.ar_wait - 1)
        if rvalid and inputs.rready:
            self.reads += 1
            self._new_read()


def run_model() -> tuple[list[Inputs], list[int], int, list[str]]:
    rng = random.Random(4242)
    slave, master = Slave(), Master(rng)
    vectors: list[Inputs] = []
    outputs: list[int] = []
    problems: list[str] = []
    shadow = dict(RESET)  # transaction-level scoreboard of the RW registers
    cycle = 0
    while master.writes + master.reads < TRANSACTIONS:
        inputs = Inputs(aresetn=int(cycle >= 2 and rng.random() > 0.0002))
        master.drive(inputs)
        if not inputs.aresetn:
            inputs.awvalid = inputs.wvalid = inputs.arvalid = 0
        inputs.hw_status = rng.getrandbits(32)
        inputs.irq_set = (1 << rng.randrange(32)) if rng.random() < 0.1 else 0
        before = (slave.awready, slave.wready, slave.arready, slave.bvalid, slave.rvalid)
        write, read = slave.step(inputs)
        if not inputs.aresetn:
            shadow = dict(RESET)
        if read is not None:  # reads happen before the same edge's write: check against the shadow first
            addr, resp, data = read
            if resp == OKAY and addr in (0x00, 0x04, 0x10) and data != shadow[addr]:
                problems.append(f"cycle {cycle}: read {addr:#x} = {data:#x}, scoreboard {shadow[addr]:#x}")
        if write is not None and write[3] == OKAY and write[0] in (0x00, 0x04, 0x10):
            mask = strobe_mask(write[2])
            shadow[write[0]] = (shadow[write[0]] & ~mask) | (write[1] & mask)
        master.after_edge(inputs, before, not inputs.aresetn)
        vectors.append(inputs)
        outputs.append(slave.outputs())
        cycle += 1
    return vectors, outputs, master.writes + master.reads, problems


def simulate(vectors: list[Inputs]) -> list[int]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vec_file, out_file, binary = work / "vectors.hex", work / "out.txt", work / "sim.vvp"
        vec_file.write_text("".join(f"{v.packed():032x}\n" for v in vectors))
        subprocess.run(
            [
                "iverilog",
                "-g2012",
                "-o",
                str(binary),
                f"-DN={len(vectors)}",
                f'-DVEC_FILE="{vec_file}"',
                f'-DOUT_FILE="{out_file}"',
                str(HERE / "harness.sv"),
                str(REFERENCE),
            ],
            check=True,
        )
        subprocess.run(["vvp", "-n", str(binary)], check=True, cwd=work, stdout=subprocess.DEVNULL)
        rows: list[int] = []
        for line in out_file.read_text().splitlines():
            cycle, value = line.split()
            if rows:
                rows += [rows[-1]] * (int(cycle) - len(rows))
            rows.append(int(value, 16) if "x" not in value else -1)
        rows += [rows[-1]] * (len(vectors) - len(rows))
        return rows


def main() -> int:
    vectors, want, transactions, problems = run_model()
    got = simulate(vectors)
    # Outputs are X until the first reset edge: compare from cycle 0 on, which is a reset edge.
    mismatches = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    for i in mismatches[:5]:
        print(f"cycle {i} {vectors[i]}: reference {got[i]:#031x}, model {want[i]:#031x}")
    for problem in problems[:5]:
        print(problem)
    print(
        f"axil_regs: {transactions} transactions in {len(vectors)} cycles, {len(mismatches)} mismatches, "
        f"{len(problems)} scoreboard problems"
    )
    return 0 if not mismatches and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
