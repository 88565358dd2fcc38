// mutant: implements the reflected (LSB-first, right-shifting) CRC with polynomial 0xE0
module crc8_serial (
    input            clk,
    input            rst,
    input            init,
    input            en,
    input            din,
    output reg [7:0] crc
);
    wire fb = crc[0] ^ din;
    always @(posedge clk) begin
        if (rst || init)
            crc <= 8'h00;
        else if (en)
            crc <= {1'b0, crc[7:1]} ^ (fb ? 8'hE0 : 8'h00);
    end
endmodule
