module seq_detector_1011 (
    input  clk,
    input  rst,
    input  din,
    output det
);
    localparam IDLE = 3'd0, S1 = 3'd1, S10 = 3'd2, S101 = 3'd3, S1011 = 3'd4;
    reg [2:0] state, next;

    always @(*) begin
        case (state)
            IDLE:    next = din ? S1    : IDLE;
            S1:      next = din ? S1    : S10;
            S10:     next = din ? S101  : IDLE;
            S101:    next = din ? S1011 : S10;
            S1011:   next = din ? S1    : S10;
            default: next = IDLE;
        endcase
    end

    always @(posedge clk) begin
        if (rst)
            state <= IDLE;
        else
            state <= next;
    end

    assign det = (state == S1011);
endmodule
