`timescale 1 ps/1 ps

// Golden testbench for lfsr8 (VerilogEval conventions).
// Reference is instantiated as lfsr8_ref (good1), design under test as lfsr8 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg en,
	output reg load,
	output reg [7:0] seed
);
	integer i;
	integer rs = 13;
	initial begin
		{rst, en, load, seed} = {1'b1, 1'b0, 1'b0, 8'h00};
		repeat (2) @(negedge clk);
		rst <= 1'b0; en <= 1'b1;
		repeat (260) @(negedge clk);         // a full period
		en <= 1'b0;
		repeat (3) @(negedge clk);
		load <= 1'b1; seed <= 8'h00;
		@(negedge clk);
		load <= 1'b0; en <= 1'b1;
		repeat (4) @(negedge clk);           // lock-up state is kept
		load <= 1'b1; seed <= 8'hA5;
		@(negedge clk);
		load <= 1'b0;
		repeat (20) @(negedge clk);
		rst <= 1'b1;
		@(negedge clk);
		rst <= 1'b0;
		for (i = 0; i < 400; i = i + 1) begin
			@(negedge clk);
			en <= ($random(rs) % 4) != 0;
			load <= ($random(rs) % 40) == 0;
			seed <= $random(rs);
			rst <= ($random(rs) % 90) == 0;
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
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic en;
	logic load;
	logic [7:0] seed;
	logic [7:0] q_ref;
	logic [7:0] q_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, en, load, seed, q_ref, q_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .en(en), .load(load), .seed(seed));

	lfsr8_ref good1 (.clk(clk), .rst(rst), .en(en), .load(load), .seed(seed), .q(q_ref));

	lfsr8 top_module1 (.clk(clk), .rst(rst), .en(en), .load(load), .seed(seed), .q(q_dut));

	final begin
		if (stats1.errors_q) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "q", stats1.errors_q, stats1.errortime_q);
		else $display("Hint: Output '%s' has no mismatches.", "q");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { q_ref } === ( { q_ref } ^ { q_dut } ^ { q_ref } ) );

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
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
