`timescale 1 ps/1 ps

// Golden testbench for uart_apb (VerilogEval conventions).
// Reference is instantiated as uart_apb_ref (good1), design under test as uart_apb (top_module1).
// An APB master (following the reference's pready) and a serial line model drive both designs
// with the same inputs; rx is either the line model or, in loopback phases, the reference's tx.

module stimulus_gen (
	input clk,
	input pready,
	input tx_loop,
	output reg presetn,
	output reg psel,
	output reg penable,
	output reg pwrite,
	output reg [4:0] paddr,
	output reg [31:0] pwdata,
	output rx
);
	integer seed = 77;
	integer line_seed = 5;
	integer i, k;
	// What the line model knows of the UART's configuration (the master keeps it up to date).
	integer line_div = 1;
	reg line_pen = 1'b0;
	reg line_podd = 1'b0;
	// 0 idle, 1 good frames, 2 frames with errors, glitches and breaks, 3 loopback (rx = tx),
	// 4 the master's directed frames (the line process keeps its hands off rx_line)
	integer line_mode = 0;
	reg rx_line = 1'b1;
	assign rx = (line_mode == 3) ? tx_loop : rx_line;

	localparam DATA = 5'h00, STATUS = 5'h04, CTRL = 5'h08, DIV = 5'h0C, IER = 5'h10, ISR = 5'h14;

	// Junk on the bus while psel is 0: the slave must ignore it.
	task bus_idle;
		begin
			psel <= 1'b0; penable <= $random(seed); pwrite <= $random(seed);
			paddr <= $random(seed); pwdata <= $random(seed);
		end
	endtask

	// One APB transfer, then `gap` idle cycles (gap 0: the next transfer's setup follows at once,
	// so the caller must start one).
	task apb(input wr, input [4:0] addr, input [31:0] data, input integer gap);
		begin
			psel <= 1'b1; penable <= 1'b0; pwrite <= wr; paddr <= addr; pwdata <= data;
			if (wr && addr[4:2] == 3'd3) line_div = data[15:0];
			if (wr && addr[4:2] == 3'd2) begin line_pen = data[2]; line_podd = data[3]; end
			@(negedge clk);
			penable <= 1'b1;
			@(posedge clk);
			while (!pready) @(posedge clk);
			@(negedge clk);
			if (gap > 0) begin
				bus_idle;
				repeat (gap) begin
					@(negedge clk);
					bus_idle;
				end
			end
		end
	endtask

	task wr(input [4:0] addr, input [31:0] data); apb(1'b1, addr, data, 1); endtask
	task rd(input [4:0] addr); apb(1'b0, addr, $random(seed), 1); endtask
	task wait_cycles(input integer n); repeat (n) @(negedge clk); endtask

	// A random transfer: mostly data and status traffic, sometimes configuration and errors.
	task random_transfer(input integer gap);
		integer roll;
		reg [31:0] d;
		begin
			roll = $unsigned($random(seed)) % 100;
			d = $random(seed);
			if (roll < 18) apb(1'b1, DATA | ($random(seed) & 3), d, gap);
			else if (roll < 40) apb(1'b0, DATA, d, gap);
			else if (roll < 60) apb(1'b0, STATUS, d, gap);
			else if (roll < 66) apb(1'b1, STATUS, d, gap);
			else if (roll < 72) apb(1'b1, CTRL, ($random(seed) & 1) ? (d | 3) : d, gap);
			else if (roll < 75) apb(1'b1, DIV, {d[31:16], 14'd0, d[1:0]}, gap);
			else if (roll < 83) apb($random(seed), IER | ($random(seed) & 3), d, gap);
			else if (roll < 90) apb(($unsigned($random(seed)) % 5) == 0, ISR, d, gap);
			else if (roll < 95) apb($random(seed), 5'h18 | ($random(seed) & 7), d, gap);
			else apb(1'b0, CTRL | ($random(seed) & 7), d, gap);
		end
	endtask

	// The serial line: frames at the configured rate (a clock more or less per bit now and then).
	task automatic send_frame(input [7:0] b, input bad_parity, input bad_stop, input jitter);
		integer bit_len, n, k;
		reg [10:0] frame;
		begin
			bit_len = 16 * (line_div + 1);
			if (jitter && ($unsigned($random(line_seed)) % 6 == 0)) bit_len = bit_len + ($random(line_seed) % 2);
			frame = {1'b1, 1'b1, b, 1'b0};
			n = 10;
			if (line_pen) begin
				frame = {1'b1, ^b ^ line_podd ^ bad_parity, b, 1'b0};
				n = 11;
			end
			if (bad_stop) frame[n-1] = 1'b0;
			for (k = 0; k < n; k = k + 1) begin
				rx_line <= frame[k];
				repeat (bit_len) @(negedge clk);
			end
			rx_line <= 1'b1;
		end
	endtask

	initial begin : line
		integer roll;
		forever begin
			if (line_mode == 1) begin
				send_frame($random(line_seed), 1'b0, 1'b0, 1'b1);
				repeat ($unsigned($random(line_seed)) % 40) @(negedge clk);
			end else if (line_mode == 2) begin
				roll = $unsigned($random(line_seed)) % 10;
				if (roll < 5) send_frame($random(line_seed), roll == 1 || roll == 2, roll == 3, 1'b1);
				else if (roll < 8) begin  // a glitch: low for up to 12 ticks
					rx_line <= 1'b0;
					repeat (1 + $unsigned($random(line_seed)) % (12 * (line_div + 1))) @(negedge clk);
					rx_line <= 1'b1;
				end else if (roll == 8) begin  // a break
					rx_line <= 1'b0;
					repeat (200 + $unsigned($random(line_seed)) % 200) @(negedge clk);
					rx_line <= 1'b1;
				end
				repeat ($unsigned($random(line_seed)) % 60) @(negedge clk);
			end else if (line_mode == 4) begin
				@(negedge clk);
			end else begin
				rx_line <= 1'b1;
				@(negedge clk);
			end
		end
	end

	initial begin
		presetn = 1'b0; psel = 1'b0; penable = 1'b0; pwrite = 1'b0; paddr = 5'h0; pwdata = 32'h0;
		repeat (3) @(negedge clk);
		presetn <= 1'b1;
		wait_cycles(2);
		// Reset values, unmapped offsets, a write to the read-only ISR, unaligned addresses.
		for (i = 0; i < 8; i = i + 1) rd(i * 4);
		wr(ISR, 32'h7);
		rd(CTRL | 5'h3);
		wr(5'h1C, 32'hFFFF_FFFF);
		// Fast rate, every interrupt enabled: the empty TX FIFO raises irq.
		wr(DIV, 32'hFFFF_0000);
		wr(IER, 32'h7);
		rd(ISR);
		wr(IER, 32'hFFFF_FFF8);
		// TX disabled: fill the FIFO; the fifth byte is refused with PSLVERR.
		wr(CTRL, 32'h2);
		for (i = 0; i < 5; i = i + 1) wr(DATA, 32'hA50 + i * 8'h13);
		rd(STATUS);
		wr(IER, 32'h5);
		// Enable TX: back-to-back frames, a byte written while the FIFO drains.
		line_mode = 1;
		wr(CTRL, 32'h3);
		wait_cycles(150);
		rd(STATUS);
		wr(DATA, 32'h1234_5681);
		wait_cycles(200);
		for (i = 0; i < 3; i = i + 1) begin
			rd(DATA);
			rd(STATUS);
			wait_cycles(100);
		end
		wait_cycles(500);
		for (i = 0; i < 6; i = i + 1) apb(1'b0, DATA, 0, 0);  // back-to-back reads, the last ones on an empty FIFO
		rd(ISR);
		// Even then odd parity, with errors on the line.
		wr(CTRL, 32'h7);
		line_mode = 2;
		wr(DATA, 32'h96);
		wr(DATA, 32'h01);
		for (i = 0; i < 12; i = i + 1) begin
			wait_cycles(150);
			rd(STATUS);
			rd(DATA);
			rd(ISR);
		end
		wr(CTRL, 32'hF);
		wr(DATA, 32'h96);
		wr(DATA, 32'hFE);
		for (i = 0; i < 12; i = i + 1) begin
			wait_cycles(150);
			rd(STATUS);
			rd(DATA);
		end
		// Overrun: frames keep coming and nobody reads.
		wr(CTRL, 32'h3);
		line_mode = 1;
		wait_cycles(1300);
		rd(STATUS);
		wr(STATUS, 32'h20);  // clears FE only
		rd(STATUS);
		wr(STATUS, 32'hFFFF_FFFF);
		rd(STATUS);
		for (i = 0; i < 5; i = i + 1) rd(DATA);
		// Same-edge events (DIV = 0, no parity: the stop bit of a frame whose start bit is driven at
		// a falling edge is sampled at the 154th rising edge after it; a transfer set up k falling
		// edges after that start completes at rising edge k + 2). W1C of FE at the edge where a
		// framing error sets it, for k around 152: the event wins.
		line_mode = 0;
		wait_cycles(400);
		line_mode = 4;
		wr(IER, 32'h4);
		for (i = 150; i <= 154; i = i + 1) begin
			fork
				send_frame(8'h6B, 1'b0, 1'b1, 1'b0);
				begin wait_cycles(i); apb(1'b1, STATUS, 32'h20, 1); end
			join
			wait_cycles(20);
			rd(STATUS);
			wr(STATUS, 32'hE0);
			rd(DATA);
		end
		// A read that pops a full RX FIFO at the edge where another byte arrives: that byte is lost.
		for (i = 0; i < 4; i = i + 1) begin
			send_frame(8'h40 + i, 1'b0, 1'b0, 1'b0);
			wait_cycles(3);
		end
		for (i = 151; i <= 153; i = i + 1) begin
			fork
				send_frame(8'h80 + i, 1'b0, 1'b0, 1'b0);
				begin wait_cycles(i); apb(1'b0, DATA, 0, 1); end
			join
			wait_cycles(20);
			rd(STATUS);
			wr(STATUS, 32'hE0);
			send_frame(8'hC0 + i, 1'b0, 1'b0, 1'b0);
			wait_cycles(20);
		end
		rd(STATUS);
		for (i = 0; i < 5; i = i + 1) rd(DATA);
		// Receiver disabled while frames arrive, enabled again in the middle of one.
		wr(CTRL, 32'h1);
		wait_cycles(400);
		rd(STATUS);
		wait_cycles(37);
		wr(CTRL, 32'h3);
		wait_cycles(600);
		for (i = 0; i < 5; i = i + 1) rd(DATA);
		// Loopback: what we send comes back.
		line_mode = 0;
		wait_cycles(200);
		wr(STATUS, 32'hE0);
		line_mode = 3;
		for (i = 0; i < 4; i = i + 1) wr(DATA, 32'h3C + i * 8'h51);
		wait_cycles(800);
		for (i = 0; i < 5; i = i + 1) rd(DATA);
		// Slower rates; the divisor changes in the middle of a frame.
		line_mode = 1;
		wr(DIV, 32'h1);
		wr(DATA, 32'h5A);
		wait_cycles(500);
		rd(DATA);
		wr(DIV, 32'h2);
		wait_cycles(700);
		rd(DATA);
		rd(STATUS);
		wr(DIV, 32'h0);
		// Reset in the middle of traffic.
		wr(DATA, 32'hC3);
		wait_cycles(70);
		presetn <= 1'b0;
		wait_cycles(2);
		presetn <= 1'b1;
		wait_cycles(3);
		wr(DIV, 32'h0);
		wr(IER, 32'h7);
		// Random traffic: random gaps (some back to back), line modes, a reset now and then.
		for (i = 0; i < 900; i = i + 1) begin
			if (($unsigned($random(seed)) % 60) == 0) line_mode = $unsigned($random(seed)) % 4;
			if (($unsigned($random(seed)) % 4) == 0) random_transfer(0);
			random_transfer(($unsigned($random(seed)) % 3 == 0) ? 1 + $unsigned($random(seed)) % 40 : 1);
			if (($unsigned($random(seed)) % 300) == 0) begin
				presetn <= 1'b0;
				wait_cycles(1);
				presetn <= 1'b1;
				wait_cycles(1);
				wr(DIV, $unsigned($random(seed)) % 2);
			end
		end
		wait_cycles(20);
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_prdata;
		int errortime_prdata;
		int errors_pready;
		int errortime_pready;
		int errors_pslverr;
		int errortime_pslverr;
		int errors_tx;
		int errortime_tx;
		int errors_irq;
		int errortime_irq;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic presetn;
	logic psel;
	logic penable;
	logic pwrite;
	logic [4:0] paddr;
	logic [31:0] pwdata;
	logic rx;
	logic [31:0] prdata_ref;
	logic [31:0] prdata_dut;
	logic pready_ref;
	logic pready_dut;
	logic pslverr_ref;
	logic pslverr_dut;
	logic tx_ref;
	logic tx_dut;
	logic irq_ref;
	logic irq_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, presetn, psel, penable, pwrite, paddr, pwdata, rx, prdata_ref, pready_ref, pslverr_ref, tx_ref, irq_ref, prdata_dut, pready_dut, pslverr_dut, tx_dut, irq_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .pready(pready_ref), .tx_loop(tx_ref), .presetn(presetn), .psel(psel),
		.penable(penable), .pwrite(pwrite), .paddr(paddr), .pwdata(pwdata), .rx(rx));

	uart_apb_ref good1 (.pclk(clk), .presetn(presetn), .psel(psel), .penable(penable), .pwrite(pwrite),
		.paddr(paddr), .pwdata(pwdata), .prdata(prdata_ref), .pready(pready_ref), .pslverr(pslverr_ref),
		.rx(rx), .tx(tx_ref), .irq(irq_ref));

	uart_apb top_module1 (.pclk(clk), .presetn(presetn), .psel(psel), .penable(penable), .pwrite(pwrite),
		.paddr(paddr), .pwdata(pwdata), .prdata(prdata_dut), .pready(pready_dut), .pslverr(pslverr_dut),
		.rx(rx), .tx(tx_dut), .irq(irq_dut));

	final begin
		if (stats1.errors_prdata) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "prdata", stats1.errors_prdata, stats1.errortime_prdata);
		else $display("Hint: Output '%s' has no mismatches.", "prdata");
		if (stats1.errors_pready) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "pready", stats1.errors_pready, stats1.errortime_pready);
		else $display("Hint: Output '%s' has no mismatches.", "pready");
		if (stats1.errors_pslverr) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "pslverr", stats1.errors_pslverr, stats1.errortime_pslverr);
		else $display("Hint: Output '%s' has no mismatches.", "pslverr");
		if (stats1.errors_tx) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "tx", stats1.errors_tx, stats1.errortime_tx);
		else $display("Hint: Output '%s' has no mismatches.", "tx");
		if (stats1.errors_irq) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "irq", stats1.errors_irq, stats1.errortime_irq);
		else $display("Hint: Output '%s' has no mismatches.", "irq");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { prdata_ref, pready_ref, pslverr_ref, tx_ref, irq_ref } === ( { prdata_ref, pready_ref, pslverr_ref, tx_ref, irq_ref } ^ { prdata_dut, pready_dut, pslverr_dut, tx_dut, irq_dut } ^ { prdata_ref, pready_ref, pslverr_ref, tx_ref, irq_ref } ) );

	// Outputs are defined from the first reset edge on: compare only after it (the sample taken at
	// that edge itself shows the state before any reset).
	reg reset_done = 1'b0;
	always @(posedge clk) if (!presetn) reset_done <= 1'b1;

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (reset_done) begin
			if (!tb_match) begin
				if (stats1.errors == 0) stats1.errortime = $time;
				stats1.errors++;
			end
			if (prdata_ref !== ( prdata_ref ^ prdata_dut ^ prdata_ref ))
			begin if (stats1.errors_prdata == 0) stats1.errortime_prdata = $time;
				stats1.errors_prdata = stats1.errors_prdata+1'b1; end
			if (pready_ref !== ( pready_ref ^ pready_dut ^ pready_ref ))
			begin if (stats1.errors_pready == 0) stats1.errortime_pready = $time;
				stats1.errors_pready = stats1.errors_pready+1'b1; end
			if (pslverr_ref !== ( pslverr_ref ^ pslverr_dut ^ pslverr_ref ))
			begin if (stats1.errors_pslverr == 0) stats1.errortime_pslverr = $time;
				stats1.errors_pslverr = stats1.errors_pslverr+1'b1; end
			if (tx_ref !== ( tx_ref ^ tx_dut ^ tx_ref ))
			begin if (stats1.errors_tx == 0) stats1.errortime_tx = $time;
				stats1.errors_tx = stats1.errors_tx+1'b1; end
			if (irq_ref !== ( irq_ref ^ irq_dut ^ irq_ref ))
			begin if (stats1.errors_irq == 0) stats1.errortime_irq = $time;
				stats1.errors_irq = stats1.errors_irq+1'b1; end
		end
	end

	// Timeout guard.
	initial begin
		#5000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
