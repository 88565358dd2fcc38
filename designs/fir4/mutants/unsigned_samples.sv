// mutant: sample registers declared unsigned, so negative samples are treated as 128..255
module fir4 (
    input             clk,
    input             rst,
    input      [7:0]  x,
    output reg [15:0] y
);
    reg [7:0] x1, x2, x3;

    always @(posedge clk) begin
        if (rst) begin
            x1 <= 8'd0; x2 <= 8'd0; x3 <= 8'd0;
            y  <= 16'd0;
        end else begin
            y  <= 16'd3 * x - 16'd5 * x1 + 16'd7 * x2 + 16'd2 * x3;
            x1 <= x; x2 <= x1; x3 <= x2;
        end
    end
endmodule
