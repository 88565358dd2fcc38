`timescale 1 ps/1 ps

// Golden testbench for clk_div6 (VerilogEval conventions).
// Reference is instantiated as clk_div6_ref (good1), design under test as clk_div6 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst
);
	integer i;
	integer seed = 17;
	initial begin
		rst = 1'b1;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		repeat (40) @(negedge clk);
		rst <= 1'b1;
		@(negedge clk);
		rst <= 1'b0;
		repeat (13) @(negedge clk);
		rst <= 1'b1;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		for (i = 0; i < 30; i = i + 1) begin
			repeat (1 + ($unsigned($random(seed)) % 23)) @(negedge clk);
			rst <= 1'b1;
			@(negedge clk);
			rst <= 1'b0;
		end
		repeat (20) @(negedge clk);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_clk_out;
		int errortime_clk_out;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic clk_out_ref;
	logic clk_out_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, clk_out_ref, clk_out_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst));

	clk_div6_ref good1 (.clk(clk), .rst(rst), .clk_out(clk_out_ref));

	clk_div6 top_module1 (.clk(clk), .rst(rst), .clk_out(clk_out_dut));

	final begin
		if (stats1.errors_clk_out) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "clk_out", stats1.errors_clk_out, stats1.errortime_clk_out);
		else $display("Hint: Output '%s' has no mismatches.", "clk_out");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { clk_out_ref } === ( { clk_out_ref } ^ { clk_out_dut } ^ { clk_out_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (clk_out_ref !== ( clk_out_ref ^ clk_out_dut ^ clk_out_ref ))
		begin if (stats1.errors_clk_out == 0) stats1.errortime_clk_out = $time;
			stats1.errors_clk_out = stats1.errors_clk_out+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
