`timescale 1 ps/1 ps

// Golden testbench for sp_ram (VerilogEval conventions).
// Reference is instantiated as sp_ram_ref (good1), design under test as sp_ram (top_module1).

module stimulus_gen (
	input clk,
	output reg en,
	output reg we,
	output reg [3:0] addr,
	output reg [7:0] din
);
	integer i;
	integer seed = 22;
	initial begin
		en = 1'b0; we = 1'b0; addr = 4'd0; din = 8'h00;
		@(negedge clk);
		// fill all words
		for (i = 0; i < 16; i = i + 1) begin
			en <= 1'b1; we <= 1'b1; addr <= i; din <= 8'h30 + 7 * i;
			@(negedge clk);
		end
		// read back
		we <= 1'b0;
		for (i = 15; i >= 0; i = i - 1) begin
			addr <= i;
			@(negedge clk);
		end
		// disabled write must not modify memory, disabled read holds dout
		en <= 1'b0; we <= 1'b1; addr <= 4'd5; din <= 8'hEE;
		repeat (2) @(negedge clk);
		en <= 1'b1; we <= 1'b0; addr <= 4'd5;
		@(negedge clk);
		en <= 1'b0; addr <= 4'd6;
		repeat (2) @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			en <= ($random(seed) % 5) != 0;
			we <= ($random(seed) % 3) == 0;
			addr <= $random(seed);
			din <= $random(seed);
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_dout;
		int errortime_dout;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic en;
	logic we;
	logic [3:0] addr;
	logic [7:0] din;
	logic [7:0] dout_ref;
	logic [7:0] dout_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, en, we, addr, din, dout_ref, dout_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .en(en), .we(we), .addr(addr), .din(din));

	sp_ram_ref good1 (.clk(clk), .en(en), .we(we), .addr(addr), .din(din), .dout(dout_ref));

	sp_ram top_module1 (.clk(clk), .en(en), .we(we), .addr(addr), .din(din), .dout(dout_dut));

	final begin
		if (stats1.errors_dout) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "dout", stats1.errors_dout, stats1.errortime_dout);
		else $display("Hint: Output '%s' has no mismatches.", "dout");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { dout_ref } === ( { dout_ref } ^ { dout_dut } ^ { dout_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (dout_ref !== ( dout_ref ^ dout_dut ^ dout_ref ))
		begin if (stats1.errors_dout == 0) stats1.errortime_dout = $time;
			stats1.errors_dout = stats1.errors_dout+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
