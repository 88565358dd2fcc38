from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from veriassist.toolchain.runner import which
from veriassist.toolchain.sandbox import landlock_exec
from veriassist.types import Candidate, SourceFile, Testbench, TestbenchStyle

FIXTURES = Path(__file__).parent / "fixtures"
CHECK = FIXTURES / "check"


def source(path: Path, name: str | None = None) -> SourceFile:
    return SourceFile(name or path.name, path.read_text())


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (<= 0: none), asked the way landlock_exec asks."""
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.syscall(444, None, 0, 1))  # landlock_create_ruleset(NULL, 0, VERSION)


# The sandbox backends this machine has; tests of the walls run against each of them.
SANDBOX_BACKENDS = [b for b, have in (("landlock", landlock_exec()), ("bwrap", which("bwrap"))) if have]


@pytest.fixture(params=SANDBOX_BACKENDS)
def sandbox_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs the test once per sandbox backend, with VERIASSIST_SANDBOX set to it."""
    monkeypatch.setenv("VERIASSIST_SANDBOX", request.param)
    return str(request.param)


@pytest.fixture
def counter_tb() -> Testbench:
    """VerilogEval-style testbench for a decade counter, comparing RefModule with TopModule."""
    return Testbench(
        TestbenchStyle.COMPARE,
        (source(CHECK / "counter_test.sv"),),
        "tb",
        source(CHECK / "counter_ref.sv"),
        "RefModule",
    )


@pytest.fixture
def adder_tb() -> Testbench:
    """RTLLM-style self-checking testbench that reads a data file next to it."""
    return Testbench(
        TestbenchStyle.BANNER,
        (source(CHECK / "adder_tb.v"),),
        "adder_tb",
        support_files=(CHECK / "expected_sums.hex",),
    )


def counter(text: str) -> Candidate:
    return Candidate((SourceFile("top.sv", text),), "TopModule")


GOOD_COUNTER = (CHECK / "counter_good.sv").read_text()
