"""End to end: `veriassist generate` through the real LangChain/OpenAI client against a local
scripted server (ScriptedOpenAIServer, a test stand-in on 127.0.0.1), with the real simulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from test_loop import LOOP, reply

from veriassist.models.openai_stub import Delay, Fail, ScriptedOpenAIServer, Step

pytestmark = [pytest.mark.simulator, pytest.mark.slow]

ROOT = Path(__file__).parent.parent


def generate(server_url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv, env = command(server_url, out, *extra)
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=out.parent, timeout=300)


def command(server_url: str, out: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "VERIASSIST", "ANTHROPIC"))}
    env["XDG_CONFIG_HOME"] = str(out.parent / "config")  # no user config file
    env["XDG_CACHE_HOME"] = str(out.parent / "cache")
    # A project config file: quick retries, so scripted 500s do not slow the test.
    (out.parent / "veriassist.toml").write_text("[model]\nmax_retries = 2\nbackoff_base_s = 0.01\n")
    argv = [
        sys.executable,
        "-m",
        "veriassist",
        "generate",
        str(ROOT / "designs" / "updown_counter"),
        "-o",
        str(out),
        "--model",
        "openai:scripted-stand-in",
        "--base-url",
        server_url,
        "--stand-in",
        *extra,
    ]
    return argv, env


def user_prompts(server: ScriptedOpenAIServer) -> list[str]:
    return [request["messages"][-1]["content"] for request in server.requests]


def test_syntax_error_then_logic_bug_then_fix_through_the_openai_protocol(tmp_path: Path) -> None:
    script = [
        Fail(429, retry_after=0.01),  # rate limited once: retried, not fatal
        reply("updown_syntax.sv"),
        reply("updown_bug.sv", prose="Fixed the missing semicolon."),
        "Every requirement is OK and tested.\nKEEP",  # its own tests failed: a self-check
        reply("updown_good.sv", prose="The RTL ignored `up` when counting; fixed the RTL."),
    ]
    with ScriptedOpenAIServer(script) as server:
        done = generate(server.url, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    prompts = user_prompts(server)
    assert len(server.requests) == 5  # the 429 and four answered calls
    assert prompts[0] == prompts[1]  # the retry resent the same request
    assert "syntax error" in prompts[2] and "updown_counter.sv:9" in prompts[2]
    assert "List the specification's requirements" in prompts[3]
    assert "matches_a_python_model" in prompts[4] and "expected" in prompts[4]
    for prompt in prompts:
        assert "Mismatches:" not in prompt and "updown_counter_ref" not in prompt  # golden stays hidden
    assert server.requests[1]["model"] == "scripted-stand-in"

    out = tmp_path / "out"
    outcome = json.loads((out / "outcome.json").read_text())
    assert outcome["passed"] and outcome["judged_by"] == "golden" and outcome["stand_in"]
    assert [i["golden_kind"] for i in outcome["iterations"]] == ["syntax-error", "mismatch", "pass"]
    assert [i["self_check"] for i in outcome["iterations"]] == [None, "kept", None]
    assert outcome["feedback"] == "own-testbench" and outcome["stop_reason"] == "passed"
    assert all(i["tokens_in"] > 0 for i in outcome["iterations"])
    logged = [json.loads(line) for line in (out / "iterations.jsonl").read_text().splitlines()]
    assert [i["golden_kind"] for i in logged] == ["syntax-error", "mismatch", "pass"]
    assert logged[1]["prompt"] == prompts[2]  # the log holds what the model was sent
    assert (out / "updown_counter.sv").read_text().strip() == (LOOP / "updown_good.sv").read_text().strip()
    assert "cocotb" in (out / "test_updown_counter.py").read_text()
    transcript = (out / "transcript.md").read_text()
    assert "test stand-in: not a model's result" in transcript
    assert "iteration 3: own check pass; golden pass" in transcript
    assert "iteration 1: asking" in done.stderr and "self-check: kept" in done.stderr


def test_junk_and_server_errors_end_the_attempt_without_a_crash(tmp_path: Path) -> None:
    script = [reply("updown_bug.sv"), "KEEP", *([Fail(500)] * 8)]
    with ScriptedOpenAIServer(script) as server:
        done = generate(server.url, tmp_path / "out", "--iterations", "3")
    assert done.returncode == 1, done.stderr
    outcome = json.loads((tmp_path / "out" / "outcome.json").read_text())
    assert outcome["stop_reason"] == "model-error" and "500" in outcome["model_error"]
    assert outcome["verdict"] == "mismatch"  # the best design so far is still written
    assert (tmp_path / "out" / "updown_counter.sv").exists()


def test_unreachable_server_is_a_clear_usage_error(tmp_path: Path) -> None:
    done = generate("http://127.0.0.1:9/v1", tmp_path / "out")
    assert done.returncode == 2
    assert "127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_killed_generate_keeps_every_finished_iteration(tmp_path: Path) -> None:
    out = tmp_path / "out"
    correcting = threading.Event()

    def respond(body: dict[str, Any]) -> Step | str:
        prompt = str(body["messages"][-1]["content"])
        if "single word KEEP" in prompt:
            return "The walk-through agrees with the tests.\nKEEP"
        if "Evidence from the simulation" in prompt:  # the correction turn, after iteration 1
            correcting.set()
            return Delay(600)  # held until the process is killed (the server's stop wakes it)
        return reply("updown_bug.sv")

    with ScriptedOpenAIServer(responder=respond) as server:
        argv, env = command(server.url, out)
        with (tmp_path / "stderr.txt").open("w") as stderr:
            process = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=stderr)
            try:
                assert correcting.wait(timeout=240), (tmp_path / "stderr.txt").read_text()
            finally:
                process.kill()
                process.wait(timeout=60)
    # Killed while waiting for the model: iteration 1 was written before that call was made.
    lines = (out / "iterations.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["iteration"], r["own_kind"], r["golden_kind"]) for r in records] == [
        (1, "test-failed", "mismatch")
    ]
    assert "`updown_counter`" in records[0]["prompt"] and "module updown_counter" in records[0]["reply"]
    assert records[0]["tokens_in"] > 0 and "matches_a_python_model" in records[0]["feedback"]
    assert not (out / "outcome.json").exists()  # the run never finished


def test_generate_records_the_feedback_a_strategy_really_shows(tmp_path: Path) -> None:
    with ScriptedOpenAIServer([reply("updown_good.sv", testbench=None)]) as server:
        done = generate(server.url, tmp_path / "out", "--strategy", "compile-only")
    assert done.returncode == 0, done.stderr
    outcome = json.loads((tmp_path / "out" / "outcome.json").read_text())
    assert outcome["feedback"] == "compiler" and outcome["stop_reason"] == "passed"
    assert "feedback shown to the model: compiler" in (tmp_path / "out" / "transcript.md").read_text()
    # none and compiler are what gets recorded, never what a user asks for.
    done = generate(server.url, tmp_path / "out2", "--feedback", "none")
    assert done.returncode == 2 and "--feedback takes own-testbench or golden" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_self_check_goes_from_failing_own_tests_straight_to_the_correction(tmp_path: Path) -> None:
    script = [reply("updown_bug.sv"), reply("updown_good.sv")]
    with ScriptedOpenAIServer(script) as server:
        done = generate(server.url, tmp_path / "out", "--self-check", "never")
    assert done.returncode == 0, done.stderr
    prompts = user_prompts(server)
    assert len(prompts) == 2 and "requirements" not in prompts[1] and "own cocotb testbench" in prompts[1]
    assert "self-check" not in done.stderr


# A real model's answers (a manual-model run, answered from the prompts alone by an LLM helper),
# replayed through `generate`: a prompt change that breaks the replay shows as a replay miss.
REAL_REPLAY = Path(__file__).parent / "fixtures" / "replay" / "seq_detector_1011_veriassist"
SEQ_DETECTOR = REAL_REPLAY / "design"  # the design as it was recorded


def _generate(design: Path, out: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "veriassist", "generate", str(design), "-o", str(out)]
    argv += ["--model", f"replay:{REAL_REPLAY}", "--iterations", "3"]  # as recorded: strength on
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def test_a_real_models_recorded_run_replays_to_the_same_pass(tmp_path: Path) -> None:
    done = _generate(SEQ_DETECTOR, tmp_path / "out")
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads((tmp_path / "out" / "outcome.json").read_text())
    assert outcome["passed"] and outcome["judged_by"] == "golden"
    (first,) = outcome["iterations"]
    assert first["own_kind"] == "pass" and first["golden_kind"] == "pass"
    assert "recorded from manual" in outcome["model"]


def test_a_prompt_the_recording_never_saw_is_a_clear_replay_miss(tmp_path: Path) -> None:
    changed = tmp_path / "seq_detector_1011"
    shutil.copytree(SEQ_DETECTOR, changed)
    spec = changed / "spec.md"
    spec.write_text(spec.read_text() + "\nThe detector must also be fast.\n")
    done = _generate(changed, tmp_path / "out")
    assert done.returncode != 0
    assert "replay" in done.stderr.lower() and "Traceback" not in done.stderr
