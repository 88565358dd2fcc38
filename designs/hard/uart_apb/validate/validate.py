"""Validate the uart_apb reference against a Python model of its spec, independently of the testbench.

The model is a cycle-level reading of spec.md (APB wait state and errors, the register map,
W1C with set priority, 4-byte FIFOs judged before the edge, the prescaler, the transmitter
and the 16x receiver counted in ticks from the start edge). A random APB master (random
gaps, back-to-back transfers, junk on the bus when idle, every register including unmapped
and read-only ones) and a serial line (frames at the programmed rate with right and wrong
parity and stop bits, glitches, breaks, off-rate frames, loopback of tx) drive the model;
their inputs are replayed into the reference in Icarus (harness.sv) and every output of
every cycle is compared.

Run: python designs/hard/uart_apb/validate/validate.py [design.sv]   (stdlib + Icarus only)
The optional argument replaces the reference (e.g. a mutant, to see the model catch it).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CYCLES = 150_000
DATA, STATUS, CTRL, DIV, IER, ISR = range(6)


@dataclass
class Inputs:
    presetn: int = 0
    psel: int = 0
    penable: int = 0
    pwrite: int = 0
    paddr: int = 0
    pwdata: int = 0
    rx: int = 1


class Uart:
    """The spec's UART, one call of `outputs` and one of `edge` per clock cycle."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.ctrl, self.div, self.ier = 0x3, 1, 0
        self.fe = self.pe = self.oe = False
        self.txq: deque[int] = deque()
        self.rxq: deque[int] = deque()
        self.pcnt, self.w, self.sync = 0, False, [1, 1]
        self.tx, self.tx_ticks = 1, 0
        self.tx_frame: list[int] = []  # the bits of the frame still to send, the current one first
        self.rx_on, self.rx_ticks, self.rx_pen, self.rx_podd = False, 0, False, False
        self.rx_bits: list[int] = []

    # --- what the registers read -----------------------------------------------------------------
    def status(self) -> int:
        bits = [
            not self.txq,
            len(self.txq) == 4,
            bool(self.rxq),
            len(self.rxq) == 4,
            bool(self.tx_frame),
            self.fe,
            self.pe,
            self.oe,
        ]
        value = sum(int(b) << i for i, b in enumerate(bits))
        return value | len(self.rxq) << 8 | len(self.txq) << 12 | int(self.rx_on) << 15

    def isr(self) -> int:
        pending = int(bool(self.rxq)) | int(not self.txq) << 1 | int(self.fe or self.pe or self.oe) << 2
        return pending & self.ier

    def read_value(self, reg: int) -> int:
        if reg == DATA:
            return self.rxq[0] if self.rxq else 0
        return {STATUS: self.status(), CTRL: self.ctrl, DIV: self.div, IER: self.ier, ISR: self.isr()}[reg]

    def is_error(self, i: Inputs) -> bool:
        reg = i.paddr >> 2
        return reg >= 6 or (bool(i.pwrite) and (reg == ISR or (reg == DATA and len(self.txq) == 4)))

    def outputs(self, i: Inputs) -> tuple[int, int, int, int, int]:
        """(prdata, pready, pslverr, tx, irq) during the cycle."""
        pready = int(bool(i.psel and i.penable and self.w))
        error = pready and self.is_error(i)
        prdata = self.read_value(i.paddr >> 2) if pready and not i.pwrite and not error else 0
        return prdata, pready, int(bool(error)), self.tx, int(self.isr() != 0)

    # --- the rising edge -----------------------------------------------------------------------------
    def edge(self, i: Inputs) -> dict[str, bool]:
        """Advance one clock; returns the events of this edge (for coverage counts)."""
        events: dict[str, bool] = {}
        if not i.presetn:
            self.reset()
            return {"reset": True}
        reg = i.paddr >> 2
        complete = bool(i.psel and i.penable and self.w)
        error = complete and self.is_error(i)
        write = complete and bool(i.pwrite) and not error
        read = complete and not i.pwrite and not error
        events.update(error=error, write=write, read=read)
        w1c = i.pwdata >> 5 & 7 if write and reg == STATUS else 0
        tick = self.pcnt == self.div
        txen, rxen, pen, podd = (self.ctrl >> b & 1 for b in range(4))
        tx_count, rx_count = len(self.txq), len(self.rxq)
        set_fe = set_pe = set_oe = False
        pop_tx = push_rx = None
        # Transmitter: a frame is a list of the bits still to send, each 16 ticks.
        if tick:
            ending = not self.tx_frame or (len(self.tx_frame) == 1 and self.tx_ticks % 16 == 15)
            if ending and txen and tx_count:
                byte = self.txq[0]
                pop_tx = True
                bits = [(byte >> k) & 1 for k in range(8)]
                parity = [(sum(bits) & 1) ^ podd] if pen else []
                self.tx_frame, self.tx_ticks = [0, *bits, *parity, 1], 0
                events["tx_frame"] = True
            elif ending:
                self.tx_frame = []
            else:
                self.tx_ticks += 1
                if self.tx_ticks % 16 == 0:
                    self.tx_frame.pop(0)
            self.tx = self.tx_frame[0] if self.tx_frame else 1
        # Receiver: counts ticks from the edge that saw the start bit.
        rxs = self.sync[1]
        if tick:
            if not self.rx_on:
                if rxen and rxs == 0:
                    self.rx_on, self.rx_ticks, self.rx_pen, self.rx_podd = True, 0, bool(pen), bool(podd)
                    self.rx_bits = []
            else:
                self.rx_ticks += 1
                n = self.rx_ticks
                if n == 8 and rxs == 1:
                    self.rx_on = False
                    events["glitch"] = True
                elif n > 8 and (n - 8) % 16 == 0:
                    self.rx_bits.append(rxs)
                    if len(self.rx_bits) == (10 if self.rx_pen else 9):
                        self.rx_on = False
                        byte = sum(b << k for k, b in enumerate(self.rx_bits[:8]))
                        set_fe = self.rx_bits[-1] == 0
                        if self.rx_pen:
                            set_pe = self.rx_bits[8] != (bin(byte).count("1") & 1) ^ self.rx_podd
                        if rx_count < 4:
                            push_rx = byte
                        else:
                            set_oe = True
                        events.update(rx_frame=True, fe=set_fe, pe=set_pe, oe=set_oe)
                        flags = int(set_fe) | int(set_pe) << 1 | int(set_oe) << 2
                        events["w1c_meets_set"] = bool(w1c & flags)
                        events["pop_meets_overrun"] = set_oe and read and reg == DATA
        # APB side effects.
        if write and reg == DATA:
            self.txq.append(i.pwdata & 0xFF)  # not full: is_error checked it
        if pop_tx:
            self.txq.popleft()
        if read and reg == DATA and rx_count:
            self.rxq.popleft()
        if push_rx is not None:
            self.rxq.append(push_rx)
        clear = i.pwdata if write and reg == STATUS else 0
        self.fe = (self.fe and not clear >> 5 & 1) or set_fe
        self.pe = (self.pe and not clear >> 6 & 1) or set_pe
        self.oe = (self.oe and not clear >> 7 & 1) or set_oe
        if write and reg == CTRL:
            self.ctrl = i.pwdata & 0xF
        if write and reg == IER:
            self.ier = i.pwdata & 0x7
        if write and reg == DIV:
            self.div = i.pwdata & 0xFFFF
            self.pcnt = 0
        else:
            self.pcnt = 0 if tick else self.pcnt + 1
        self.sync = [i.rx, self.sync[0]]
        self.w = bool(i.psel and i.penable and not self.w)
        return events


class Master:
    """A random APB master that follows the model's pready."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phase = "idle"
        self.gap = 2
        self.bus = Inputs(presetn=1)
        self.drain = True
        self.aim = 0  # > 0: wait (at most this many cycles) to complete a transfer with a received stop bit

    @staticmethod
    def stop_in(uart: Uart) -> int | None:
        """Cycles from now to the rising edge where the receiver samples the stop bit (0: this edge)."""
        if not uart.rx_on or uart.rx_ticks < 8:
            return None
        left = 8 + 16 * (10 if uart.rx_pen else 9) - uart.rx_ticks  # tick edges still to come
        return (uart.div - uart.pcnt) + (left - 1) * (uart.div + 1) if uart.pcnt <= uart.div else None

    def aimed_transfer(self) -> None:
        """A W1C of random flags or a DATA read, to complete at the edge where a frame ends."""
        rng = self.rng
        if rng.random() < 0.5:
            self.bus = Inputs(1, 1, 0, 1, STATUS << 2, rng.getrandbits(32), 1)
        else:
            self.bus = Inputs(1, 1, 0, 0, DATA << 2, rng.getrandbits(32), 1)

    def next_transfer(self) -> None:
        rng = self.rng
        if rng.random() < 0.01:
            self.drain = not self.drain  # stretches without reading DATA let the RX FIFO overrun
        if rng.random() < 0.02:
            self.aim = 2000
        roll = rng.random()
        reg, write = DATA, False
        if roll < 0.15:
            reg, write = DATA, True
        elif roll < 0.45:
            reg = DATA if self.drain else STATUS
        elif roll < 0.65:
            reg = STATUS
            write = rng.random() < 0.3
        elif roll < 0.73:
            reg, write = CTRL, rng.random() < 0.5
        elif roll < 0.78:
            reg, write = DIV, rng.random() < 0.5
        elif roll < 0.86:
            reg, write = IER, rng.random() < 0.5
        elif roll < 0.93:
            reg, write = ISR, rng.random() < 0.2
        else:
            reg, write = rng.choice((6, 7)), rng.random() < 0.5
        data = rng.getrandbits(32)
        if reg == DIV and write:
            data = (rng.getrandbits(16) << 16) | rng.choice((0, 0, 1, 2, 3))
        if reg == CTRL and write and rng.random() < 0.7:
            data = (data & ~0x3) | 0x3
        self.bus = Inputs(1, 1, 0, int(write), (reg << 2) | rng.randrange(4), data, 1)

    def drive(self, ready_last: bool, uart: Uart) -> Inputs:
        """The bus for this cycle, given whether the last cycle completed a transfer."""
        rng = self.rng
        if self.phase == "setup":
            self.phase, self.bus.penable = "access", 1
        elif self.phase == "access" and ready_last:
            if rng.random() < 0.3:
                self.next_transfer()
                self.phase = "setup"
            else:
                self.phase, self.gap = "idle", rng.choice((0, 1, 2, 5, 12, 40))
        if self.phase == "idle":
            if self.gap:
                self.gap -= 1
                junk = rng.getrandbits(32)
                self.bus = Inputs(1, 0, rng.randrange(2), rng.randrange(2), rng.randrange(32), junk, 1)
            elif self.aim:
                # A transfer set up now completes at the edge ending the cycle after next.
                self.aim -= 1
                if self.stop_in(uart) == 2:
                    self.aim = 0
                    self.aimed_transfer()
                    self.phase = "setup"
                else:
                    self.bus = Inputs(1, 0, 0, 0, 0, 0, 1)
            else:
                self.next_transfer()
                self.phase = "setup"
        return self.bus


class Line:
    """The serial line into rx: frames at (roughly) the programmed rate, glitches, breaks, loopback."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bits: list[int] = []  # one value per cycle, queued
        self.loop = False

    def next_rx(self, uart: Uart) -> tuple[int, bool]:
        rng = self.rng
        if not self.bits:
            roll = rng.random()
            self.loop = roll < 0.1
            if self.loop:
                self.bits = [1] * rng.randint(200, 3000)  # only a duration: rx follows tx meanwhile
                return uart.tx, True
            cycles_per_bit = 16 * (uart.div + 1) + rng.choice((0, 0, 0, 0, -1, 1, -2, 2))
            if roll < 0.75:
                byte = rng.getrandbits(8)
                bits = [(byte >> k) & 1 for k in range(8)]
                pen, podd = uart.ctrl >> 2 & 1, uart.ctrl >> 3 & 1
                if rng.random() < 0.1:
                    pen = 1 - pen  # a frame in the other format
                parity = [(sum(bits) & 1) ^ podd ^ int(rng.random() < 0.15)] if pen else []
                stop = [int(rng.random() > 0.1)]
                frame = [0, *bits, *parity, *stop]
                self.bits = [b for b in frame for _ in range(max(1, cycles_per_bit))]
            elif roll < 0.85:
                self.bits = [0] * rng.randint(1, 12 * (uart.div + 1))  # glitch
            elif roll < 0.88:
                self.bits = [0] * rng.randint(200, 800)  # break
            else:
                self.bits = []
            self.bits += [1] * rng.choice((1, 1, 2, 3, 10, 50, 300))
        value = self.bits.pop(0)
        return (uart.tx, True) if self.loop else (value, False)


def generate(rng: random.Random) -> tuple[list[str], list[str], Counter[str]]:
    """Run the model with the random master and line: the input lines and the expected output lines."""
    uart = Uart()
    master, line = Master(rng), Line(rng)
    vectors: list[str] = []
    expected: list[str] = []
    seen: Counter[str] = Counter()
    ready_last = False
    reset_left = 3
    for _ in range(CYCLES):
        bus = master.drive(ready_last, uart)
        rx, loop = line.next_rx(uart)
        i = Inputs(bus.presetn, bus.psel, bus.penable, bus.pwrite, bus.paddr, bus.pwdata, rx)
        if reset_left:
            reset_left -= 1
            i = Inputs(0, 0, 0, 0, i.paddr, i.pwdata, rx)
            master.phase, master.gap = "idle", 2
        out = uart.outputs(i)
        vectors.append(
            f"{i.presetn:x} {i.psel:x} {i.penable:x} {i.pwrite:x} {i.paddr:02x} {i.pwdata:08x} {rx:x} {int(loop):x}"
        )
        expected.append(f"{out[0]:08x} {out[1]:x} {out[2]:x} {out[3]:x} {out[4]:x}")
        ready_last = bool(out[1])
        seen["irq"] += out[4]
        seen.update(k for k, v in uart.edge(i).items() if v)
        if rng.random() < 0.00004:
            reset_left = rng.randint(1, 3)
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
    names = ("prdata", "pready", "pslverr", "tx", "irq")
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
    keys = (
        "write",
        "read",
        "error",
        "tx_frame",
        "rx_frame",
        "fe",
        "pe",
        "oe",
        "glitch",
        "reset",
        "w1c_meets_set",
        "pop_meets_overrun",
    )
    counts = ", ".join(f"{seen[k]} {k}" for k in keys)
    print(f"uart_apb: {len(expected)} cycles ({counts}), {mismatches} mismatches")
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
