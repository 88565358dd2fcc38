"""Validate the crc32_stream reference against Python's zlib.crc32, frame by frame.

Builds a cycle stream of >= 100k frames: lengths 0..64 (0 and 1 often), frames followed by
their own FCS (match must be 1) or with a corrupted FCS, gaps of in_valid inside frames,
back-to-back frames, frames started without sof (after an eof), sof in the middle of a frame
(abort), eof on a cycle without a byte, and resets. Every output is compared on every cycle.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference.sv"
FRAMES = 100_000

Vector = tuple[int, int, int, int, int]  # rst, sof, eof, in_valid, data


def frame_vectors(rng: random.Random, payload: bytes, use_sof: bool) -> list[Vector]:
    """Cycles for one frame: sof on the first cycle (if used), eof on the last, random gaps."""
    cycles: list[list[int]] = []
    for byte in payload:
        while rng.random() < 0.1:
            cycles.append([0, 0, 0, 0, rng.randrange(256)])  # gap: data is ignored
        cycles.append([0, 0, 0, 1, byte])
    if not cycles or rng.random() < 0.15:
        cycles.append([0, 0, 0, 0, rng.randrange(256)])  # eof on a cycle without a byte
    if use_sof:
        cycles[0][1] = 1
    cycles[-1][2] = 1
    return [(r, s, e, v, d) for r, s, e, v, d in cycles]


def payload_for(rng: random.Random) -> bytes:
    kind = rng.random()
    if kind < 0.5:
        length = rng.choice((0, 0, 1, 1, 2, 3, 4))
    else:
        length = rng.randrange(5, 13) if kind < 0.97 else rng.randrange(13, 65)
    body = rng.randbytes(length)
    if rng.random() < 0.3:  # append the FCS, least significant byte first
        fcs = zlib.crc32(body).to_bytes(4, "little")
        if rng.random() < 0.2:
            fcs = bytes([fcs[0] ^ (1 << rng.randrange(8))]) + fcs[1:]
        body += fcs
    return body


def vectors() -> list[Vector]:
    rng = random.Random(32)
    vecs: list[Vector] = [(1, 0, 0, 0, 0), (0, 0, 0, 0, 0)]
    vecs += frame_vectors(rng, b"123456789", True)  # the check value 0xCBF43926
    for _ in range(FRAMES):
        roll = rng.random()
        if roll < 0.01:
            vecs.append((1, rng.randrange(2), rng.randrange(2), rng.randrange(2), rng.randrange(256)))
        elif roll < 0.04:  # a partial frame aborted by the sof of the next one
            partial = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6)))
            vecs += [(0, int(i == 0), 0, 1, b) for i, b in enumerate(partial)]
        while rng.random() < 0.2:
            vecs.append((0, 0, 0, 0, rng.randrange(256)))  # idle cycles between frames
        vecs += frame_vectors(rng, payload_for(rng), rng.random() < 0.85)
    return vecs


def model(vecs: list[Vector]) -> list[tuple[int, int, int]]:
    """(crc, crc_valid, match) after each rising edge, from zlib over the frame's bytes."""
    crc = crc_valid = match = 0
    frame = bytearray()
    out = []
    for rst, sof, eof, valid, data in vecs:
        if rst:
            frame.clear()
            crc = crc_valid = match = 0
        else:
            if sof:
                frame.clear()
            if valid:
                frame.append(data)
            crc_valid = eof
            if eof:
                crc = zlib.crc32(bytes(frame))
                match = int(crc == 0x2144DF1C)
                frame.clear()
        out.append((crc, crc_valid, match))
    return out


def simulate(vecs: list[Vector]) -> list[tuple[int, int, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vec_file, out_file, binary = work / "vectors.hex", work / "out.txt", work / "sim.vvp"
        vec_file.write_text(
            "".join(f"{(r << 11) | (s << 10) | (e << 9) | (v << 8) | d:03x}\n" for r, s, e, v, d in vecs)
        )
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
        rows: list[tuple[int, int, int]] = []
        for line in out_file.read_text().splitlines():
            cycle, crc, flags = line.split()
            if rows:  # outputs held since the last line
                rows += [rows[-1]] * (int(cycle) - len(rows))
            rows.append((int(crc, 16), int(flags[0]), int(flags[1])))
        rows += [rows[-1]] * (len(vecs) - len(rows))
        return rows


def main() -> int:
    vecs = vectors()
    want = model(vecs)
    got = simulate(vecs)
    mismatches = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
    for i in mismatches[:5]:
        print(f"cycle {i} {vecs[i]}: reference {got[i]}, model {want[i]}")
    frames = sum(v[2] for v in vecs if not v[0])
    matches = sum(w[1] and w[2] for w in want)
    known = zlib.crc32(b"123456789") == 0xCBF43926 and any(w == (0xCBF43926, 1, 0) for w in want)
    print(
        f"crc32_stream: {len(vecs)} vectors, {frames} frames ({matches} with match), "
        f"{len(mismatches)} mismatches{'' if known else ', check value 0xCBF43926 missing'}"
    )
    return 0 if not mismatches and known else 1


if __name__ == "__main__":
    sys.exit(main())
