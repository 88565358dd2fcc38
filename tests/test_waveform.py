"""waveform_window on VCDs dumped by the real simulator from small designs written here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from veriassist.toolchain.vcd import waveform_window

COUNTER = """
`timescale 1ps/1ps
module counter_ref(input clk, input reset, output reg [3:0] q);
  always @(posedge clk) if (reset) q <= 0; else q <= q + 1;
endmodule
module counter_dut(input clk, input reset, output reg [3:0] q);
  // The bug: wraps after 9 instead of 15.
  always @(posedge clk) if (reset || q == 9) q <= 0; else q <= q + 1;
endmodule
module tb;
  reg clk = 0;
  reg reset = 1;
  wire [3:0] q_ref, q_dut;
  wire tb_mismatch = (q_ref !== (q_ref ^ q_dut ^ q_ref));
  integer errors = 0, errortime = 0;
  always #5 clk = ~clk;
  counter_ref good1(.clk(clk), .reset(reset), .q(q_ref));
  counter_dut top_module1(.clk(clk), .reset(reset), .q(q_dut));
  initial begin
    $dumpfile("wave.vcd");
    $dumpvars(1, clk, reset, q_ref, q_dut, tb_mismatch);
    @(negedge clk) reset <= 0;
    #200 $display("Hint: Output 'q' has %0d mismatches. First mismatch occurred at time %0d.",
                  errors, errortime);
    $finish;
  end
  // Compared on both edges, as VerilogEval's testbenches do.
  always @(posedge clk, negedge clk)
    if (tb_mismatch) begin
      if (errors == 0) errortime = $time;
      errors = errors + 1;
    end
endmodule
"""

ADDER = """
`timescale 1ps/1ps
module tb;
  reg [3:0] a, b;
  wire [4:0] sum_ref = a + b;
  wire [4:0] sum_dut = {1'b0, a + b};  // the bug: drops the carry
  wire tb_mismatch = (sum_ref !== (sum_ref ^ sum_dut ^ sum_ref));
  initial begin
    $dumpfile("wave.vcd");
    $dumpvars(1, a, b, sum_ref, sum_dut, tb_mismatch);
    #10 a = 1; b = 2;
    #10 a = 3; b = 4;
    #10 a = 9; b = 8;
    #10 a = 2; b = 2;
    #10 a = 15; b = 15;
    #10 $finish;
  end
endmodule
"""

# VerilogEval's layout: the clock is an input of stim1 and dumped from there.
STIM1 = """
`timescale 1ps/1ps
module stimulus_gen(input clk, output reg [7:0] d);
  initial begin
    d <= 8'h10;
    @(negedge clk) d <= 8'h22;
    @(negedge clk) d <= 8'h3f;
    @(negedge clk) d <= 8'h40;
    @(negedge clk) d <= 8'h41;
    repeat (3) @(negedge clk);
    $finish;
  end
endmodule
module RefModule(input clk, input [7:0] d, output reg [7:0] q);
  always @(posedge clk) q <= d;
endmodule
module TopModule(input clk, input [7:0] d, output reg [7:0] q);
  always @(posedge clk) q <= {d[7:1], 1'b0};  // the bug: bit 0 stuck at 0
endmodule
module tb;
  reg clk = 0;
  wire [7:0] d, q_ref, q_dut;
  wire tb_match = (q_ref === (q_ref ^ q_dut ^ q_ref));
  wire tb_mismatch = ~tb_match;
  integer errors = 0, errortime = 0;
  always #5 clk = ~clk;
  stimulus_gen stim1(.clk(clk), .d(d));
  RefModule good1(.clk(clk), .d(d), .q(q_ref));
  TopModule top_module1(.clk(clk), .d(d), .q(q_dut));
  initial begin
    $dumpfile("wave.vcd");
    $dumpvars(1, stim1.clk, tb_mismatch, d, q_ref, q_dut);
  end
  always @(posedge clk, negedge clk)
    if (!tb_match) begin
      if (errors == 0) errortime = $time;
      errors = errors + 1;
    end
  final $display("Hint: Output 'q' has %0d mismatches. First mismatch occurred at time %0d.",
                 errors, errortime);
endmodule
"""


def simulate(tmp_path: Path, source: str, name: str = "tb.sv") -> tuple[Path, int | None]:
    """Compile and run a testbench; return its VCD and the reported first-mismatch time."""
    (tmp_path / name).write_text(source)
    subprocess.run(
        ["iverilog", "-g2012", "-o", "sim.vvp", name],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    run = subprocess.run(
        ["vvp", "-n", "sim.vvp"], cwd=tmp_path, check=True, capture_output=True, text=True, timeout=60
    )
    found = re.search(r"First mismatch occurred at time (\d+)", run.stdout)
    vcds = sorted(tmp_path.glob("*.vcd"))
    assert vcds, run.stdout
    return vcds[0], int(found.group(1)) if found else None


def rows(table: str) -> list[tuple[str, list[str], str]]:
    """(marks, cells, note) for each data row of the table."""
    out = []
    for line in table.splitlines()[1:]:
        m = re.fullmatch(r"(..)\|(.*)\|( <- .*)?", line)
        if m is None or "time" in m.group(2):
            continue
        out.append((m.group(1), [c.strip() for c in m.group(2).split("|")], (m.group(3) or "").strip()))
    return out


def titles(table: str) -> list[str]:
    line = next(line for line in table.splitlines() if "| time" in line or re.search(r"\|\s+time", line))
    return [c.strip() for c in line.strip().strip("|").split("|")]


@pytest.mark.simulator
def test_counter_window_marks_the_reported_mismatch_with_expected_and_actual_values(tmp_path: Path) -> None:
    vcd, reported = simulate(tmp_path, COUNTER)
    assert reported == 110  # negedge after the posedge at 105 where the DUT wraps 9 -> 0

    table = waveform_window(vcd, reported)

    assert "time unit 1ps" in table
    assert "t=110" in table
    assert titles(table) == ["time", "clk", "reset", "q (expected)", "q (actual)"]
    body = rows(table)
    assert [int(cells[0]) for _, cells, _ in body] == list(range(70, 131, 5))
    marked = [i for i, (marks, _, _) in enumerate(body) if marks.startswith(">")]
    assert marked == [8]
    assert body[8] == (">*", ["110", "0", "0", "4'ha", "4'h0"], "<- FIRST MISMATCH in q")
    # Values are those sampled at the edge: at 105 both still hold 9, so that row is clean.
    assert body[7] == ("  ", ["105", "1", "0", "4'h9", "4'h9"], "")
    assert body[9] == (" *", ["115", "1", "0", "4'ha", "4'h0"], "<- MISMATCH in q")
    assert body[12][1][3:] == ["4'hc", "4'h2"]
    assert all(marks[1] == " " for marks, _, _ in body[:8])


@pytest.mark.simulator
def test_without_a_time_the_first_mismatch_is_found_from_tb_mismatch(tmp_path: Path) -> None:
    vcd, reported = simulate(tmp_path, COUNTER)

    assert waveform_window(vcd, None) == waveform_window(vcd, reported)


@pytest.mark.simulator
def test_before_and_after_count_clock_cycles_of_two_edges_each(tmp_path: Path) -> None:
    vcd, reported = simulate(tmp_path, COUNTER)

    body = rows(waveform_window(vcd, reported, before=2, after=1))

    assert [cells[0] for _, cells, _ in body] == ["90", "95", "100", "105", "110", "115", "120"]
    assert body[4][0] == ">*"


@pytest.mark.simulator
def test_max_rows_keeps_the_mismatch_row_and_trims_both_sides(tmp_path: Path) -> None:
    vcd, reported = simulate(tmp_path, COUNTER)

    table = waveform_window(vcd, reported, before=4, after=4, max_rows=5)

    body = rows(table)
    assert [cells[0] for _, cells, _ in body] == ["100", "105", "110", "115", "120"]
    assert body[2][0] == ">*"


@pytest.mark.simulator
def test_unknown_values_before_reset_are_shown_as_x(tmp_path: Path) -> None:
    vcd, _ = simulate(tmp_path, COUNTER)

    body = rows(waveform_window(vcd, 10, before=2, after=1))

    assert body[0] == ("  ", ["5", "1", "1", "4'hx", "4'hx"], "")
    assert body[1][0] == "> "  # marked as the asked-for time although nothing differs there
    assert [cells[0] for _, cells, _ in body] == ["5", "10", "15", "20"]


@pytest.mark.simulator
def test_combinational_design_gets_one_row_per_value_change(tmp_path: Path) -> None:
    vcd, _ = simulate(tmp_path, ADDER)

    table = waveform_window(vcd, None, before=3, after=1)

    assert "One row per value change" in table
    assert titles(table) == ["time", "a", "b", "sum (expected)", "sum (actual)"]
    body = rows(table)
    assert [cells[0] for _, cells, _ in body] == ["0", "10", "20", "30", "40"]
    # x in the expected value is a don't-care; partly unknown buses are shown bit by bit.
    assert body[0] == ("  ", ["0", "4'hx", "4'hx", "5'hxx", "5'b0xxxx"], "")
    assert body[3] == (">*", ["30", "4'h9", "4'h8", "5'h11", "5'h01"], "<- FIRST MISMATCH in sum")
    assert body[4] == ("  ", ["40", "4'h2", "4'h2", "5'h04", "5'h04"], "")
    assert waveform_window(vcd, 30, before=3, after=1) == table


@pytest.mark.simulator
def test_combinational_before_and_after_count_rows(tmp_path: Path) -> None:
    vcd, _ = simulate(tmp_path, ADDER)

    body = rows(waveform_window(vcd, 30, before=1, after=2))

    assert [(marks, cells[0]) for marks, cells, _ in body] == [
        ("  ", "20"),
        (">*", "30"),
        ("  ", "40"),
        (" *", "50"),
    ]


@pytest.mark.simulator
def test_clock_dumped_from_stim1_scope_drives_the_rows(tmp_path: Path) -> None:
    vcd, reported = simulate(tmp_path, STIM1)
    assert reported == 30  # q takes 3f/3e at the posedge at 25; the negedge at 30 sees it

    table = waveform_window(vcd, reported, before=1, after=1)

    assert titles(table) == ["time", "clk", "d", "q (expected)", "q (actual)"]
    body = rows(table)
    assert [cells[0] for _, cells, _ in body] == ["20", "25", "30", "35", "40"]
    assert body[2] == (">*", ["30", "0", "8'h3f", "8'h3f", "8'h3e"], "<- FIRST MISMATCH in q")
    assert body[3] == (" *", ["35", "1", "8'h40", "8'h3f", "8'h3e"], "<- MISMATCH in q")
    assert waveform_window(vcd, None, before=1, after=1) == table


@pytest.mark.simulator
def test_generic_scope_shows_the_signals_of_that_scope(tmp_path: Path) -> None:
    source = COUNTER.replace("$dumpvars(1, clk, reset, q_ref, q_dut, tb_mismatch);", "$dumpvars(0, tb);")
    vcd, _ = simulate(tmp_path, source)

    table = waveform_window(vcd, 60, scope="top_module1", before=1, after=1)

    assert "Waveform of tb.top_module1 around t=60" in table
    assert titles(table) == ["time", "clk", "reset", "q"]
    body = rows(table)
    assert body == [
        ("  ", ["50", "0", "0", "4'h4"], ""),
        ("  ", ["55", "1", "0", "4'h4"], ""),
        ("> ", ["60", "0", "0", "4'h5"], ""),
        ("  ", ["65", "1", "0", "4'h5"], ""),
        ("  ", ["70", "0", "0", "4'h6"], ""),
    ]
    assert waveform_window(vcd, None, scope="top_module1") == ""


@pytest.mark.simulator
def test_a_full_testbench_dump_still_picks_the_ref_dut_pairs(tmp_path: Path) -> None:
    source = COUNTER.replace("$dumpvars(1, clk, reset, q_ref, q_dut, tb_mismatch);", "$dumpvars(0, tb);")
    vcd, reported = simulate(tmp_path, source)

    table = waveform_window(vcd, reported, before=1, after=0)

    # The integer error counters are testbench bookkeeping, not inputs of the design.
    assert titles(table) == ["time", "clk", "reset", "q (expected)", "q (actual)"]
    assert [cells[0] for _, cells, _ in rows(table)] == ["100", "105", "110"]
    assert rows(table)[-1][2] == "<- FIRST MISMATCH in q"


@pytest.mark.simulator
def test_max_signals_keeps_the_failing_output_and_notes_the_rest(tmp_path: Path) -> None:
    vcd, reported = simulate(tmp_path, STIM1)

    table = waveform_window(vcd, reported, before=1, after=0, max_signals=2)

    assert titles(table) == ["time", "clk", "q (expected)", "q (actual)"]
    assert "(1 more signal not shown: d)" in table


@pytest.mark.simulator
def test_ten_megabyte_vcd_window_from_a_long_counter_run(tmp_path: Path) -> None:
    # 32-bit down-counter: every vector line is 32 bits, so 100k cycles make about 10 MB.
    source = """
`timescale 1ps/1ps
module tb;
  reg clk = 0;
  reg reset = 1;
  reg [31:0] q_ref, q_dut;
  wire tb_mismatch = (q_ref !== (q_ref ^ q_dut ^ q_ref));
  integer errors = 0, errortime = 0;
  always #5 clk = ~clk;
  always @(posedge clk) q_ref <= reset ? 32'hffffffff : q_ref - 1;
  always @(posedge clk) q_dut <= reset ? 32'hffffffff : (q_dut == 32'hfffea06f ? 32'h0 : q_dut - 1);
  initial begin
    $dumpfile("big.vcd");
    $dumpvars(1, clk, reset, q_ref, q_dut, tb_mismatch);
    @(negedge clk) reset <= 0;
    #1000000 $display("First mismatch occurred at time %0d.", errortime);
    $finish;
  end
  always @(posedge clk, negedge clk)
    if (tb_mismatch) begin
      if (errors == 0) errortime = $time;
      errors = errors + 1;
    end
endmodule
"""
    vcd, reported = simulate(tmp_path, source)
    assert vcd.stat().st_size > 9_000_000
    assert reported == 900020

    table = waveform_window(vcd, reported)

    body = rows(table)
    assert len(body) == 13
    assert body[8] == (">*", ["900020", "0", "0", "32'hfffea06e", "32'h00000000"], "<- FIRST MISMATCH in q")
    assert body[7][1][3:] == ["32'hfffea06f", "32'hfffea06f"]
    assert waveform_window(vcd, None) == table


def test_missing_empty_or_corrupt_vcd_gives_an_empty_string(tmp_path: Path) -> None:
    assert waveform_window(tmp_path / "absent.vcd", 10) == ""
    empty = tmp_path / "empty.vcd"
    empty.write_bytes(b"")
    assert waveform_window(empty, 10) == ""
    garbage = tmp_path / "garbage.vcd"
    garbage.write_bytes(b"\x00\xff not a vcd at all\n#zz\n")
    assert waveform_window(garbage, None) == ""
    truncated = tmp_path / "truncated.vcd"
    truncated.write_text("$timescale 1ps $end\n$scope module tb $end\n$var wire 4 # q_ref [3:0] $end\n")
    assert waveform_window(truncated, 5) == ""
    broken_body = tmp_path / "broken.vcd"
    broken_body.write_text(
        '$timescale 1ps $end\n$scope module tb $end\n$var wire 1 ! q_ref $end\n$var wire 1 " q_dut $end\n'
        '$upscope $end\n$enddefinitions $end\n#0\n0!\n1"\n#1x\n'
    )
    assert waveform_window(broken_body, None) == ""
    assert waveform_window(tmp_path, 5) == ""  # a directory


def test_hand_written_vcd_with_values_on_the_time_line_is_parsed(tmp_path: Path) -> None:
    # Some writers put changes on the `#t` line and use CRLF; the byte-search shortcuts must not be used.
    vcd = tmp_path / "odd.vcd"
    vcd.write_bytes(
        b"$timescale 1 ns $end\r\n$scope module tb $end\r\n$var wire 1 ! y_ref $end\r\n"
        b'$var wire 1 " y_dut $end\r\n$var wire 2 # a $end\r\n$upscope $end\r\n$enddefinitions $end\r\n'
        b'#0 0! 0"\r\nb0 #\r\n#10 1! 1"\r\nb1 #\r\n#20 0!\r\nb10 #\r\n#30 1!\r\nb11 #\r\n'
    )

    body = rows(waveform_window(vcd, None, before=1, after=1))

    assert "time unit 1ns" in waveform_window(vcd, None)
    assert body == [
        ("  ", ["10", "2'h1", "1", "1"], ""),
        (">*", ["20", "2'h2", "0", "1"], "<- FIRST MISMATCH in y"),
        ("  ", ["30", "2'h3", "1", "1"], ""),
    ]
