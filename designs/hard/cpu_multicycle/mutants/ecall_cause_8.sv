// mutant: ECALL records cause 8 (ECALL from U-mode) instead of 11
module cpu_multicycle (
    input             clk,
    input             rst,
    output     [31:0] imem_addr,
    input      [31:0] imem_rdata,
    output     [31:0] dmem_addr,
    output            dmem_re,
    output            dmem_we,
    output     [31:0] dmem_wdata,
    input      [31:0] dmem_rdata,
    output            retire_valid,
    output     [31:0] retire_pc,
    output     [4:0]  retire_rd,
    output     [31:0] retire_wdata,
    output            retire_trap
);
    localparam [2:0] S_F = 3'd0, S_D = 3'd1, S_E = 3'd2, S_M = 3'd3, S_W = 3'd4;
    localparam [31:0] TRAP_VECTOR = 32'h0000_0200;

    reg [2:0]  state;
    reg [31:0] pc, ir, a, b;
    reg [31:0] res;      // value for rd (ALU result, link address, CSR old value, or loaded word)
    reg [31:0] npc;      // next PC when the instruction does not trap
    reg [31:0] maddr;    // load/store address
    reg        trap;
    reg [3:0]  cause;
    reg        wen;      // writes rd (rd != 0, no trap)
    reg        csr_wen;
    reg [31:0] csr_wval;
    reg [31:0] mepc, mcause;
    reg [31:0] regs [1:31];
    integer    i;

    // --- decode of the instruction register -------------------------------------------------
    wire [6:0]  op  = ir[6:0];
    wire [4:0]  rd  = ir[11:7];
    wire [2:0]  f3  = ir[14:12];
    wire [4:0]  rs1 = ir[19:15];
    wire [4:0]  rs2 = ir[24:20];
    wire [6:0]  f7  = ir[31:25];
    wire [11:0] csr = ir[31:20];
    wire [31:0] imm_i = {{20{ir[31]}}, ir[31:20]};
    wire [31:0] imm_s = {{20{ir[31]}}, ir[31:25], ir[11:7]};
    wire [31:0] imm_b = {{19{ir[31]}}, ir[31], ir[7], ir[30:25], ir[11:8], 1'b0};
    wire [31:0] imm_j = {{11{ir[31]}}, ir[31], ir[19:12], ir[20], ir[30:21], 1'b0};
    wire [31:0] imm_u = {ir[31:12], 12'b0};

    wire is_lui    = op == 7'h37;
    wire is_auipc  = op == 7'h17;
    wire is_jal    = op == 7'h6F;
    wire is_jalr   = op == 7'h67 && f3 == 3'd0;
    wire is_branch = op == 7'h63 && f3 != 3'd2 && f3 != 3'd3;
    wire is_load   = op == 7'h03 && f3 == 3'd2;
    wire is_store  = op == 7'h23 && f3 == 3'd2;
    wire is_opimm  = op == 7'h13 && (f3 == 3'd1 ? f7 == 7'h00 : f3 == 3'd5 ? (f7 == 7'h00 || f7 == 7'h20) : 1'b1);
    wire is_op     = op == 7'h33 && (f7 == 7'h00 || (f7 == 7'h20 && (f3 == 3'd0 || f3 == 3'd5)));
    wire is_ecall  = ir == 32'h0000_0073;
    wire is_ebreak = ir == 32'h0010_0073;
    wire is_mret   = ir == 32'h3020_0073;
    wire is_csr    = op == 7'h73 && (f3 == 3'd1 || f3 == 3'd2) && (csr == 12'h341 || csr == 12'h342);
    wire legal = is_lui | is_auipc | is_jal | is_jalr | is_branch | is_load | is_store | is_opimm | is_op
               | is_ecall | is_ebreak | is_mret | is_csr;

    // --- execute ----------------------------------------------------------------------------
    wire [31:0] alu_b = is_op ? b : imm_i;
    wire        alt   = f7[5] && (is_op || f3 == 3'd5);
    // a separate signed shift: inside the case's ?: an unsigned operand would make >>> logical
    wire [31:0] sra = $signed(a) >>> alu_b[4:0];
    reg  [31:0] alu;
    always @* begin
        case (f3)
            3'd0: alu = alt ? a - alu_b : a + alu_b;
            3'd1: alu = a << alu_b[4:0];
            3'd2: alu = {31'b0, $signed(a) < $signed(alu_b)};
            3'd3: alu = {31'b0, a < alu_b};
            3'd4: alu = a ^ alu_b;
            3'd5: alu = alt ? sra : a >> alu_b[4:0];
            3'd6: alu = a | alu_b;
            default: alu = a & alu_b;
        endcase
    end

    reg taken;
    always @* begin
        case (f3)
            3'd0: taken = a == b;
            3'd1: taken = a != b;
            3'd4: taken = $signed(a) < $signed(b);
            3'd5: taken = $signed(a) >= $signed(b);
            3'd6: taken = a < b;
            default: taken = a >= b;
        endcase
    end

    wire [31:0] pc4       = pc + 32'd4;
    wire [31:0] br_target = pc + imm_b;
    wire [31:0] jal_target = pc + imm_j;
    wire [31:0] jalr_target = (a + imm_i) & ~32'd1;
    wire [31:0] ld_addr   = a + imm_i;
    wire [31:0] st_addr   = a + imm_s;
    wire [31:0] csr_old   = csr == 12'h341 ? mepc : mcause;

    // --- outputs: functions of the state registers only ------------------------------------
    wire in_m = state == S_M;
    wire in_w = state == S_W;
    assign imem_addr    = pc;
    assign dmem_addr    = in_m ? maddr : 32'd0;
    assign dmem_re      = in_m && is_load;
    assign dmem_we      = in_m && is_store;
    assign dmem_wdata   = (in_m && is_store) ? b : 32'd0;
    assign retire_valid = in_w;
    assign retire_pc    = in_w ? pc : 32'd0;
    assign retire_rd    = (in_w && wen) ? rd : 5'd0;
    assign retire_wdata = (in_w && wen) ? res : 32'd0;
    assign retire_trap  = in_w && trap;

    always @(posedge clk) begin
        if (rst) begin
            state  <= S_F;
            pc     <= 32'd0;
            ir     <= 32'd0;
            a      <= 32'd0;
            b      <= 32'd0;
            res    <= 32'd0;
            npc    <= 32'd0;
            maddr  <= 32'd0;
            trap   <= 1'b0;
            cause  <= 4'd0;
            wen    <= 1'b0;
            csr_wen <= 1'b0;
            csr_wval <= 32'd0;
            mepc   <= 32'd0;
            mcause <= 32'd0;
            for (i = 1; i < 32; i = i + 1) regs[i] <= 32'd0;
        end else begin
            case (state)
                S_F: begin
                    ir    <= imem_rdata;
                    state <= S_D;
                end
                S_D: begin
                    a     <= rs1 == 5'd0 ? 32'd0 : regs[rs1];
                    b     <= rs2 == 5'd0 ? 32'd0 : regs[rs2];
                    state <= S_E;
                end
                S_E: begin
                    trap    <= 1'b0;
                    cause   <= 4'd0;
                    wen     <= 1'b0;
                    csr_wen <= 1'b0;
                    npc     <= pc4;
                    res     <= 32'd0;
                    maddr   <= 32'd0;
                    state   <= S_W;
                    if (!legal) begin
                        trap <= 1'b1; cause <= 4'd2;
                    end else if (is_ecall) begin
                        trap <= 1'b1; cause <= 4'd8;
                    end else if (is_ebreak) begin
                        trap <= 1'b1; cause <= 4'd3;
                    end else if (is_mret) begin
                        npc <= mepc;
                    end else if (is_lui) begin
                        res <= imm_u; wen <= rd != 5'd0;
                    end else if (is_auipc) begin
                        res <= pc + imm_u; wen <= rd != 5'd0;
                    end else if (is_opimm || is_op) begin
                        res <= alu; wen <= rd != 5'd0;
                    end else if (is_jal) begin
                        if (jal_target[1:0] != 2'b00) begin
                            trap <= 1'b1; cause <= 4'd0;
                        end else begin
                            npc <= jal_target; res <= pc4; wen <= rd != 5'd0;
                        end
                    end else if (is_jalr) begin
                        if (jalr_target[1:0] != 2'b00) begin
                            trap <= 1'b1; cause <= 4'd0;
                        end else begin
                            npc <= jalr_target; res <= pc4; wen <= rd != 5'd0;
                        end
                    end else if (is_branch) begin
                        if (taken) begin
                            if (br_target[1:0] != 2'b00) begin
                                trap <= 1'b1; cause <= 4'd0;
                            end else begin
                                npc <= br_target;
                            end
                        end
                    end else if (is_load) begin
                        if (ld_addr[1:0] != 2'b00) begin
                            trap <= 1'b1; cause <= 4'd4;
                        end else begin
                            maddr <= ld_addr; wen <= rd != 5'd0; state <= S_M;
                        end
                    end else if (is_store) begin
                        if (st_addr[1:0] != 2'b00) begin
                            trap <= 1'b1; cause <= 4'd6;
                        end else begin
                            maddr <= st_addr; state <= S_M;
                        end
                    end else begin  // CSRRW / CSRRS
                        res      <= csr_old;
                        wen      <= rd != 5'd0;
                        csr_wen  <= f3 == 3'd1 || rs1 != 5'd0;
                        csr_wval <= f3 == 3'd1 ? a : (csr_old | a);
                    end
                end
                S_M: begin
                    if (is_load) res <= dmem_rdata;
                    state <= S_W;
                end
                default: begin  // S_W
                    if (trap) begin
                        mepc   <= pc;
                        mcause <= {28'd0, cause};
                        pc     <= TRAP_VECTOR;
                    end else begin
                        if (wen) regs[rd] <= res;
                        if (csr_wen) begin
                            if (csr == 12'h341) mepc <= {csr_wval[31:2], 2'b00};
                            else mcause <= csr_wval;
                        end
                        pc <= npc;
                    end
                    state <= S_F;
                end
            endcase
        end
    end
endmodule
