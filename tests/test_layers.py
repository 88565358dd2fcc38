"""The pipeline's layering holds, and the check that enforces it would catch a break.

`lint-imports` (import-linter) reads the layers contract in pyproject.toml. The second
test copies the package, adds one upward import, and expects the contract to break:
without it, a contract that could never fail would look the same as one that holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_every_stage_imports_only_stages_below_it() -> None:
    ran = lint_imports(ROOT)
    assert ran.returncode == 0, ran.stdout[-3000:]
    assert "1 kept, 0 broken" in ran.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "veriassist", tmp_path / "veriassist", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    lowest = tmp_path / "veriassist" / "toolchain" / "icarus.py"
    lowest.write_text(lowest.read_text() + "\nimport veriassist.eval.bench  # the toolchain reaching up\n")
    ran = lint_imports(tmp_path)
    assert ran.returncode != 0
    assert "veriassist.toolchain is not allowed to import veriassist.eval" in ran.stdout
    assert "veriassist.toolchain.icarus -> veriassist.eval.bench" in ran.stdout


@pytest.mark.parametrize(
    "code",
    [
        "import veriassist.check",
        "import veriassist.agent.loop",
        "import sys; sys.argv = ['veriassist', '--help']\nfrom veriassist.cli import main\ntry: main()\nexcept SystemExit: pass",
    ],
    ids=["check", "loop", "cli-help"],
)
def test_the_check_the_loop_and_help_load_no_langchain_nor_servers(code: str) -> None:
    probe = code + "\nimport sys; print(sorted({m.split('.')[0] for m in sys.modules}))"
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = ran.stdout.splitlines()[-1]
    for heavy in ("langchain", "langchain_core", "pygls", "mcp", "distributed"):
        assert f"'{heavy}'" not in loaded, f"{heavy} loaded by: {code}"
