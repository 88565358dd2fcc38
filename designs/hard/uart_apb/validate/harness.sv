// Replays validate.py's input vectors into the reference, one line per clock cycle, and
// writes the reference's outputs of every cycle (sampled after the inputs settle, before
// the rising edge) for validate.py to compare with its model. In loopback cycles (the
// vector's last field is 1) rx is the reference's own tx.
`timescale 1 ns/1 ps
module harness;
	reg clk = 1'b0;
	reg presetn, psel, penable, pwrite, rx_line, loop;
	reg [4:0] paddr;
	reg [31:0] pwdata;
	wire [31:0] prdata;
	wire pready, pslverr, tx, irq;
	wire rx = loop ? tx : rx_line;
	integer fin, fout, n;

	uart_apb dut (.pclk(clk), .presetn(presetn), .psel(psel), .penable(penable), .pwrite(pwrite),
		.paddr(paddr), .pwdata(pwdata), .prdata(prdata), .pready(pready), .pslverr(pslverr),
		.rx(rx), .tx(tx), .irq(irq));

	initial begin
		fin = $fopen("vectors.txt", "r");
		fout = $fopen("outputs.txt", "w");
		n = $fscanf(fin, "%h %h %h %h %h %h %h %h\n", presetn, psel, penable, pwrite, paddr, pwdata, rx_line, loop);
		while (n == 8) begin
			#1;
			$fdisplay(fout, "%h %h %h %h %h", prdata, pready, pslverr, tx, irq);
			#4 clk = 1'b1;
			#5 clk = 1'b0;
			n = $fscanf(fin, "%h %h %h %h %h %h %h %h\n", presetn, psel, penable, pwrite, paddr, pwdata, rx_line, loop);
		end
		$fclose(fout);
		$finish;
	end
endmodule
