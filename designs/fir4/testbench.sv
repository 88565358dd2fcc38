`timescale 1 ps/1 ps

// Golden testbench for fir4 (VerilogEval conventions).
// Reference is instantiated as fir4_ref (good1), design under test as fir4 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg [7:0] x
);
	integer i;
	integer seed = 34;
	initial begin
		rst = 1'b1; x = 8'd0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		x <= 8'd1; @(negedge clk);
		x <= 8'd0; repeat (5) @(negedge clk);
		x <= 8'hFF; @(negedge clk);           // -1 impulse
		x <= 8'd0; repeat (5) @(negedge clk);
		x <= 8'h80; repeat (5) @(negedge clk); // -128 step
		x <= 8'h7F; repeat (5) @(negedge clk); // +127 step
		x <= 8'h80; @(negedge clk);
		x <= 8'h7F; @(negedge clk);
		x <= 8'h80; @(negedge clk);
		x <= 8'h7F; @(negedge clk);
		rst <= 1'b1; @(negedge clk);
		rst <= 1'b0;
		for (i = 0; i < 800; i = i + 1) begin
			x <= $random(seed);
			rst <= ($random(seed) % 150) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_y;
		int errortime_y;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic [7:0] x;
	logic [15:0] y_ref;
	logic [15:0] y_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, x, y_ref, y_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .x(x));

	fir4_ref good1 (.clk(clk), .rst(rst), .x(x), .y(y_ref));

	fir4 top_module1 (.clk(clk), .rst(rst), .x(x), .y(y_dut));

	final begin
		if (stats1.errors_y) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "y", stats1.errors_y, stats1.errortime_y);
		else $display("Hint: Output '%s' has no mismatches.", "y");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { y_ref } === ( { y_ref } ^ { y_dut } ^ { y_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (y_ref !== ( y_ref ^ y_dut ^ y_ref ))
		begin if (stats1.errors_y == 0) stats1.errortime_y = $time;
			stats1.errors_y = stats1.errors_y+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
