// mutant: reset loop bound off by one, r7 is not cleared
module regfile (
    input         clk,
    input         rst,
    input         we,
    input  [2:0]  waddr,
    input  [15:0] wdata,
    input  [2:0]  raddr1,
    input  [2:0]  raddr2,
    output [15:0] rdata1,
    output [15:0] rdata2
);
    reg [15:0] regs [1:7];
    integer i;

    always @(posedge clk) begin
        if (rst) begin
            for (i = 1; i < 7; i = i + 1)
                regs[i] <= 16'h0000;
        end else if (we && waddr != 3'd0) begin
            regs[waddr] <= wdata;
        end
    end

    assign rdata1 = (raddr1 == 3'd0) ? 16'h0000 : regs[raddr1];
    assign rdata2 = (raddr2 == 3'd0) ? 16'h0000 : regs[raddr2];
endmodule
