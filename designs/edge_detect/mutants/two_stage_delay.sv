// mutant: extra synchronizer stage, pulses come one cycle late
module edge_detect (
    input      clk,
    input      rst,
    input      din,
    output reg rise,
    output reg fall
);
    reg s, prev;
    always @(posedge clk) begin
        if (rst) begin
            s <= 1'b0;
            prev <= 1'b0;
            rise <= 1'b0;
            fall <= 1'b0;
        end else begin
            s <= din;
            prev <= s;
            rise <= s & ~prev;
            fall <= ~s & prev;
        end
    end
endmodule
