// mutant: off-by-one, requires 5 consecutive differing samples (cnt compared with 4)
module debouncer (
    input      clk,
    input      rst,
    input      noisy,
    output reg clean
);
    reg [2:0] cnt;
    always @(posedge clk) begin
        if (rst) begin
            clean <= 1'b0;
            cnt   <= 3'd0;
        end else if (noisy == clean) begin
            cnt <= 3'd0;
        end else if (cnt == 3'd4) begin
            clean <= noisy;
            cnt   <= 3'd0;
        end else begin
            cnt <= cnt + 3'd1;
        end
    end
endmodule
