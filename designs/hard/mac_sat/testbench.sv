`timescale 1 ps/1 ps

// Golden testbench for mac_sat (VerilogEval conventions).
// Reference is instantiated as mac_sat_ref (good1), design under test as mac_sat (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg in_valid,
	output reg clear,
	output reg [15:0] a,
	output reg [15:0] b
);
	integer i, phase, kind, p_valid, p_clear, p_rst, sign;
	integer seed = 4040;

	// One sample per call, then the next edge.
	task put(input v, input c, input signed [15:0] x, input signed [15:0] y);
		begin
			in_valid <= v; clear <= c; a <= x; b <= y;
			@(negedge clk);
		end
	endtask

	task idle(input integer n);
		begin
			in_valid <= 1'b0; clear <= 1'b0; a <= $random(seed); b <= $random(seed);
			repeat (n) @(negedge clk);
		end
	endtask

	initial begin
		rst = 1'b1; in_valid = 1'b0; clear = 1'b0; a = 16'h0000; b = 16'h0000;
		repeat (2) @(negedge clk);
		put(1, 1, 16'sd100, 16'sd100);          // sample at the reset edge: dropped
		rst <= 1'b0;
		idle(5);
		// the spec's example
		put(1, 1, 16'sd30000, 16'sd30000);
		put(1, 0, 16'sd30000, 16'sd30000);
		put(1, 0, 16'sd30000, 16'sd30000);
		put(0, 1, 16'sd5, 16'sd5);              // clear without in_valid: ignored
		put(1, 0, -16'sd20000, 16'sd30000);
		put(0, 0, 16'sd0, 16'sd0);
		put(1, 1, 16'sd2, 16'sd3);
		idle(6);
		// exactly the maximum (no saturation), then one more
		put(1, 1, 16'sd32767, 16'sd32767);
		put(1, 0, 16'sd32767, 16'sd32767);
		put(1, 0, 16'sd32767, 16'sd4);
		put(1, 0, 16'sd1, 16'sd1);
		idle(4);
		put(1, 0, 16'sd1, 16'sd1);
		idle(2);
		put(1, 0, -16'sd1, 16'sd1);             // off the maximum, ovf stays
		idle(4);
		// exactly the minimum (no saturation), then one more
		put(1, 1, -16'sd32768, 16'sd32767);
		put(1, 0, 16'sd32767, -16'sd32768);
		put(1, 0, -16'sd32768, 16'sd2);
		idle(4);
		put(1, 0, -16'sd1, 16'sd1);
		put(1, 0, 16'sd1, 16'sd1);
		idle(4);
		// -32768 * -32768 = 2^30, three times: saturates
		put(1, 1, -16'sd32768, -16'sd32768);
		put(1, 0, -16'sd32768, -16'sd32768);
		put(1, 0, -16'sd32768, -16'sd32768);
		put(1, 0, 16'sd0, 16'sd0);
		idle(4);
		// clear while earlier samples are still in the pipeline
		put(1, 0, 16'sd1000, 16'sd1000);
		put(1, 0, 16'sd1000, 16'sd1000);
		put(1, 1, 16'sd7, 16'sd7);
		put(1, 0, 16'sd1, 16'sd1);
		idle(5);
		// reset with samples in flight
		put(1, 0, 16'sd1234, 16'sd1234);
		put(1, 0, 16'sd1234, 16'sd1234);
		rst <= 1'b1;
		put(1, 0, 16'sd1234, 16'sd1234);
		rst <= 1'b0;
		put(1, 0, 16'sd3, 16'sd3);
		idle(5);
		// saturate, then a reset clears ovf
		put(1, 1, 16'sd32767, 16'sd32767);
		put(1, 0, 16'sd32767, 16'sd32767);
		put(1, 0, 16'sd32767, 16'sd32767);
		idle(4);
		rst <= 1'b1; idle(1);
		rst <= 1'b0; idle(4);
		// random traffic in phases
		for (phase = 0; phase < 60; phase = phase + 1) begin
			kind = $unsigned($random(seed)) % 5;
			p_valid = 1 + $unsigned($random(seed)) % 4;    // in quarters
			p_clear = $unsigned($random(seed)) % 4;        // 0, 1/64, 1/16, 1/4
			p_rst = $unsigned($random(seed)) % 3;          // 0, 1/1000, 1/100
			sign = $random(seed) & 1;
			for (i = 0; i < 450; i = i + 1) begin
				in_valid <= ($unsigned($random(seed)) % 4) < p_valid;
				case (p_clear)
					0: clear <= ($unsigned($random(seed)) % 512) == 0;
					1: clear <= ($unsigned($random(seed)) % 64) == 0;
					2: clear <= ($unsigned($random(seed)) % 16) == 0;
					default: clear <= ($unsigned($random(seed)) % 4) == 0;
				endcase
				case (p_rst)
					0: rst <= 1'b0;
					1: rst <= ($unsigned($random(seed)) % 1000) == 0;
					default: rst <= ($unsigned($random(seed)) % 100) == 0;
				endcase
				case (kind)
					0: begin a <= $random(seed); b <= $random(seed); end
					1: begin  // large products of one sign: saturate
						a <= {sign[0], 1'b1, 14'($random(seed))} ^ {1'b0, {15{sign[0]}}};
						b <= {1'b0, 1'b1, 14'($random(seed))};
					end
					2: begin  // extreme operands
						case ($unsigned($random(seed)) % 5)
							0: a <= 16'h8000; 1: a <= 16'h7FFF; 2: a <= 16'hFFFF; 3: a <= 16'h0001; default: a <= 16'h8001;
						endcase
						case ($unsigned($random(seed)) % 5)
							0: b <= 16'h8000; 1: b <= 16'h7FFF; 2: b <= 16'hFFFF; 3: b <= 16'h0000; default: b <= 16'h8000;
						endcase
					end
					3: begin  // alternating runs of large positive and negative products
						a <= (i % 48 < 30) ? 16'd20000 + $unsigned($random(seed)) % 12000 : -16'sd20000 - $unsigned($random(seed)) % 12000;
						b <= 16'd20000 + $unsigned($random(seed)) % 12000;
					end
					default: begin a <= $random(seed) % 300; b <= $random(seed) % 300; end
				endcase
				@(negedge clk);
			end
		end
		rst <= 1'b0; in_valid <= 1'b0;
		repeat (6) @(negedge clk);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_out_valid;
		int errortime_out_valid;
		int errors_acc;
		int errortime_acc;
		int errors_ovf;
		int errortime_ovf;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic in_valid;
	logic clear;
	logic [15:0] a;
	logic [15:0] b;
	logic out_valid_ref;
	logic out_valid_dut;
	logic [31:0] acc_ref;
	logic [31:0] acc_dut;
	logic ovf_ref;
	logic ovf_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, in_valid, clear, a, b, out_valid_ref, acc_ref, ovf_ref,
			out_valid_dut, acc_dut, ovf_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .in_valid(in_valid), .clear(clear), .a(a), .b(b));

	mac_sat_ref good1 (.clk(clk), .rst(rst), .in_valid(in_valid), .clear(clear), .a(a), .b(b),
		.out_valid(out_valid_ref), .acc(acc_ref), .ovf(ovf_ref));

	mac_sat top_module1 (.clk(clk), .rst(rst), .in_valid(in_valid), .clear(clear), .a(a), .b(b),
		.out_valid(out_valid_dut), .acc(acc_dut), .ovf(ovf_dut));

	final begin
		if (stats1.errors_out_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out_valid", stats1.errors_out_valid, stats1.errortime_out_valid);
		else $display("Hint: Output '%s' has no mismatches.", "out_valid");
		if (stats1.errors_acc) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "acc", stats1.errors_acc, stats1.errortime_acc);
		else $display("Hint: Output '%s' has no mismatches.", "acc");
		if (stats1.errors_ovf) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "ovf", stats1.errors_ovf, stats1.errortime_ovf);
		else $display("Hint: Output '%s' has no mismatches.", "ovf");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { out_valid_ref, acc_ref, ovf_ref } ===
		( { out_valid_ref, acc_ref, ovf_ref } ^ { out_valid_dut, acc_dut, ovf_dut } ^ { out_valid_ref, acc_ref, ovf_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (out_valid_ref !== ( out_valid_ref ^ out_valid_dut ^ out_valid_ref ))
		begin if (stats1.errors_out_valid == 0) stats1.errortime_out_valid = $time;
			stats1.errors_out_valid = stats1.errors_out_valid+1'b1; end
		if (acc_ref !== ( acc_ref ^ acc_dut ^ acc_ref ))
		begin if (stats1.errors_acc == 0) stats1.errortime_acc = $time;
			stats1.errors_acc = stats1.errors_acc+1'b1; end
		if (ovf_ref !== ( ovf_ref ^ ovf_dut ^ ovf_ref ))
		begin if (stats1.errors_ovf == 0) stats1.errortime_ovf = $time;
			stats1.errors_ovf = stats1.errors_ovf+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
