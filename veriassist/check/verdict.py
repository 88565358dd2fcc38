"""From simulator logs to a verdict that the candidate cannot forge.

Before compiling, every print in the (trusted) testbench is stamped with a secret
nonce made fresh for the run, which the testbench reads at run time from vvp's
command line (see RunSecret). Only stamped lines count as the testbench speaking:
a candidate that prints `Mismatches: 0 in 100 samples` or a pass banner itself
prints an unstamped line, which is ignored. Failure evidence comes from the same
places: the compiler's output (a compile fails by its exit status; upstream's codes
name how), the stamped lines (the testbench's own TIMEOUT), the simulator's exit
status and our wall clock. A line that merely holds the word "error" (a port's
name in a testbench hint) is no verdict.

The testbench's own `$finish` statements are stamped too: each prints a stamped line first.
A run that ends without that line was ended by something else (a candidate's `$finish`,
past the static check), so its summary covers only part of the stimulus and is no verdict.
This tells an early end apart without a reference run to count samples against.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

from veriassist.types import FailureKind, OutputMismatch

_PRINT_CALL = re.compile(r'(\$(?:display|write|strobe|monitor)[bho]?\s*\(\s*)"((?:[^"\\\n]|\\.)*)"')
# A format specifier; %% and %m/%l print without taking an argument.
_SPECIFIER = re.compile(r"%(?:%|[-+0-9.]*([a-zA-Z]))")
_NO_ARGUMENT = frozenset("mMlL")
NONCE_CHARS = 20


def new_nonce() -> str:
    nonce = f"@va{secrets.token_hex(8)}@"
    assert len(nonce) == NONCE_CHARS
    return nonce


@dataclass(frozen=True)
class RunSecret:
    """The nonce of one simulation, and how the stamped testbench gets it without it being in a file.

    The nonce goes to vvp as a plusarg; a helper module with a random name reads it back at
    run time. So neither the stamped sources nor sim.vvp hold it, and a candidate (refused
    plusarg and file tasks by the static check) cannot learn it to print a line of its own.
    """

    nonce: str
    module: str  # the helper module's name, also the plusarg's key

    @classmethod
    def new(cls) -> RunSecret:
        return cls(new_nonce(), f"va_{secrets.token_hex(6)}")

    @property
    def plusarg(self) -> str:
        return f"+{self.module}={self.nonce}"

    @property
    def helper(self) -> str:
        """The helper module's source (compiled as a second top level)."""
        width = 8 * NONCE_CHARS
        return (
            f"module {self.module};\n"
            f"  function automatic [{width}:1] nonce(input integer unused);\n"
            f"    reg [{width}:1] value;\n"
            "    begin\n"
            f'      if (!$value$plusargs("{self.module}=%s", value)) value = 0;\n'
            "      nonce = value;\n"
            "    end\n"
            "  endfunction\n"
            "endmodule\n"
        )


# A testbench's `$finish` statement (`$finish;`, `$finish();`, `$finish(1);`).
_FINISH = re.compile(r"\$finish\b\s*(?:\(\s*[0-2]?\s*\))?\s*;")
FINISH_TAG = "va-testbench-finished"


def marks_finish(text: str) -> bool:
    """True when stamping `text` marks its end: it ends the run with a `$finish` of its own."""
    return _FINISH.search(text) is not None


_MODULE_SLOT = "\x00va-nonce-module\x00"  # no Verilog source holds a NUL


def stamp_testbench_as(text: str, module: str) -> str:
    """`stamp_testbench`, parsed once per testbench text: every check of a problem stamps the
    same text, only the helper module's name differs."""
    if "\x00" in text:
        return stamp_testbench(text, module)
    return _stamped(text).replace(_MODULE_SLOT, module)


@functools.lru_cache(maxsize=64)
def _stamped(text: str) -> str:
    return stamp_testbench(text, _MODULE_SLOT)


def stamp_testbench(text: str, module: str) -> str:
    """Make every line the testbench prints start with the nonce, read at run time from `module`."""
    nonce = f"{module}.nonce(0)"
    out: list[str] = []
    pos = 0
    for match in _PRINT_CALL.finditer(text):
        if match.start() < pos:
            continue  # inside a call already rewritten
        out.append(text[pos : match.start()])
        head, body = match[1], match[2]
        segments = body.split("\\n")
        parsed = _arguments(text, match.end()) if len(segments) > 1 else None
        if parsed is None:
            # One line (or a call we cannot split): the nonce leads, any later lines go unstamped.
            out.append(f'{head}"%s{body}", {nonce}')
            pos = match.end()
            continue
        arguments, close = parsed
        stamped: list[str] = []
        used = 0
        for segment in segments:
            takes = sum(1 for s in _SPECIFIER.finditer(segment) if s[1] and s[1] not in _NO_ARGUMENT)
            stamped += [nonce, *arguments[used : used + takes]]
            used += takes
        stamped += arguments[used:]
        fmt = "\\n".join("%s" + segment for segment in segments)
        out.append(f'{head}"{fmt}", {", ".join(stamped)}')
        pos = close
    out.append(text[pos:])
    # After the prints: the line each `$finish` prints first is stamped already.
    return _FINISH.sub(lambda end: f'begin $display("%s{FINISH_TAG}", {nonce}); {end[0]} end', "".join(out))


def _arguments(text: str, start: int) -> tuple[list[str], int] | None:
    """The arguments after a print call's format string, and where its closing `)` is."""
    arguments: list[str] = []
    depth, i, begun = 0, start, start
    while i < len(text):
        char = text[i]
        if char == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                if char != ")":
                    return None
                if text[begun:i].strip():
                    arguments.append(text[begun:i].strip())
                return arguments, i
            depth -= 1
        elif char == "," and depth == 0:
            if i > begun and text[begun:i].strip():
                arguments.append(text[begun:i].strip())
            elif i != start:
                return None  # an empty argument: leave the call as it is
            begun = i + 1
        elif char == ";":
            return None
        i += 1
    return None


def split_log(log: str, nonce: str) -> tuple[list[str], list[str]]:
    """(lines the testbench printed, with the nonce removed; every line, unstamped)."""
    trusted, everything = [], []
    for line in log.splitlines():
        plain = line.replace(nonce, "")
        if line.startswith(nonce):
            trusted.append(plain)
        everything.append(plain)
    return trusted, everything


# VerilogEval's sv-iv-analyze rules, first match wins, scanned line by line over the compiler's
# output only. Upstream also calls any line holding "error" a compile error, over the simulation's
# output too: that is its bug, not its intent (a testbench's `Hint: Output 'error' has 0
# mismatches` is no compile error), so a compile failure is judged by the compiler's exit, and a
# simulation by the testbench's stamped lines.
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


TESTBENCH_TIMEOUT = "the testbench's own time limit fired (it printed TIMEOUT)"


@dataclass(frozen=True)
class SimulationReading:
    kind: FailureKind
    mismatches: tuple[OutputMismatch, ...] = ()
    total_mismatches: int | None = None
    samples: int | None = None
    first_mismatch_time: int | None = None
    reason: str = ""


def scan_error_lines(compiler_lines: list[str]) -> FailureKind | None:
    """Apply upstream's per-line codes to the compiler's output; None when no line matched.

    Only the specific codes: whether the compile failed at all is its exit status's to say
    (`compile_failure` makes an unmatched failure a compile error).
    """
    unbound = False
    for line in compiler_lines:
        for needle, kind in _LINE_RULES:
            if needle in line:
                return kind
        unbound = unbound or "Unable to bind wire/reg" in line
    return FailureKind.UNBOUND_PORT if unbound else None


def _testbench_timed_out(trusted: list[str]) -> bool:
    """The testbench's own limit fired: it printed its `TIMEOUT` line (a stamped line)."""
    return any("TIMEOUT" in line for line in trusted)


def read_banner(
    compile_log: str, sim_log: str, nonce: str, *, timed_out: bool, returncode: int
) -> SimulationReading:
    """Judge a self-checking (RTLLM-style) run: the stamped pass banner, from a simulator that exited cleanly."""
    trusted, _ = split_log(sim_log, nonce)
    if timed_out:
        return SimulationReading(FailureKind.TIMEOUT, reason="the simulation did not finish in time")
    # RTLLM's criterion is the banner alone; its testbenches print "Error" lines as test results.
    coded = scan_error_lines(compile_log.splitlines())
    if _testbench_timed_out(trusted):
        return SimulationReading(FailureKind.TIMEOUT, reason=TESTBENCH_TIMEOUT)
    if coded is None and any(_PASS_BANNER.search(line) for line in trusted):
        return _unless_abnormal(SimulationReading(FailureKind.PASS), returncode)
    return SimulationReading(
        coded or _crash_or(returncode, FailureKind.TEST_FAILED),
        reason="the testbench did not print its pass banner",
    )


def read_compare(
    compile_log: str,
    sim_log: str,
    nonce: str,
    candidate_text: str,
    *,
    timed_out: bool,
    returncode: int,
    expected_samples: int | None,
    finish_marked: bool = False,
) -> SimulationReading:
    """Judge a VerilogEval-style run: the stamped `Mismatches: N in M samples`, over the whole
    stimulus: the testbench's own `$finish` ended the run (`finish_marked`: it has one), or M is
    the reference's."""
    trusted, _ = split_log(sim_log, nonce)
    if timed_out:
        return SimulationReading(FailureKind.TIMEOUT, reason="the simulation did not finish in time")
    coded = scan_error_lines(compile_log.splitlines())
    reading = _read_compare(trusted, coded, candidate_text, returncode, expected_samples)
    if finish_marked and reading.kind is FailureKind.PASS and FINISH_TAG not in trusted:
        reading = replace(
            reading,
            kind=FailureKind.NO_VERDICT,
            reason=f"the run ended before the testbench's own $finish, after {reading.samples} samples:"
            " the run ended early",
        )
    return _unless_abnormal(reading, returncode)


def _unless_abnormal(reading: SimulationReading, returncode: int) -> SimulationReading:
    """A pass needs vvp's exit 0: it exits 0 on $finish, on $stop (run with -n) and when events run
    out; $fatal and runtime errors give 1; a signal gives a negative code (128+N through a shell)."""
    if reading.kind is not FailureKind.PASS or returncode == 0:
        return reading
    if returncode < 0:
        how = f"was killed by signal {-returncode}"
    elif returncode > 128:  # a shell or the sandbox reports a signal as 128+N
        how = f"exited with code {returncode} (signal {returncode - 128})"
    else:
        how = f"exited with code {returncode}"
    return replace(
        reading,
        kind=FailureKind.SIMULATOR_CRASH,
        reason=f"the simulator {how}, so what it printed is no verdict",
    )


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
    if _testbench_timed_out(trusted):
        return SimulationReading(FailureKind.TIMEOUT, reason=TESTBENCH_TIMEOUT, **common)
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
    killed = returncode < 0 or returncode > 128  # by a signal, as Popen or a shell reports it
    return FailureKind.SIMULATOR_CRASH if killed else otherwise
