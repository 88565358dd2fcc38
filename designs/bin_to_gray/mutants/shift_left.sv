// mutant: XORs with the value shifted left instead of right
module bin_to_gray (
    input  [7:0] bin,
    output [7:0] gray
);
    assign gray = bin ^ (bin << 1);
endmodule
