"""iverilog's two stages run without the driver (toolchain/ivl_stages.py): only ever as the driver would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import CHECK, GOOD_COUNTER, counter

from veriassist.check.checker import CheckOptions, check
from veriassist.check.inputs import load_testbench
from veriassist.toolchain import icarus, ivl_stages, runner

IVERILOG = runner.require_tool("iverilog")

WARNS = """module child(input [3:0] a, output [3:0] y); assign y = a; endmodule
module top; reg [1:0] n = 1; wire [3:0] y; child c(.a(n), .y(y)); initial $display("y=%0d", y); endmodule
"""
BROKEN = "module top; wire w; assign w = no_such_net +; endmodule\n"
MISSING_INCLUDE = '`include "nowhere.vh"\nmodule top; endmodule\n'
MACROS = (
    "`define TWICE(x) (2*(x))\n`define TWICE(x) (x+x)\nmodule top; initial $display(`TWICE(3)); endmodule\n"
)


def compiled(words: list[str], work: Path, piped: int = 0) -> tuple[str, str]:
    """The compile's log and status, as a check's launch reports them."""
    ran = runner.run(
        words, work, limits=runner.Limits(wall_s=30), then=runner.Then("STATUS=", ["/bin/true"], piped)
    )
    log, _, status = ran.stdout.partition("STATUS=")
    return log, status.strip()


@pytest.mark.parametrize(
    "design", [WARNS, BROKEN, MISSING_INCLUDE, MACROS], ids=["warnings", "error", "include", "redefined"]
)
def test_the_stages_give_the_drivers_log_status_and_program(tmp_path: Path, design: str) -> None:
    stages = ivl_stages.stages(IVERILOG)
    assert stages is not None, "this machine's Icarus is the one the stages were made for"
    (tmp_path / "d.sv").write_text(design)
    driver_log, driver_status = compiled(
        [IVERILOG, *icarus.compile_argv(["d.sv"], "top", output="driver.vvp")[1:]], tmp_path
    )
    for name, text in stages.files(["d.sv"], ["top"], "stages.vvp").items():
        (tmp_path / name).write_text(text)
    words, piped = stages.argv()
    stages_log, stages_status = compiled(words, tmp_path, piped)
    assert (stages_log, stages_status) == (driver_log, driver_status)
    if driver_status == "0":
        assert "warning" in driver_log or design is MACROS
        programs = [(tmp_path / f"{how}.vvp").read_text() for how in ("driver", "stages")]
        assert ivl_stages._numbered(programs[0]) == ivl_stages._numbered(programs[1])
    else:
        assert "error" in driver_log.lower() or "nowhere.vh" in driver_log


def test_stages_that_do_not_compile_as_the_driver_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the driver's defines (`__ICARUS__`), the probe compiles to another program: refused."""
    for name in ("as-is", "changed"):
        (tmp_path / name).mkdir()
    assert ivl_stages.capture(IVERILOG, tmp_path / "as-is") is not None
    real_files = ivl_stages.Stages.files

    def without_defines(self: ivl_stages.Stages, *args: object) -> dict[str, str]:
        files = real_files(self, *args)  # type: ignore[arg-type]
        files[ivl_stages.DEFINES] = files[ivl_stages.DEFINES].replace("D:__ICARUS__=1\n", "")
        return files

    monkeypatch.setattr(ivl_stages.Stages, "files", without_defines)
    assert ivl_stages.capture(IVERILOG, tmp_path / "changed") is None


def test_a_configuration_of_another_shape_is_not_read() -> None:
    lines = ["root:va_stages_probe", "basedir:/usr/lib/x86_64-linux-gnu/ivl", "out:x.vvp"]
    assert ivl_stages.parse(lines) is None  # no preprocessor line: not the layout the stages know
    twice = [*lines, 'ivlpp:/usr/lib/x86_64-linux-gnu/ivl/ivlpp -L -F"a" -P"b"', "root:again"]
    assert ivl_stages.parse(twice) is None


def test_a_check_through_the_stages_is_the_check_through_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    testbench = load_testbench(CHECK / "counter_test.sv", CHECK / "counter_ref.sv")
    wrong = GOOD_COUNTER.replace("+ 1", "+ 2")
    options = CheckOptions(keep_workdir=True)
    staged = [
        check(counter(text), testbench, options, expected_samples=None) for text in (GOOD_COUNTER, wrong)
    ]
    assert all(r.workdir and (r.workdir / ivl_stages.ICONFIG).is_file() for r in staged)  # the stages ran
    monkeypatch.setenv("VERIASSIST_IVERILOG_DRIVER", "1")
    driven = [
        check(counter(text), testbench, options, expected_samples=None) for text in (GOOD_COUNTER, wrong)
    ]
    assert not any(r.workdir and (r.workdir / ivl_stages.ICONFIG).exists() for r in driven)
    for a, b in zip(staged, driven, strict=True):
        assert (a.kind, a.samples, a.total_mismatches, a.diagnostics) == (
            b.kind,
            b.samples,
            b.total_mismatches,
            b.diagnostics,
        )
    assert staged[0].passed and not staged[1].passed
    for r in (*staged, *driven):
        shutil.rmtree(r.workdir)  # type: ignore[arg-type]


def test_a_suite_gets_the_same_verdicts_and_logs_through_the_stages_as_through_the_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every reference of the VerilogEval-shaped speed fixture and a seeded mutant of each,
    both ways: the same verdict, sample count, mismatches, diagnostics and compile log."""
    from veriassist.hdl.mutate import mutants
    from veriassist.suites import load_suite
    from veriassist.types import Candidate, SourceFile

    suite = load_suite(Path(__file__).parent / "fixtures" / "suites" / "verilogeval_v2_speed")
    cases = []
    for problem in suite.problems:
        assert problem.reference is not None and problem.testbench is not None
        texts = [
            problem.reference.text + "// a sample\n",
            *(m.text for m in mutants(problem.reference.text, 1)),
        ]
        cases += [
            (Candidate((SourceFile("TopModule.sv", text),), problem.top), problem.testbench) for text in texts
        ]

    def verdicts() -> list[tuple[object, ...]]:
        results = [check(c, tb, CheckOptions(), expected_samples=None) for c, tb in cases]
        return [
            (r.kind, r.samples, r.total_mismatches, r.mismatches, r.diagnostics, r.compile_log)
            for r in results
        ]

    staged = verdicts()
    monkeypatch.setenv("VERIASSIST_IVERILOG_DRIVER", "1")
    assert verdicts() == staged
    kinds = {row[0] for row in staged}
    assert len(cases) > 50 and len(kinds) > 1  # passes and failures both
