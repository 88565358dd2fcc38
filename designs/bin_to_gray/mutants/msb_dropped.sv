// mutant: uses an arithmetic-style shift so gray[7] is always 0 when bin[7]=1
module bin_to_gray (
    input  [7:0] bin,
    output [7:0] gray
);
    assign gray = {bin[7] ^ bin[7], bin[6:0] ^ bin[7:1]};
endmodule
