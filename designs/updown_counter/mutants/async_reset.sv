// mutant: reset implemented as asynchronous instead of synchronous
module updown_counter (
    input            clk,
    input            rst,
    input            en,
    input            load,
    input            up,
    input      [7:0] d,
    output reg [7:0] q
);
    always @(posedge clk or posedge rst) begin
        if (rst)
            q <= 8'd0;
        else if (load)
            q <= d;
        else if (en) begin
            if (up)
                q <= q + 8'd1;
            else
                q <= q - 8'd1;
        end
    end
endmodule
