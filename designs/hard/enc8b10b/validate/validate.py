"""Validate the enc8b10b reference against a table-driven model of IEEE 802.3 clause 36.

Exhaustive: every data byte as D and as K request, from RD- and from RD+ (1024 characters),
plus a long random stream (valid gaps, K-codes, invalid K requests, resets) checked cycle by
cycle, and properties of the coded stream: run length <= 5, running digital sum within
[-3, +3] relative to the character boundaries, every code decodable to a unique character.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference.sv"

# 5b/6b table: x -> (RD- abcdei, RD+ abcdei), straight from the standard's table.
SIX = {
    0: ("100111", "011000"),
    1: ("011101", "100010"),
    2: ("101101", "010010"),
    3: ("110001", "110001"),
    4: ("110101", "001010"),
    5: ("101001", "101001"),
    6: ("011001", "011001"),
    7: ("111000", "000111"),
    8: ("111001", "000110"),
    9: ("100101", "100101"),
    10: ("010101", "010101"),
    11: ("110100", "110100"),
    12: ("001101", "001101"),
    13: ("101100", "101100"),
    14: ("011100", "011100"),
    15: ("010111", "101000"),
    16: ("011011", "100100"),
    17: ("100011", "100011"),
    18: ("010011", "010011"),
    19: ("110010", "110010"),
    20: ("001011", "001011"),
    21: ("101010", "101010"),
    22: ("011010", "011010"),
    23: ("111010", "000101"),
    24: ("110011", "001100"),
    25: ("100110", "100110"),
    26: ("010110", "010110"),
    27: ("110110", "001001"),
    28: ("001110", "001110"),
    29: ("101110", "010001"),
    30: ("011110", "100001"),
    31: ("101011", "010100"),
}
SIX_K28 = ("001111", "110000")
# 3b/4b tables: y -> (RD- fghj, RD+ fghj); the column is picked by the RD after the 6b block.
FOUR_D = {
    0: ("1011", "0100"),
    1: ("1001", "1001"),
    2: ("0101", "0101"),
    3: ("1100", "0011"),
    4: ("1101", "0010"),
    5: ("1010", "1010"),
    6: ("0110", "0110"),
    7: ("1110", "0001"),
}
FOUR_A7 = ("0111", "1000")
FOUR_K = {
    0: ("1011", "0100"),
    1: ("0110", "1001"),
    2: ("1010", "0101"),
    3: ("1100", "0011"),
    4: ("1101", "0010"),
    5: ("0101", "1010"),
    6: ("1001", "0110"),
    7: ("0111", "1000"),
}
VALID_K = {(28 | (y << 5)) for y in range(8)} | {0xF7, 0xFB, 0xFD, 0xFE}
# Characters every 8b/10b reference lists, as a check on the tables above: (k, byte, RD) -> code.
KNOWN = {
    (1, 0xBC, 0): "0011111010",
    (1, 0xBC, 1): "1100000101",  # K28.5
    (1, 0x3C, 0): "0011111001",
    (1, 0xFC, 0): "0011111000",  # K28.1, K28.7
    (0, 0x00, 0): "1001110100",
    (0, 0x00, 1): "0110001011",  # D0.0
    (0, 0xB5, 0): "1010101010",
    (0, 0x4A, 1): "0101010101",  # D21.5, D10.2
    (1, 0xF7, 0): "1110101000",
    (1, 0xFE, 1): "1000010111",  # K23.7, K30.7
    (0, 0xF1, 0): "1000110111",
    (0, 0xEB, 1): "1101001000",  # D17.7 and D11.7 use A7
    (0, 0xE3, 0): "1100011110",  # D3.7 uses P7
}


def disparity(bits: str) -> int:
    return 2 * bits.count("1") - len(bits)


def encode(k: int, byte: int, rd: int) -> tuple[str, int, int]:
    """One character: (abcdeifghj, RD after it, err)."""
    x, y = byte & 31, byte >> 5
    control = bool(k) and byte in VALID_K
    six = SIX_K28[rd] if control and x == 28 else SIX[x][rd]
    if disparity(six):
        assert disparity(six) == (2 if rd == 0 else -2)
    mid = rd ^ (disparity(six) != 0)
    if control:
        four = FOUR_K[y][mid] if x == 28 else FOUR_A7[mid]
    elif y == 7 and ((mid == 0 and x in (17, 18, 20)) or (mid == 1 and x in (11, 13, 14))):
        four = FOUR_A7[mid]
    else:
        four = FOUR_D[y][mid]
    end = mid ^ (disparity(four) != 0)
    return six + four, end, int(bool(k) and not control)


def model(vectors: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Registered outputs (code, code_valid, err, rd) after each rising edge."""
    code = code_valid = err = rd = 0
    out = []
    for rst, valid, k, data in vectors:
        if rst:
            code = code_valid = err = rd = 0
        else:
            code_valid = valid
            err = 0
            if valid:
                bits, rd, err = encode(k, data, rd)
                code = int(bits, 2)
        out.append((code, code_valid, err, rd))
    return out


def check_tables() -> list[str]:
    problems = [
        f"known {key}: {encode(*key)[0]} != {want}" for key, want in KNOWN.items() if encode(*key)[0] != want
    ]
    seen: dict[str, tuple[int, int]] = {}
    for rd in (0, 1):
        for k in (0, 1):
            for byte in range(256):
                if k and byte not in VALID_K:
                    continue
                bits, _, _ = encode(k, byte, rd)
                if abs(disparity(bits)) > 2 or (
                    disparity(bits) and disparity(bits) != (2 if rd == 0 else -2)
                ):
                    problems.append(f"disparity of {bits} from RD{'-+'[rd]}")
                if seen.setdefault(bits, (k, byte)) != (k, byte):
                    problems.append(f"code {bits} is not unique")
    return problems


def vectors() -> list[tuple[int, int, int, int]]:
    vecs: list[tuple[int, int, int, int]] = []
    for rd in (0, 1):
        for k in (0, 1):
            for byte in range(256):
                vecs.append((1, 0, 0, 0))
                if rd:
                    vecs.append((0, 1, 0, 0x20))  # D0.1 leaves RD+
                vecs.append((0, 1, k, byte))
                vecs.append((0, 0, 1, 0xFF))  # a gap: code holds, err and code_valid drop
    rng = random.Random(8)
    valid_k = sorted(VALID_K)
    vecs.append((1, 0, 0, 0))
    for _ in range(200_000):
        valid = int(rng.random() < 0.85)
        k = int(rng.random() < 0.12)
        data = rng.choice(valid_k) if k and rng.random() < 0.6 else rng.randrange(256)
        vecs.append((int(rng.random() < 0.0005), valid, k, data))
    return vecs


def stream_properties(
    vecs: list[tuple[int, int, int, int]], outs: list[tuple[int, int, int, int]]
) -> list[str]:
    """Run length <= 5 and bounded running digital sum over each reset-free stretch of valid codes."""
    problems = []
    run_bit, run, rds = "", 0, -1
    for (rst, valid, _, _), (code, _, _, rd) in zip(vecs, outs, strict=True):
        if rst:
            run_bit, run, rds = "", 0, -1
            continue
        if not valid:
            continue
        for bit in f"{code:010b}":
            run = run + 1 if bit == run_bit else 1
            run_bit = bit
            rds += 1 if bit == "1" else -1
            if run > 5 or not -3 <= rds <= 3:
                problems.append(f"stream property broken at code {code:010b}: run {run}, rds {rds}")
        if rds != (1 if rd else -1):
            problems.append(f"rd {rd} disagrees with the running digital sum {rds}")
    return problems[:5]


def simulate(vecs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vec_file, out_file = work / "vectors.hex", work / "out.txt"
        vec_file.write_text("".join(f"{(r << 10) | (v << 9) | (k << 8) | d:03x}\n" for r, v, k, d in vecs))
        binary = work / "sim.vvp"
        subprocess.run(
            [
                "iverilog",
                "-g2012",
                "-o",
                str(binary),
                f"-DN={len(vecs)}",
                f'-DVEC_FILE="{vec_file}"',
                f'-DOUT_FILE="{out_file}"',
                str(HERE / "harness.sv"),
                str(REFERENCE),
            ],
            check=True,
        )
        subprocess.run(["vvp", "-n", str(binary)], check=True, cwd=work, stdout=subprocess.DEVNULL)
        rows = []
        for line in out_file.read_text().splitlines():
            code, valid, err, rd = line.split()
            rows.append((int(code, 16), int(valid, 2), int(err, 2), int(rd, 2)))
        return rows


def main() -> int:
    problems = check_tables()
    vecs = vectors()
    got = simulate(vecs)
    want = model(vecs)
    mismatches = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    for i in mismatches[:5]:
        print(f"vector {i} {vecs[i]}: reference {got[i]}, model {want[i]}")
    problems += stream_properties(vecs, want)
    for problem in problems[:10]:
        print(problem)
    print(
        f"enc8b10b: {len(vecs)} vectors, {len(mismatches)} mismatches, {len(problems)} table/stream problems"
    )
    return 0 if not mismatches and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
