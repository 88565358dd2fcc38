module shift_reg8 (
    input            clk,
    input            rst,
    input            load,
    input      [7:0] d,
    input            shift_en,
    input            dir,
    input            sin,
    output reg [7:0] q
);
    always @(posedge clk) begin
        if (rst)
            q <= 8'h00;
        else if (load)
            q <= d;
        else if (shift_en) begin
            if (dir)
                q <= {sin, q[7:1]};
            else
                q <= {q[6:0], sin};
        end
    end
endmodule
