// mutant: ports not declared signed, so the multiplication is unsigned
module mac (
    input             clk,
    input             rst,
    input             clear,
    input             en,
    input      [7:0]  a,
    input      [7:0]  b,
    output reg [19:0] acc
);
    wire [15:0] prod = a * b;

    always @(posedge clk) begin
        if (rst)
            acc <= 20'd0;
        else if (clear)
            acc <= en ? {4'd0, prod} : 20'd0;
        else if (en)
            acc <= acc + {4'd0, prod};
    end
endmodule
