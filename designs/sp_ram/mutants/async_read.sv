// mutant: combinational (asynchronous) read instead of a registered output
module sp_ram (
    input        clk,
    input        en,
    input        we,
    input  [3:0] addr,
    input  [7:0] din,
    output [7:0] dout
);
    reg [7:0] mem [0:15];
    always @(posedge clk) begin
        if (en && we)
            mem[addr] <= din;
    end
    assign dout = mem[addr];
endmodule
