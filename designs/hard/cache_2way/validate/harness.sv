// Replays validate.py's input vectors into the reference, one line per clock cycle, and
// writes the reference's outputs of every cycle (sampled after the inputs settle, before
// the rising edge) for validate.py to compare with its model.
`timescale 1 ns/1 ps
module harness;
	reg clk = 1'b0;
	reg rst, cpu_req, cpu_we, mem_ack;
	reg [15:0] cpu_addr;
	reg [31:0] cpu_wdata;
	reg [3:0] cpu_be;
	reg [127:0] mem_rdata;
	wire cpu_ready, mem_req, mem_we;
	wire [31:0] cpu_rdata;
	wire [11:0] mem_addr;
	wire [127:0] mem_wdata;
	integer fin, fout, n;

	cache_2way dut (.clk(clk), .rst(rst), .cpu_req(cpu_req), .cpu_we(cpu_we), .cpu_addr(cpu_addr),
		.cpu_wdata(cpu_wdata), .cpu_be(cpu_be), .cpu_ready(cpu_ready), .cpu_rdata(cpu_rdata),
		.mem_req(mem_req), .mem_we(mem_we), .mem_addr(mem_addr), .mem_wdata(mem_wdata),
		.mem_ack(mem_ack), .mem_rdata(mem_rdata));

	initial begin
		fin = $fopen("vectors.txt", "r");
		fout = $fopen("outputs.txt", "w");
		n = $fscanf(fin, "%h %h %h %h %h %h %h %h\n", rst, cpu_req, cpu_we, cpu_addr, cpu_wdata, cpu_be, mem_ack, mem_rdata);
		while (n == 8) begin
			#1;
			$fdisplay(fout, "%h %h %h %h %h %h", cpu_ready, cpu_rdata, mem_req, mem_we, mem_addr, mem_wdata);
			#4 clk = 1'b1;
			#5 clk = 1'b0;
			n = $fscanf(fin, "%h %h %h %h %h %h %h %h\n", rst, cpu_req, cpu_we, cpu_addr, cpu_wdata, cpu_be, mem_ack, mem_rdata);
		end
		$fclose(fout);
		$finish;
	end
endmodule
