// mutant: initial value 0x0000 (CRC-16/XMODEM) instead of 0xFFFF
module crc16_ccitt (
    input             clk,
    input             rst,
    input             init,
    input             valid,
    input      [7:0]  data,
    output reg [15:0] crc
);
    reg [15:0] c;
    integer i;
    always @(*) begin
        c = crc;
        for (i = 7; i >= 0; i = i - 1)
            c = {c[14:0], 1'b0} ^ ((c[15] ^ data[i]) ? 16'h1021 : 16'h0000);
    end

    always @(posedge clk) begin
        if (rst || init)
            crc <= 16'h0000;
        else if (valid)
            crc <= c;
    end
endmodule
