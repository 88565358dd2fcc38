module moving_avg4 (
    input            clk,
    input            rst,
    input            in_valid,
    input      [7:0] din,
    output reg [7:0] avg
);
    reg  [7:0] x0, x1, x2;
    wire [9:0] sum = {2'b00, din} + {2'b00, x0} + {2'b00, x1} + {2'b00, x2};

    always @(posedge clk) begin
        if (rst) begin
            x0 <= 8'd0; x1 <= 8'd0; x2 <= 8'd0;
            avg <= 8'd0;
        end else if (in_valid) begin
            x0 <= din; x1 <= x0; x2 <= x1;
            avg <= sum[9:2];
        end
    end
endmodule
