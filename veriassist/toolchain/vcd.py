"""Reading VCD waveforms: the one module that does.

- `waveform_window`: a compact table around the first mismatch, as evidence for the model.
- `values_before_edges`: each signal's value at every compare instant (the suite audit).

For the window, the VCD is memory-mapped and never parsed whole: the header gives the signal ids, a
bisection over `#time` markers finds the mismatch, byte searches recover each tracked
signal's value at the start of the window, and only the window itself is tokenized.
That keeps a 10 MB dump in the milliseconds, where a full parse takes about half a second.
"""

from __future__ import annotations

import mmap
import re
import signal
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veriassist.toolchain import runner

__all__ = ["Samples", "extend_bits", "sample_signals", "values_before_edges", "waveform_window"]

# What a missing, truncated or garbled dump raises while it is read, and nothing else: a
# dump is untrusted output (a killed run cuts it anywhere), but a bug here must still show.
#   OSError: missing, a directory, a FIFO or symlink (refused by open_output), unreadable;
#   ValueError: an empty file (mmap), a bad number or width, bytes that are not text;
#   IndexError, KeyError: a line or a $var cut short.
_BAD_DUMP = (OSError, ValueError, IndexError, KeyError)

# A dump as read: mapped from its file, or held in memory (a WaveDump kept for later).
_Dump = mmap.mmap | bytes

_CLOCK_NAMES = ("clk", "clock")
# Testbench plumbing that is not a port of the design and would only cost prompt space.
_TB_INTERNALS = ("tb_match", "tb_mismatch")
_TB_INTERNAL_PREFIXES = ("wavedrom_",)
# Testbench bookkeeping (error counters, loop indices), never a port of the design.
_TB_INTERNAL_KINDS = frozenset({"integer", "real", "realtime", "time", "event", "parameter"})
_SCALAR_FIRST = frozenset(b"01xzXZ")
_VECTOR_FIRST = frozenset(b"bBrRsS")
_CHUNK = 1 << 16
# The testbench's reported time and the VCD can disagree by a sampling edge or two
# (e.g. tb_mismatch rises at the edge that updates the outputs; the check sees it one edge later).
_TOLERANCE_ROWS = 3


@dataclass(frozen=True)
class _Var:
    scope: str
    name: str
    code: bytes
    width: int
    kind: str = "wire"

    @property
    def path(self) -> str:
        return f"{self.scope}.{self.name}" if self.scope else self.name


@dataclass(frozen=True)
class _Header:
    variables: list[_Var]
    timescale: str
    body_start: int
    # Lines like `#10 1!` or CRLF endings defeat the byte-pattern searches below.
    simple_lines: bool


@dataclass(frozen=True)
class _Row:
    time: int
    clock: str | None
    values: dict[bytes, bytes]


@dataclass
class _Plan:
    """Which signals to track and how to show them."""

    clock: _Var | None
    inputs: list[_Var]
    pairs: list[tuple[str, _Var, _Var]]  # (port, expected, actual)
    mismatch_flag: _Var | None = None
    label: str = ""
    dropped: list[str] = field(default_factory=list)

    def codes(self) -> set[bytes]:
        tracked = [*self.inputs, *(v for _, ref, dut in self.pairs for v in (ref, dut))]
        if self.mismatch_flag is not None:
            tracked.append(self.mismatch_flag)
        return {v.code for v in tracked}


def waveform_window(
    vcd: Path | bytes,
    around: int | None,
    *,
    before: int = 4,
    after: int = 2,
    max_signals: int = 16,
    max_rows: int = 24,
    scope: str | None = None,
) -> str:
    """Render the waveform around the first mismatch as a small text table.

    Args:
        vcd: the dump's file, or its bytes.
        around: time of the first mismatch in VCD units; None finds it from
            `tb_mismatch`, else from the first `<x>_ref` / `<x>_dut` difference.
        before: clock cycles (rows, without a clock) shown before the mismatch.
        after: clock cycles (rows, without a clock) shown after it.
        max_signals: columns shown besides time and clock.
        max_rows: cap on table rows.
        scope: show the signals of this scope instead of `_ref`/`_dut` pairs (cocotb runs).

    Returns:
        The table, or "" when the VCD is missing, unreadable or has nothing to show.
    """
    try:
        if isinstance(vcd, bytes):
            return _window(vcd, around, before, after, max_signals, max_rows, scope)
        with (
            runner.open_output(Path(vcd)) as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm,
        ):
            return _window(mm, around, before, after, max_signals, max_rows, scope)
    except _BAD_DUMP:
        # The table is optional evidence: a bad dump must never fail the check that asked for it.
        return ""


def _window(
    mm: _Dump,
    around: int | None,
    before: int,
    after: int,
    max_signals: int,
    max_rows: int,
    scope: str | None,
) -> str:
    header = _parse_header(mm)
    if header is None:
        return ""
    plan = _plan_generic(header, scope, max_signals) if scope else _plan_testbench(header, max_signals)
    if plan is None or (scope is not None and around is None):
        return ""
    codes = plan.codes()
    clock_code = plan.clock.code if plan.clock else None
    row_codes = {clock_code} if clock_code else codes
    tolerance = 0 if scope else _TOLERANCE_ROWS
    rows_before = 2 * before if plan.clock else before
    rows_after = 2 * after if plan.clock else after

    if around is None and plan.mismatch_flag is not None:
        around = _first_rise(mm, header, plan.mismatch_flag.code)
    if around is None:
        # No usable tb_mismatch: walk from the start until expected and actual differ.
        start, around, tolerance = header.body_start, 0, -1
    else:
        anchor = _marker_at_or_after(mm, header.body_start, around)
        start = _start_of_rows(mm, header.body_start, anchor, row_codes, rows_before + 2)
    state = _state_at(mm, header, start, codes | ({clock_code} if clock_code else set()))

    found = _collect(
        _steps(mm, start, codes | row_codes),
        state,
        clock_code,
        row_codes,
        plan,
        around,
        rows_before,
        rows_after,
        tolerance,
    )
    if found is None:
        return ""
    rows, mark = found
    rows, mark, trimmed = _trim(rows, mark, max_rows)
    return _render(plan, header, rows, mark, before, after, trimmed, max_signals, generic=scope is not None)


# --- header -------------------------------------------------------------------------------------


def _parse_header(mm: _Dump) -> _Header | None:
    end_defs = mm.find(b"$enddefinitions")
    if end_defs < 0:
        return None
    body_start = mm.find(b"$end", end_defs + len(b"$enddefinitions"))
    if body_start < 0:
        return None
    body_start += len(b"$end")
    tokens = mm[:end_defs].decode("latin-1").split()
    variables: list[_Var] = []
    hier: list[str] = []
    timescale = ""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        closing = _index_of(tokens, "$end", i + 1)
        if tok == "$scope" and i + 2 < len(tokens):
            hier.append(tokens[i + 2])
        elif tok == "$upscope" and hier:
            hier.pop()
        elif tok == "$var" and closing - i >= 5:
            kind, width, code, name = tokens[i + 1], tokens[i + 2], tokens[i + 3], tokens[i + 4]
            extra = tokens[i + 5 : closing]
            # A single bit of a vector is dumped as `name [3]`; a full range is the type, not the name.
            if extra and re.fullmatch(r"\[\d+\]", extra[0]):
                name += extra[0]
            variables.append(_Var(".".join(hier), name, code.encode("latin-1"), int(width), kind))
        elif tok == "$timescale":
            timescale = "".join(tokens[i + 1 : closing])
        i = closing + 1 if tok.startswith("$") and tok not in ("$upscope", "$end") else i + 1
    sample = mm[body_start : body_start + _CHUNK]
    simple = b"\r" not in sample and re.search(rb"\n#\d+[ \t]+\S", sample) is None
    return _Header(variables, timescale or "1s?", body_start, simple)


def _index_of(tokens: list[str], wanted: str, start: int) -> int:
    try:
        return tokens.index(wanted, start)
    except ValueError:
        return len(tokens)


def _last_name(var: _Var) -> str:
    return var.name.rsplit(".", 1)[-1]


def _find_clock(variables: list[_Var], scope: str, *, anywhere: bool) -> _Var | None:
    clocks = [v for v in variables if v.width == 1 and _last_name(v).lower() in _CLOCK_NAMES]
    inside = [v for v in clocks if v.scope == scope or v.scope.startswith(scope + ".")]
    # VerilogEval dumps `stim1.clk`, so the clock may sit one scope below the testbench.
    pool = inside or (clocks if anywhere else [])
    return min(pool, key=lambda v: (v.scope != scope, v.scope.count("."), len(v.path)), default=None)


def _plan_testbench(header: _Header, max_signals: int) -> _Plan | None:
    by_scope: dict[str, dict[str, _Var]] = {}
    for var in header.variables:
        by_scope.setdefault(var.scope, {}).setdefault(var.name, var)

    def pairs_in(names: dict[str, _Var]) -> list[str]:
        return [n.removesuffix("_ref") for n in names if n.endswith("_ref") and n[:-4] + "_dut" in names]

    best = max(
        by_scope,
        key=lambda s: (len(pairs_in(by_scope[s])), "tb_mismatch" in by_scope[s], -s.count(".")),
        default=None,
    )
    if best is None:
        return None
    names = by_scope[best]
    ports = pairs_in(names)
    flag = names.get("tb_mismatch")
    if not ports and flag is None:
        return None
    clock = _find_clock(header.variables, best, anywhere=True)
    paired = {p + suffix for p in ports for suffix in ("_ref", "_dut")}
    inputs = [
        v
        for n, v in names.items()
        if n not in paired
        and n not in _TB_INTERNALS
        and not n.startswith(_TB_INTERNAL_PREFIXES)
        and v.kind not in _TB_INTERNAL_KINDS
        and (clock is None or v.code != clock.code)
    ]
    pairs = [(p, names[p + "_ref"], names[p + "_dut"]) for p in ports]
    # Track more than is shown so mismatching outputs can be preferred when columns are cut.
    dropped = [p for p, _, _ in pairs[max_signals:]] + [v.name for v in inputs[max_signals:]]
    return _Plan(clock, inputs[:max_signals], pairs[:max_signals], flag, best, dropped)


def _plan_generic(header: _Header, scope: str, max_signals: int) -> _Plan | None:
    scopes = {v.scope for v in header.variables if v.scope == scope or v.scope.endswith("." + scope)}
    if not scopes:
        return None
    chosen = min(scopes, key=lambda s: s.count("."))
    seen: dict[str, _Var] = {}
    for var in header.variables:
        if var.scope == chosen:
            seen.setdefault(var.name, var)
    clock = _find_clock(header.variables, chosen, anywhere=False)
    if clock is not None and clock.scope != chosen:
        clock = None
    signals = [v for v in seen.values() if v.kind != "event" and (clock is None or v.code != clock.code)]
    return _Plan(clock, signals[:max_signals], [], None, chosen, [v.name for v in signals[max_signals:]])


# --- locating in the body -----------------------------------------------------------------------


def _time_at(mm: _Dump, pos: int) -> int:
    """The time of the `#` marker at pos."""
    end = pos + 1
    while end < len(mm) and mm[end : end + 1] not in (b"\n", b"\r", b" ", b"\t"):
        end += 1
    return int(mm[pos + 1 : end])


def _next_marker(mm: _Dump, pos: int, limit: int) -> int:
    """Offset of the first `#time` line at or after pos, or limit."""
    if pos < limit and mm[pos : pos + 1] == b"#" and (pos == 0 or mm[pos - 1 : pos] in b"\r\n"):
        return pos
    found = mm.find(b"\n#", pos, limit)
    return limit if found < 0 else found + 1


def _marker_at_or_after(mm: _Dump, body_start: int, time: int) -> int:
    """Bisect the body for the first `#t` marker with t >= time (len(mm) if none)."""
    lo, hi = body_start, len(mm)
    while hi - lo > 256:
        mid = (lo + hi) // 2
        marker = _next_marker(mm, mid, hi)
        if marker >= hi:
            hi = mid
        elif _time_at(mm, marker) < time:
            lo = marker + 1
        else:
            hi = mid  # the answer is this marker or an earlier one; the final walk settles it
    marker = _next_marker(mm, lo, len(mm))
    while marker < len(mm) and _time_at(mm, marker) < time:
        marker = _next_marker(mm, marker + 1, len(mm))
    return marker


def _first_rise(mm: _Dump, header: _Header, code: bytes) -> int | None:
    """Time at which a 1-bit signal first becomes 1, found by byte search."""
    if not header.simple_lines:
        for time, changes in _steps(mm, header.body_start, {code}):
            if changes.get(code) == b"1":
                return time
        return None
    hit = mm.find(b"\n1" + code + b"\n", header.body_start - 1)
    if hit < 0:
        return None
    marker = mm.rfind(b"\n#", header.body_start - 1, hit + 1)
    return 0 if marker < 0 else _time_at(mm, marker + 1)


def _start_of_rows(mm: _Dump, body_start: int, anchor: int, row_codes: set[bytes], need: int) -> int:
    """A marker offset before anchor with at least `need` row-producing steps in between."""
    span = _CHUNK
    while True:
        start = max(body_start, anchor - span)
        if start > body_start:
            start = _next_marker(mm, start, anchor)
        count = sum(1 for _, changes in _steps(mm, start, row_codes, end=anchor) if changes)
        if count >= need or start <= body_start or anchor - span <= body_start:
            return start if count >= need else body_start
        span *= 4


def _state_at(mm: _Dump, header: _Header, pos: int, codes: set[bytes]) -> dict[bytes, bytes]:
    """Each signal's value just before offset pos (`x` if never set)."""
    state = dict.fromkeys(codes, b"x")
    if pos <= header.body_start:
        return state
    if not header.simple_lines:
        for _, changes in _steps(mm, header.body_start, codes, end=pos):
            state.update(changes)
        return state
    lo = header.body_start - 1
    for code in codes:
        # The last change of a signal is its last line `<v><code>` or `b<bits> <code>`.
        best, value = -1, b"x"
        vector = mm.rfind(b" " + code + b"\n", lo, pos)
        if vector >= 0:
            line = mm.rfind(b"\n", lo, vector) + 1
            best, value = vector, mm[line + 1 : vector]
        for char in (b"0", b"1", b"x", b"z", b"X", b"Z"):
            scalar = mm.rfind(b"\n" + char + code + b"\n", max(lo, best), pos)
            if scalar > best:
                best, value = scalar, char
        state[code] = value.lower()
    return state


def _steps(
    mm: _Dump, start: int, wanted: set[bytes], *, end: int | None = None
) -> Iterator[tuple[int, dict[bytes, bytes]]]:
    """Yield (time, changes of wanted signals) per timestep from a marker offset, chunk by chunk."""
    limit = len(mm) if end is None else end
    time = 0
    pos = start
    while pos < limit:
        stop = _next_marker(mm, min(pos + _CHUNK, limit), limit)
        tokens = iter(mm[pos:stop].split())
        changes: dict[bytes, bytes] = {}
        for tok in tokens:
            first = tok[0]
            if first == 0x23:  # '#'
                if changes:
                    yield time, changes
                    changes = {}
                time = int(tok[1:])
            elif first in _SCALAR_FIRST:
                if tok[1:] in wanted:
                    changes[tok[1:]] = tok[:1].lower()
            elif first in _VECTOR_FIRST:
                code = next(tokens, b"")
                if code in wanted:
                    changes[code] = tok[1:].lower()
            elif tok == b"$comment":
                for skipped in tokens:
                    if skipped == b"$end":
                        break
        if changes:
            yield time, changes
        pos = stop


# --- rows ---------------------------------------------------------------------------------------


def _collect(
    steps: Iterator[tuple[int, dict[bytes, bytes]]],
    state: dict[bytes, bytes],
    clock: bytes | None,
    row_codes: set[bytes],
    plan: _Plan,
    around: int,
    rows_before: int,
    rows_after: int,
    tolerance: int,
) -> tuple[list[_Row], int] | None:
    """Turn timesteps into rows and pick the row of the first mismatch.

    With a clock a row is a 0<->1 edge and holds the values settled just before it, which
    is what a testbench comparing on `@(posedge clk, negedge clk)` sees. Without one a row
    is a timestep where a tracked signal changed, with the values after it.
    """
    history: deque[_Row] = deque(maxlen=rows_before + max(tolerance, 0) + 1)
    candidates: list[_Row] = []  # rows at/after `around` while looking for the mismatch
    mark: _Row | None = None
    after_rows: list[_Row] = []
    for time, changes in steps:
        row: _Row | None = None
        if clock is not None:
            new = changes.get(clock)
            old = state.get(clock, b"x")
            if new is not None and new != old and new in (b"0", b"1") and old in (b"0", b"1"):
                row = _Row(time, new.decode(), dict(state))
            state.update(changes)
        else:
            state.update(changes)
            if row_codes & changes.keys():
                row = _Row(time, None, dict(state))
        if row is None:
            continue
        if mark is not None:
            after_rows.append(row)
            if len(after_rows) >= rows_after:
                break
            continue
        if time < around:
            history.append(row)
            continue
        first_new = len(candidates)
        if clock is None and not candidates and time > around and history:
            # Without a clock a row holds the values after a change, so what the testbench
            # saw at `around` is the last row at or before it, not the first one after.
            candidates.append(history.pop())
        candidates.append(row)
        for i in range(first_new, len(candidates)):
            if tolerance == 0 or _mismatches(plan, candidates[i]):
                mark = candidates[i]
                break
            if 0 < tolerance < i + 1:
                mark = candidates[0]
                break
        if mark is not None:
            idx = candidates.index(mark)
            history.extend(candidates[:idx])
            after_rows = candidates[idx + 1 :]
            if len(after_rows) >= rows_after:
                break
        elif tolerance < 0:
            history.extend(candidates)
            candidates.clear()
    if mark is None:
        if not candidates or tolerance < 0:
            return None
        mark, after_rows = candidates[0], candidates[1:]
    earlier = list(history)[-rows_before:] if rows_before else []
    return [*earlier, mark, *after_rows[:rows_after]], len(earlier)


def _trim(rows: list[_Row], mark: int, max_rows: int) -> tuple[list[_Row], int, bool]:
    """Cut rows evenly from both ends, keeping the mismatch row, until max_rows remain."""
    trimmed = False
    while len(rows) > max(max_rows, 1):
        trimmed = True
        if mark >= len(rows) - 1 - mark:
            rows, mark = rows[1:], mark - 1
        else:
            rows = rows[:-1]
    return rows, mark, trimmed


def _bits(value: bytes, width: int) -> str:
    """VCD vector value extended to width (leading x/z extend, otherwise 0)."""
    text = value.decode("latin-1")
    if len(text) < width:
        pad = text[0] if text[:1] in ("x", "z") else "0"
        text = pad * (width - len(text)) + text
    return text


def _mismatches(plan: _Plan, row: _Row) -> list[str]:
    """Ports whose actual value differs from the expected one (expected x bits are don't-care)."""
    bad = []
    for port, ref, dut in plan.pairs:
        width = max(ref.width, dut.width)
        exp = _bits(row.values.get(ref.code, b"x"), width)
        act = _bits(row.values.get(dut.code, b"x"), width)
        if any(e != "x" and e != a for e, a in zip(exp, act, strict=False)) or len(exp) != len(act):
            bad.append(port)
    if not bad and plan.mismatch_flag is not None and row.values.get(plan.mismatch_flag.code) == b"1":
        bad.append("tb_mismatch")
    return bad


def _format(value: bytes, width: int) -> str:
    text = value.decode("latin-1")
    if width <= 1 or not set(text) <= set("01xz"):
        return text  # a scalar, a real, or something we do not recognise: shown verbatim
    bits = _bits(value, width)
    digits = (width + 3) // 4
    if set(bits) <= {"0", "1"}:
        return f"{width}'h{int(bits, 2):0{digits}x}"
    if len(set(bits)) == 1:
        return f"{width}'h{bits[0] * digits}"
    return f"{width}'b{bits}"


def _columns(plan: _Plan, failing: set[str], max_signals: int) -> tuple[list[tuple[str, _Var]], list[str]]:
    """Pick up to max_signals columns: failing outputs, then other outputs, then inputs."""
    pairs = sorted(plan.pairs, key=lambda p: p[0] not in failing)
    keep: list[tuple[str, _Var, _Var] | _Var] = []
    used = 0
    dropped = list(plan.dropped)
    for pair in pairs:
        if used + 2 <= max_signals:
            keep.append(pair)
            used += 2
        else:
            dropped.append(pair[0])
    for var in plan.inputs:
        if used < max_signals:
            keep.append(var)
            used += 1
        else:
            dropped.append(var.name)
    # Shown in declaration order (inputs, then outputs) so the table reads like the port list.
    shown: list[tuple[str, _Var]] = [(v.name, v) for v in plan.inputs if v in keep]
    for pair in plan.pairs:
        if pair in keep:
            port, ref, dut = pair
            shown += [(f"{port} (expected)", ref), (f"{port} (actual)", dut)]
    return shown, dropped


def _render(
    plan: _Plan,
    header: _Header,
    rows: list[_Row],
    mark: int,
    before: int,
    after: int,
    trimmed: bool,
    max_signals: int,
    *,
    generic: bool,
) -> str:
    row_mismatches = [[] if generic else _mismatches(plan, row) for row in rows]
    shown, dropped = _columns(plan, {p for bad in row_mismatches for p in bad}, max_signals)

    titles = ["time", *(["clk"] if plan.clock else []), *(title for title, _ in shown)]
    table: list[list[str]] = []
    for row in rows:
        cells = [str(row.time)]
        if plan.clock:
            cells.append(row.clock or "")
        cells += [_format(row.values.get(v.code, b"x"), v.width) for _, v in shown]
        table.append(cells)
    widths = [max(len(t), *(len(r[i]) for r in table)) for i, t in enumerate(titles)]

    def line(cells: list[str]) -> str:
        first = cells[0].rjust(widths[0])
        rest = (c.ljust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "| " + " | ".join([first, *rest]) + " |"

    at = rows[mark].time
    what = f"t={at}" if generic else f"the first mismatch, t={at}"
    out = [f"Waveform of {plan.label} around {what} (time unit {header.timescale}; row marked '>')."]
    if plan.clock:
        out.append(
            f"One row per {plan.clock.name} edge (rising and falling), {before} cycles before and {after}"
            " after; values are those sampled at the edge (settled just before it), as the testbench"
            " compares them."
        )
    else:
        out.append(f"One row per value change, {before} before and {after} after; values after the change.")
    if not generic:
        out.append("'*' marks rows where an actual output differs from expected (expected x = don't care).")
    if trimmed:
        out.append(f"(rows cut to {len(rows)})")
    if dropped:
        names = ", ".join(dropped[:8]) + (", ..." if len(dropped) > 8 else "")
        out.append(f"({len(dropped)} more signal{'s' if len(dropped) > 1 else ''} not shown: {names})")
    out.append("  " + line(titles))
    for i, (row_cells, bad) in enumerate(zip(table, row_mismatches, strict=True)):
        prefix = ">" if i == mark else " "
        prefix += "*" if bad else " "
        note = ""
        if bad:
            note = f" <- {'FIRST ' if i == mark else ''}MISMATCH in {', '.join(bad)}"
        elif i == mark and not generic:
            note = " <- reported mismatch time"
        out.append(prefix + line(row_cells) + note)
    return "\n".join(out)


# --- values at compare instants (the suite audit) ------------------------------------------------


def _vcdvcd() -> Any:
    """vcdvcd resets SIGPIPE to its default on import, which would let a closed client socket
    kill a long-running process (the MCP or language server, a test run); put ours back."""
    previous = signal.getsignal(signal.SIGPIPE)
    from vcdvcd import VCDVCD

    signal.signal(signal.SIGPIPE, previous)
    return VCDVCD


def extend_bits(value: str, width: int) -> str:
    """Undo VCD's shortening: `1` for 4 bits is 0001, `x` is xxxx."""
    if len(value) >= width:
        return value
    fill = value[0] if value[:1] in ("x", "X", "z", "Z") else "0"
    return value.rjust(width, fill)


def values_before_edges(
    vcd: Path, scope: str, signals: Mapping[str, tuple[str, int]]
) -> dict[str, list[str]] | None:
    """Values of `signals` (output -> (signal in `scope`, width)) just before each clock edge.

    VerilogEval compares on both edges, so both count as samples. Without a clock, every
    time a wanted signal changes is an instant. None when the dump is unreadable or empty.
    """
    try:
        wave = _vcdvcd()(str(vcd), store_tvs=True)
    except _BAD_DUMP:  # a truncated VCD from a killed run reads as no waveform
        return None
    # vcdvcd names vectors with their range (`tb.q_ref[3:0]`); the testbench names them without.
    names = {re.sub(r"\[[^\]]*\]$", "", ref): ref for ref in wave.references_to_ids}
    clocks = [n for n in names if n.rsplit(".", 1)[-1] in _CLOCK_NAMES]
    # The testbench's own clock first; VerilogEval sometimes dumps only the stimulus' copy of it.
    clocks.sort(key=lambda n: (n.rsplit(".", 1)[0] != scope, n.count(".")))
    if clocks:
        times = [t for t, _ in wave[names[clocks[0]]].tv[1:]]  # every edge after the initial value
    else:
        wanted = [names[f"{scope}.{s}"] for s, _ in signals.values() if f"{scope}.{s}" in names]
        times = sorted({t for name in wanted for t, _ in wave[name].tv})
    if not times:
        return None
    values: dict[str, list[str]] = {}
    for output, (name_in_scope, width) in signals.items():
        name = names.get(f"{scope}.{name_in_scope}")
        if name is None:
            continue
        tv = wave[name].tv
        series, index, current = [], 0, "x"
        for instant in times:
            while index < len(tv) and tv[index][0] < instant:
                current = tv[index][1]
                index += 1
            series.append(extend_bits(current, width))
        values[output] = series
    return values


# --- signals sampled over the whole run (unchecked outputs) --------------------------------------


@dataclass(frozen=True)
class Samples:
    """Signals' values at every sample instant of a run, each extended to its width."""

    times: list[int]
    values: dict[str, list[str]]  # full hierarchical path -> one value per instant
    timescale: str = ""


def sample_signals(vcd_path: Path, paths: list[str], clock: str | None = None) -> Samples | None:
    """Values of `paths` (full hierarchical names, `tb.dut.y`) at each sample instant of a dump.

    With `clock`, an instant is each 0<->1 edge of it and the values are those settled just
    before the edge (what a testbench comparing on both edges sees); without, an instant is
    the end of every timestep in which one of the signals changes. Paths the dump lacks are
    left out of `values`. None when the dump is missing or unreadable.
    """
    try:
        with (
            runner.open_output(Path(vcd_path)) as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm,
        ):
            return _sample(mm, paths, clock)
    except _BAD_DUMP:  # a dump cut short by a killed run reads as none
        return None


def identical_changes(vcd_path: Path, pairs: list[tuple[str, str]]) -> bool:
    """True when each pair of signals (full hierarchical names) changes at the same times to the
    same values over the whole dump, so that no sampling can tell them apart. False when they
    may differ, or when the dump is missing, unreadable or lacks one of them: the caller then
    samples. A few regular-expression passes: a passing design's outputs usually match the
    reference's change for change, and this answers that without walking every timestep."""
    try:
        with (
            runner.open_output(Path(vcd_path)) as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm,
        ):
            header = _parse_header(mm)
            if header is None or not header.simple_lines:
                return False
            by_path = {var.path: var.code for var in reversed(header.variables)}
            if any(a not in by_path or b not in by_path for a, b in pairs):
                return False
            codes = {code for a, b in pairs for code in (by_path[a], by_path[b])}
            changes = _changes_of(mm[header.body_start :], codes)
    except _BAD_DUMP:
        return False
    return all(changes[by_path[a]] == changes[by_path[b]] for a, b in pairs)


def _changes_of(body: bytes, codes: set[bytes]) -> dict[bytes, list[tuple[bytes, bytes]]]:
    """Each code's changes as (time, value), from a body of one item per line."""
    found: dict[bytes, list[tuple[bytes, bytes]]] = {code: [] for code in codes}
    time = b"#0"
    for line in body.split(b"\n"):
        line = line.rstrip(b"\r")
        if not line:
            continue
        first = line[0]
        if first == 0x23:  # '#'
            time = line
        elif first in _VECTOR_FIRST:
            value, _, code = line.partition(b" ")
            if code in found:
                found[code].append((time, value[1:].lower().lstrip(b"0") or b"0"))
        elif first in _SCALAR_FIRST and line[1:] in found:
            found[line[1:]].append((time, line[:1].lower()))
    return found


def _sample(mm: _Dump, paths: list[str], clock: str | None) -> Samples | None:
    header = _parse_header(mm)
    if header is None:
        return None
    by_path: dict[str, _Var] = {}
    for var in header.variables:
        by_path.setdefault(var.path, var)
    found = {p: by_path[p] for p in paths if p in by_path}
    clock_var = by_path.get(clock) if clock else None
    if clock and clock_var is None:
        return None  # sampling at every change would compare values the testbench never sees
    codes = {v.code for v in found.values()}
    series: dict[bytes, list[bytes]] = {code: [] for code in codes}
    state = dict.fromkeys(codes, b"x")
    times: list[int] = []
    clock_code = clock_var.code if clock_var else None
    clock_value = b"x"
    wanted = codes | ({clock_code} if clock_code else set())
    for time, changes in _steps(mm, header.body_start, wanted):
        if clock_code is not None:
            new = changes.get(clock_code)
            if new is not None and new != clock_value and new in (b"0", b"1") and clock_value in (b"0", b"1"):
                times.append(time)
                for code in codes:
                    series[code].append(state[code])
            if new is not None:
                clock_value = new
            state.update((c, v) for c, v in changes.items() if c in state)
        else:
            state.update(changes)
            times.append(time)
            for code in codes:
                series[code].append(state[code])
    values = {
        path: [extend_bits(v.decode("latin-1"), var.width) for v in series[var.code]]
        for path, var in found.items()
    }
    return Samples(times, values, header.timescale)
