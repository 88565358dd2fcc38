// mutant: cmd_go pulses on a CMD write with wdata[0] = 1 even if wstrb[0] = 0
// AXI4-Lite slave register block: 8 x 32-bit registers at byte offsets 0x00..0x1C.
// One outstanding write and one outstanding read; AW and W are accepted in any order.
module axil_regs (
    input             aclk,
    input             aresetn,
    // write address channel
    input      [7:0]  awaddr,
    input             awvalid,
    output            awready,
    // write data channel
    input      [31:0] wdata,
    input      [3:0]  wstrb,
    input             wvalid,
    output            wready,
    // write response channel
    output reg [1:0]  bresp,
    output reg        bvalid,
    input             bready,
    // read address channel
    input      [7:0]  araddr,
    input             arvalid,
    output            arready,
    // read data channel
    output reg [31:0] rdata,
    output reg [1:0]  rresp,
    output reg        rvalid,
    input             rready,
    // hardware side
    input      [31:0] hw_status,
    input      [31:0] irq_set,
    output     [31:0] ctrl,
    output     [31:0] flags,
    output reg        cmd_go,
    output     [7:0]  cmd_arg,
    output            irq
);
    localparam [1:0] OKAY = 2'b00, SLVERR = 2'b10, DECERR = 2'b11;

    reg [31:0] ctrl_q, scratch_q, int_status_q, int_enable_q, flags_q;
    reg [7:0]  arg_q;

    // A captured write address / write data waiting for its partner.
    reg        aw_full, w_full;
    reg [7:0]  aw_addr_q;
    reg [31:0] w_data_q;
    reg [3:0]  w_strb_q;

    assign awready = !aw_full && !bvalid;
    assign wready  = !w_full && !bvalid;
    assign arready = !rvalid;

    assign ctrl    = ctrl_q;
    assign flags   = flags_q;
    assign cmd_arg = arg_q;
    assign irq     = |(int_status_q & int_enable_q);

    function [1:0] resp_of(input [7:0] addr);
        if (addr[1:0] != 2'b00)  resp_of = SLVERR;
        else if (addr >= 8'h20)  resp_of = DECERR;
        else                     resp_of = OKAY;
    endfunction

    function [31:0] strobed(input [31:0] old, input [31:0] data, input [3:0] strb);
        integer b;
        begin
            strobed = old;
            for (b = 0; b < 4; b = b + 1)
                if (strb[b]) strobed[8*b +: 8] = data[8*b +: 8];
        end
    endfunction

    // The write performed at this edge: the address and data either captured earlier or
    // handshaking now.
    wire        aw_fire = awvalid && awready;
    wire        w_fire  = wvalid && wready;
    wire        do_write = (aw_full || aw_fire) && (w_full || w_fire);
    wire [7:0]  wr_addr = aw_full ? aw_addr_q : awaddr;
    wire [31:0] wr_data = w_full ? w_data_q : wdata;
    wire [3:0]  wr_strb = w_full ? w_strb_q : wstrb;
    wire [1:0]  wr_resp = resp_of(wr_addr);
    wire        wr_ok   = do_write && (wr_resp == OKAY);
    wire [31:0] wr_mask = {{8{wr_strb[3]}}, {8{wr_strb[2]}}, {8{wr_strb[1]}}, {8{wr_strb[0]}}};
    wire [31:0] wr_bits = wr_data & wr_mask;  // the bits a W1S/W1C write acts on

    wire        ar_fire = arvalid && arready;
    reg  [31:0] rd_value;
    always @* begin
        case (araddr[4:2])
            3'd0: rd_value = ctrl_q;
            3'd1: rd_value = scratch_q;
            3'd2: rd_value = hw_status;
            3'd3: rd_value = int_status_q;
            3'd4: rd_value = int_enable_q;
            3'd5: rd_value = flags_q;
            3'd6: rd_value = flags_q;
            default: rd_value = {16'd0, arg_q, 8'd0};
        endcase
    end

    always @(posedge aclk) begin
        if (!aresetn) begin
            ctrl_q       <= 32'h00000000;
            scratch_q    <= 32'hCAFEF00D;
            int_status_q <= 32'h00000000;
            int_enable_q <= 32'h00000000;
            flags_q      <= 32'h00000000;
            arg_q        <= 8'h00;
            aw_full      <= 1'b0;
            w_full       <= 1'b0;
            aw_addr_q    <= 8'h00;
            w_data_q     <= 32'h00000000;
            w_strb_q     <= 4'h0;
            bvalid       <= 1'b0;
            bresp        <= OKAY;
            rvalid       <= 1'b0;
            rresp        <= OKAY;
            rdata        <= 32'h00000000;
            cmd_go       <= 1'b0;
        end else begin
            // write channel
            if (do_write) begin
                aw_full <= 1'b0;
                w_full  <= 1'b0;
                bvalid  <= 1'b1;
                bresp   <= wr_resp;
            end else begin
                if (aw_fire) begin
                    aw_full   <= 1'b1;
                    aw_addr_q <= awaddr;
                end
                if (w_fire) begin
                    w_full   <= 1'b1;
                    w_data_q <= wdata;
                    w_strb_q <= wstrb;
                end
                if (bvalid && bready) bvalid <= 1'b0;
            end

            // register updates
            if (wr_ok && wr_addr[4:2] == 3'd0) ctrl_q       <= strobed(ctrl_q, wr_data, wr_strb);
            if (wr_ok && wr_addr[4:2] == 3'd1) scratch_q    <= strobed(scratch_q, wr_data, wr_strb);
            if (wr_ok && wr_addr[4:2] == 3'd4) int_enable_q <= strobed(int_enable_q, wr_data, wr_strb);
            // W1C by software, then set by hardware: a simultaneous set wins.
            if (wr_ok && wr_addr[4:2] == 3'd3) int_status_q <= (int_status_q & ~wr_bits) | irq_set;
            else                               int_status_q <= int_status_q | irq_set;
            if (wr_ok && wr_addr[4:2] == 3'd5) flags_q <= flags_q | wr_bits;
            if (wr_ok && wr_addr[4:2] == 3'd6) flags_q <= flags_q & ~wr_bits;
            if (wr_ok && wr_addr[4:2] == 3'd7 && wr_strb[1]) arg_q <= wr_data[15:8];
            cmd_go <= wr_ok && wr_addr[4:2] == 3'd7 && wr_data[0];

            // read channel: the value before this edge's updates
            if (ar_fire) begin
                rvalid <= 1'b1;
                rresp  <= resp_of(araddr);
                rdata  <= (resp_of(araddr) == OKAY) ? rd_value : 32'h00000000;
            end else if (rvalid && rready) begin
                rvalid <= 1'b0;
            end
        end
    end
endmodule
