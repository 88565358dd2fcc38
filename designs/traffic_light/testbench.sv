`timescale 1 ps/1 ps

// Golden testbench for traffic_light (VerilogEval conventions).
// Reference is instantiated as traffic_light_ref (good1), design under test as traffic_light (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg car_side
);
	integer i;
	integer seed = 19;
	initial begin
		rst = 1'b1; car_side = 1'b0;
		repeat (2) @(negedge clk);
		rst <= 1'b0; car_side <= 1'b1;          // car waiting from the start
		repeat (25) @(negedge clk);
		car_side <= 1'b0;
		repeat (20) @(negedge clk);             // no car: main green holds
		car_side <= 1'b1;
		@(negedge clk);
		car_side <= 1'b0;                       // one-cycle car pulse after long green
		repeat (15) @(negedge clk);
		car_side <= 1'b1;
		repeat (4) @(negedge clk);
		rst <= 1'b1;                            // reset in the middle of the cycle
		@(negedge clk);
		rst <= 1'b0;
		repeat (30) @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			@(negedge clk);
			if (($random(seed) % 6) == 0) car_side <= ~car_side;
			rst <= ($random(seed) % 150) == 0;
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_main_light;
		int errortime_main_light;
		int errors_side_light;
		int errortime_side_light;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic car_side;
	logic [2:0] main_light_ref;
	logic [2:0] main_light_dut;
	logic [2:0] side_light_ref;
	logic [2:0] side_light_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, car_side, main_light_ref, side_light_ref, main_light_dut, side_light_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .car_side(car_side));

	traffic_light_ref good1 (.clk(clk), .rst(rst), .car_side(car_side), .main_light(main_light_ref), .side_light(side_light_ref));

	traffic_light top_module1 (.clk(clk), .rst(rst), .car_side(car_side), .main_light(main_light_dut), .side_light(side_light_dut));

	final begin
		if (stats1.errors_main_light) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "main_light", stats1.errors_main_light, stats1.errortime_main_light);
		else $display("Hint: Output '%s' has no mismatches.", "main_light");
		if (stats1.errors_side_light) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "side_light", stats1.errors_side_light, stats1.errortime_side_light);
		else $display("Hint: Output '%s' has no mismatches.", "side_light");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { main_light_ref, side_light_ref } === ( { main_light_ref, side_light_ref } ^ { main_light_dut, side_light_dut } ^ { main_light_ref, side_light_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (main_light_ref !== ( main_light_ref ^ main_light_dut ^ main_light_ref ))
		begin if (stats1.errors_main_light == 0) stats1.errortime_main_light = $time;
			stats1.errors_main_light = stats1.errors_main_light+1'b1; end
		if (side_light_ref !== ( side_light_ref ^ side_light_dut ^ side_light_ref ))
		begin if (stats1.errors_side_light == 0) stats1.errortime_side_light = $time;
			stats1.errors_side_light = stats1.errors_side_light+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
