module adder8 (
    input  [7:0] a,
    input  [7:0] b,
    input        cin,
    output [7:0] sum,
    output       cout,
    output       overflow
);
    assign {cout, sum} = {1'b0, a} + {1'b0, b} + {8'd0, cin};
    assign overflow = (a[7] == b[7]) && (sum[7] != a[7]);
endmodule
