// mutant: data bit is XORed into the LSB after the shift instead of into the feedback
module crc8_serial (
    input            clk,
    input            rst,
    input            init,
    input            en,
    input            din,
    output reg [7:0] crc
);
    always @(posedge clk) begin
        if (rst || init)
            crc <= 8'h00;
        else if (en)
            crc <= ({crc[6:0], din}) ^ (crc[7] ? 8'h07 : 8'h00);
    end
endmodule
