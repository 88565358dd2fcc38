`timescale 1 ps/1 ps

// Golden testbench for seq_detector_1011 (VerilogEval conventions).
// Reference is instantiated as seq_detector_1011_ref (good1), design under test as seq_detector_1011 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg din
);
	integer i;
	integer seed = 18;
	reg [31:0] pattern;
	initial begin
		rst = 1'b1; din = 1'b0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		// 1011011 (overlap), 1010 11, 1011 1011
		pattern = 32'b1011011_0_101011_00_10111011_0000000;
		for (i = 31; i >= 0; i = i - 1) begin
			din <= pattern[i];
			@(negedge clk);
		end
		// reset in the middle of a partial match: 10 | reset | 11 must not match
		din <= 1'b1; @(negedge clk);
		din <= 1'b0; @(negedge clk);
		rst <= 1'b1; din <= 1'b1; @(negedge clk);
		rst <= 1'b0; din <= 1'b1; @(negedge clk);
		din <= 1'b1; @(negedge clk);
		din <= 1'b0; @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			din <= $random(seed);
			rst <= ($random(seed) % 100) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_det;
		int errortime_det;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic din;
	logic det_ref;
	logic det_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, din, det_ref, det_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .din(din));

	seq_detector_1011_ref good1 (.clk(clk), .rst(rst), .din(din), .det(det_ref));

	seq_detector_1011 top_module1 (.clk(clk), .rst(rst), .din(din), .det(det_dut));

	final begin
		if (stats1.errors_det) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "det", stats1.errors_det, stats1.errortime_det);
		else $display("Hint: Output '%s' has no mismatches.", "det");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { det_ref } === ( { det_ref } ^ { det_dut } ^ { det_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (det_ref !== ( det_ref ^ det_dut ^ det_ref ))
		begin if (stats1.errors_det == 0) stats1.errortime_det = $time;
			stats1.errors_det = stats1.errors_det+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
