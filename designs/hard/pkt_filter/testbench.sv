`timescale 1 ps/1 ps

// Golden testbench for pkt_filter (VerilogEval conventions).
// Reference is instantiated as pkt_filter_ref (good1), design under test as pkt_filter (top_module1).
// The byte source advances on the reference's in_ready; both designs see the same inputs, so a DUT
// whose in_ready differs shows up as an in_ready mismatch.

module stimulus_gen (
	input clk,
	input in_ready,
	output reg rst,
	output reg in_valid,
	output reg [7:0] in_data,
	output reg in_sop,
	output reg in_eop,
	output reg out_ready,
	output reg cfg_we,
	output reg [1:0] cfg_addr,
	output reg [16:0] cfg_wdata
);
	localparam QMAX = 14000;
	// Per byte: {rst_before, cfg_we, cfg_addr[1:0], cfg_wdata[16:0], eop, sop, data[7:0]}
	reg [30:0] q [0:QMAX-1];
	integer nq = 0;
	integer seed = 41;
	integer idx = 0;
	integer i, k, n, kind, cyc;
	integer pv = 100;   // percent chance to offer a byte in a cycle
	integer po = 100;   // percent chance of out_ready in a cycle
	reg acc_last = 1'b0;
	reg rst_done = 1'b0;
	reg running = 1'b0;
	reg pend_rst = 1'b0;
	reg [7:0] b [0:63];
	reg [15:0] types [0:4];

	task automatic push(input [7:0] d, input s, input e);
		begin
			q[nq] = {pend_rst, 1'b0, 2'b00, 17'd0, e, s, d};
			pend_rst = 1'b0;
			nq = nq + 1;
		end
	endtask

	// Mark the last pushed byte to carry a rule-table write while it is offered.
	task automatic cfg_on_last(input [1:0] a, input [16:0] w);
		begin
			q[nq-1][29] = 1'b1;
			q[nq-1][28:27] = a;
			q[nq-1][26:10] = w;
		end
	endtask

	// A reset pulse just before the next pushed byte is offered.
	task automatic reset_next;
		begin
			pend_rst = 1'b1;
		end
	endtask

	function automatic [15:0] fold(input [31:0] s);
		reg [31:0] t;
		begin
			t = s;
			while (t > 32'hFFFF) t = (t & 32'hFFFF) + (t >> 16);
			fold = t[15:0];
		end
	endfunction

	// Fill b[0..n-1]: header with type and length field, random payload, checksum per mode.
	// mode 0: good checksum; 1: one byte corrupted after the checksum is set; 2: good, with the
	// checksum field 0xFFFF ("negative zero", needs even n >= 8).
	task automatic build(input [15:0] ty, input integer nn, input [15:0] lenf, input integer mode);
		reg [31:0] s;
		reg [15:0] c;
		integer j;
		begin
			b[0] = ty[15:8]; b[1] = ty[7:0]; b[2] = lenf[15:8]; b[3] = lenf[7:0];
			b[4] = 8'h00; b[5] = 8'h00;
			for (j = 6; j < nn; j = j + 1) b[j] = $random(seed);
			if (mode == 2) begin
				s = 0;
				for (j = 0; j < nn - 2; j = j + 2) s = s + {b[j], (j + 1 < nn) ? b[j+1] : 8'h00};
				c = ~fold(s);
				b[nn-2] = c[15:8]; b[nn-1] = c[7:0];
				b[4] = 8'hFF; b[5] = 8'hFF;
			end else begin
				s = 0;
				for (j = 0; j < nn; j = j + 2) s = s + {b[j], (j + 1 < nn) ? b[j+1] : 8'h00};
				c = ~fold(s);
				b[4] = c[15:8]; b[5] = c[7:0];
				if (mode == 1) begin
					j = $unsigned($random(seed)) % nn;
					b[j] = b[j] ^ (8'h01 << ($unsigned($random(seed)) % 8));
				end
			end
		end
	endtask

	// Push a built packet of nn bytes; stop_at < nn truncates it (no eop: an abort follows).
	task automatic emit(input integer nn, input integer stop_at);
		integer j;
		begin
			for (j = 0; j < nn && j < stop_at; j = j + 1) push(b[j < 64 ? j : 63], j == 0, j == nn - 1);
		end
	endtask

	task automatic pkt(input [15:0] ty, input integer nn, input integer mode);
		begin
			build(ty, nn, nn, mode);
			emit(nn, nn);
		end
	endtask

	task automatic random_packet;
		reg [15:0] ty;
		integer r;
		begin
			ty = (($unsigned($random(seed)) % 4) == 0) ? $random(seed) : types[$unsigned($random(seed)) % 5];
			n = 6 + $unsigned($random(seed)) % 27;
			r = $unsigned($random(seed)) % 100;
			if (r < 58) pkt(ty, n, 0);
			else if (r < 70) pkt(ty, n, 1);
			else if (r < 74) pkt(ty, 8 + 2 * ($unsigned($random(seed)) % 12), 2);
			else if (r < 80) begin                  // LENGTH field off by one or random
				build(ty, n, (($unsigned($random(seed)) % 3) == 0) ? $random(seed) : ((r & 1) ? n + 1 : n - 1), 0);
				emit(n, n);
			end else if (r < 84) begin              // too short
				k = 1 + $unsigned($random(seed)) % 5;
				build(ty, k < 6 ? 6 : k, k, 0);
				emit(k, k);
			end else if (r < 88) begin              // too long, LENGTH says so
				k = 33 + $unsigned($random(seed)) % 8;
				build(ty, 32, k, 0);
				for (i = 0; i < k; i = i + 1) push(i < 32 ? b[i] : $random(seed), i == 0, i == k - 1);
			end else if (r < 93) begin              // truncated: the next sop aborts it
				pkt(ty, n, 0);
				nq = nq - ($unsigned($random(seed)) % (n - 1)) - 1;
			end else if (r < 97) begin              // garbage between packets
				k = 1 + $unsigned($random(seed)) % 4;
				for (i = 0; i < k; i = i + 1) push($random(seed), 1'b0, $random(seed));
			end else pkt(ty, n, 0);
			if (($unsigned($random(seed)) % 40) == 0)
				cfg_on_last($random(seed), {($unsigned($random(seed)) % 3) != 0, types[$unsigned($random(seed)) % 5]});
		end
	endtask

	initial begin
		types[0] = 16'h0800; types[1] = 16'h86DD; types[2] = 16'h0806; types[3] = 16'h88CC; types[4] = 16'hFFFF;
		// --- directed packets ---
		pkt(16'h0800, 6, 0);                          // minimum size, accepted
		pkt(16'h0800, 32, 0);                         // maximum size
		pkt(16'h1234, 7, 0);                          // odd length: pad byte is the low byte
		pkt(16'h86DD, 31, 0);
		pkt(16'h0800, 12, 2);                         // checksum field 0xFFFF, still good
		pkt(16'h0800, 20, 1);                         // bad checksum
		build(16'h0800, 10, 11, 0); emit(10, 10);     // LENGTH one too big
		build(16'h0800, 10, 9, 0); emit(10, 10);      // LENGTH one too small
		build(16'h0800, 6, 3, 0); emit(3, 3);         // 3-byte packet
		push(8'hAA, 1'b1, 1'b1);                      // one-byte packet
		build(16'h0800, 32, 36, 0);                   // 36 bytes, LENGTH 36: too long
		for (i = 0; i < 36; i = i + 1) push(i < 32 ? b[i] : 8'h5A, i == 0, i == 35);
		push(8'h11, 1'b0, 1'b0); push(8'h22, 1'b0, 1'b1);   // bytes between packets
		pkt(16'h0806, 9, 0);
		nq = nq - 4;                                  // truncated: aborted by the next sop
		pkt(16'h0806, 9, 0);
		nq = nq - 2;
		push(8'h77, 1'b1, 1'b1);                      // sop+eop inside a packet: malformed + 2
		pkt(16'h0806, 8, 0);
		// rule table: enable a drop of 0x0800, written while the last byte of a 0x0800 packet is offered
		pkt(16'h0800, 10, 0);
		cfg_on_last(2'd1, {1'b1, 16'h0800});          // not yet active for this packet
		pkt(16'h0800, 10, 0);                         // dropped
		pkt(16'h0800, 11, 1);                         // dropped wins over bad checksum
		build(16'h0800, 10, 12, 0); emit(10, 10);     // malformed wins over dropped
		pkt(16'h0801, 10, 0);                         // other type passes
		pkt(16'h0800, 10, 0);
		cfg_on_last(2'd1, {1'b0, 16'h0800});          // disable at the last byte: still dropped
		pkt(16'h0800, 10, 0);                         // accepted again
		pkt(16'h0806, 14, 0);
		cfg_on_last(2'd3, {1'b1, 16'h0806});
		pkt(16'h0806, 14, 0);                         // dropped by entry 3
		pkt(16'h0806, 14, 0);
		cfg_on_last(2'd3, {1'b1, 16'h0807});
		pkt(16'h0806, 14, 0);
		// reset in the middle of a packet, then the rest of it arrives without sop
		pkt(16'h0800, 16, 0);
		nq = nq - 8;
		reset_next;
		for (i = 8; i < 16; i = i + 1) push(b[i], 1'b0, i == 15);
		pkt(16'h0800, 16, 0);
		// --- random packets ---
		for (k = 0; nq < QMAX - 100; k = k + 1) begin
			random_packet;
			if (($unsigned($random(seed)) % 300) == 0) reset_next;
		end
	end

	always @(posedge clk) acc_last <= !rst && in_valid && in_ready;
	always @(posedge clk) if (!rst && in_valid && in_ready) idx <= idx + 1;

	always @(negedge clk) if (running) begin
		cyc = cyc + 1;
		// phases: offer rate and output backpressure change every 400 cycles
		case ((cyc / 400) % 8)
			0: begin pv = 100; po = 100; end
			1: begin pv = 100; po = 60; end
			2: begin pv = 70; po = 0; end      // output stalled: the FIFO fills up
			3: begin pv = 50; po = 90; end
			4: begin pv = 100; po = 30; end
			5: begin pv = 90; po = 100; end
			6: begin pv = 100; po = 5; end
			default: begin pv = 60; po = 70; end
		endcase
		out_ready <= ($unsigned($random(seed)) % 100) < po;
		cfg_we <= 1'b0;
		if (idx < nq && q[idx][30] && !rst_done) begin
			rst <= 1'b1; rst_done = 1'b1;
			in_valid <= 1'b0;
		end else begin
			rst <= 1'b0;
			if (idx < nq && !(q[idx][30] && !rst_done)) begin
				if (in_valid && !acc_last) in_valid <= 1'b1;
				else in_valid <= ($unsigned($random(seed)) % 100) < pv;
				in_data <= q[idx][7:0];
				in_sop <= q[idx][8];
				in_eop <= q[idx][9];
				cfg_we <= q[idx][29];
				cfg_addr <= q[idx][28:27];
				cfg_wdata <= q[idx][26:10];
			end else begin
				in_valid <= 1'b0;
				in_data <= $random(seed); in_sop <= $random(seed); in_eop <= $random(seed);
			end
		end
		if (acc_last) rst_done = 1'b0;
	end

	initial begin
		rst = 1'b1; in_valid = 1'b0; in_data = 8'h00; in_sop = 1'b0; in_eop = 1'b0;
		out_ready = 1'b1; cfg_we = 1'b0; cfg_addr = 2'd0; cfg_wdata = 17'd0; cyc = 0;
		repeat (3) @(negedge clk);
		rst = 1'b0;
		running = 1'b1;
		wait (idx >= nq);
		repeat (300) @(negedge clk);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_in_ready;
		int errortime_in_ready;
		int errors_out_valid;
		int errortime_out_valid;
		int errors_out_data;
		int errortime_out_data;
		int errors_out_sop;
		int errortime_out_sop;
		int errors_out_eop;
		int errortime_out_eop;
		int errors_cnt_accepted;
		int errortime_cnt_accepted;
		int errors_cnt_dropped;
		int errortime_cnt_dropped;
		int errors_cnt_bad_csum;
		int errortime_cnt_bad_csum;
		int errors_cnt_malformed;
		int errortime_cnt_malformed;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic in_valid;
	logic [7:0] in_data;
	logic in_sop;
	logic in_eop;
	logic out_ready;
	logic cfg_we;
	logic [1:0] cfg_addr;
	logic [16:0] cfg_wdata;
	logic in_ready_ref;
	logic in_ready_dut;
	logic out_valid_ref;
	logic out_valid_dut;
	logic [7:0] out_data_ref;
	logic [7:0] out_data_dut;
	logic out_sop_ref;
	logic out_sop_dut;
	logic out_eop_ref;
	logic out_eop_dut;
	logic [15:0] cnt_accepted_ref;
	logic [15:0] cnt_accepted_dut;
	logic [15:0] cnt_dropped_ref;
	logic [15:0] cnt_dropped_dut;
	logic [15:0] cnt_bad_csum_ref;
	logic [15:0] cnt_bad_csum_dut;
	logic [15:0] cnt_malformed_ref;
	logic [15:0] cnt_malformed_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, in_valid, in_data, in_sop, in_eop, out_ready, cfg_we, cfg_addr, cfg_wdata,
			in_ready_ref, out_valid_ref, out_data_ref, out_sop_ref, out_eop_ref, cnt_accepted_ref, cnt_dropped_ref, cnt_bad_csum_ref, cnt_malformed_ref,
			in_ready_dut, out_valid_dut, out_data_dut, out_sop_dut, out_eop_dut, cnt_accepted_dut, cnt_dropped_dut, cnt_bad_csum_dut, cnt_malformed_dut,
			tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .in_ready(in_ready_ref), .rst(rst), .in_valid(in_valid), .in_data(in_data), .in_sop(in_sop),
		.in_eop(in_eop), .out_ready(out_ready), .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata));

	pkt_filter_ref good1 (.clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready_ref), .in_data(in_data), .in_sop(in_sop),
		.in_eop(in_eop), .out_valid(out_valid_ref), .out_ready(out_ready), .out_data(out_data_ref), .out_sop(out_sop_ref),
		.out_eop(out_eop_ref), .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata), .cnt_accepted(cnt_accepted_ref),
		.cnt_dropped(cnt_dropped_ref), .cnt_bad_csum(cnt_bad_csum_ref), .cnt_malformed(cnt_malformed_ref));

	pkt_filter top_module1 (.clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready_dut), .in_data(in_data), .in_sop(in_sop),
		.in_eop(in_eop), .out_valid(out_valid_dut), .out_ready(out_ready), .out_data(out_data_dut), .out_sop(out_sop_dut),
		.out_eop(out_eop_dut), .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata), .cnt_accepted(cnt_accepted_dut),
		.cnt_dropped(cnt_dropped_dut), .cnt_bad_csum(cnt_bad_csum_dut), .cnt_malformed(cnt_malformed_dut));

	final begin
		if (stats1.errors_in_ready) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "in_ready", stats1.errors_in_ready, stats1.errortime_in_ready);
		else $display("Hint: Output '%s' has no mismatches.", "in_ready");
		if (stats1.errors_out_valid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out_valid", stats1.errors_out_valid, stats1.errortime_out_valid);
		else $display("Hint: Output '%s' has no mismatches.", "out_valid");
		if (stats1.errors_out_data) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out_data", stats1.errors_out_data, stats1.errortime_out_data);
		else $display("Hint: Output '%s' has no mismatches.", "out_data");
		if (stats1.errors_out_sop) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out_sop", stats1.errors_out_sop, stats1.errortime_out_sop);
		else $display("Hint: Output '%s' has no mismatches.", "out_sop");
		if (stats1.errors_out_eop) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "out_eop", stats1.errors_out_eop, stats1.errortime_out_eop);
		else $display("Hint: Output '%s' has no mismatches.", "out_eop");
		if (stats1.errors_cnt_accepted) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cnt_accepted", stats1.errors_cnt_accepted, stats1.errortime_cnt_accepted);
		else $display("Hint: Output '%s' has no mismatches.", "cnt_accepted");
		if (stats1.errors_cnt_dropped) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cnt_dropped", stats1.errors_cnt_dropped, stats1.errortime_cnt_dropped);
		else $display("Hint: Output '%s' has no mismatches.", "cnt_dropped");
		if (stats1.errors_cnt_bad_csum) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cnt_bad_csum", stats1.errors_cnt_bad_csum, stats1.errortime_cnt_bad_csum);
		else $display("Hint: Output '%s' has no mismatches.", "cnt_bad_csum");
		if (stats1.errors_cnt_malformed) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cnt_malformed", stats1.errors_cnt_malformed, stats1.errortime_cnt_malformed);
		else $display("Hint: Output '%s' has no mismatches.", "cnt_malformed");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { in_ready_ref, out_valid_ref, out_data_ref, out_sop_ref, out_eop_ref, cnt_accepted_ref, cnt_dropped_ref, cnt_bad_csum_ref, cnt_malformed_ref } === ( { in_ready_ref, out_valid_ref, out_data_ref, out_sop_ref, out_eop_ref, cnt_accepted_ref, cnt_dropped_ref, cnt_bad_csum_ref, cnt_malformed_ref } ^ { in_ready_dut, out_valid_dut, out_data_dut, out_sop_dut, out_eop_dut, cnt_accepted_dut, cnt_dropped_dut, cnt_bad_csum_dut, cnt_malformed_dut } ^ { in_ready_ref, out_valid_ref, out_data_ref, out_sop_ref, out_eop_ref, cnt_accepted_ref, cnt_dropped_ref, cnt_bad_csum_ref, cnt_malformed_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (in_ready_ref !== ( in_ready_ref ^ in_ready_dut ^ in_ready_ref ))
		begin if (stats1.errors_in_ready == 0) stats1.errortime_in_ready = $time;
			stats1.errors_in_ready = stats1.errors_in_ready+1'b1; end
		if (out_valid_ref !== ( out_valid_ref ^ out_valid_dut ^ out_valid_ref ))
		begin if (stats1.errors_out_valid == 0) stats1.errortime_out_valid = $time;
			stats1.errors_out_valid = stats1.errors_out_valid+1'b1; end
		if (out_data_ref !== ( out_data_ref ^ out_data_dut ^ out_data_ref ))
		begin if (stats1.errors_out_data == 0) stats1.errortime_out_data = $time;
			stats1.errors_out_data = stats1.errors_out_data+1'b1; end
		if (out_sop_ref !== ( out_sop_ref ^ out_sop_dut ^ out_sop_ref ))
		begin if (stats1.errors_out_sop == 0) stats1.errortime_out_sop = $time;
			stats1.errors_out_sop = stats1.errors_out_sop+1'b1; end
		if (out_eop_ref !== ( out_eop_ref ^ out_eop_dut ^ out_eop_ref ))
		begin if (stats1.errors_out_eop == 0) stats1.errortime_out_eop = $time;
			stats1.errors_out_eop = stats1.errors_out_eop+1'b1; end
		if (cnt_accepted_ref !== ( cnt_accepted_ref ^ cnt_accepted_dut ^ cnt_accepted_ref ))
		begin if (stats1.errors_cnt_accepted == 0) stats1.errortime_cnt_accepted = $time;
			stats1.errors_cnt_accepted = stats1.errors_cnt_accepted+1'b1; end
		if (cnt_dropped_ref !== ( cnt_dropped_ref ^ cnt_dropped_dut ^ cnt_dropped_ref ))
		begin if (stats1.errors_cnt_dropped == 0) stats1.errortime_cnt_dropped = $time;
			stats1.errors_cnt_dropped = stats1.errors_cnt_dropped+1'b1; end
		if (cnt_bad_csum_ref !== ( cnt_bad_csum_ref ^ cnt_bad_csum_dut ^ cnt_bad_csum_ref ))
		begin if (stats1.errors_cnt_bad_csum == 0) stats1.errortime_cnt_bad_csum = $time;
			stats1.errors_cnt_bad_csum = stats1.errors_cnt_bad_csum+1'b1; end
		if (cnt_malformed_ref !== ( cnt_malformed_ref ^ cnt_malformed_dut ^ cnt_malformed_ref ))
		begin if (stats1.errors_cnt_malformed == 0) stats1.errortime_cnt_malformed = $time;
			stats1.errors_cnt_malformed = stats1.errors_cnt_malformed+1'b1; end
	end

	// Timeout guard.
	initial begin
		#5000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
