"""Validate fp16_mul's reference against numpy float16, independently of the golden testbench.

The model: decode both operands to float64 (exact), multiply in float64 (exact: an 11x11-bit
product fits in 53 bits), round once to float16 with numpy (round to nearest, ties to even,
subnormals), then apply the spec's NaN and flag rules. Flags come from comparing the float64
product with the float16 result, so they share no code with the RTL.

Run: python designs/hard/fp16_mul/validate/validate.py  (stdlib + numpy; writes only to a temp dir)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference.sv"
HARNESS = HERE / "harness.sv"
QNAN = 0x7E00

SPECIALS = [
    0x0000,
    0x0001,
    0x0002,
    0x0003,
    0x0155,
    0x0200,
    0x02AB,
    0x03FF,
    0x0400,
    0x0401,
    0x07FF,
    0x1000,
    0x1400,
    0x1C00,
    0x2000,
    0x3555,
    0x37FF,
    0x3800,
    0x3801,
    0x3BFF,
    0x3C00,
    0x3C01,
    0x3E00,
    0x4000,
    0x4248,
    0x57FF,
    0x5800,
    0x5BFF,
    0x5C00,
    0x7800,
    0x7BFE,
    0x7BFF,
    0x7C00,
    0x7C01,
    0x7D00,
    0x7DFF,
    0x7E00,
    0x7E01,
    0x7FFF,
]


def vectors(rng: np.random.Generator) -> np.ndarray:
    """(a, b) pairs: every special class crossed, exhaustive sweeps, and stratified random."""
    specials = np.array(SPECIALS + [s | 0x8000 for s in SPECIALS], dtype=np.uint32)
    parts: list[np.ndarray] = [np.array([(x << 16) | y for x in specials for y in specials], dtype=np.uint32)]
    every = np.arange(1 << 16, dtype=np.uint32)
    # Every a, including every subnormal, NaN and infinity, against two operands.
    for b in (0x3801, 0x8001):  # (1 + 2^-10) / 2: ties and round-ups; -2^-24: subnormal results
        parts.append((every << 16) | b)
    parts.append(rng.integers(0, 1 << 32, 40_000, dtype=np.uint64).astype(np.uint32))
    # Exponent sums across the whole range: underflow, subnormal, normal and overflow results.
    n = 80_000
    target = rng.integers(0, 61, n)
    ea = rng.integers(0, 31, n)
    eb = np.clip(target - ea, 0, 30)
    fa = rng.integers(0, 1024, n)
    fb = rng.integers(0, 1024, n)
    fb = np.where(rng.random(n) < 0.4, fb & 0x3E0, fb)  # few significant bits: exact products, ties
    sa = rng.integers(0, 2, n)
    sb = rng.integers(0, 2, n)
    a = (sa << 15) | (ea << 10) | fa
    b = (sb << 15) | (eb << 10) | fb
    parts.append(((a << 16) | b).astype(np.uint32))
    return np.concatenate(parts)


def model(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected result and flags (invalid, overflow, underflow, inexact as a 4-bit word)."""
    fa = a.astype(np.uint16).view(np.float16).astype(np.float64)
    fb = b.astype(np.uint16).view(np.float16).astype(np.float64)
    with np.errstate(all="ignore"):
        prod = fa * fb  # exact for finite operands
        r16 = prod.astype(np.float16)  # the one rounding
    bits = r16.view(np.uint16).astype(np.uint32)
    nan_a, nan_b = np.isnan(fa), np.isnan(fb)
    snan = (nan_a & ((a & 0x200) == 0)) | (nan_b & ((b & 0x200) == 0))
    zero_times_inf = (np.isinf(fa) & (fb == 0)) | ((fa == 0) & np.isinf(fb))
    result = np.where(nan_a | nan_b | zero_times_inf, QNAN, bits)
    finite = np.isfinite(fa) & np.isfinite(fb)
    invalid = snan | (~nan_a & ~nan_b & zero_times_inf)
    overflow = finite & np.isinf(r16)
    with np.errstate(all="ignore"):
        inexact = finite & (r16.astype(np.float64) != prod)
    underflow = finite & (prod != 0) & (np.abs(prod) < 2.0**-14) & inexact
    flags = (invalid << 3) | (overflow << 2) | (underflow << 1) | inexact.astype(np.uint32)
    return result, flags.astype(np.uint32)


def integer_round(a: int, b: int) -> int:
    """A second model of the finite nonzero result, with integers only (checks numpy's rounding)."""

    def decode(x: int) -> tuple[int, int]:
        e, f = (x >> 10) & 31, x & 1023
        return (f, 1) if e == 0 else (f | 1024, e)

    (ma, xa), (mb, xb) = decode(a), decode(b)
    p, k = ma * mb, xa + xb - 50  # value = p * 2^k
    top = p.bit_length() - 1 + k  # floor(log2(value))
    q = max(top - 10, -24)  # exponent of one unit in the last place
    shift = q - k
    if shift <= 0:
        n = p << -shift
    else:
        n, rem, half = p >> shift, p & ((1 << shift) - 1), 1 << (shift - 1)
        if rem > half or (rem == half and n & 1):
            n += 1
    if n == 2048:
        n, q = 1024, q + 1
    exp_field = 0 if n < 1024 else q + 10 + 15
    mag = 0x7C00 if exp_field >= 31 else (exp_field << 10) | (n & 1023) if n >= 1024 else n
    return ((a ^ b) & 0x8000) | mag


def simulate(vecs: np.ndarray) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "vectors.hex").write_text("\n".join(f"{v:08x}" for v in vecs.tolist()) + "\n")
        build = ["iverilog", "-g2012", "-o", str(work / "sim"), str(REFERENCE), str(HARNESS)]
        subprocess.run(build, check=True, cwd=work)
        subprocess.run(
            ["vvp", "-n", str(work / "sim"), f"+N={len(vecs)}"],
            check=True,
            cwd=work,
            stdout=subprocess.DEVNULL,
        )
        return (work / "outputs.hex").read_text().split("\n")[: len(vecs)]


def main() -> int:
    rng = np.random.default_rng(20240614)
    vecs = vectors(rng)
    a, b = vecs >> 16, vecs & 0xFFFF
    want_result, want_flags = model(a, b)
    # Cross-check numpy's rounding with the integer model on every finite nonzero product.
    models_disagree = 0
    for x, y, r in zip(a.tolist(), b.tolist(), want_result.tolist(), strict=True):
        if (x >> 10) & 31 != 31 and (y >> 10) & 31 != 31 and x & 0x7FFF and y & 0x7FFF:
            models_disagree += integer_round(x, y) != r
    lines = simulate(vecs)
    mismatches = 0
    for i, line in enumerate(lines):
        got_result, got_flags = line.split()
        if int(got_result, 16) != want_result[i] or int(got_flags, 2) != want_flags[i]:
            if mismatches < 10:
                print(
                    f"a={a[i]:04x} b={b[i]:04x}: got {got_result} {got_flags}, "
                    f"want {want_result[i]:04x} {want_flags[i]:04b}"
                )
            mismatches += 1
    if len(lines) != len(vecs):
        mismatches += len(vecs) - len(lines)
    print(
        f"fp16_mul: {len(vecs)} vectors, {mismatches} mismatches"
        f" (numpy vs integer model: {models_disagree} disagreements)"
    )
    return 0 if mismatches == 0 and models_disagree == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
