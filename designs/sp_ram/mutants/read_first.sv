// mutant: read-first behaviour, a write outputs the old memory content instead of din
module sp_ram (
    input            clk,
    input            en,
    input            we,
    input      [3:0] addr,
    input      [7:0] din,
    output reg [7:0] dout
);
    reg [7:0] mem [0:15];
    always @(posedge clk) begin
        if (en) begin
            if (we)
                mem[addr] <= din;
            dout <= mem[addr];
        end
    end
endmodule
