`timescale 1 ps/1 ps

// Golden testbench for popcount16 (VerilogEval conventions).
// Reference is instantiated as popcount16_ref (good1), design under test as popcount16 (top_module1).

module stimulus_gen (
	output reg [15:0] data
);
	integer i;
	integer seed = 4;
	initial begin
		data = 16'h0000; #10;
		data = 16'hFFFF; #10;
		data = 16'h8000; #10;
		data = 16'h0001; #10;
		data = 16'h7FFF; #10;
		data = 16'hFFFE; #10;
		data = 16'hAAAA; #10;
		data = 16'h5555; #10;
		for (i = 0; i < 16; i = i + 1) begin
			data = 16'hFFFF >> i;
			#10;
		end
		for (i = 0; i < 400; i = i + 1) begin
			data = $random(seed);
			if (i % 5 == 0) data = data | $random(seed);
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_count;
		int errortime_count;
		int clocks;
	} stats;

	stats stats1;

	logic [15:0] data;
	logic [4:0] count_ref;
	logic [4:0] count_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, data, count_ref, count_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.data(data));

	popcount16_ref good1 (.data(data), .count(count_ref));

	popcount16 top_module1 (.data(data), .count(count_dut));

	final begin
		if (stats1.errors_count) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "count", stats1.errors_count, stats1.errortime_count);
		else $display("Hint: Output '%s' has no mismatches.", "count");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { count_ref } === ( { count_ref } ^ { count_dut } ^ { count_ref } ) );

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
		if (count_ref !== ( count_ref ^ count_dut ^ count_ref ))
		begin if (stats1.errors_count == 0) stats1.errortime_count = $time;
			stats1.errors_count = stats1.errors_count+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
