// mutant: the product is kept in 31 bits, so -32768 * -32768 = 2^30 wraps to -2^30
// Pipelined signed multiply-accumulate with a saturating 32-bit accumulator.
// A sample taken at rising edge k is in acc (with out_valid) right after edge k+3.
module mac_sat (
    input                    clk,
    input                    rst,
    input                    in_valid,
    input                    clear,
    input  signed [15:0]     a,
    input  signed [15:0]     b,
    output reg               out_valid,
    output reg signed [31:0] acc,
    output reg               ovf
);
    localparam signed [32:0] MAX = 33'sd2147483647;
    localparam signed [32:0] MIN = -33'sd2147483648;

    // stage 1: operands; stage 2: product; stage 3: product (second pipeline register)
    reg               v1, v2, v3;
    reg               c1, c2, c3;
    reg signed [15:0] a1, b1;
    reg signed [31:0] p2, p3;
    wire signed [30:0] prod31 = a1 * b1;

    // A clear sample starts from 0, so it can never saturate.
    wire signed [32:0] base = c3 ? 33'sd0 : {acc[31], acc};
    wire signed [32:0] sum  = base + {p3[31], p3};
    wire               high = sum > MAX;
    wire               low  = sum < MIN;

    always @(posedge clk) begin
        if (rst) begin
            v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0;
            c1 <= 1'b0; c2 <= 1'b0; c3 <= 1'b0;
            a1 <= 16'sd0; b1 <= 16'sd0;
            p2 <= 32'sd0; p3 <= 32'sd0;
            out_valid <= 1'b0;
            acc <= 32'sd0;
            ovf <= 1'b0;
        end else begin
            v1 <= in_valid; c1 <= in_valid & clear;
            a1 <= a;        b1 <= b;
            v2 <= v1;       c2 <= c1;
            p2 <= prod31;
            v3 <= v2;       c3 <= c2;
            p3 <= p2;
            out_valid <= v3;
            if (v3) begin
                acc <= high ? MAX[31:0] : low ? MIN[31:0] : sum[31:0];
                ovf <= (c3 ? 1'b0 : ovf) | high | low;
            end
        end
    end
endmodule
