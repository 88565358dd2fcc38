`timescale 1 ps/1 ps

// Golden testbench for comparator8 (VerilogEval conventions).
// Reference is instantiated as comparator8_ref (good1), design under test as comparator8 (top_module1).

module stimulus_gen (
	output reg [7:0] a,
	output reg [7:0] b,
	output reg is_signed
);
	integer i;
	integer seed = 5;
	reg [7:0] corners [0:5];
	integer j, k;
	initial begin
		corners[0] = 8'h00; corners[1] = 8'h01; corners[2] = 8'h7F;
		corners[3] = 8'h80; corners[4] = 8'hFF; corners[5] = 8'hFE;
		for (i = 0; i < 2; i = i + 1)
			for (j = 0; j < 6; j = j + 1)
				for (k = 0; k < 6; k = k + 1) begin
					is_signed = i;
					a = corners[j];
					b = corners[k];
					#10;
				end
		for (i = 0; i < 400; i = i + 1) begin
			{is_signed, a, b} = $random(seed);
			if (i % 7 == 0) b = a;
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_lt;
		int errortime_lt;
		int errors_eq;
		int errortime_eq;
		int errors_gt;
		int errortime_gt;
		int clocks;
	} stats;

	stats stats1;

	logic [7:0] a;
	logic [7:0] b;
	logic is_signed;
	logic lt_ref;
	logic lt_dut;
	logic eq_ref;
	logic eq_dut;
	logic gt_ref;
	logic gt_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, a, b, is_signed, lt_ref, eq_ref, gt_ref, lt_dut, eq_dut, gt_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.a(a), .b(b), .is_signed(is_signed));

	comparator8_ref good1 (.a(a), .b(b), .is_signed(is_signed), .lt(lt_ref), .eq(eq_ref), .gt(gt_ref));

	comparator8 top_module1 (.a(a), .b(b), .is_signed(is_signed), .lt(lt_dut), .eq(eq_dut), .gt(gt_dut));

	final begin
		if (stats1.errors_lt) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "lt", stats1.errors_lt, stats1.errortime_lt);
		else $display("Hint: Output '%s' has no mismatches.", "lt");
		if (stats1.errors_eq) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "eq", stats1.errors_eq, stats1.errortime_eq);
		else $display("Hint: Output '%s' has no mismatches.", "eq");
		if (stats1.errors_gt) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "gt", stats1.errors_gt, stats1.errortime_gt);
		else $display("Hint: Output '%s' has no mismatches.", "gt");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { lt_ref, eq_ref, gt_ref } === ( { lt_ref, eq_ref, gt_ref } ^ { lt_dut, eq_dut, gt_dut } ^ { lt_ref, eq_ref, gt_ref } ) );

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
		if (lt_ref !== ( lt_ref ^ lt_dut ^ lt_ref ))
		begin if (stats1.errors_lt == 0) stats1.errortime_lt = $time;
			stats1.errors_lt = stats1.errors_lt+1'b1; end
		if (eq_ref !== ( eq_ref ^ eq_dut ^ eq_ref ))
		begin if (stats1.errors_eq == 0) stats1.errortime_eq = $time;
			stats1.errors_eq = stats1.errors_eq+1'b1; end
		if (gt_ref !== ( gt_ref ^ gt_dut ^ gt_ref ))
		begin if (stats1.errors_gt == 0) stats1.errortime_gt = $time;
			stats1.errors_gt = stats1.errors_gt+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
