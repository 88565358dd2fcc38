module decoder3to8 (
    input        en,
    input  [2:0] a,
    output [7:0] y
);
    assign y = en ? (8'b0000_0001 << a) : 8'b0000_0000;
endmodule
