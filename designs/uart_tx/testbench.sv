`timescale 1 ps/1 ps

// Golden testbench for uart_tx (VerilogEval conventions).
// Reference is instantiated as uart_tx_ref (good1), design under test as uart_tx (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg start,
	output reg [7:0] data
);
	integer i;
	integer seed = 25;
	initial begin
		rst = 1'b1; start = 1'b0; data = 8'h00;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		repeat (2) @(negedge clk);
		// single frame 0x35, data changes during the frame
		start <= 1'b1; data <= 8'h35;
		@(negedge clk);
		start <= 1'b0; data <= 8'hCA;
		repeat (45) @(negedge clk);
		// start held high: back-to-back frames, start while busy is ignored
		start <= 1'b1; data <= 8'h81;
		@(negedge clk);
		data <= 8'h7E;
		repeat (90) @(negedge clk);
		start <= 1'b0;
		repeat (5) @(negedge clk);
		// reset in the middle of a frame
		start <= 1'b1; data <= 8'hF0;
		@(negedge clk);
		start <= 1'b0;
		repeat (17) @(negedge clk);
		rst <= 1'b1;
		@(negedge clk);
		rst <= 1'b0;
		repeat (3) @(negedge clk);
		for (i = 0; i < 1500; i = i + 1) begin
			start <= ($random(seed) % 8) == 0;
			data <= $random(seed);
			rst <= ($random(seed) % 500) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_tx;
		int errortime_tx;
		int errors_busy;
		int errortime_busy;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic start;
	logic [7:0] data;
	logic tx_ref;
	logic tx_dut;
	logic busy_ref;
	logic busy_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, start, data, tx_ref, busy_ref, tx_dut, busy_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .start(start), .data(data));

	uart_tx_ref good1 (.clk(clk), .rst(rst), .start(start), .data(data), .tx(tx_ref), .busy(busy_ref));

	uart_tx top_module1 (.clk(clk), .rst(rst), .start(start), .data(data), .tx(tx_dut), .busy(busy_dut));

	final begin
		if (stats1.errors_tx) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "tx", stats1.errors_tx, stats1.errortime_tx);
		else $display("Hint: Output '%s' has no mismatches.", "tx");
		if (stats1.errors_busy) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "busy", stats1.errors_busy, stats1.errortime_busy);
		else $display("Hint: Output '%s' has no mismatches.", "busy");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { tx_ref, busy_ref } === ( { tx_ref, busy_ref } ^ { tx_dut, busy_dut } ^ { tx_ref, busy_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (tx_ref !== ( tx_ref ^ tx_dut ^ tx_ref ))
		begin if (stats1.errors_tx == 0) stats1.errortime_tx = $time;
			stats1.errors_tx = stats1.errors_tx+1'b1; end
		if (busy_ref !== ( busy_ref ^ busy_dut ^ busy_ref ))
		begin if (stats1.errors_busy == 0) stats1.errortime_busy = $time;
			stats1.errors_busy = stats1.errors_busy+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
