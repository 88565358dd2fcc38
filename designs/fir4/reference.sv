module fir4 (
    input                    clk,
    input                    rst,
    input  signed [7:0]      x,
    output reg signed [15:0] y
);
    reg signed [7:0] x1, x2, x3;

    always @(posedge clk) begin
        if (rst) begin
            x1 <= 8'sd0; x2 <= 8'sd0; x3 <= 8'sd0;
            y  <= 16'sd0;
        end else begin
            y  <= 16'sd3 * x - 16'sd5 * x1 + 16'sd7 * x2 + 16'sd2 * x3;
            x1 <= x; x2 <= x1; x3 <= x2;
        end
    end
endmodule
