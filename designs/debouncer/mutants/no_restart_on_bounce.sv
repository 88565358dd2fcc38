// mutant: counter is not cleared when the input bounces back, so short glitches accumulate
module debouncer (
    input      clk,
    input      rst,
    input      noisy,
    output reg clean
);
    reg [1:0] cnt;
    always @(posedge clk) begin
        if (rst) begin
            clean <= 1'b0;
            cnt   <= 2'd0;
        end else if (noisy != clean) begin
            if (cnt == 2'd3) begin
                clean <= noisy;
                cnt   <= 2'd0;
            end else begin
                cnt <= cnt + 2'd1;
            end
        end
    end
endmodule
