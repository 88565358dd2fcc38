`timescale 1 ps/1 ps
// Validation harness: drives the reference pkt_filter from vector files, dumps every output every cycle.
// bytes.hex: one {eop, sop, data[7:0]} per line; cycles.hex: one
// {rst, offer, out_ready, cfg_we, cfg_addr[1:0], cfg_wdata[16:0]} per line.
module harness;
	parameter NBYTES = 1;
	parameter NCYC = 1;
	reg [9:0] bytes [0:NBYTES-1];
	reg [22:0] cyc [0:NCYC-1];
	reg clk = 0;
	reg rst, in_valid, in_sop, in_eop, out_ready, cfg_we;
	reg [7:0] in_data;
	reg [1:0] cfg_addr;
	reg [16:0] cfg_wdata;
	wire in_ready, out_valid, out_sop, out_eop;
	wire [7:0] out_data;
	wire [15:0] c_acc, c_drop, c_bad, c_mal;
	integer c, idx, fd;
	reg acc_last;

	pkt_filter dut (.clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
		.in_sop(in_sop), .in_eop(in_eop), .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data),
		.out_sop(out_sop), .out_eop(out_eop), .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata),
		.cnt_accepted(c_acc), .cnt_dropped(c_drop), .cnt_bad_csum(c_bad), .cnt_malformed(c_mal));

	initial begin
		$readmemh("bytes.hex", bytes);
		$readmemh("cycles.hex", cyc);
		fd = $fopen("out.txt", "w");
		idx = 0; in_valid = 0; acc_last = 0;
		for (c = 0; c < NCYC; c = c + 1) begin
			{rst, in_valid, out_ready, cfg_we, cfg_addr, cfg_wdata} = {cyc[c][22], (in_valid && !acc_last) || cyc[c][21], cyc[c][20:0]};
			if (idx >= NBYTES) in_valid = 0;
			{in_eop, in_sop, in_data} = (idx < NBYTES) ? bytes[idx] : 10'd0;
			#1;
			$fdisplay(fd, "%h %h %h %h %h %h %h %h %h", in_ready, out_valid, out_data, out_sop, out_eop, c_acc, c_drop, c_bad, c_mal);
			acc_last = in_valid && in_ready && !rst;
			#4 clk = 1;
			if (acc_last) idx = idx + 1;
			#5 clk = 0;
		end
		$fclose(fd);
		$finish;
	end
endmodule
