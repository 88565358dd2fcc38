// mutant: counter wraps at 254 (period 255 instead of 256)
module pwm8 (
    input        clk,
    input        rst,
    input  [7:0] duty,
    output       pwm,
    output reg [7:0] cnt
);
    always @(posedge clk) begin
        if (rst || cnt == 8'd254)
            cnt <= 8'd0;
        else
            cnt <= cnt + 8'd1;
    end
    assign pwm = (cnt < duty);
endmodule
