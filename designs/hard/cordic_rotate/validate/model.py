"""Bit-exact Python model of cordic_rotate (the spec's algorithm, written from the spec)."""

from __future__ import annotations

ITERATIONS = 15
ATAN = (8192, 4836, 2555, 1297, 651, 326, 163, 81, 41, 20, 10, 5, 3, 1, 1)
K = 9949  # round(0.6072529353859134 * 2^14)


def wrap16(v: int) -> int:
    """Two's-complement 16-bit value of v."""
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def cordic(angle: int, trace: list[tuple[int, int, int]] | None = None) -> tuple[int, int]:
    """(cos, sin) as signed 16-bit Q2.14 integers for a 16-bit angle word (pi = 0x8000)."""
    angle &= 0xFFFF
    quadrant = angle >> 14
    if quadrant in (0b00, 0b11):
        x, y, z = K, 0, wrap16(angle)
    else:  # |angle| >= pi/2: start from -K (a rotation by pi) and rotate by angle - pi
        x, y, z = -K, 0, wrap16(angle ^ 0x8000)
    for i in range(ITERATIONS):
        if trace is not None:
            trace.append((x, y, z))
        dx, dy = y >> i, x >> i  # Python's >> on ints is an arithmetic (floor) shift
        if z >= 0:
            x, y, z = wrap16(x - dx), wrap16(y + dy), wrap16(z - ATAN[i])
        else:
            x, y, z = wrap16(x + dx), wrap16(y - dy), wrap16(z + ATAN[i])
    return x, y
