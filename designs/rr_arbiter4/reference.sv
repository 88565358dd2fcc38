module rr_arbiter4 (
    input            clk,
    input            rst,
    input      [3:0] req,
    output reg [3:0] grant
);
    reg [1:0] last;
    reg [1:0] idx;
    reg       found;
    reg [1:0] winner;
    integer k;

    always @(*) begin
        found  = 1'b0;
        winner = last;
        for (k = 1; k <= 4; k = k + 1) begin
            idx = last + k[1:0];
            if (!found && req[idx]) begin
                found  = 1'b1;
                winner = idx;
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            grant <= 4'b0000;
            last  <= 2'd3;
        end else if (found) begin
            grant <= 4'b0001 << winner;
            last  <= winner;
        end else begin
            grant <= 4'b0000;
        end
    end
endmodule
