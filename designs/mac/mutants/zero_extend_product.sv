// mutant: signed product is zero-extended to 20 bits instead of sign-extended
module mac (
    input                    clk,
    input                    rst,
    input                    clear,
    input                    en,
    input  signed [7:0]      a,
    input  signed [7:0]      b,
    output reg signed [19:0] acc
);
    wire signed [15:0] prod = a * b;

    always @(posedge clk) begin
        if (rst)
            acc <= 20'sd0;
        else if (clear)
            acc <= en ? {4'b0000, prod} : 20'sd0;
        else if (en)
            acc <= acc + {4'b0000, prod};
    end
endmodule
