`timescale 1 ps/1 ps

// Golden testbench for crc32_stream (VerilogEval conventions).
// Reference is instantiated as crc32_stream_ref (good1), design under test as crc32_stream (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg in_valid,
	output reg sof,
	output reg eof,
	output reg [7:0] data
);
	integer i, n, len, gap_pct;
	integer seed = 3232;
	reg [7:0] frame [0:79];
	reg [31:0] fcs;

	// The stimulus's own CRC (bitwise, zlib convention), used only to append correct FCS bytes.
	function [31:0] crc_of(input integer count);
		integer a, b;
		reg [31:0] r;
		begin
			r = 32'hFFFFFFFF;
			for (a = 0; a < count; a = a + 1) begin
				r = r ^ frame[a];
				for (b = 0; b < 8; b = b + 1)
					r = r[0] ? ((r >> 1) ^ 32'hEDB88320) : (r >> 1);
			end
			crc_of = ~r;
		end
	endfunction

	// Drive frame[0..count-1]: sof on the first cycle if with_sof, eof on the last cycle,
	// idle cycles (in_valid = 0, random data) with probability gap_pct inside the frame;
	// end_gap puts eof on an extra cycle without a byte.
	task send(input integer count, input with_sof, input end_gap);
		integer a;
		begin
			for (a = 0; a < count; a = a + 1) begin
				while (($unsigned($random(seed)) % 100) < gap_pct) begin
					in_valid <= 1'b0; sof <= (a == 0) && with_sof && ($random(seed) & 1);
					eof <= 1'b0; data <= $random(seed);
					@(negedge clk);
				end
				in_valid <= 1'b1; data <= frame[a];
				sof <= (a == 0) && with_sof;
				eof <= (a == count - 1) && !end_gap;
				@(negedge clk);
			end
			if (count == 0 || end_gap) begin
				in_valid <= 1'b0; data <= $random(seed);
				sof <= (count == 0) && with_sof; eof <= 1'b1;
				@(negedge clk);
			end
			in_valid <= 1'b0; sof <= 1'b0; eof <= 1'b0;
		end
	endtask

	task random_frame(input integer count, input with_fcs);
		integer a;
		begin
			for (a = 0; a < count; a = a + 1) frame[a] = $random(seed);
			if (with_fcs) begin
				fcs = crc_of(count);
				frame[count] = fcs[7:0]; frame[count + 1] = fcs[15:8];
				frame[count + 2] = fcs[23:16]; frame[count + 3] = fcs[31:24];
			end
		end
	endtask

	initial begin
		rst = 1'b1; in_valid = 1'b0; sof = 1'b0; eof = 1'b0; data = 8'h00; gap_pct = 0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		@(negedge clk);
		// check value: "123456789" -> CBF43926
		for (i = 0; i < 9; i = i + 1) frame[i] = 8'h31 + i;
		send(9, 1, 0);
		// the same frame followed by its FCS: match
		random_frame(0, 0);
		fcs = crc_of(9);
		frame[9] = fcs[7:0]; frame[10] = fcs[15:8]; frame[11] = fcs[23:16]; frame[12] = fcs[31:24];
		send(13, 1, 0);
		// FCS in the wrong byte order: no match
		frame[9] = fcs[31:24]; frame[10] = fcs[23:16]; frame[11] = fcs[15:8]; frame[12] = fcs[7:0];
		send(13, 0, 0);
		// zero-length frames: eof alone, then sof+eof together, back to back
		send(0, 0, 0);
		send(0, 1, 0);
		// one-byte frames back to back, with and without sof
		frame[0] = 8'h00; send(1, 1, 0);
		frame[0] = 8'hFF; send(1, 0, 0);
		frame[0] = 8'h80; send(1, 1, 1);
		repeat (2) @(negedge clk);
		// all-zero and all-one frames
		for (i = 0; i < 8; i = i + 1) frame[i] = 8'h00;
		send(8, 1, 0);
		for (i = 0; i < 8; i = i + 1) frame[i] = 8'hFF;
		send(8, 1, 0);
		// sof in the middle of a frame restarts it
		in_valid <= 1'b1; sof <= 1'b1; data <= 8'hA5; @(negedge clk);
		sof <= 1'b0; data <= 8'h5A; @(negedge clk);
		in_valid <= 1'b0; @(negedge clk);
		random_frame(6, 1); send(10, 1, 0);
		// reset in the middle of a frame, then a frame without sof
		in_valid <= 1'b1; data <= 8'h12; @(negedge clk);
		rst <= 1'b1; in_valid <= 1'b1; eof <= 1'b1; data <= 8'h34; @(negedge clk);
		rst <= 1'b0; in_valid <= 1'b0; eof <= 1'b0; @(negedge clk);
		random_frame(5, 0); send(5, 0, 0);
		// random frames: gaps, FCS appended or corrupted, with and without sof, resets
		for (n = 0; n < 160; n = n + 1) begin
			gap_pct = (n % 4) * 12;
			len = ($unsigned($random(seed)) % 4 == 0) ? $unsigned($random(seed)) % 4 : $unsigned($random(seed)) % 40;
			random_frame(len, 0);
			if (($unsigned($random(seed)) % 3) == 0 && len > 0 && len < 76) begin
				fcs = crc_of(len);
				frame[len] = fcs[7:0]; frame[len + 1] = fcs[15:8]; frame[len + 2] = fcs[23:16]; frame[len + 3] = fcs[31:24];
				if (($unsigned($random(seed)) % 5) == 0) frame[len + ($unsigned($random(seed)) % 4)] ^= 8'h01 << ($unsigned($random(seed)) % 8);
				len = len + 4;
			end
			if (($unsigned($random(seed)) % 50) == 0) begin
				rst <= 1'b1; @(negedge clk); rst <= 1'b0;
			end
			if (($unsigned($random(seed)) % 20) == 0) begin
				// an aborted partial frame
				in_valid <= 1'b1; sof <= 1'b1; data <= $random(seed); @(negedge clk);
				sof <= 1'b0; data <= $random(seed); @(negedge clk);
			end
			send(len, ($unsigned($random(seed)) % 8) != 0, ($unsigned($random(seed)) % 6) == 0);
			while (($unsigned($random(seed)) % 3) == 0) begin
				data <= $random(seed); @(negedge clk);
			end
		end
		// fully random inputs
		for (i = 0; i < 600; i = i + 1) begin
			in_valid <= $random(seed); sof <= ($unsigned($random(seed)) % 6) == 0;
			eof <= ($unsigned($random(seed)) % 5) == 0; data <= $random(seed);
			rst <= ($unsigned($random(seed)) % 200) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_crc;
		int errortime_crc;
		int errors_crc_valid;
		int errortime_crc_valid;
		int errors_match;
		int errortime_match;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic in_valid;
	logic sof;
	logic eof;
	logic [7:0] data;
	logic [31:0] crc_ref;
	logic [31:0] crc_dut;
	logic crc_valid_ref;
	logic crc_valid_dut;
	logic match_ref;
	logic match_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, in_valid, sof, eof, data, crc_ref, crc_valid_ref, match_ref, crc_dut, crc_valid_dut, match_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .in_valid(in_valid), .sof(sof), .eof(eof), .data(data));

	crc32_stream_ref good1 (.clk(clk), .rst(rst), .in_valid(in_valid), .sof(sof), .eof(eof), .data(data), .crc(crc_ref), .crc_valid(crc_valid_ref), .match(match_ref));

	crc32_stream top_module1 (.clk(clk), .rst(rst), .in_valid(in_valid), .sof(sof), .eof(eof), .data(data), .crc(crc_dut), .crc_valid(crc_valid_dut), .match(match_dut));

	final begin
		if (stats1.errors_crc) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "crc", stats1.errors_crc, stats1.errortime_crc);
		else $display("Hint: Output '%s' has no mismatches.", "crc");
		if (stats1.errors_crc_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "crc_valid", stats1.errors_crc_valid, stats1.errortime_crc_valid);
		else $display("Hint: Output '%s' has no mismatches.", "crc_valid");
		if (stats1.errors_match) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "match", stats1.errors_match, stats1.errortime_match);
		else $display("Hint: Output '%s' has no mismatches.", "match");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { crc_ref, crc_valid_ref, match_ref } === ( { crc_ref, crc_valid_ref, match_ref } ^ { crc_dut, crc_valid_dut, match_dut } ^ { crc_ref, crc_valid_ref, match_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (crc_ref !== ( crc_ref ^ crc_dut ^ crc_ref ))
		begin if (stats1.errors_crc == 0) stats1.errortime_crc = $time;
			stats1.errors_crc = stats1.errors_crc+1'b1; end
		if (crc_valid_ref !== ( crc_valid_ref ^ crc_valid_dut ^ crc_valid_ref ))
		begin if (stats1.errors_crc_valid == 0) stats1.errortime_crc_valid = $time;
			stats1.errors_crc_valid = stats1.errors_crc_valid+1'b1; end
		if (match_ref !== ( match_ref ^ match_dut ^ match_ref ))
		begin if (stats1.errors_match == 0) stats1.errortime_match = $time;
			stats1.errors_match = stats1.errors_match+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
