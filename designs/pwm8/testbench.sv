`timescale 1 ps/1 ps

// Golden testbench for pwm8 (VerilogEval conventions).
// Reference is instantiated as pwm8_ref (good1), design under test as pwm8 (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg [7:0] duty
);
	integer i;
	integer seed = 16;
	reg [7:0] duties [0:5];
	initial begin
		duties[0] = 8'd0; duties[1] = 8'd1; duties[2] = 8'd128;
		duties[3] = 8'd255; duties[4] = 8'd37; duties[5] = 8'd200;
		rst = 1'b1; duty = 8'd0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		for (i = 0; i < 6; i = i + 1) begin
			duty <= duties[i];
			repeat (256) @(negedge clk);
		end
		rst <= 1'b1;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		for (i = 0; i < 600; i = i + 1) begin
			@(negedge clk);
			if (($random(seed) % 20) == 0) duty <= $random(seed);
			rst <= ($random(seed) % 300) == 0;
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_pwm;
		int errortime_pwm;
		int errors_cnt;
		int errortime_cnt;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic [7:0] duty;
	logic pwm_ref;
	logic pwm_dut;
	logic [7:0] cnt_ref;
	logic [7:0] cnt_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, duty, pwm_ref, cnt_ref, pwm_dut, cnt_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .duty(duty));

	pwm8_ref good1 (.clk(clk), .rst(rst), .duty(duty), .pwm(pwm_ref), .cnt(cnt_ref));

	pwm8 top_module1 (.clk(clk), .rst(rst), .duty(duty), .pwm(pwm_dut), .cnt(cnt_dut));

	final begin
		if (stats1.errors_pwm) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "pwm", stats1.errors_pwm, stats1.errortime_pwm);
		else $display("Hint: Output '%s' has no mismatches.", "pwm");
		if (stats1.errors_cnt) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cnt", stats1.errors_cnt, stats1.errortime_cnt);
		else $display("Hint: Output '%s' has no mismatches.", "cnt");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { pwm_ref, cnt_ref } === ( { pwm_ref, cnt_ref } ^ { pwm_dut, cnt_dut } ^ { pwm_ref, cnt_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (pwm_ref !== ( pwm_ref ^ pwm_dut ^ pwm_ref ))
		begin if (stats1.errors_pwm == 0) stats1.errortime_pwm = $time;
			stats1.errors_pwm = stats1.errors_pwm+1'b1; end
		if (cnt_ref !== ( cnt_ref ^ cnt_dut ^ cnt_ref ))
		begin if (stats1.errors_cnt == 0) stats1.errortime_cnt = $time;
			stats1.errors_cnt = stats1.errors_cnt+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
