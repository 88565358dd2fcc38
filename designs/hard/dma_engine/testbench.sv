`timescale 1 ps/1 ps

// Golden testbench for dma_engine (VerilogEval conventions).
// Reference is instantiated as dma_engine_ref (good1), design under test as dma_engine (top_module1).
// Each design talks to its own instance of the memory model below; both models start with the same
// contents and draw the same random handshake and latency sequence every cycle, so they stay identical
// as long as the two designs issue the same requests.

// Memory: 4096 words (byte address bits 13..2; higher bits alias). A request is taken at an edge with
// valid && ready; the response (read data, or write acknowledge) comes 1..4 edges later. A write changes
// the memory at its request edge. `pace` selects the handshake: 0 fast (ready always, response at the
// next edge), 1 random (random ready, random latency, stray response pulses while nothing is
// outstanding), 2 slow (rare ready, long latency).
module dma_mem_model (
	input clk,
	input [1:0] pace,
	input bd_we,
	input [11:0] bd_idx,
	input [31:0] bd_data,
	input rd_req_valid,
	output reg rd_req_ready,
	input [31:0] rd_req_addr,
	output reg rd_resp_valid,
	output reg [31:0] rd_resp_data,
	input wr_req_valid,
	output reg wr_req_ready,
	input [31:0] wr_req_addr,
	input [31:0] wr_req_data,
	output reg wr_resp_valid
);
	reg [31:0] mem [0:4095];
	integer seed = 77;
	integer i;
	reg [31:0] h, r1, r2, r3, r4, r5, r6, r7;
	reg rd_fire = 0, wr_fire = 0, rd_out = 0, wr_out = 0;
	reg [11:0] rd_idx;
	reg [31:0] rd_buf;
	integer rd_cnt = 0, wr_cnt = 0;

	// Words 0x400..0x7FF and 0xC00..0xFFF (bytes 0x1000-0x1FFF, 0x3000-0x3FFF) hold ready-made
	// descriptors (short copies into 0x2000-0x2FFF; one word each, no flags, in the upper region); the
	// rest holds a pattern.
	initial begin
		for (i = 0; i < 4096; i = i + 1) begin
			h = (i + 1) * 32'h9E3779B1;
			h = h ^ (h >> 13);
			if ((i >= 12'h400 && i < 12'h800) || i >= 12'hC00) begin
				case (i % 4)
					0: mem[i] = {h[31:16], 2'b00, h[13:2], 2'b00};
					1: mem[i] = {h[15:0], 4'b0010, h[11:2], 2'b00};
					2: mem[i] = (i < 12'h800) ? {14'd0, h[21:20], 16'd1 + h[1:0]} : 32'd1;
					default: mem[i] = 32'd0;
				endcase
			end else mem[i] = h;
		end
		rd_req_ready = 1'b0; rd_resp_valid = 1'b0; rd_resp_data = 32'd0;
		wr_req_ready = 1'b0; wr_resp_valid = 1'b0;
	end

	always @(posedge clk) begin
		if (bd_we) mem[bd_idx] = bd_data;
		if (rd_req_valid && rd_req_ready) begin rd_fire = 1; rd_idx = rd_req_addr[13:2]; end
		if (wr_req_valid && wr_req_ready) begin wr_fire = 1; mem[wr_req_addr[13:2]] = wr_req_data; end
	end

	always @(negedge clk) begin
		// Always the same number of draws per cycle: both instances stay in step.
		r1 = $random(seed); r2 = $random(seed); r3 = $random(seed); r4 = $random(seed);
		r5 = $random(seed); r6 = $random(seed); r7 = $random(seed);
		if (rd_fire) begin
			rd_fire = 0; rd_out = 1; rd_buf = mem[rd_idx];
			rd_cnt = (pace == 0) ? 0 : (pace == 1) ? r1[1:0] : 3 + r1[2:0];
		end
		if (wr_fire) begin
			wr_fire = 0; wr_out = 1;
			wr_cnt = (pace == 0) ? 0 : (pace == 1) ? r2[1:0] : 3 + r2[2:0];
		end
		rd_resp_valid <= 1'b0;
		rd_resp_data <= r7;
		if (rd_out) begin
			if (rd_cnt == 0) begin rd_resp_valid <= 1'b1; rd_resp_data <= rd_buf; rd_out = 0; end
			else rd_cnt = rd_cnt - 1;
		end else if (pace == 1 && r3[3:0] == 0) rd_resp_valid <= 1'b1;
		wr_resp_valid <= 1'b0;
		if (wr_out) begin
			if (wr_cnt == 0) begin wr_resp_valid <= 1'b1; wr_out = 0; end
			else wr_cnt = wr_cnt - 1;
		end else if (pace == 1 && r4[3:0] == 0) wr_resp_valid <= 1'b1;
		rd_req_ready <= (pace == 0) ? 1'b1 : (pace == 1) ? r5[0] : (r5[2:0] == 0);
		wr_req_ready <= (pace == 0) ? 1'b1 : (pace == 1) ? r6[1:0] != 0 : (r6[2:0] == 0);
	end
endmodule

module stimulus_gen (
	input clk,
	output reg rst,
	output reg reg_we,
	output reg [2:0] reg_addr,
	output reg [31:0] reg_wdata,
	output reg [1:0] pace,
	output reg bd_we,
	output reg [11:0] bd_idx,
	output reg [31:0] bd_data
);
	integer seed = 5;
	integer i, k, r;
	reg [31:0] base, src, dst, ctl;
	reg [7:0] size;

	// One cycle with no write; the register port reads a random register.
	task automatic idle(input integer n);
		integer j;
		begin
			for (j = 0; j < n; j = j + 1) begin
				reg_we <= 1'b0; bd_we <= 1'b0;
				reg_addr <= $random(seed); reg_wdata <= $random(seed);
				@(negedge clk);
			end
		end
	endtask

	task automatic wreg(input [2:0] a, input [31:0] d);
		begin
			reg_we <= 1'b1; reg_addr <= a; reg_wdata <= d; bd_we <= 1'b0;
			@(negedge clk);
			reg_we <= 1'b0;
		end
	endtask

	task automatic wreg_hold(input [2:0] a, input [31:0] d, input integer n);
		begin
			reg_we <= 1'b1; reg_addr <= a; reg_wdata <= d; bd_we <= 1'b0;
			repeat (n) @(negedge clk);
			reg_we <= 1'b0;
		end
	endtask

	task automatic bd(input [31:0] byte_addr, input [31:0] d);
		begin
			bd_we <= 1'b1; bd_idx <= byte_addr[13:2]; bd_data <= d;
			reg_we <= 1'b0; reg_addr <= $random(seed);
			@(negedge clk);
			bd_we <= 1'b0;
		end
	endtask

	task automatic desc(input [31:0] rb, input [7:0] h, input [31:0] s, input [31:0] d, input [31:0] c);
		begin
			bd(rb + 16 * h, s);
			bd(rb + 16 * h + 4, d);
			bd(rb + 16 * h + 8, c);
			bd(rb + 16 * h + 12, 32'd0);
		end
	endtask

	// A random descriptor: destinations stay in 0x2000-0x2FFF (mod 16 KiB) so rings are never overwritten.
	task automatic random_desc(input [31:0] rb, input [7:0] h);
		begin
			src = $random(seed);
			src[1:0] = (($unsigned($random(seed)) % 16) == 0) ? $random(seed) : 2'b00;
			dst = $random(seed);
			dst[13:12] = 2'b10;
			dst[1:0] = (($unsigned($random(seed)) % 16) == 0) ? $random(seed) : 2'b00;
			ctl = $random(seed);
			ctl[15:0] = (($unsigned($random(seed)) % 20) == 0) ? 16'd0 : 1 + $unsigned($random(seed)) % 6;
			desc(rb, h, src, dst, ctl);
		end
	endtask

	initial begin
		rst = 1'b1; reg_we = 1'b0; reg_addr = 3'd0; reg_wdata = 32'd0; pace = 2'd0;
		bd_we = 1'b0; bd_idx = 12'd0; bd_data = 32'd0;
		repeat (3) @(negedge clk);
		rst <= 1'b0;
		for (i = 0; i < 8; i = i + 1) begin reg_addr <= i; @(negedge clk); end
		// register access: read-only HEAD, low bits of RING_BASE, unused registers, W1C with nothing set
		wreg(3'd1, 32'h0000_100F);
		wreg(3'd2, 32'hFFFF_FF04);
		wreg(3'd3, 32'h0000_0055);
		wreg(3'd5, 32'hFFFF_FFFF);
		wreg(3'd6, 32'hFFFF_FFFF);
		wreg(3'd0, 32'hFFFF_FFFF);       // RUN and IRQ_EN; HEAD == TAIL: nothing to do
		for (i = 0; i < 8; i = i + 1) begin reg_addr <= i; @(negedge clk); end
		// three descriptors, back to back, fast memory
		desc(32'h1000, 0, 32'h0000_0100, 32'h0000_2000, 32'h0001_0004);
		desc(32'h1000, 1, 32'h0000_0200, 32'h0000_2100, 32'h0000_0001);
		desc(32'h1000, 2, 32'hFFFF_FFF8, 32'h0000_2200, 32'h0003_0007);  // source wraps past 2^32; LAST
		wreg(3'd4, 32'd3);
		idle(90);
		wreg(3'd5, 32'h0000_0002);       // clear DONE
		idle(10);
		// errors: misaligned SRC, misaligned DST, zero LEN; each halts the engine
		desc(32'h1000, 3, 32'h0000_0102, 32'h0000_2300, 32'h0001_0002);
		desc(32'h1000, 0, 32'h0000_0100, 32'h0000_2301, 32'h0001_0002);
		desc(32'h1000, 1, 32'h0000_0100, 32'h0000_2300, 32'h0001_0000);
		pace <= 2'd1;
		wreg(3'd4, 32'd2);
		wreg(3'd0, 32'd1);               // RUN without IRQ_EN: irq stays 0
		idle(60);
		wreg(3'd0, 32'd3);               // ERR is pending: irq rises with IRQ_EN
		idle(5);
		wreg(3'd5, 32'h0000_0004);
		wreg(3'd0, 32'd3);
		idle(60);
		wreg(3'd5, 32'h0000_0004);
		wreg(3'd0, 32'd3);
		idle(60);
		wreg(3'd5, 32'h0000_0006);
		// RUN cleared by software in the middle of a descriptor; RING_BASE/RING_SIZE writes while busy
		desc(32'h1000, 2, 32'h0000_0400, 32'h0000_2400, 32'h0000_000A);
		desc(32'h1000, 3, 32'h0000_0500, 32'h0000_2500, 32'h0001_0003);
		wreg(3'd4, 32'd0);
		wreg(3'd0, 32'd3);
		idle(20);
		wreg(3'd0, 32'd2);
		wreg(3'd1, 32'h0000_1800);
		wreg(3'd2, 32'd9);
		idle(150);
		wreg(3'd0, 32'd3);
		idle(100);
		// slow memory; CTRL written every cycle while a LAST descriptor completes (the engine's clear
		// wins for that edge, the next write restarts it), then STATUS W1C written every cycle while
		// IRQ descriptors complete (the set wins)
		pace <= 2'd2;
		desc(32'h1000, 0, 32'h0000_0600, 32'h0000_2600, 32'h0003_0002);
		desc(32'h1000, 1, 32'h0000_0640, 32'h0000_2640, 32'h0001_0001);
		wreg(3'd4, 32'd2);
		wreg_hold(3'd0, 32'd3, 150);
		idle(100);
		desc(32'h1000, 2, 32'h0000_0680, 32'h0000_2680, 32'h0001_0001);
		desc(32'h1000, 3, 32'h0000_0690, 32'h0000_2690, 32'h0001_0002);
		wreg(3'd4, 32'd0);
		wreg(3'd0, 32'd3);
		wreg_hold(3'd5, 32'h0000_0006, 150);
		idle(20);
		wreg(3'd5, 32'h0000_0002);
		// reset in the middle of a descriptor: the late response must be ignored
		pace <= 2'd1;
		desc(32'h1000, 1, 32'h0000_0700, 32'h0000_2700, 32'h0000_0006);
		wreg(3'd4, 32'd2);
		wreg(3'd0, 32'd1);
		idle(13);
		rst <= 1'b1; @(negedge clk); rst <= 1'b0;
		wreg(3'd1, 32'h0000_1000);
		wreg(3'd2, 32'd4);
		wreg(3'd4, 32'd1);
		wreg(3'd0, 32'd3);
		idle(60);
		// a 256-entry ring (RING_SIZE = 0), fast memory: HEAD wraps from 255 to 0
		rst <= 1'b1; @(negedge clk); rst <= 1'b0;
		pace <= 2'd0;
		wreg(3'd1, 32'h0000_3000);
		wreg(3'd4, 32'd255);
		wreg(3'd0, 32'd1);
		idle(3400);
		wreg(3'd4, 32'd2);
		idle(60);
		// random: small rings in 0x1000-0x1FFF, random descriptors, register traffic and memory pacing
		for (k = 0; k < 60; k = k + 1) begin
			// each round starts from reset (HEAD = 0) and only ever grows its ring, so HEAD stays inside
			// the descriptor region
			rst <= 1'b1; @(negedge clk); rst <= 1'b0;
			base = 32'h1000 + 16 * ($unsigned($random(seed)) % 240);
			size = 1 + $unsigned($random(seed)) % 16;
			wreg(3'd1, base);
			wreg(3'd2, size);
			pace <= $unsigned($random(seed)) % 3;
			for (i = 0; i < size; i = i + 1) random_desc(base, i);
			wreg(3'd4, $unsigned($random(seed)) % (size + 1));
			wreg(3'd0, {$random(seed), 1'b1});
			for (i = 0; i < 40; i = i + 1) begin
				r = $unsigned($random(seed)) % 100;
				if (r < 15) random_desc(base, $unsigned($random(seed)) % size);
				else if (r < 30) wreg(3'd4, $unsigned($random(seed)) % (size + 2));
				else if (r < 42) wreg(3'd0, {$random(seed), ($unsigned($random(seed)) % 4) != 0});
				else if (r < 52) wreg(3'd5, $random(seed));
				else if (r < 55) wreg(3'd1, 32'h1000 + 16 * ($unsigned($random(seed)) % 240));
				else if (r < 58) begin
					if (size < 16) size = size + 1 + $unsigned($random(seed)) % (16 - size);
					wreg(3'd2, size);
				end
				else if (r < 62) pace <= $unsigned($random(seed)) % 3;
				else idle(1 + $unsigned($random(seed)) % 12);
			end
		end
		idle(200);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_reg_rdata;
		int errortime_reg_rdata;
		int errors_irq;
		int errortime_irq;
		int errors_rd_req_valid;
		int errortime_rd_req_valid;
		int errors_rd_req_addr;
		int errortime_rd_req_addr;
		int errors_wr_req_valid;
		int errortime_wr_req_valid;
		int errors_wr_req_addr;
		int errortime_wr_req_addr;
		int errors_wr_req_data;
		int errortime_wr_req_data;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic reg_we;
	logic [2:0] reg_addr;
	logic [31:0] reg_wdata;
	logic [1:0] pace;
	logic bd_we;
	logic [11:0] bd_idx;
	logic [31:0] bd_data;
	logic rd_req_ready_ref, rd_req_ready_dut;
	logic rd_resp_valid_ref, rd_resp_valid_dut;
	logic [31:0] rd_resp_data_ref, rd_resp_data_dut;
	logic wr_req_ready_ref, wr_req_ready_dut;
	logic wr_resp_valid_ref, wr_resp_valid_dut;
	logic [31:0] reg_rdata_ref;
	logic [31:0] reg_rdata_dut;
	logic irq_ref;
	logic irq_dut;
	logic rd_req_valid_ref;
	logic rd_req_valid_dut;
	logic [31:0] rd_req_addr_ref;
	logic [31:0] rd_req_addr_dut;
	logic wr_req_valid_ref;
	logic wr_req_valid_dut;
	logic [31:0] wr_req_addr_ref;
	logic [31:0] wr_req_addr_dut;
	logic [31:0] wr_req_data_ref;
	logic [31:0] wr_req_data_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, reg_we, reg_addr, reg_wdata, rd_req_ready_ref, rd_resp_valid_ref, rd_resp_data_ref, wr_req_ready_ref, wr_resp_valid_ref,
			reg_rdata_ref, irq_ref, rd_req_valid_ref, rd_req_addr_ref, wr_req_valid_ref, wr_req_addr_ref, wr_req_data_ref,
			reg_rdata_dut, irq_dut, rd_req_valid_dut, rd_req_addr_dut, wr_req_valid_dut, wr_req_addr_dut, wr_req_data_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .reg_we(reg_we), .reg_addr(reg_addr), .reg_wdata(reg_wdata), .pace(pace),
		.bd_we(bd_we), .bd_idx(bd_idx), .bd_data(bd_data));

	dma_mem_model mem_ref (.clk(clk), .pace(pace), .bd_we(bd_we), .bd_idx(bd_idx), .bd_data(bd_data),
		.rd_req_valid(rd_req_valid_ref), .rd_req_ready(rd_req_ready_ref), .rd_req_addr(rd_req_addr_ref),
		.rd_resp_valid(rd_resp_valid_ref), .rd_resp_data(rd_resp_data_ref), .wr_req_valid(wr_req_valid_ref),
		.wr_req_ready(wr_req_ready_ref), .wr_req_addr(wr_req_addr_ref), .wr_req_data(wr_req_data_ref),
		.wr_resp_valid(wr_resp_valid_ref));

	dma_mem_model mem_dut (.clk(clk), .pace(pace), .bd_we(bd_we), .bd_idx(bd_idx), .bd_data(bd_data),
		.rd_req_valid(rd_req_valid_dut), .rd_req_ready(rd_req_ready_dut), .rd_req_addr(rd_req_addr_dut),
		.rd_resp_valid(rd_resp_valid_dut), .rd_resp_data(rd_resp_data_dut), .wr_req_valid(wr_req_valid_dut),
		.wr_req_ready(wr_req_ready_dut), .wr_req_addr(wr_req_addr_dut), .wr_req_data(wr_req_data_dut),
		.wr_resp_valid(wr_resp_valid_dut));

	dma_engine_ref good1 (.clk(clk), .rst(rst), .reg_we(reg_we), .reg_addr(reg_addr), .reg_wdata(reg_wdata), .reg_rdata(reg_rdata_ref),
		.irq(irq_ref), .rd_req_valid(rd_req_valid_ref), .rd_req_ready(rd_req_ready_ref), .rd_req_addr(rd_req_addr_ref),
		.rd_resp_valid(rd_resp_valid_ref), .rd_resp_data(rd_resp_data_ref), .wr_req_valid(wr_req_valid_ref),
		.wr_req_ready(wr_req_ready_ref), .wr_req_addr(wr_req_addr_ref), .wr_req_data(wr_req_data_ref), .wr_resp_valid(wr_resp_valid_ref));

	dma_engine top_module1 (.clk(clk), .rst(rst), .reg_we(reg_we), .reg_addr(reg_addr), .reg_wdata(reg_wdata), .reg_rdata(reg_rdata_dut),
		.irq(irq_dut), .rd_req_valid(rd_req_valid_dut), .rd_req_ready(rd_req_ready_dut), .rd_req_addr(rd_req_addr_dut),
		.rd_resp_valid(rd_resp_valid_dut), .rd_resp_data(rd_resp_data_dut), .wr_req_valid(wr_req_valid_dut),
		.wr_req_ready(wr_req_ready_dut), .wr_req_addr(wr_req_addr_dut), .wr_req_data(wr_req_data_dut), .wr_resp_valid(wr_resp_valid_dut));

	final begin
		if (stats1.errors_reg_rdata) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "reg_rdata", stats1.errors_reg_rdata, stats1.errortime_reg_rdata);
		else $display("Hint: Output '%s' has no mismatches.", "reg_rdata");
		if (stats1.errors_irq) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "irq", stats1.errors_irq, stats1.errortime_irq);
		else $display("Hint: Output '%s' has no mismatches.", "irq");
		if (stats1.errors_rd_req_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rd_req_valid", stats1.errors_rd_req_valid, stats1.errortime_rd_req_valid);
		else $display("Hint: Output '%s' has no mismatches.", "rd_req_valid");
		if (stats1.errors_rd_req_addr) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rd_req_addr", stats1.errors_rd_req_addr, stats1.errortime_rd_req_addr);
		else $display("Hint: Output '%s' has no mismatches.", "rd_req_addr");
		if (stats1.errors_wr_req_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "wr_req_valid", stats1.errors_wr_req_valid, stats1.errortime_wr_req_valid);
		else $display("Hint: Output '%s' has no mismatches.", "wr_req_valid");
		if (stats1.errors_wr_req_addr) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "wr_req_addr", stats1.errors_wr_req_addr, stats1.errortime_wr_req_addr);
		else $display("Hint: Output '%s' has no mismatches.", "wr_req_addr");
		if (stats1.errors_wr_req_data) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "wr_req_data", stats1.errors_wr_req_data, stats1.errortime_wr_req_data);
		else $display("Hint: Output '%s' has no mismatches.", "wr_req_data");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { reg_rdata_ref, irq_ref, rd_req_valid_ref, rd_req_addr_ref, wr_req_valid_ref, wr_req_addr_ref, wr_req_data_ref } === ( { reg_rdata_ref, irq_ref, rd_req_valid_ref, rd_req_addr_ref, wr_req_valid_ref, wr_req_addr_ref, wr_req_data_ref } ^ { reg_rdata_dut, irq_dut, rd_req_valid_dut, rd_req_addr_dut, wr_req_valid_dut, wr_req_addr_dut, wr_req_data_dut } ^ { reg_rdata_ref, irq_ref, rd_req_valid_ref, rd_req_addr_ref, wr_req_valid_ref, wr_req_addr_ref, wr_req_data_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (reg_rdata_ref !== ( reg_rdata_ref ^ reg_rdata_dut ^ reg_rdata_ref ))
		begin if (stats1.errors_reg_rdata == 0) stats1.errortime_reg_rdata = $time;
			stats1.errors_reg_rdata = stats1.errors_reg_rdata+1'b1; end
		if (irq_ref !== ( irq_ref ^ irq_dut ^ irq_ref ))
		begin if (stats1.errors_irq == 0) stats1.errortime_irq = $time;
			stats1.errors_irq = stats1.errors_irq+1'b1; end
		if (rd_req_valid_ref !== ( rd_req_valid_ref ^ rd_req_valid_dut ^ rd_req_valid_ref ))
		begin if (stats1.errors_rd_req_valid == 0) stats1.errortime_rd_req_valid = $time;
			stats1.errors_rd_req_valid = stats1.errors_rd_req_valid+1'b1; end
		if (rd_req_addr_ref !== ( rd_req_addr_ref ^ rd_req_addr_dut ^ rd_req_addr_ref ))
		begin if (stats1.errors_rd_req_addr == 0) stats1.errortime_rd_req_addr = $time;
			stats1.errors_rd_req_addr = stats1.errors_rd_req_addr+1'b1; end
		if (wr_req_valid_ref !== ( wr_req_valid_ref ^ wr_req_valid_dut ^ wr_req_valid_ref ))
		begin if (stats1.errors_wr_req_valid == 0) stats1.errortime_wr_req_valid = $time;
			stats1.errors_wr_req_valid = stats1.errors_wr_req_valid+1'b1; end
		if (wr_req_addr_ref !== ( wr_req_addr_ref ^ wr_req_addr_dut ^ wr_req_addr_ref ))
		begin if (stats1.errors_wr_req_addr == 0) stats1.errortime_wr_req_addr = $time;
			stats1.errors_wr_req_addr = stats1.errors_wr_req_addr+1'b1; end
		if (wr_req_data_ref !== ( wr_req_data_ref ^ wr_req_data_dut ^ wr_req_data_ref ))
		begin if (stats1.errors_wr_req_data == 0) stats1.errortime_wr_req_data = $time;
			stats1.errors_wr_req_data = stats1.errors_wr_req_data+1'b1; end
	end

	// Timeout guard.
	initial begin
		#5000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
