// mutant: overflow flag reports the unsigned carry out instead of signed overflow
module adder8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout,
    output       overflow
);
    assign {cout, sum} = a + b + cin;
    assign overflow = cout;
endmodule
