`timescale 1 ps/1 ps

// Golden testbench for shift_reg8 (VerilogEval conventions).
// Reference is instantiated as shift_reg8_ref (good1), design under test as shift_reg8 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg load,
	output reg [7:0] d,
	output reg shift_en,
	output reg dir,
	output reg sin
);
	integer i;
	integer seed = 12;
	initial begin
		{rst, load, d, shift_en, dir, sin} = {1'b1, 1'b0, 8'h00, 1'b0, 1'b0, 1'b0};
		repeat (2) @(negedge clk);
		rst <= 1'b0; load <= 1'b1; d <= 8'b1000_0001;
		@(negedge clk);
		load <= 1'b0; shift_en <= 1'b1; dir <= 1'b0; sin <= 1'b1;
		repeat (4) @(negedge clk);
		dir <= 1'b1; sin <= 1'b1;
		repeat (4) @(negedge clk);
		sin <= 1'b0;
		repeat (9) @(negedge clk);
		shift_en <= 1'b0; sin <= 1'b1;
		repeat (2) @(negedge clk);
		load <= 1'b1; shift_en <= 1'b1; d <= 8'h3C;
		@(negedge clk);
		load <= 1'b0;
		for (i = 0; i < 600; i = i + 1) begin
			@(negedge clk);
			shift_en <= ($random(seed) % 6) != 0;
			dir <= (i / 16) % 2;
			sin <= $random(seed);
			load <= ($random(seed) % 24) == 0;
			d <= $random(seed);
			rst <= ($random(seed) % 80) == 0;
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
	logic load;
	logic [7:0] d;
	logic shift_en;
	logic dir;
	logic sin;
	logic [7:0] q_ref;
	logic [7:0] q_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, load, d, shift_en, dir, sin, q_ref, q_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .load(load), .d(d), .shift_en(shift_en), .dir(dir), .sin(sin));

	shift_reg8_ref good1 (.clk(clk), .rst(rst), .load(load), .d(d), .shift_en(shift_en), .dir(dir), .sin(sin), .q(q_ref));

	shift_reg8 top_module1 (.clk(clk), .rst(rst), .load(load), .d(d), .shift_en(shift_en), .dir(dir), .sin(sin), .q(q_dut));

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
