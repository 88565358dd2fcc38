// mutant: the CRC output is byte-swapped (first FCS byte in crc[31:24])
// CRC-32 (IEEE 802.3 / zlib) over one byte per clock, with sof/eof framing.
// Reflected algorithm: shift right with polynomial 0xEDB88320, data[0] first.
module crc32_stream (
    input             clk,
    input             rst,
    input             in_valid,
    input             sof,
    input             eof,
    input      [7:0]  data,
    output reg [31:0] crc,
    output reg        crc_valid,
    output reg        match
);
    localparam [31:0] INIT    = 32'hFFFFFFFF;
    localparam [31:0] POLY    = 32'hEDB88320;
    localparam [31:0] RESIDUE = 32'hDEBB20E3;  // register value after a frame followed by its FCS

    function [31:0] crc_byte(input [31:0] c, input [7:0] d);
        integer n;
        reg [31:0] r;
        begin
            r = c ^ {24'd0, d};
            for (n = 0; n < 8; n = n + 1)
                r = r[0] ? ((r >> 1) ^ POLY) : (r >> 1);
            crc_byte = r;
        end
    endfunction

    reg  [31:0] state;  // running register, not inverted
    wire [31:0] start = sof ? INIT : state;
    wire [31:0] next  = in_valid ? crc_byte(start, data) : start;

    always @(posedge clk) begin
        if (rst) begin
            state     <= INIT;
            crc       <= 32'd0;
            crc_valid <= 1'b0;
            match     <= 1'b0;
        end else if (eof) begin
            state     <= INIT;
            crc       <= {~next[7:0], ~next[15:8], ~next[23:16], ~next[31:24]};
            crc_valid <= 1'b1;
            match     <= (next == RESIDUE);
        end else begin
            state     <= next;
            crc_valid <= 1'b0;
        end
    end
endmodule
