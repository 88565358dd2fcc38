// mutant: adds an unrequested lock-up escape (all-zero state reseeds to 8'h01)
module lfsr8 (
    input            clk,
    input            rst,
    input            en,
    input            load,
    input      [7:0] seed,
    output reg [7:0] q
);
    wire fb = q[7] ^ q[5] ^ q[4] ^ q[3];
    always @(posedge clk) begin
        if (rst)
            q <= 8'h01;
        else if (load)
            q <= seed;
        else if (en)
            q <= (q == 8'h00) ? 8'h01 : {q[6:0], fb};
    end
endmodule
