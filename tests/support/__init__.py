"""Helpers shared by the tests: fixture paths, small designs, and facts about the machine.

Test stand-ins at the provider boundary (the scripted OpenAI server) live in the package,
`veriassist.models.openai_stub`, so that `tools/` can use them without reaching into tests/.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

from veriassist.toolchain.runner import which
from veriassist.toolchain.sandbox import landlock_exec
from veriassist.types import Candidate, SourceFile

FIXTURES = Path(__file__).parent.parent / "fixtures"
CHECK = FIXTURES / "check"
GOOD_COUNTER = (CHECK / "counter_good.sv").read_text()


def source(path: Path, name: str | None = None) -> SourceFile:
    return SourceFile(name or path.name, path.read_text())


def counter(text: str) -> Candidate:
    """A VerilogEval-style candidate: one file holding `TopModule`."""
    return Candidate((SourceFile("top.sv", text),), "TopModule")


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (<= 0: none), asked the way landlock_exec asks."""
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.syscall(444, None, 0, 1))  # landlock_create_ruleset(NULL, 0, VERSION)


# The sandbox backends this machine has; tests of the walls run against each of them.
SANDBOX_BACKENDS = [b for b, have in (("landlock", landlock_exec()), ("bwrap", which("bwrap"))) if have]
