"""Unchecked outputs: a passing design whose outputs differ from the reference where the testbench never looks.

A testbench that compares only `y[0]`, or never reads `cout`, passes designs that are wrong
in the rest. When a reference runs in the same simulation, a trusted probe module dumps both
instances' output ports (and the design's clock) into the run's waveform; after a pass they
are compared bit by bit over the whole run. What differs becomes a warning on the result:
the verdict stays the testbench's.

- A comparing testbench (VerilogEval, designs/) instantiates the reference itself: its
  instance is the one compared against.
- A self-checking one (RTLLM) given a reference: the probe instantiates the reference as a
  shadow whose inputs are the design's own input ports, read by hierarchical name.
"""

from __future__ import annotations

import functools
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from veriassist import hdl
from veriassist.check.simulation import interface_of, module_names, reference_top
from veriassist.toolchain import runner
from veriassist.toolchain.vcd import Samples, identical_changes, sample_signals
from veriassist.types import Candidate, Interface, Testbench, TestbenchStyle

__all__ = ["Probe", "Unchecked", "compare", "probe_for", "unchecked_warnings", "watch_saw_disagreement"]

_REFERENCE_MODULES = ("RefModule", "reference_module")
_CLOCK_NAMES = ("clk", "clock")
_OWN_DUMP = "va_unchecked.vcd"
_DEFAULT_DUMP = "dump.vcd"  # where Icarus dumps when nobody called $dumpfile
_TIMESCALE = re.compile(r"^[ \t]*`timescale\b[^\n]*", re.MULTILINE)
_DEFINE = re.compile(r"`define[ \t]+([A-Za-z_][\w$]*)")
_DUMPFILE = re.compile(r'\$dumpfile\s*\(\s*"([^"/\\]+)"\s*\)')


@dataclass(frozen=True)
class Probe:
    """What one check adds to the simulation to see the outputs, and where to read them.

    It comes in two forms. The watch, compiled into every check, costs almost nothing: a wire
    that is 1 while every output agrees with the reference, and a process that notes when it
    was not 1 at the end of a timestep; at the end of the run it writes 1 (never) or 0. Only
    when it did not write 1 (a design that differs from the reference where the testbench
    passed it, or a run that kept it from writing) is the run repeated with the dump, which
    says which output bits differ and where.
    """

    module: str  # the probe's root module, compiled as one more top level
    source: str  # the dump: its text (with the shadow reference, when there is one)
    watch: str  # the watch: its text
    dumps: tuple[str, ...]  # dump files to read, in order of preference
    clock: str | None  # full path of the design's clock input; None: combinational
    # (port, width, reference's path, design's path) per output
    outputs: tuple[tuple[str, int, str, str], ...]

    @property
    def file(self) -> str:
        return f"{self.module}.v"

    @property
    def watch_file(self) -> str:
        """Where the watch writes its 1 or 0 (a name no candidate can guess)."""
        return f"{self.module}.agree"


@dataclass(frozen=True)
class Unchecked:
    """One output whose bits differ from the reference in samples the testbench passed."""

    output: str
    width: int
    bits: tuple[int, ...]  # differing bit indexes, highest first (0 is the least significant)
    count: int  # samples in which some bit differs
    samples: int
    first_time: int
    timescale: str = ""

    @property
    def label(self) -> str:
        """`cout`, `y` when every bit differs, else its ranges: `y[7:1]`, `y[7:5], y[2]`."""
        if self.width <= 1 or len(self.bits) == self.width:
            return self.output
        runs: list[tuple[int, int]] = []
        for bit in self.bits:
            if runs and runs[-1][1] == bit + 1:
                runs[-1] = (runs[-1][0], bit)
            else:
                runs.append((bit, bit))
        return ", ".join(
            f"{self.output}[{hi}:{lo}]" if hi != lo else f"{self.output}[{hi}]" for hi, lo in runs
        )

    @property
    def message(self) -> str:
        unit = f" {self.timescale}" if self.timescale else ""
        return (
            f"the testbench does not check `{self.label}`: the outputs differ from the reference in "
            f"{self.count} of {self.samples} samples (first at t={self.first_time}{unit})"
        )


def probe_for(candidate: Candidate, testbench: Testbench) -> Probe | None:
    """The probe for this check, or None when there is no reference to compare with or the
    testbench's shape is not one it can safely reach into (the check then runs as before)."""
    if testbench.style not in (TestbenchStyle.COMPARE, TestbenchStyle.BANNER) or not testbench.files:
        return None
    tb_text = "\n".join(f.text for f in testbench.files)
    tb = testbench.toplevel
    instances = [i for i in _instances(tb_text) if i.parent == tb]
    duts = [i for i in instances if i.module == candidate.top]
    if len(duts) != 1:
        return None
    dut = duts[0]
    ours = interface_of("\n".join(f.text for f in candidate.files), candidate.top)
    module = f"va_probe_{secrets.token_hex(4)}"
    refs = [i for i in instances if i.module in _reference_names(testbench) and i is not dut]
    shadow = overrides = ""
    if testbench.style is TestbenchStyle.COMPARE:
        if len(refs) != 1:
            return None
        ref_path = f"{tb}.{refs[0].instance}"
        theirs = _reference_interface(testbench, tb_text, refs[0].module)
    else:
        theirs = _reference_interface(testbench, tb_text, None)
        given = _overrides(tb_text, candidate.top)
        if theirs is None or given is None:
            return None
        overrides = given
        shadow = _shadow(testbench, module)
        if not shadow:
            return None
        ref_path = f"{module}.shadow"
    if ours is None or theirs is None or not _same_ports(ours, theirs):
        return None
    dut_path = f"{tb}.{dut.instance}"
    outputs = tuple(
        (p.name, p.width, f"{ref_path}.{p.name}", f"{dut_path}.{p.name}")
        for p in theirs.ports
        if p.direction == "output"
    )
    if not outputs:
        return None
    clock = _clock(ours)
    dumped = [path for _, _, ref, dut_port in outputs for path in (ref, dut_port)]
    if clock is not None:
        dumped.append(f"{dut_path}.{clock}")
    dumps, open_dump = _dump_files(tb_text)
    head = f"{shadow}module {module};\n" + (
        _shadow_instance(theirs, module, dut_path, overrides) if shadow else ""
    )
    # `#0`: after the testbench's own $dumpfile/$dumpvars at time 0, adding to its dump.
    source = f"{head}  initial begin\n    #0;\n{open_dump}    $dumpvars(1, {', '.join(dumped)});\n  end\nendmodule\n"
    # `r === (r ^ d ^ r)`: the testbenches' own compare, in which an x or z reference bit matches anything.
    agree = " && ".join(f"({ref} === ({ref} ^ {dut_port} ^ {ref}))" for _, _, ref, dut_port in outputs)
    watch = watch_source(head, module, agree)
    return Probe(
        module,
        source,
        watch,
        dumps,
        f"{dut_path}.{clock}" if clock else None,
        outputs,
    )


def watch_source(head: str, module: str, agree: str) -> str:
    """The watch: `head` (which opens module `module`) and then what writes to `module`.agree a 1
    when the expression `agree` was 1 at the end of every timestep, else a 0.

    `agree` glitches to 0 whenever an output changes (the reference's and the design's update
    one after the other), so only a 0 that outlasts its timestep counts, as only end-of-timestep
    values reach a dump: a 0 seen at one time and left at a later one, or never left. (A $fstrobe
    on every change said the same at twice the cost: VPI calls are dear in vvp.) $realtime, not
    $time: this module's time unit is whatever `timescale came before it.
    """
    return (
        f"{head}  wire agree = {agree};\n  integer fd = 0;\n"
        "  reg low = 0, outlasted = 0;\n  real since = 0;\n"
        f'  initial begin\n    fd = $fopen("{module}.agree", "w");\n'
        "    forever begin  // look, then wait: a change before the first wait is not missed\n"
        "      if (agree !== 1'b1) begin\n"
        "        if (!low) begin low = 1; since = $realtime; end\n"
        "      end else if (low) begin\n"
        "        low = 0;\n"
        "        if ($realtime != since) outlasted = 1;\n"
        "      end\n"
        "      @(agree);\n"
        "    end\n  end\n"
        '  final if (fd != 0) $fdisplay(fd, "%0d", !(outlasted || low));\nendmodule\n'
    )


def _dump_files(tb_text: str) -> tuple[tuple[str, ...], str]:
    """Where the probe's signals land (files to read, in order) and the `$dumpfile` it must call
    itself ("" when the testbench opens a dump: $dumpvars adds to that one)."""
    named = _DUMPFILE.search(tb_text)
    if named is not None:
        return (named[1], _DEFAULT_DUMP), ""
    if "$dumpvars" in tb_text:
        return (_DEFAULT_DUMP,), ""
    return (_OWN_DUMP,), f'    $dumpfile("{_OWN_DUMP}");\n'


def unchecked_warnings(work: Path, probe: Probe, timings: dict[str, float] | None = None) -> tuple[str, ...]:
    """The warnings for a passing run in `work`: one per output that differs from the reference."""
    started = time.perf_counter()
    found = compare(work, probe)
    if timings is not None:
        timings["unchecked_s"] = time.perf_counter() - started
    return tuple(u.message for u in found)


def watch_saw_disagreement(work: Path, probe: Probe) -> bool:
    """False only when the watch wrote its 1: no output ever differed from the reference's at
    the end of a timestep. A 0, or no 1 at all (the design closed the watch's file, say), sends
    the run to the dump, which then decides."""
    try:
        with runner.open_output(work / probe.watch_file) as handle:
            return handle.read(16).strip() != b"1"
    except OSError:
        return True


def compare(work: Path, probe: Probe) -> list[Unchecked]:
    """Outputs whose bits differ between the design and the reference over the whole run."""
    wanted = [path for _, _, ref, dut in probe.outputs for path in (ref, dut)]
    pairs = [(ref, dut) for _, _, ref, dut in probe.outputs]
    for name in probe.dumps:
        if identical_changes(work / name, pairs):
            return []  # every output changes with the reference's, change for change
        samples = sample_signals(work / name, wanted, probe.clock)
        if samples is not None and all(path in samples.values for path in wanted):
            return _differences(samples, probe)
    return []  # the dump went elsewhere or was cut short: no evidence either way


def _differences(samples: Samples, probe: Probe) -> list[Unchecked]:
    found = []
    for port, width, ref_path, dut_path in probe.outputs:
        expected, actual = samples.values[ref_path], samples.values[dut_path]
        bits: set[int] = set()
        count, first = 0, None
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            if want == got:
                continue
            # Compared as the testbench's `===` with the XOR trick: an x or z expected bit matches anything.
            size = len(want)
            wrong = {
                size - 1 - j for j, (w, g) in enumerate(zip(want, got, strict=False)) if w in "01" and w != g
            }
            if wrong:
                bits |= wrong
                count += 1
                if first is None:
                    first = samples.times[index]
        if count and first is not None:
            ordered = tuple(sorted(bits, reverse=True))
            # The dump's width: the testbench may override a parameter the declared width depends on.
            size = len(expected[0]) if expected else width
            found.append(Unchecked(port, size, ordered, count, len(expected), first, samples.timescale))
    return found


# --- the testbench, the reference and the design, as the probe needs them -------------------------


@functools.lru_cache(maxsize=256)
def _instances(text: str) -> tuple[hdl.Instantiation, ...]:
    try:
        return tuple(hdl.instantiations(text))
    except hdl.HdlError:
        return ()


def _reference_names(testbench: Testbench) -> set[str]:
    return {testbench.reference_module} if testbench.reference_module else set(_REFERENCE_MODULES)


def _reference_interface(testbench: Testbench, tb_text: str, module: str | None) -> Interface | None:
    """The reference's ports: from its own file, or (VerilogEval v1) from the testbench that embeds it."""
    if testbench.reference is not None:
        return interface_of(testbench.reference.text, reference_top(testbench))
    if module is not None and module in module_names(tb_text):
        return interface_of(tb_text, module)
    return None


def _same_ports(ours: Interface, theirs: Interface) -> bool:
    """Every port of the reference is on the design with the same direction and width: else the
    probe's hierarchical names could fail to compile and take a good verdict with them."""
    mine = {p.name: p for p in ours.ports}
    return all(
        p.name in mine
        and mine[p.name].direction == p.direction
        and mine[p.name].width == p.width
        and p.width > 0
        for p in theirs.ports
    ) and all(p.direction in ("input", "output") for p in theirs.ports)


def _clock(interface: Interface) -> str | None:
    """The design's clock input: `clk`/`clock`, else a 1-bit input whose name holds one of them."""
    inputs = [p for p in interface.ports if p.direction == "input" and p.width == 1]
    exact = [p for p in inputs if p.name.lower() in _CLOCK_NAMES]
    loose = [p for p in inputs if any(c in p.name.lower() for c in _CLOCK_NAMES)]
    chosen = exact or loose
    return chosen[0].name if chosen else None


def _shadow(testbench: Testbench, module: str) -> str:
    """The reference renamed beside the probe: `<probe>_ref`, its submodules `<probe>_ref__<name>`."""
    assert testbench.reference is not None
    text = testbench.reference.text
    top = reference_top(testbench)
    new_top = f"{module}_ref"
    try:
        for name in module_names(text):
            if name != top:
                text = hdl.rename_module(text, name, f"{new_top}__{name}")
        if top is not None:
            text = hdl.rename_module(text, top, new_top)
    except hdl.HdlError:
        return ""
    # The candidate is compiled after the probe: nothing of the reference's may carry over to it.
    text = _TIMESCALE.sub("", text)
    undefs = "".join(f"`undef {name}\n" for name in dict.fromkeys(_DEFINE.findall(text)))
    return f"{text}\n{undefs}"


def _shadow_instance(reference: Interface, module: str, dut_path: str, overrides: str) -> str:
    """The shadow reference, fed the design's own input ports (so it sees what the design sees)."""
    inputs = [p for p in reference.ports if p.direction == "input"]
    connections = ", ".join(f".{p.name}({dut_path}.{p.name})" for p in inputs)
    return f"  {module}_ref {overrides}{' ' if overrides else ''}shadow ({connections});\n"


_OVERRIDES = r"\s*(#\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))?\s*[A-Za-z_][\w$]*\s*\("


def _overrides(tb_text: str, top: str) -> str | None:
    """The parameter overrides the testbench gives the design (`#(.size(4))`, "" for none), which
    the shadow must get too; None when the design is instantiated more than once."""
    found = list(re.finditer(rf"(?<![\w$.]){re.escape(top)}{_OVERRIDES}", tb_text))
    if len(found) != 1:
        return None
    return found[0][1] or ""
