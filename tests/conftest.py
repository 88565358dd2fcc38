"""Fixtures shared by the tests; plain helpers live in tests/support."""

from __future__ import annotations

import pytest
from support import CHECK, SANDBOX_BACKENDS, source

from veriassist.types import Testbench, TestbenchStyle


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
