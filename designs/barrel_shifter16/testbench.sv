`timescale 1 ps/1 ps

// Golden testbench for barrel_shifter16 (VerilogEval conventions).
// Reference is instantiated as barrel_shifter16_ref (good1), design under test as barrel_shifter16 (top_module1).

module stimulus_gen (
	output reg [15:0] din,
	output reg [3:0] shamt,
	output reg [1:0] mode
);
	integer i, j;
	integer seed = 8;
	initial begin
		for (j = 0; j < 4; j = j + 1)
			for (i = 0; i < 16; i = i + 1) begin
				mode = j;
				shamt = i;
				din = (i % 2) ? 16'h8001 : 16'hB6C3;
				#10;
			end
		for (i = 0; i < 600; i = i + 1) begin
			{mode, shamt, din} = $random(seed);
			#10;
		end
		$finish;
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

	logic [15:0] din;
	logic [3:0] shamt;
	logic [1:0] mode;
	logic [15:0] dout_ref;
	logic [15:0] dout_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, din, shamt, mode, dout_ref, dout_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.din(din), .shamt(shamt), .mode(mode));

	barrel_shifter16_ref good1 (.din(din), .shamt(shamt), .mode(mode), .dout(dout_ref));

	barrel_shifter16 top_module1 (.din(din), .shamt(shamt), .mode(mode), .dout(dout_dut));

	final begin
		if (stats1.errors_dout) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "dout", stats1.errors_dout, stats1.errortime_dout);
		else $display("Hint: Output '%s' has no mismatches.", "dout");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { dout_ref } === ( { dout_ref } ^ { dout_dut } ^ { dout_ref } ) );

	// Stimulus changes inputs every 10 ps (at multiples of 10); compare 1 ps after each change.
	initial begin
		#1;
		forever begin
			sample;
			#10;
		end
	end

	task sample;
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (dout_ref !== ( dout_ref ^ dout_dut ^ dout_ref ))
		begin if (stats1.errors_dout == 0) stats1.errortime_dout = $time;
			stats1.errors_dout = stats1.errors_dout+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
