"""The formal verdict with the real Yosys: proofs, counterexamples replayed in Icarus, the CLI field."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from veriassist import hdl
from veriassist.check.checker import CheckOptions
from veriassist.check.equivalence import formal_check
from veriassist.check.reference_counts import ReferenceCounts, check_counted
from veriassist.cli import app
from veriassist.suites import load_suite
from veriassist.types import Candidate, FormalStatus, Problem, SourceFile, Testbench

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
def test_a_sequential_reference_is_equivalent_to_itself_for_the_bounded_depth() -> None:
    _, testbench = problem("updown_counter")
    verdict = formal_check(candidate("updown_counter"), testbench)
    assert verdict.status is FormalStatus.BOUNDED, verdict.reason
    assert verdict.cycles == 20
    assert "reset `rst` held at 1" in verdict.reason


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
    assert "formal: equivalent to the reference for 20 cycles after reset (bounded proof)" in shown.stdout
