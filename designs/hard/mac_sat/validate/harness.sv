// Validation harness: applies one {rst, in_valid, clear, a, b} word per clock cycle from
// stimulus.hex and writes out_valid, acc and ovf as they are after each rising edge.
// Driven by validate.py; not part of the golden testbench.
module harness;
    localparam MAXV = 1 << 19;
    reg  [34:0] stim [0:MAXV-1];
    reg clk = 1'b0;
    reg rst, in_valid, clear;
    reg signed [15:0] a, b;
    wire out_valid, ovf;
    wire signed [31:0] acc;
    integer n, i, fd;

    mac_sat dut (.clk(clk), .rst(rst), .in_valid(in_valid), .clear(clear), .a(a), .b(b),
                 .out_valid(out_valid), .acc(acc), .ovf(ovf));

    always #5 clk = ~clk;

    initial begin
        if (!$value$plusargs("N=%d", n)) n = 0;
        $readmemh("stimulus.hex", stim, 0, n - 1);
        fd = $fopen("outputs.txt", "w");
        for (i = 0; i < n; i = i + 1) begin
            {rst, in_valid, clear, a, b} = stim[i];
            @(posedge clk);
            @(negedge clk);
            $fwrite(fd, "%b %h %b\n", out_valid, acc, ovf);
        end
        $fclose(fd);
        $finish;
    end
endmodule
