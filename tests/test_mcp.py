"""The MCP server through the SDK's own client: in memory, and over stdio as an agent runs it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from veriassist.servers.mcp import server

FIXTURES = Path(__file__).parent / "fixtures"
AND_GATE = FIXTURES / "editor" / "and_gate"
TESTBENCH = (AND_GATE / "testbench.sv").read_text()
REFERENCE = (AND_GATE / "reference.sv").read_text()
GOOD_AND = "module and_gate (\n  input a,\n  input b,\n  output out\n);\n  assign out = a & b;\nendmodule\n"
BUGGY_AND = GOOD_AND.replace("a & b", "a | b")
TOOLS = {
    "check_design",
    "simulate_waveform",
    "module_interface",
    "lint",
    "generate_rtl",
    "fix_rtl",
    "run_benchmark",
    "summarize_run",
}
needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus Verilog")
needs_loop = pytest.mark.skipif(
    importlib.util.find_spec("veriassist.agent.loop") is None, reason="the agent loop has not landed yet"
)


async def _call(client: Client, tool: str, **arguments: Any) -> Any:
    with anyio.fail_after(120):
        return await client.call_tool(tool, arguments)


def _error_text(result: Any) -> str:
    assert result.is_error, result
    return " ".join(c.text for c in result.content)


@pytest.mark.asyncio
async def test_every_tool_is_listed_with_a_structured_output_schema() -> None:
    async with Client(server) as client:
        listed = await client.list_tools()
    assert {t.name for t in listed.tools} == TOOLS
    for tool in listed.tools:
        assert tool.output_schema is not None, tool.name
        assert tool.description, tool.name
    check = next(t for t in listed.tools if t.name == "check_design")
    assert check.input_schema["required"] == ["rtl", "testbench"]


@needs_iverilog
@pytest.mark.asyncio
async def test_check_design_passes_a_good_design_and_explains_a_bad_one() -> None:
    async with Client(server) as client:
        good = await _call(client, "check_design", rtl=GOOD_AND, testbench=TESTBENCH, reference=REFERENCE)
        bad = await _call(client, "check_design", rtl=BUGGY_AND, testbench=TESTBENCH, reference=REFERENCE)
    assert not good.is_error
    assert good.structured_content["passed"] is True
    assert good.structured_content["verdict"] == "pass"
    assert good.structured_content["top"] == "and_gate"
    assert not bad.is_error  # a failing design is a verdict, not a tool error
    report = bad.structured_content
    assert report["passed"] is False
    assert report["verdict"] == "mismatch"
    assert report["mismatches"][0]["output"] == "out" and report["mismatches"][0]["count"] > 0
    assert "out" in report["feedback"]


@needs_iverilog
@pytest.mark.asyncio
async def test_a_compile_error_comes_back_as_diagnostics_with_lines() -> None:
    broken = GOOD_AND.replace("a & b;", "a & b")
    async with Client(server) as client:
        result = await _call(client, "check_design", rtl=broken, testbench=TESTBENCH, reference=REFERENCE)
        linted = await _call(client, "lint", source=broken, name="and_gate.sv")
    assert result.structured_content["verdict"] == "syntax-error"
    assert any(
        d["file"] == "design.sv" and d["severity"] == "error"
        for d in result.structured_content["diagnostics"]
    )
    assert linted.structured_content["clean"] is False
    assert [(d["line"], d["severity"]) for d in linted.structured_content["diagnostics"]] == [(7, "error")]


@needs_iverilog
@pytest.mark.asyncio
async def test_simulate_waveform_returns_the_window_around_the_first_mismatch() -> None:
    async with Client(server) as client:
        result = await _call(
            client, "simulate_waveform", rtl=BUGGY_AND, testbench=TESTBENCH, reference=REFERENCE
        )
    window = result.structured_content
    assert window["passed"] is False
    assert window["first_mismatch_time"] is not None
    assert "out" in window["waveform"]


@pytest.mark.asyncio
async def test_module_interface_reads_ports_and_header() -> None:
    source = "module m #(parameter W = 8) (input clk, input [W-1:0] d, output reg [7:0] q);\nendmodule\n"
    async with Client(server) as client:
        result = await _call(client, "module_interface", source=source)
    found = result.structured_content
    assert found["module"] == "m"
    assert [(p["name"], p["direction"], p["width"]) for p in found["ports"]] == [
        ("clk", "input", 1),
        ("d", "input", 8),
        ("q", "output", 8),
    ]
    assert found["header"].startswith("module m")


@pytest.mark.asyncio
async def test_bad_inputs_come_back_as_readable_tool_errors_not_tracebacks(tmp_path: Path) -> None:
    async with Client(server) as client:
        not_a_tb = await _call(client, "check_design", rtl=GOOD_AND, testbench="this is not verilog")
        no_module = await _call(client, "module_interface", source="just words")
        bad_name = await _call(client, "lint", source=GOOD_AND, name="../etc/passwd")
        no_db = await _call(client, "summarize_run", run_name="r", db=str(tmp_path / "missing.db"))
    for result in (not_a_tb, no_module, bad_name, no_db):
        text = _error_text(result)
        assert "Traceback" not in text
    assert "no testbench module found" in _error_text(not_a_tb)
    assert "no database" in _error_text(no_db)


@pytest.mark.asyncio
async def test_generate_without_a_model_says_how_to_configure_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("VERIASSIST_MODEL", raising=False)
    async with Client(server) as client:
        result = await _call(client, "generate_rtl", spec="A two-input AND gate `and_gate`.")
    assert "No model is configured" in _error_text(result)


@needs_loop
@needs_iverilog
@pytest.mark.asyncio
async def test_fix_rtl_runs_the_loop_with_a_scripted_model_until_the_testbench_passes(tmp_path: Path) -> None:
    tb = "import cocotb\nfrom cocotb.triggers import Timer\n\n\n@cocotb.test()\nasync def t(dut):\n"
    tb += "    for a in (0, 1):\n        for b in (0, 1):\n            dut.a.value = a\n            dut.b.value = b\n"
    tb += '            await Timer(1, unit="ns")\n            assert int(dut.out.value) == (a & b)\n'
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps([f"```verilog\n{GOOD_AND}```\n```python\n{tb}```\n"] * 6))
    async with Client(server) as client:
        result = await _call(
            client,
            "fix_rtl",
            rtl=BUGGY_AND,
            testbench=TESTBENCH,
            reference=REFERENCE,
            model=f"scripted:{replies}",
        )
    report = result.structured_content
    assert report["passed"] is True, report
    assert report["judged_by"] == "golden"
    assert report["stand_in"] is True  # a scripted run never reads as a model's
    assert "a & b" in report["rtl"]


@needs_iverilog
@pytest.mark.asyncio
async def test_a_reference_benchmark_is_recorded_and_summarised(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.db")
    suite = str(FIXTURES / "suites" / "designs")
    async with Client(server) as client:
        bench = await _call(client, "run_benchmark", suite_path=suite, db=db, run_name="refs", jobs=2)
        summary = await _call(client, "summarize_run", run_name="refs", db=db)
        unknown = await _call(client, "summarize_run", run_name="nope", db=db)
    assert bench.structured_content["passed"] == bench.structured_content["samples"] == 2, bench
    summary_data = summary.structured_content
    assert summary_data["status"] == "completed"
    assert summary_data["pass_at"] == {"1": 1.0}
    assert summary_data["failing_tasks"] == []
    assert "nope" in _error_text(unknown)


@needs_iverilog
@pytest.mark.asyncio
async def test_over_stdio_an_agent_lists_tools_and_checks_a_design() -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "veriassist", "mcp"])
    async with Client(params) as client:
        listed = await client.list_tools()
        good = await _call(client, "check_design", rtl=GOOD_AND, testbench=TESTBENCH, reference=REFERENCE)
        bad = await _call(
            client, "check_design", rtl="module and_gate(", testbench=TESTBENCH, reference=REFERENCE
        )
    assert {t.name for t in listed.tools} == TOOLS
    assert good.structured_content["passed"] is True
    assert bad.structured_content["passed"] is False
