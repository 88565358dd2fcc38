"""The language server end to end over stdio (pytest-lsp), with real iverilog and a scripted model."""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

from veriassist.models.openai_stub import ScriptedOpenAIServer
from veriassist.servers.lsp import EditorSettings, Job, JobCancelled, find_reference, find_testbench

EDITOR = Path(__file__).parent / "fixtures" / "editor"
AND_GATE = EDITOR / "and_gate"
GOOD_AND = "module and_gate (\n  input a,\n  input b,\n  output out\n);\n  assign out = a & b;\nendmodule\n"
BUGGY_AND = GOOD_AND.replace("a & b", "a | b")
BROKEN_AND = GOOD_AND.replace("a & b;", "a & b").replace("endmodule", "wire oops\nendmodule")
NEEDS_LOOP = pytest.mark.skipif(
    importlib.util.find_spec("veriassist.agent.loop") is None, reason="the agent loop has not landed yet"
)
needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus Verilog")
COCOTB_TB = """\
import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def truth_table(dut):
    for a in (0, 1):
        for b in (0, 1):
            dut.a.value = a
            dut.b.value = b
            await Timer(1, unit="ns")
            assert int(dut.out.value) == (a & b), f"{a} & {b}"
"""
SCRIPTED_REPLY = f"```verilog\n{GOOD_AND}```\n\n```python\n{COCOTB_TB}```\n"


def _client_that_applies_edits() -> LanguageClient:
    """The test client, answering workspace/applyEdit as an editor would, and keeping each edit."""
    client = make_test_lsp_client()
    client.applied_edits = []  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(
        ls: LanguageClient, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        ls.applied_edits.append(params)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    return client


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of a designs/-style folder: testbench.sv + reference.sv + spec, and a scripted model's replies."""
    folder = tmp_path / "and_gate"
    shutil.copytree(AND_GATE, folder)
    (tmp_path / "replies.json").write_text(json.dumps([SCRIPTED_REPLY] * 8))
    return folder


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "veriassist", "lsp"], client_factory=_client_that_applies_edits
    )
)
async def client(lsp_client: LanguageClient, workspace: Path) -> Any:
    options = {"model": f"scripted:{workspace.parent / 'replies.json'}", "iterations": 3, "debounceMs": 50}
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            initialization_options=options,
        )
    )
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    language = "systemverilog" if path.suffix == ".sv" else "markdown"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, version, text))
    )
    return uri


def _change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def _diagnostics(
    client: LanguageClient, uri: str, wanted: Callable[[Sequence[types.Diagnostic]], bool]
) -> Sequence[types.Diagnostic]:
    """Wait (bounded) until the diagnostics published for `uri` satisfy `wanted`."""
    async with asyncio.timeout(30):
        while not (uri in client.diagnostics and wanted(client.diagnostics[uri])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def _commands(actions: Sequence[types.Command | types.CodeAction] | None) -> list[tuple[str, str, list[Any]]]:
    """(title, command, arguments) of each code action.

    lsprotocol's client-side converter reads any code action that carries a command as a
    `Command` whose `command` is the inner command's repr; VS Code reads the same JSON
    correctly, so undo that here rather than send bare Commands and lose the action kinds.
    """
    found = []
    for action in actions or []:
        if isinstance(action, types.CodeAction) and action.command is not None:
            found.append((action.title, action.command.command, list(action.command.arguments or [])))
        elif isinstance(action, types.Command) and action.command.startswith("{"):
            inner = ast.literal_eval(action.command)
            found.append((action.title, inner["command"], list(inner.get("arguments") or [])))
        elif isinstance(action, types.Command):
            found.append((action.title, action.command, list(action.arguments or [])))
    return found


async def _run(client: LanguageClient, command: str, *arguments: Any) -> Any:
    async with asyncio.timeout(120):
        return await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=list(arguments))
        )


@pytest.mark.asyncio
@needs_iverilog
async def test_diagnostics_appear_for_a_broken_file_and_clear_when_it_is_fixed(
    client: LanguageClient, workspace: Path
) -> None:
    uri = _open(client, workspace / "and_gate.sv", BROKEN_AND)
    found = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    error = found[0]
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.source == "iverilog"
    assert "syntax error" in error.message
    # iverilog reports the line after the missing semicolon; the range covers that line's code.
    assert error.range.start.line == 6
    assert (error.range.start.character, error.range.end.character) == (0, len("wire oops"))

    _change(client, uri, GOOD_AND, 2)
    assert list(await _diagnostics(client, uri, lambda ds: len(ds) == 0)) == []


@pytest.mark.asyncio
@needs_iverilog
async def test_warnings_are_warnings_and_instances_of_modules_defined_elsewhere_are_not_errors(
    client: LanguageClient, workspace: Path
) -> None:
    text = (
        "module top(input a, output y);\n  always @(*) ;\n  elsewhere u(.a(a));\n  assign y = a;\nendmodule\n"
    )
    (workspace / "lib").mkdir()  # defined in another folder of the workspace, not on iverilog's -y path
    (workspace / "lib" / "blocks.sv").write_text("module elsewhere(input a);\nendmodule\n")
    uri = _open(client, workspace / "top.sv", text)
    found = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    assert [(d.range.start.line, d.severity) for d in found] == [(1, types.DiagnosticSeverity.Warning)]
    assert "no sensitivities" in found[0].message


@pytest.mark.asyncio
@needs_iverilog
async def test_check_against_testbench_reports_pass_and_fail_from_a_real_simulation(
    client: LanguageClient, workspace: Path
) -> None:
    uri = _open(client, workspace / "and_gate.sv", GOOD_AND)
    await _diagnostics(client, uri, lambda ds: True)
    passed = await _run(client, "veriassist.server.check", uri)
    assert passed["passed"] is True, passed
    assert passed["verdict"] == "pass"

    _change(client, uri, BUGGY_AND, 2)
    failed = await _run(client, "veriassist.server.check", uri)
    assert failed["passed"] is False
    assert failed["verdict"] == "mismatch"
    found = await _diagnostics(client, uri, lambda ds: any(d.source == "veriassist-check" for d in ds))
    verdict = next(d for d in found if d.source == "veriassist-check")
    assert verdict.range.start.line == 0  # the `module and_gate` line
    assert "testbench.sv" in verdict.message and "mismatch" in verdict.message
    assert any("and_gate against testbench.sv: failed" in m.message for m in client.messages)


@pytest.mark.asyncio
async def test_code_actions_offer_fix_and_check_when_a_testbench_is_next_to_the_file(
    client: LanguageClient, workspace: Path
) -> None:
    uri = _open(client, workspace / "and_gate.sv", "// A two-input AND gate named and_gate.\n" + BUGGY_AND)
    at_comment = types.Range(types.Position(0, 3), types.Position(0, 3))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), at_comment, types.CodeActionContext(diagnostics=[])
        )
    )
    commands = {command for _, command, _ in _commands(actions)}
    assert commands == {
        "veriassist.server.generateFromSpec",
        "veriassist.server.fix",
        "veriassist.server.check",
        "veriassist.server.generateTestbench",
    }


@pytest.mark.asyncio
async def test_fix_without_a_testbench_says_where_it_looked(client: LanguageClient, workspace: Path) -> None:
    lonely = workspace / "lonely"
    lonely.mkdir()
    uri = _open(client, lonely / "alu.sv", GOOD_AND)
    result = await _run(client, "veriassist.server.fix", uri)
    assert result["ok"] is False
    assert "no testbench found next to alu.sv" in result["message"]
    assert "tb_alu.sv" in result["message"]
    assert any(m.type == types.MessageType.Error for m in client.messages)


SECRET = "sk_live_4f3c2a9b1e7d"
INCLUDES_TOKEN = 'module leak(output w);\n  assign w =\n`include "{name}"\n  ;\nendmodule\n'


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the workspace (not under the root the client declared), holding a secret."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "api_token.txt").write_text(SECRET + "\n")
    return folder


def _messages(client: LanguageClient) -> list[str]:
    return [d.message for found in client.diagnostics.values() for d in found]


@pytest.mark.asyncio
@needs_iverilog
async def test_a_file_outside_the_workspace_is_linted_from_its_text_alone(
    client: LanguageClient, outside: Path
) -> None:
    uri = _open(client, outside / "evil.sv", INCLUDES_TOKEN.format(name="api_token.txt"))
    found = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    refused = [d for d in found if d.source == "veriassist"]
    assert refused and refused[0].range.start.line == 2, found
    assert "outside the workspace folders" in refused[0].message
    assert not [m for m in _messages(client) if SECRET in m]


@pytest.mark.asyncio
@needs_iverilog
@pytest.mark.parametrize("how", ["relative", "absolute"])
async def test_an_include_reaching_out_of_the_workspace_is_reported_and_not_read(
    client: LanguageClient, workspace: Path, outside: Path, how: str
) -> None:
    name = "../outside/api_token.txt" if how == "relative" else str(outside / "api_token.txt")
    uri = _open(client, workspace / "leak.sv", INCLUDES_TOKEN.format(name=name))
    found = await _diagnostics(client, uri, lambda ds: any(d.source == "veriassist" for d in ds))
    assert any("was not read" in d.message and d.range.start.line == 2 for d in found), found
    assert not [m for m in _messages(client) if SECRET in m]


@pytest.mark.asyncio
@needs_iverilog
async def test_an_include_inside_the_workspace_is_still_followed(
    client: LanguageClient, workspace: Path
) -> None:
    (workspace / "width.vh").write_text("localparam W = 4;\n")
    text = 'module inc(output [3:0] y);\n`include "width.vh"\n  assign y = W;\n  always @(*) ;\nendmodule\n'
    uri = _open(client, workspace / "inc.sv", text)
    found = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    # Only the warning the file really has: W was found through the include.
    assert [(d.range.start.line, d.source) for d in found] == [(3, "iverilog")], found


@pytest.mark.asyncio
async def test_commands_refuse_files_and_testbenches_outside_the_workspace(
    client: LanguageClient, workspace: Path, outside: Path
) -> None:
    (outside / "testbench.sv").write_text('module tb; initial $display("secret"); endmodule\n')
    evil = _open(client, outside / "and_gate.sv", GOOD_AND)
    refused = await _run(client, "veriassist.server.check", evil)
    assert refused["ok"] is False
    assert "outside the workspace folders" in refused["message"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(evil),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[]),
        )
    )
    assert _commands(actions) == []

    # A testbench setting may not point out of the workspace either.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"veriassist": {"testbench": str(outside / "testbench.sv")}}
        )
    )
    inside = _open(client, workspace / "and_gate.sv", GOOD_AND)
    result = await _run(client, "veriassist.server.check", inside)
    assert result["ok"] is False
    assert "testbench.sv is outside the workspace folders" in result["message"]


@pytest.mark.asyncio
@NEEDS_LOOP
@needs_iverilog
async def test_fix_code_action_runs_the_loop_and_applies_its_edit(
    client: LanguageClient, workspace: Path
) -> None:
    uri = _open(client, workspace / "and_gate.sv", BUGGY_AND)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[]),
        )
    )
    command, arguments = next((c, args) for title, c, args in _commands(actions) if "Fix" in title)
    result = await _run(client, command, *arguments)
    assert result.get("applied") is True, result
    assert result["passed"] is True
    assert "passes your testbench" in result["message"]

    edit = client.applied_edits[-1].edit  # type: ignore[attr-defined]
    change = edit.document_changes[0]
    assert change.text_document.uri == uri
    assert change.text_document.version == 1  # refused by the editor if the user typed meanwhile
    assert "a & b" in change.edits[0].new_text
    assert change.edits[0].range.start == types.Position(0, 0)
    # The job reported work-done progress: begin ... end.
    kinds = [value.kind for values in client.progress_reports.values() for value in values]  # type: ignore[attr-defined]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    # The model client's start (slow the first time) is announced, not a silent wait.
    messages = [getattr(v, "message", None) for values in client.progress_reports.values() for v in values]  # type: ignore[attr-defined]
    assert messages.index("starting the model client") < next(
        i for i, m in enumerate(messages) if m and m.startswith("iteration 1")
    ), messages


@pytest.mark.asyncio
@NEEDS_LOOP
@needs_iverilog
async def test_generate_from_a_spec_file_creates_the_module_beside_it(
    client: LanguageClient, workspace: Path
) -> None:
    spec = workspace / "spec.md"
    uri = _open(client, spec, spec.read_text())
    result = await _run(client, "veriassist.server.generateFromSpec", uri)
    assert result.get("applied") is True, result
    assert result["uri"] == (workspace / "and_gate.sv").as_uri()
    create, insert = client.applied_edits[-1].edit.document_changes  # type: ignore[attr-defined]
    assert isinstance(create, types.CreateFile) and create.uri == result["uri"]
    assert "module and_gate" in insert.edits[0].new_text


def test_the_testbench_next_to_a_file_is_found_by_the_usual_names(tmp_path: Path) -> None:
    design = tmp_path / "fifo.sv"
    design.write_text(GOOD_AND)
    assert find_testbench(design) is None
    (tmp_path / "testbench.sv").write_text("module tb; endmodule\n")
    assert find_testbench(design) == tmp_path / "testbench.sv"
    (tmp_path / "tb_fifo.sv").write_text("module tb; endmodule\n")
    assert find_testbench(design) == tmp_path / "tb_fifo.sv"
    assert find_testbench(design, "testbench.sv") == tmp_path / "testbench.sv"
    assert find_testbench(design, "missing.sv") is None
    (tmp_path / "reference.sv").write_text(GOOD_AND)
    assert find_reference(tmp_path / "testbench.sv", design) == tmp_path / "reference.sv"


def test_editor_settings_read_vscode_keys_and_keep_defaults_for_bad_values() -> None:
    settings = EditorSettings.from_client(
        {
            "veriassist": {
                "model": "openai:gpt-4o-mini",
                "baseUrl": "http://localhost:11434/v1",
                "iterations": 0,
                "sandbox": False,
                "testbench": "",
            }
        }
    )
    assert settings.model == "openai:gpt-4o-mini"
    assert settings.base_url == "http://localhost:11434/v1"
    assert settings.iterations == EditorSettings().iterations
    assert settings.sandbox is False
    assert settings.testbench is None
    assert EditorSettings.from_client(None, settings) == settings


def test_a_cancelled_job_stops_at_its_next_step() -> None:
    cancelled: Future[Any] = Future()
    current = Job(ls=None, title="Fix", cancelled=cancelled)  # type: ignore[arg-type]
    cancelled.cancel()
    with pytest.raises(JobCancelled):
        current.step("iteration 2: compiling and simulating")


# --- issue 17: versioned edits, lasting check verdicts, precise diagnostics, clear messages ----------------
@pytest.fixture
def blocking_model(workspace: Path) -> Any:
    """A scripted OpenAI-protocol server whose replies wait for `release`: the job stays mid-flight."""
    release = threading.Event()

    def reply(body: dict[str, Any]) -> str:
        release.wait(timeout=60)
        return SCRIPTED_REPLY

    # The reply cache would answer a repeated prompt without asking the server.
    (workspace / "veriassist.toml").write_text("[model]\nno_cache = true\n")
    with ScriptedOpenAIServer(responder=reply) as stub:
        stub.release = release  # type: ignore[attr-defined]
        yield stub
        release.set()


async def _until(condition: Callable[[], bool]) -> None:
    """Wait (bounded) for something another thread or process does."""
    async with asyncio.timeout(60):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.mark.asyncio
@NEEDS_LOOP
@needs_iverilog
async def test_fix_edit_carries_the_version_it_started_from_when_the_user_typed_meanwhile(
    client: LanguageClient, workspace: Path, blocking_model: Any
) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"veriassist": {"model": "openai:gpt-4o-mini", "baseUrl": blocking_model.url}}
        )
    )
    uri = _open(client, workspace / "and_gate.sv", BUGGY_AND)
    fix = asyncio.ensure_future(_run(client, "veriassist.server.fix", uri))
    await _until(lambda: blocking_model.request_count > 0)  # the job is waiting on the model
    typed = "// a note the user is typing\n" + BUGGY_AND
    _change(client, uri, typed, 2)
    # A request after the change: the server handles messages in order, so the change is in.
    await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[]),
        )
    )
    blocking_model.release.set()
    result = await fix
    assert result["passed"] is True, result
    change = client.applied_edits[-1].edit.document_changes[0]  # type: ignore[attr-defined]
    # Version 1: the text the fix was computed from, so the editor (now at 2) refuses the edit.
    assert change.text_document.version == 1
    assert change.edits[0].range.end == types.Position(len(BUGGY_AND.splitlines()), 0)


@pytest.mark.asyncio
@needs_iverilog
async def test_a_failed_checks_verdict_stays_through_edits_until_the_next_check(
    client: LanguageClient, workspace: Path
) -> None:
    uri = _open(client, workspace / "and_gate.sv", BUGGY_AND)
    await _diagnostics(client, uri, lambda ds: True)
    failed = await _run(client, "veriassist.server.check", uri)
    assert failed["passed"] is False

    def verdicts(ds: Sequence[types.Diagnostic]) -> list[types.Diagnostic]:
        return [d for d in ds if d.source == "veriassist-check"]

    await _diagnostics(client, uri, lambda ds: bool(verdicts(ds)))
    edited = "// typing a comment above the module\n" + BUGGY_AND.replace("a | b", "a | b ")
    _change(client, uri, edited, 2)
    # The next lint publishes for version 2; the verdict is still there, on the moved module line.
    found = await _diagnostics(client, uri, lambda ds: any("before your last edits" in d.message for d in ds))
    (kept,) = verdicts(found)
    assert kept.range.start.line == 1 and "mismatch" in kept.message

    _change(client, uri, GOOD_AND, 3)
    passed = await _run(client, "veriassist.server.check", uri)
    assert passed["passed"] is True
    assert verdicts(await _diagnostics(client, uri, lambda ds: not verdicts(ds))) == []


@pytest.mark.asyncio
@needs_iverilog
async def test_iverilog_diagnostics_come_once_and_cover_the_token_they_name(
    client: LanguageClient, workspace: Path
) -> None:
    text = "module top(input a, output y);\n  assign y = a &;\n  assign q = zzz;\nendmodule\n"
    uri = _open(client, workspace / "top.sv", text)
    found = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    on_line_1 = [d.message for d in found if d.range.start.line == 1]
    # iverilog says "syntax error" and "syntax error in continuous assignment" for one mistake.
    assert on_line_1 == ["syntax error in continuous assignment"], found
    assert (found[0].range.start.character, found[0].range.end.character) == (2, len("  assign y = a &;"))

    text = "module top(input a, output y);\n  assign y = a & zzz;\nendmodule\n"
    _change(client, uri, text, 2)
    found = await _diagnostics(client, uri, lambda ds: any("zzz" in d.message for d in ds))
    # "Unable to bind `zzz'" and the "Unable to elaborate" it causes: one diagnostic, on zzz.
    (bind,) = found
    assert "Unable to bind" in bind.message
    column = text.splitlines()[1].index("zzz")
    assert (bind.range.start.character, bind.range.end.character) == (column, column + 3)


@pytest.mark.asyncio
async def test_an_instance_of_a_module_defined_nowhere_is_an_error_on_its_name(
    client: LanguageClient, workspace: Path
) -> None:
    text = "module top(input a, output y);\n  assign y = a;\n  nowhere_mod u1 (.a(a));\n  and_gate u2 (.a(a), .b(a), .out());\nendmodule\n"
    uri = _open(client, workspace / "top.sv", text)
    found = await _diagnostics(client, uri, lambda ds: any("nowhere_mod" in d.message for d in ds))
    (unknown,) = [d for d in found if "Unknown module type" in d.message]  # and_gate is in the folder
    assert unknown.severity == types.DiagnosticSeverity.Error
    assert unknown.range.start.line == 2
    assert (unknown.range.start.character, unknown.range.end.character) == (2, 2 + len("nowhere_mod"))


@pytest.mark.asyncio
async def test_commands_without_arguments_say_what_they_need(client: LanguageClient) -> None:
    result = await _run(client, "veriassist.server.check")
    assert result["ok"] is False
    assert "needs the document's URI" in result["message"]
    assert "TypeError" not in result["message"] and "positional argument" not in result["message"]


@pytest.mark.asyncio
@NEEDS_LOOP
async def test_no_model_configured_points_editor_users_at_the_setting_not_at_a_flag(
    client: LanguageClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"veriassist": {"model": ""}})
    )
    uri = _open(client, workspace / "and_gate.sv", BUGGY_AND)
    result = await _run(client, "veriassist.server.fix", uri)
    assert result["ok"] is False
    assert "veriassist.model" in result["message"] and "veriassist.toml" in result["message"]
    assert "--model" not in result["message"]


@NEEDS_LOOP
def test_warm_up_loads_the_model_client_code_before_the_first_command(tmp_path: Path) -> None:
    # In a fresh interpreter: the provider's LangChain package is not loaded until warm-up runs.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from veriassist.servers.lsp import EditorSettings\n"
        "from veriassist.servers.lsp.jobs import warm_up\n"
        "assert 'langchain_openai' not in sys.modules\n"
        "settings = EditorSettings(model='openai:gpt-4o-mini', base_url='http://127.0.0.1:9/v1')\n"
        f"warm_up(settings, Path({str(tmp_path)!r})).join(60)\n"
        "print('langchain_openai' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True", done.stderr
