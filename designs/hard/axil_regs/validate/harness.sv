// Validation harness: applies one input vector per clock from VEC_FILE (all inputs packed, see
// validate.py) and writes the packed outputs to OUT_FILE after every rising edge at which any
// of them changed (cycle number first).
`timescale 1ns/1ns
module harness;
    reg aclk = 1'b0;
    reg aresetn, awvalid, wvalid, bready, arvalid, rready;
    reg [7:0] awaddr, araddr;
    reg [31:0] wdata, hw_status, irq_set;
    reg [3:0] wstrb;
    wire awready, wready, bvalid, arready, rvalid, cmd_go, irq;
    wire [1:0] bresp, rresp;
    wire [31:0] rdata, ctrl, flags;
    wire [7:0] cmd_arg;
    reg [127:0] vec [0:`N-1];
    reg [115:0] now, last;
    reg [5:0] pad;
    integer i, fd;

    axil_regs dut (
        .aclk(aclk), .aresetn(aresetn),
        .awaddr(awaddr), .awvalid(awvalid), .awready(awready),
        .wdata(wdata), .wstrb(wstrb), .wvalid(wvalid), .wready(wready),
        .bresp(bresp), .bvalid(bvalid), .bready(bready),
        .araddr(araddr), .arvalid(arvalid), .arready(arready),
        .rdata(rdata), .rresp(rresp), .rvalid(rvalid), .rready(rready),
        .hw_status(hw_status), .irq_set(irq_set), .ctrl(ctrl), .flags(flags),
        .cmd_go(cmd_go), .cmd_arg(cmd_arg), .irq(irq));

    always @* now = {1'b0, awready, wready, bresp, bvalid, arready, rdata, rresp, rvalid,
                     ctrl, flags, cmd_go, cmd_arg, irq};

    initial begin
        $readmemh(`VEC_FILE, vec);
        fd = $fopen(`OUT_FILE, "w");
        for (i = 0; i < `N; i = i + 1) begin
            {pad, aresetn, awaddr, awvalid, wdata, wstrb, wvalid, bready,
             araddr, arvalid, rready, hw_status, irq_set} = vec[i];
            #1 aclk = 1'b1;
            #1 if (i == 0 || now !== last) $fwrite(fd, "%0d %h\n", i, now);
            last = now;
            aclk = 1'b0;
        end
        $fclose(fd);
        $finish;
    end
endmodule
