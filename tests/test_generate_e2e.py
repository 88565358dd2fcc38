"""End to end: `veriassist generate` through the real LangChain/OpenAI client against a local
scripted server (ScriptedOpenAIServer, a test stand-in on 127.0.0.1), with the real simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.openai_stub import Fail, ScriptedOpenAIServer
from test_loop import LOOP, reply

pytestmark = [pytest.mark.simulator, pytest.mark.slow]

ROOT = Path(__file__).parent.parent


def generate(server_url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
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
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=out.parent, timeout=300)


def user_prompts(server: ScriptedOpenAIServer) -> list[str]:
    return [request["messages"][-1]["content"] for request in server.requests]


def test_syntax_error_then_logic_bug_then_fix_through_the_openai_protocol(tmp_path: Path) -> None:
    script = [
        Fail(429, retry_after=0.01),  # rate limited once: retried, not fatal
        reply("updown_syntax.sv"),
        "I walked through reset, load and counting; the values agree with the tests.\nKEEP",
        reply("updown_bug.sv", prose="Fixed the missing semicolon."),
        reply("updown_good.sv", prose="The RTL ignored `up` when counting; fixed the RTL."),
    ]
    with ScriptedOpenAIServer(script) as server:
        done = generate(server.url, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    prompts = user_prompts(server)
    assert len(server.requests) == 5  # the 429 and four answered calls
    assert prompts[0] == prompts[1]  # the retry resent the same request
    assert "syntax error" in prompts[3] and "updown_counter.sv:9" in prompts[3]
    assert "matches_a_python_model" in prompts[4] and "expected" in prompts[4]
    for prompt in prompts:
        assert "Mismatches:" not in prompt and "updown_counter_ref" not in prompt  # golden stays hidden
    assert server.requests[1]["model"] == "scripted-stand-in"

    out = tmp_path / "out"
    outcome = json.loads((out / "outcome.json").read_text())
    assert outcome["passed"] and outcome["judged_by"] == "golden" and outcome["stand_in"]
    assert [i["golden_kind"] for i in outcome["iterations"]] == ["syntax-error", "mismatch", "pass"]
    assert all(i["tokens_in"] > 0 for i in outcome["iterations"])
    assert (out / "updown_counter.sv").read_text().strip() == (LOOP / "updown_good.sv").read_text().strip()
    assert "cocotb" in (out / "test_updown_counter.py").read_text()
    transcript = (out / "transcript.md").read_text()
    assert "test stand-in: not a model's result" in transcript
    assert "iteration 3: own check pass; golden pass" in transcript
    assert "iteration 1: asking" in done.stderr and "self-verification" in done.stderr


def test_junk_and_server_errors_end_the_attempt_without_a_crash(tmp_path: Path) -> None:
    script = [reply("updown_bug.sv"), "KEEP", *([Fail(500)] * 8)]
    with ScriptedOpenAIServer(script) as server:
        done = generate(server.url, tmp_path / "out", "--iterations", "3")
    assert done.returncode == 1, done.stderr
    outcome = json.loads((tmp_path / "out" / "outcome.json").read_text())
    assert outcome["stop_reason"].startswith("model-error")
    assert outcome["verdict"] == "mismatch"  # the best design so far is still written
    assert (tmp_path / "out" / "updown_counter.sv").exists()


def test_unreachable_server_is_a_clear_usage_error(tmp_path: Path) -> None:
    done = generate("http://127.0.0.1:9/v1", tmp_path / "out")
    assert done.returncode == 2
    assert "127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr
