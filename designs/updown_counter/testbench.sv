`timescale 1 ps/1 ps

// Golden testbench for updown_counter (VerilogEval conventions).
// Reference is instantiated as updown_counter_ref (good1), design under test as updown_counter (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg en,
	output reg load,
	output reg up,
	output reg [7:0] d
);
	integer i;
	integer seed = 10;
	initial begin
		{rst, en, load, up, d} = {1'b1, 1'b0, 1'b0, 1'b1, 8'h00};
		repeat (2) @(negedge clk);
		rst <= 1'b0; en <= 1'b1; up <= 1'b0;
		repeat (3) @(negedge clk);          // wrap 0 -> 255 -> 254 ...
		up <= 1'b1;
		repeat (5) @(negedge clk);          // wrap 255 -> 0 ...
		load <= 1'b1; d <= 8'hFD; en <= 1'b0;
		@(negedge clk);                      // load with en low
		load <= 1'b0; en <= 1'b1;
		repeat (5) @(negedge clk);
		en <= 1'b0;
		repeat (3) @(negedge clk);           // hold
		load <= 1'b1; d <= 8'h42; en <= 1'b1; up <= 1'b0;
		@(negedge clk);                      // load has priority over count
		load <= 1'b0;
		repeat (3) @(negedge clk);
		rst <= 1'b1; load <= 1'b1; d <= 8'h99;
		@(negedge clk);                      // reset has priority over load
		rst <= 1'b0; load <= 1'b0;
		repeat (2) @(negedge clk);
		for (i = 0; i < 600; i = i + 1) begin
			@(negedge clk);
			en <= ($random(seed) % 8) != 0;
			up <= ($random(seed) % 4) != 0;
			load <= ($random(seed) % 32) == 0;
			d <= $random(seed);
			if (i % 5 == 2) d <= (i % 2) ? 8'hFF : 8'h00;
			rst <= ($random(seed) % 64) == 0;
			if (i == 300) begin
				// mid-cycle reset pulse (asserted and released away from the rising edge)
				#2 rst <= 1'b1;
				#2 rst <= 1'b0;
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
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic en;
	logic load;
	logic up;
	logic [7:0] d;
	logic [7:0] q_ref;
	logic [7:0] q_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, en, load, up, d, q_ref, q_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .en(en), .load(load), .up(up), .d(d));

	updown_counter_ref good1 (.clk(clk), .rst(rst), .en(en), .load(load), .up(up), .d(d), .q(q_ref));

	updown_counter top_module1 (.clk(clk), .rst(rst), .en(en), .load(load), .up(up), .d(d), .q(q_dut));

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
