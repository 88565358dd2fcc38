`timescale 1 ps/1 ps

// Golden testbench for decoder3to8 (VerilogEval conventions).
// Reference is instantiated as decoder3to8_ref (good1), design under test as decoder3to8 (top_module1).

module stimulus_gen (
	output reg en,
	output reg [2:0] a
);
	integer i;
	integer seed = 2;
	initial begin
		for (i = 0; i < 16; i = i + 1) begin
			{en, a} = {~i[3], i[2:0]};
			#10;
		end
		for (i = 0; i < 200; i = i + 1) begin
			{en, a} = $random(seed);
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_y;
		int errortime_y;
		int clocks;
	} stats;

	stats stats1;

	logic en;
	logic [2:0] a;
	logic [7:0] y_ref;
	logic [7:0] y_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, en, a, y_ref, y_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.en(en), .a(a));

	decoder3to8_ref good1 (.en(en), .a(a), .y(y_ref));

	decoder3to8 top_module1 (.en(en), .a(a), .y(y_dut));

	final begin
		if (stats1.errors_y) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "y", stats1.errors_y, stats1.errortime_y);
		else $display("Hint: Output '%s' has no mismatches.", "y");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { y_ref } === ( { y_ref } ^ { y_dut } ^ { y_ref } ) );

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
		if (y_ref !== ( y_ref ^ y_dut ^ y_ref ))
		begin if (stats1.errors_y == 0) stats1.errortime_y = $time;
			stats1.errors_y = stats1.errors_y+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
