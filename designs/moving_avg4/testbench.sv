`timescale 1 ps/1 ps

// Golden testbench for moving_avg4 (VerilogEval conventions).
// Reference is instantiated as moving_avg4_ref (good1), design under test as moving_avg4 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg in_valid,
	output reg [7:0] din
);
	integer i;
	integer seed = 33;
	initial begin
		rst = 1'b1; in_valid = 1'b0; din = 8'd0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		in_valid <= 1'b1; din <= 8'd255;
		repeat (6) @(negedge clk);
		din <= 8'd3; repeat (2) @(negedge clk);
		in_valid <= 1'b0; din <= 8'd100; repeat (3) @(negedge clk);
		in_valid <= 1'b1; din <= 8'd1; @(negedge clk);
		din <= 8'd2; @(negedge clk);
		din <= 8'd0; repeat (4) @(negedge clk);
		rst <= 1'b1; @(negedge clk);
		rst <= 1'b0; din <= 8'd201; @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			in_valid <= ($random(seed) % 4) != 0;
			din <= ((i / 50) % 2) ? (8'd192 | $random(seed)) : $random(seed);
			rst <= ($random(seed) % 200) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_avg;
		int errortime_avg;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic in_valid;
	logic [7:0] din;
	logic [7:0] avg_ref;
	logic [7:0] avg_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, in_valid, din, avg_ref, avg_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .in_valid(in_valid), .din(din));

	moving_avg4_ref good1 (.clk(clk), .rst(rst), .in_valid(in_valid), .din(din), .avg(avg_ref));

	moving_avg4 top_module1 (.clk(clk), .rst(rst), .in_valid(in_valid), .din(din), .avg(avg_dut));

	final begin
		if (stats1.errors_avg) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "avg", stats1.errors_avg, stats1.errortime_avg);
		else $display("Hint: Output '%s' has no mismatches.", "avg");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { avg_ref } === ( { avg_ref } ^ { avg_dut } ^ { avg_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (avg_ref !== ( avg_ref ^ avg_dut ^ avg_ref ))
		begin if (stats1.errors_avg == 0) stats1.errortime_avg = $time;
			stats1.errors_avg = stats1.errors_avg+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
