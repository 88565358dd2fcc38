// mutant: pwm is registered, so it lags the counter by one cycle
module pwm8 (
    input        clk,
    input        rst,
    input  [7:0] duty,
    output reg   pwm,
    output reg [7:0] cnt
);
    always @(posedge clk) begin
        if (rst) begin
            cnt <= 8'd0;
            pwm <= 1'b0;
        end else begin
            cnt <= cnt + 8'd1;
            pwm <= (cnt < duty);
        end
    end
endmodule
