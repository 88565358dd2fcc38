"""From simulator logs to a verdict that the candidate cannot forge.

Before compiling, every print in the (trusted) testbench is stamped with a secret
nonce made fresh for the run. Only stamped lines count as the testbench speaking:
a candidate that prints `Mismatches: 0 in 100 samples` or a pass banner itself
prints an unstamped line, which is ignored. Failure evidence is read from every
line, since a candidate that makes itself fail forges nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from veriassist.types import FailureKind, OutputMismatch, TestbenchStyle

_PRINT_CALL = re.compile(r'(\$(?:display|write|strobe|monitor)[bho]?\s*\(\s*)"((?:[^"\\\n]|\\.)*)"')


def new_nonce() -> str:
    return f"@va{secrets.token_hex(8)}@"


def stamp_testbench(text: str, nonce: str) -> str:
    """Prefix every line the testbench prints with the nonce."""

    def stamp(match: re.Match[str]) -> str:
        body = match[2].replace("\\n", "\\n" + nonce)
        return f'{match[1]}"{nonce}{body}"'

    return _PRINT_CALL.sub(stamp, text)


def split_log(log: str, nonce: str) -> tuple[list[str], list[str]]:
    """(lines the testbench printed, with the nonce removed; every line, unstamped)."""
    trusted, everything = [], []
    for line in log.splitlines():
        plain = line.replace(nonce, "")
        if line.startswith(nonce):
            trusted.append(plain)
        everything.append(plain)
    return trusted, everything


# VerilogEval's sv-iv-analyze rules, first match wins, scanned line by line.
_LINE_RULES: tuple[tuple[str, FailureKind], ...] = (
    ("syntax error", FailureKind.SYNTAX_ERROR),
    ("error: This assignment requires an explicit cast", FailureKind.EXPLICIT_CAST),
    ("error: Sized numeric constant must have a size greater than zero", FailureKind.ZERO_WIDTH_CONSTANT),
    ("warning: always_comb process has no sensitivities", FailureKind.NO_SENSITIVITIES),
    ("found no sensitivities so it will never trigger", FailureKind.NO_SENSITIVITIES),
    ("is declared here as wire", FailureKind.DECLARED_AS_WIRE),
    ("Unknown module type", FailureKind.UNKNOWN_MODULE),
    ("Unable to bind wire/reg/memory `clk'", FailureKind.UNBOUND_CLK),
)
_SUMMARY = re.compile(r"^Mismatches: (\d+) in (\d+) samples$")
_OUTPUT_HINT = re.compile(
    r"^Hint: Output '([^']+)' has (?:(\d+) mismatches\. First mismatch occurred at time (\d+)\.|no mismatches\.)"
)
_TOTAL_HINT = re.compile(r"^Hint: Total mismatched samples is (\d+) out of (\d+) samples")
_PASS_BANNER = re.compile(r"=+\s*Your\s+Design\s+Passed\s*=+", re.IGNORECASE)
_RESET_IN_RTL = re.compile(r"posedge reset|negedge reset|posedge r\)")


@dataclass(frozen=True)
class SimulationReading:
    kind: FailureKind
    mismatches: tuple[OutputMismatch, ...] = ()
    total_mismatches: int | None = None
    samples: int | None = None
    first_mismatch_time: int | None = None
    reason: str = ""


def scan_error_lines(lines: list[str]) -> FailureKind | None:
    """Apply upstream's per-line codes; None when no line matched."""
    unbound = error = False
    for line in lines:
        for needle, kind in _LINE_RULES:
            if needle in line:
                return kind
        if "TIMEOUT" in line:
            return FailureKind.TIMEOUT
        unbound = unbound or "Unable to bind wire/reg" in line
        error = error or "error" in line
    if unbound:
        return FailureKind.UNBOUND_PORT
    if error:
        return FailureKind.COMPILE_ERROR
    return None


def read_simulation(
    style: TestbenchStyle,
    compile_log: str,
    sim_log: str,
    nonce: str,
    candidate_text: str,
    *,
    timed_out: bool,
    returncode: int,
    expected_samples: int | None = None,
) -> SimulationReading:
    """Judge one Verilog simulation (COMPARE or BANNER style)."""
    trusted, everything = split_log(sim_log, nonce)
    if timed_out:
        return SimulationReading(FailureKind.TIMEOUT, reason="the simulation did not finish in time")
    if style is TestbenchStyle.BANNER:
        # RTLLM's criterion is the banner alone; its testbenches print "Error" lines as test results.
        coded = scan_error_lines(compile_log.splitlines())
        if any("TIMEOUT" in line for line in trusted):
            coded = FailureKind.TIMEOUT
        if coded is None and any(_PASS_BANNER.search(line) for line in trusted):
            return SimulationReading(FailureKind.PASS)
        return SimulationReading(
            coded or _crash_or(returncode, FailureKind.TEST_FAILED),
            reason="the testbench did not print its pass banner",
        )
    coded = scan_error_lines(compile_log.splitlines() + everything)
    return _read_compare(trusted, coded, candidate_text, returncode, expected_samples)


def _read_compare(
    trusted: list[str],
    coded: FailureKind | None,
    candidate_text: str,
    returncode: int,
    expected_samples: int | None,
) -> SimulationReading:
    mismatches: list[OutputMismatch] = []
    total = samples = None
    summary: tuple[int, int] | None = None
    for line in trusted:
        if hint := _OUTPUT_HINT.match(line):
            count = int(hint[2]) if hint[2] else 0
            first = int(hint[3]) if hint[3] else None
            mismatches.append(OutputMismatch(hint[1], count, first))
        elif total_hint := _TOTAL_HINT.match(line):
            total, samples = int(total_hint[1]), int(total_hint[2])
        elif found := _SUMMARY.match(line):
            summary = (int(found[1]), int(found[2]))  # the last summary wins
    firsts = [m.first_time for m in mismatches if m.first_time is not None]
    first_time = min(firsts) if firsts else None
    if summary is not None:
        total, samples = summary
    common: dict[str, Any] = dict(
        mismatches=tuple(mismatches), total_mismatches=total, samples=samples, first_mismatch_time=first_time
    )
    if coded is not None:
        return SimulationReading(coded, **common)
    if summary is None:
        return SimulationReading(
            _crash_or(returncode, FailureKind.NO_VERDICT),
            reason="the testbench never printed its `Mismatches:` summary",
            **common,
        )
    if summary[1] == 0 or (expected_samples is not None and summary[1] != expected_samples):
        expected = f" (the reference gives {expected_samples})" if expected_samples is not None else ""
        return SimulationReading(
            FailureKind.NO_VERDICT,
            reason=f"the testbench compared only {summary[1]} samples{expected}: the run ended early",
            **common,
        )
    if summary[0] == 0:
        return SimulationReading(FailureKind.PASS, **common)
    kind = FailureKind.MISMATCH_WITH_RESET if _RESET_IN_RTL.search(candidate_text) else FailureKind.MISMATCH
    return SimulationReading(kind, **common)


def _crash_or(returncode: int, otherwise: FailureKind) -> FailureKind:
    return FailureKind.SIMULATOR_CRASH if returncode < 0 else otherwise
