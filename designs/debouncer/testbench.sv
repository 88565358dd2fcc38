`timescale 1 ps/1 ps

// Golden testbench for debouncer (VerilogEval conventions).
// Reference is instantiated as debouncer_ref (good1), design under test as debouncer (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg noisy
);
	integer i, len;
	integer seed = 15;
	initial begin
		rst = 1'b1; noisy = 1'b0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		// pulses of length 1..6 cycles
		for (len = 1; len <= 6; len = len + 1) begin
			@(negedge clk) noisy <= 1'b1;
			repeat (len) @(negedge clk);
			noisy <= 1'b0;
			repeat (8) @(negedge clk);
		end
		// bouncing edge: glitches then a stable level
		noisy <= 1'b1; repeat (2) @(negedge clk);
		noisy <= 1'b0; @(negedge clk);
		noisy <= 1'b1; repeat (3) @(negedge clk);
		noisy <= 1'b0; @(negedge clk);
		noisy <= 1'b1; repeat (10) @(negedge clk);
		for (i = 0; i < 120; i = i + 1) begin
			// random run lengths of 1..7 cycles
			noisy <= ~noisy;
			len = 1 + ($unsigned($random(seed)) % 7);
			repeat (len) @(negedge clk);
			if (($random(seed) % 40) == 0) begin
				rst <= 1'b1;
				@(negedge clk);
				rst <= 1'b0;
			end
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_clean;
		int errortime_clean;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic noisy;
	logic clean_ref;
	logic clean_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, noisy, clean_ref, clean_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .noisy(noisy));

	debouncer_ref good1 (.clk(clk), .rst(rst), .noisy(noisy), .clean(clean_ref));

	debouncer top_module1 (.clk(clk), .rst(rst), .noisy(noisy), .clean(clean_dut));

	final begin
		if (stats1.errors_clean) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "clean", stats1.errors_clean, stats1.errortime_clean);
		else $display("Hint: Output '%s' has no mismatches.", "clean");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { clean_ref } === ( { clean_ref } ^ { clean_dut } ^ { clean_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (clean_ref !== ( clean_ref ^ clean_dut ^ clean_ref ))
		begin if (stats1.errors_clean == 0) stats1.errortime_clean = $time;
			stats1.errors_clean = stats1.errors_clean+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
