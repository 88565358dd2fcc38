`timescale 1 ps/1 ps

// Golden testbench for priority_encoder8 (VerilogEval conventions).
// Reference is instantiated as priority_encoder8_ref (good1), design under test as priority_encoder8 (top_module1).

module stimulus_gen (
	output reg [7:0] req
);
	integer i;
	integer seed = 3;
	initial begin
		req = 8'h00;
		#10;
		for (i = 0; i < 8; i = i + 1) begin
			req = 8'h01 << i;
			#10;
			req = 8'hFF >> (7 - i);
			#10;
			req = (8'h01 << i) | 8'h01;
			#10;
		end
		for (i = 0; i < 256; i = i + 1) begin
			req = i;
			#10;
		end
		for (i = 0; i < 100; i = i + 1) begin
			req = $random(seed);
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_idx;
		int errortime_idx;
		int errors_valid;
		int errortime_valid;
		int clocks;
	} stats;

	stats stats1;

	logic [7:0] req;
	logic [2:0] idx_ref;
	logic [2:0] idx_dut;
	logic valid_ref;
	logic valid_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, req, idx_ref, valid_ref, idx_dut, valid_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.req(req));

	priority_encoder8_ref good1 (.req(req), .idx(idx_ref), .valid(valid_ref));

	priority_encoder8 top_module1 (.req(req), .idx(idx_dut), .valid(valid_dut));

	final begin
		if (stats1.errors_idx) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "idx", stats1.errors_idx, stats1.errortime_idx);
		else $display("Hint: Output '%s' has no mismatches.", "idx");
		if (stats1.errors_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "valid", stats1.errors_valid, stats1.errortime_valid);
		else $display("Hint: Output '%s' has no mismatches.", "valid");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { idx_ref, valid_ref } === ( { idx_ref, valid_ref } ^ { idx_dut, valid_dut } ^ { idx_ref, valid_ref } ) );

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
		if (idx_ref !== ( idx_ref ^ idx_dut ^ idx_ref ))
		begin if (stats1.errors_idx == 0) stats1.errortime_idx = $time;
			stats1.errors_idx = stats1.errors_idx+1'b1; end
		if (valid_ref !== ( valid_ref ^ valid_dut ^ valid_ref ))
		begin if (stats1.errors_valid == 0) stats1.errortime_valid = $time;
			stats1.errors_valid = stats1.errors_valid+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
