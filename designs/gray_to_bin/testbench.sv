`timescale 1 ps/1 ps

// Golden testbench for gray_to_bin (VerilogEval conventions).
// Reference is instantiated as gray_to_bin_ref (good1), design under test as gray_to_bin (top_module1).

module stimulus_gen (
	output reg [7:0] gray
);
	integer i;
	initial begin
		for (i = 0; i < 256; i = i + 1) begin
			gray = i ^ (i >> 1);
			#10;
		end
		for (i = 0; i < 256; i = i + 1) begin
			gray = 255 - i;
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_bin;
		int errortime_bin;
		int clocks;
	} stats;

	stats stats1;

	logic [7:0] gray;
	logic [7:0] bin_ref;
	logic [7:0] bin_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, gray, bin_ref, bin_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.gray(gray));

	gray_to_bin_ref good1 (.gray(gray), .bin(bin_ref));

	gray_to_bin top_module1 (.gray(gray), .bin(bin_dut));

	final begin
		if (stats1.errors_bin) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "bin", stats1.errors_bin, stats1.errortime_bin);
		else $display("Hint: Output '%s' has no mismatches.", "bin");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { bin_ref } === ( { bin_ref } ^ { bin_dut } ^ { bin_ref } ) );

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
		if (bin_ref !== ( bin_ref ^ bin_dut ^ bin_ref ))
		begin if (stats1.errors_bin == 0) stats1.errortime_bin = $time;
			stats1.errors_bin = stats1.errors_bin+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
