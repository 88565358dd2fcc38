// mutant: shifts use the whole b operand as shift amount instead of b[2:0]
module alu8 (
    input      [7:0] a,
    input      [7:0] b,
    input      [2:0] op,
    output reg [7:0] y,
    output reg       carry,
    output           zero
);
    always @(*) begin
        y = 8'd0;
        carry = 1'b0;
        case (op)
            3'b000: {carry, y} = {1'b0, a} + {1'b0, b};
            3'b001: begin
                y = a - b;
                carry = (a < b);
            end
            3'b010: y = a & b;
            3'b011: y = a | b;
            3'b100: y = a ^ b;
            3'b101: y = ($signed(a) < $signed(b)) ? 8'd1 : 8'd0;
            3'b110: y = a << b;
            3'b111: y = a >> b;
        endcase
    end
    assign zero = (y == 8'd0);
endmodule
