// mutant: the write is not gated by the chip enable
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
        if (we)
            mem[addr] <= din;
        if (en)
            dout <= we ? din : mem[addr];
    end
endmodule
