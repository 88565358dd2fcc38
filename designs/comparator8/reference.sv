module comparator8 (
    input  [7:0] a,
    input  [7:0] b,
    input        is_signed,
    output       lt,
    output       eq,
    output       gt
);
    wire less = is_signed ? ($signed(a) < $signed(b)) : (a < b);
    assign eq = (a == b);
    assign lt = less;
    assign gt = ~less & ~(a == b);
endmodule
