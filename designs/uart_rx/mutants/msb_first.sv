// mutant: received bits are shifted in MSB first (byte comes out bit-reversed)
module uart_rx (
    input            clk,
    input            rst,
    input            rx,
    output reg [7:0] data,
    output reg       valid,
    output reg       frame_err
);
    localparam IDLE = 2'd0, START = 2'd1, DATA = 2'd2, STOP = 2'd3;
    reg [1:0] state;
    reg [1:0] cnt;
    reg [2:0] idx;
    reg [7:0] shreg;

    always @(posedge clk) begin
        if (rst) begin
            state     <= IDLE;
            cnt       <= 2'd0;
            idx       <= 3'd0;
            shreg     <= 8'h00;
            data      <= 8'h00;
            valid     <= 1'b0;
            frame_err <= 1'b0;
        end else begin
            valid     <= 1'b0;
            frame_err <= 1'b0;
            case (state)
                IDLE: if (!rx) begin
                    state <= START;
                    cnt   <= 2'd0;
                end
                START: if (cnt == 2'd1) begin
                    cnt <= 2'd0;
                    idx <= 3'd0;
                    state <= rx ? IDLE : DATA;
                end else
                    cnt <= cnt + 2'd1;
                DATA: if (cnt == 2'd3) begin
                    cnt   <= 2'd0;
                    shreg <= {shreg[6:0], rx};
                    if (idx == 3'd7)
                        state <= STOP;
                    else
                        idx <= idx + 3'd1;
                end else
                    cnt <= cnt + 2'd1;
                STOP: if (cnt == 2'd3) begin
                    cnt   <= 2'd0;
                    state <= IDLE;
                    if (rx) begin
                        data  <= shreg;
                        valid <= 1'b1;
                    end else
                        frame_err <= 1'b1;
                end else
                    cnt <= cnt + 2'd1;
            endcase
        end
    end
endmodule
