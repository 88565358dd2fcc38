// mutant: output bit order reversed (a=0 drives y[7] instead of y[0])
module decoder3to8 (
    input        en,
    input  [2:0] a,
    output [7:0] y
);
    assign y = en ? (8'b1000_0000 >> a) : 8'b0000_0000;
endmodule
