`timescale 1 ps/1 ps

// Golden testbench for axil_regs (VerilogEval conventions).
// Reference is instantiated as axil_regs_ref (good1), design under test as axil_regs (top_module1).
// stimulus_gen drives reset and the hardware-side inputs shared by both. Each slave gets its own
// axi_master (same seed): the masters react to their own slave's READY/VALID, so they behave
// identically as long as the design under test is cycle-exact, and every output is compared.

module stimulus_gen (
	input clk,
	output reg aresetn,
	output reg [31:0] hw_status,
	output reg [31:0] irq_set
);
	integer i;
	integer seed = 1414;
	initial begin
		aresetn = 1'b0; hw_status = 32'h0; irq_set = 32'h0;
		repeat (3) @(negedge clk);
		aresetn <= 1'b1;
		for (i = 0; i < 2600; i = i + 1) begin
			hw_status <= $random(seed);
			// mostly quiet, sometimes one bit, sometimes a burst on the low bits the master clears
			case ($unsigned($random(seed)) % 16)
				0: irq_set <= 32'h1 << ($unsigned($random(seed)) % 32);
				1: irq_set <= $random(seed) & 32'h0000_00FF;
				2: irq_set <= $random(seed);
				default: irq_set <= 32'h0;
			endcase
			// two resets in the run, the second in the middle of traffic
			aresetn <= !(i == 900 || i == 901 || i == 1700);
			@(negedge clk);
		end
		#1 $finish;
	end
endmodule

// A randomised AXI4-Lite master: one write and one read in flight, random delays on every
// VALID and READY (AW before W, W before AW, both together), every address class, random WSTRB.
module axi_master #(parameter SEED = 1) (
	input clk,
	input aresetn,
	output reg [7:0] awaddr,
	output reg awvalid,
	input awready,
	output reg [31:0] wdata,
	output reg [3:0] wstrb,
	output reg wvalid,
	input wready,
	input bvalid,
	output reg bready,
	output reg [7:0] araddr,
	output reg arvalid,
	input arready,
	input rvalid,
	output reg rready
);
	integer wseed = SEED, rseed = SEED + 1, n;
	integer aw_wait, w_wait, ar_wait;
	reg aw_done, w_done, ar_done, b_seen, r_seen;
	reg aw_hs, w_hs, ar_hs, b_hs, r_hs, was_reset;
	reg [7:0] wr_addr, rd_addr;
	reg [31:0] wr_data;
	reg [3:0] wr_strb;

	// Handshakes as sampled at the rising edge, read back at the following falling edge.
	always @(posedge clk) begin
		aw_hs <= awvalid && awready;
		w_hs <= wvalid && wready;
		ar_hs <= arvalid && arready;
		b_hs <= bvalid && bready;
		r_hs <= rvalid && rready;
		was_reset <= !aresetn;
	end

	function [7:0] pick_addr(input integer r, input integer s);
		case ($unsigned(r) % 20)
			0, 1: pick_addr = (($unsigned(s) % 8) * 4) | (1 + $unsigned(s >> 4) % 3); // misaligned
			2, 3: pick_addr = 8'h20 + ($unsigned(s) % 56) * 4;                          // unmapped
			4:    pick_addr = s;                                                          // anything
			default: pick_addr = ($unsigned(s) % 8) * 4;
		endcase
	endfunction

	task new_write;
		begin
			wr_addr = pick_addr($random(wseed), $random(wseed));
			n = $unsigned($random(wseed)) % 8;
			wr_data = (n == 0) ? 32'h1 : (n == 1) ? 32'h0000_01FF : (n == 2) ? 32'hFFFF_FFFF : $random(wseed);
			wr_strb = ($unsigned($random(wseed)) % 2) ? 4'hF : $random(wseed);
			aw_wait = $unsigned($random(wseed)) % 4; if (aw_wait == 3) aw_wait = 0;
			w_wait = $unsigned($random(wseed)) % 4; if (w_wait == 3) w_wait = 0;
			aw_done = 1'b0; w_done = 1'b0;
		end
	endtask

	task new_read;
		begin
			rd_addr = pick_addr($random(rseed), $random(rseed));
			ar_wait = $unsigned($random(rseed)) % 3;
			ar_done = 1'b0;
		end
	endtask

	// Write side: AW, W and B.
	initial begin
		awvalid = 1'b0; wvalid = 1'b0; bready = 1'b0; awaddr = 8'h0; wdata = 32'h0; wstrb = 4'h0;
		new_write;
		forever begin
			@(negedge clk);
			if (was_reset) new_write;
			else begin
				if (aw_hs) aw_done = 1'b1;
				if (w_hs) w_done = 1'b1;
				if (b_hs) new_write;
				if (aw_wait > 0) aw_wait = aw_wait - 1;
				if (w_wait > 0) w_wait = w_wait - 1;
			end
			awvalid <= aresetn && !aw_done && aw_wait == 0;
			wvalid <= aresetn && !w_done && w_wait == 0;
			awaddr <= (aresetn && !aw_done && aw_wait == 0) ? wr_addr : $random(wseed);
			wdata <= (aresetn && !w_done && w_wait == 0) ? wr_data : $random(wseed);
			wstrb <= (aresetn && !w_done && w_wait == 0) ? wr_strb : $random(wseed);
			bready <= ($unsigned($random(wseed)) % 8) < 5;
		end
	end

	// Read side: AR and R.
	initial begin
		arvalid = 1'b0; rready = 1'b0; araddr = 8'h0;
		new_read;
		forever begin
			@(negedge clk);
			if (was_reset) new_read;
			else begin
				if (ar_hs) ar_done = 1'b1;
				if (r_hs) new_read;
				if (ar_wait > 0) ar_wait = ar_wait - 1;
			end
			arvalid <= aresetn && !ar_done && ar_wait == 0;
			araddr <= (aresetn && !ar_done && ar_wait == 0) ? rd_addr : $random(rseed);
			rready <= ($unsigned($random(rseed)) % 8) < 5;
		end
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_awready;
		int errortime_awready;
		int errors_wready;
		int errortime_wready;
		int errors_bresp;
		int errortime_bresp;
		int errors_bvalid;
		int errortime_bvalid;
		int errors_arready;
		int errortime_arready;
		int errors_rdata;
		int errortime_rdata;
		int errors_rresp;
		int errortime_rresp;
		int errors_rvalid;
		int errortime_rvalid;
		int errors_ctrl;
		int errortime_ctrl;
		int errors_flags;
		int errortime_flags;
		int errors_cmd_go;
		int errortime_cmd_go;
		int errors_cmd_arg;
		int errortime_cmd_arg;
		int errors_irq;
		int errortime_irq;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic aresetn;
	logic [31:0] hw_status;
	logic [31:0] irq_set;
	logic [7:0] awaddr_ref;
	logic awvalid_ref;
	logic [31:0] wdata_ref;
	logic [3:0] wstrb_ref;
	logic wvalid_ref;
	logic bready_ref;
	logic [7:0] araddr_ref;
	logic arvalid_ref;
	logic rready_ref;
	logic [7:0] awaddr_dut;
	logic awvalid_dut;
	logic [31:0] wdata_dut;
	logic [3:0] wstrb_dut;
	logic wvalid_dut;
	logic bready_dut;
	logic [7:0] araddr_dut;
	logic arvalid_dut;
	logic rready_dut;
	logic awready_ref;
	logic awready_dut;
	logic wready_ref;
	logic wready_dut;
	logic [1:0] bresp_ref;
	logic [1:0] bresp_dut;
	logic bvalid_ref;
	logic bvalid_dut;
	logic arready_ref;
	logic arready_dut;
	logic [31:0] rdata_ref;
	logic [31:0] rdata_dut;
	logic [1:0] rresp_ref;
	logic [1:0] rresp_dut;
	logic rvalid_ref;
	logic rvalid_dut;
	logic [31:0] ctrl_ref;
	logic [31:0] ctrl_dut;
	logic [31:0] flags_ref;
	logic [31:0] flags_dut;
	logic cmd_go_ref;
	logic cmd_go_dut;
	logic [7:0] cmd_arg_ref;
	logic [7:0] cmd_arg_dut;
	logic irq_ref;
	logic irq_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, aresetn, hw_status, irq_set, awaddr_ref, awvalid_ref, wdata_ref, wstrb_ref, wvalid_ref, bready_ref, araddr_ref, arvalid_ref, rready_ref, awready_ref, wready_ref, bresp_ref, bvalid_ref, arready_ref, rdata_ref, rresp_ref, rvalid_ref, ctrl_ref, flags_ref, cmd_go_ref, cmd_arg_ref, irq_ref, awready_dut, wready_dut, bresp_dut, bvalid_dut, arready_dut, rdata_dut, rresp_dut, rvalid_dut, ctrl_dut, flags_dut, cmd_go_dut, cmd_arg_dut, irq_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .aresetn(aresetn), .hw_status(hw_status), .irq_set(irq_set));

	axi_master #(.SEED(77)) master_ref (.clk(clk), .aresetn(aresetn), .awaddr(awaddr_ref), .awvalid(awvalid_ref), .awready(awready_ref), .wdata(wdata_ref), .wstrb(wstrb_ref), .wvalid(wvalid_ref), .wready(wready_ref), .bvalid(bvalid_ref), .bready(bready_ref), .araddr(araddr_ref), .arvalid(arvalid_ref), .arready(arready_ref), .rvalid(rvalid_ref), .rready(rready_ref));
	axi_master #(.SEED(77)) master_dut (.clk(clk), .aresetn(aresetn), .awaddr(awaddr_dut), .awvalid(awvalid_dut), .awready(awready_dut), .wdata(wdata_dut), .wstrb(wstrb_dut), .wvalid(wvalid_dut), .wready(wready_dut), .bvalid(bvalid_dut), .bready(bready_dut), .araddr(araddr_dut), .arvalid(arvalid_dut), .arready(arready_dut), .rvalid(rvalid_dut), .rready(rready_dut));

	axil_regs_ref good1 (.aclk(clk), .aresetn(aresetn), .awaddr(awaddr_ref), .awvalid(awvalid_ref), .awready(awready_ref), .wdata(wdata_ref), .wstrb(wstrb_ref), .wvalid(wvalid_ref), .wready(wready_ref), .bresp(bresp_ref), .bvalid(bvalid_ref), .bready(bready_ref), .araddr(araddr_ref), .arvalid(arvalid_ref), .arready(arready_ref), .rdata(rdata_ref), .rresp(rresp_ref), .rvalid(rvalid_ref), .rready(rready_ref), .hw_status(hw_status), .irq_set(irq_set), .ctrl(ctrl_ref), .flags(flags_ref), .cmd_go(cmd_go_ref), .cmd_arg(cmd_arg_ref), .irq(irq_ref));

	axil_regs top_module1 (.aclk(clk), .aresetn(aresetn), .awaddr(awaddr_dut), .awvalid(awvalid_dut), .awready(awready_dut), .wdata(wdata_dut), .wstrb(wstrb_dut), .wvalid(wvalid_dut), .wready(wready_dut), .bresp(bresp_dut), .bvalid(bvalid_dut), .bready(bready_dut), .araddr(araddr_dut), .arvalid(arvalid_dut), .arready(arready_dut), .rdata(rdata_dut), .rresp(rresp_dut), .rvalid(rvalid_dut), .rready(rready_dut), .hw_status(hw_status), .irq_set(irq_set), .ctrl(ctrl_dut), .flags(flags_dut), .cmd_go(cmd_go_dut), .cmd_arg(cmd_arg_dut), .irq(irq_dut));

	final begin
		if (stats1.errors_awready) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "awready", stats1.errors_awready, stats1.errortime_awready);
		else $display("Hint: Output '%s' has no mismatches.", "awready");
		if (stats1.errors_wready) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "wready", stats1.errors_wready, stats1.errortime_wready);
		else $display("Hint: Output '%s' has no mismatches.", "wready");
		if (stats1.errors_bresp) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "bresp", stats1.errors_bresp, stats1.errortime_bresp);
		else $display("Hint: Output '%s' has no mismatches.", "bresp");
		if (stats1.errors_bvalid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "bvalid", stats1.errors_bvalid, stats1.errortime_bvalid);
		else $display("Hint: Output '%s' has no mismatches.", "bvalid");
		if (stats1.errors_arready) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "arready", stats1.errors_arready, stats1.errortime_arready);
		else $display("Hint: Output '%s' has no mismatches.", "arready");
		if (stats1.errors_rdata) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rdata", stats1.errors_rdata, stats1.errortime_rdata);
		else $display("Hint: Output '%s' has no mismatches.", "rdata");
		if (stats1.errors_rresp) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rresp", stats1.errors_rresp, stats1.errortime_rresp);
		else $display("Hint: Output '%s' has no mismatches.", "rresp");
		if (stats1.errors_rvalid) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "rvalid", stats1.errors_rvalid, stats1.errortime_rvalid);
		else $display("Hint: Output '%s' has no mismatches.", "rvalid");
		if (stats1.errors_ctrl) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "ctrl", stats1.errors_ctrl, stats1.errortime_ctrl);
		else $display("Hint: Output '%s' has no mismatches.", "ctrl");
		if (stats1.errors_flags) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "flags", stats1.errors_flags, stats1.errortime_flags);
		else $display("Hint: Output '%s' has no mismatches.", "flags");
		if (stats1.errors_cmd_go) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cmd_go", stats1.errors_cmd_go, stats1.errortime_cmd_go);
		else $display("Hint: Output '%s' has no mismatches.", "cmd_go");
		if (stats1.errors_cmd_arg) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "cmd_arg", stats1.errors_cmd_arg, stats1.errortime_cmd_arg);
		else $display("Hint: Output '%s' has no mismatches.", "cmd_arg");
		if (stats1.errors_irq) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "irq", stats1.errors_irq, stats1.errortime_irq);
		else $display("Hint: Output '%s' has no mismatches.", "irq");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { awready_ref, wready_ref, bresp_ref, bvalid_ref, arready_ref, rdata_ref, rresp_ref, rvalid_ref, ctrl_ref, flags_ref, cmd_go_ref, cmd_arg_ref, irq_ref } === ( { awready_ref, wready_ref, bresp_ref, bvalid_ref, arready_ref, rdata_ref, rresp_ref, rvalid_ref, ctrl_ref, flags_ref, cmd_go_ref, cmd_arg_ref, irq_ref } ^ { awready_dut, wready_dut, bresp_dut, bvalid_dut, arready_dut, rdata_dut, rresp_dut, rvalid_dut, ctrl_dut, flags_dut, cmd_go_dut, cmd_arg_dut, irq_dut } ^ { awready_ref, wready_ref, bresp_ref, bvalid_ref, arready_ref, rdata_ref, rresp_ref, rvalid_ref, ctrl_ref, flags_ref, cmd_go_ref, cmd_arg_ref, irq_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (awready_ref !== ( awready_ref ^ awready_dut ^ awready_ref ))
		begin if (stats1.errors_awready == 0) stats1.errortime_awready = $time;
			stats1.errors_awready = stats1.errors_awready+1'b1; end
		if (wready_ref !== ( wready_ref ^ wready_dut ^ wready_ref ))
		begin if (stats1.errors_wready == 0) stats1.errortime_wready = $time;
			stats1.errors_wready = stats1.errors_wready+1'b1; end
		if (bresp_ref !== ( bresp_ref ^ bresp_dut ^ bresp_ref ))
		begin if (stats1.errors_bresp == 0) stats1.errortime_bresp = $time;
			stats1.errors_bresp = stats1.errors_bresp+1'b1; end
		if (bvalid_ref !== ( bvalid_ref ^ bvalid_dut ^ bvalid_ref ))
		begin if (stats1.errors_bvalid == 0) stats1.errortime_bvalid = $time;
			stats1.errors_bvalid = stats1.errors_bvalid+1'b1; end
		if (arready_ref !== ( arready_ref ^ arready_dut ^ arready_ref ))
		begin if (stats1.errors_arready == 0) stats1.errortime_arready = $time;
			stats1.errors_arready = stats1.errors_arready+1'b1; end
		if (rdata_ref !== ( rdata_ref ^ rdata_dut ^ rdata_ref ))
		begin if (stats1.errors_rdata == 0) stats1.errortime_rdata = $time;
			stats1.errors_rdata = stats1.errors_rdata+1'b1; end
		if (rresp_ref !== ( rresp_ref ^ rresp_dut ^ rresp_ref ))
		begin if (stats1.errors_rresp == 0) stats1.errortime_rresp = $time;
			stats1.errors_rresp = stats1.errors_rresp+1'b1; end
		if (rvalid_ref !== ( rvalid_ref ^ rvalid_dut ^ rvalid_ref ))
		begin if (stats1.errors_rvalid == 0) stats1.errortime_rvalid = $time;
			stats1.errors_rvalid = stats1.errors_rvalid+1'b1; end
		if (ctrl_ref !== ( ctrl_ref ^ ctrl_dut ^ ctrl_ref ))
		begin if (stats1.errors_ctrl == 0) stats1.errortime_ctrl = $time;
			stats1.errors_ctrl = stats1.errors_ctrl+1'b1; end
		if (flags_ref !== ( flags_ref ^ flags_dut ^ flags_ref ))
		begin if (stats1.errors_flags == 0) stats1.errortime_flags = $time;
			stats1.errors_flags = stats1.errors_flags+1'b1; end
		if (cmd_go_ref !== ( cmd_go_ref ^ cmd_go_dut ^ cmd_go_ref ))
		begin if (stats1.errors_cmd_go == 0) stats1.errortime_cmd_go = $time;
			stats1.errors_cmd_go = stats1.errors_cmd_go+1'b1; end
		if (cmd_arg_ref !== ( cmd_arg_ref ^ cmd_arg_dut ^ cmd_arg_ref ))
		begin if (stats1.errors_cmd_arg == 0) stats1.errortime_cmd_arg = $time;
			stats1.errors_cmd_arg = stats1.errors_cmd_arg+1'b1; end
		if (irq_ref !== ( irq_ref ^ irq_dut ^ irq_ref ))
		begin if (stats1.errors_irq == 0) stats1.errortime_irq = $time;
			stats1.errors_irq = stats1.errors_irq+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
