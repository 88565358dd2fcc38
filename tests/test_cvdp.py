"""CVDP problems run natively: the loader, the harness on Icarus via our cocotb driver, and bench.

The fixtures are our own problems written in CVDP's exact JSONL layout (we ship none of its data).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.check.cvdp_harness import CvdpHarness, parse_env, run_harness
from veriassist.check.feedback import render_feedback
from veriassist.check.simulation import CheckOptions
from veriassist.cli import app
from veriassist.eval.bench import BenchError, BenchRequest, run_bench
from veriassist.extract import named_files
from veriassist.suites import SuiteError, cvdp, detect_format, load_suite
from veriassist.types import Candidate, FailureKind, Problem, SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "suites"
NAME = "cvdp_v1.0_fixture_nonagentic_code_generation_no_commercial"
WITH_SOLUTIONS = FIXTURES / "cvdp" / f"{NAME}_with_solutions.jsonl"
WITHOUT_SOLUTIONS = FIXTURES / "cvdp" / f"{NAME}.jsonl"
LFSR = "cvdp_copilot_lfsr_fixture_0001"
COUNTER = "cvdp_copilot_up_counter_fixture_0002"
ADDER = "cvdp_copilot_ripple_adder_fixture_0003"
ENCODER = "cvdp_copilot_priority_encoder_fixture_0004"
COMMERCIAL = "cvdp_copilot_fifo_assertions_fixture_0005"
COMPREHENSION = "cvdp_copilot_explain_fixture_0006"
OPEN = (LFSR, COUNTER, ADDER, ENCODER)

# One small bug per open problem: (file, text in the reference, its replacement).
MUTANTS = {
    LFSR: ("rtl/lfsr_8bit.sv", "lfsr_out[5] ^ lfsr_out[4]", "lfsr_out[6] ^ lfsr_out[4]"),
    COUNTER: ("rtl/up_counter.sv", "count + 4'd1", "count - 4'd1"),
    ADDER: ("rtl/full_adder.sv", "(cin & (a ^ b))", "(cin & a)"),
    ENCODER: ("rtl/priority_encoder.sv", "if (req[i]) begin", "if (req[i] && !valid) begin"),
}


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return {p.task_id: p for p in load_suite(WITH_SOLUTIONS).problems}


def _mutant(problem: Problem) -> Candidate:
    reference = cvdp.reference_candidate(problem)
    assert reference is not None
    path, old, new = MUTANTS[problem.task_id]
    files = []
    for f in reference.files:
        if f.name == path:
            assert old in f.text
            f = SourceFile(f.name, f.text.replace(old, new))
        files.append(f)
    return Candidate(tuple(files), reference.top)


def test_a_cvdp_jsonl_is_detected_and_its_problems_read() -> None:
    assert detect_format(WITH_SOLUTIONS) == "cvdp"
    suite = load_suite(WITHOUT_SOLUTIONS, format="cvdp")
    assert [p.task_id for p in suite.problems] == [*OPEN, COMMERCIAL, COMPREHENSION]
    adder = suite.get(ADDER)
    assert (adder.top, adder.metadata["category"], adder.metadata["difficulty"]) == (
        "ripple_adder",
        "cid004",
        "medium",
    )
    assert adder.testbench is not None and adder.testbench.toplevel == "test_ripple_adder"
    laid_out = {f.name for f in adder.testbench.files}
    assert {"rtl/full_adder.sv", "rtl/ripple_adder.sv", "src/.env", "src/harness_library.py"} <= laid_out
    assert "docker-compose.yml" not in laid_out
    assert adder.metadata["expected"] == {}  # no solutions in this file
    assert adder.metadata["sources"] == ("rtl/full_adder.sv", "rtl/ripple_adder.sv")


def test_the_env_file_reads_with_spaces_around_the_equals_sign() -> None:
    env = parse_env("SIM             = icarus\n# comment\nVERILOG_SOURCES = /code/rtl/a.sv /code/rtl/b.sv\n")
    assert env == {"SIM": "icarus", "VERILOG_SOURCES": "/code/rtl/a.sv /code/rtl/b.sv"}


def test_commercial_and_comprehension_problems_load_as_skipped_with_the_reason(
    problems: dict[str, Problem],
) -> None:
    commercial, comprehension = problems[COMMERCIAL], problems[COMPREHENSION]
    assert commercial.testbench is None and "commercial EDA tools" in commercial.metadata["skip"]
    assert comprehension.testbench is None and "comprehension" in comprehension.metadata["skip"]
    assert all(not problems[task].metadata["skip"] for task in OPEN)


@pytest.mark.parametrize("text", ["{not json", '{"categories": []}', '{"id": "x", "categories": "cid003"}'])
def test_a_malformed_line_is_a_one_line_suite_error(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(text + "\n")
    with pytest.raises(SuiteError, match=r"bad\.jsonl:1"):
        load_suite(bad, format="cvdp")


def test_a_file_path_escaping_the_project_is_refused_by_the_loader(tmp_path: Path) -> None:
    record = json.loads(WITH_SOLUTIONS.read_text().splitlines()[0])
    record["input"]["context"]["../../etc/evil.sv"] = "module evil; endmodule"
    bad = tmp_path / "escape.jsonl"
    bad.write_text(json.dumps(record) + "\n")
    with pytest.raises(SuiteError, match="not a relative path inside the project"):
        load_suite(bad)


@pytest.mark.simulator
@pytest.mark.parametrize("task", OPEN)
def test_every_fixture_reference_passes_its_harness_and_a_mutant_fails(
    problems: dict[str, Problem], task: str
) -> None:
    problem = problems[task]
    assert problem.testbench is not None
    reference = cvdp.reference_candidate(problem)
    assert reference is not None
    passed = run_harness(reference, problem.testbench)
    assert passed.passed, passed.summary + passed.compile_log[-2000:]
    assert passed.kind is FailureKind.PASS and passed.tests and passed.sandboxed
    failed = run_harness(_mutant(problem), problem.testbench)
    assert not failed.passed
    assert failed.kind is FailureKind.TEST_FAILED
    failing = [t for t in failed.tests if not t.passed]
    assert failing and "expected" in failing[0].message
    # The failing test's message is what the model is told.
    assert failing[0].message.splitlines()[0] in render_feedback(failed, _mutant(problem))


@pytest.mark.simulator
def test_a_candidate_cannot_replace_the_harness_tests(problems: dict[str, Problem]) -> None:
    problem = problems[LFSR]
    assert problem.testbench is not None
    forged = "import cocotb\n\n@cocotb.test()\nasync def test_lfsr_sequence(dut):\n    pass\n"
    broken = Candidate(
        (
            SourceFile("rtl/lfsr_8bit.sv", "module lfsr_8bit(input clock); endmodule\n"),
            SourceFile("src/test_lfsr.py", forged),
        ),
        "lfsr_8bit",
    )
    result = run_harness(broken, problem.testbench)
    assert result.kind is FailureKind.REJECTED and "src/test_lfsr.py" in result.summary


@pytest.mark.simulator
def test_a_design_printing_a_fake_verdict_still_fails(problems: dict[str, Problem]) -> None:
    problem = problems[COUNTER]
    assert problem.testbench is not None
    liar = (
        "module up_counter(input logic clk, input logic rst, input logic en, output logic [3:0] count);\n"
        '  initial $display("{\\"stage\\": \\"done\\", \\"tests\\": [{\\"name\\": \\"t\\", \\"passed\\": true}]}");\n'
        "  assign count = 4'd7;\nendmodule\n"
    )
    result = run_harness(Candidate((SourceFile("rtl/up_counter.sv", liar),), "up_counter"), problem.testbench)
    assert result.kind is FailureKind.TEST_FAILED


@pytest.mark.simulator
def test_a_reply_missing_a_compiled_file_says_which(problems: dict[str, Problem]) -> None:
    problem = problems[LFSR]
    assert problem.testbench is not None
    reference = cvdp.reference_candidate(problem)
    assert reference is not None
    renamed = Candidate((SourceFile("rtl/lfsr.sv", reference.files[0].text),), "lfsr_8bit")
    result = run_harness(renamed, problem.testbench)
    assert not result.passed and "rtl/lfsr_8bit.sv" in result.summary
    assert cvdp.missing_files(problem, renamed) == ["rtl/lfsr_8bit.sv"]


def test_replies_name_their_files_in_the_fence_or_a_header_line() -> None:
    reply = (
        "Here they are.\n```verilog rtl/a.sv\nmodule a; endmodule\n```\n"
        "```systemverilog\n// file: rtl/b.sv\nmodule b; endmodule\n```\n"
        "```verilog\nmodule unnamed; endmodule\n```\n"
    )
    files = named_files(reply)
    assert list(files) == ["rtl/a.sv", "rtl/b.sv"]
    assert files["rtl/a.sv"] == "module a; endmodule\n"


def test_an_unnamed_block_goes_to_the_one_file_the_problem_expects(problems: dict[str, Problem]) -> None:
    candidate = cvdp.candidate_from_reply(problems[LFSR], "```verilog\nmodule lfsr_8bit; endmodule\n```")
    assert candidate is not None and [f.name for f in candidate.files] == ["rtl/lfsr_8bit.sv"]
    assert cvdp.candidate_from_reply(problems[LFSR], "  ") is None


@pytest.mark.simulator
def test_bench_reference_passes_the_open_problems_and_lists_the_skipped_with_reasons(tmp_path: Path) -> None:
    result = run_bench(BenchRequest(WITH_SOLUTIONS, mode="reference", jobs=2, db=tmp_path / "r.db"))
    assert sorted(r.task_id for r in result.records) == sorted(OPEN)
    assert all(r.passed for r in result.records)
    assert f"{COMMERCIAL}: skipped: cid014 needs commercial EDA tools (__VERIF_EDA_IMAGE__)" in result.notes
    assert any(n.startswith(f"{COMPREHENSION}: skipped: cid006 is a comprehension") for n in result.notes)


@pytest.mark.simulator
def test_bench_selects_by_category_and_difficulty(tmp_path: Path) -> None:
    request = BenchRequest(
        WITH_SOLUTIONS, mode="reference", db=tmp_path / "r.db", categories=("cid003",), difficulties=("hard",)
    )
    result = run_bench(request)
    assert [r.task_id for r in result.records] == [ENCODER]
    with pytest.raises(BenchError, match="--difficulty brutal"):
        run_bench(BenchRequest(WITH_SOLUTIONS, db=tmp_path / "r.db", difficulties=("brutal",)))
    with pytest.raises(BenchError, match="select CVDP problems"):
        run_bench(BenchRequest(FIXTURES / "designs", db=tmp_path / "r.db", categories=("cid003",)))


@pytest.mark.simulator
def test_bench_samples_take_several_named_files_and_score_each(
    tmp_path: Path, problems: dict[str, Problem]
) -> None:
    adder = cvdp.reference_candidate(problems[ADDER])
    assert adder is not None
    both = "".join(f"```verilog {f.name}\n{f.text}```\n" for f in adder.files)
    broken = _mutant(problems[ADDER])
    broken_reply = "".join(f"```verilog {f.name}\n{f.text}```\n" for f in broken.files)
    lines = [
        {"task_id": ADDER, "completion": both},
        {"task_id": ADDER, "completion": broken_reply},
        {
            "task_id": LFSR,
            "completion": "```verilog\n" + problems[LFSR].metadata["expected"]["rtl/lfsr_8bit.sv"] + "```",
        },
    ]
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps(line) + "\n" for line in lines))
    request = BenchRequest(
        WITHOUT_SOLUTIONS, mode="samples", samples_path=samples, jobs=2, db=tmp_path / "s.db"
    )
    result = run_bench(request)
    outcome = {(r.task_id, r.sample): r for r in result.records}
    assert outcome[(ADDER, 0)].passed and outcome[(LFSR, 0)].passed
    failed = outcome[(ADDER, 1)]
    assert not failed.passed and failed.kind is FailureKind.TEST_FAILED
    assert "expected" in failed.feedback


def test_bench_refuses_to_run_the_model_loop_on_cvdp_for_now(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="--model does not run CVDP problems yet"):
        run_bench(BenchRequest(WITH_SOLUTIONS, mode="model", model="scripted", db=tmp_path / "m.db"))


@pytest.mark.simulator
def test_the_cli_takes_format_category_and_difficulty(tmp_path: Path) -> None:
    argv = ["bench", str(WITH_SOLUTIONS), "--format", "cvdp", "--reference", "--category", "cid002,cid014"]
    ran = CliRunner().invoke(app, [*argv, "--db", str(tmp_path / "c.db")])
    assert ran.exit_code == 0, ran.output
    assert "1/1 samples passed" in ran.output
    assert "skipped: cid014 needs commercial EDA tools" in ran.output


def test_a_harness_without_a_top_is_the_testbench_fault_not_the_design(problems: dict[str, Problem]) -> None:
    problem = problems[LFSR]
    assert problem.testbench is not None
    files = tuple(
        SourceFile(f.name, "SIM = icarus\n") if f.name == ".env" or f.name == "src/.env" else f
        for f in problem.testbench.files
    )
    reference = cvdp.reference_candidate(problem)
    assert reference is not None
    result = CvdpHarness().run(
        reference, replace(problem.testbench, files=files), CheckOptions(), expected_samples=None
    )
    assert result.kind is FailureKind.TESTBENCH_ERROR and "does not set TOPLEVEL" in result.summary


def test_bench_refuses_to_audit_cvdp_problems_instead_of_crashing(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="--audit and --exclude-flagged do not cover CVDP"):
        run_bench(BenchRequest(WITH_SOLUTIONS, lint=True, db=tmp_path / "a.db"))
