"""A wheel (not only an editable install) carries the prompt and report templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import landlock_abi

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_carries_every_template_and_renders_from_it(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("veriassist-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(p.name for p in (ROOT / "templates").glob("*.j2"))
    assert templates, "templates/ is empty"
    assert {f"veriassist/templates/{name}" for name in templates} <= names
    assert "veriassist/toolchain/landlock_exec.c" in names  # the sandbox launcher's source
    # Every package of the tree is in the wheel: pyproject.toml lists them by hand.
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "veriassist").rglob("*.py")}
    assert modules <= names, f"missing from the wheel: {sorted(modules - names)}"

    # Import the unpacked wheel, away from the checkout: prompts must come from inside it.
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = (
        "from veriassist import prompts; "
        "print(prompts.__file__); "
        "print(prompts.TEMPLATE_DIR); "
        "from veriassist.toolchain.sandbox import Sandbox; "
        "print(Sandbox(True).backend); "
        "print(prompts.render('format_error.j2', problems=['no module'], top='TopModule', want_testbench=True, cvdp=None))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={
            "PYTHONPATH": str(installed),
            "PATH": "/usr/bin:/bin",
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    module, where, backend, text = ran.stdout.split("\n", 3)
    assert Path(module).is_relative_to(installed)
    assert Path(where) == installed / "veriassist" / "templates"
    assert "TopModule" in text
    # The launcher builds from the wheel's own copy of its source, and is used where the kernel allows.
    assert list((tmp_path / "cache" / "veriassist").glob("landlock_exec-*"))
    assert backend == ("landlock" if landlock_abi() >= 6 else "bwrap")
