`timescale 1 ps/1 ps

// Golden testbench for cordic_rotate (VerilogEval conventions).
// Reference is instantiated as cordic_rotate_ref (good1), design under test as cordic_rotate (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg start,
	output reg [15:0] angle
);
	localparam NDIRECT = 24;
	reg [15:0] direct [0:NDIRECT-1];
	integer i, mode;
	integer seed = 1515;

	// One computation: start for one cycle, then 16 idle cycles with a different angle on the input.
	task run(input [15:0] value);
		begin
			start <= 1'b1; angle <= value;
			@(negedge clk);
			start <= 1'b0; angle <= ~value;
			repeat (16) @(negedge clk);
		end
	endtask

	initial begin
		// quadrant boundaries, the axes, pi/4 (z reaches exactly 0 after iteration 0), extremes
		direct[0] = 16'h0000;  direct[1] = 16'h0001;  direct[2] = 16'hFFFF;  direct[3] = 16'h2000;
		direct[4] = 16'h3FFF;  direct[5] = 16'h4000;  direct[6] = 16'h4001;  direct[7] = 16'h6000;
		direct[8] = 16'h7FFF;  direct[9] = 16'h8000;  direct[10] = 16'h8001; direct[11] = 16'hA000;
		direct[12] = 16'hBFFF; direct[13] = 16'hC000; direct[14] = 16'hC001; direct[15] = 16'hE000;
		direct[16] = 16'h1555; direct[17] = 16'h2AAB; direct[18] = 16'h12E4; direct[19] = 16'hED1C;
		direct[20] = 16'h0A00; direct[21] = 16'h5A5A; direct[22] = 16'hA5A5; direct[23] = 16'h7000;
		rst = 1'b1; start = 1'b0; angle = 16'h0000;
		repeat (2) @(negedge clk);
		start <= 1'b1; angle <= 16'h2000;       // start during reset is not taken
		@(negedge clk);
		rst <= 1'b0; start <= 1'b0;
		repeat (2) @(negedge clk);
		for (i = 0; i < NDIRECT; i = i + 1) run(direct[i]);
		// start held high: starts while busy and at the completion edge are ignored,
		// the start right after completion is taken (back-to-back every 16 cycles)
		start <= 1'b1;
		for (i = 0; i < 70; i = i + 1) begin
			angle <= $random(seed);
			@(negedge clk);
		end
		start <= 1'b0;
		repeat (20) @(negedge clk);
		// reset in the middle of a computation: its result is never written
		run(16'h1234);
		start <= 1'b1; angle <= 16'h6543;
		@(negedge clk);
		start <= 1'b0;
		repeat (7) @(negedge clk);
		rst <= 1'b1;
		@(negedge clk);
		rst <= 1'b0;
		repeat (20) @(negedge clk);
		// reset exactly at the completion edge (15 edges after the start edge)
		start <= 1'b1; angle <= 16'h3210;
		@(negedge clk);
		start <= 1'b0;
		repeat (14) @(negedge clk);
		rst <= 1'b1;
		@(negedge clk);
		rst <= 1'b0;
		repeat (3) @(negedge clk);
		// reset while done is high
		run(16'hD00D);
		start <= 1'b1; angle <= 16'h0BAD;
		@(negedge clk);
		start <= 1'b0;
		repeat (15) @(negedge clk);
		rst <= 1'b1; start <= 1'b1;
		@(negedge clk);
		rst <= 1'b0; start <= 1'b0;
		repeat (3) @(negedge clk);
		// random traffic
		for (i = 0; i < 36000; i = i + 1) begin
			mode = $unsigned($random(seed)) % 4;
			start <= ($unsigned($random(seed)) % 3) == 0;
			angle <= $random(seed);
			if (mode == 1) angle <= {$random(seed)} % 64 - 32 + 16'h4000 * ($unsigned($random(seed)) % 4);
			if (mode == 2) angle <= {$random(seed)} % 32 - 16;
			rst <= ($unsigned($random(seed)) % 1500) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_cos_out;
		int errortime_cos_out;
		int errors_sin_out;
		int errortime_sin_out;
		int errors_busy;
		int errortime_busy;
		int errors_done;
		int errortime_done;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic start;
	logic [15:0] angle;
	logic [15:0] cos_out_ref;
	logic [15:0] cos_out_dut;
	logic [15:0] sin_out_ref;
	logic [15:0] sin_out_dut;
	logic busy_ref;
	logic busy_dut;
	logic done_ref;
	logic done_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, start, angle, cos_out_ref, sin_out_ref, busy_ref, done_ref,
			cos_out_dut, sin_out_dut, busy_dut, done_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .start(start), .angle(angle));

	cordic_rotate_ref good1 (.clk(clk), .rst(rst), .start(start), .angle(angle), .cos_out(cos_out_ref),
		.sin_out(sin_out_ref), .busy(busy_ref), .done(done_ref));

	cordic_rotate top_module1 (.clk(clk), .rst(rst), .start(start), .angle(angle), .cos_out(cos_out_dut),
		.sin_out(sin_out_dut), .busy(busy_dut), .done(done_dut));

	final begin
		if (stats1.errors_cos_out) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cos_out", stats1.errors_cos_out, stats1.errortime_cos_out);
		else $display("Hint: Output '%s' has no mismatches.", "cos_out");
		if (stats1.errors_sin_out) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "sin_out", stats1.errors_sin_out, stats1.errortime_sin_out);
		else $display("Hint: Output '%s' has no mismatches.", "sin_out");
		if (stats1.errors_busy) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "busy", stats1.errors_busy, stats1.errortime_busy);
		else $display("Hint: Output '%s' has no mismatches.", "busy");
		if (stats1.errors_done) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "done", stats1.errors_done, stats1.errortime_done);
		else $display("Hint: Output '%s' has no mismatches.", "done");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { cos_out_ref, sin_out_ref, busy_ref, done_ref } ===
		( { cos_out_ref, sin_out_ref, busy_ref, done_ref } ^
		  { cos_out_dut, sin_out_dut, busy_dut, done_dut } ^
		  { cos_out_ref, sin_out_ref, busy_ref, done_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (cos_out_ref !== ( cos_out_ref ^ cos_out_dut ^ cos_out_ref ))
		begin if (stats1.errors_cos_out == 0) stats1.errortime_cos_out = $time;
			stats1.errors_cos_out = stats1.errors_cos_out+1'b1; end
		if (sin_out_ref !== ( sin_out_ref ^ sin_out_dut ^ sin_out_ref ))
		begin if (stats1.errors_sin_out == 0) stats1.errortime_sin_out = $time;
			stats1.errors_sin_out = stats1.errors_sin_out+1'b1; end
		if (busy_ref !== ( busy_ref ^ busy_dut ^ busy_ref ))
		begin if (stats1.errors_busy == 0) stats1.errortime_busy = $time;
			stats1.errors_busy = stats1.errors_busy+1'b1; end
		if (done_ref !== ( done_ref ^ done_dut ^ done_ref ))
		begin if (stats1.errors_done == 0) stats1.errortime_done = $time;
			stats1.errors_done = stats1.errors_done+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
