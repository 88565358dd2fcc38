"""Cycle-accurate Python model of mac_sat, written from the spec."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

LATENCY = 3
MAX, MIN = (1 << 31) - 1, -(1 << 31)


@dataclass(frozen=True)
class Sample:
    valid: bool
    clear: bool
    a: int
    b: int


class MacSat:
    """Outputs as they are right after each rising edge."""

    def __init__(self) -> None:
        self.pipe: deque[Sample] = deque()
        self.reset()

    def reset(self) -> None:
        self.out_valid, self.acc, self.ovf = False, 0, False
        self.pipe = deque(Sample(False, False, 0, 0) for _ in range(LATENCY))

    def edge(self, rst: bool, sample: Sample) -> tuple[bool, int, bool]:
        if rst:  # everything in flight is dropped, and so is the sample at the reset edge
            self.reset()
            return self.out_valid, self.acc, self.ovf
        due = self.pipe.popleft()  # the sample taken LATENCY edges ago
        self.pipe.append(sample)
        self.out_valid = due.valid
        if due.valid:
            total = (0 if due.clear else self.acc) + due.a * due.b
            clipped = min(MAX, max(MIN, total))
            self.ovf = (self.ovf and not due.clear) or clipped != total
            self.acc = clipped
        return self.out_valid, self.acc, self.ovf
