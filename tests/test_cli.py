"""The `veriassist` command's edges: how it starts, what it is called, and bad input.

Every case runs the real command (typer's CliRunner, or a subprocess where start-up is the
point) and asserts on exit status and message; bad input must never end in a traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from veriassist.cli import app
from veriassist.toolchain.sandbox import Sandbox

FIXTURES = Path(__file__).parent / "fixtures"
DESIGNS = FIXTURES / "suites" / "designs"  # and_gate, counter4
LINT_DESIGNS = FIXTURES / "lint" / "designs"
AND_GATE = DESIGNS / "and_gate"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_usage_error(result: Result, *phrases: str) -> None:
    """Exit 2, one `error:` line naming what is wrong, and no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert len(errors) == 1, result.output
    for phrase in phrases:
        assert phrase in errors[0], result.output


# -- start-up and names --------------------------------------------------------------


@pytest.mark.parametrize("command", ["lsp", "mcp", "bench", "generate", "check"])
def test_every_command_runs_as_python_dash_m_veriassist_cli(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "veriassist.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "No such command" not in done.stderr
    assert "Usage:" in done.stdout


def test_help_loads_neither_langchain_nor_the_servers() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "veriassist", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "import time:" in line
    }
    assert "veriassist.cli" in imported  # the listing is what it should be
    heavy = [m for m in imported if m.split(".")[0] in ("langchain", "langchain_core", "pygls", "mcp")]
    assert heavy == []
    for command in ("check", "bench", "generate", "suites", "runs", "report", "lsp", "mcp"):
        assert command in done.stdout


def test_the_suite_audit_is_suites_audit_and_suites_lint_is_a_hidden_alias() -> None:
    listing = invoke("suites", "--help")
    assert listing.exit_code == 0
    assert "audit" in listing.output and "lint" not in listing.output
    for name in ("audit", "lint"):
        result = invoke("suites", name, LINT_DESIGNS / "clean_mux", "--no-simulate", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["problems"][0]["task_id"] == "clean_mux"


def test_bench_calls_it_audit_and_keeps_lint_as_a_hidden_alias() -> None:
    listing = invoke("bench", "--help")
    assert "--audit" in listing.output and "--lint" not in listing.output


# -- numbers at the edge ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_check_refuses_a_timeout_that_is_not_a_finite_positive_number(value: str) -> None:
    result = invoke(
        "check", AND_GATE / "reference.sv", "--tb", AND_GATE / "testbench.sv", f"--timeout={value}"
    )
    assert_usage_error(result, "--timeout must be a finite number of seconds above 0")


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_bench_refuses_a_timeout_that_is_not_a_finite_positive_number(value: str, tmp_path: Path) -> None:
    result = invoke("bench", DESIGNS, "--reference", f"--timeout={value}", "--db", tmp_path / "r.db")
    assert_usage_error(result, "--timeout must be a finite number of seconds above 0")
    assert not (tmp_path / "r.db").exists()


def test_suites_audit_refuses_a_threshold_outside_zero_to_one() -> None:
    result = invoke("suites", "audit", DESIGNS, "--threshold", "nan")
    assert_usage_error(result, "--threshold must be a fraction between 0 and 1")


# -- the records database --------------------------------------------------------------


def test_bench_with_a_db_in_a_missing_directory_exits_2_naming_it(tmp_path: Path) -> None:
    result = invoke("bench", DESIGNS, "--reference", "--db", tmp_path / "nowhere" / "r.db")
    assert_usage_error(result, "does not exist", str(tmp_path / "nowhere"))


@pytest.mark.parametrize(
    "command",
    [
        ["runs", "show", "somerun"],
        ["runs", "list"],
        ["report", "somerun"],
        ["bench", str(DESIGNS), "--reference"],
    ],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(
    command: list[str], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    content = b"my notes, not a database\n" * 10
    notes.write_bytes(content)
    result = invoke(*command, "--db", notes)
    assert_usage_error(result, "not a veriassist database", str(notes))
    assert notes.read_bytes() == content  # never turned into a database
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("command", [["runs", "show", "somerun"], ["runs", "list"], ["report", "somerun"]])
def test_reading_an_empty_file_as_the_database_leaves_it_empty(command: list[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    result = invoke(*command, "--db", empty)
    assert_usage_error(result, "an empty file, not a veriassist database")
    assert empty.read_bytes() == b""


def test_a_corrupt_database_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    result = invoke("runs", "list", "--db", broken)
    assert_usage_error(result, str(broken))


def test_runs_on_a_missing_database_exit_2_without_creating_it(tmp_path: Path) -> None:
    result = invoke("runs", "list", "--db", tmp_path / "missing.db")
    assert_usage_error(result, "no database there")
    assert not (tmp_path / "missing.db").exists()


# -- suites ----------------------------------------------------------------------------


def test_bench_of_the_filesystem_root_is_refused_as_not_a_suite(tmp_path: Path) -> None:
    result = invoke("bench", "/", "--reference", "--db", tmp_path / "r.db")
    assert_usage_error(result, "not a suite checkout")
    assert not (tmp_path / "r.db").exists()


def test_a_design_toml_whose_top_is_not_a_string_says_so(tmp_path: Path) -> None:
    shutil.copytree(AND_GATE, tmp_path / "and_gate")
    (tmp_path / "and_gate" / "design.toml").write_text("top = 5\n")
    result = invoke("suites", "show", tmp_path)
    assert_usage_error(result, "'top' must be a string")
    assert "missing" not in result.output


def _write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_a_sample_given_twice_in_a_jsonl_file_is_an_error_naming_it(tmp_path: Path) -> None:
    code = (AND_GATE / "reference.sv").read_text()
    samples = _write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"task_id": "and_gate", "sample": 0, "completion": code},
            {"task_id": "and_gate", "sample": 1, "completion": code},
            {"task_id": "and_gate", "sample": 0, "completion": code},
        ],
    )
    result = invoke("bench", DESIGNS, "--samples", samples, "--db", tmp_path / "s.db")
    assert_usage_error(result, "'and_gate' sample 0", "line 1")
    assert not (tmp_path / "s.db").exists()


def test_a_sample_given_twice_in_a_samples_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    code = (AND_GATE / "reference.sv").read_text()
    folder = tmp_path / "samples"
    (folder / "and_gate").mkdir(parents=True)
    (folder / "and_gate" / "sample0.sv").write_text(code)
    (folder / "and_gate" / "sample00.v").write_text(code)
    result = invoke("bench", DESIGNS, "--samples", folder, "--db", tmp_path / "s.db")
    assert_usage_error(result, "sample 0 of task 'and_gate' twice")
    (folder / "and_gate" / "sample00.v").unlink()
    (folder / "and_gate.sv").write_text(code)  # the same task as a file and as a folder
    result = invoke("bench", DESIGNS, "--samples", folder, "--db", tmp_path / "s.db")
    assert_usage_error(result, "samples of task 'and_gate' twice")


# -- check --json ----------------------------------------------------------------------


@pytest.mark.simulator
def test_check_json_names_the_sandbox_that_held_the_run() -> None:
    check = FIXTURES / "check"
    args: list[str | Path] = [check / "counter_good.sv", "--tb", check / "counter_test.sv"]
    args += ["--ref", check / "counter_ref.sv", "--json"]
    sandboxed = invoke("check", *args)
    assert sandboxed.exit_code == 0, sandboxed.output
    data = json.loads(sandboxed.stdout)
    backend = Sandbox().backend
    assert data["sandbox"] == backend and data["sandboxed"] is (backend != "none")
    bare = invoke("check", *args, "--no-sandbox")
    assert json.loads(bare.stdout)["sandbox"] == "none"
