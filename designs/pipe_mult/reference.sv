module pipe_mult (
    input             clk,
    input             rst,
    input             in_valid,
    input      [7:0]  a,
    input      [7:0]  b,
    output reg        out_valid,
    output reg [15:0] p
);
    reg [7:0]  a1, b1;
    reg        v1, v2;
    reg [15:0] m2;

    always @(posedge clk) begin
        if (rst) begin
            a1 <= 8'd0; b1 <= 8'd0; v1 <= 1'b0;
            m2 <= 16'd0; v2 <= 1'b0;
            p  <= 16'd0; out_valid <= 1'b0;
        end else begin
            a1 <= a;  b1 <= b;  v1 <= in_valid;
            m2 <= a1 * b1;      v2 <= v1;
            p  <= m2;           out_valid <= v2;
        end
    end
endmodule
