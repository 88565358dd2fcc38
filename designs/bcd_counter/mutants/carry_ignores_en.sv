// mutant: carry is asserted whenever q == 9 even if the counter is not enabled
module bcd_counter (
    input            clk,
    input            rst_n,
    input            en,
    output reg [3:0] q,
    output           carry
);
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n)
            q <= 4'd0;
        else if (en)
            q <= (q == 4'd9) ? 4'd0 : q + 4'd1;
    end
    assign carry = (q == 4'd9);
endmodule
