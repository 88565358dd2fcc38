`timescale 1 ps/1 ps

// Golden testbench for cache_2way (VerilogEval conventions).
// Reference is instantiated as cache_2way_ref (good1), design under test as cache_2way (top_module1).
// Each cache talks to its own copy of the memory model (tb_mem, fixed latency 4), so a design whose
// memory traffic differs diverges; the CPU follows the reference's cpu_ready.

// Line-wide memory with a fixed latency: mem_ack is 1 in the 4th cycle of a request
// (the 4th consecutive cycle of mem_req, counted from the last ack), and the access completes at
// the rising edge that ends that cycle (a write is stored at that edge).
module tb_mem (
	input clk,
	input req,
	input we,
	input [11:0] addr,
	input [127:0] wdata,
	output ack,
	output [127:0] rdata
);
	reg [127:0] mem [0:4095];
	reg [1:0] cnt = 2'd0;
	integer i;
	initial for (i = 0; i < 4096; i = i + 1)
		mem[i] = {i[11:0] * 20'h9E37, 12'hA5C ^ i[11:0], ~i[15:0] * 16'h3B, i[7:0] * 8'h2F, 16'h1234 + i[15:0] * 16'h77, 44'hF0E1D2C3B4A ^ {i[11:0], i[11:0], i[11:0], i[7:0]}};
	assign ack = req && cnt == 2'd3;
	// Outside the ack cycle the data bus carries garbage a design must not capture.
	assign rdata = ack ? mem[addr] : {4{32'hBAD0_F00D}} ^ {addr, addr, addr, addr, 80'd0};
	always @(posedge clk) begin
		if (req) begin
			if (cnt == 2'd3) begin
				cnt <= 2'd0;
				if (we) mem[addr] <= wdata;
			end else cnt <= cnt + 2'd1;
		end else cnt <= 2'd0;
	end
endmodule

module stimulus_gen (
	input clk,
	input cpu_ready,
	output reg rst,
	output reg cpu_req,
	output reg cpu_we,
	output reg [15:0] cpu_addr,
	output reg [31:0] cpu_wdata,
	output reg [3:0] cpu_be
);
	integer i, k;
	integer seed = 2024;
	reg [8:0] tags [0:3];

	// One CPU access: present it at a falling edge, hold it until the reference answers.
	task access(input we, input [15:0] addr, input [31:0] wdata, input [3:0] be, input integer gap);
		begin
			cpu_req <= 1'b1; cpu_we <= we; cpu_addr <= addr; cpu_wdata <= wdata; cpu_be <= be;
			@(posedge clk);
			while (!cpu_ready) @(posedge clk);
			@(negedge clk);
			cpu_req <= 1'b0; cpu_we <= 1'b0; cpu_addr <= 16'h0; cpu_wdata <= 32'h0; cpu_be <= 4'h0;
			repeat (gap) @(negedge clk);
		end
	endtask

	// A random access with locality: one of 4 tags (changed now and then), any set, any word.
	task random_access;
		reg [15:0] a;
		begin
			if (($random(seed) & 63) == 0) tags[$unsigned($random(seed)) % 4] = $random(seed);
			a = {tags[$unsigned($random(seed)) % 4], $random(seed)} & 16'hFFFC;
			if (($random(seed) & 7) == 0) a[6:4] = 3'd5;  // a hot set: evictions of dirty lines
			access(($random(seed) & 3) == 0 || ($random(seed) & 3) == 1, a, $random(seed),
			       (($random(seed) & 7) == 0) ? 4'hF : $random(seed),
			       (($random(seed) & 3) == 0) ? ($unsigned($random(seed)) % 4) : 0);
		end
	endtask

	initial begin
		rst = 1'b1; cpu_req = 1'b0; cpu_we = 1'b0; cpu_addr = 16'h0; cpu_wdata = 32'h0; cpu_be = 4'h0;
		tags[0] = 9'h011; tags[1] = 9'h0A2; tags[2] = 9'h133; tags[3] = 9'h1C4;
		repeat (3) @(negedge clk);
		rst <= 1'b0;
		@(negedge clk);
		// Set 2, both ways invalid: way 0 first, then way 1; read hits on both.
		access(1'b0, 16'h0124, 32'h0, 4'h0, 0);        // miss, fills way 0 (clean)
		access(1'b0, 16'h0128, 32'h0, 4'h0, 1);        // hit
		access(1'b0, 16'h8a20, 32'h0, 4'h0, 0);        // miss, fills way 1
		access(1'b0, 16'h012C, 32'h0, 4'h0, 0);        // hit way 0 -> way 1 is LRU
		access(1'b0, 16'hF420, 32'h0, 4'h0, 2);        // miss, evicts way 1 (clean: no write-back)
		// Writes: byte enables, a write with no byte enabled, write miss allocates.
		access(1'b1, 16'h0124, 32'hDEADBEEF, 4'b0101, 0);
		access(1'b0, 16'h0124, 32'h0, 4'h0, 0);
		access(1'b1, 16'h0120, 32'hCAFEF00D, 4'b0000, 0); // dirty without changing data
		access(1'b1, 16'h3330, 32'h01234567, 4'b1111, 0); // write miss in set 3
		access(1'b0, 16'h3330, 32'h0, 4'h0, 0);
		// Both ways of set 2 dirty, then a third tag: write-back of the LRU way, then refill.
		access(1'b1, 16'hF42C, 32'h89ABCDEF, 4'b1000, 0);
		access(1'b0, 16'h0120, 32'h0, 4'h0, 0);        // way 0 MRU
		access(1'b0, 16'h7720, 32'h0, 4'h0, 0);        // evicts dirty way 1 (tag of 0xF42C)
		access(1'b0, 16'hF42C, 32'h0, 4'h0, 0);        // evicts dirty way 0; reads back the written byte
		access(1'b0, 16'h0124, 32'h0, 4'h0, 0);        // evicts way 1 (0x7720, clean)
		// Reset in the middle of a write-back: the access is abandoned.
		access(1'b1, 16'h5524, 32'h11111111, 4'hF, 0);
		access(1'b1, 16'h0128, 32'h22222222, 4'h3, 0);  // both ways of set 2 dirty, 0x5524's is LRU
		cpu_req <= 1'b1; cpu_we <= 1'b0; cpu_addr <= 16'h6620;
		repeat (3) @(negedge clk);
		rst <= 1'b1; cpu_req <= 1'b0;
		@(negedge clk);
		rst <= 1'b0;
		@(negedge clk);
		access(1'b0, 16'h5524, 32'h0, 4'h0, 0);        // the cache is empty again: miss
		access(1'b0, 16'h0124, 32'h0, 4'h0, 0);
		// Random traffic with locality.
		for (i = 0; i < 2500; i = i + 1) begin
			random_access;
			if (($random(seed) % 600) == 0) begin
				cpu_req <= 1'b1; cpu_we <= $random(seed); cpu_addr <= $random(seed) & 16'hFFFC; cpu_be <= 4'hF;
				repeat ($unsigned($random(seed)) % 8) @(negedge clk);
				rst <= 1'b1; cpu_req <= 1'b0;
				@(negedge clk);
				rst <= 1'b0;
				@(negedge clk);
			end
		end
		repeat (3) @(negedge clk);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_cpu_ready;
		int errortime_cpu_ready;
		int errors_cpu_rdata;
		int errortime_cpu_rdata;
		int errors_mem_req;
		int errortime_mem_req;
		int errors_mem_we;
		int errortime_mem_we;
		int errors_mem_addr;
		int errortime_mem_addr;
		int errors_mem_wdata;
		int errortime_mem_wdata;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic cpu_req;
	logic cpu_we;
	logic [15:0] cpu_addr;
	logic [31:0] cpu_wdata;
	logic [3:0] cpu_be;
	logic cpu_ready_ref;
	logic cpu_ready_dut;
	logic [31:0] cpu_rdata_ref;
	logic [31:0] cpu_rdata_dut;
	logic mem_req_ref;
	logic mem_req_dut;
	logic mem_we_ref;
	logic mem_we_dut;
	logic [11:0] mem_addr_ref;
	logic [11:0] mem_addr_dut;
	logic [127:0] mem_wdata_ref;
	logic [127:0] mem_wdata_dut;
	logic mem_ack_ref;
	logic mem_ack_dut;
	logic [127:0] mem_rdata_ref;
	logic [127:0] mem_rdata_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, cpu_req, cpu_we, cpu_addr, cpu_wdata, cpu_be, cpu_ready_ref, cpu_rdata_ref, mem_req_ref, mem_we_ref, mem_addr_ref, mem_wdata_ref, cpu_ready_dut, cpu_rdata_dut, mem_req_dut, mem_we_dut, mem_addr_dut, mem_wdata_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .cpu_ready(cpu_ready_ref), .rst(rst), .cpu_req(cpu_req), .cpu_we(cpu_we),
		.cpu_addr(cpu_addr), .cpu_wdata(cpu_wdata), .cpu_be(cpu_be));

	tb_mem mem_ref (.clk(clk), .req(mem_req_ref), .we(mem_we_ref), .addr(mem_addr_ref), .wdata(mem_wdata_ref),
		.ack(mem_ack_ref), .rdata(mem_rdata_ref));

	tb_mem mem_dut (.clk(clk), .req(mem_req_dut), .we(mem_we_dut), .addr(mem_addr_dut), .wdata(mem_wdata_dut),
		.ack(mem_ack_dut), .rdata(mem_rdata_dut));

	cache_2way_ref good1 (.clk(clk), .rst(rst), .cpu_req(cpu_req), .cpu_we(cpu_we), .cpu_addr(cpu_addr),
		.cpu_wdata(cpu_wdata), .cpu_be(cpu_be), .cpu_ready(cpu_ready_ref), .cpu_rdata(cpu_rdata_ref),
		.mem_req(mem_req_ref), .mem_we(mem_we_ref), .mem_addr(mem_addr_ref), .mem_wdata(mem_wdata_ref),
		.mem_ack(mem_ack_ref), .mem_rdata(mem_rdata_ref));

	cache_2way top_module1 (.clk(clk), .rst(rst), .cpu_req(cpu_req), .cpu_we(cpu_we), .cpu_addr(cpu_addr),
		.cpu_wdata(cpu_wdata), .cpu_be(cpu_be), .cpu_ready(cpu_ready_dut), .cpu_rdata(cpu_rdata_dut),
		.mem_req(mem_req_dut), .mem_we(mem_we_dut), .mem_addr(mem_addr_dut), .mem_wdata(mem_wdata_dut),
		.mem_ack(mem_ack_dut), .mem_rdata(mem_rdata_dut));

	final begin
		if (stats1.errors_cpu_ready) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cpu_ready", stats1.errors_cpu_ready, stats1.errortime_cpu_ready);
		else $display("Hint: Output '%s' has no mismatches.", "cpu_ready");
		if (stats1.errors_cpu_rdata) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cpu_rdata", stats1.errors_cpu_rdata, stats1.errortime_cpu_rdata);
		else $display("Hint: Output '%s' has no mismatches.", "cpu_rdata");
		if (stats1.errors_mem_req) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "mem_req", stats1.errors_mem_req, stats1.errortime_mem_req);
		else $display("Hint: Output '%s' has no mismatches.", "mem_req");
		if (stats1.errors_mem_we) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "mem_we", stats1.errors_mem_we, stats1.errortime_mem_we);
		else $display("Hint: Output '%s' has no mismatches.", "mem_we");
		if (stats1.errors_mem_addr) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "mem_addr", stats1.errors_mem_addr, stats1.errortime_mem_addr);
		else $display("Hint: Output '%s' has no mismatches.", "mem_addr");
		if (stats1.errors_mem_wdata) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "mem_wdata", stats1.errors_mem_wdata, stats1.errortime_mem_wdata);
		else $display("Hint: Output '%s' has no mismatches.", "mem_wdata");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { cpu_ready_ref, cpu_rdata_ref, mem_req_ref, mem_we_ref, mem_addr_ref, mem_wdata_ref } === ( { cpu_ready_ref, cpu_rdata_ref, mem_req_ref, mem_we_ref, mem_addr_ref, mem_wdata_ref } ^ { cpu_ready_dut, cpu_rdata_dut, mem_req_dut, mem_we_dut, mem_addr_dut, mem_wdata_dut } ^ { cpu_ready_ref, cpu_rdata_ref, mem_req_ref, mem_we_ref, mem_addr_ref, mem_wdata_ref } ) );

	// Outputs are defined from the first reset edge on: compare only after it (the sample taken at
	// that edge itself shows the state before any reset).
	reg reset_done = 1'b0;
	always @(posedge clk) if (rst) reset_done <= 1'b1;

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (reset_done) begin
			if (!tb_match) begin
				if (stats1.errors == 0) stats1.errortime = $time;
				stats1.errors++;
			end
			if (cpu_ready_ref !== ( cpu_ready_ref ^ cpu_ready_dut ^ cpu_ready_ref ))
			begin if (stats1.errors_cpu_ready == 0) stats1.errortime_cpu_ready = $time;
				stats1.errors_cpu_ready = stats1.errors_cpu_ready+1'b1; end
			if (cpu_rdata_ref !== ( cpu_rdata_ref ^ cpu_rdata_dut ^ cpu_rdata_ref ))
			begin if (stats1.errors_cpu_rdata == 0) stats1.errortime_cpu_rdata = $time;
				stats1.errors_cpu_rdata = stats1.errors_cpu_rdata+1'b1; end
			if (mem_req_ref !== ( mem_req_ref ^ mem_req_dut ^ mem_req_ref ))
			begin if (stats1.errors_mem_req == 0) stats1.errortime_mem_req = $time;
				stats1.errors_mem_req = stats1.errors_mem_req+1'b1; end
			if (mem_we_ref !== ( mem_we_ref ^ mem_we_dut ^ mem_we_ref ))
			begin if (stats1.errors_mem_we == 0) stats1.errortime_mem_we = $time;
				stats1.errors_mem_we = stats1.errors_mem_we+1'b1; end
			if (mem_addr_ref !== ( mem_addr_ref ^ mem_addr_dut ^ mem_addr_ref ))
			begin if (stats1.errors_mem_addr == 0) stats1.errortime_mem_addr = $time;
				stats1.errors_mem_addr = stats1.errors_mem_addr+1'b1; end
			if (mem_wdata_ref !== ( mem_wdata_ref ^ mem_wdata_dut ^ mem_wdata_ref ))
			begin if (stats1.errors_mem_wdata == 0) stats1.errortime_mem_wdata = $time;
				stats1.errors_mem_wdata = stats1.errors_mem_wdata+1'b1; end
		end
	end

	// Timeout guard.
	initial begin
		#5000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
