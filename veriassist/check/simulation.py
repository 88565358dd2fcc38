"""What every simulator shares: the options, the work-dir layout, a failed compile's verdict, the waveform.

One layout for every testbench style, so the file names a diagnostic shows, where the
reference goes and the order sources are compiled in are decided in one place.
"""

from __future__ import annotations

import functools
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from veriassist import hdl
from veriassist.check.verdict import scan_error_lines
from veriassist.toolchain import runner
from veriassist.toolchain.vcd import waveform_window
from veriassist.types import (
    Candidate,
    CheckResult,
    Diagnostic,
    FailureKind,
    Interface,
    Severity,
    Testbench,
    TestbenchStyle,
    WaveDump,
)

# A kept dump goes into the run's records; a VerilogEval failure's is 3-15 kB. A long run's
# window is drawn at once instead, so a record stays small.
MAX_DEFERRED_DUMP = 1 << 20


@dataclass(frozen=True)
class CheckOptions:
    timeout_s: float = 30.0  # simulation wall clock, as upstream VerilogEval's `timeout 30`
    compile_timeout_s: float = 60.0
    sandbox: bool = True
    waveform: bool = True
    # Keep a failing run's dump in CheckResult.dump and draw its window only when its feedback
    # is read (bench: most failures' evidence is never looked at). Bigger dumps are drawn now.
    defer_waveform: bool = False
    keep_workdir: bool = False  # leave the work dir for inspection (its path goes in the logs)
    # After a pass, compare the design's outputs with the reference's over the whole run
    # (check/unchecked.py): a warning for what the testbench leaves unchecked.
    unchecked: bool = True
    limits: runner.Limits = field(default_factory=runner.Limits)


@dataclass(frozen=True)
class Layout:
    sources: list[str]  # relative to the work dir, in compile order
    names: dict[str, str]  # a path as the tools print it (relative or absolute) -> the user's file name


def lay_out(
    work: Path,
    candidate: Candidate,
    testbench: Testbench,
    *,
    stamp: Callable[[str], str] = str,
    trusted: Mapping[str, str] | None = None,
) -> Layout:
    """Write a check's files into `work`: tb/, ref/, then `trusted` helper modules, then dut/.

    The candidate comes last, so its `define`s cannot reach the testbench. A Verilog
    testbench is written through `stamp` and compiled; a cocotb one is only written.
    """
    sources: list[str] = []
    names: dict[str, str] = {}

    def write(path: str, text: str, user_name: str, compiled: bool = True) -> None:
        (work / path).write_text(text)
        names[path] = names[str(work / path)] = user_name
        if compiled:
            sources.append(path)

    for sub in ("tb", "ref", "dut"):
        (work / sub).mkdir()
    verilog_tb = testbench.style is not TestbenchStyle.COCOTB
    for f in testbench.files:
        write(f"tb/{f.name}", stamp(f.text) if verilog_tb else f.text, f.name, compiled=verilog_tb)
    if verilog_tb and testbench.reference is not None and testbench.reference_module:
        text = reference_as(testbench.reference_module, testbench, isolate=True)
        write(f"ref/{testbench.reference.name}", text, testbench.reference.name)
    for name, text in (trusted or {}).items():
        write(name, text, name)
    for f in candidate.files:
        write(f"dut/{f.name}", f.text, f.name)
    for support in testbench.support_files:
        shutil.copy(support, work / support.name)
    return Layout(sources, names)


def compile_failure(
    log: str, timed_out: bool, diagnostics: list[Diagnostic], timings: dict[str, float], sandboxed: bool
) -> CheckResult:
    """The verdict on a compile that failed, by upstream VerilogEval's per-line codes, for every simulator."""
    kind = (
        FailureKind.TIMEOUT if timed_out else scan_error_lines(log.splitlines()) or FailureKind.COMPILE_ERROR
    )
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    first = errors[0] if errors else None
    where = f" ({first.file}:{first.line}: {first.message})" if first else ""
    return CheckResult(
        passed=False,
        kind=kind,
        diagnostics=tuple(diagnostics),
        compile_log=log,
        timings=timings,
        sandboxed=sandboxed,
        summary=f"compilation failed: {kind.value}{where}",
    )


def waveform(
    work: Path, around: int | None, options: CheckOptions, timings: dict[str, float], scope: str | None = None
) -> tuple[str, WaveDump | None]:
    """The window of wave.vcd around a failure ("" when the run left none), timed into
    `timings`; or, with options.defer_waveform, the dump itself for the window to be drawn later."""
    vcd = work / "wave.vcd"
    if not options.waveform or not vcd.is_file():
        return "", None
    started = time.perf_counter()
    table, dump = "", _kept_dump(vcd, around, scope) if options.defer_waveform else None
    if dump is None:
        table = waveform_window(vcd, around, scope=scope)
    timings["waveform_s"] = time.perf_counter() - started
    return table, dump


def _kept_dump(vcd: Path, around: int | None, scope: str | None) -> WaveDump | None:
    """The dump, to draw later; None when it is too big to keep (or not a plain file)."""
    try:
        with runner.open_output(vcd, MAX_DEFERRED_DUMP) as handle:  # no FIFO, no symlink out
            return WaveDump(handle.read(MAX_DEFERRED_DUMP), around, scope)
    except OSError:
        return None


# The testbench and reference are the same for every candidate of a problem: parse them once.
@functools.lru_cache(maxsize=512)
def module_names(text: str) -> tuple[str, ...]:
    try:
        return tuple(hdl.module_names(text))
    except hdl.HdlError:
        return ()


@functools.lru_cache(maxsize=512)
def interface_of(text: str, module: str | None) -> Interface | None:
    """`module`'s ports in `text` (None when it cannot be read): asked of the reference once per
    problem, and of a candidate by both the interface check and the unchecked-output probe."""
    try:
        return hdl.module_interface(text, module)
    except hdl.HdlError:
        return None


@functools.lru_cache(maxsize=256)
def _renamed(text: str, old: str, new: str) -> str:
    return hdl.rename_module(text, old, new)


def is_the_reference(candidate: Candidate, testbench: Testbench) -> bool:
    """True when `candidate` is a comparing testbench's own reference (a suite's sanity run)."""
    if testbench.style is not TestbenchStyle.COMPARE or testbench.reference is None:
        return False
    return "\n".join(f.text for f in candidate.files) == reference_as(candidate.top, testbench)


def reference_top(testbench: Testbench) -> str | None:
    """The reference's own module name, before any renaming."""
    assert testbench.reference is not None
    names = module_names(testbench.reference.text)
    if testbench.reference_module in names:
        return testbench.reference_module
    return names[-1] if names else None


def reference_as(module: str, testbench: Testbench, *, isolate: bool = False) -> str:
    """The reference's text with its top module named `module`.

    With `isolate`, its other modules are renamed too (`<module>__<name>`): a multi-module
    reference then compiles beside a candidate that names its submodules the same way.
    """
    assert testbench.reference is not None
    old = reference_top(testbench)
    text = testbench.reference.text
    if isolate:
        for name in module_names(text):
            if name != old:
                text = _renamed(text, name, f"{module}__{name}")
    return _renamed(text, old, module) if old and old != module else text
