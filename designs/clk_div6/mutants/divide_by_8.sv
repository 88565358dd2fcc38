// mutant: off-by-one terminal count (toggles when cnt == 3), dividing by 8
module clk_div6 (
    input      clk,
    input      rst,
    output reg clk_out
);
    reg [1:0] cnt;
    always @(posedge clk) begin
        if (rst) begin
            cnt     <= 2'd0;
            clk_out <= 1'b0;
        end else if (cnt == 2'd3) begin
            cnt     <= 2'd0;
            clk_out <= ~clk_out;
        end else begin
            cnt <= cnt + 2'd1;
        end
    end
endmodule
