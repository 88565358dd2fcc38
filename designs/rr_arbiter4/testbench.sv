`timescale 1 ps/1 ps

// Golden testbench for rr_arbiter4 (VerilogEval conventions).
// Reference is instantiated as rr_arbiter4_ref (good1), design under test as rr_arbiter4 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg [3:0] req
);
	integer i;
	integer seed = 28;
	initial begin
		rst = 1'b1; req = 4'b0000;
		repeat (2) @(negedge clk);
		rst <= 1'b0; req <= 4'b1111;
		repeat (9) @(negedge clk);
		req <= 4'b0000; repeat (2) @(negedge clk);
		req <= 4'b0100; repeat (3) @(negedge clk);     // sole requester
		req <= 4'b1010; repeat (4) @(negedge clk);
		req <= 4'b0011; repeat (4) @(negedge clk);
		rst <= 1'b1; @(negedge clk);
		rst <= 1'b0; req <= 4'b0011; repeat (3) @(negedge clk);
		rst <= 1'b1; @(negedge clk);
		rst <= 1'b0; req <= 4'b1110; repeat (4) @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			if (($random(seed) % 3) == 0) req <= $random(seed);
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
		int errors_grant;
		int errortime_grant;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic [3:0] req;
	logic [3:0] grant_ref;
	logic [3:0] grant_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, req, grant_ref, grant_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .req(req));

	rr_arbiter4_ref good1 (.clk(clk), .rst(rst), .req(req), .grant(grant_ref));

	rr_arbiter4 top_module1 (.clk(clk), .rst(rst), .req(req), .grant(grant_dut));

	final begin
		if (stats1.errors_grant) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "grant", stats1.errors_grant, stats1.errortime_grant);
		else $display("Hint: Output '%s' has no mismatches.", "grant");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { grant_ref } === ( { grant_ref } ^ { grant_dut } ^ { grant_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (grant_ref !== ( grant_ref ^ grant_dut ^ grant_ref ))
		begin if (stats1.errors_grant == 0) stats1.errortime_grant = $time;
			stats1.errors_grant = stats1.errors_grant+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
