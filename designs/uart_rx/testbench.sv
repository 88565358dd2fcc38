`timescale 1 ps/1 ps

// Golden testbench for uart_rx (VerilogEval conventions).
// Reference is instantiated as uart_rx_ref (good1), design under test as uart_rx (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg rx
);
	integer i, b, gap;
	integer seed = 26;
	reg [9:0] frame;
	task send(input [7:0] byte_val, input stop_val);
		begin
			frame = {stop_val, byte_val, 1'b0};
			for (b = 0; b < 10; b = b + 1) begin
				rx <= frame[b];
				repeat (4) @(negedge clk);
			end
			rx <= 1'b1;
		end
	endtask
	initial begin
		rst = 1'b1; rx = 1'b1;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		repeat (3) @(negedge clk);
		send(8'hA5, 1'b1);
		repeat (3) @(negedge clk);
		send(8'h01, 1'b1);
		send(8'h80, 1'b1);              // back to back
		repeat (2) @(negedge clk);
		// 1-cycle glitch (false start)
		rx <= 1'b0; @(negedge clk);
		rx <= 1'b1; repeat (6) @(negedge clk);
		// 2-cycle glitch: still high at the mid-start sample
		rx <= 1'b0; repeat (2) @(negedge clk);
		rx <= 1'b1; repeat (6) @(negedge clk);
		// framing error (stop bit 0), then line returns high
		send(8'h3C, 1'b0);
		repeat (6) @(negedge clk);
		send(8'hFF, 1'b1);
		send(8'h00, 1'b1);
		repeat (4) @(negedge clk);
		// reset in the middle of a frame
		frame = {1'b1, 8'h55, 1'b0};
		for (b = 0; b < 5; b = b + 1) begin
			rx <= frame[b];
			repeat (4) @(negedge clk);
		end
		rst <= 1'b1; rx <= 1'b1;
		@(negedge clk);
		rst <= 1'b0;
		repeat (8) @(negedge clk);
		for (i = 0; i < 60; i = i + 1) begin
			gap = $unsigned($random(seed)) % 4;
			if (($random(seed) % 8) == 0) begin
				rx <= 1'b0; @(negedge clk); rx <= 1'b1;
			end
			repeat (gap) @(negedge clk);
			send($random(seed), ($random(seed) % 6) != 0);
		end
		repeat (6) @(negedge clk);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_data;
		int errortime_data;
		int errors_valid;
		int errortime_valid;
		int errors_frame_err;
		int errortime_frame_err;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic rx;
	logic [7:0] data_ref;
	logic [7:0] data_dut;
	logic valid_ref;
	logic valid_dut;
	logic frame_err_ref;
	logic frame_err_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, rx, data_ref, valid_ref, frame_err_ref, data_dut, valid_dut, frame_err_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .rx(rx));

	uart_rx_ref good1 (.clk(clk), .rst(rst), .rx(rx), .data(data_ref), .valid(valid_ref), .frame_err(frame_err_ref));

	uart_rx top_module1 (.clk(clk), .rst(rst), .rx(rx), .data(data_dut), .valid(valid_dut), .frame_err(frame_err_dut));

	final begin
		if (stats1.errors_data) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "data", stats1.errors_data, stats1.errortime_data);
		else $display("Hint: Output '%s' has no mismatches.", "data");
		if (stats1.errors_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "valid", stats1.errors_valid, stats1.errortime_valid);
		else $display("Hint: Output '%s' has no mismatches.", "valid");
		if (stats1.errors_frame_err) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "frame_err", stats1.errors_frame_err, stats1.errortime_frame_err);
		else $display("Hint: Output '%s' has no mismatches.", "frame_err");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { data_ref, valid_ref, frame_err_ref } === ( { data_ref, valid_ref, frame_err_ref } ^ { data_dut, valid_dut, frame_err_dut } ^ { data_ref, valid_ref, frame_err_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (data_ref !== ( data_ref ^ data_dut ^ data_ref ))
		begin if (stats1.errors_data == 0) stats1.errortime_data = $time;
			stats1.errors_data = stats1.errors_data+1'b1; end
		if (valid_ref !== ( valid_ref ^ valid_dut ^ valid_ref ))
		begin if (stats1.errors_valid == 0) stats1.errortime_valid = $time;
			stats1.errors_valid = stats1.errors_valid+1'b1; end
		if (frame_err_ref !== ( frame_err_ref ^ frame_err_dut ^ frame_err_ref ))
		begin if (stats1.errors_frame_err == 0) stats1.errortime_frame_err = $time;
			stats1.errors_frame_err = stats1.errors_frame_err+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
