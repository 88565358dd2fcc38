"""The MCP server through the SDK's own client: in memory, and over stdio as an agent runs it."""

from __future__ import annotations

import concurrent.futures as cf
import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from veriassist.servers.mcp import MAX_JOBS_ENV, server

FIXTURES = Path(__file__).parent / "fixtures"
AND_GATE = FIXTURES / "editor" / "and_gate"
DESIGNS = FIXTURES / "suites" / "designs"
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
    "sample_feedback",
}
needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus Verilog")
needs_yosys = pytest.mark.skipif(shutil.which("yosys") is None, reason="needs Yosys")
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
@needs_yosys
@pytest.mark.asyncio
async def test_check_design_with_a_reference_carries_the_formal_verdict_and_off_leaves_it_out() -> None:
    async with Client(server) as client:
        good = await _call(client, "check_design", rtl=GOOD_AND, testbench=TESTBENCH, reference=REFERENCE)
        bad = await _call(client, "check_design", rtl=BUGGY_AND, testbench=TESTBENCH, reference=REFERENCE)
        off = await _call(
            client, "check_design", rtl=BUGGY_AND, testbench=TESTBENCH, reference=REFERENCE, formal="off"
        )
    assert good.structured_content["formal"]["status"] == "equivalent"
    formal = bad.structured_content["formal"]
    assert formal["status"] == "not_equivalent"
    (step,) = formal["counterexample"]
    ref, dut = step["outputs"]["out"]["ref"], step["outputs"]["out"]["dut"]
    assert ref != dut and ref == str(int(step["inputs"]["a"]) & int(step["inputs"]["b"]))
    assert "MISMATCH in out" in formal["table"]
    assert off.structured_content["formal"] is None


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


@pytest.mark.asyncio
async def test_every_input_is_described_and_every_tool_says_what_it_touches() -> None:
    async with Client(server) as client:
        listed = {t.name: t for t in (await client.list_tools()).tools}
    for tool in listed.values():
        for field, schema in tool.input_schema["properties"].items():
            assert schema.get("description"), f"{tool.name}.{field}"
        assert tool.annotations is not None, tool.name
    pure = listed["check_design"].annotations
    assert pure.read_only_hint is True and pure.open_world_hint is False
    assert listed["generate_rtl"].annotations.open_world_hint is True  # it calls a model
    assert listed["run_benchmark"].annotations.read_only_hint is False  # it writes the database
    limit = listed["run_benchmark"].input_schema["properties"]["limit"]
    assert any(option.get("minimum") == 1 for option in limit["anyOf"]), limit


class _PoolSizes:
    """Records each process pool's requested size and clamps it to the core count, so that even a
    server without the cap cannot fork more workers than the machine has during this test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sizes: list[int] = []
        real = cf.ProcessPoolExecutor.__init__

        def init(pool: Any, max_workers: int | None = None, *args: Any, **kwargs: Any) -> None:
            if max_workers is not None:
                self.sizes.append(max_workers)
                max_workers = min(max_workers, os.cpu_count() or 1)
            real(pool, max_workers, *args, **kwargs)

        monkeypatch.setattr(cf.ProcessPoolExecutor, "__init__", init)


@needs_iverilog
@pytest.mark.asyncio
async def test_run_benchmark_caps_jobs_at_the_core_count_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cores = os.cpu_count() or 1
    pools = _PoolSizes(monkeypatch)
    monkeypatch.delenv(MAX_JOBS_ENV, raising=False)
    async with Client(server) as client:
        capped = await _call(
            client, "run_benchmark", suite_path=str(DESIGNS), db=str(tmp_path / "a.db"), jobs=10_000
        )
        monkeypatch.setenv(MAX_JOBS_ENV, "1")
        overridden = await _call(
            client, "run_benchmark", suite_path=str(DESIGNS), db=str(tmp_path / "b.db"), jobs=3
        )
    report = capped.structured_content
    assert report["passed"] == report["samples"] == 2, report
    assert report["jobs"] == cores
    assert f"jobs capped from 10000 to {cores}" in report["notes"][0]
    assert overridden.structured_content["jobs"] == 1
    assert MAX_JOBS_ENV in overridden.structured_content["notes"][0]
    assert pools.sizes and max(pools.sizes) <= cores, pools.sizes


@needs_iverilog
@pytest.mark.asyncio
async def test_run_benchmark_lists_a_problem_whose_later_sample_failed(tmp_path: Path) -> None:
    good = (DESIGNS / "and_gate" / "reference.sv").read_text()
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        "".join(
            json.dumps({"task_id": task, "sample": n, "completion": text}) + "\n"
            for task, n, text in [
                ("and_gate", 0, good),
                ("and_gate", 1, good.replace("a & b", "a | b")),
                ("counter4", 0, (DESIGNS / "counter4" / "reference.sv").read_text()),
            ]
        )
    )
    async with Client(server) as client:
        result = await _call(
            client, "run_benchmark", suite_path=str(DESIGNS), mode="samples", samples_path=str(samples),
            db=str(tmp_path / "s.db"),
        )  # fmt: skip
    report = result.structured_content
    assert (report["samples"], report["passed"], report["failing_samples"]) == (3, 2, 1), report
    assert report["failing"] == {"and_gate": "mismatch"}


@pytest.mark.asyncio
async def test_bad_benchmark_inputs_are_refused_with_their_reason_and_no_file_is_changed(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "notes.txt"
    empty.write_text("")
    suite = str(DESIGNS)
    async with Client(server) as client:
        refused = {
            "limit": await _call(
                client, "run_benchmark", suite_path=suite, db=str(tmp_path / "x.db"), limit=-5
            ),
            "jobs": await _call(client, "run_benchmark", suite_path=suite, db=str(tmp_path / "x.db"), jobs=0),
            "empty db": await _call(client, "run_benchmark", suite_path=suite, db=str(empty)),
            "folder db": await _call(client, "run_benchmark", suite_path=suite, db=str(tmp_path)),
            "no folder": await _call(client, "run_benchmark", suite_path=suite, db=str(tmp_path / "no/x.db")),
            "no suite": await _call(client, "run_benchmark", suite_path=str(tmp_path / "nope")),
            "summary of empty": await _call(client, "summarize_run", run_name="r", db=str(empty)),
        }
    reasons = {what: _error_text(result) for what, result in refused.items()}
    for what, text in reasons.items():
        assert "Traceback" not in text, (what, text)
        if what not in ("limit", "jobs"):  # the SDK's own validation message runs over several lines
            assert "\n" not in text and len(text) < 400, (what, text)
    assert "limit" in reasons["limit"] and "greater than or equal to 1" in reasons["limit"]
    assert "jobs" in reasons["jobs"]
    assert "is not a SQLite database" in reasons["empty db"]
    assert "is not a SQLite database" in reasons["summary of empty"]
    assert "is not a regular file" in reasons["folder db"]
    assert "does not exist" in reasons["no folder"] and "does not exist" in reasons["no suite"]
    assert empty.read_bytes() == b""  # never turned into a database
    assert not (tmp_path / "x.db").exists()


@pytest.mark.asyncio
@pytest.mark.parametrize("tool", ["module_interface", "lint", "check_design"])
async def test_source_that_includes_a_file_is_refused_without_reading_it(tmp_path: Path, tool: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("sk_live_4f3c2a9b1e7d\n")
    source = f'module m(output w);\n  assign w =\n`include "{secret}"\n  ;\nendmodule\n'
    arguments = {"source": source} if tool != "check_design" else {"rtl": source, "testbench": TESTBENCH}
    async with Client(server) as client:
        result = await _call(client, tool, **arguments)
    text = _error_text(result)
    assert "line 3" in text and "`include" in text, text
    assert "sk_live" not in text


def _mixed_samples(tmp_path: Path) -> Path:
    """and_gate: one passing, one failing sample; counter4: one passing."""
    good = (DESIGNS / "and_gate" / "reference.sv").read_text()
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        "".join(
            json.dumps({"task_id": task, "sample": n, "completion": text}) + "\n"
            for task, n, text in [
                ("and_gate", 0, good),
                ("and_gate", 1, good.replace("a & b", "a | b")),
                ("counter4", 0, (DESIGNS / "counter4" / "reference.sv").read_text()),
            ]
        )
    )
    return samples


@needs_iverilog
@pytest.mark.asyncio
async def test_run_benchmark_sends_progress_and_echoes_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = _mixed_samples(tmp_path)
    monkeypatch.chdir(tmp_path)  # relative paths resolve against the server's directory
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(server) as client:
        with anyio.fail_after(120):
            result = await client.call_tool(
                "run_benchmark",
                {
                    "suite_path": str(DESIGNS),
                    "mode": "samples",
                    "samples_path": "samples.jsonl",
                    "db": "rel.db",
                },
                progress_callback=on_progress,
            )
    report = result.structured_content
    assert report["db"] == str(tmp_path / "rel.db") and Path(report["db"]).is_absolute()
    assert report["samples_path"] == str(samples)
    assert report["suite_path"] == str(DESIGNS.resolve())
    assert seen, "no progress notification"
    assert seen[-1][:2] == (3, 3) and "3 of 3 samples" in (seen[-1][2] or "")
    assert [p for p, _, _ in seen] == sorted(p for p, _, _ in seen)


@needs_iverilog
@pytest.mark.asyncio
async def test_one_samples_feedback_by_tool_and_runs_and_samples_as_resources(tmp_path: Path) -> None:
    from urllib.parse import quote

    db = str(tmp_path / "s.db")
    samples = _mixed_samples(tmp_path)
    async with Client(server) as client:
        await _call(
            client, "run_benchmark", suite_path=str(DESIGNS), mode="samples", samples_path=str(samples),
            db=db, run_name="mixed",
        )  # fmt: skip
        failed = await _call(client, "sample_feedback", run_name="mixed", task_id="and_gate", sample=1, db=db)
        missing = await _call(
            client, "sample_feedback", run_name="mixed", task_id="and_gate", sample=7, db=db
        )
        no_task = await _call(client, "sample_feedback", run_name="mixed", task_id="nand", db=db)
        templates = await client.list_resource_templates()
        with anyio.fail_after(30):
            query = f"?db={quote(db, safe='')}"
            runs = await client.read_resource(f"veriassist://runs{query}")
            run = await client.read_resource(f"veriassist://runs/mixed{query}")
            one = await client.read_resource(f"veriassist://runs/mixed/samples/and_gate/1{query}")
    sample = failed.structured_content
    assert (sample["passed"], sample["verdict"], sample["db"]) == (False, "mismatch", db)
    assert sample["feedback"].startswith("FAILED (mismatch)") and "`out`" in sample["feedback"]
    assert "has no sample 7 of and_gate; it has samples [0, 1]" in _error_text(missing)
    assert "no task 'nand'" in _error_text(no_task)
    uris = {t.uri_template for t in templates.resource_templates}
    assert {"veriassist://runs/{name}{?db}", "veriassist://runs/{name}/samples/{task}/{sample}{?db}"} <= uris
    listed = json.loads(runs.contents[0].text)
    assert listed["db"] == db and [r["name"] for r in listed["runs"]] == ["mixed"]
    summary = json.loads(run.contents[0].text)
    assert summary["failing_tasks"] == ["and_gate"] and summary["samples"] == 3
    assert "veriassist://runs/mixed/samples/and_gate/1" in [r["uri"] for r in summary["records"]]
    assert json.loads(one.contents[0].text)["feedback"] == sample["feedback"]
