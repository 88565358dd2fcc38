`timescale 1 ps/1 ps

// Golden testbench for fp16_mul (VerilogEval conventions).
// Reference is instantiated as fp16_mul_ref (good1), design under test as fp16_mul (top_module1).

module stimulus_gen (
	output reg [15:0] a,
	output reg [15:0] b
);
	localparam NSPECIAL = 40;
	reg [15:0] special [0:NSPECIAL-1];
	integer i, j, mode, target;
	integer seed = 1616;
	integer ea, eb;
	reg [9:0] fa, fb;

	initial begin
		// zeros, subnormals, normals at the range ends, rounding-sensitive values, inf, NaNs
		special[0] = 16'h0000;  special[1] = 16'h0001;  special[2] = 16'h0002;  special[3] = 16'h0003;
		special[4] = 16'h0155;  special[5] = 16'h0200;  special[6] = 16'h03FF;  special[7] = 16'h0400;
		special[8] = 16'h0401;  special[9] = 16'h07FF;  special[10] = 16'h1400; special[11] = 16'h1C00;
		special[12] = 16'h3555; special[13] = 16'h37FF; special[14] = 16'h3800; special[15] = 16'h3801;
		special[16] = 16'h3BFF; special[17] = 16'h3C00; special[18] = 16'h3C01; special[19] = 16'h3E00;
		special[20] = 16'h4000; special[21] = 16'h4248; special[22] = 16'h57FF; special[23] = 16'h5BFF;
		special[24] = 16'h5C00; special[25] = 16'h7800; special[26] = 16'h7BFE; special[27] = 16'h7BFF;
		special[28] = 16'h7C00; special[29] = 16'h7C01; special[30] = 16'h7D00; special[31] = 16'h7DFF;
		special[32] = 16'h7E00; special[33] = 16'h7E01; special[34] = 16'h7FFF; special[35] = 16'h0800;
		special[36] = 16'h2E66; special[37] = 16'h5A00; special[38] = 16'h03FE; special[39] = 16'h1000;
		a = 16'h0000; b = 16'h0000; #10;
		// every pair of special values, each with a random sign pattern
		for (i = 0; i < NSPECIAL; i = i + 1)
			for (j = 0; j < NSPECIAL; j = j + 1) begin
				a = special[i] ^ {$random(seed), 15'd0};
				b = special[j] ^ {$random(seed), 15'd0};
				#10;
			end
		// the four sign combinations of a few rounding and special cases
		for (i = 0; i < 4; i = i + 1) begin
			a = {i[1], 15'h7BFF}; b = {i[0], 15'h3C01}; #10;   // overflow by rounding
			a = {i[1], 15'h7BFF}; b = {i[0], 15'h3C00}; #10;   // exact max
			a = {i[1], 15'h0001}; b = {i[0], 15'h3800}; #10;   // tie to zero
			a = {i[1], 15'h0003}; b = {i[0], 15'h3800}; #10;   // tie to even 2
			a = {i[1], 15'h0400}; b = {i[0], 15'h3BFF}; #10;   // rounds up to min normal
			a = {i[1], 15'h7C00}; b = {i[0], 15'h0000}; #10;   // inf * 0
			a = {i[1], 15'h0000}; b = {i[0], 15'h0000}; #10;   // signed zero
		end
		for (i = 0; i < 10000; i = i + 1) begin
			mode = $unsigned($random(seed)) % 8;
			{a, b} = $random(seed);
			if (mode >= 1 && mode <= 6) begin
				ea = $unsigned($random(seed)) % 31;
				fa = $random(seed);
				fb = $random(seed);
				case (mode)
					1, 2: target = $unsigned($random(seed)) % 61;       // whole exponent range
					3: target = 8 + $unsigned($random(seed)) % 11;      // subnormal / min normal boundary
					4: target = 42 + $unsigned($random(seed)) % 6;      // overflow boundary
					5: target = 10 + $unsigned($random(seed)) % 31;     // normal results
					default: target = $unsigned($random(seed)) % 20;    // tiny results
				endcase
				if (mode == 6) ea = 0;                                 // subnormal operand
				eb = (target - ea < 0) ? 0 : (target - ea > 30) ? 30 : target - ea;
				if (mode == 2 || mode == 5) fb = fb & 10'h3E0;         // few bits: exact results and ties
				if (mode == 4) begin fa = fa | 10'h3C0; fb = fb | 10'h380; end
				a = {a[15], ea[4:0], fa};
				b = {b[15], eb[4:0], fb};
				if ($unsigned($random(seed)) % 2) {a, b} = {b, a};
			end
			#10;
		end
		$finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_result;
		int errortime_result;
		int errors_invalid;
		int errortime_invalid;
		int errors_overflow;
		int errortime_overflow;
		int errors_underflow;
		int errortime_underflow;
		int errors_inexact;
		int errortime_inexact;
		int clocks;
	} stats;

	stats stats1;

	logic [15:0] a;
	logic [15:0] b;
	logic [15:0] result_ref;
	logic [15:0] result_dut;
	logic invalid_ref;
	logic invalid_dut;
	logic overflow_ref;
	logic overflow_dut;
	logic underflow_ref;
	logic underflow_dut;
	logic inexact_ref;
	logic inexact_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, a, b, result_ref, invalid_ref, overflow_ref, underflow_ref, inexact_ref,
			result_dut, invalid_dut, overflow_dut, underflow_dut, inexact_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.a(a), .b(b));

	fp16_mul_ref good1 (.a(a), .b(b), .result(result_ref), .invalid(invalid_ref), .overflow(overflow_ref),
		.underflow(underflow_ref), .inexact(inexact_ref));

	fp16_mul top_module1 (.a(a), .b(b), .result(result_dut), .invalid(invalid_dut), .overflow(overflow_dut),
		.underflow(underflow_dut), .inexact(inexact_dut));

	final begin
		if (stats1.errors_result) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "result", stats1.errors_result, stats1.errortime_result);
		else $display("Hint: Output '%s' has no mismatches.", "result");
		if (stats1.errors_invalid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "invalid", stats1.errors_invalid, stats1.errortime_invalid);
		else $display("Hint: Output '%s' has no mismatches.", "invalid");
		if (stats1.errors_overflow) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "overflow", stats1.errors_overflow, stats1.errortime_overflow);
		else $display("Hint: Output '%s' has no mismatches.", "overflow");
		if (stats1.errors_underflow) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "underflow", stats1.errors_underflow, stats1.errortime_underflow);
		else $display("Hint: Output '%s' has no mismatches.", "underflow");
		if (stats1.errors_inexact) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "inexact", stats1.errors_inexact, stats1.errortime_inexact);
		else $display("Hint: Output '%s' has no mismatches.", "inexact");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { result_ref, invalid_ref, overflow_ref, underflow_ref, inexact_ref } ===
		( { result_ref, invalid_ref, overflow_ref, underflow_ref, inexact_ref } ^
		  { result_dut, invalid_dut, overflow_dut, underflow_dut, inexact_dut } ^
		  { result_ref, invalid_ref, overflow_ref, underflow_ref, inexact_ref } ) );

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
		if (result_ref !== ( result_ref ^ result_dut ^ result_ref ))
		begin if (stats1.errors_result == 0) stats1.errortime_result = $time;
			stats1.errors_result = stats1.errors_result+1'b1; end
		if (invalid_ref !== ( invalid_ref ^ invalid_dut ^ invalid_ref ))
		begin if (stats1.errors_invalid == 0) stats1.errortime_invalid = $time;
			stats1.errors_invalid = stats1.errors_invalid+1'b1; end
		if (overflow_ref !== ( overflow_ref ^ overflow_dut ^ overflow_ref ))
		begin if (stats1.errors_overflow == 0) stats1.errortime_overflow = $time;
			stats1.errors_overflow = stats1.errors_overflow+1'b1; end
		if (underflow_ref !== ( underflow_ref ^ underflow_dut ^ underflow_ref ))
		begin if (stats1.errors_underflow == 0) stats1.errortime_underflow = $time;
			stats1.errors_underflow = stats1.errors_underflow+1'b1; end
		if (inexact_ref !== ( inexact_ref ^ inexact_dut ^ inexact_ref ))
		begin if (stats1.errors_inexact == 0) stats1.errortime_inexact = $time;
			stats1.errors_inexact = stats1.errors_inexact+1'b1; end
	endtask

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
