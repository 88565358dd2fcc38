`timescale 1 ps/1 ps

// Golden testbench for sync_fifo (VerilogEval conventions).
// Reference is instantiated as sync_fifo_ref (good1), design under test as sync_fifo (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg wr_en,
	output reg [7:0] din,
	output reg rd_en
);
	integer i;
	integer seed = 21;
	integer wbias;
	initial begin
		rst = 1'b1; wr_en = 1'b0; rd_en = 1'b0; din = 8'h00;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		rd_en <= 1'b1; @(negedge clk);          // read while empty
		rd_en <= 1'b0;
		// fill completely and try to overflow
		for (i = 0; i < 10; i = i + 1) begin
			wr_en <= 1'b1; din <= 8'hA0 + i;
			@(negedge clk);
		end
		// full: simultaneous read and write
		wr_en <= 1'b1; rd_en <= 1'b1; din <= 8'h5A;
		repeat (2) @(negedge clk);
		wr_en <= 1'b0;
		// drain and underflow
		repeat (10) @(negedge clk);
		// empty: simultaneous read and write
		wr_en <= 1'b1; rd_en <= 1'b1; din <= 8'h3C;
		@(negedge clk);
		wr_en <= 1'b0; rd_en <= 1'b1;
		repeat (2) @(negedge clk);
		rd_en <= 1'b0;
		// reset while partly full
		wr_en <= 1'b1; din <= 8'h11; repeat (3) @(negedge clk);
		wr_en <= 1'b0; rst <= 1'b1; @(negedge clk);
		rst <= 1'b0; rd_en <= 1'b1; repeat (2) @(negedge clk);
		rd_en <= 1'b0;
		for (i = 0; i < 1500; i = i + 1) begin
			// phases biased towards filling or draining
			wbias = ((i / 100) % 2) ? 3 : 1;
			wr_en <= ($unsigned($random(seed)) % 4) < wbias + 1;
			rd_en <= ($unsigned($random(seed)) % 4) < 4 - wbias;
			din <= $random(seed);
			rst <= ($random(seed) % 400) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_dout;
		int errortime_dout;
		int errors_full;
		int errortime_full;
		int errors_empty;
		int errortime_empty;
		int errors_count;
		int errortime_count;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic wr_en;
	logic [7:0] din;
	logic rd_en;
	logic [7:0] dout_ref;
	logic [7:0] dout_dut;
	logic full_ref;
	logic full_dut;
	logic empty_ref;
	logic empty_dut;
	logic [3:0] count_ref;
	logic [3:0] count_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, wr_en, din, rd_en, dout_ref, full_ref, empty_ref, count_ref, dout_dut, full_dut, empty_dut, count_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .wr_en(wr_en), .din(din), .rd_en(rd_en));

	sync_fifo_ref good1 (.clk(clk), .rst(rst), .wr_en(wr_en), .din(din), .rd_en(rd_en), .dout(dout_ref), .full(full_ref), .empty(empty_ref), .count(count_ref));

	sync_fifo top_module1 (.clk(clk), .rst(rst), .wr_en(wr_en), .din(din), .rd_en(rd_en), .dout(dout_dut), .full(full_dut), .empty(empty_dut), .count(count_dut));

	final begin
		if (stats1.errors_dout) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "dout", stats1.errors_dout, stats1.errortime_dout);
		else $display("Hint: Output '%s' has no mismatches.", "dout");
		if (stats1.errors_full) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "full", stats1.errors_full, stats1.errortime_full);
		else $display("Hint: Output '%s' has no mismatches.", "full");
		if (stats1.errors_empty) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "empty", stats1.errors_empty, stats1.errortime_empty);
		else $display("Hint: Output '%s' has no mismatches.", "empty");
		if (stats1.errors_count) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "count", stats1.errors_count, stats1.errortime_count);
		else $display("Hint: Output '%s' has no mismatches.", "count");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { dout_ref, full_ref, empty_ref, count_ref } === ( { dout_ref, full_ref, empty_ref, count_ref } ^ { dout_dut, full_dut, empty_dut, count_dut } ^ { dout_ref, full_ref, empty_ref, count_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (dout_ref !== ( dout_ref ^ dout_dut ^ dout_ref ))
		begin if (stats1.errors_dout == 0) stats1.errortime_dout = $time;
			stats1.errors_dout = stats1.errors_dout+1'b1; end
		if (full_ref !== ( full_ref ^ full_dut ^ full_ref ))
		begin if (stats1.errors_full == 0) stats1.errortime_full = $time;
			stats1.errors_full = stats1.errors_full+1'b1; end
		if (empty_ref !== ( empty_ref ^ empty_dut ^ empty_ref ))
		begin if (stats1.errors_empty == 0) stats1.errortime_empty = $time;
			stats1.errors_empty = stats1.errors_empty+1'b1; end
		if (count_ref !== ( count_ref ^ count_dut ^ count_ref ))
		begin if (stats1.errors_count == 0) stats1.errortime_count = $time;
			stats1.errors_count = stats1.errors_count+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
