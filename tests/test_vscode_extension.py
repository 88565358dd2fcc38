"""The VS Code extension installs from its lock file, compiles (tsc) and packages (.vsix) as CI builds it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

EXTENSION = Path(__file__).resolve().parent.parent / "editors" / "vscode"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npm") is None, reason="needs node and npm"),
]


def _npm(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["npm", *args], cwd=folder, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"npm {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of the extension (no node_modules, no out/), installed with `npm ci` and compiled."""
    folder = tmp_path_factory.mktemp("vscode") / "vscode"
    shutil.copytree(EXTENSION, folder, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix"))
    _npm(folder, "ci", "--no-audit", "--no-fund")
    _npm(folder, "run", "compile")
    return folder


def test_the_extension_compiles_to_out_extension_js(built: Path) -> None:
    compiled = (built / "out" / "extension.js").read_text()
    assert "veriassist.server.fix" in compiled
    assert "exports.activate" in compiled


def test_every_contributed_command_is_registered_by_the_extension(built: Path) -> None:
    manifest = json.loads((built / "package.json").read_text())
    compiled = (built / "out" / "extension.js").read_text()
    contributed = [c["command"] for c in manifest["contributes"]["commands"]]
    assert contributed
    for command in contributed:
        assert f'"{command}"' in compiled, command
    settings = manifest["contributes"]["configuration"]["properties"]
    assert {"veriassist.model", "veriassist.baseUrl", "veriassist.iterations", "veriassist.testbench",
            "veriassist.sandbox"} <= set(settings)  # fmt: skip


def test_npm_run_package_makes_a_vsix_with_the_language_client_inside(built: Path) -> None:
    _npm(built, "run", "package")
    vsix = built / "veriassist.vsix"
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
    assert "extension/out/extension.js" in names
    assert "extension/package.json" in names
    assert any(n.startswith("extension/node_modules/vscode-languageclient/") for n in names)
    assert {"extension/syntaxes/verilog.tmLanguage.json", "extension/language-configuration.json"} <= names
    assert not any(n.startswith("extension/src/") for n in names)


# A stand-in for the `vscode` module and the language client, so the compiled extension runs in node.
HARNESS = r"""
const Module = require("module");
const path = require("path");
const seen = { errors: [], status: null, started: [] };
const folder = process.env.FOLDER;
const vscode = {
  workspace: {
    workspaceFolders: folder ? [{ uri: { scheme: "file", fsPath: folder } }] : [],
    getConfiguration: () => ({ get: () => undefined }),
  },
  window: {
    createStatusBarItem: () => (seen.status = { text: "", show() { this.shown = true; } }),
    showErrorMessage: async (message) => { seen.errors.push(message); return undefined; },
    showWarningMessage: async () => undefined,
  },
  commands: { registerCommand: () => ({ dispose() {} }), executeCommand: async () => undefined },
  StatusBarAlignment: { Left: 1 },
};
class LanguageClient {
  constructor(id, name, server, options) { seen.started.push({ server, options }); this.listeners = []; }
  onDidChangeState(listener) { this.listeners.push(listener); }
  async start() { for (const l of this.listeners) l({ newState: 3 }); throw new Error("spawn veriassist ENOENT"); }
  async stop() {}
  isRunning() { return false; }
}
const stubs = { vscode, "vscode-languageclient/node": { LanguageClient, State: { Stopped: 1, Running: 2, Starting: 3 }, ExecuteCommandRequest: {} } };
const load = Module._load;
Module._load = function (request, parent, isMain) { return stubs[request] ?? load.apply(this, arguments); };
const extension = require(path.resolve("out/extension.js"));
extension.activate({ subscriptions: [] }).then(() => console.log(JSON.stringify(seen)));
"""


def _activate(built: Path, folder: Path | None) -> dict[str, Any]:
    env = {**os.environ, "FOLDER": str(folder or "")}
    done = subprocess.run(
        ["node", "-e", HARNESS], cwd=built, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_server_is_the_workspaces_venv_before_path_and_a_failed_start_names_the_readme_setup(
    built: Path, tmp_path: Path
) -> None:
    seen = _activate(built, tmp_path)
    assert seen["started"][0]["server"]["command"] == "veriassist"  # no .venv: PATH
    (error,) = seen["errors"]
    assert "tools/setup.sh demo" in error and "pip install" not in error
    assert seen["status"]["shown"] and "error" in seen["status"]["text"]  # the status item says it

    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "veriassist").write_text("#!/bin/sh\n")
    seen = _activate(built, tmp_path)
    assert seen["started"][0]["server"]["command"] == str(venv / "veriassist")


def test_the_client_attaches_to_verilog_and_spec_files_only(built: Path) -> None:
    selector = _activate(built, None)["started"][0]["options"]["documentSelector"]
    assert {s.get("language") for s in selector} - {None} == {"verilog", "systemverilog"}
    assert {s.get("pattern") for s in selector} - {None} == {
        "**/spec.md", "**/design_description.txt", "**/*_prompt.txt"
    }  # fmt: skip


def test_the_manifest_has_grammars_a_testbench_menu_entry_and_no_invented_url(built: Path) -> None:
    manifest = json.loads((built / "package.json").read_text())
    grammars = {g["language"]: g for g in manifest["contributes"]["grammars"]}
    assert set(grammars) == {"verilog", "systemverilog"}
    for grammar in grammars.values():
        assert json.loads((built / grammar["path"]).read_text())["scopeName"] == grammar["scopeName"]
    in_menu = {m["command"] for m in manifest["contributes"]["menus"]["editor/context"]}
    assert "veriassist.generateTestbench" in in_menu
    assert "example.invalid" not in (built / "package.json").read_text()
