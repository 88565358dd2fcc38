"""`veriassist bench --model` end to end: the agent loop over a few designs, through the real
LangChain/OpenAI client against ScriptedOpenAIServer (a test stand-in on 127.0.0.1), with
the real simulator. Server faults on some problems must not stop the batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_loop import LOOP, reply

from veriassist.eval.store import Store
from veriassist.models.openai_stub import Fail, Junk, ScriptedOpenAIServer, Step
from veriassist.types import FailureKind

pytestmark = pytest.mark.simulator

ROOT = Path(__file__).parent.parent
BUG, GOOD = (LOOP / "updown_bug.sv").read_text().strip(), (LOOP / "updown_good.sv").read_text().strip()


def respond(body: dict[str, Any]) -> Step | str | None:
    """updown_counter: a logic bug, KEEP, then the fix; mux4: every call a 500; adder8: junk."""
    prompt = str(body["messages"][-1]["content"])
    if "`mux4`" in prompt or "module mux4" in prompt:
        return Fail(500, "scripted server error")
    if "`adder8`" in prompt or "module adder8" in prompt:
        return Junk()
    if "single word KEEP" in prompt:
        return "I walked through reset, load and counting; the values agree with the tests.\nKEEP"
    if BUG in prompt:
        return reply("updown_good.sv", prose="The RTL ignored `up` when counting; fixed the RTL.")
    if "`updown_counter`" in prompt:
        return reply("updown_bug.sv")
    return None


def veriassist(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "VERIASSIST", "ANTHROPIC"))}
    env |= {
        "XDG_CONFIG_HOME": str(cwd / "config"),
        "XDG_CACHE_HOME": str(cwd / "cache"),
    }
    argv = [sys.executable, "-m", "veriassist", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_bench_model_runs_the_loop_per_sample_marks_the_stand_in_and_survives_server_faults(
    tmp_path: Path,
) -> None:
    # Quick retries, so the scripted 500s do not slow the test.
    (tmp_path / "veriassist.toml").write_text("[model]\nmax_retries = 1\nbackoff_base_s = 0.01\n")
    db = tmp_path / "runs.db"
    with ScriptedOpenAIServer(responder=respond) as server:
        done = veriassist(
            tmp_path,
            "bench",
            str(ROOT / "designs"),
            "--model",
            "openai:scripted-stand-in",
            "--base-url",
            server.url,
            "--stand-in",  # the endpoint is a scripted stand-in: every record must say so
            "--iterations",
            "3",
            "--samples-per-task",
            "2",
            "-j",
            "2",
            "--only",
            "updown_counter,mux4,adder8",
            "--db",
            str(db),
            "--run",
            "standin-batch",
            "--json",
        )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["stand_in"] is True and data["model_kind"] == "api"
    results = {(r["task_id"], r["sample"]): r for r in data["results"]}
    assert len(results) == 6
    assert results["updown_counter", 0]["passed"] and results["updown_counter", 1]["passed"]
    for task in ("mux4", "adder8"):
        for sample in (0, 1):
            assert not results[task, sample]["passed"]
            assert "model-error" in results[task, sample]["summary"]
    assert server.max_in_flight <= 2  # -j 2 caps the calls in flight

    with Store(db) as store:
        run = store.get_run("standin-batch")
        assert run.stand_in and run.model == "openai:scripted-stand-in"
        updown = [i for i in store.iterations(run.id) if i.task_id == "updown_counter"]
        assert sorted((i.sample, i.iteration) for i in updown) == [(0, 1), (0, 2), (1, 1), (1, 2)]
        kinds = {i.iteration: (i.own_kind, i.golden_kind) for i in updown}
        assert kinds == {
            1: (FailureKind.TEST_FAILED, FailureKind.MISMATCH),
            2: (FailureKind.PASS, FailureKind.PASS),
        }
        assert all(i.tokens_in > 0 for i in updown)
        assert not [i for i in store.iterations(run.id) if i.task_id != "updown_counter"]

    shown = veriassist(tmp_path, "runs", "show", "standin-batch", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "STAND-IN" in shown.stdout
    report = tmp_path / "report.html"
    made = veriassist(tmp_path, "report", "standin-batch", "--db", str(db), "-o", str(report))
    assert made.returncode == 0, made.stderr
    assert "scripted stand-in: not a model&#39;s pass rate" in report.read_text() or (
        "scripted stand-in: not a model's pass rate" in report.read_text()
    )
