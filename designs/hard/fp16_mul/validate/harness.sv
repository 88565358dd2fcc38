// Validation harness: reads {a, b} pairs with $readmemh and writes the reference's outputs.
// Driven by validate.py; not part of the golden testbench.
module harness;
    localparam MAXV = 1 << 20;
    reg  [31:0] vec [0:MAXV-1];
    reg  [15:0] a, b;
    wire [15:0] result;
    wire invalid, overflow, underflow, inexact;
    integer n, i, fd;

    fp16_mul dut (.a(a), .b(b), .result(result), .invalid(invalid), .overflow(overflow),
                  .underflow(underflow), .inexact(inexact));

    initial begin
        if (!$value$plusargs("N=%d", n)) n = 0;
        $readmemh("vectors.hex", vec, 0, n - 1);
        fd = $fopen("outputs.hex", "w");
        for (i = 0; i < n; i = i + 1) begin
            {a, b} = vec[i];
            #1;
            $fwrite(fd, "%h %b%b%b%b\n", result, invalid, overflow, underflow, inexact);
        end
        $fclose(fd);
        $finish;
    end
endmodule
