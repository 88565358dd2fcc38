// mutant: outputs are combinational (din & ~prev) instead of registered, one cycle early
module edge_detect (
    input  clk,
    input  rst,
    input  din,
    output rise,
    output fall
);
    reg prev;
    always @(posedge clk) begin
        if (rst)
            prev <= 1'b0;
        else
            prev <= din;
    end
    assign rise = din & ~prev & ~rst;
    assign fall = ~din & prev & ~rst;
endmodule
