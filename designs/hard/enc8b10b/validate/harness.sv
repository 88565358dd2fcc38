// Validation harness: applies one vector per clock from VEC_FILE ({rst, valid, k, data} in hex)
// and writes the registered outputs after every rising edge to OUT_FILE.
`timescale 1ns/1ns
module harness;
    reg clk = 1'b0;
    reg rst, valid, k;
    reg [7:0] data;
    wire [9:0] code;
    wire code_valid, err, rd;
    reg [10:0] vec [0:`N-1];
    integer i, fd;

    enc8b10b dut (.clk(clk), .rst(rst), .valid(valid), .k(k), .data(data),
                  .code(code), .code_valid(code_valid), .err(err), .rd(rd));

    initial begin
        $readmemh(`VEC_FILE, vec);
        fd = $fopen(`OUT_FILE, "w");
        for (i = 0; i < `N; i = i + 1) begin
            {rst, valid, k, data} = vec[i];
            #1 clk = 1'b1;
            #1 $fwrite(fd, "%h %b %b %b\n", code, code_valid, err, rd);
            clk = 1'b0;
        end
        $fclose(fd);
        $finish;
    end
endmodule
