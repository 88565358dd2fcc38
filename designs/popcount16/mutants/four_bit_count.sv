// mutant: accumulator is only 4 bits wide, so an all-ones input wraps to 0
module popcount16 (
    input  [15:0] data,
    output [4:0] count
);
    reg [3:0] c;
    integer i;
    always @(*) begin
        c = 4'd0;
        for (i = 0; i < 16; i = i + 1)
            c = c + data[i];
    end
    assign count = {1'b0, c};
endmodule
