// mutant: sum computed in 8 bits so the carry is lost (cout derived from wrong expression)
module adder8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout,
    output       overflow
);
    assign sum = a + b + cin;
    assign cout = a[7] & b[7];
    assign overflow = (a[7] == b[7]) && (sum[7] != a[7]);
endmodule
