// mutant: read enable ignored, rdata is updated on every clock edge
module dp_ram (
    input            clk,
    input            we,
    input      [4:0] waddr,
    input      [7:0] wdata,
    input            re,
    input      [4:0] raddr,
    output reg [7:0] rdata
);
    reg [7:0] mem [0:31];
    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        rdata <= mem[raddr];
    end
endmodule
