"""The formal verdict with the real Yosys: proofs, counterexamples replayed in Icarus, the CLI field."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist import hdl
from veriassist.check.checker import CheckOptions
from veriassist.check.equivalence import (
    REPLAY_TOP,
    FormalOptions,
    counterexample_evidence,
    formal_check,
    replay_sources,
)
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.cli import app
from veriassist.suites import load_suite
from veriassist.toolchain import yosys
from veriassist.types import (
    Candidate,
    FormalStatus,
    FormalVerdict,
    Problem,
    SourceFile,
    Testbench,
    TestbenchStyle,
)

DESIGNS = Path(__file__).resolve().parent.parent / "designs"
needs_yosys = pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed")


def problem(name: str) -> tuple[Problem, Testbench]:
    (only,) = load_suite(DESIGNS / name).problems
    assert only.testbench is not None and only.testbench.reference is not None
    return only, only.testbench


def candidate(name: str, file: str | None = None) -> Candidate:
    path = DESIGNS / name / ("reference.sv" if file is None else f"mutants/{file}")
    return Candidate((SourceFile(path.name, path.read_text()),), problem(name)[0].top)


@needs_yosys
def test_a_combinational_reference_is_proved_equivalent_to_itself() -> None:
    _, testbench = problem("adder8")
    verdict = formal_check(candidate("adder8"), testbench)
    assert verdict.status is FormalStatus.EQUIVALENT, verdict.reason
    assert verdict.counterexample == ()


@needs_yosys
def test_a_combinational_mutant_has_a_counterexample_that_really_differs_in_simulation(
    tmp_path: Path,
) -> None:
    design, testbench = problem("adder8")
    mutant = candidate("adder8", "cout_truncated.sv")
    verdict = formal_check(mutant, testbench)
    assert verdict.status is FormalStatus.NOT_EQUIVALENT
    (step,) = verdict.counterexample
    assert "MISMATCH in" in verdict.table
    # Replay the inputs through Icarus: the reference and the mutant must disagree on them.
    ports = hdl.module_interface(mutant.files[0].text, design.top).ports
    given = dict(step.inputs)
    lines = ["module replay;"]
    for p in ports:
        kind = "reg" if p.direction == "input" else "wire"
        lines += [f"  {kind} [{p.width - 1}:0] {p.name}_r, {p.name}_d;"] if kind == "wire" else []
        lines += [f"  reg [{p.width - 1}:0] {p.name};"] if kind == "reg" else []

    def conn(suffix: str) -> str:
        return ", ".join(f".{p.name}({p.name}{'' if p.direction == 'input' else suffix})" for p in ports)

    lines += [f"  ref_m r({conn('_r')});", f"  {design.top} d({conn('_d')});", "  initial begin"]
    lines += [f"    {name} = {len(bits)}'b{bits};" for name, bits in given.items()]
    outs = [p.name for p in ports if p.direction == "output"]
    fmt = " ".join("%b/%b" for _ in outs)
    args = ", ".join(f"{o}_r, {o}_d" for o in outs)
    lines += ["    #1;", f'    $display("{fmt}", {args});', "  end", "endmodule"]
    (tmp_path / "replay.v").write_text("\n".join(lines))
    (tmp_path / "ref.v").write_text(hdl.rename_module(testbench.reference.text, design.top, "ref_m"))  # type: ignore[union-attr]
    (tmp_path / "dut.v").write_text(mutant.files[0].text)
    subprocess.run(
        ["iverilog", "-g2012", "-o", "sim", "replay.v", "ref.v", "dut.v"], cwd=tmp_path, check=True
    )
    shown = subprocess.run(["vvp", "-n", "sim"], cwd=tmp_path, check=True, capture_output=True, text=True)
    pairs = [pair.split("/") for pair in shown.stdout.split()]
    assert any(ref != dut for ref, dut in pairs), shown.stdout


@needs_yosys
def test_a_negedge_counter_is_not_equivalent_to_the_posedge_reference() -> None:
    _, testbench = problem("updown_counter")
    text = candidate("updown_counter").files[0].text.replace("posedge clk", "negedge clk")
    verdict = formal_check(Candidate((SourceFile("neg.sv", text),), "updown_counter"), testbench)
    assert verdict.status is FormalStatus.NOT_EQUIVALENT
    assert any(ref != dut for s in verdict.counterexample for _, ref, dut in s.outputs)


@needs_yosys
def test_a_sequential_reference_is_proved_equivalent_to_itself_by_induction() -> None:
    _, testbench = problem("updown_counter")
    verdict = formal_check(candidate("updown_counter"), testbench)
    assert verdict.status is FormalStatus.EQUIVALENT, verdict.reason
    assert "induction" in verdict.reason
    assert "reset `rst` held at 1" in verdict.reason
    assert verdict.per_cycle and verdict.clock == "clk"


@needs_yosys
@pytest.mark.parametrize("name", ["dp_ram", "regfile", "sync_fifo"])
def test_memories_are_proved_not_timed_out(name: str) -> None:
    _, testbench = problem(name)
    verdict = formal_check(candidate(name), testbench)
    assert verdict.status is FormalStatus.EQUIVALENT, verdict.reason


@needs_yosys
def test_a_register_kept_inverted_under_the_same_name_is_still_proved_equivalent() -> None:
    """The registers-named-alike claim fails on `prev` (stored inverted): that proves nothing, and
    the outputs-only induction must still close, never call it not equivalent."""
    _, testbench = problem("edge_detect")
    text = candidate("edge_detect").files[0].text
    text = text.replace("prev <= 1'b0;", "prev <= 1'b1;").replace("prev <= din;", "prev <= ~din;")
    text = text.replace("din & ~prev", "din & prev").replace("~din & prev", "~din & ~prev")
    verdict = formal_check(Candidate((SourceFile("inv.sv", text),), "edge_detect"), testbench)
    assert verdict.status is FormalStatus.EQUIVALENT, verdict.summary
    assert "outputs alone" in verdict.reason


@needs_yosys
def test_a_memory_renamed_is_bounded_or_unknown_with_the_reason_never_refuted() -> None:
    """Named apart, the memories cannot be matched, and their contents never show in few cycles."""
    _, testbench = problem("dp_ram")
    text = candidate("dp_ram").files[0].text.replace("mem", "store")
    options = FormalOptions(timeout_s=3, cycles=6)
    verdict = formal_check(Candidate((SourceFile("renamed.sv", text),), "dp_ram"), testbench, options)
    assert verdict.status in (FormalStatus.BOUNDED, FormalStatus.UNKNOWN, FormalStatus.EQUIVALENT)
    if verdict.status is FormalStatus.BOUNDED:
        assert verdict.cycles is not None and 1 <= verdict.cycles <= 6
    assert verdict.reason


@needs_yosys
def test_more_state_than_the_limit_is_unknown_with_the_size_unless_the_first_run_proved_it() -> None:
    _, testbench = problem("dp_ram")
    small = FormalOptions(max_state_bits=64, timeout_s=2, budget_s=6)
    renamed = candidate("dp_ram").files[0].text.replace("mem", "store")  # nothing to match: no quick proof
    verdict = formal_check(Candidate((SourceFile("r.sv", renamed),), "dp_ram"), testbench, small)
    assert verdict.status is FormalStatus.UNKNOWN
    assert "too large to prove: 528 state bits in the two designs" in verdict.reason  # 2 x (32 x 8 + 8)
    proved = formal_check(candidate("dp_ram"), testbench, FormalOptions(max_state_bits=64))
    assert proved.status is FormalStatus.EQUIVALENT, proved.reason


def _replay(verdict: FormalVerdict, testbench: Testbench, mutant: Candidate, tmp_path: Path) -> str:
    sources = replay_sources(verdict, testbench, mutant)
    assert sources is not None
    names = []
    for source in (*sources, *mutant.files):
        (tmp_path / source.name).write_text(source.text)
        names.append(source.name)
    subprocess.run(["iverilog", "-g2012", "-o", "sim", "-s", REPLAY_TOP, *names], cwd=tmp_path, check=True)
    shown = subprocess.run(["vvp", "-n", "sim"], cwd=tmp_path, check=True, capture_output=True, text=True)
    return shown.stdout


@needs_yosys
@pytest.mark.simulator
@pytest.mark.parametrize(
    ("name", "file"), [("dp_ram", "write_through.sv"), ("updown_counter", "saturating.sv")]
)
def test_a_clocked_counterexample_replays_as_a_directed_test_that_differs_in_icarus(
    name: str, file: str, tmp_path: Path
) -> None:
    _, testbench = problem(name)
    mutant = candidate(name, file)
    verdict = formal_check(mutant, testbench)
    assert verdict.status is FormalStatus.NOT_EQUIVALENT, verdict.summary
    assert verdict.per_cycle and "each step is one clock cycle" in verdict.table
    shown = _replay(verdict, testbench, mutant, tmp_path)
    assert "FORMAL-REPLAY MISMATCH" in shown, shown
    assert "FORMAL-REPLAY DONE 0" not in shown


@needs_yosys
@pytest.mark.simulator
def test_the_negedge_counterexample_replays_in_half_cycles_and_differs(tmp_path: Path) -> None:
    _, testbench = problem("updown_counter")
    text = candidate("updown_counter").files[0].text.replace("posedge clk", "negedge clk")
    mutant = Candidate((SourceFile("neg.sv", text),), "updown_counter")
    verdict = formal_check(mutant, testbench)
    assert verdict.status is FormalStatus.NOT_EQUIVALENT
    assert not verdict.per_cycle and "half a clock cycle" in verdict.table
    assert "on the falling edge" in verdict.reason
    assert "FORMAL-REPLAY MISMATCH" in _replay(verdict, testbench, mutant, tmp_path)


@needs_yosys
def test_the_evidence_for_a_model_is_the_table_and_only_for_a_refutation() -> None:
    _, testbench = problem("adder8")
    refuted = formal_check(candidate("adder8", "cout_truncated.sv"), testbench)
    evidence = counterexample_evidence(refuted)
    assert refuted.table in evidence and "proof against the reference" in evidence
    assert counterexample_evidence(formal_check(candidate("adder8"), testbench)) == ""


def test_an_induction_steps_model_is_not_read_as_a_counterexample() -> None:
    """`sat -tempinduct` prints the failed induction step's arbitrary states: no counterexample."""
    log = textwrap.dedent(
        """
        Base case for induction length 1 proven.
        [induction step 1] Solving problem with 10 variables and 20 clauses..
        Induction step failed. Incrementing induction length.
          Time Signal Name                  Dec       Hex           Bin
             1 \\gold_q                      3         3      00000011
             1 \\gate_q                      5         5      00000101
        Base case for induction length 2 proven.
        Reached maximum number of time steps -> proof failed.
        """
    )
    reading = yosys.read_sat(log, "")
    assert reading.status is yosys.SatStatus.UNPROVED
    assert reading.depth == 2 and reading.steps == ()
    failed = yosys.read_sat(log.replace("Reached maximum", "model found for base case: FAIL!\nReached"), "")
    assert failed.status is yosys.SatStatus.FAILED and failed.steps == ()  # rows before the failure ignored


def test_flip_flops_on_another_edge_or_clock_leave_the_cycle_model() -> None:
    def design(polarity: str, clock_bits: list[int]) -> str:
        cell = {"type": "$dff", "parameters": {"CLK_POLARITY": polarity, "WIDTH": "1000"},
                "connections": {"CLK": clock_bits}}  # fmt: skip
        module = {"ports": {"clk": {"direction": "input", "bits": [2]}}, "cells": {"r": cell}}
        return json.dumps({"modules": {"gold": module}})

    assert yosys.classify(design("1", [2]), "clk") == yosys.Shape(yosys.Model.CYCLE, 8)
    assert yosys.classify(design("0", [2]), "clk").why == "a flip-flop on the falling edge"
    assert yosys.classify(design("1", [7]), "clk").why == "a flip-flop on another clock"
    assert (
        yosys.classify(json.dumps({"modules": {"gold": {"cells": {}}}}), None).model
        is yosys.Model.COMBINATIONAL
    )


KILLED = ["adder8", "updown_counter", "mux4", "edge_detect", "shift_reg8", "alu8"]


@needs_yosys
@pytest.mark.simulator
@pytest.mark.parametrize("name", KILLED)
def test_no_mutant_the_testbench_kills_is_called_equivalent(name: str) -> None:
    design, testbench = problem(name)
    counts = ReferenceCounts()
    for path in sorted((DESIGNS / name / "mutants").glob("*.sv")):
        mutant = Candidate((SourceFile(path.name, path.read_text()),), design.top)
        killed = not check_counted(mutant, testbench, CheckOptions(waveform=False), counts).passed
        verdict = formal_check(mutant, testbench)
        if killed:
            assert verdict.status not in (FormalStatus.EQUIVALENT, FormalStatus.BOUNDED), path.name
            if verdict.status is FormalStatus.UNKNOWN:
                assert verdict.reason, path.name


@needs_yosys
def test_an_unreadable_candidate_is_unknown_with_the_reason() -> None:
    _, testbench = problem("adder8")
    broken = Candidate((SourceFile("x.sv", "module adder8(input a; endmodule"),), "adder8")
    verdict = formal_check(broken, testbench)
    assert verdict.status is FormalStatus.UNKNOWN
    assert "yosys could not build the miter" in verdict.reason


def test_without_yosys_the_verdict_is_unknown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: no yosys to be found
    _, testbench = problem("adder8")
    verdict = formal_check(candidate("adder8"), testbench)
    assert verdict.status is FormalStatus.UNKNOWN
    assert verdict.reason == "yosys not installed"


@needs_yosys
@pytest.mark.simulator
def test_check_formal_on_gives_the_json_field_and_off_leaves_it_out() -> None:
    folder = DESIGNS / "adder8"
    args = [str(folder / "mutants" / "cout_truncated.sv"), "--tb", str(folder / "testbench.sv")]
    args += ["--ref", str(folder / "reference.sv"), "--json"]
    on = CliRunner().invoke(app, ["check", *args, "--formal", "on"])
    formal = json.loads(on.stdout)["formal"]
    assert formal["status"] == "not_equivalent"
    assert formal["counterexample"] and "MISMATCH" in formal["table"]
    off = CliRunner().invoke(app, ["check", *args, "--formal", "off"])
    assert json.loads(off.stdout)["formal"] is None
    bad = CliRunner().invoke(app, ["check", *args, "--formal", "maybe"])
    assert bad.exit_code == 2 and "expected off, auto or on" in bad.output


@needs_yosys
@pytest.mark.simulator
def test_check_prints_the_formal_line() -> None:
    folder = DESIGNS / "updown_counter"
    shown = CliRunner().invoke(app, ["check", str(folder / "reference.sv"), "--tb", str(folder)])
    assert "formal: formally equivalent to the reference" in shown.stdout


@needs_yosys
@pytest.mark.parametrize("reset", ["presetn", "hresetn", "aresetn"])
def test_a_bus_style_reset_is_applied_so_states_that_differ_only_before_reset_agree(reset: str) -> None:
    # The two keep their idle line in opposite registers: equal after a reset, different before.
    reference = f"""module link(input pclk, input {reset}, output tx);
  reg busy;
  always @(posedge pclk) if (!{reset}) busy <= 1'b0; else busy <= busy;
  assign tx = !busy;
endmodule
"""
    design = reference.replace("reg busy;", "reg idle;").replace(
        "busy <= 1'b0; else busy <= busy;", "idle <= 1'b1; else idle <= idle;"
    )
    design = design.replace("assign tx = !busy;", "assign tx = idle;")
    testbench = Testbench(
        TestbenchStyle.COMPARE, (SourceFile("tb.sv", "module tb; endmodule\n"),), "tb",
        SourceFile("ref.sv", reference), "link_ref",
    )  # fmt: skip
    verdict = formal_check(Candidate((SourceFile("link.sv", design),), "link"), testbench)
    assert verdict.status is not FormalStatus.NOT_EQUIVALENT, verdict.table
    assert reset in verdict.reason or verdict.status is FormalStatus.EQUIVALENT
