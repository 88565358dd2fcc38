`timescale 1 ps/1 ps

// Golden testbench for pipe_mult (VerilogEval conventions).
// Reference is instantiated as pipe_mult_ref (good1), design under test as pipe_mult (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg in_valid,
	output reg [7:0] a,
	output reg [7:0] b
);
	integer i;
	integer seed = 31;
	initial begin
		rst = 1'b1; in_valid = 1'b0; a = 8'd0; b = 8'd0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		in_valid <= 1'b1; a <= 8'd255; b <= 8'd255; @(negedge clk);
		a <= 8'd128; b <= 8'd2; @(negedge clk);
		a <= 8'd1; b <= 8'd200; @(negedge clk);
		in_valid <= 1'b0; a <= 8'd17; b <= 8'd3; @(negedge clk);
		in_valid <= 1'b1; a <= 8'd0; b <= 8'd99; @(negedge clk);
		in_valid <= 1'b0;
		repeat (5) @(negedge clk);
		// reset while the pipeline is full
		in_valid <= 1'b1; a <= 8'd200; b <= 8'd201;
		repeat (3) @(negedge clk);
		rst <= 1'b1; @(negedge clk);
		rst <= 1'b0; in_valid <= 1'b0;
		repeat (4) @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			in_valid <= ($random(seed) % 3) != 0;
			a <= $random(seed);
			b <= $random(seed);
			rst <= ($random(seed) % 120) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_out_valid;
		int errortime_out_valid;
		int errors_p;
		int errortime_p;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic in_valid;
	logic [7:0] a;
	logic [7:0] b;
	logic out_valid_ref;
	logic out_valid_dut;
	logic [15:0] p_ref;
	logic [15:0] p_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, in_valid, a, b, out_valid_ref, p_ref, out_valid_dut, p_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .in_valid(in_valid), .a(a), .b(b));

	pipe_mult_ref good1 (.clk(clk), .rst(rst), .in_valid(in_valid), .a(a), .b(b), .out_valid(out_valid_ref), .p(p_ref));

	pipe_mult top_module1 (.clk(clk), .rst(rst), .in_valid(in_valid), .a(a), .b(b), .out_valid(out_valid_dut), .p(p_dut));

	final begin
		if (stats1.errors_out_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out_valid", stats1.errors_out_valid, stats1.errortime_out_valid);
		else $display("Hint: Output '%s' has no mismatches.", "out_valid");
		if (stats1.errors_p) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "p", stats1.errors_p, stats1.errortime_p);
		else $display("Hint: Output '%s' has no mismatches.", "p");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { out_valid_ref, p_ref } === ( { out_valid_ref, p_ref } ^ { out_valid_dut, p_dut } ^ { out_valid_ref, p_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (out_valid_ref !== ( out_valid_ref ^ out_valid_dut ^ out_valid_ref ))
		begin if (stats1.errors_out_valid == 0) stats1.errortime_out_valid = $time;
			stats1.errors_out_valid = stats1.errors_out_valid+1'b1; end
		if (p_ref !== ( p_ref ^ p_dut ^ p_ref ))
		begin if (stats1.errors_p == 0) stats1.errortime_p = $time;
			stats1.errors_p = stats1.errors_p+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
