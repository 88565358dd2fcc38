"""The HTML report (self-contained, honest about stand-ins, renders in Chromium) and the runs CLI."""

from __future__ import annotations

import html as html_text
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
from veriassist.eval.report import NO_VCD_NOTE, write_compare, write_report
from veriassist.eval.store import IterationRecord, SampleRecord, Store
from veriassist.types import FailureKind, Severity

HOSTILE = "<script>alert('x')</script>"
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

WAVE_HEADER = "  time(ps) | clk | reset | in[7:0] | out[15:0] expected | out[15:0] got | state      | carry"
WAVE = "\n".join(
    [WAVE_HEADER, "  " + "-" * (len(WAVE_HEADER) - 2)]
    + [
        f"  {t:>8} | {t // 5 % 2:>3} | {int(t < 20):>5} | 8'h{t % 256:02x}    | 16'h{(t * 3) % 65536:04x}            "
        f"| 16'h{(t * 3 + (t == 120)) % 65536:04x}{'  <-- FIRST MISMATCH' if t == 120 else '                    '}"
        f" | S_{['IDLE', 'LOAD', 'SHIFT', 'DONE'][t // 10 % 4]:<8} | {t % 2}"
        for t in range(80, 180, 10)
    ]
)
WAVE_FEEDBACK = (
    "Output 'out' has 3 mismatches. First mismatch occurred at time 120.\n"
    "Waveform around the first mismatch (inputs, expected and actual outputs):\n" + WAVE
)
CODE = (
    "module TopModule (input clk, input reset, input [7:0] in, output reg [15:0] out);\n"
    "  always @(posedge clk) begin\n"
    "    if (reset) out <= 16'd0;\n"
    "    else out <= out + {8'd0, in};\n"
    "  end\n"
    "endmodule\n"
)


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


def fill_debug(store: Store, name: str, samples: int = 3, problems: int = 4) -> None:
    """A run to debug: wide waveform feedback, three failure kinds, replies with code, problem p failing p samples."""
    run = store.start_run(
        name, suite_path="/suites/verilog-eval/dataset_spec-to-rtl", suite_format="verilogeval-v2",
        model="gpt-test", model_kind="api", strategy="refine", feedback_mode="own-testbench",
        settings={"samples": samples, "max_iterations": 3}, versions={"veriassist": "0.1.0", "iverilog": "11.0"},
    )  # fmt: skip
    kinds = [FailureKind.MISMATCH, FailureKind.SYNTAX_ERROR, FailureKind.TIMEOUT]
    for p in range(problems):
        task = f"Prob{p + 1:03d}_task{p}"
        for s in range(samples):
            passed = s >= p
            kind = FailureKind.PASS if passed else kinds[(p + s) % len(kinds)]
            tries = 1 if passed and s % 2 == 0 else 2
            for i in range(1, tries + 1):
                ok = passed and i == tries
                code = CODE.replace("begin", f"begin  // {task} sample {s} try {i}")
                reply = f"Try {i}.\n```verilog\n{code}```\n"
                store.record_iteration(
                    run.id,
                    IterationRecord(
                        task, s, i, golden_passed=ok, golden_kind=FailureKind.PASS if ok else kind,
                        reply=reply, feedback="" if ok else WAVE_FEEDBACK,
                    ),
                )  # fmt: skip
            feedback = WAVE_FEEDBACK if kind is FailureKind.MISMATCH else f"{kind.value}: see the log"
            store.record_sample(
                run.id,
                SampleRecord(
                    task, s, passed, kind, iterations=tries, timings={"model": 1.0, "sim": 0.02},
                    log_excerpt="" if passed else f"{kind.value} log", feedback="" if passed else feedback,
                ),
            )  # fmt: skip
    store.finish_run(run.id, "completed")


def chromium(tmp_path: Path, url: str, *args: str) -> str:
    """Run headless Chromium on `url` and return its stdout (the DOM after scripts ran, with --dump-dom)."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}", *args, url,
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


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


def test_failing_feedback_is_shown_in_full_and_escaped(report_html: tuple[Path, str]) -> None:
    _, html = report_html
    # Both failing samples' feedback sits open in its own block, not folded away.
    assert html.count('<pre class="feedback">') == 2
    assert "First mismatch at time 120." in html
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html


def test_report_is_self_contained(report_html: tuple[Path, str]) -> None:
    _, html = report_html
    assert not re.search(r"https?://", html)
    # One inline script (filters, sorting); nothing loaded from anywhere.
    assert re.findall(r"<script[^>]*>", html.lower()) == ["<script>"]
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


@needs_chromium
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
    assert result.exit_code == 2  # a run that is not there is a usage error, like a bad path
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

    suite = Path(__file__).parent / "fixtures" / "audit" / "designs"
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
        suite, mode="samples", samples_path=samples, exclude_flagged=Severity.ERROR,
        db=db, run_name="linted", jobs=2, sandbox=False, only=only,
        formal="off",  # the audit's heuristics alone: its proof would flag x_compare an error
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


@pytest.fixture
def debug_db(tmp_path: Path) -> Path:
    path = tmp_path / "debug.db"
    with Store(path) as store:
        fill_debug(store, "debug")
        fill_debug(store, "debug-before", problems=5)
    return path


def test_each_problem_has_an_anchored_section_with_each_samples_feedback_and_code(
    debug_db: Path, tmp_path: Path
) -> None:
    with Store(debug_db) as store:
        html = write_report(store, "debug", tmp_path / "r.html").read_text()
    for p in range(4):
        task = f"Prob{p + 1:03d}_task{p}"
        assert f'<section class="problem" id="p-{task}"' in html
        assert f'href="#p-{task}"' in html  # from the table and from the per-problem chart
        for s in range(3):
            assert f'id="p-{task}-s{s}"' in html
    # The code of each sample's last try, extracted from the reply (no prose, no fences).
    section = html[html.index('id="p-Prob004_task3-s1"') :]
    source = html_text.unescape(
        section[section.index('<pre class="code">') :].split(">", 1)[1].split("</pre>")[0]
    )
    assert source == CODE.replace("begin", "begin  // Prob004_task3 sample 1 try 2")
    assert html_text.unescape(WAVE_FEEDBACK) in html_text.unescape(html)
    assert NO_VCD_NOTE in html_text.unescape(html)  # the store keeps no VCD files: said once, no dead links
    assert "Pass rate per problem" in html and html.count('<a href="#p-') == 8  # chart bar + table row each


def test_pass_at_k_note_names_the_missing_k_and_this_runs_smallest_sample_count(
    report_html: tuple[Path, str],
) -> None:
    _, html = report_html
    # Two samples per problem: pass@1 is shown, pass@5 and pass@10 are not, and the note says why.
    assert "pass@k is shown only for k where every problem has at least k samples" not in html
    assert (
        "pass@5, pass@10 not shown: pass@k needs at least k samples of every problem, and the fewest any"
        " problem has here is 2." in html
    )


def test_report_compare_writes_changed_problems_and_pass_at_1_deltas(
    cli: typer.Typer, debug_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp.html"
    args = ["report", "debug-before", "--compare", "debug", "--db", str(debug_db), "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", html_text.unescape(re.sub(r"<[^>]+>", " ", out.read_text())))
    # Four shared problems, unchanged; one only in A. Overall pass@1: 6/15 -> 6/12.
    assert "40.00% → 50.00% pass@1 (+10.00%)" in text
    assert "Prob005_task4 only-a 0.00% — —" in text
    assert "Prob003_task2 same 33.33% 33.33% ±0.00%" in text


def test_compare_page_puts_the_biggest_drop_first_and_warns_about_different_suites(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as store:
        fill(store, "a", model_kind="api", feedback_mode="own-testbench")
        fill_debug(store, "b")
        html = write_compare(store, "a", "b", tmp_path / "c.html").read_text()
    text = re.sub(r"\s+", " ", html_text.unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "different suites" not in text  # same suite path and format
    rows = re.findall(r'<tr data-change="(\w[\w-]*)">\s*<td><code>([^<]+)</code>', html)
    assert rows[0] == ("only-a", "Prob001_zero") or rows[0][0] == "worse"
    assert [change for change, _ in rows].count("only-b") == 4  # Prob001_task0 .. Prob004_task3
    with Store(tmp_path / "d.db") as store:
        fill(store, "a")
        fill_debug(store, "b")
        store.start_run(
            "elsewhere", suite_path="/suites/rtllm", suite_format="rtllm-v2", model="m", model_kind="api",
            strategy="refine", feedback_mode="own-testbench",
        )  # fmt: skip
        html = write_compare(store, "a", "elsewhere", tmp_path / "d.html").read_text()
    assert "different suites" in html and "different feedback modes" in html


def test_report_size_grows_in_proportion_to_samples(tmp_path: Path) -> None:
    sizes = []
    for samples in (4, 8):
        with Store(tmp_path / f"s{samples}.db") as store:
            fill_debug(store, "r", samples=samples, problems=8)
            sizes.append(write_report(store, "r", tmp_path / f"s{samples}.html").stat().st_size)
    small, large = sizes
    # More failing samples get feedback as n grows, so the ratio sits a little under 2.
    assert 1.2 * small < large <= 2.2 * small, sizes


# Appended to a copy of the report: reads the rendered page after its own script ran, clicks what a
# user would click, and writes what it saw as JSON into the DOM for --dump-dom.
PROBE = """<script>
(function () {
  var out = {};
  function visible(sel) {
    return Array.prototype.filter.call(document.querySelectorAll(sel), function (e) { return !e.hidden; })
      .map(function (e) { return e.id || e.dataset.problem; });
  }
  out.samples = visible(".sample"); out.problems = visible("section.problem"); out.rows = visible("tr[data-problem]");
  out.count = document.getElementById("f-count").textContent;
  var wave = Array.prototype.find.call(document.querySelectorAll("pre.feedback:not([hidden])"),
    function (p) { return p.textContent.indexOf("FIRST MISMATCH") >= 0 && p.offsetParent; });
  if (wave) {
    var cs = getComputedStyle(wave);
    out.whiteSpace = cs.whiteSpace; out.overflowX = cs.overflowX; out.scrollsSideways = wave.scrollWidth > wave.clientWidth;
    var inner = wave.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    out.renderedLines = Math.round(inner / parseFloat(cs.lineHeight));
    out.textLines = wave.textContent.split("\\n").length;
    out.width = wave.getBoundingClientRect().width; out.main = document.querySelector("main").getBoundingClientRect().width;
  }
  document.getElementById("f-failures").click();  // toggled off: every sample again
  out.samplesAfterToggle = visible(".sample").length;
  document.querySelectorAll("#problem-table th")[3].click();  // pass@1, ascending
  out.sortedByPassAt1 = visible("tr[data-problem]");
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def probe(tmp_path: Path, page: Path, query: str) -> dict[str, object]:
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    dom = chromium(tmp_path, probed.as_uri() + query, "--dump-dom", "--window-size=700,1200")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the probe never ran: the page's script failed or the filters are missing"
    result: dict[str, object] = json.loads(html_text.unescape(found[1]))
    return result


@needs_chromium
def test_in_chromium_filters_from_the_url_sorting_and_a_waveform_that_never_wraps(
    debug_db: Path, tmp_path: Path
) -> None:
    with Store(debug_db) as store:
        page = write_report(store, "debug", tmp_path / "debug.html")
    seen = probe(tmp_path, page, "?failures=1&kind=mismatch")
    # Task p (0-based) fails samples s < p with kind (p+s) % 3: 0 mismatch, 1 syntax-error, 2 timeout.
    assert seen["samples"] == ["p-Prob003_task2-s1", "p-Prob004_task3-s0"]
    assert seen["problems"] == seen["rows"] == ["p-Prob003_task2", "p-Prob004_task3"]
    assert seen["count"] == "2 of 4 problems"
    # The waveform keeps its columns: no wrapping, a sideways scroll, one rendered line per text line.
    assert seen["whiteSpace"] == "pre" and seen["overflowX"] == "auto"
    assert seen["scrollsSideways"] is True
    assert seen["renderedLines"] == seen["textLines"]
    assert float(str(seen["width"])) > 0.9 * (float(str(seen["main"])) - 2 * 24 - 2 * 20)  # full width
    assert seen["samplesAfterToggle"] == 2  # the kind filter still holds
    assert seen["sortedByPassAt1"] == ["p-Prob004_task3", "p-Prob003_task2"]
    everything = probe(tmp_path, page, "")
    assert len(everything["samples"]) == 12 and everything["count"] == "4 of 4 problems"  # type: ignore[arg-type]
    assert everything["samplesAfterToggle"] == 6  # "failures only" switched on by the click
    assert everything["sortedByPassAt1"] == ["p-Prob004_task3", "p-Prob003_task2", "p-Prob002_task1"]


def test_a_manual_run_is_labelled_as_answered_by_hand_with_estimated_tokens() -> None:
    from veriassist.eval.report import run_banners
    from veriassist.eval.store import RunInfo, RunStatus

    run = RunInfo(
        id=1, name="m", suite_path="designs", suite_format="designs", suite_commit=None, settings={},
        model="manual", model_kind="manual", stand_in=False, strategy="veriassist",
        feedback_mode="own-testbench", versions={}, started="2026-12-01T00:00:00", finished=None,
        status=RunStatus.COMPLETED,
    )  # fmt: skip
    (banner,) = run_banners(run)
    assert banner.title == "manual model"
    assert "person or another tool" in banner.text and "estimates" in banner.text


@pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed")
@pytest.mark.simulator
def test_a_pass_that_a_proof_contradicts_leads_the_report_with_both_pass_rates(tmp_path: Path) -> None:
    from veriassist.eval.bench import BenchRequest, run_bench

    suite = Path(__file__).parent / "fixtures" / "audit" / "designs"
    reference = {
        t: (suite / t / "reference.sv").read_text() for t in ("clean_counter", "clean_mux", "one_output")
    }
    samples = tmp_path / "samples.jsonl"
    lines = [
        ("clean_counter", reference["clean_counter"].replace("q + 4'd1", "q + 4'd2")),  # fails, refuted
        ("clean_mux", reference["clean_mux"]),  # the reference: no proof
        ("one_output", reference["one_output"].replace("a | b", "a ^ b")),  # passes the weak testbench
    ]
    samples.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in lines))
    db = tmp_path / "bench.db"
    request = BenchRequest(
        suite, mode="samples", samples_path=samples, db=db, run_name="proved", jobs=1, sandbox=False,
        only=("clean_counter", "clean_mux", "one_output"), formal="on",
    )  # fmt: skip
    run_bench(request)
    with Store(db) as store:
        html = write_report(store, "proved", tmp_path / "proved.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    contradicted = text.index("a pass that a proof contradicts (1)")
    assert contradicted < text.index("formal verdict against the reference") < text.index("Problems problem")
    assert "on which they differ: one_output sample 0." in text
    assert "Pass rate by testbench alone 2/3 (66.7%); by testbench and not disproved 1/3 (33.3%)" in text
    section = text[text.index("one_output 1/1 passed") :]
    assert "A PASS THAT A PROOF CONTRADICTS. formal: not equivalent to the reference" in section
    assert "MISMATCH in y_or" in section
