// mutant: reset clears clk_out but not the phase counter
module clk_div6 (
    input      clk,
    input      rst,
    output reg clk_out
);
    reg [1:0] cnt = 2'd0;
    always @(posedge clk) begin
        if (rst)
            clk_out <= 1'b0;
        if (cnt == 2'd2) begin
            cnt <= 2'd0;
            if (!rst) clk_out <= ~clk_out;
        end else begin
            cnt <= cnt + 2'd1;
        end
    end
endmodule
