"""The VS Code extension installs from its lock file, compiles (tsc) and packages (.vsix) as CI builds it."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

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
    assert not any(n.startswith("extension/src/") for n in names)
