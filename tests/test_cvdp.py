"""CVDP problems run natively: the loader, the harness on Icarus via our cocotb driver, and bench.

The fixtures are our own problems written in CVDP's exact JSONL layout (we ship none of its data).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings
from veriassist.check.checker import check
from veriassist.check.cvdp_harness import CvdpHarness, parse_env, run_harness
from veriassist.check.feedback import feedback_of, render_feedback
from veriassist.check.simulation import CheckOptions
from veriassist.cli import app
from veriassist.eval.bench import BenchError, BenchRequest, run_bench
from veriassist.eval.metrics import cvdp_pass_at_k, pass_at_k
from veriassist.extract import bundle, named_files, unbundle
from veriassist.models.scripted import ScriptedModel
from veriassist.suites import SuiteError, cvdp, detect_format, load_suite
from veriassist.types import (
    Candidate,
    FailureKind,
    FeedbackMode,
    Problem,
    SelfCheck,
    SourceFile,
    StopReason,
    Strategy,
)

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
    assert {"src/.env", "src/harness_library.py"} <= laid_out
    assert "docker-compose.yml" not in laid_out
    # The given design files travel in the candidate, not in the testbench.
    assert set(adder.metadata["given"]) == {"rtl/full_adder.sv", "rtl/ripple_adder.sv"}
    assert not laid_out & set(adder.metadata["given"])
    assert adder.metadata["expected"] == {}  # no solutions in this file
    assert adder.metadata["sources"] == ("rtl/full_adder.sv", "rtl/ripple_adder.sv")
    # Prose and notes stay beside the harness; the spec of the encoder is not part of its design.
    encoder = suite.get(ENCODER)
    assert encoder.testbench is not None
    assert {"docs/spec.md", "verif/notes.txt"} <= {f.name for f in encoder.testbench.files}
    assert encoder.metadata["given"] == {}


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
    assert "expected" in feedback_of(failed)


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


# -- replies with several files, and the loop ---------------------------------------------


def _blocks(files: dict[str, str]) -> str:
    return "".join(f"```verilog {path}\n{text}```\n" for path, text in files.items())


def test_a_bundle_reads_back_and_a_plain_file_comment_is_no_header() -> None:
    files = {"rtl/a.sv": "module a;\nendmodule\n", "rtl/b.sv": "module b; endmodule\n"}
    assert unbundle(bundle(files)) == files
    assert named_files("```verilog\n" + bundle(files) + "```\n") == files
    # A designer's own header comment names no path: the block is not split.
    assert unbundle("// File: lfsr.sv\nmodule lfsr; endmodule\n") == {}


def test_a_cvdp_reply_is_the_given_design_overlaid_by_its_files(problems: dict[str, Problem]) -> None:
    adder = problems[ADDER]
    expected = adder.metadata["expected"]
    got = cvdp.extract_reply(
        adder, "Only the chain changes.\n" + _blocks({"rtl/ripple_adder.sv": expected["rtl/ripple_adder.sv"]})
    )
    assert not got.problems and got.rtl is not None
    # The file the reply left out stays as the problem gave it.
    assert unbundle(got.rtl) == {
        **adder.metadata["given"],
        "rtl/ripple_adder.sv": expected["rtl/ripple_adder.sv"],
    }
    assert set(got.modules) == {"ripple_adder", "full_adder"}


def test_a_cvdp_reply_missing_an_expected_file_or_writing_outside_rtl_is_a_format_error(
    problems: dict[str, Problem],
) -> None:
    lfsr = problems[LFSR]
    wrong_name = cvdp.extract_reply(
        lfsr, _blocks({"rtl/lfsr.sv": lfsr.metadata["expected"]["rtl/lfsr_8bit.sv"]})
    )
    assert len(wrong_name.problems) == 1 and "does not give `rtl/lfsr_8bit.sv`" in wrong_name.problems[0]
    outside = cvdp.extract_reply(lfsr, _blocks({"src/lfsr_8bit.sv": "module lfsr_8bit; endmodule\n"}))
    assert outside.rtl is None and "`src/lfsr_8bit.sv` is not under rtl/, verif/" in outside.problems[0]
    prose = cvdp.extract_reply(lfsr, "I would use a shift register.")
    assert prose.rtl is None and prose.problems


def test_cvdp_answers_files_read_as_named_file_samples(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    lines = [
        {
            ADDER: {
                "output": {
                    "rtl/ripple_adder.sv": "module ripple_adder; endmodule\n",
                    "rtl/full_adder.sv": "x ``` y\n",
                }
            }
        },
        {ADDER: {"output": {"rtl/ripple_adder.sv": "module ripple_adder; endmodule"}}},
        {LFSR: {"output": {"rtl/lfsr_8bit.sv": "module lfsr_8bit; endmodule\n"}}},
    ]
    answers.write_text("".join(json.dumps(line) + "\n" for line in lines))
    samples = cvdp.read_answers(answers)
    assert samples is not None and list(samples) == [ADDER, LFSR] and len(samples[ADDER]) == 2
    # A file holding a fence of its own is wrapped in a longer one, so it reads back whole.
    assert named_files(samples[ADDER][0]) == lines[0][ADDER]["output"]
    ours = tmp_path / "ours.jsonl"
    ours.write_text(json.dumps({"task_id": LFSR, "completion": "module lfsr_8bit; endmodule"}) + "\n")
    assert cvdp.read_answers(ours) is None
    answers.write_text(answers.read_text() + '{"task_id": "x", "completion": ""}\n')
    with pytest.raises(SuiteError, match=r"answers\.jsonl:4: not a CVDP answer"):
        cvdp.read_answers(answers)


def test_cvdp_pass_at_k_is_its_biased_formula_and_agrees_only_at_k_1() -> None:
    assert cvdp_pass_at_k(5, 1, 5) == 1 - Fraction(4, 5) ** 5  # 67.2%: the same samples, unbiased 100%
    assert pass_at_k(5, 1, 5) == 1
    assert cvdp_pass_at_k(5, 2, 1) == pass_at_k(5, 2, 1) == Fraction(2, 5)
    with pytest.raises(ValueError):
        cvdp_pass_at_k(3, 4, 1)


@pytest.mark.simulator
def test_the_harness_lays_out_a_bundle_as_the_files_it_names(problems: dict[str, Problem]) -> None:
    adder = problems[ADDER]
    assert adder.testbench is not None
    reference = cvdp.reference_candidate(adder)
    assert reference is not None
    one_text = Candidate(
        (SourceFile("ripple_adder.sv", bundle({f.name: f.text for f in reference.files})),), "ripple_adder"
    )
    assert run_harness(one_text, adder.testbench).passed


@pytest.mark.simulator
def test_bench_shows_cvdp_biased_pass_at_k_labelled_beside_the_unbiased_one(
    tmp_path: Path, problems: dict[str, Problem]
) -> None:
    good = _blocks({"rtl/lfsr_8bit.sv": problems[LFSR].metadata["expected"]["rtl/lfsr_8bit.sv"]})
    bad = _blocks({"rtl/lfsr_8bit.sv": _mutant(problems[LFSR]).files[0].text})
    samples = tmp_path / "samples.jsonl"
    texts = [good, bad, good, bad, bad]
    samples.write_text("".join(json.dumps({"task_id": LFSR, "completion": t}) + "\n" for t in texts))
    argv = ["bench", str(WITHOUT_SOLUTIONS), "--samples", str(samples), "--only", LFSR, "-j", "1"]
    ran = CliRunner().invoke(app, [*argv, "--db", str(tmp_path / "k.db")])
    assert ran.exit_code == 0, ran.output
    assert "pass@5: 100.00%" in ran.output  # unbiased: 2 of 5 passed, so any 5 of them hold a pass
    # 1 - (3/5)^5 = 92.224%
    assert (
        "CVDP's biased estimate 1-(1-c/n)^k, as its scripts report it: pass@1 40.00%, pass@5 92.22%"
        in ran.output
    )
    as_json = CliRunner().invoke(app, [*argv, "--db", str(tmp_path / "k.db"), "--json"])
    biased = json.loads(as_json.output)["cvdp_biased_pass_at_k"]
    assert Fraction(biased["5"]["mean"]) == 1 - Fraction(3, 5) ** 5


def _sent(model: ScriptedModel) -> list[str]:
    return [request[-1].content for request in model.requests]


@pytest.mark.simulator
def test_the_loop_tells_the_model_of_a_missing_file_then_scores_its_files(
    problems: dict[str, Problem],
) -> None:
    lfsr = problems[LFSR]
    code = lfsr.metadata["expected"]["rtl/lfsr_8bit.sv"]
    model = ScriptedModel(
        [_blocks({"rtl/lfsr.sv": code}), "Renamed.\n" + _blocks({"rtl/lfsr_8bit.sv": code})]
    )
    outcome = run_loop(lfsr, model, LoopSettings(iterations=3, strategy=Strategy.ZERO_SHOT))
    first, second = _sent(model)
    # Every prompt carries the spec and the problem's context files.
    for prompt in (first, second):
        assert lfsr.spec in prompt and "### docs/spec.md" in prompt and "8'h01" in prompt
        assert "```verilog rtl/lfsr_8bit.sv" in prompt
    assert "Your last reply could not be used: the reply does not give `rtl/lfsr_8bit.sv`" in second
    assert outcome.passed and outcome.stop_reason is StopReason.SINGLE_ATTEMPT
    assert [it.golden_passed for it in outcome.iterations] == [None, True]
    assert outcome.rtl is not None and unbundle(outcome.rtl) == {"rtl/lfsr_8bit.sv": code}


@pytest.mark.simulator
def test_the_loop_edits_a_several_file_design_from_the_harness_evidence(problems: dict[str, Problem]) -> None:
    adder = problems[ADDER]
    expected = adder.metadata["expected"]
    broken = {f.name: f.text for f in _mutant(adder).files}
    tests = "```python\nimport cocotb\n\n\n@cocotb.test()\nasync def builds(dut):\n    assert len(dut.a) == 8\n```\n"
    fixed = "```verilog\n" + bundle(expected) + "```\n" + tests  # one block, as the design is shown back
    model = ScriptedModel([_blocks(broken) + tests, fixed])
    settings = LoopSettings(iterations=3, feedback=FeedbackMode.GOLDEN, self_check=SelfCheck.NEVER)
    outcome = run_loop(adder, model, settings)
    first, second = _sent(model)
    assert "### rtl/full_adder.sv" in first and "### rtl/ripple_adder.sv" in first
    assert adder.metadata["given"]["rtl/ripple_adder.sv"].splitlines()[0] in first  # the file to edit
    assert "`rtl/ripple_adder.sv`, `rtl/full_adder.sv`) are yours to edit" in first
    # The correction shows the whole design, file by file, and the harness's failing check.
    assert adder.spec in second and "// file: rtl/full_adder.sv" in second and "(cin & a)" in second
    assert "expected" in second.split("## Evidence from the simulation", 1)[1]
    assert outcome.passed and outcome.stop_reason is StopReason.PASSED
    assert [it.golden_passed for it in outcome.iterations] == [False, True]


@pytest.mark.simulator
def test_check_ignores_prose_that_names_the_top_module(problems: dict[str, Problem]) -> None:
    lfsr = problems[LFSR]
    assert lfsr.testbench is not None
    files = (*lfsr.testbench.files, SourceFile("docs/more.md", "The module lfsr_8bit shifts left.\n"))
    reference = cvdp.reference_candidate(lfsr)
    assert reference is not None
    assert check(reference, replace(lfsr.testbench, files=files), expected_samples=None).passed


@pytest.mark.simulator
def test_bench_samples_take_a_cvdp_answers_file(tmp_path: Path, problems: dict[str, Problem]) -> None:
    answers = tmp_path / "answers.jsonl"
    lines = [
        {ADDER: {"output": problems[ADDER].metadata["expected"]}},
        {LFSR: {"output": {"rtl/lfsr_8bit.sv": _mutant(problems[LFSR]).files[0].text}}},
    ]
    answers.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = run_bench(
        BenchRequest(WITHOUT_SOLUTIONS, mode="samples", samples_path=answers, db=tmp_path / "a.db")
    )
    verdicts = {r.task_id: r.kind for r in result.records}
    assert verdicts == {ADDER: FailureKind.PASS, LFSR: FailureKind.TEST_FAILED}


CHECKOUT = os.environ.get("VERIASSIST_CVDP_CHECKOUT")


@pytest.mark.simulator
@pytest.mark.skipif(not CHECKOUT, reason="set VERIASSIST_CVDP_CHECKOUT to a cvdp_benchmark checkout")
def test_the_upstream_example_reference_passes(tmp_path: Path) -> None:
    assert CHECKOUT is not None
    found = sorted(
        Path(CHECKOUT, "example_dataset").glob(
            "*nonagentic_code_generation_no_commercial_with_solutions.jsonl"
        )
    )
    assert found, f"no example dataset under {CHECKOUT}/example_dataset"
    result = run_bench(BenchRequest(found[-1], mode="reference", db=tmp_path / "e.db"))
    assert result.records and all(r.passed for r in result.records), [
        (r.task_id, r.kind) for r in result.records
    ]
