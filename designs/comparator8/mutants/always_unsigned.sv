// mutant: is_signed is ignored, comparison is always unsigned
module comparator8 (
    input  [7:0] a,
    input  [7:0] b,
    input        is_signed,
    output       lt,
    output       eq,
    output       gt
);
    assign lt = a < b;
    assign eq = a == b;
    assign gt = a > b;
endmodule
