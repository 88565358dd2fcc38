// mutant: nested ternary tests sel[0] first, so sel=2'b11 returns d1 instead of d3
module mux4 (
    input  [1:0] sel,
    input  [7:0] d0,
    input  [7:0] d1,
    input  [7:0] d2,
    input  [7:0] d3,
    output [7:0] y
);
    assign y = sel[0] ? d1 : (sel[1] ? (sel[0] ? d3 : d2) : d0);
endmodule
