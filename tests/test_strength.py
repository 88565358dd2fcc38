"""The own-testbench strength check in the loop: a scripted model (a test stand-in) and the real simulator."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist.agent.evaluate import LoopContext
from veriassist.agent.loop import run_loop
from veriassist.agent.outcome import LoopSettings, StrengthSettings
from veriassist.agent.strength import Change, StrengthGate, StrengthReport, changes
from veriassist.check.equivalence import yosys_installed
from veriassist.cli import app
from veriassist.eval.store import Store
from veriassist.models.scripted import ScriptedModel
from veriassist.suites import load_suite
from veriassist.types import FeedbackMode, IterationRecord, Problem, SelfCheck, StopReason, Strategy

LOOP = Path(__file__).parent / "fixtures" / "loop"
DESIGNS = Path(__file__).parent.parent / "designs"
STRONG_TB = (LOOP / "updown_tb.py").read_text()  # random stimulus against a Python model
# Checks the reset and nothing else: most mistakes in the counting pass it.
WEAK_TB = """import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge


@cocotb.test()
async def reset_clears_q(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.en.value, dut.load.value, dut.up.value, dut.d.value = 1, 0, 0, 1, 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    assert int(dut.q.value) == 0, f"q={int(dut.q.value)} after reset, expected 0"
"""
SPEC_SENTENCE = "load works whether or not `en` is high"  # only the updown_counter spec has it
SETTINGS = LoopSettings(iterations=4, self_check=SelfCheck.NEVER)


def reply(rtl_file: str, testbench: str | None, prose: str = "Here is my design.") -> str:
    text = f"{prose}\n```verilog\n{(LOOP / rtl_file).read_text()}```\n"
    return text + (f"\n```python\n{testbench}```\n" if testbench else "")


def sent(model: ScriptedModel) -> list[str]:
    return [request[-1].content for request in model.requests]


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_suite(DESIGNS).get("updown_counter")


@pytest.mark.simulator
def test_weak_tests_get_the_surviving_mutants_and_stronger_tests_end_the_run(problem: Problem) -> None:
    # The RTL ignores `up` and the tests only check the reset: both pass, the golden check fails.
    model = ScriptedModel(
        replies=[
            reply("updown_bug.sv", WEAK_TB),
            reply("updown_good.sv", STRONG_TB, prose="A test against a model showed `up` was ignored."),
        ]
    )
    outcome = run_loop(problem, model, SETTINGS)

    assert outcome.passed and outcome.stop_reason is StopReason.PASSED and len(model.requests) == 2
    first, second = outcome.iterations
    assert first.own_passed and first.golden_passed is False
    # The check spoke: a low kill ratio, its survivors recorded, and shown to the model as diffs.
    assert first.kill_ratio is not None and first.kill_ratio < 0.75 and first.survivors
    prompt = sent(model)[1]
    assert SPEC_SENTENCE in prompt and "## Changes your tests do not catch" in prompt
    assert "your tests still pass if line" in prompt and "instead of `" in prompt
    assert first.feedback in prompt and first.survivors.splitlines()[0].split(": ", 1)[0] in prompt
    assert "- strength check: your tests kill " in prompt  # the ledger carries it too
    assert "Mismatches:" not in prompt and "updown_counter_ref" not in prompt  # the golden side stays hidden
    # Stronger tests: the check passes them, and the answer to the request changed the golden verdict.
    assert second.kill_ratio is not None and second.kill_ratio >= 0.75
    assert second.golden_passed is True and second.golden_changed is True
    assert first.golden_changed is None


@pytest.mark.simulator
def test_a_model_that_never_strengthens_ends_with_weak_tests_not_a_loop(problem: Problem) -> None:
    same = reply("updown_good.sv", WEAK_TB)
    model = ScriptedModel(replies=[same, same, same, same])
    settings = replace(SETTINGS, strength=StrengthSettings(rounds=1))
    outcome = run_loop(problem, model, settings)
    # One request to strengthen (rounds=1), then the check is spent: the run stops, its verdict kept.
    assert outcome.stop_reason is StopReason.WEAK_TESTS and len(model.requests) == 2
    assert outcome.passed  # the golden verdict still decides `passed`; the stop reason says why it ended
    assert [r.kill_ratio is not None and r.kill_ratio < 0.75 for r in outcome.iterations] == [True, True]
    assert outcome.iterations[1].golden_changed is False  # the answer did not change the golden verdict


@pytest.mark.simulator
def test_no_strengthening_round_left_stops_at_once_and_the_check_can_be_turned_off(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_good.sv", WEAK_TB)])
    settings = replace(SETTINGS, strength=StrengthSettings(mutants=3, rounds=0))
    outcome = run_loop(problem, model, settings)
    assert outcome.stop_reason is StopReason.WEAK_TESTS and len(model.requests) == 1
    assert "your tests still pass if line" in outcome.iterations[0].feedback  # the evidence is recorded
    model = ScriptedModel(replies=[reply("updown_good.sv", WEAK_TB)])
    off = run_loop(problem, model, replace(SETTINGS, strength=StrengthSettings(enabled=False)))
    assert off.stop_reason is StopReason.PASSED and off.iterations[0].kill_ratio is None


EQUIVALENT_RTL = """module twice(input [3:0] a, output [3:0] y);
  assign y = (a & a) ^ 4'hf;
endmodule
"""
EXHAUSTIVE_TB = """import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def every_input(dut):
    for a in range(16):
        dut.a.value = a
        await Timer(1, unit="ns")
        assert int(dut.y.value) == (~a) & 15, f"a={a}: y={int(dut.y.value)}"
"""


@pytest.mark.simulator
@pytest.mark.skipif(not yosys_installed(), reason="yosys is not installed")
def test_mutants_proved_equivalent_are_dropped_and_never_block_a_run() -> None:
    # `a & a` -> `a | a` and `a & a` -> `a` behave exactly like the design: no test can kill them.
    # The other three mutants (`^` -> `|`, `^ 4'hf` dropped, `4'he`) are killed.
    problem = Problem(task_id="twice", spec="`y` is the bitwise inverse of the 4-bit input `a`.", top="twice")
    model = ScriptedModel(replies=[f"```verilog\n{EQUIVALENT_RTL}```\n```python\n{EXHAUSTIVE_TB}```"])
    steps: list[str] = []
    outcome = run_loop(problem, model, SETTINGS, on_step=steps.append)
    assert outcome.stop_reason is StopReason.PASSED and len(model.requests) == 1
    (only,) = outcome.iterations
    assert only.kill_ratio == 1.0 and only.survivors == ""
    (line,) = [s for s in steps if s.startswith("strength check:")]
    assert "kill 3 of 3 mutants" in line and "2 proved equivalent, not counted" in line


@pytest.mark.simulator
def test_a_budget_too_small_to_run_a_mutant_counts_none_and_blocks_nothing(problem: Problem) -> None:
    model = ScriptedModel(replies=[reply("updown_good.sv", WEAK_TB)])
    settings = replace(SETTINGS, strength=StrengthSettings(budget_s=0.5))
    outcome = run_loop(problem, model, settings)
    assert outcome.stop_reason is StopReason.PASSED and outcome.iterations[0].kill_ratio is None


def test_the_check_applies_only_where_the_models_own_tests_decide(problem: Problem) -> None:
    def applies(settings: LoopSettings) -> bool:
        return StrengthGate(LoopContext.for_problem(problem, settings)).applies

    assert applies(LoopSettings())
    assert not applies(LoopSettings(feedback=FeedbackMode.GOLDEN))
    assert not applies(LoopSettings(strategy=Strategy.COMPILE_ONLY))
    assert not applies(LoopSettings(strength=StrengthSettings(enabled=False)))
    with pytest.raises(ValueError, match="threshold"):
        StrengthSettings(threshold=1.5)


def test_a_survivor_is_shown_by_its_changed_lines() -> None:
    before = "module m;\n  always @(posedge clk)\n    q <= q + 1;\nendmodule\n"
    assert changes(before, before.replace("q + 1", "q - 1")) == (Change(3, "q <= q + 1;", "q <= q - 1;"),)


def test_the_kill_ratio_survivors_and_golden_change_are_stored(tmp_path: Path) -> None:
    report = StrengthReport(
        killed=3, survivors=(), equivalent=(), invalid=0, unrun=0, duration_s=1.0, threshold=0.75
    )
    assert report.ratio == 1.0 and not report.weak
    record = IterationRecord("t", 0, 1, kill_ratio=0.5, survivors="line 3: '+' -> '-'", golden_changed=True)
    with Store(tmp_path / "runs.db") as store:
        run = store.start_run(
            "r",
            suite_path="designs",
            suite_format="designs",
            model="m",
            model_kind="api",
            strategy="veriassist",
            feedback_mode="own-testbench",
        )
        store.record_iteration(run.id, record)
        store.record_iteration(run.id, IterationRecord("t", 0, 2))
        first, second = store.iterations(run.id)
    assert (first.kill_ratio, first.survivors, first.golden_changed) == (0.5, "line 3: '+' -> '-'", True)
    assert (second.kill_ratio, second.survivors, second.golden_changed) == (None, "", None)


@pytest.mark.simulator
def test_generate_takes_the_strength_settings_and_reports_the_kill_ratio(tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text(json.dumps([reply("updown_good.sv", WEAK_TB)]))
    argv = ["generate", str(DESIGNS / "updown_counter"), "--model", f"scripted:{script}", "--iterations", "1"]
    argv += ["--self-check", "never", "--mutants", "3", "--kill-threshold", "0.9", "--strength-budget", "60"]
    done = CliRunner().invoke(app, [*argv, "-o", str(tmp_path / "on")])
    assert done.exit_code == 0, done.output
    outcome = json.loads((tmp_path / "on" / "outcome.json").read_text())
    assert outcome["stop_reason"] == "weak-tests" and outcome["iterations"][0]["kill_ratio"] < 0.9
    done = CliRunner().invoke(app, [*argv, "--no-strength", "-o", str(tmp_path / "off")])
    outcome = json.loads((tmp_path / "off" / "outcome.json").read_text())
    assert outcome["stop_reason"] == "passed" and outcome["iterations"][0]["kill_ratio"] is None
    refused = CliRunner().invoke(app, [*argv, "--kill-threshold", "1.5", "-o", str(tmp_path / "x")])
    assert refused.exit_code == 2


def test_bench_records_strength_settings_only_when_not_the_default(tmp_path: Path) -> None:
    suite = Path(__file__).parent / "fixtures" / "suites" / "designs"
    reference = (suite / "and_gate" / "reference.sv").read_text()
    script = tmp_path / "script.json"
    script.write_text(json.dumps([f"```verilog\n{reference}```\n"] * 2))
    db = tmp_path / "m.db"
    args = ["bench", str(suite), "--only", "and_gate", "--model", f"scripted:{script}", "--db", str(db)]
    args += ["--strategy", "compile-only", "-j", "1"]
    assert CliRunner().invoke(app, [*args, "--run", "default"]).exit_code == 0
    ran = CliRunner().invoke(app, [*args, "--run", "tuned", "--mutants", "4", "--no-strength"])
    assert ran.exit_code == 0, ran.output
    with Store(db) as store:
        assert "strength" not in store.get_run("default").settings
        assert store.get_run("tuned").settings["strength"]["mutants"] == 4
        assert store.get_run("tuned").settings["strength"]["enabled"] is False


@pytest.mark.simulator
def test_a_reply_with_only_stronger_tests_keeps_the_rtl_it_was_asked_about(problem: Problem) -> None:
    # Real models answer "strengthen your tests" with the tests alone, as the prompt allows;
    # that is not a reply without code (a manual-model run met exactly this).
    model = ScriptedModel(
        replies=[reply("updown_good.sv", WEAK_TB), f"Stronger tests:\n```python\n{STRONG_TB}```\n"]
    )
    outcome = run_loop(problem, model, SETTINGS)
    first, second = outcome.iterations
    assert first.kill_ratio is not None and first.kill_ratio < 0.75
    assert second.own_passed and second.kill_ratio is not None and second.kill_ratio >= 0.75
    assert second.code_hash == first.code_hash  # the same RTL, now under stronger tests
    assert outcome.passed and outcome.stop_reason is StopReason.PASSED
