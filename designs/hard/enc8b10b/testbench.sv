`timescale 1 ps/1 ps

// Golden testbench for enc8b10b (VerilogEval conventions).
// Reference is instantiated as enc8b10b_ref (good1), design under test as enc8b10b (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg valid,
	output reg k,
	output reg [7:0] data
);
	integer i, rdp, kk;
	integer seed = 810;
	reg [7:0] kcodes [0:11];
	initial begin
		kcodes[0] = 8'h1C; kcodes[1] = 8'h3C; kcodes[2] = 8'h5C; kcodes[3] = 8'h7C;
		kcodes[4] = 8'h9C; kcodes[5] = 8'hBC; kcodes[6] = 8'hDC; kcodes[7] = 8'hFC;
		kcodes[8] = 8'hF7; kcodes[9] = 8'hFB; kcodes[10] = 8'hFD; kcodes[11] = 8'hFE;
		rst = 1'b1; valid = 1'b0; k = 1'b0; data = 8'h00;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		// valid low after reset: nothing changes
		k <= 1'b1; data <= 8'hBC;
		repeat (2) @(negedge clk);
		// every character (D and K request) from RD- and from RD+:
		// reset gives RD-, D0.1 after reset gives RD+.
		for (rdp = 0; rdp < 2; rdp = rdp + 1)
			for (kk = 0; kk < 2; kk = kk + 1)
				for (i = 0; i < 256; i = i + 1) begin
					rst <= 1'b1; valid <= 1'b0;
					@(negedge clk);
					rst <= 1'b0;
					if (rdp) begin
						valid <= 1'b1; k <= 1'b0; data <= 8'h20;
						@(negedge clk);
					end
					valid <= 1'b1; k <= kk; data <= i;
					@(negedge clk);
					// a gap: code and rd hold, code_valid and err drop
					valid <= 1'b0; k <= 1'b1; data <= 8'h05;
					@(negedge clk);
				end
		// back-to-back valid K-codes from alternating disparities
		for (i = 0; i < 48; i = i + 1) begin
			valid <= 1'b1; k <= (i % 3) != 2; data <= (i % 3) != 2 ? kcodes[i % 12] : i * 37;
			@(negedge clk);
		end
		// back-to-back D.x.7 characters (the A7 rule) mixed with flipping characters
		for (i = 0; i < 64; i = i + 1) begin
			valid <= 1'b1; k <= 1'b0; data <= (i % 2) ? {3'b111, i[5:1]} : {3'b001, i[5:1]};
			@(negedge clk);
		end
		// reset while valid is high
		rst <= 1'b1; valid <= 1'b1; k <= 1'b0; data <= 8'h20;
		@(negedge clk);
		rst <= 1'b0;
		repeat (2) @(negedge clk);
		for (i = 0; i < 4000; i = i + 1) begin
			valid <= ($unsigned($random(seed)) % 8) != 0;
			kk = $unsigned($random(seed)) % 8;
			k <= kk < 2;
			data <= (kk == 0) ? kcodes[$unsigned($random(seed)) % 12] : $random(seed);
			rst <= ($unsigned($random(seed)) % 800) == 0;
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_code;
		int errortime_code;
		int errors_code_valid;
		int errortime_code_valid;
		int errors_err;
		int errortime_err;
		int errors_rd;
		int errortime_rd;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic valid;
	logic k;
	logic [7:0] data;
	logic [9:0] code_ref;
	logic [9:0] code_dut;
	logic code_valid_ref;
	logic code_valid_dut;
	logic err_ref;
	logic err_dut;
	logic rd_ref;
	logic rd_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, valid, k, data, code_ref, code_valid_ref, err_ref, rd_ref, code_dut, code_valid_dut, err_dut, rd_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .valid(valid), .k(k), .data(data));

	enc8b10b_ref good1 (.clk(clk), .rst(rst), .valid(valid), .k(k), .data(data), .code(code_ref), .code_valid(code_valid_ref), .err(err_ref), .rd(rd_ref));

	enc8b10b top_module1 (.clk(clk), .rst(rst), .valid(valid), .k(k), .data(data), .code(code_dut), .code_valid(code_valid_dut), .err(err_dut), .rd(rd_dut));

	final begin
		if (stats1.errors_code) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "code", stats1.errors_code, stats1.errortime_code);
		else $display("Hint: Output '%s' has no mismatches.", "code");
		if (stats1.errors_code_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "code_valid", stats1.errors_code_valid, stats1.errortime_code_valid);
		else $display("Hint: Output '%s' has no mismatches.", "code_valid");
		if (stats1.errors_err) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "err", stats1.errors_err, stats1.errortime_err);
		else $display("Hint: Output '%s' has no mismatches.", "err");
		if (stats1.errors_rd) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rd", stats1.errors_rd, stats1.errortime_rd);
		else $display("Hint: Output '%s' has no mismatches.", "rd");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { code_ref, code_valid_ref, err_ref, rd_ref } === ( { code_ref, code_valid_ref, err_ref, rd_ref } ^ { code_dut, code_valid_dut, err_dut, rd_dut } ^ { code_ref, code_valid_ref, err_ref, rd_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (code_ref !== ( code_ref ^ code_dut ^ code_ref ))
		begin if (stats1.errors_code == 0) stats1.errortime_code = $time;
			stats1.errors_code = stats1.errors_code+1'b1; end
		if (code_valid_ref !== ( code_valid_ref ^ code_valid_dut ^ code_valid_ref ))
		begin if (stats1.errors_code_valid == 0) stats1.errortime_code_valid = $time;
			stats1.errors_code_valid = stats1.errors_code_valid+1'b1; end
		if (err_ref !== ( err_ref ^ err_dut ^ err_ref ))
		begin if (stats1.errors_err == 0) stats1.errortime_err = $time;
			stats1.errors_err = stats1.errors_err+1'b1; end
		if (rd_ref !== ( rd_ref ^ rd_dut ^ rd_ref ))
		begin if (stats1.errors_rd == 0) stats1.errortime_rd = $time;
			stats1.errors_rd = stats1.errors_rd+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
