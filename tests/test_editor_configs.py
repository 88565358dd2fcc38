"""Every editor and agent configuration docs/editors.md shows, run as written with the launcher setup installs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "editors.md"
TESTED = {"nvim-0.7", "nvim-0.11", "nvim-lspconfig", "emacs-eglot", "emacs-dir-locals", "mcp-json"}
BROKEN_SV = "module top(input a, output y);\n  assign y = a &;\nendmodule\n"
PROBE = """
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local clients = {}
for _, c in pairs(vim.lsp.buf_get_clients(0)) do table.insert(clients, c.name) end
local diags = {}
for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(diags, { lnum = d.lnum, message = d.message }) end
vim.fn.writefile({ vim.fn.json_encode({ clients = clients, diagnostics = diags }) }, vim.env.PROBE_OUT)
vim.cmd("qa!")
"""


def _blocks() -> dict[str, str]:
    """The configuration blocks of docs/editors.md, by their `<!-- tested: NAME -->` marker."""
    return dict(re.findall(r"<!-- tested: ([\w.-]+) -->\n```\w+\n(.*?)```", DOC.read_text(), re.S))


@pytest.fixture
def launcher(tmp_path: Path) -> Path:
    """HOME with the launcher `bash tools/setup.sh demo` installs: ~/.local/bin/veriassist."""
    home = tmp_path / "home"
    home.mkdir()
    function = re.search(
        r"^install_launcher\(\) \{.*?^\}", (ROOT / "tools" / "setup.sh").read_text(), re.S | re.M
    )
    assert function, "tools/setup.sh defines install_launcher"
    done = subprocess.run(
        ["bash", "-c", f"{function[0]}\ninstall_launcher"], cwd=ROOT, env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "linked" in done.stdout and ".local/bin" in done.stdout
    return home


def test_every_config_block_in_the_doc_is_one_this_file_runs() -> None:
    text = DOC.read_text()
    configs = re.findall(r"(<!-- tested: [\w.-]+ -->\n)?```(lua|elisp|json)\n", text)
    assert configs and all(marker for marker, _ in configs), "a config block without a tested marker"
    assert set(_blocks()) == TESTED


def test_setup_links_veriassist_into_local_bin_and_leaves_a_users_own_file_alone(launcher: Path) -> None:
    link = launcher / ".local" / "bin" / "veriassist"
    assert link.is_symlink() and link.resolve() == (ROOT / ".venv" / "bin" / "veriassist").resolve()
    link.unlink()
    link.write_text("#!/bin/sh\n")  # not ours: a rerun must not replace it
    function = re.search(
        r"^install_launcher\(\) \{.*?^\}", (ROOT / "tools" / "setup.sh").read_text(), re.S | re.M
    )
    assert function
    done = subprocess.run(
        ["bash", "-c", f"{function[0]}\ninstall_launcher"], cwd=ROOT, env={"HOME": str(launcher), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "left alone" in done.stderr and link.read_text() == "#!/bin/sh\n"


def _nvim(config: str, launcher: Path, tmp_path: Path, lua_check: str | None = None) -> dict[str, list]:  # type: ignore[type-arg]
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("needs Neovim (Debian: apt-get install neovim)")
    if shutil.which("iverilog") is None:
        pytest.skip("needs Icarus Verilog")
    env = {
        "HOME": str(launcher),
        "PATH": f"{launcher}/.local/bin:/usr/bin:/bin",
        "PROBE_OUT": str(tmp_path / "out.json"),
    }
    if lua_check is not None:
        probe = subprocess.run([nvim, "--headless", "-u", "NONE", "-c", f"lua {lua_check}", "-c", "qa!"],
                               env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        if "yes" not in probe.stdout + probe.stderr:
            pytest.skip(f"this Neovim cannot run the config ({lua_check})")
    design = tmp_path / "adder"
    design.mkdir()
    (design / "design.toml").write_text('top = "top"\n')
    (design / "top.sv").write_text(BROKEN_SV)
    (tmp_path / "init.lua").write_text(config)
    (tmp_path / "probe.lua").write_text(PROBE)
    subprocess.run(
        [nvim, "--headless", "-i", "NONE", "-u", str(tmp_path / "init.lua"), "-c", f"luafile {tmp_path / 'probe.lua'}", "top.sv"],
        cwd=design, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    result: dict[str, list] = json.loads((tmp_path / "out.json").read_text())  # type: ignore[type-arg]
    return result


@pytest.mark.slow
def test_the_neovim_07_config_attaches_and_diagnostics_arrive(launcher: Path, tmp_path: Path) -> None:
    seen = _nvim(_blocks()["nvim-0.7"], launcher, tmp_path)
    assert seen["clients"] == ["veriassist"]
    assert [(d["lnum"], d["message"]) for d in seen["diagnostics"]] == [
        (1, "syntax error in continuous assignment")
    ]


@pytest.mark.slow
def test_the_neovim_011_config_attaches_and_diagnostics_arrive(launcher: Path, tmp_path: Path) -> None:
    check = "io.stdout:write(vim.fn.has('nvim-0.11') == 1 and 'yes' or 'no')"
    seen = _nvim(_blocks()["nvim-0.11"], launcher, tmp_path, check)
    assert seen["clients"] == ["veriassist"] and seen["diagnostics"]


@pytest.mark.slow
def test_the_nvim_lspconfig_config_attaches_and_diagnostics_arrive(launcher: Path, tmp_path: Path) -> None:
    check = "io.stdout:write(pcall(require, 'lspconfig') and 'yes' or 'no')"
    seen = _nvim(_blocks()["nvim-lspconfig"], launcher, tmp_path, check)
    assert seen["clients"] == ["veriassist"] and seen["diagnostics"]


@pytest.mark.parametrize("name", ["emacs-eglot", "emacs-dir-locals"])
def test_the_emacs_configs_read_and_name_the_server(name: str, tmp_path: Path) -> None:
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip("needs Emacs 29+ (eglot built in)")
    (tmp_path / "config.el").write_text(_blocks()[name])
    code = (
        '(progn (require \'eglot) (load-file "config.el") (princ (format "%S" eglot-server-programs)))'
        if name == "emacs-eglot"
        else '(with-temp-buffer (insert-file-contents "config.el") (princ (format "%S" (read (current-buffer)))))'
    )
    done = subprocess.run(
        [emacs, "--batch", "--eval", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    if name == "emacs-eglot" and "eglot" in done.stderr and done.returncode != 0:
        pytest.skip("this Emacs has no eglot")
    assert done.returncode == 0, done.stderr
    assert "veriassist" in done.stdout


def test_the_mcp_json_config_starts_the_server_by_name(launcher: Path, tmp_path: Path) -> None:
    server = json.loads(_blocks()["mcp-json"])["mcpServers"]["veriassist"]
    env = {"HOME": str(launcher), "PATH": f"{launcher}/.local/bin:/usr/bin:/bin", **server["env"]}
    command = shutil.which(server["command"], path=env["PATH"])
    assert command, "the launcher puts the configured command on PATH"
    hello = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }  # fmt: skip
    done = subprocess.run(
        [command, *server["args"]], input=json.dumps(hello) + "\n", env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    answer = json.loads(done.stdout.splitlines()[0])
    assert answer["id"] == 1 and "serverInfo" in answer["result"], done.stderr
