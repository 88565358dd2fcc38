"""The HTML report (self-contained, honest about stand-ins, renders in Chromium) and the runs CLI."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from veriassist.cli.runs import report_command, runs_app
from veriassist.eval.report import write_report
from veriassist.eval.store import IterationRecord, SampleRecord, Store
from veriassist.types import FailureKind

HOSTILE = "<script>alert('x')</script>"


def fill(store: Store, name: str, model_kind: str = "scripted", feedback_mode: str = "golden") -> None:
    """Three problems, two samples each, up to three tries; one problem lint-flagged."""
    run = store.start_run(
        name,
        suite_path="/suites/verilog-eval/dataset_spec-to-rtl",
        suite_format="verilogeval-v2",
        model="scripted:fixture" if model_kind == "scripted" else "gpt-test",
        model_kind=model_kind,
        strategy="refine",
        feedback_mode=feedback_mode,
        settings={"samples": 2, "max_iterations": 3},
        versions={"veriassist": "0.1.0", "iverilog": "11.0", "cocotb": "2.1.0"},
    )
    # (task, sample) -> first passing try, or None
    plan = {
        ("Prob001_zero", 0): 1,
        ("Prob001_zero", 1): 1,
        ("Prob002_mux", 0): 2,
        ("Prob002_mux", 1): None,
        ("Prob003_fsm", 0): 3,
        ("Prob003_fsm", 1): None,
    }
    for (task, index), first in plan.items():
        last = first or 3
        for i in range(1, last + 1):
            ok = first is not None and i >= first
            store.record_iteration(
                run.id,
                IterationRecord(
                    task,
                    index,
                    i,
                    golden_passed=ok,
                    golden_kind=FailureKind.PASS if ok else FailureKind.MISMATCH,
                    tokens_in=100,
                    tokens_out=50,
                ),
            )
        passed = first is not None
        store.record_sample(
            run.id,
            SampleRecord(
                task,
                index,
                passed,
                FailureKind.PASS if passed else FailureKind.MISMATCH_WITH_RESET,
                iterations=last,
                timings={"model": 1.0 * last, "sim": 0.02},
                tokens_in=100 * last,
                tokens_out=50 * last,
                cost=0.01,
                log_excerpt="" if passed else f"Mismatches: 7 in 40 samples {HOSTILE}",
                feedback=""
                if passed
                else f"Output 'q' has 7 mismatches. First mismatch at time 120. {HOSTILE}",
                lint_flags=("prints-summary-line",) if task == "Prob003_fsm" else (),
            ),
        )
    store.finish_run(run.id, "completed")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "veriassist.db"
    with Store(path) as store:
        fill(store, "scripted-golden")
        fill(store, "api-own", model_kind="api", feedback_mode="own-testbench")
    return path


@pytest.fixture
def report_html(db_path: Path, tmp_path: Path) -> tuple[Path, str]:
    with Store(db_path) as store:
        out = write_report(store, "scripted-golden", tmp_path / "out" / "report.html")
    return out, out.read_text(encoding="utf-8")


def test_report_shows_the_numbers(report_html: tuple[Path, str]) -> None:
    _, html = report_html
    # pass@1 = mean(2/2, 1/2, 1/2) = 2/3
    assert "66.67%" in html
    assert "exactly 2/3" in html
    assert "4 / 6" in html
    # Curve after tries 1, 2, 3: 2/6, 3/6, 4/6.
    for value in ("33.33%", "50.00%", "66.67%"):
        assert value in html
    assert "<polyline" in html
    assert f"mismatch-with-reset ({FailureKind.MISMATCH_WITH_RESET.code})" in html
    for task in ("Prob001_zero", "Prob002_mux", "Prob003_fsm"):
        assert task in html
    # The flagged problem leaves 1 of 2 unflagged problems' rates: mean(1, 1/2) = 3/4.
    assert "prints-summary-line" in html
    assert "75.00%" in html
    assert "Lint flagged 1 of 3 problems" in html


def test_report_labels_a_scripted_golden_run_for_what_it_is(report_html: tuple[Path, str]) -> None:
    _, html = report_html
    assert "scripted stand-in: not a model&#39;s pass rate" in html
    assert "feedback mode: golden" in html


def test_report_of_a_model_run_carries_no_stand_in_label(db_path: Path, tmp_path: Path) -> None:
    with Store(db_path) as store:
        html = write_report(store, "api-own", tmp_path / "api.html").read_text()
    assert "stand-in" not in html
    assert "feedback mode: golden" not in html


def test_failing_feedback_is_collapsible_and_escaped(report_html: tuple[Path, str]) -> None:
    _, html = report_html
    assert html.count("<details>") == 2
    assert "First mismatch at time 120." in html
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_report_is_self_contained(report_html: tuple[Path, str]) -> None:
    _, html = report_html
    assert not re.search(r"https?://", html)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert "url(" not in html


def _png_pixels_vary(png: bytes) -> tuple[int, int, int]:
    """Width, height, and how many distinct byte values the decoded scanlines hold."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(report_html: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = report_html
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            path.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.exists()
    width, height, distinct = _png_pixels_vary(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    # A blank or error page decodes to a handful of byte values; text, bars and a curve to many.
    assert distinct > 64
    assert shot.stat().st_size > 20_000


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(runs_app, name="runs")
    app.command("report")(report_command)
    return app


def test_runs_list_marks_stand_ins(cli: typer.Typer, db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["runs", "list", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    lines = {line.split("\t")[0]: line for line in result.output.splitlines()}
    assert "scripted:fixture (STAND-IN)" in lines["scripted-golden"]
    assert "STAND-IN" not in lines["api-own"]
    assert "66.67%" in lines["api-own"]


def test_runs_show_prints_pass_rates_and_banners(cli: typer.Typer, db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["runs", "show", "scripted-golden", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "SCRIPTED STAND-IN: NOT A MODEL'S PASS RATE" in result.output
    assert "pass@1 66.67%" in result.output
    assert "1: 33.33%, 2: 50.00%, 3: 66.67%" in result.output


def test_runs_show_of_an_unknown_run_fails_clearly(cli: typer.Typer, db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["runs", "show", "nope", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "no run with name 'nope'" in result.output


def test_runs_compare_counts_buckets(cli: typer.Typer, db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["runs", "compare", "scripted-golden", "api-own", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "both\t3" in result.output


def test_runs_export_writes_jsonl_and_csv(cli: typer.Typer, db_path: Path, tmp_path: Path) -> None:
    jsonl, csv_path = tmp_path / "s.jsonl", tmp_path / "s.csv"
    runner = CliRunner()
    args = ["runs", "export", "scripted-golden", "--db", str(db_path)]
    assert runner.invoke(cli, [*args, "--format", "jsonl", "-o", str(jsonl)]).exit_code == 0
    assert runner.invoke(cli, [*args, "--format", "csv", "-o", str(csv_path)]).exit_code == 0
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert len(rows) == 6
    assert all(row["stand_in"] and row["model_kind"] == "scripted" for row in rows)
    assert rows[0]["kind"] == "pass"
    assert len(csv_path.read_text().splitlines()) == 1 + 6


def test_report_command_writes_the_file(cli: typer.Typer, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", "api-own", "--db", str(db_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "gpt-test" in out.read_text()


def test_an_empty_unfinished_reference_run_still_renders_and_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "v.db") as store:
        store.start_run(
            "ref",
            suite_path="/suites/rtllm",
            suite_format="rtllm-v2",
            model="reference",
            model_kind="reference",
            strategy="one-shot",
            feedback_mode="none",
        )
        html = write_report(store, "ref", tmp_path / "ref.html").read_text()
    assert "reference solutions: not a model&#39;s pass rate" in html
    assert "incomplete run" in html
    assert "no samples recorded" in html
    assert "<polyline" not in html


@pytest.mark.simulator
def test_report_of_a_bench_run_with_exclude_flagged_shows_flags_exclusions_and_both_rates(
    tmp_path: Path,
) -> None:
    from veriassist.eval.bench import BenchRequest, run_bench

    suite = Path(__file__).parent / "fixtures" / "lint" / "designs"
    reference = {t: (suite / t / "reference.sv").read_text() for t in ("clean_counter", "clean_mux")}
    samples = tmp_path / "samples.jsonl"
    lines = [
        ("clean_counter", reference["clean_counter"].replace("q + 4'd1", "q + 4'd2")),  # fails
        ("clean_mux", reference["clean_mux"]),
        ("x_compare", "module hold8 (input clk, input load, input [7:0] d, output [7:0] q);\n"
                      "  assign q = 8'd0;\nendmodule\n"),  # wrong, yet passes the weak testbench
        ("wrong_module_name", "module add4 (input [3:0] a, b, output [4:0] s);\nendmodule\n"),
    ]  # fmt: skip
    samples.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in lines))
    db = tmp_path / "bench.db"
    only = ("clean_counter", "clean_mux", "x_compare", "wrong_module_name")
    request = BenchRequest(
        suite, mode="samples", samples_path=samples, exclude_flagged="error",
        db=db, run_name="linted", jobs=2, sandbox=False, only=only,
    )  # fmt: skip
    run_bench(request)
    with Store(db) as store:
        html = write_report(store, "linted", tmp_path / "linted.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # Near the top, before the problem table: both rates, over the 3 scored problems.
    rates = text.index("pass@1, all 3 scored problems")
    assert rates < text.index("Problems problem")
    assert "66.67% pass@1, all 3 scored problems" in text  # counter fails, mux and x_compare pass
    assert "50.00% pass@1 without the 1 lint-flagged (2 problems)" in text
    assert "1 more was left out by --exclude-flagged error" in text
    assert (
        "wrong_module_name error interface: spec vs reference.sv: module is named &#39;add4&#39; in the "
        "reference (reference.sv) but &#39;adder4&#39; in the spec" in text
    )
    # The flag, and the finding behind it, next to the problem's row.
    row = text[text.index("x_compare 1 1 100.00%") :]
    assert row.startswith(
        "x_compare 1 1 100.00% pass ×1 warning:strength warning strength: output &#39;q&#39; is checked "
        "in only 5% of 64 samples"
    )
    assert '<span class="flag">warning:strength</span>' in html
