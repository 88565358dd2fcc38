// mutant: rd_req_addr shows the next address also when rd_req_valid is 0
// dma_engine: descriptor-ring DMA between a read port and a write port, strictly one transaction at a time.
// Reference design. Modules: dma_regs (register file, ring pointers, status), dma_mover (the sequencer that
// fetches a descriptor, copies the words and writes the status word back), dma_engine (top: wiring).

module dma_regs (
    input             clk,
    input             rst,
    input             reg_we,
    input      [2:0]  reg_addr,
    input      [31:0] reg_wdata,
    output reg [31:0] reg_rdata,
    output            irq,
    input             busy,
    input             done,       // a descriptor finished (its status write was acknowledged)
    input             done_err,   // ... with an error
    input             done_irq,   // ... and its IRQ flag was set
    input             done_last,  // ... and its LAST flag was set
    output            run,
    output     [31:0] ring_base,
    output reg [7:0]  head,
    output reg [7:0]  tail
);
    reg        run_r, irq_en, st_done, st_err;
    reg [27:0] base_hi;
    reg [7:0]  size;
    reg [15:0] completed;

    assign run       = run_r;
    assign ring_base = {base_hi, 4'b0000};
    assign irq       = irq_en && (st_done || st_err);

    always @(*) begin
        case (reg_addr)
            3'd0: reg_rdata = {30'd0, irq_en, run_r};
            3'd1: reg_rdata = ring_base;
            3'd2: reg_rdata = {24'd0, size};
            3'd3: reg_rdata = {24'd0, head};
            3'd4: reg_rdata = {24'd0, tail};
            3'd5: reg_rdata = {completed, 13'd0, st_err, st_done, busy};
            default: reg_rdata = 32'd0;
        endcase
    end

    wire sw_ctrl   = reg_we && reg_addr == 3'd0;
    wire sw_status = reg_we && reg_addr == 3'd5;

    always @(posedge clk) begin
        if (rst) begin
            run_r     <= 1'b0;
            irq_en    <= 1'b0;
            base_hi   <= 28'd0;
            size      <= 8'd0;
            head      <= 8'd0;
            tail      <= 8'd0;
            st_done   <= 1'b0;
            st_err    <= 1'b0;
            completed <= 16'd0;
        end else begin
            if (sw_ctrl) irq_en <= reg_wdata[1];
            // The engine stopping itself wins over a software write in the same cycle.
            if (done && (done_err || done_last)) run_r <= 1'b0;
            else if (sw_ctrl) run_r <= reg_wdata[0];
            if (reg_we && reg_addr == 3'd1 && !busy) base_hi <= reg_wdata[31:4];
            if (reg_we && reg_addr == 3'd2 && !busy) size <= reg_wdata[7:0];
            if (reg_we && reg_addr == 3'd4) tail <= reg_wdata[7:0];
            // W1C: a set in the same cycle wins over the clear.
            if (done && !done_err && done_irq) st_done <= 1'b1;
            else if (sw_status && reg_wdata[1]) st_done <= 1'b0;
            if (done && done_err) st_err <= 1'b1;
            else if (sw_status && reg_wdata[2]) st_err <= 1'b0;
            if (done) begin
                head <= (head == size - 8'd1) ? 8'd0 : head + 8'd1;
                if (!done_err) completed <= completed + 16'd1;
            end
        end
    end
endmodule

module dma_mover (
    input             clk,
    input             rst,
    input             run,
    input      [31:0] ring_base,
    input      [7:0]  head,
    input      [7:0]  tail,
    output            busy,
    output            done,
    output            done_err,
    output            done_irq,
    output            done_last,
    output            rd_req_valid,
    input             rd_req_ready,
    output     [31:0] rd_req_addr,
    input             rd_resp_valid,
    input      [31:0] rd_resp_data,
    output            wr_req_valid,
    input             wr_req_ready,
    output     [31:0] wr_req_addr,
    output     [31:0] wr_req_data,
    input             wr_resp_valid
);
    localparam S_IDLE = 3'd0, S_RREQ = 3'd1, S_RWAIT = 3'd2, S_WREQ = 3'd3, S_WWAIT = 3'd4;
    localparam K_D0 = 3'd0, K_D1 = 3'd1, K_D2 = 3'd2, K_DATA = 3'd3, K_STAT = 3'd4;

    reg [2:0]  state, kind;
    reg [31:0] desc, src, dst, buffer;
    reg [15:0] len, idx;
    reg        f_irq, f_last, err;

    wire [31:0] offset = {14'd0, idx, 2'b00};
    reg  [31:0] raddr, waddr;
    always @(*) begin
        case (kind)
            K_D0: raddr = desc;
            K_D1: raddr = desc + 32'd4;
            K_D2: raddr = desc + 32'd8;
            default: raddr = src + offset;
        endcase
        waddr = (kind == K_DATA) ? dst + offset : desc + 32'd12;
    end

    assign busy         = state != S_IDLE;
    assign rd_req_valid = state == S_RREQ;
    assign rd_req_addr  = raddr;
    assign wr_req_valid = state == S_WREQ;
    assign wr_req_addr  = wr_req_valid ? waddr : 32'd0;
    assign wr_req_data  = !wr_req_valid ? 32'd0
                        : (kind == K_DATA) ? buffer
                        : err ? 32'h0000_0003 : {len, 16'h0001};

    // The status write of a descriptor is acknowledged at this edge.
    assign done      = state == S_WWAIT && kind == K_STAT && wr_resp_valid;
    assign done_err  = err;
    assign done_irq  = f_irq;
    assign done_last = f_last;

    wire bad = src[1:0] != 2'b00 || dst[1:0] != 2'b00 || rd_resp_data[15:0] == 16'd0;

    always @(posedge clk) begin
        if (rst) begin
            state     <= S_IDLE;
            kind      <= K_D0;
            desc      <= 32'd0;
            src       <= 32'd0;
            dst       <= 32'd0;
            buffer    <= 32'd0;
            len       <= 16'd0;
            idx       <= 16'd0;
            f_irq     <= 1'b0;
            f_last    <= 1'b0;
            err       <= 1'b0;
        end else begin
            case (state)
                S_IDLE:
                    if (run && head != tail) begin
                        desc  <= ring_base + {20'd0, head, 4'b0000};
                        kind  <= K_D0;
                        state <= S_RREQ;
                    end
                S_RREQ:
                    if (rd_req_ready) state <= S_RWAIT;
                S_RWAIT:
                    if (rd_resp_valid) begin
                        case (kind)
                            K_D0: begin src <= rd_resp_data; kind <= K_D1; state <= S_RREQ; end
                            K_D1: begin dst <= rd_resp_data; kind <= K_D2; state <= S_RREQ; end
                            K_D2: begin
                                len    <= rd_resp_data[15:0];
                                f_irq  <= rd_resp_data[16];
                                f_last <= rd_resp_data[17];
                                err    <= bad;
                                idx    <= 16'd0;
                                kind   <= bad ? K_STAT : K_DATA;
                                state  <= bad ? S_WREQ : S_RREQ;
                            end
                            default: begin buffer <= rd_resp_data; state <= S_WREQ; end
                        endcase
                    end
                S_WREQ:
                    if (wr_req_ready) state <= S_WWAIT;
                S_WWAIT:
                    if (wr_resp_valid) begin
                        if (kind == K_STAT) begin
                            state <= S_IDLE;
                        end else if (idx + 16'd1 == len) begin
                            kind  <= K_STAT;
                            state <= S_WREQ;
                        end else begin
                            idx   <= idx + 16'd1;
                            state <= S_RREQ;
                        end
                    end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule

module dma_engine (
    input         clk,
    input         rst,
    input         reg_we,
    input  [2:0]  reg_addr,
    input  [31:0] reg_wdata,
    output [31:0] reg_rdata,
    output        irq,
    output        rd_req_valid,
    input         rd_req_ready,
    output [31:0] rd_req_addr,
    input         rd_resp_valid,
    input  [31:0] rd_resp_data,
    output        wr_req_valid,
    input         wr_req_ready,
    output [31:0] wr_req_addr,
    output [31:0] wr_req_data,
    input         wr_resp_valid
);
    wire        busy, done, done_err, done_irq, done_last, run;
    wire [31:0] ring_base;
    wire [7:0]  head, tail;

    dma_regs regs (
        .clk(clk), .rst(rst), .reg_we(reg_we), .reg_addr(reg_addr), .reg_wdata(reg_wdata),
        .reg_rdata(reg_rdata), .irq(irq), .busy(busy), .done(done), .done_err(done_err),
        .done_irq(done_irq), .done_last(done_last), .run(run), .ring_base(ring_base),
        .head(head), .tail(tail)
    );

    dma_mover mover (
        .clk(clk), .rst(rst), .run(run), .ring_base(ring_base), .head(head), .tail(tail),
        .busy(busy), .done(done), .done_err(done_err), .done_irq(done_irq), .done_last(done_last),
        .rd_req_valid(rd_req_valid), .rd_req_ready(rd_req_ready), .rd_req_addr(rd_req_addr),
        .rd_resp_valid(rd_resp_valid), .rd_resp_data(rd_resp_data), .wr_req_valid(wr_req_valid),
        .wr_req_ready(wr_req_ready), .wr_req_addr(wr_req_addr), .wr_req_data(wr_req_data),
        .wr_resp_valid(wr_resp_valid)
    );
endmodule
