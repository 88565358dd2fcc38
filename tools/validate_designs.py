"""Run every design's independent validation: `designs/**/validate/validate.py`.

Each script checks a reference against a model of its spec written apart from the golden
testbench (an ISA simulator, numpy float16, a table-driven encoder, ...), so a reference
and a testbench that share one misreading cannot both pass unnoticed.

    python tools/validate_designs.py [DESIGNS_DIR] [--only NAME ...]

Exit status: 0 every script passed, 1 some failed, 2 none found.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 300  # a validation that runs longer is reported as failed, not waited for


def scripts(designs: Path) -> dict[str, Path]:
    """Each design's validate.py, by the design's folder name."""
    return {p.parent.parent.name: p for p in sorted(designs.rglob("validate/validate.py"))}


def run(script: Path) -> tuple[bool, str, float]:
    """Run one script from the repo root; its verdict is its exit status."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=TIME_LIMIT_S
        )
    except subprocess.TimeoutExpired:
        return False, f"timed out after {TIME_LIMIT_S} s", time.perf_counter() - started
    lines = (done.stdout + done.stderr).strip().splitlines()
    return (
        done.returncode == 0,
        lines[-1] if lines else f"exit {done.returncode}",
        time.perf_counter() - started,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("designs", nargs="?", type=Path, default=ROOT / "designs")
    parser.add_argument("--only", action="append", default=[], help="only this design (repeatable)")
    args = parser.parse_args()
    found = scripts(args.designs)
    chosen = {n: p for n, p in found.items() if not args.only or n in args.only}
    if not chosen:
        print(f"no validate/validate.py under {args.designs}", file=sys.stderr)
        return 2
    failed = 0
    for name, script in chosen.items():
        ok, last, seconds = run(script)
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name:<18} {seconds:6.1f} s  {last}")
    print(f"{len(chosen) - failed}/{len(chosen)} validations passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
