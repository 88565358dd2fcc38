// Drives reference.sv with the programs validate.py writes (imem.hex, dmem.hex, cycles.hex):
// for each program, reset for 2 cycles, then run its cycle count, printing every output once per
// cycle (sampled just before the rising edge that ends the cycle) to out.txt.
`timescale 1ns/1ns
module harness;
    parameter NPROG = 1;
    reg clk = 0, rst = 1;
    reg [31:0] all_imem [0:NPROG*256-1];
    reg [31:0] all_dmem [0:NPROG*256-1];
    reg [31:0] cycles [0:NPROG-1];
    reg [31:0] imem [0:255];
    reg [31:0] dmem [0:255];
    wire [31:0] imem_addr, dmem_addr, dmem_wdata, retire_pc, retire_wdata;
    wire [4:0] retire_rd;
    wire dmem_re, dmem_we, retire_valid, retire_trap;
    wire [31:0] imem_rdata = imem[imem_addr[9:2]];
    wire [31:0] dmem_rdata = dmem[dmem_addr[9:2]];
    integer f, p, i, c;

    cpu_multicycle dut (
        .clk(clk), .rst(rst), .imem_addr(imem_addr), .imem_rdata(imem_rdata),
        .dmem_addr(dmem_addr), .dmem_re(dmem_re), .dmem_we(dmem_we), .dmem_wdata(dmem_wdata),
        .dmem_rdata(dmem_rdata), .retire_valid(retire_valid), .retire_pc(retire_pc),
        .retire_rd(retire_rd), .retire_wdata(retire_wdata), .retire_trap(retire_trap));

    always #5 clk = ~clk;
    always @(posedge clk) if (dmem_we) dmem[dmem_addr[9:2]] <= dmem_wdata;

    initial begin
        $readmemh("imem.hex", all_imem);
        $readmemh("dmem.hex", all_dmem);
        $readmemh("cycles.hex", cycles);
        f = $fopen("out.txt", "w");
        for (p = 0; p < NPROG; p = p + 1) begin
            rst = 1;
            @(negedge clk);
            for (i = 0; i < 256; i = i + 1) begin
                imem[i] = all_imem[p*256 + i];
                dmem[i] = all_dmem[p*256 + i];
            end
            @(negedge clk);
            rst = 0;
            for (c = 0; c < cycles[p]; c = c + 1) begin
                #4;
                $fdisplay(f, "%h %h %h %h %h %h %h %h %h %h", imem_addr, dmem_addr, dmem_re, dmem_we, dmem_wdata,
                          retire_valid, retire_pc, retire_rd, retire_wdata, retire_trap);
                @(negedge clk);
            end
        end
        $fclose(f);
        $finish;
    end
endmodule
