// Validation harness: applies one vector per clock from VEC_FILE ({rst, sof, eof, in_valid, data}
// in hex) and writes the registered outputs to OUT_FILE after every rising edge at which one of them
// changed (cycle number first): the file stays small, and every cycle is still accounted for.
`timescale 1ns/1ns
module harness;
    reg clk = 1'b0;
    reg rst, sof, eof, in_valid;
    reg [7:0] data;
    wire [31:0] crc;
    wire crc_valid, match;
    reg [11:0] vec [0:`N-1];
    reg [33:0] last;
    integer i, fd;

    crc32_stream dut (.clk(clk), .rst(rst), .in_valid(in_valid), .sof(sof), .eof(eof), .data(data),
                      .crc(crc), .crc_valid(crc_valid), .match(match));

    initial begin
        $readmemh(`VEC_FILE, vec);
        fd = $fopen(`OUT_FILE, "w");
        for (i = 0; i < `N; i = i + 1) begin
            {rst, sof, eof, in_valid, data} = vec[i];
            #1 clk = 1'b1;
            #1 if (i == 0 || {crc, crc_valid, match} !== last)
                $fwrite(fd, "%0d %h %b%b\n", i, crc, crc_valid, match);
            last = {crc, crc_valid, match};
            clk = 1'b0;
        end
        $fclose(fd);
        $finish;
    end
endmodule
