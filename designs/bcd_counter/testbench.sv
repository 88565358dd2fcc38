`timescale 1 ps/1 ps

// Golden testbench for bcd_counter (VerilogEval conventions).
// Reference is instantiated as bcd_counter_ref (good1), design under test as bcd_counter (top_module1).

module stimulus_gen (
	input clk,
	output reg rst_n,
	output reg en
);
	integer i;
	integer seed = 11;
	initial begin
		rst_n = 1'b0; en = 1'b0;
		repeat (2) @(negedge clk);
		rst_n <= 1'b1; en <= 1'b1;
		repeat (25) @(negedge clk);         // two full wraps
		en <= 1'b0;
		repeat (3) @(negedge clk);
		en <= 1'b1;
		repeat (6) @(negedge clk);
		// asynchronous reset pulse in the middle of a clock phase
		#2 rst_n <= 1'b0;
		#2 rst_n <= 1'b1;
		repeat (12) @(negedge clk);
		rst_n <= 1'b0;
		repeat (2) @(negedge clk);
		rst_n <= 1'b1;
		for (i = 0; i < 500; i = i + 1) begin
			@(negedge clk);
			en <= ($random(seed) % 5) != 0;
			if (($random(seed) % 60) == 0) begin
				#3 rst_n <= 1'b0;
				#4 rst_n <= 1'b1;
			end
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_q;
		int errortime_q;
		int errors_carry;
		int errortime_carry;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst_n;
	logic en;
	logic [3:0] q_ref;
	logic [3:0] q_dut;
	logic carry_ref;
	logic carry_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst_n, en, q_ref, carry_ref, q_dut, carry_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst_n(rst_n), .en(en));

	bcd_counter_ref good1 (.clk(clk), .rst_n(rst_n), .en(en), .q(q_ref), .carry(carry_ref));

	bcd_counter top_module1 (.clk(clk), .rst_n(rst_n), .en(en), .q(q_dut), .carry(carry_dut));

	final begin
		if (stats1.errors_q) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "q", stats1.errors_q, stats1.errortime_q);
		else $display("Hint: Output '%s' has no mismatches.", "q");
		if (stats1.errors_carry) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "carry", stats1.errors_carry, stats1.errortime_carry);
		else $display("Hint: Output '%s' has no mismatches.", "carry");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { q_ref, carry_ref } === ( { q_ref, carry_ref } ^ { q_dut, carry_dut } ^ { q_ref, carry_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (q_ref !== ( q_ref ^ q_dut ^ q_ref ))
		begin if (stats1.errors_q == 0) stats1.errortime_q = $time;
			stats1.errors_q = stats1.errors_q+1'b1; end
		if (carry_ref !== ( carry_ref ^ carry_dut ^ carry_ref ))
		begin if (stats1.errors_carry == 0) stats1.errortime_carry = $time;
			stats1.errors_carry = stats1.errors_carry+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
