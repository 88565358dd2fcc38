"""Compile as `iverilog` does, without the driver: its two stages, `ivlpp | ivl`, run directly.

`iverilog` is a driver. It writes its options into three files, then runs
`sh -c "ivlpp ... | ivl ..."`. On a busy 2-core VM the driver and its shell cost about 4 ms
of the 12 ms a small compile takes, and a bench pays that on every sample.

The configuration is the installed driver's own. `capture` runs it once per process on a
probe design with the flags checks use. `IVERILOG_ICONFIG` makes the driver keep its files.
It then compiles the same design through the two stages, and uses them only when the
output (the simulation program, and the log) is the driver's, byte for byte once pointer
values are numbered. Otherwise (another Icarus, another layout) checks run the driver.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from veriassist.toolchain import icarus

# Where the stages' inputs go in a work dir (top-level names with our prefix, as the helper modules').
FILES, DEFINES, COMPILED_DEFINES, ICONFIG = "va_ivl.files", "va_ivl.defines", "va_ivl.defined", "va_ivl.conf"

_PROBE_TOP = "va_stages_probe"
# Exercises what the configuration carries: a define (`__ICARUS__` comes from the defines
# file), SystemVerilog (the generation), a -Wall warning (a port of the wrong width), and the
# system-function modules ($clog2, $sqrt from v2005_math).
_PROBE = f"""`timescale 1ns/1ps
`define WIDTH 4
module va_stages_child(input [`WIDTH-1:0] a, output [`WIDTH-1:0] y);
  assign y = ~a;
endmodule
module {_PROBE_TOP};
  logic [1:0] narrow = 2'b01;
  wire [`WIDTH-1:0] y;
  va_stages_child child(.a(narrow), .y(y));
  initial begin
`ifdef __ICARUS__
    $display("%0d %0d %f", y, $clog2(17), $sqrt(2.0));
`endif
  end
endmodule
"""
_IVLPP_LINE = re.compile(
    r'^ivlpp:(?P<ivlpp>\S+)(?P<flags>(?: \S+)*?) *-L -F"(?P<defines>[^"]*)" -P"(?P<defined>[^"]*)"$'
)
_POINTER = re.compile(r"0x[0-9a-f]+")


@dataclass(frozen=True)
class Stages:
    """The driver's configuration for one set of flags, ready for any sources, tops and output."""

    ivlpp: str
    ivl: str
    redefinition_flags: tuple[str, ...]  # -Wredef-chg or the like, as the driver passes them
    common_config: str  # the target's own configuration file (vvp.conf)
    config_head: tuple[str, ...]  # the config's lines before its root lines
    config_tail: tuple[str, ...]  # after them, its out: line left to fill in
    defines: str

    def files(self, sources: Sequence[str], tops: Sequence[str], output: str) -> dict[str, str]:
        """The stages' input files, by name in the work dir."""
        roots = [f"root:{top}" for top in tops]
        tail = [f"out:{output}" if line == "out:" else line for line in self.config_tail]
        return {
            FILES: "".join(f"{source}\n" for source in sources),
            DEFINES: self.defines,  # COMPILED_DEFINES is the preprocessor's to write
            ICONFIG: "".join(f"{line}\n" for line in (*self.config_head, *roots, *tail)),
        }

    def argv(self) -> tuple[list[str], int]:
        """The two stages' words, and how many are the first's (it writes into the second)."""
        first = [
            self.ivlpp,
            "-L",
            *self.redefinition_flags,
            f"-F{DEFINES}",
            f"-f{FILES}",
            f"-p{COMPILED_DEFINES}",
        ]
        second = [self.ivl, f"-C{ICONFIG}", f"-C{self.common_config}", "--", "-"]
        return [*first, *second], len(first)

    def compile_in(self, folder: Path) -> tuple[int, str]:
        """Run the two stages in `folder` (its `files` written there), unsandboxed: the
        compiler's status and the log of both. For the capture's own check, and for timing."""
        words, split = self.argv()
        with subprocess.Popen(
            words[:split], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as writer:
            read = subprocess.run(
                words[split:], cwd=folder, stdin=writer.stdout, capture_output=True, timeout=30
            )
            writer_log = writer.stderr.read() if writer.stderr else b""
        return read.returncode, (writer_log + read.stdout + read.stderr).decode(errors="replace")


def stages(iverilog: str) -> Stages | None:
    """The stages of the driver at `iverilog` with icarus.COMPILE_FLAGS; None to run the driver
    (also when VERIASSIST_IVERILOG_DRIVER is set: a way back, should a stage ever misbehave)."""
    if os.environ.get("VERIASSIST_IVERILOG_DRIVER"):
        return None
    return _stages(iverilog, os.environ.get("PATH"))


@functools.cache
def _stages(iverilog: str, _path: str | None) -> Stages | None:
    with tempfile.TemporaryDirectory(prefix="va-ivl-") as scratch:
        try:
            return capture(iverilog, Path(scratch))
        except (OSError, subprocess.SubprocessError, ValueError):
            return None


def capture(iverilog: str, scratch: Path) -> Stages | None:
    """Read the driver's configuration from a compile of the probe in `scratch`, and check that
    the stages alone compile the probe to the same program with the same log."""
    (scratch / "probe.sv").write_text(_PROBE)
    driver_argv = [iverilog, *icarus.COMPILE_FLAGS, "-s", _PROBE_TOP, "-o", "driver.vvp", "probe.sv"]
    env = {**os.environ, "IVERILOG_ICONFIG": str(scratch / "driver.conf"), "TMPDIR": str(scratch)}
    driven = subprocess.run(driver_argv, cwd=scratch, env=env, capture_output=True, text=True, timeout=30)
    if driven.returncode != 0:
        return None
    lines = (scratch / "driver.conf").read_text().splitlines()
    found = parse(lines)
    if found is None:
        return None
    stages_, defines_path = found
    stages_ = replace(stages_, defines=Path(defines_path).read_text())
    for name, text in stages_.files(["probe.sv"], [_PROBE_TOP], "stages.vvp").items():
        (scratch / name).write_text(text)
    status, stages_log = stages_.compile_in(scratch)
    if status != 0:
        return None
    # The driver names the kept configuration on stderr; the compiler's own lines must match.
    driver_log = "".join(
        line
        for line in (driven.stdout + driven.stderr).splitlines(keepends=True)
        if "IVERILOG_ICONFIG" not in line
    )
    same_program = _numbered((scratch / "driver.vvp").read_text()) == _numbered(
        (scratch / "stages.vvp").read_text()
    )
    return stages_ if same_program and driver_log == stages_log and "warning" in stages_log else None


def parse(lines: Sequence[str]) -> tuple[Stages, str] | None:
    """The stages in the driver's configuration of the probe compile, and its defines file's path."""
    roots = [i for i, line in enumerate(lines) if line == f"root:{_PROBE_TOP}"]
    basedirs = [line.removeprefix("basedir:") for line in lines if line.startswith("basedir:")]
    outs = [i for i, line in enumerate(lines) if line.startswith("out:")]
    ivlpps = [(i, _IVLPP_LINE.match(line)) for i, line in enumerate(lines) if line.startswith("ivlpp:")]
    if len(roots) != 1 or len(basedirs) != 1 or len(outs) != 1 or len(ivlpps) != 1:
        return None
    (root,), (out,), ((at, match),) = roots, outs, ivlpps
    if match is None:
        return None
    base = basedirs[0]
    ivl, common = f"{base}/ivl", f"{base}/vvp.conf"
    if not (os.access(ivl, os.X_OK) and os.access(match["ivlpp"], os.X_OK) and os.path.isfile(common)):
        return None
    # The preprocessor command the compiler keeps (for library files) names our files, not the driver's.
    ivlpp_line = lines[at].replace(f'-F"{match["defines"]}"', f'-F"{DEFINES}"')
    ivlpp_line = ivlpp_line.replace(f'-P"{match["defined"]}"', f'-P"{COMPILED_DEFINES}"')
    tail = [
        ("out:" if i == out else ivlpp_line if i == at else line) for i, line in enumerate(lines) if i > root
    ]
    if any(line.startswith("root:") for line in tail):
        return None
    found = Stages(
        ivlpp=match["ivlpp"],
        ivl=ivl,
        redefinition_flags=tuple(match["flags"].split()),
        common_config=common,
        config_head=tuple(lines[:root]),
        config_tail=tuple(tail),
        defines="",
    )
    return found, match["defines"]


def _numbered(program: str) -> str:
    """A compiled program with its pointer values (which differ run to run) numbered by first use."""
    seen: dict[str, str] = {}
    return _POINTER.sub(lambda m: seen.setdefault(m[0], f"p{len(seen)}"), program)
