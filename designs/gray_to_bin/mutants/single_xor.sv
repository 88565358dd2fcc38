// mutant: applies the forward (binary-to-gray) formula instead of the prefix XOR
module gray_to_bin (
    input  [7:0] gray,
    output [7:0] bin
);
    assign bin = gray ^ (gray >> 1);
endmodule
