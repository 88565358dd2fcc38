// mutant: select decoding has d1 and d2 swapped (sel bits read in the wrong order)
module mux4 (
    input  [1:0] sel,
    input  [7:0] d0,
    input  [7:0] d1,
    input  [7:0] d2,
    input  [7:0] d3,
    output reg [7:0] y
);
    always @(*) begin
        case ({sel[0], sel[1]})
            2'b00: y = d0;
            2'b01: y = d1;
            2'b10: y = d2;
            default: y = d3;
        endcase
    end
endmodule
