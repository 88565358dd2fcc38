"""Validate the pkt_filter reference against a Python model of spec.md, independently of the testbench.

Random packets (good, bad checksum, "negative zero" checksum field, wrong LENGTH, too short, too long,
truncated by a new sop, bytes between packets), random offers, random output backpressure, random
rule-table writes and resets drive the reference in Icarus for every cycle; every output of every
cycle is compared with the model. Then, as a second, transaction-level check, the packets seen at
the output must be exactly the input packets the spec's verdict function accepts, in order.

Run: python designs/hard/pkt_filter/validate/validate.py  (stdlib + numpy, iverilog/vvp on PATH)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import deque
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference.sv"
HARNESS = HERE / "harness.sv"
CYCLES = 120_000
DEPTH, MAX_LEN = 64, 32
TYPES = [0x0800, 0x86DD, 0x0806, 0x88CC, 0xFFFF]


def checksum_ok(pkt: list[int]) -> bool:
    """The spec's definition: big-endian words, zero pad, integer sum, fold, == 0xFFFF."""
    padded = pkt + [0] * (len(pkt) % 2)
    s = sum(padded[i] * 256 + padded[i + 1] for i in range(0, len(padded), 2))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return s == 0xFFFF


def verdict(pkt: list[int], rules: list[tuple[int, int]]) -> str:
    n = len(pkt)
    if n < 6 or n > MAX_LEN or n != pkt[2] * 256 + pkt[3]:
        return "malformed"
    ptype = pkt[0] * 256 + pkt[1]
    if any(en and ty == ptype for en, ty in rules):
        return "dropped"
    return "accepted" if checksum_ok(pkt) else "bad"


class Model:
    """pkt_filter as spec.md states it, one call of `step` per rising edge."""

    def __init__(self) -> None:
        self.reset()
        self.accepted_log: list[list[int]] = []

    def reset(self) -> None:
        self.committed: deque[tuple[int, int, int]] = deque()  # (data, sop, eop)
        self.stored: list[tuple[int, int, int]] = []  # stored bytes of the open packet
        self.packet: list[int] = []  # every byte of the open packet
        self.inside = False
        self.rules = [(0, 0)] * 4
        self.counts = {"accepted": 0, "dropped": 0, "bad": 0, "malformed": 0}

    def outputs(self) -> tuple[int, ...]:
        ready = int(len(self.committed) + len(self.stored) < DEPTH)
        if self.committed:
            data, sop, eop = self.committed[0]
            out = (1, data, sop, eop)
        else:
            out = (0, 0, 0, 0)
        c = self.counts
        return (ready, *out, c["accepted"], c["dropped"], c["bad"], c["malformed"])

    def _count(self, what: str) -> None:
        self.counts[what] = (self.counts[what] + 1) & 0xFFFF

    def step(
        self, rst: int, acc: int, byte: tuple[int, int, int], out_ready: int, cfg: tuple[int, int, int]
    ) -> None:
        if rst:
            self.reset()
            return
        if self.committed and out_ready:
            self.committed.popleft()
        rules = list(self.rules)
        if cfg[0]:
            self.rules[cfg[1]] = (cfg[2] >> 16, cfg[2] & 0xFFFF)
        if not acc:
            return
        data, sop, eop = byte
        if not self.inside and not sop:
            return
        if sop:
            if self.inside:
                self._count("malformed")
            self.stored, self.packet, self.inside = [], [], True
        if len(self.packet) < MAX_LEN:
            self.stored.append((data, int(not self.packet), eop))
        self.packet.append(data)
        if eop:
            what = verdict(self.packet, rules)
            self._count(what)
            if what == "accepted":
                self.committed.extend(self.stored)
                self.accepted_log.append(self.packet)
            self.stored, self.packet, self.inside = [], [], False


def make_packet(rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """One packet (or some stray bytes) as (data, sop, eop) triples."""
    ptype = int(rng.integers(0, 65536)) if rng.random() < 0.25 else TYPES[int(rng.integers(0, len(TYPES)))]
    n = int(rng.integers(6, MAX_LEN + 1))
    kind = rng.random()
    if kind < 0.04:  # bytes between packets
        return [
            (int(rng.integers(0, 256)), 0, int(rng.integers(0, 2))) for _ in range(int(rng.integers(1, 5)))
        ]
    length = n
    if kind < 0.10:
        n = int(rng.integers(33, 41))
        length = n
    elif kind < 0.16:
        n = int(rng.integers(1, 6))
        length = n
    elif kind < 0.24:
        length = int(rng.integers(0, 65536)) if rng.random() < 0.3 else n + int(rng.choice([-1, 1]))
    pkt = [ptype >> 8, ptype & 0xFF, (length >> 8) & 0xFF, length & 0xFF, 0, 0][:n]
    pkt += [int(b) for b in rng.integers(0, 256, size=max(0, n - 6))]
    if n >= 6:
        padded = pkt + [0] * (n % 2)
        s = sum(padded[i] * 256 + padded[i + 1] for i in range(0, n, 2))
        while s > 0xFFFF:
            s = (s & 0xFFFF) + (s >> 16)
        c = (~s) & 0xFFFF
        if c == 0 and rng.random() < 0.5:
            c = 0xFFFF  # negative zero: still verifies
        pkt[4], pkt[5] = c >> 8, c & 0xFF
        if 0.24 <= kind < 0.36:
            i = int(rng.integers(0, n))
            pkt[i] ^= 1 << int(rng.integers(0, 8))
        if 0.36 <= kind < 0.40 and n % 2 == 0 and n >= 8:
            # force the checksum field to 0xFFFF with a last word that makes the rest sum to 0xFFFF
            pkt[4], pkt[5] = 0xFF, 0xFF
            s = sum(pkt[i] * 256 + pkt[i + 1] for i in range(0, n - 2, 2)) - 0xFFFF
            while s > 0xFFFF:
                s = (s & 0xFFFF) + (s >> 16)
            last = (~s) & 0xFFFF
            pkt[n - 2], pkt[n - 1] = last >> 8, last & 0xFF
    triples = [(b, int(i == 0), int(i == len(pkt) - 1)) for i, b in enumerate(pkt)]
    if 0.40 <= kind < 0.45 and len(triples) > 1:
        triples = triples[: int(rng.integers(1, len(triples)))]  # truncated: the next sop aborts it
    return triples


def stimulus(rng: np.random.Generator) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    stream: list[tuple[int, int, int]] = []
    while len(stream) < CYCLES:
        stream += make_packet(rng)
    # per-cycle controls, in phases of varying offer rate and backpressure
    phase = (np.arange(CYCLES) // 500) % 6
    offer_p = np.array([1.0, 0.9, 0.6, 1.0, 0.4, 0.8])[phase]
    ready_p = np.array([1.0, 0.6, 0.0, 0.3, 0.95, 0.05])[phase]
    rst = (rng.random(CYCLES) < 1 / 4000).astype(np.int64)
    rst[:2] = 1
    offer = (rng.random(CYCLES) < offer_p).astype(np.int64)
    out_ready = (rng.random(CYCLES) < ready_p).astype(np.int64)
    cfg_we = (rng.random(CYCLES) < 0.03).astype(np.int64)
    cfg_addr = rng.integers(0, 4, CYCLES)
    enable = (rng.random(CYCLES) < 0.6).astype(np.int64)
    ctype = np.array(TYPES)[rng.integers(0, len(TYPES), CYCLES)]
    ctl = np.stack([rst, offer, out_ready, cfg_we, cfg_addr, (enable << 16) | ctype], axis=1)
    return stream, ctl


def run_reference(stream: list[tuple[int, int, int]], ctl: np.ndarray, work: Path) -> list[tuple[int, ...]]:
    (work / "bytes.hex").write_text("".join(f"{(e << 9) | (s << 8) | d:03x}\n" for d, s, e in stream))
    words = (
        (ctl[:, 0] << 22)
        | (ctl[:, 1] << 21)
        | (ctl[:, 2] << 20)
        | (ctl[:, 3] << 19)
        | (ctl[:, 4] << 17)
        | ctl[:, 5]
    )
    (work / "cycles.hex").write_text("".join(f"{int(w):06x}\n" for w in words))
    sim = work / "sim.vvp"
    subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-o",
            str(sim),
            f"-Pharness.NBYTES={len(stream)}",
            f"-Pharness.NCYC={len(ctl)}",
            str(HARNESS),
            str(REFERENCE),
        ],
        check=True,
    )
    subprocess.run(["vvp", "-n", str(sim)], cwd=work, check=True, stdout=subprocess.DEVNULL)
    lines = (work / "out.txt").read_text().split()
    values = [-1 if "x" in v else int(v, 16) for v in lines]  # X only before the first reset
    return [tuple(values[i : i + 9]) for i in range(0, len(values), 9)]


def main() -> int:
    rng = np.random.default_rng(20240514)
    stream, ctl = stimulus(rng)
    with tempfile.TemporaryDirectory() as tmp:
        got = run_reference(stream, ctl, Path(tmp))
    model = Model()
    idx, valid, acc_last = 0, 0, 0
    mismatches, first = 0, None
    out_packets: list[list[int]] = []
    current: list[int] = []
    verdicts = {"accepted": 0, "dropped": 0, "bad": 0, "malformed": 0}
    for c in range(len(ctl)):
        rst, offer, out_ready, cfg_we, cfg_addr, cfg_wdata = (int(v) for v in ctl[c])
        valid = int((valid and not acc_last) or offer) if idx < len(stream) else 0
        expect = model.outputs()
        if c >= 1 and (c >= len(got) or got[c] != expect):  # cycle 0 precedes the first reset edge
            mismatches += 1
            if first is None:
                first = (c, got[c] if c < len(got) else None, expect)
        acc = int(valid and expect[0] and not rst)
        if expect[1] and out_ready and not rst:
            current.append(expect[2])
            if expect[4]:
                out_packets.append(current)
                current = []
        before = dict(model.counts)
        model.step(
            rst,
            acc,
            stream[idx] if idx < len(stream) else (0, 0, 0),
            out_ready,
            (cfg_we, cfg_addr, cfg_wdata),
        )
        if rst:
            current = []
            out_packets.append([])  # marks a reset: packets in flight are gone
        else:
            for k in verdicts:
                verdicts[k] += (model.counts[k] - before[k]) & 0xFFFF
        acc_last = acc
        idx += acc
    # Transaction check: what came out is, in order, a subsequence of what the model accepted (a reset
    # loses packets not yet read out), every packet whole and with a verifying checksum.
    seen = [p for p in out_packets if p]
    transaction_errors, pos = 0, 0
    for packet in seen:
        while pos < len(model.accepted_log) and model.accepted_log[pos] != packet:
            pos += 1
        transaction_errors += pos == len(model.accepted_log) or not checksum_ok(packet)
        pos += 1
    if first is not None:
        print(f"first mismatch at cycle {first[0]}: reference {first[1]}, model {first[2]}")
    print(
        f"pkt_filter: {len(ctl)} cycles, {idx} bytes accepted, packets {verdicts}, "
        f"{len(seen)} packets out, {mismatches + transaction_errors} mismatches"
    )
    return 0 if mismatches == 0 and transaction_errors == 0 and len(seen) > 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
