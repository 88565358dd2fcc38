`timescale 1 ps/1 ps
// Validation harness: the reference dma_engine with a behavioural memory whose handshakes, latencies and
// stray response pulses come from a per-cycle vector file; every output is dumped every cycle, and the
// memory at the end.
// mem.hex: 4096 initial words. vec.hex, one 128-bit word per cycle:
// [127] rst [126] reg_we [125:123] reg_addr [122] rd_ready [121] wr_ready [120] rd_spur [119] wr_spur
// [118] bd_we [117:114] rd_lat [113:110] wr_lat [109:98] bd_idx  [95:64] reg_wdata [63:32] bd_data
// [31:0] stray read data (on rd_resp_data when no response is due)
module harness;
	parameter NCYC = 1;
	reg [127:0] vec [0:NCYC-1];
	reg [31:0] mem [0:4095];
	reg clk = 0;
	reg rst, reg_we, rd_req_ready, rd_resp_valid, wr_req_ready, wr_resp_valid;
	reg [2:0] reg_addr;
	reg [31:0] reg_wdata, rd_resp_data;
	wire [31:0] reg_rdata, rd_req_addr, wr_req_addr, wr_req_data;
	wire irq, rd_req_valid, wr_req_valid;
	reg [127:0] v;
	reg rd_out, wr_out, rd_fire, wr_fire;
	reg [31:0] rd_buf, fire_addr, fire_data;
	integer c, rd_cnt, wr_cnt, fd;

	dma_engine dut (.clk(clk), .rst(rst), .reg_we(reg_we), .reg_addr(reg_addr), .reg_wdata(reg_wdata),
		.reg_rdata(reg_rdata), .irq(irq), .rd_req_valid(rd_req_valid), .rd_req_ready(rd_req_ready),
		.rd_req_addr(rd_req_addr), .rd_resp_valid(rd_resp_valid), .rd_resp_data(rd_resp_data),
		.wr_req_valid(wr_req_valid), .wr_req_ready(wr_req_ready), .wr_req_addr(wr_req_addr),
		.wr_req_data(wr_req_data), .wr_resp_valid(wr_resp_valid));

	initial begin
		$readmemh("vec.hex", vec);
		$readmemh("mem.hex", mem);
		fd = $fopen("out.txt", "w");
		rd_out = 0; wr_out = 0; rd_cnt = 0; wr_cnt = 0;
		for (c = 0; c < NCYC; c = c + 1) begin
			v = vec[c];
			rst = v[127]; reg_we = v[126]; reg_addr = v[125:123]; reg_wdata = v[95:64];
			rd_req_ready = v[122]; wr_req_ready = v[121];
			rd_resp_valid = 0; rd_resp_data = v[31:0];
			if (rd_out) begin
				if (rd_cnt == 0) begin rd_resp_valid = 1; rd_resp_data = rd_buf; rd_out = 0; end
				else rd_cnt = rd_cnt - 1;
			end else rd_resp_valid = v[120];
			wr_resp_valid = 0;
			if (wr_out) begin
				if (wr_cnt == 0) begin wr_resp_valid = 1; wr_out = 0; end
				else wr_cnt = wr_cnt - 1;
			end else wr_resp_valid = v[119];
			#1;
			$fdisplay(fd, "%h %h %h %h %h %h %h", reg_rdata, irq, rd_req_valid, rd_req_addr, wr_req_valid, wr_req_addr, wr_req_data);
			rd_fire = rd_req_valid && rd_req_ready;
			wr_fire = wr_req_valid && wr_req_ready;
			fire_addr = rd_fire ? rd_req_addr : wr_req_addr;
			fire_data = wr_req_data;
			#4 clk = 1;
			if (v[118]) mem[v[109:98]] = v[63:32];
			if (wr_fire) begin mem[fire_addr[13:2]] = fire_data; wr_out = 1; wr_cnt = v[113:110]; end
			if (rd_fire) begin rd_buf = mem[fire_addr[13:2]]; rd_out = 1; rd_cnt = v[117:114]; end
			#5 clk = 0;
		end
		$fclose(fd);
		$writememh("mem_out.hex", mem);
		$finish;
	end
endmodule
