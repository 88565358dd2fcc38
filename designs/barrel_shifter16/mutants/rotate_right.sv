// mutant: mode 2'b11 rotates right instead of left
module barrel_shifter16 (
    input      [15:0] din,
    input      [3:0]  shamt,
    input      [1:0]  mode,
    output reg [15:0] dout
);
    always @(*) begin
        case (mode)
            2'b00: dout = din << shamt;
            2'b01: dout = din >> shamt;
            2'b10: dout = $signed(din) >>> shamt;
            default: dout = (din >> shamt) | (din << (16 - shamt));
        endcase
    end
endmodule
