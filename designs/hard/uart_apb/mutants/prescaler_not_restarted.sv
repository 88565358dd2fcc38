// mutant: a write to DIV does not restart the prescaler counter
// uart_apb: a UART (16x oversampling, 8 data bits, optional parity, 1 stop bit) with
// 4-deep TX and RX FIFOs, sticky error flags and an interrupt, behind an APB3 slave.

// Baud prescaler: one tick every DIV+1 clocks; a write of DIV restarts it.
module ua_prescaler (
    input         clk,
    input         rst_n,
    input  [15:0] div,
    input         restart,
    output        tick
);
    reg [15:0] cnt;
    assign tick = cnt == div;
    always @(posedge clk) begin
        if (!rst_n || restart || tick) cnt <= 16'd0;
        else cnt <= cnt + 16'd1;
    end
endmodule

// 4-entry FIFO of bytes. Full and empty are judged on the count at the start of the cycle:
// a push when full is dropped even if a pop happens in the same cycle.
module ua_fifo (
    input            clk,
    input            rst_n,
    input            push,
    input      [7:0] din,
    input            pop,
    output     [7:0] head,
    output reg [2:0] count
);
    reg [7:0] mem [0:3];
    reg [1:0] rd, wr;
    wire do_push = push && count != 3'd4;
    wire do_pop  = pop && count != 3'd0;
    assign head = mem[rd];
    always @(posedge clk) begin
        if (!rst_n) begin
            rd <= 2'd0;
            wr <= 2'd0;
            count <= 3'd0;
        end else begin
            if (do_push) begin
                mem[wr] <= din;
                wr <= wr + 2'd1;
            end
            if (do_pop) rd <= rd + 2'd1;
            count <= count + {2'b00, do_push} - {2'b00, do_pop};
        end
    end
endmodule

// Transmitter: start bit, 8 data bits LSB first, optional parity, stop bit; 16 ticks per bit.
module ua_tx (
    input            clk,
    input            rst_n,
    input            tick,
    input            enable,
    input            pen,
    input            podd,
    input            have_byte,   // the TX FIFO is not empty
    input      [7:0] byte_in,     // its oldest byte
    output           take,        // pop the TX FIFO at this edge
    output reg       tx,
    output reg       busy
);
    reg [3:0]  sub;     // tick within the bit
    reg [3:0]  pos;     // bit position in the frame: 0 start, 1..8 data, then parity, then stop
    reg [10:0] frame;   // frame bits, position 0 first
    reg [3:0]  last;    // position of the stop bit

    wire bit_end = busy && sub == 4'd15;
    wire idle_at_tick = !busy || (bit_end && pos == last);
    assign take = tick && idle_at_tick && enable && have_byte;

    always @(posedge clk) begin
        if (!rst_n) begin
            tx <= 1'b1;
            busy <= 1'b0;
            sub <= 4'd0;
            pos <= 4'd0;
            frame <= 11'h7FF;
            last <= 4'd9;
        end else if (tick) begin
            if (take) begin
                busy <= 1'b1;
                tx <= 1'b0;
                sub <= 4'd0;
                pos <= 4'd0;
                if (pen) begin
                    frame <= {1'b1, ^byte_in ^ podd, byte_in, 1'b0};
                    last <= 4'd10;
                end else begin
                    frame <= {2'b11, byte_in, 1'b0};
                    last <= 4'd9;
                end
            end else if (idle_at_tick) begin
                busy <= 1'b0;
                tx <= 1'b1;
            end else if (bit_end) begin
                sub <= 4'd0;
                pos <= pos + 4'd1;
                tx <= frame[pos + 4'd1];
            end else begin
                sub <= sub + 4'd1;
            end
        end
    end
endmodule

// Receiver: start bit checked 8 ticks after it is seen, then one sample every 16 ticks.
module ua_rx (
    input            clk,
    input            rst_n,
    input            tick,
    input            enable,
    input            pen,
    input            podd,
    input            rxs,         // the synchronised line
    output           done,        // the stop bit is sampled at this edge: the frame ends
    output     [7:0] byte_out,    // the frame's data, valid with done
    output           ferr,        // with done: the stop bit is 0
    output           perr,        // with done: parity enabled and the parity bit is wrong
    output           busy
);
    localparam IDLE = 3'd0, START = 3'd1, DATA = 3'd2, PARITY = 3'd3, STOP = 3'd4;
    reg [2:0] state;
    reg [3:0] sub;
    reg [2:0] idx;
    reg [7:0] data;
    reg       par_on, par_odd, par_bit;
    wire sample = tick && sub == 4'd15;
    assign busy = state != IDLE;
    assign done = state == STOP && sample;
    assign byte_out = data;
    assign ferr = !rxs;
    assign perr = par_on && (par_bit != (^data ^ par_odd));

    always @(posedge clk) begin
        if (!rst_n) begin
            state <= IDLE;
            sub <= 4'd0;
            idx <= 3'd0;
            par_on <= 1'b0;
            par_odd <= 1'b0;
            par_bit <= 1'b0;
            data <= 8'h00;
        end else begin
            if (tick) sub <= sub + 4'd1;
            case (state)
                IDLE: if (tick && enable && !rxs) begin
                    state <= START;
                    sub <= 4'd0;
                    par_on <= pen;
                    par_odd <= podd;
                end
                START: if (tick && sub == 4'd7) begin
                    sub <= 4'd0;
                    idx <= 3'd0;
                    state <= rxs ? IDLE : DATA;
                end
                DATA: if (sample) begin
                    data[idx] <= rxs;
                    idx <= idx + 3'd1;
                    if (idx == 3'd7) state <= par_on ? PARITY : STOP;
                end
                PARITY: if (sample) begin
                    par_bit <= rxs;
                    state <= STOP;
                end
                STOP: if (sample) state <= IDLE;
                default: state <= IDLE;
            endcase
        end
    end
endmodule

module uart_apb (
    input             pclk,
    input             presetn,
    input             psel,
    input             penable,
    input             pwrite,
    input      [4:0]  paddr,
    input      [31:0] pwdata,
    output     [31:0] prdata,
    output            pready,
    output            pslverr,
    input             rx,
    output            tx,
    output            irq
);
    localparam A_DATA = 3'd0, A_STATUS = 3'd1, A_CTRL = 3'd2, A_DIV = 3'd3, A_IER = 3'd4, A_ISR = 3'd5;

    // APB: one wait state per transfer.
    reg waited;
    always @(posedge pclk) waited <= presetn && psel && penable && !waited;
    assign pready = psel && penable && waited;
    wire       done_xfer = psel && penable && waited;
    wire [2:0] reg_idx = paddr[4:2];

    // Registers.
    reg [3:0]  ctrl;      // {podd, pen, rxen, txen}
    reg [15:0] div;
    reg [2:0]  ier;
    reg        fe, pe, oe;
    reg        rx1, rx2;  // rx synchroniser

    wire       tick, tx_busy, rx_busy, take, rx_done, rx_ferr, rx_perr;
    wire [7:0] tx_head, rx_head, rx_data;
    wire [2:0] tx_count, rx_count;

    wire tx_full  = tx_count == 3'd4;
    wire err = (reg_idx == 3'd6 || reg_idx == 3'd7)
            || (pwrite && reg_idx == A_ISR)
            || (pwrite && reg_idx == A_DATA && tx_full);
    assign pslverr = done_xfer && err;
    wire wr = done_xfer && pwrite && !err;
    wire rd = done_xfer && !pwrite && !err;

    wire [31:0] status = {16'h0, rx_busy, tx_count, 1'b0, rx_count, oe, pe, fe, tx_busy,
                          rx_count == 3'd4, rx_count != 3'd0, tx_full, tx_count == 3'd0};
    wire [2:0]  isr = ier & {fe | pe | oe, tx_count == 3'd0, rx_count != 3'd0};
    assign irq = |isr;

    reg [31:0] rvalue;
    always @* begin
        case (reg_idx)
            A_DATA:   rvalue = rx_count != 3'd0 ? {24'h0, rx_head} : 32'h0;
            A_STATUS: rvalue = status;
            A_CTRL:   rvalue = {28'h0, ctrl};
            A_DIV:    rvalue = {16'h0, div};
            A_IER:    rvalue = {29'h0, ier};
            A_ISR:    rvalue = {29'h0, isr};
            default:  rvalue = 32'h0;
        endcase
    end
    assign prdata = rd ? rvalue : 32'h0;

    always @(posedge pclk) begin
        if (!presetn) begin
            ctrl <= 4'b0011;
            div <= 16'd1;
            ier <= 3'b000;
            fe <= 1'b0;
            pe <= 1'b0;
            oe <= 1'b0;
            rx1 <= 1'b1;
            rx2 <= 1'b1;
        end else begin
            rx1 <= rx;
            rx2 <= rx1;
            if (wr && reg_idx == A_CTRL) ctrl <= pwdata[3:0];
            if (wr && reg_idx == A_DIV) div <= pwdata[15:0];
            if (wr && reg_idx == A_IER) ier <= pwdata[2:0];
            // W1C, but an event in the same cycle wins.
            fe <= (fe && !(wr && reg_idx == A_STATUS && pwdata[5])) || (rx_done && rx_ferr);
            pe <= (pe && !(wr && reg_idx == A_STATUS && pwdata[6])) || (rx_done && rx_perr);
            oe <= (oe && !(wr && reg_idx == A_STATUS && pwdata[7])) || (rx_done && rx_count == 3'd4);
        end
    end

    ua_prescaler prescaler (.clk(pclk), .rst_n(presetn), .div(div), .restart(1'b0), .tick(tick));

    ua_fifo tx_fifo (.clk(pclk), .rst_n(presetn), .push(wr && reg_idx == A_DATA), .din(pwdata[7:0]),
                     .pop(take), .head(tx_head), .count(tx_count));

    ua_tx transmitter (.clk(pclk), .rst_n(presetn), .tick(tick), .enable(ctrl[0]), .pen(ctrl[2]), .podd(ctrl[3]),
                       .have_byte(tx_count != 3'd0), .byte_in(tx_head), .take(take), .tx(tx), .busy(tx_busy));

    ua_rx receiver (.clk(pclk), .rst_n(presetn), .tick(tick), .enable(ctrl[1]), .pen(ctrl[2]), .podd(ctrl[3]),
                    .rxs(rx2), .done(rx_done), .byte_out(rx_data), .ferr(rx_ferr), .perr(rx_perr), .busy(rx_busy));

    ua_fifo rx_fifo (.clk(pclk), .rst_n(presetn), .push(rx_done), .din(rx_data),
                     .pop(rd && reg_idx == A_DATA), .head(rx_head), .count(rx_count));
endmodule
