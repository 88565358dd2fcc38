// mutant: reset clears only the valid bits, data stages keep old products
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
        a1 <= a;  b1 <= b;
        m2 <= a1 * b1;
        p  <= m2;
        if (rst) begin
            v1 <= 1'b0; v2 <= 1'b0; out_valid <= 1'b0;
        end else begin
            v1 <= in_valid; v2 <= v1; out_valid <= v2;
        end
    end
endmodule
