// mutant: sum held in 8 bits and overflows for large samples
module moving_avg4 (
    input            clk,
    input            rst,
    input            in_valid,
    input      [7:0] din,
    output reg [7:0] avg
);
    reg  [7:0] x0, x1, x2, x3;
    wire [7:0] sum = din + x0 + x1 + x2;

    always @(posedge clk) begin
        if (rst) begin
            x0 <= 8'd0; x1 <= 8'd0; x2 <= 8'd0; x3 <= 8'd0;
            avg <= 8'd0;
        end else if (in_valid) begin
            x0 <= din; x1 <= x0; x2 <= x1; x3 <= x2;
            avg <= sum >> 2;
        end
    end
endmodule
