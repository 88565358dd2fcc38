"""veriassist.models through the real langchain-openai client against a scripted local server."""

from __future__ import annotations

import io
import json
import random
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings
from veriassist.models import (
    CallLimiter,
    Completion,
    ManualModel,
    Message,
    MissingExtra,
    ModelAuthError,
    ModelConfigError,
    ModelNotConfigured,
    ModelNotFound,
    ModelProtocolError,
    ModelRetriesExhausted,
    ModelSettings,
    ModelUnreachable,
    ReplayMiss,
    ScriptedModel,
    ScriptExhausted,
    make_model,
    resolve_settings,
)
from veriassist.models.openai_stub import Delay, Fail, Junk, Reply, ScriptedOpenAIServer
from veriassist.models.pricing import builtin_price
from veriassist.types import Problem

PROMPT = [
    Message("system", "You write Verilog."),
    Message("user", "Write a 4-bit counter with synchronous reset."),
]


@pytest.fixture
def server() -> Any:
    with ScriptedOpenAIServer() as srv:
        yield srv


def settings_for(srv: ScriptedOpenAIServer, tmp_path: Path, **overrides: Any) -> ModelSettings:
    values: dict[str, Any] = {
        "model": "openai:stub-coder",
        "base_url": srv.url,
        "api_key": "test-key",
        "timeout_s": 2.0,
        "max_retries": 2,
        "cache_dir": tmp_path / "cache",
    }
    values.update(overrides)
    return ModelSettings(**values)


class Sleeps(list[float]):
    """Stands in for time.sleep: remembers each delay and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# -- real client against the scripted server ----------------------------------------------


def test_reply_comes_back_with_usage_tokens_and_latency(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Reply("module counter; endmodule", prompt_tokens=17, completion_tokens=5))
    model = make_model(settings_for(server, tmp_path))

    completion = model.complete(PROMPT)

    assert completion.text == "module counter; endmodule"
    assert (completion.prompt_tokens, completion.completion_tokens) == (17, 5)
    assert completion.kind == "api" and not completion.cached and not completion.stand_in
    assert completion.model == "openai:stub-coder"
    assert completion.latency_s > 0
    assert completion.cost_usd is None  # a custom base URL has no known price
    assert model.describe() == f"openai:stub-coder @ {server.url}"
    assert not model.is_stand_in


def test_streamed_reply_asks_for_and_records_usage(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Reply("assign y = a & b;", prompt_tokens=9, completion_tokens=6))
    model = make_model(settings_for(server, tmp_path, stream=True))

    completion = model.complete(PROMPT)

    assert completion.text == "assign y = a & b;"
    assert (completion.prompt_tokens, completion.completion_tokens) == (9, 6)
    assert server.requests[0]["stream"] is True
    assert server.requests[0]["stream_options"] == {"include_usage": True}


def test_request_carries_our_messages_and_generation_settings(
    server: ScriptedOpenAIServer, tmp_path: Path
) -> None:
    server.add("ok")
    settings = settings_for(server, tmp_path, temperature=0.2, top_p=0.9, seed=7, max_tokens=300)

    make_model(settings).complete(PROMPT)

    body = server.requests[0]
    assert body["model"] == "stub-coder"
    assert body["messages"] == [
        {"role": "system", "content": "You write Verilog."},
        {"role": "user", "content": "Write a 4-bit counter with synchronous reset."},
    ]
    assert body["temperature"] == 0.2
    assert body["top_p"] == 0.9
    assert body["seed"] == 7
    # langchain-openai sends OpenAI's current name for max_tokens.
    assert body["max_completion_tokens"] == 300
    assert server.headers[0]["authorization"] == "Bearer test-key"


def test_rate_limit_is_retried_honouring_retry_after(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Fail(429, "slow down", retry_after=0.25), Fail(429, "slow down", retry_after=3), "done")
    sleeps = Sleeps()
    model = make_model(settings_for(server, tmp_path, max_retries=3), sleep=sleeps)

    completion = model.complete(PROMPT)

    assert completion.text == "done"
    assert completion.attempts == 3
    assert server.request_count == 3  # the client's own retries are off: these are ours
    assert sleeps == [0.25, 3.0]


def test_server_errors_are_retried_with_growing_jittered_backoff_then_give_up(
    server: ScriptedOpenAIServer, tmp_path: Path
) -> None:
    server.add(Fail(500, "boom"), Fail(502, "bad gateway"), Fail(503, "overloaded"), "never reached")
    sleeps = Sleeps()
    settings = settings_for(server, tmp_path, max_retries=2, backoff_base_s=1.0, backoff_max_s=60)
    model = make_model(settings, sleep=sleeps, rng=random.Random(0))

    with pytest.raises(ModelRetriesExhausted) as err:
        model.complete(PROMPT)

    assert server.request_count == 3
    assert err.value.attempts == 3
    assert "gave up after 3 attempts" in str(err.value)
    assert "503" in str(err.value) and server.url in str(err.value)
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


def test_timeout_is_retried(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Delay(2.0, then=Reply("late")), "on time")
    sleeps = Sleeps()
    model = make_model(settings_for(server, tmp_path, timeout_s=0.3), sleep=sleeps)

    assert model.complete(PROMPT).text == "on time"
    assert server.request_count == 2
    assert len(sleeps) == 1


def test_bad_key_fails_at_once_with_a_clear_message(tmp_path: Path) -> None:
    sleeps = Sleeps()
    with ScriptedOpenAIServer(["never"], api_key="right-key") as srv:
        model = make_model(settings_for(srv, tmp_path, api_key="wrong-key"), sleep=sleeps)
        with pytest.raises(ModelAuthError) as err:
            model.complete(PROMPT)
        assert srv.request_count == 1
    assert sleeps == []
    message = str(err.value)
    assert "rejected the credentials (401)" in message
    assert "Incorrect API key" in message
    assert srv.url in message


def test_unknown_model_fails_at_once(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Fail(404, "The model `stub-coder` does not exist"))
    sleeps = Sleeps()
    with pytest.raises(ModelNotFound) as err:
        make_model(settings_for(server, tmp_path), sleep=sleeps).complete(PROMPT)
    assert server.request_count == 1 and sleeps == []
    assert "'stub-coder' not found (404)" in str(err.value)
    assert f"GET {server.url}/models" in str(err.value)


def test_connection_refused_names_the_url_tried(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, so nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    sleeps = Sleeps()
    settings = ModelSettings(model="openai:stub-coder", base_url=url, timeout_s=2, cache_dir=tmp_path)

    with pytest.raises(ModelUnreachable) as err:
        make_model(settings, sleep=sleeps).complete(PROMPT)

    assert f"{url}/chat/completions" in str(err.value)
    assert "refused" in str(err.value).lower()
    assert sleeps == []


def test_junk_body_is_a_protocol_error_not_a_retry(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Junk(b"<html>It works!</html>"))
    sleeps = Sleeps()
    with pytest.raises(ModelProtocolError) as err:
        make_model(settings_for(server, tmp_path), sleep=sleeps).complete(PROMPT)
    assert "OpenAI-compatible endpoint" in str(err.value)
    assert server.request_count == 1 and sleeps == []


def test_empty_reply_is_returned_as_empty_text(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Reply(""))
    assert make_model(settings_for(server, tmp_path)).complete(PROMPT).text == ""


def test_limiter_caps_calls_in_flight_across_model_instances(tmp_path: Path) -> None:
    limiter = CallLimiter(2)
    with ScriptedOpenAIServer([f"r{i}" for i in range(6)], latency_s=0.15) as srv:
        models = [make_model(settings_for(srv, tmp_path), limiter=limiter) for _ in range(3)]
        threads = [threading.Thread(target=models[i % 3].complete, args=(PROMPT,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        assert srv.request_count == 6
        assert srv.max_in_flight == 2


# -- cache ----------------------------------------------------------------------------------


def test_cache_hit_at_temperature_zero_makes_no_second_request(
    server: ScriptedOpenAIServer, tmp_path: Path
) -> None:
    server.add(Reply("cached text", prompt_tokens=10, completion_tokens=2))
    settings = settings_for(server, tmp_path, temperature=0)

    first = make_model(settings).complete(PROMPT)
    second = make_model(settings).complete(PROMPT)  # a new instance: the cache is on disk

    assert server.request_count == 1
    assert not first.cached
    assert second.cached and second.text == "cached text"
    assert second.cost_usd == 0.0 and second.attempts == 0
    assert second.request_hash == first.request_hash != ""


def test_cache_is_opt_in_above_temperature_zero_and_no_cache_bypasses_it(
    server: ScriptedOpenAIServer, tmp_path: Path
) -> None:
    server.add("a", "b", "c", "d")
    warm = settings_for(server, tmp_path, temperature=0.7)
    assert not warm.cache_enabled
    make_model(warm).complete(PROMPT)
    assert make_model(warm).complete(PROMPT).text == "b"

    opted = settings_for(server, tmp_path, temperature=0.7, cache=True)
    make_model(opted).complete(PROMPT)
    assert make_model(opted).complete(PROMPT).cached

    bypass = settings_for(server, tmp_path, temperature=0.7, cache=True, no_cache=True)
    assert make_model(bypass).complete(PROMPT).text == "d"
    assert server.request_count == 4


# -- record and replay ---------------------------------------------------------------------


def test_record_then_replay_gives_the_same_text_without_a_server(tmp_path: Path) -> None:
    record_dir = tmp_path / "run"
    with ScriptedOpenAIServer([Reply("module a; endmodule", prompt_tokens=8, completion_tokens=3)]) as srv:
        recorded = make_model(settings_for(srv, tmp_path, record_dir=record_dir, seed=1)).complete(PROMPT)
        url = srv.url
    files = sorted(record_dir.glob("*.json"))
    assert len(files) == 1
    exchange = json.loads(files[0].read_text())
    assert exchange["messages"][1]["content"] == PROMPT[1].content
    assert exchange["params"]["seed"] == 1
    assert exchange["completion"]["prompt_tokens"] == 8

    replay = make_model(ModelSettings(model=f"replay:{record_dir}", seed=1))
    replayed = replay.complete(PROMPT)

    assert replayed.text == recorded.text
    assert replayed.kind == "replay" and replayed.model == "openai:stub-coder"
    assert not replay.is_stand_in
    assert f"openai:stub-coder @ {url}" in replay.describe()


def test_replay_miss_names_the_hash_and_the_request(tmp_path: Path) -> None:
    record_dir = tmp_path / "run"
    make_model(ModelSettings(model=f"scripted:{_script(tmp_path, ['x'])}", record_dir=record_dir)).complete(
        PROMPT
    )
    replay = make_model(ModelSettings(model=f"replay:{record_dir}"))
    other = [Message("user", "Write a UART transmitter.\nWith 8N1 framing.")]

    with pytest.raises(ReplayMiss) as err:
        replay.complete(other)

    from veriassist.models import GenerationParams, request_hash

    message = str(err.value)
    assert request_hash(other, GenerationParams())[:16] in message
    assert "Write a UART transmitter." in message and "With 8N1 framing." in message


def test_replay_miss_when_only_the_settings_differ_says_so(tmp_path: Path) -> None:
    record_dir = tmp_path / "run"
    scripted = f"scripted:{_script(tmp_path, ['x'])}"
    make_model(ModelSettings(model=scripted, record_dir=record_dir, temperature=0.5)).complete(PROMPT)
    with pytest.raises(ReplayMiss, match="recorded with other settings"):
        make_model(ModelSettings(model=f"replay:{record_dir}", temperature=0)).complete(PROMPT)


def test_replay_of_a_scripted_run_is_still_a_stand_in(tmp_path: Path) -> None:
    record_dir = tmp_path / "run"
    make_model(ModelSettings(model=f"scripted:{_script(tmp_path, ['one'])}", record_dir=record_dir)).complete(
        PROMPT
    )
    replay = make_model(ModelSettings(model=f"replay:{record_dir}"))
    completion = replay.complete(PROMPT)
    assert replay.is_stand_in and completion.stand_in
    assert "test stand-in" in replay.describe()


# -- scripted and manual models ------------------------------------------------------------


def test_scripted_model_records_prompts_and_raises_when_exhausted() -> None:
    model = ScriptedModel(replies=["first", "second"])
    assert model.is_stand_in and model.describe() == "scripted (test stand-in, 2 replies)"

    replies = [model.complete(PROMPT), model.complete([Message("user", "again")])]
    assert [r.text for r in replies] == ["first", "second"]
    assert all(r.kind == "scripted" and r.stand_in for r in replies)
    assert model.requests[0] == tuple(PROMPT)
    assert model.requests[1][0].content == "again"

    with pytest.raises(ScriptExhausted, match="has 2 replies and request 3"):
        model.complete([Message("user", "one more")])


def test_scripted_model_can_script_a_failure() -> None:
    model = ScriptedModel(replies=[ModelUnreachable("down"), "up"])
    with pytest.raises(ModelUnreachable):
        model.complete(PROMPT)
    assert model.complete(PROMPT).text == "up"


def test_manual_model_writes_the_prompt_and_reads_the_reply_file(tmp_path: Path) -> None:
    directory = tmp_path / "manual"
    stderr = io.StringIO()

    def person_answers(seconds: float) -> None:
        # The person reads prompt-001.md and saves a reply while the model polls.
        if not (directory / "reply-001.md").exists():
            assert "4-bit counter" in (directory / "prompt-001.md").read_text()
            (directory / "reply-001.md").write_text("module counter; endmodule\n")

    model = ManualModel(directory, stderr=stderr, poll_s=0.01, timeout_s=5, sleep=person_answers)
    completion = model.complete(PROMPT)

    assert completion.text == "module counter; endmodule\n"
    assert completion.kind == "manual" and not completion.stand_in
    assert "reply-001.md" in stderr.getvalue() and "4-bit counter" in stderr.getvalue()


def test_manual_model_reads_a_reply_from_stdin_and_numbers_after_old_prompts(tmp_path: Path) -> None:
    directory = tmp_path / "manual"
    directory.mkdir()
    (directory / "prompt-004.md").write_text("an earlier session's prompt")
    (directory / "reply-004.md").write_text("an earlier session's reply")
    stdin = io.StringIO("module m;\nendmodule\n.\n")
    model = make_model(
        ModelSettings(model=f"manual:{directory}"), stdin=stdin, stderr=io.StringIO(), sleep=Sleeps()
    )

    assert model.complete(PROMPT).text == "module m;\nendmodule\n"
    assert (directory / "prompt-005.md").is_file()
    assert (directory / "reply-005.md").read_text() == "module m;\nendmodule\n"


class Terminal(io.StringIO):
    """Typed input at a terminal: someone is there to paste a reply."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stdin_cls", [io.StringIO, Terminal])
def test_manual_model_offers_pasting_only_at_a_terminal(tmp_path: Path, stdin_cls: type[io.StringIO]) -> None:
    stderr = io.StringIO()
    model = ManualModel(tmp_path, stdin=stdin_cls("module m;\nendmodule\n.\n"), stderr=stderr, sleep=Sleeps())
    assert model.complete(PROMPT).text == "module m;\nendmodule\n"  # piped input is still read
    assert ("paste it here" in stderr.getvalue()) is (stdin_cls is Terminal)
    assert "write the reply to" in stderr.getvalue()


def test_manual_model_says_what_it_is_and_estimates_tokens_as_such(tmp_path: Path) -> None:
    model = ManualModel(
        tmp_path, stdin=io.StringIO("no code, sorry\n.\n"), stderr=io.StringIO(), sleep=Sleeps()
    )
    assert model.describe().startswith("manual (answered by a person or another tool")
    completion = model.complete(PROMPT)
    prompt_chars = len((tmp_path / "prompt-001.md").read_text())
    assert completion.prompt_tokens == (prompt_chars + 3) // 4 and completion.completion_tokens == 4
    problem = Problem(task_id="t", spec="A 4-bit counter `c`.", top="c")
    model = ManualModel(tmp_path, stdin=io.StringIO("no code\n.\n"), stderr=io.StringIO(), sleep=Sleeps())
    outcome = run_loop(problem, model, LoopSettings(iterations=1, max_format_errors=1))
    assert outcome.tokens_estimated and outcome.tokens_in > 0 and outcome.tokens_out == 2


# -- settings ------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _script(tmp_path: Path, replies: list[str]) -> Path:
    return _write(tmp_path / "script.json", json.dumps(replies))


def test_settings_precedence_is_cli_then_env_then_project_then_user(tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "proj"
    _write(
        home / ".config/veriassist/config.toml",
        '[model]\nmodel = "openai:user-model"\ntemperature = 0.1\nseed = 1\nmax_tokens = 100\n',
    )
    _write(cwd / "veriassist.toml", '[model]\nmodel = "openai:project-model"\ntemperature = 0.2\nseed = 2\n')
    env = {"VERIASSIST_MODEL": "openai:env-model", "VERIASSIST_BASE_URL": "http://env:1/v1"}

    def resolve(cli: dict[str, Any], env: dict[str, str]) -> ModelSettings:
        return resolve_settings(cli, env=env, cwd=cwd, home=home)

    both = resolve({"model": "openai:cli-model", "seed": None}, env)
    assert both.model == "openai:cli-model"  # CLI beats env
    assert both.base_url == "http://env:1/v1"  # env beats files
    assert (both.temperature, both.seed, both.max_tokens) == (0.2, 2, 100)  # project beats user

    assert resolve({}, env).model == "openai:env-model"
    assert resolve({}, {}).model == "openai:project-model"
    (cwd / "veriassist.toml").unlink()
    assert resolve({}, {}).model == "openai:user-model"


def test_provider_variables_fill_only_what_nothing_else_set(tmp_path: Path) -> None:
    env = {"OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "http://proxy/v1", "ANTHROPIC_API_KEY": "ak"}
    plain = resolve_settings({"model": "openai:gpt-4o"}, env=env, cwd=tmp_path, home=tmp_path)
    assert plain.api_key is not None and plain.api_key.get_secret_value() == "sk-env"
    assert plain.base_url == "http://proxy/v1"

    _write(tmp_path / "veriassist.toml", '[model]\nbase_url = "http://localhost:8000/v1"\n')
    local = resolve_settings({"model": "openai:qwen"}, env=env, cwd=tmp_path, home=tmp_path)
    assert local.base_url == "http://localhost:8000/v1"

    claude = resolve_settings({"model": "anthropic:claude-x"}, env=env, cwd=tmp_path, home=tmp_path)
    assert claude.api_key is not None and claude.api_key.get_secret_value() == "ak"
    assert claude.base_url == "http://localhost:8000/v1"  # the project file said so; not OPENAI_BASE_URL


def test_misspelt_config_key_is_an_error_naming_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path / "veriassist.toml", '[model]\nmodel = "openai:gpt-4o"\ntemprature = 0\n')
    with pytest.raises(ModelConfigError) as err:
        resolve_settings({}, env={}, cwd=tmp_path, home=tmp_path / "home")
    assert str(path) in str(err.value)
    assert "unknown key 'temprature'" in str(err.value) and "did you mean 'temperature'" in str(err.value)


def test_misspelt_cli_key_and_bad_spec_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelConfigError, match="unknown key 'max_token'"):
        resolve_settings({"max_token": 5}, env={}, cwd=tmp_path, home=tmp_path)
    with pytest.raises(ModelConfigError, match=re.escape("write e.g. 'openai:gpt-4o'")):
        resolve_settings({"model": "gpt-4o"}, env={}, cwd=tmp_path, home=tmp_path)
    with pytest.raises(ModelConfigError, match="unknown provider 'gemini'"):
        ModelSettings(model="gemini:pro")


def test_no_model_configured_says_how_to_configure_one(tmp_path: Path) -> None:
    settings = resolve_settings({}, env={"OPENAI_API_KEY": "sk"}, cwd=tmp_path, home=tmp_path)
    with pytest.raises(ModelNotConfigured) as err:
        make_model(settings)
    message = str(err.value)
    assert "OPENAI_API_KEY" in message and "--model openai:gpt-4o-mini" in message
    assert "--base-url http://localhost:11434/v1" in message
    assert "veriassist[anthropic]" in message and "veriassist.toml" in message


def test_missing_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "langchain_anthropic" else real(name, *a),
    )
    settings = ModelSettings(model="anthropic:claude-x", api_key="k", cache_dir=tmp_path)
    with pytest.raises(MissingExtra, match=r"pip install 'veriassist\[anthropic\]'"):
        make_model(settings)


def test_cost_comes_from_settings_or_the_builtin_table(server: ScriptedOpenAIServer, tmp_path: Path) -> None:
    server.add(Reply("x", prompt_tokens=1_000_000, completion_tokens=500_000))
    settings = settings_for(server, tmp_path, price_input_per_mtok=1.0, price_output_per_mtok=4.0)
    assert make_model(settings).complete(PROMPT).cost_usd == pytest.approx(3.0)

    mini = builtin_price("openai", "gpt-4o-mini-2024-07-18")
    assert mini is not None and mini.input_per_mtok == 0.15
    assert builtin_price("openai", "my-local-model") is None


def test_completion_round_trips_through_json() -> None:
    completion = Completion(text="t", model="m", kind="api", prompt_tokens=1, cost_usd=0.5)
    assert Completion.from_json(json.loads(json.dumps(completion.to_json()))) == completion


def test_a_stand_in_is_marked_from_env_or_config_file(tmp_path: Path) -> None:
    spec = {"model": "openai:scripted"}
    assert not resolve_settings(spec, env={}, cwd=tmp_path, home=tmp_path).stand_in
    assert resolve_settings(spec, env={"VERIASSIST_STAND_IN": "1"}, cwd=tmp_path, home=tmp_path).stand_in
    _write(tmp_path / "veriassist.toml", "[model]\nstand_in = true\n")
    assert resolve_settings(spec, env={}, cwd=tmp_path, home=tmp_path).stand_in


def test_manual_model_lets_parallel_loops_wait_on_several_prompts_at_once(tmp_path: Path) -> None:
    # bench -j 2 with replies by file: both prompts are on disk before either is answered,
    # and each reply goes back to the loop that asked, whatever order they are written in.
    model = ManualModel(tmp_path, poll_s=0.01, timeout_s=10)
    replies: dict[str, str] = {}

    def ask(which: str) -> None:
        replies[which] = model.complete([Message("user", f"design {which}")]).text

    threads = [threading.Thread(target=ask, args=(w,)) for w in ("alpha", "beta")]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(list(tmp_path.glob("prompt-*.md"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    prompts = {p.read_text().strip().split()[-1]: p for p in tmp_path.glob("prompt-*.md")}
    assert sorted(prompts) == ["alpha", "beta"]  # both wait at once, nothing answered yet
    for which in ("beta", "alpha"):
        reply = prompts[which].with_name(prompts[which].name.replace("prompt", "reply"))
        reply.write_text(f"module {which}; endmodule\n")
    for thread in threads:
        thread.join(timeout=10)
    assert replies == {"alpha": "module alpha; endmodule\n", "beta": "module beta; endmodule\n"}


def test_manual_model_reads_stdin_only_from_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from veriassist.models.manual import default_stdin

    monkeypatch.setattr("sys.stdin", io.StringIO("piped\n"))
    assert default_stdin() is None  # `< /dev/null` or a pipe: replies by file, several at once
    terminal = Terminal("")
    monkeypatch.setattr("sys.stdin", terminal)
    assert default_stdin() is terminal


def test_two_manual_models_on_one_directory_never_take_the_same_prompt_number(tmp_path: Path) -> None:
    first = ManualModel(tmp_path, poll_s=0.01, timeout_s=5)
    second = ManualModel(tmp_path, poll_s=0.01, timeout_s=5)  # a second bench on the same folder
    (tmp_path / "reply-001.md").write_text("one")
    (tmp_path / "reply-002.md").write_text("two")
    assert first.complete([Message("user", "from the first run")]).text == "one"
    assert second.complete([Message("user", "from the second run")]).text == "two"
    assert "second run" in (tmp_path / "prompt-002.md").read_text()
