`timescale 1 ps/1 ps

// Golden testbench for edge_detect (VerilogEval conventions).
// Reference is instantiated as edge_detect_ref (good1), design under test as edge_detect (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg din
);
	integer i;
	integer seed = 14;
	initial begin
		rst = 1'b1; din = 1'b1;
		repeat (2) @(negedge clk);
		rst <= 1'b0;                         // din already high: rise right after reset
		repeat (3) @(negedge clk);
		din <= 1'b0;
		repeat (3) @(negedge clk);
		din <= 1'b1;
		@(negedge clk);
		din <= 1'b0;
		@(negedge clk);
		din <= 1'b1;
		@(negedge clk);
		rst <= 1'b1; din <= 1'b0;
		@(negedge clk);
		rst <= 1'b0;                         // din low after reset: no fall
		repeat (3) @(negedge clk);
		for (i = 0; i < 500; i = i + 1) begin
			@(negedge clk);
			if (($random(seed) % 3) == 0) din <= ~din;
			rst <= ($random(seed) % 50) == 0;
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_rise;
		int errortime_rise;
		int errors_fall;
		int errortime_fall;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic din;
	logic rise_ref;
	logic rise_dut;
	logic fall_ref;
	logic fall_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, din, rise_ref, fall_ref, rise_dut, fall_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .din(din));

	edge_detect_ref good1 (.clk(clk), .rst(rst), .din(din), .rise(rise_ref), .fall(fall_ref));

	edge_detect top_module1 (.clk(clk), .rst(rst), .din(din), .rise(rise_dut), .fall(fall_dut));

	final begin
		if (stats1.errors_rise) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rise", stats1.errors_rise, stats1.errortime_rise);
		else $display("Hint: Output '%s' has no mismatches.", "rise");
		if (stats1.errors_fall) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "fall", stats1.errors_fall, stats1.errortime_fall);
		else $display("Hint: Output '%s' has no mismatches.", "fall");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { rise_ref, fall_ref } === ( { rise_ref, fall_ref } ^ { rise_dut, fall_dut } ^ { rise_ref, fall_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (rise_ref !== ( rise_ref ^ rise_dut ^ rise_ref ))
		begin if (stats1.errors_rise == 0) stats1.errortime_rise = $time;
			stats1.errors_rise = stats1.errors_rise+1'b1; end
		if (fall_ref !== ( fall_ref ^ fall_dut ^ fall_ref ))
		begin if (stats1.errors_fall == 0) stats1.errortime_fall = $time;
			stats1.errors_fall = stats1.errors_fall+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
