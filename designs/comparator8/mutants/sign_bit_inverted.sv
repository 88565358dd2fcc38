// mutant: signed mode compares with the sign bit handled backwards (flips MSB of only one operand)
module comparator8 (
    input  [7:0] a,
    input  [7:0] b,
    input        is_signed,
    output       lt,
    output       eq,
    output       gt
);
    wire [7:0] aa = is_signed ? {~a[7], a[6:0]} : a;
    wire [7:0] bb = b;
    assign lt = aa < bb;
    assign eq = a == b;
    assign gt = ~(aa < bb) & ~(a == b);
endmodule
