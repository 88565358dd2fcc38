"""Suite loaders, on small fixture suites written in each benchmark's real layout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from veriassist import hdl
from veriassist.suites import FORMATS, SuiteError, describe, detect_format, lint_problem, load_suite
from veriassist.types import Problem, TestbenchStyle

FIXTURES = Path(__file__).parent / "fixtures" / "suites"
MALFORMED = FIXTURES / "malformed"
needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")


def simulate(problem: Problem, workdir: Path, candidate: str | None = None) -> str:
    """Score `candidate` (default: the problem's reference) with the golden testbench.

    A bare-bones stand-in for the toolchain, so these tests show a loaded
    Problem really is runnable: files, renames and support files included.
    """
    testbench = problem.testbench
    assert testbench is not None and problem.reference is not None
    sources = [workdir / "candidate.sv"]
    sources[0].write_text(candidate if candidate is not None else problem.reference.text)
    for file in testbench.files:
        (workdir / file.name).write_text(file.text)
        sources.append(workdir / file.name)
    if testbench.reference is not None:
        text = testbench.reference.text
        if testbench.reference_module and testbench.reference_module not in hdl.module_names(text):
            text = hdl.rename_module(text, problem.top, testbench.reference_module)
        (workdir / "golden_ref.sv").write_text(text)
        sources.append(workdir / "golden_ref.sv")
    for path in testbench.support_files:
        shutil.copy(path, workdir / path.name)
    build = subprocess.run(
        ["iverilog", "-Wall", "-Wno-timescale", "-g2012", "-s", testbench.toplevel, "-o", "sim.vvp"]
        + [str(s) for s in sources],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert build.returncode == 0, build.stderr
    run = subprocess.run(["vvp", "-n", "sim.vvp"], cwd=workdir, capture_output=True, text=True, timeout=60)
    return run.stdout


# --- VerilogEval v2 ---


def test_verilogeval_v2_root_loads_spec_to_rtl_by_default() -> None:
    suite = load_suite(FIXTURES / "verilogeval_v2")
    assert (suite.format, suite.name) == ("verilogeval-v2", "verilogeval-v2/spec-to-rtl")
    assert suite.root == FIXTURES / "verilogeval_v2" / "dataset_spec-to-rtl"
    assert [p.task_id for p in suite.problems] == ["Prob001_and_gate", "Prob002_counter4"]
    counter = suite.get("Prob002_counter4")
    assert counter.top == "TopModule"
    assert counter.spec.startswith("\nI would like you to implement a module named TopModule")
    assert counter.interface is None
    assert counter.notes == ()
    assert counter.metadata == {
        "task": "spec-to-rtl",
        "number": 2,
        # Messages name the files the user can open, not the renamed copies the simulator gets.
        "reference_file": "Prob002_counter4_ref.sv",
        "testbench_file": "Prob002_counter4_test.sv",
    }
    testbench = counter.testbench
    assert testbench is not None
    assert testbench.style is TestbenchStyle.COMPARE
    assert testbench.toplevel == "tb"
    assert [f.name for f in testbench.files] == ["Prob002_counter4_test.sv"]
    assert testbench.reference is not None and testbench.reference.name == "Prob002_counter4_ref.sv"
    assert testbench.reference_module == "RefModule"
    assert hdl.module_names(testbench.reference.text) == ["RefModule"]


def test_verilogeval_v2_reference_is_renamed_to_be_scored_as_a_candidate() -> None:
    problem = load_suite(FIXTURES / "verilogeval_v2").get("Prob001_and_gate")
    assert problem.reference is not None and problem.testbench is not None
    assert problem.reference.name == "TopModule.sv"  # never the name of the testbench's own copy
    assert hdl.module_names(problem.reference.text) == ["TopModule"]
    assert problem.testbench.reference is not None
    original = problem.testbench.reference.text
    assert problem.reference.text == original.replace("RefModule", "TopModule")


def test_verilogeval_v2_code_complete_has_the_interface() -> None:
    suite = load_suite(FIXTURES / "verilogeval_v2", task="code-complete-iccad2023")
    assert suite.name == "verilogeval-v2/code-complete-iccad2023"
    problem = suite.problems[0]
    assert problem.interface == "module TopModule (\n  input a,\n  input b,\n  output out\n);"
    assert problem.metadata["task"] == "code-complete-iccad2023"


def test_verilogeval_v2_dataset_directory_implies_its_task() -> None:
    dataset = FIXTURES / "verilogeval_v2" / "dataset_code-complete-iccad2023"
    assert load_suite(dataset).name == "verilogeval-v2/code-complete-iccad2023"
    with pytest.raises(SuiteError, match="this is the code-complete-iccad2023 dataset, not spec-to-rtl"):
        load_suite(dataset, task="spec-to-rtl")
    with pytest.raises(SuiteError, match="unknown VerilogEval v2 task 'human'"):
        load_suite(FIXTURES / "verilogeval_v2", task="human")


@needs_iverilog
@pytest.mark.simulator
def test_verilogeval_v2_references_pass_and_a_wrong_design_fails(tmp_path: Path) -> None:
    suite = load_suite(FIXTURES / "verilogeval_v2")
    for problem in suite.problems:
        workdir = tmp_path / problem.task_id
        workdir.mkdir()
        output = simulate(problem, workdir)
        assert "Mismatches: 0 in " in output, output
    and_gate = suite.get("Prob001_and_gate")
    assert and_gate.reference is not None
    wrong = and_gate.reference.text.replace("a & b", "a | b")
    (tmp_path / "wrong").mkdir()
    output = simulate(and_gate, tmp_path / "wrong", candidate=wrong)
    assert "Hint: Output 'out' has " in output and "Mismatches: 0 in " not in output


# --- VerilogEval v1 ---


def test_verilogeval_v1_human_uses_descriptions_as_specs() -> None:
    suite = load_suite(FIXTURES / "verilogeval_v1")
    assert (suite.format, suite.name) == ("verilogeval-v1", "verilogeval-v1/human")
    assert [p.task_id for p in suite.problems] == ["andgate", "count15"]
    problem = suite.get("count15")
    assert problem.spec.startswith("Build a 4-bit binary counter")
    assert problem.top == "top_module"
    assert problem.interface == "module top_module (\n\tinput clk,\n\tinput reset,\n\toutput reg [3:0] q);"
    assert problem.reference is not None
    assert problem.reference.text.startswith("module top_module (")
    assert problem.reference.text.rstrip().endswith("endmodule")
    testbench = problem.testbench
    assert testbench is not None
    assert [f.name for f in testbench.files] == ["test.sv"]
    assert testbench.reference is None  # the test embeds reference_module
    assert {"reference_module", "stimulus_gen", "tb"} <= set(hdl.module_names(testbench.files[0].text))


def test_verilogeval_v1_machine_task_and_jsonl_file() -> None:
    machine = load_suite(FIXTURES / "verilogeval_v1", task="machine")
    assert machine.name == "verilogeval-v1/machine"
    assert machine.problems[0].spec.startswith("The module takes two inputs")
    from_file = load_suite(FIXTURES / "verilogeval_v1" / "data" / "VerilogEval_Machine.jsonl")
    assert from_file.name == "verilogeval-v1/machine"
    assert from_file.problems[0].spec == machine.problems[0].spec


def test_verilogeval_v1_without_descriptions_falls_back_on_the_prompt(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "verilogeval_v1" / "data" / "VerilogEval_Human.jsonl", tmp_path)
    suite = load_suite(tmp_path / "VerilogEval_Human.jsonl")
    problem = suite.get("andgate")
    assert problem.spec.startswith("module top_module(")
    assert problem.notes == ("no description: the spec is the prompt",)
    assert any("no descriptions/" in note for note in suite.notes)


@needs_iverilog
@pytest.mark.simulator
def test_verilogeval_v1_references_pass(tmp_path: Path) -> None:
    for problem in load_suite(FIXTURES / "verilogeval_v1").problems:
        workdir = tmp_path / problem.task_id
        workdir.mkdir()
        assert "Mismatches: 0 in " in simulate(problem, workdir)


# --- RTLLM ---


def test_rtllm_flat_layout_reconciles_module_names() -> None:
    suite = load_suite(FIXTURES / "rtllm_v1")
    assert (suite.format, suite.name) == ("rtllm", "rtllm_v1")
    assert suite.notes == ("layout: flat (v1.1 style), 2 designs",)
    adder = suite.get("adder_4bit")
    assert adder.top == "adder_4bit"
    assert adder.notes == ("reference module verified_adder_4bit renamed to adder_4bit to match testbench.v",)
    assert adder.reference is not None and adder.reference.name == "adder_4bit.v"
    # The helper module the reference instantiates keeps its name.
    assert hdl.module_names(adder.reference.text) == ["adder_4bit", "full_adder_chain"]
    testbench = adder.testbench
    assert testbench is not None
    assert testbench.style is TestbenchStyle.BANNER
    assert testbench.toplevel == "testbench"
    assert [f.name for f in testbench.files] == ["testbench.v"]
    assert testbench.support_files == ()  # the makefile is not data


def test_rtllm_reference_already_named_right_is_untouched() -> None:
    counter = load_suite(FIXTURES / "rtllm_v1").get("counter_4bit")
    folder = FIXTURES / "rtllm_v1" / "counter_4bit"
    assert counter.notes == ()
    assert counter.testbench is not None and counter.testbench.toplevel == "counter_tb"
    assert counter.reference is not None
    assert counter.reference.name == "verified_counter_4bit.v"
    assert counter.reference.text == (folder / "verified_counter_4bit.v").read_text()
    assert counter.spec == (folder / "design_description.txt").read_text()


def test_rtllm_nested_layout_with_spaces_and_data_files() -> None:
    suite = load_suite(FIXTURES / "rtllm_v2")
    assert suite.notes == ("layout: nested (v2.0 style), 2 designs",)
    assert [p.task_id for p in suite.problems] == ["adder_4bit", "rom_lut"]
    rom = suite.get("rom_lut")
    folder = FIXTURES / "rtllm_v2" / "Memory" / "Look Up Table" / "rom_lut"
    assert rom.metadata["category"] == "Memory/Look Up Table"
    assert rom.testbench is not None and rom.testbench.toplevel == "tb_rom_lut"
    # expected.hex is read by the testbench, rom_init.mem by the reference; .DS_Store is junk.
    assert rom.testbench.support_files == (folder / "expected.hex", folder / "rom_init.mem")
    assert rom.notes == (
        "reference module verified_rom_lut renamed to rom_lut to match testbench.v",
        "design_description.txt names module lut_rom but testbench.v instantiates rom_lut",
    )


@needs_iverilog
@pytest.mark.simulator
@pytest.mark.parametrize("suite_dir", ["rtllm_v1", "rtllm_v2"])
def test_rtllm_references_print_the_pass_banner(tmp_path: Path, suite_dir: str) -> None:
    for problem in load_suite(FIXTURES / suite_dir).problems:
        workdir = tmp_path / problem.task_id
        workdir.mkdir()
        output = simulate(problem, workdir)
        assert "Your Design Passed" in output, output


# --- designs/ ---


def test_designs_load_with_metadata_and_mutants() -> None:
    suite = load_suite(FIXTURES / "designs")
    assert (suite.format, suite.name) == ("designs", "designs")
    assert [p.task_id for p in suite.problems] == ["and_gate", "counter4"]
    counter = suite.get("counter4")
    folder = FIXTURES / "designs" / "counter4"
    assert counter.top == "counter4"
    assert counter.spec == (folder / "spec.md").read_text()
    assert counter.metadata["category"] == "sequential"
    assert counter.metadata["tags"] == ["counter", "synchronous-reset"]
    assert counter.metadata["mutants"] == [
        str(folder / "mutants" / "counts_by_two.sv"),
        str(folder / "mutants" / "reset_inverted.sv"),
    ]
    testbench = counter.testbench
    assert testbench is not None
    assert testbench.style is TestbenchStyle.COMPARE
    assert testbench.reference_module == "counter4_ref"
    assert testbench.reference == counter.reference
    assert counter.notes == ()


def test_a_single_design_folder_is_a_suite_of_one() -> None:
    suite = load_suite(FIXTURES / "designs" / "and_gate")
    assert [p.task_id for p in suite.problems] == ["and_gate"]


@needs_iverilog
@pytest.mark.simulator
def test_design_reference_passes_and_every_mutant_is_caught(tmp_path: Path) -> None:
    for problem in load_suite(FIXTURES / "designs").problems:
        workdir = tmp_path / problem.task_id
        workdir.mkdir()
        assert "Mismatches: 0 in " in simulate(problem, workdir)
        for mutant in problem.metadata["mutants"]:
            mutant_dir = tmp_path / f"{problem.task_id}-{Path(mutant).stem}"
            mutant_dir.mkdir()
            output = simulate(problem, mutant_dir, candidate=Path(mutant).read_text())
            assert "Mismatches: " in output and "Mismatches: 0 in " not in output, mutant


# --- detection, describe, lint ---


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("verilogeval_v2", "verilogeval-v2"),
        ("verilogeval_v2/dataset_spec-to-rtl", "verilogeval-v2"),
        ("verilogeval_v1", "verilogeval-v1"),
        ("verilogeval_v1/data/VerilogEval_Human.jsonl", "verilogeval-v1"),
        ("verilogeval_v1_example", "verilogeval-v1"),
        ("verilogeval_v1_example/data/example/ExampleEval.jsonl", "verilogeval-v1"),
        ("rtllm_v1", "rtllm"),
        ("rtllm_v2", "rtllm"),
        ("designs", "designs"),
    ],
)
def test_detect_format(path: str, expected: str) -> None:
    assert detect_format(FIXTURES / path) == expected
    assert expected in FORMATS


def test_describe_lists_files_and_notes() -> None:
    summaries = {s.task_id: s for s in describe(load_suite(FIXTURES / "rtllm_v2"))}
    rom = summaries["rom_lut"]
    assert (rom.top, rom.style) == ("rom_lut", "banner")
    # The files as the checkout names them: the reference is verified_rom_lut.v, renamed only for the simulator.
    assert rom.files == ("testbench.v", "expected.hex", "rom_init.mem", "verified_rom_lut.v")
    assert rom.missing == ()
    assert "design_description.txt names module lut_rom but testbench.v instantiates rom_lut" in rom.notes
    assert rom.lint == (
        "spec vs verified_rom_lut.v: module is named 'rom_lut' in the reference (verified_rom_lut.v) "
        "but 'lut_rom' in the spec",
    )
    assert not rom.ok
    adder = summaries["adder_4bit"]
    assert adder.ok and adder.lint == ()


def test_describe_verilogeval_problem_is_complete() -> None:
    [summary, _] = describe(load_suite(FIXTURES / "verilogeval_v2"))
    # TopModule.sv is the simulator's renamed copy of the _ref.sv file, not a file of the checkout.
    assert summary.files == ("Prob001_and_gate_test.sv", "Prob001_and_gate_ref.sv")
    assert summary.ok and summary.notes == ()


def test_lint_catches_a_reference_that_disagrees_with_its_spec() -> None:
    problem = load_suite(FIXTURES / "designs").get("counter4")
    assert lint_problem(problem) == []
    assert problem.reference is not None
    wider = problem.reference.text.replace("logic [3:0] q", "logic [7:0] q")
    changed = Problem(
        problem.task_id, problem.spec, problem.top, reference=type(problem.reference)("r.sv", wider)
    )
    assert lint_problem(changed) == [
        "spec vs r.sv: port 'q' is 4 bits in the spec but 8 bits in the reference (r.sv)"
    ]


# --- malformed suites ---


def test_empty_problems_txt_is_an_error() -> None:
    with pytest.raises(
        SuiteError, match=r"ve2_empty_problems/dataset_spec-to-rtl/problems.txt: lists no problems"
    ):
        load_suite(MALFORMED / "ve2_empty_problems")


def test_missing_verilogeval_testbench_names_the_file() -> None:
    with pytest.raises(SuiteError, match=r"Prob001_and_gate_test.sv: missing testbench"):
        load_suite(MALFORMED / "ve2_missing_test")


def test_bad_jsonl_line_names_file_and_line() -> None:
    with pytest.raises(SuiteError, match=r"VerilogEval_Human.jsonl:2: not valid JSON \(Unterminated string"):
        load_suite(MALFORMED / "v1_bad_jsonl")


def test_jsonl_line_missing_a_field(tmp_path: Path) -> None:
    (tmp_path / "VerilogEval_Human.jsonl").write_text('{"task_id": "x", "prompt": "module top_module();"}\n')
    with pytest.raises(
        SuiteError, match=r"VerilogEval_Human.jsonl:1: missing text field\(s\) canonical_solution, test"
    ):
        load_suite(tmp_path / "VerilogEval_Human.jsonl")


def test_rtllm_design_without_testbench_names_the_folder() -> None:
    with pytest.raises(
        SuiteError, match=r"rtllm_missing_testbench/adder_4bit/testbench.v: missing testbench"
    ):
        load_suite(MALFORMED / "rtllm_missing_testbench")


def test_rtllm_testbench_that_instantiates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "lonely"
    shutil.copytree(FIXTURES / "rtllm_v1" / "counter_4bit", folder)
    (folder / "testbench.v").write_text('module tb; initial $display("nothing to test"); endmodule\n')
    with pytest.raises(SuiteError, match=r"lonely/testbench.v: instantiates no design module"):
        load_suite(tmp_path, format="rtllm")


def test_bad_design_toml() -> None:
    with pytest.raises(SuiteError, match=r"broken/design.toml: not valid TOML"):
        load_suite(MALFORMED / "designs_bad_toml")


def test_design_toml_without_top(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "designs" / "and_gate", tmp_path / "and_gate")
    (tmp_path / "and_gate" / "design.toml").write_text('category = "combinational"\n')
    with pytest.raises(SuiteError, match=r"and_gate/design.toml: missing 'top'"):
        load_suite(tmp_path)


def test_unrecognised_directory_says_what_was_expected() -> None:
    with pytest.raises(
        SuiteError, match=r"unknown: not a suite we recognise; expected a VerilogEval v2"
    ) as error:
        load_suite(MALFORMED / "unknown")
    # A suite laid out differently can still be named: the message says how.
    assert "--format (verilogeval-v2, verilogeval-v1, designs, rtllm, cvdp)" in str(error.value)
    with pytest.raises(SuiteError, match="no such file or directory"):
        load_suite(FIXTURES / "does-not-exist")


def test_wrong_explicit_format_or_task() -> None:
    with pytest.raises(SuiteError, match=r"no \*/design.toml found"):
        load_suite(FIXTURES / "rtllm_v1", format="designs")
    with pytest.raises(SuiteError, match="unknown suite format 'verilogeval-v3'"):
        load_suite(FIXTURES / "rtllm_v1", format="verilogeval-v3")
    with pytest.raises(SuiteError, match="RTLLM has no tasks"):
        load_suite(FIXTURES / "rtllm_v1", task="human")


def test_verilogeval_v1_example_file_loads_as_the_example_task() -> None:
    """VerilogEval v1 ships `data/example/ExampleEval.jsonl` (same fields) beside Human and Machine."""
    for path in (
        FIXTURES / "verilogeval_v1_example",
        FIXTURES / "verilogeval_v1_example/data/example/ExampleEval.jsonl",
    ):
        suite = load_suite(path)
        assert (suite.format, suite.name) == ("verilogeval-v1", "verilogeval-v1/example")
        assert suite.root == FIXTURES / "verilogeval_v1_example"
        assert [p.task_id for p in suite.problems] == ["example_and"]
        problem = suite.problems[0]
        assert problem.top == "top_module"
        assert (
            problem.metadata["reference_file"]
            == "ExampleEval.jsonl (example_and: prompt + canonical_solution)"
        )
