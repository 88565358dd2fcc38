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
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from veriassist.cli import app
from veriassist.toolchain.sandbox import Sandbox

FIXTURES = Path(__file__).parent / "fixtures"
DESIGNS = FIXTURES / "suites" / "designs"  # and_gate, counter4
LINT_DESIGNS = FIXTURES / "audit" / "designs"
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


# -- conventions: --version, one error prefix, --json, -o -, compare by pass@1, JUnit, --keep --------


def test_version_names_veriassist_and_icarus_without_empty_parens() -> None:
    result = invoke("--version")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("veriassist ")
    if shutil.which("iverilog"):
        assert "Icarus Verilog version" in result.output and "()" not in result.output


@pytest.mark.parametrize(
    ("args", "phrase"),
    [(["check", "--bogus"], "No such option: --bogus"), (["runs", "show"], "Missing argument")],
)
def test_option_errors_from_the_parser_use_our_prefix_and_exit_2(args: list[str], phrase: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "veriassist", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("veriassist: error: ") and phrase in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "╭" not in done.stderr


def _runs_db(tmp_path: Path) -> Path:
    """Run `a`: p1 passes in all 3 samples; run `b`: only 1 of 3; `other` is on another suite."""
    from veriassist.eval.store import Store
    from veriassist.types import FailureKind, SampleRecord

    db = tmp_path / "runs.db"
    with Store(db) as store:
        for name, passes, suite in (("a", 3, "/suites/one"), ("b", 1, "/suites/one"), ("other", 3, "/x/two")):
            run = store.start_run(
                name, suite_path=suite, suite_format="designs", model="m", model_kind="api",
                strategy="refine", feedback_mode="golden",
            )  # fmt: skip
            for sample in range(3):
                passed = sample < passes
                kind = FailureKind.PASS if passed else FailureKind.MISMATCH
                record = SampleRecord(
                    "p1", sample, passed, kind, timings={"total": 1.5}, feedback="FAILED (mismatch): 3 of 9"
                )
                store.record_sample(run.id, record)
            store.finish_run(run.id, "completed")
    return db


def test_runs_compare_counts_a_drop_in_pass_at_1_as_a_regression(tmp_path: Path) -> None:
    db = _runs_db(tmp_path)
    text = invoke("runs", "compare", "a", "b", "--db", db)
    assert text.exit_code == 0, text.output
    assert "regressed\t1" in text.output and "both\t" not in text.output
    as_json = json.loads(invoke("runs", "compare", "a", "b", "--db", db, "--json").stdout)
    assert as_json["counts"] == {"regressed": 1}
    assert as_json["problems"][0]["pass_at_1_a"] == 1.0 and as_json["problems"][0]["delta"] < 0
    assert as_json["warnings"] == []


def test_runs_compare_warns_when_the_runs_are_on_different_suites(tmp_path: Path) -> None:
    result = invoke("runs", "compare", "a", "other", "--db", _runs_db(tmp_path))
    assert result.exit_code == 0
    assert "veriassist: warning: the runs are on different suites" in result.stderr


def test_runs_list_and_show_print_json(tmp_path: Path) -> None:
    db = _runs_db(tmp_path)
    listed = json.loads(invoke("runs", "list", "--db", db, "--json").stdout)
    assert [r["name"] for r in listed["runs"]] == ["a", "b", "other"]
    assert listed["runs"][1]["pass_at"] == {"1": pytest.approx(1 / 3, abs=1e-5)}
    shown = json.loads(invoke("runs", "show", "b", "--db", db, "--json").stdout)
    assert shown["failures"] == {"mismatch": 2} and shown["checking_seconds_summed"] == 4.5


def test_runs_show_labels_summed_check_time_and_explains_failure_codes(tmp_path: Path) -> None:
    result = invoke("runs", "show", "b", "--db", _runs_db(tmp_path))
    assert result.exit_code == 0, result.output
    assert "checking time summed over samples 4.5 s" in result.output
    assert " time 4.5 s" not in result.output
    assert "codes: R = mismatch" in result.output


def test_a_missing_run_is_a_usage_error_with_the_common_prefix(tmp_path: Path) -> None:
    result = invoke("runs", "show", "nope", "--db", _runs_db(tmp_path))
    assert_usage_error(result, "veriassist: error:", "nope")


def test_runs_export_dash_writes_to_stdout_not_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _runs_db(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = invoke("runs", "export", "a", "--db", db, "-o", "-")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["sample"] for r in rows] == [0, 1, 2]
    assert not (tmp_path / "-").exists()


def _junit_cases(path: Path) -> list[Any]:
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    return list(root.iter("testcase"))


@pytest.mark.simulator
def test_bench_writes_one_junit_testcase_per_sample_with_the_feedback(tmp_path: Path) -> None:
    good = (AND_GATE / "reference.sv").read_text()
    samples = tmp_path / "s.jsonl"
    samples.write_text(
        json.dumps({"task_id": "and_gate", "completion": good.replace("a & b", "a | b")})
        + "\n"
        + json.dumps(
            {"task_id": "counter4", "completion": (DESIGNS / "counter4" / "reference.sv").read_text()}
        )
        + "\n"
    )
    junit = tmp_path / "out" / "junit.xml"
    (tmp_path / "out").mkdir()
    result = invoke(
        "bench",
        DESIGNS,
        "--samples",
        samples,
        "--db",
        tmp_path / "r.db",
        "--junit",
        junit,
        "--json",
        "-j",
        "1",
    )
    assert result.exit_code == 0, result.output
    cases = {c.get("classname"): c for c in _junit_cases(junit)}
    assert set(cases) == {"designs/and_gate", "designs/counter4"}
    failure = cases["designs/and_gate"].find("failure")
    assert failure is not None and failure.get("type") == "mismatch"
    assert (failure.get("message") or "").startswith("FAILED (mismatch): ")
    assert "`out`" in (failure.text or "")
    assert cases["designs/counter4"].find("failure") is None


@pytest.mark.simulator
def test_check_junit_and_keep_leave_the_verdict_and_the_waveform(tmp_path: Path) -> None:
    bad = tmp_path / "and_gate.sv"
    bad.write_text((AND_GATE / "reference.sv").read_text().replace("a & b", "a | b"))
    keep, junit = tmp_path / "kept", tmp_path / "check.xml"
    result = invoke(
        "check", bad, "--tb", AND_GATE / "testbench.sv", "--ref", AND_GATE / "reference.sv",
        "--keep", keep, "--junit", junit,
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    waves = list(keep.rglob("*.vcd"))
    assert waves and waves[0].stat().st_size > 0
    assert f"waveform kept: {waves[0]}" in result.output
    (case,) = _junit_cases(junit)
    failure = case.find("failure")
    assert case.get("classname") == "check/and_gate" and failure is not None
    assert "Waveform around the first mismatch" in (failure.text or "")


def test_check_keep_into_a_file_is_refused_before_simulating(tmp_path: Path) -> None:
    a_file = tmp_path / "f"
    a_file.write_text("")
    result = invoke("check", AND_GATE / "reference.sv", "--tb", AND_GATE / "testbench.sv", "--keep", a_file)
    assert result.exit_code == 2


def test_suites_audit_reports_progress_on_stderr_and_keeps_stdout_clean() -> None:
    result = invoke("suites", "audit", DESIGNS, "--no-simulate")
    assert result.exit_code == 0, result.output
    assert "veriassist: audited 2/2 problems" in result.stderr
    assert "audited" not in result.stdout


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus Verilog")
def test_the_icarus_version_recorded_with_a_run_has_no_empty_parens() -> None:
    from veriassist.eval.bench import versions

    recorded = versions(sandbox=False)["iverilog"] or ""
    assert recorded.startswith("Icarus Verilog version") and "()" not in recorded


# -- check on design folders, and a testbench missing its reference -------------------------


@pytest.mark.simulator
def test_check_without_ref_names_the_missing_reference_instead_of_failing_the_design() -> None:
    check = FIXTURES / "check"
    result = invoke("check", check / "counter_good.sv", "--tb", check / "counter_test.sv")
    assert_usage_error(result, "`RefModule`", "--ref")


@pytest.mark.simulator
def test_check_takes_a_design_folder_as_the_testbench_or_as_the_design_itself() -> None:
    as_testbench = invoke("check", AND_GATE / "reference.sv", "--tb", AND_GATE, "--json")
    assert as_testbench.exit_code == 0, as_testbench.output
    assert json.loads(as_testbench.output)["passed"] is True
    itself = invoke("check", AND_GATE, "--json")
    assert itself.exit_code == 0, itself.output
    assert json.loads(itself.output)["top"] == "and_gate"
    # A wrong design against the folder's testbench and reference fails honestly.
    failed = invoke("check", AND_GATE / "mutants" / "or_instead_of_and.sv", "--tb", AND_GATE)
    assert failed.exit_code == 1, failed.output


def test_check_says_what_a_folder_is_missing() -> None:
    assert_usage_error(invoke("check", FIXTURES), "not a design folder")
    assert_usage_error(invoke("check", AND_GATE / "reference.sv"), "--tb")
    assert_usage_error(invoke("check", AND_GATE, "--tb", AND_GATE / "testbench.sv"), "is a folder")


def test_runs_export_per_iteration_gives_each_tries_own_and_golden_verdict(tmp_path: Path) -> None:
    from veriassist.eval.store import Store
    from veriassist.types import FailureKind, IterationRecord, SelfCheckOutcome

    db = tmp_path / "loop.db"
    with Store(db) as store:
        run = store.start_run(
            "loop", suite_path="/s", suite_format="designs", model="m", model_kind="manual",
            strategy="veriassist", feedback_mode="own-testbench",
        )  # fmt: skip
        tries = [
            IterationRecord("p1", 0, 1, own_passed=True, own_kind=FailureKind.PASS, golden_passed=False,
                            golden_kind=FailureKind.MISMATCH, self_check=SelfCheckOutcome.KEPT, prompt="P" * 99,
                            golden_summary="12 of 80 samples mismatch"),
            IterationRecord("p1", 0, 2, own_passed=True, own_kind=FailureKind.PASS, golden_passed=True,
                            golden_kind=FailureKind.PASS),
        ]  # fmt: skip
        for record in tries:
            store.record_iteration(run.id, record)
    result = invoke("runs", "export", "loop", "--iterations", "--db", db, "-o", "-")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["iteration"], r["golden_kind"], r["agreement"]) for r in rows] == [
        (1, "mismatch", "false-bless"),
        (2, "pass", "agree"),
    ]
    assert rows[0]["self_check"] == "kept" and rows[0]["model_kind"] == "manual"
    assert rows[0]["golden_summary"] == "12 of 80 samples mismatch" and rows[1]["golden_summary"] == ""
    assert "prompt" not in rows[0]  # the exchange stays in the database
