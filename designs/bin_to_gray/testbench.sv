`timescale 1 ps/1 ps

// Golden testbench for bin_to_gray (VerilogEval conventions).
// Reference is instantiated as bin_to_gray_ref (good1), design under test as bin_to_gray (top_module1).

module stimulus_gen (
	output reg [7:0] bin
);
	integer i;
	initial begin
		for (i = 0; i < 256; i = i + 1) begin
			bin = i;
			#10;
		end
		for (i = 255; i >= 0; i = i - 3) begin
			bin = i;
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_gray;
		int errortime_gray;
		int clocks;
	} stats;

	stats stats1;

	logic [7:0] bin;
	logic [7:0] gray_ref;
	logic [7:0] gray_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, bin, gray_ref, gray_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.bin(bin));

	bin_to_gray_ref good1 (.bin(bin), .gray(gray_ref));

	bin_to_gray top_module1 (.bin(bin), .gray(gray_dut));

	final begin
		if (stats1.errors_gray) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "gray", stats1.errors_gray, stats1.errortime_gray);
		else $display("Hint: Output '%s' has no mismatches.", "gray");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { gray_ref } === ( { gray_ref } ^ { gray_dut } ^ { gray_ref } ) );

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
		if (gray_ref !== ( gray_ref ^ gray_dut ^ gray_ref ))
		begin if (stats1.errors_gray == 0) stats1.errortime_gray = $time;
			stats1.errors_gray = stats1.errors_gray+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
