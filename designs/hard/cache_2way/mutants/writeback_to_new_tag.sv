// mutant: the write-back goes to the requested line's address instead of the victim's
// cache_2way: 2-way set-associative, write-back, write-allocate cache.
// 8 sets x 2 ways x 16-byte lines; 1 LRU bit per set; line-wide memory port.

// Tag, valid, dirty, LRU and data arrays with the combinational lookup of the current CPU address.
module c2w_arrays (
    input              clk,
    input              rst,
    input      [2:0]   index,
    input      [8:0]   tag,
    output             hit,
    output             hit_way,
    output     [127:0] hit_line,
    output             victim_way,     // way to refill on a miss in this set
    output             victim_dirty,   // that way holds a valid dirty line
    output     [8:0]   victim_tag,
    input              sel_way,        // a second read port: the line of way `sel_way`
    output     [127:0] sel_line,
    // write port: one line of one way, with its new tag and state
    input              we,
    input              we_way,
    input      [8:0]   we_tag,
    input      [127:0] we_line,
    input              we_dirty,
    input              touch,          // make way `touch_way` of set `index` the most recently used
    input              touch_way
);
    reg [8:0]   tags0 [0:7];
    reg [8:0]   tags1 [0:7];
    reg [127:0] data0 [0:7];
    reg [127:0] data1 [0:7];
    reg [7:0]   valid0, valid1, dirty0, dirty1;
    reg [7:0]   lru;   // lru[s]: the least recently used way of set s

    wire hit0 = valid0[index] && tags0[index] == tag;
    wire hit1 = valid1[index] && tags1[index] == tag;
    assign hit      = hit0 || hit1;
    assign hit_way  = hit1;
    assign hit_line = hit1 ? data1[index] : data0[index];

    assign victim_way   = !valid0[index] ? 1'b0 : !valid1[index] ? 1'b1 : lru[index];
    assign victim_dirty = victim_way ? (valid1[index] && dirty1[index]) : (valid0[index] && dirty0[index]);
    assign victim_tag   = victim_way ? tags1[index] : tags0[index];
    assign sel_line     = sel_way ? data1[index] : data0[index];

    always @(posedge clk) begin
        if (rst) begin
            valid0 <= 8'h00;
            valid1 <= 8'h00;
            dirty0 <= 8'h00;
            dirty1 <= 8'h00;
            lru    <= 8'h00;
        end else begin
            if (we) begin
                if (we_way) begin
                    tags1[index]  <= we_tag;
                    data1[index]  <= we_line;
                    valid1[index] <= 1'b1;
                    dirty1[index] <= we_dirty;
                end else begin
                    tags0[index]  <= we_tag;
                    data0[index]  <= we_line;
                    valid0[index] <= 1'b1;
                    dirty0[index] <= we_dirty;
                end
            end
            if (touch) lru[index] <= ~touch_way;
        end
    end
endmodule

// Merge a 32-bit word into a line under byte enables.
module c2w_merge (
    input      [127:0] line,
    input      [1:0]   word,
    input      [31:0]  wdata,
    input      [3:0]   be,
    output reg [127:0] merged
);
    integer b;
    always @* begin
        merged = line;
        for (b = 0; b < 4; b = b + 1)
            if (be[b]) merged[word*32 + b*8 +: 8] = wdata[b*8 +: 8];
    end
endmodule

module cache_2way (
    input              clk,
    input              rst,
    // CPU side
    input              cpu_req,
    input              cpu_we,
    input      [15:0]  cpu_addr,
    input      [31:0]  cpu_wdata,
    input      [3:0]   cpu_be,
    output             cpu_ready,
    output     [31:0]  cpu_rdata,
    // memory side
    output             mem_req,
    output             mem_we,
    output     [11:0]  mem_addr,
    output     [127:0] mem_wdata,
    input              mem_ack,
    input      [127:0] mem_rdata
);
    localparam IDLE = 2'd0, WRITEBACK = 2'd1, REFILL = 2'd2;
    reg [1:0] state;
    reg       way;        // the victim way chosen at the miss
    reg [8:0] wb_tag;     // its tag, for the write-back address

    wire [8:0] tag   = cpu_addr[15:7];
    wire [2:0] index = cpu_addr[6:4];
    wire [1:0] word  = cpu_addr[3:2];

    wire         hit, hit_way, victim_way, victim_dirty;
    wire [127:0] hit_line, sel_line, merged;
    wire [8:0]   victim_tag;

    wire serve = state == IDLE && cpu_req && hit;
    wire miss  = state == IDLE && cpu_req && !hit;
    wire fill  = state == REFILL && mem_ack;

    c2w_merge merge (.line(hit_line), .word(word), .wdata(cpu_wdata), .be(cpu_be), .merged(merged));

    c2w_arrays arrays (
        .clk(clk), .rst(rst), .index(index), .tag(tag),
        .hit(hit), .hit_way(hit_way), .hit_line(hit_line),
        .victim_way(victim_way), .victim_dirty(victim_dirty), .victim_tag(victim_tag),
        .sel_way(way), .sel_line(sel_line),
        .we((serve && cpu_we) || fill),
        .we_way(fill ? way : hit_way),
        .we_tag(tag),
        .we_line(fill ? mem_rdata : merged),
        .we_dirty(!fill),
        .touch(serve || fill),
        .touch_way(fill ? way : hit_way)
    );

    always @(posedge clk) begin
        if (rst) begin
            state  <= IDLE;
            way    <= 1'b0;
            wb_tag <= 9'd0;
        end else begin
            case (state)
                IDLE: if (miss) begin
                    way    <= victim_way;
                    wb_tag <= victim_tag;
                    state  <= victim_dirty ? WRITEBACK : REFILL;
                end
                WRITEBACK: if (mem_ack) state <= REFILL;
                REFILL:    if (mem_ack) state <= IDLE;
                default:   state <= IDLE;
            endcase
        end
    end

    assign cpu_ready = serve;
    assign cpu_rdata = (serve && !cpu_we) ? hit_line[word*32 +: 32] : 32'd0;

    // Nothing writes the set during WRITEBACK, so the victim line is still in the arrays.
    assign mem_req   = state != IDLE;
    assign mem_we    = state == WRITEBACK;
    assign mem_addr  = state == WRITEBACK ? {tag, index} : state == REFILL ? {tag, index} : 12'd0;
    assign mem_wdata = state == WRITEBACK ? sel_line : 128'd0;
endmodule
