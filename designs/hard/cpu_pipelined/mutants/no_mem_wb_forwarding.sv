// mutant: no forwarding from MEM/WB into EX (distance 2, and every load-use after its stall)
module cpu_pipelined (
    input         clk,
    input         rst,
    output [31:0] imem_addr,
    input  [31:0] imem_rdata,
    output [31:0] dmem_addr,
    output        dmem_re,
    output        dmem_we,
    output [31:0] dmem_wdata,
    input  [31:0] dmem_rdata,
    output        retire_valid,
    output [31:0] retire_pc,
    output [4:0]  retire_rd,
    output [31:0] retire_wdata
);
    // Stage registers are named by the boundary they sit on:
    // pc (before IF), fd_ (IF/ID), de_ (ID/EX), em_ (EX/MEM), mw_ (MEM/WB).
    reg [31:0] pc;
    reg [31:0] regs [1:31];
    integer    i;

    reg        fd_valid;
    reg [31:0] fd_pc, fd_ir;

    reg        de_valid;
    reg [31:0] de_pc, de_ir, de_a, de_b;

    reg        em_valid, em_load, em_store;
    reg [31:0] em_pc, em_res, em_addr, em_wdata;
    reg [4:0]  em_rd;    // 0 when the instruction writes no register

    reg        mw_valid;
    reg [31:0] mw_pc, mw_wdata;
    reg [4:0]  mw_rd;

    // --- decode: one function set, used on the IF/ID and the ID/EX instruction ----------------
    function automatic [3:0] kind(input [31:0] ir);
        // 0 no-op, 1 LUI, 2 AUIPC, 3 JAL, 4 JALR, 5 branch, 6 LW, 7 SW, 8 OP-IMM, 9 OP
        reg [6:0] op; reg [2:0] f3; reg [6:0] f7;
        begin
            op = ir[6:0]; f3 = ir[14:12]; f7 = ir[31:25];
            if (op == 7'h37) kind = 4'd1;
            else if (op == 7'h17) kind = 4'd2;
            else if (op == 7'h6F) kind = 4'd3;
            else if (op == 7'h67 && f3 == 3'd0) kind = 4'd4;
            else if (op == 7'h63 && f3 != 3'd2 && f3 != 3'd3) kind = 4'd5;
            else if (op == 7'h03 && f3 == 3'd2) kind = 4'd6;
            else if (op == 7'h23 && f3 == 3'd2) kind = 4'd7;
            else if (op == 7'h13 && (f3 == 3'd1 ? f7 == 7'h00 : f3 == 3'd5 ? (f7 == 7'h00 || f7 == 7'h20) : 1'b1))
                kind = 4'd8;
            else if (op == 7'h33 && (f7 == 7'h00 || (f7 == 7'h20 && (f3 == 3'd0 || f3 == 3'd5)))) kind = 4'd9;
            else kind = 4'd0;
        end
    endfunction

    localparam [3:0] K_NOP = 4'd0, K_LUI = 4'd1, K_AUIPC = 4'd2, K_JAL = 4'd3, K_JALR = 4'd4,
                     K_BR = 4'd5, K_LW = 4'd6, K_SW = 4'd7, K_OPI = 4'd8, K_OP = 4'd9;

    // --- IF ------------------------------------------------------------------------------------
    assign imem_addr = pc;

    // --- ID ------------------------------------------------------------------------------------
    wire [3:0] fd_kind = kind(fd_ir);
    wire [4:0] fd_rs1  = fd_ir[19:15];
    wire [4:0] fd_rs2  = fd_ir[24:20];
    wire fd_reads1 = fd_kind == K_JALR || fd_kind == K_BR || fd_kind == K_LW || fd_kind == K_SW
                  || fd_kind == K_OPI || fd_kind == K_OP;
    wire fd_reads2 = fd_kind == K_BR || fd_kind == K_SW || fd_kind == K_OP;
    // register file read, with the value being written back in this same cycle passed through
    wire [31:0] id_a = fd_rs1 == 5'd0 ? 32'd0 : (mw_valid && mw_rd == fd_rs1) ? mw_wdata : regs[fd_rs1];
    wire [31:0] id_b = fd_rs2 == 5'd0 ? 32'd0 : (mw_valid && mw_rd == fd_rs2) ? mw_wdata : regs[fd_rs2];

    wire [3:0] de_kind = kind(de_ir);
    wire [4:0] de_rd   = de_ir[11:7];
    wire load_use = fd_valid && de_valid && de_kind == K_LW && de_rd != 5'd0
                 && ((fd_reads1 && fd_rs1 == de_rd) || (fd_reads2 && fd_rs2 == de_rd));

    // --- EX ------------------------------------------------------------------------------------
    wire [4:0]  de_rs1 = de_ir[19:15];
    wire [4:0]  de_rs2 = de_ir[24:20];
    wire [2:0]  f3     = de_ir[14:12];
    // forwarding: EX/MEM (never a load here, the load-use stall sees to that) before MEM/WB
    wire [31:0] ex_a = (em_valid && em_rd != 5'd0 && em_rd == de_rs1) ? em_res
                     : de_a;
    wire [31:0] ex_b = (em_valid && em_rd != 5'd0 && em_rd == de_rs2) ? em_res
                     : de_b;

    wire [31:0] imm_i = {{20{de_ir[31]}}, de_ir[31:20]};
    wire [31:0] imm_s = {{20{de_ir[31]}}, de_ir[31:25], de_ir[11:7]};
    wire [31:0] imm_b = {{19{de_ir[31]}}, de_ir[31], de_ir[7], de_ir[30:25], de_ir[11:8], 1'b0};
    wire [31:0] imm_j = {{11{de_ir[31]}}, de_ir[31], de_ir[19:12], de_ir[20], de_ir[30:21], 1'b0};
    wire [31:0] imm_u = {de_ir[31:12], 12'b0};

    wire [31:0] alu_b = de_kind == K_OP ? ex_b : imm_i;
    wire        alt   = de_ir[30] && (de_kind == K_OP || f3 == 3'd5);
    wire [31:0] sra   = $signed(ex_a) >>> alu_b[4:0];
    reg  [31:0] alu;
    always @* begin
        case (f3)
            3'd0: alu = alt ? ex_a - alu_b : ex_a + alu_b;
            3'd1: alu = ex_a << alu_b[4:0];
            3'd2: alu = {31'b0, $signed(ex_a) < $signed(alu_b)};
            3'd3: alu = {31'b0, ex_a < alu_b};
            3'd4: alu = ex_a ^ alu_b;
            3'd5: alu = alt ? sra : ex_a >> alu_b[4:0];
            3'd6: alu = ex_a | alu_b;
            default: alu = ex_a & alu_b;
        endcase
    end

    reg taken;
    always @* begin
        case (f3)
            3'd0: taken = ex_a == ex_b;
            3'd1: taken = ex_a != ex_b;
            3'd4: taken = $signed(ex_a) < $signed(ex_b);
            3'd5: taken = $signed(ex_a) >= $signed(ex_b);
            3'd6: taken = ex_a < ex_b;
            default: taken = ex_a >= ex_b;
        endcase
    end

    wire [31:0] link = de_pc + 32'd4;
    reg  [31:0] ex_res, target;
    always @* begin
        case (de_kind)
            K_LUI:   ex_res = imm_u;
            K_AUIPC: ex_res = de_pc + imm_u;
            K_JAL, K_JALR: ex_res = link;
            K_OPI, K_OP:   ex_res = alu;
            default: ex_res = 32'd0;
        endcase
        case (de_kind)
            K_JAL:  target = (de_pc + imm_j) & ~32'd3;
            K_JALR: target = (ex_a + imm_i) & ~32'd3;
            default: target = (de_pc + imm_b) & ~32'd3;
        endcase
    end
    wire ex_writes = de_kind == K_LUI || de_kind == K_AUIPC || de_kind == K_JAL || de_kind == K_JALR
                  || de_kind == K_LW || de_kind == K_OPI || de_kind == K_OP;
    wire redirect = de_valid && (de_kind == K_JAL || de_kind == K_JALR || (de_kind == K_BR && taken));

    // --- MEM -----------------------------------------------------------------------------------
    assign dmem_addr  = (em_valid && (em_load || em_store)) ? em_addr : 32'd0;
    assign dmem_re    = em_valid && em_load;
    assign dmem_we    = em_valid && em_store;
    assign dmem_wdata = (em_valid && em_store) ? em_wdata : 32'd0;

    // --- WB ------------------------------------------------------------------------------------
    assign retire_valid = mw_valid;
    assign retire_pc    = mw_valid ? mw_pc : 32'd0;
    assign retire_rd    = mw_valid ? mw_rd : 5'd0;
    assign retire_wdata = mw_valid ? mw_wdata : 32'd0;

    always @(posedge clk) begin
        if (rst) begin
            pc <= 32'd0;
            for (i = 1; i < 32; i = i + 1) regs[i] <= 32'd0;
            fd_valid <= 1'b0; fd_pc <= 32'd0; fd_ir <= 32'd0;
            de_valid <= 1'b0; de_pc <= 32'd0; de_ir <= 32'd0; de_a <= 32'd0; de_b <= 32'd0;
            em_valid <= 1'b0; em_load <= 1'b0; em_store <= 1'b0; em_pc <= 32'd0; em_res <= 32'd0;
            em_addr <= 32'd0; em_wdata <= 32'd0; em_rd <= 5'd0;
            mw_valid <= 1'b0; mw_pc <= 32'd0; mw_wdata <= 32'd0; mw_rd <= 5'd0;
        end else begin
            // WB
            if (mw_valid && mw_rd != 5'd0) regs[mw_rd] <= mw_wdata;
            // MEM -> WB
            mw_valid <= em_valid;
            mw_pc    <= em_pc;
            mw_rd    <= em_valid ? em_rd : 5'd0;
            mw_wdata <= !em_valid || em_rd == 5'd0 ? 32'd0 : em_load ? dmem_rdata : em_res;
            // EX -> MEM
            em_valid <= de_valid;
            em_pc    <= de_pc;
            em_rd    <= (de_valid && ex_writes) ? de_rd : 5'd0;
            em_res   <= ex_res;
            em_load  <= de_kind == K_LW;
            em_store <= de_kind == K_SW;
            em_addr  <= ex_a + (de_kind == K_SW ? imm_s : imm_i);
            em_wdata <= ex_b;
            // ID -> EX: a bubble on a redirect (the ID instruction is on the wrong path) or a stall
            if (redirect || load_use) begin
                de_valid <= 1'b0; de_pc <= 32'd0; de_ir <= 32'd0; de_a <= 32'd0; de_b <= 32'd0;
            end else begin
                de_valid <= fd_valid; de_pc <= fd_pc; de_ir <= fd_ir; de_a <= id_a; de_b <= id_b;
            end
            // IF -> ID and the PC
            if (redirect) begin
                fd_valid <= 1'b0; fd_pc <= 32'd0; fd_ir <= 32'd0;
                pc <= target;
            end else if (!load_use) begin
                fd_valid <= 1'b1; fd_pc <= pc; fd_ir <= imem_rdata;
                pc <= pc + 32'd4;
            end
        end
    end
endmodule
