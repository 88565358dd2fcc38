// Validation harness: for every angle in angles.hex, pulse start, count the edges until done,
// and write cos_out, sin_out, the latency and the number of cycles busy was high.
// Driven by validate.py; not part of the golden testbench.
module harness;
    localparam MAXV = 1 << 17;
    reg  [15:0] angles [0:MAXV-1];
    reg clk = 1'b0, rst = 1'b1, start = 1'b0;
    reg  [15:0] angle = 16'd0;
    wire signed [15:0] cos_out, sin_out;
    wire busy, done;
    integer n, i, fd, latency, busy_cycles;

    cordic_rotate dut (.clk(clk), .rst(rst), .start(start), .angle(angle), .cos_out(cos_out),
                       .sin_out(sin_out), .busy(busy), .done(done));

    always #5 clk = ~clk;

    initial begin
        if (!$value$plusargs("N=%d", n)) n = 0;
        $readmemh("angles.hex", angles, 0, n - 1);
        fd = $fopen("outputs.txt", "w");
        @(negedge clk); @(negedge clk);
        rst = 1'b0;
        for (i = 0; i < n; i = i + 1) begin
            start = 1'b1;
            angle = angles[i];
            @(negedge clk);
            start = 1'b0;
            angle = ~angles[i];  // the angle must have been latched
            latency = 0;  // edges after the one that accepted start
            busy_cycles = busy;
            while (!done) begin
                @(negedge clk);
                latency = latency + 1;
                busy_cycles = busy_cycles + busy;
            end
            $fwrite(fd, "%0d %0d %0d %0d\n", cos_out, sin_out, latency, busy_cycles);
        end
        $fclose(fd);
        $finish;
    end
endmodule
