// pkt_filter: packet parser + rule table + Internet checksum + store-and-forward FIFO with rollback.
// Reference design. Modules: pf_rules (drop table), pf_parser (framing, header, checksum, verdict),
// pf_fifo (64-entry FIFO with a committed write pointer), pkt_filter (top: wiring and counters).

module pf_rules (
    input             clk,
    input             rst,
    input             cfg_we,
    input      [1:0]  cfg_addr,
    input      [16:0] cfg_wdata,
    input      [15:0] ptype,
    output            hit
);
    reg [16:0] rule0, rule1, rule2, rule3;

    always @(posedge clk) begin
        if (rst) begin
            rule0 <= 17'd0;
            rule1 <= 17'd0;
            rule2 <= 17'd0;
            rule3 <= 17'd0;
        end else if (cfg_we) begin
            case (cfg_addr)
                2'd0: rule0 <= cfg_wdata;
                2'd1: rule1 <= cfg_wdata;
                2'd2: rule2 <= cfg_wdata;
                default: rule3 <= cfg_wdata;
            endcase
        end
    end

    assign hit = (rule0[16] && rule0[15:0] == ptype) || (rule1[16] && rule1[15:0] == ptype)
              || (rule2[16] && rule2[15:0] == ptype) || (rule3[16] && rule3[15:0] == ptype);
endmodule

module pf_parser (
    input             clk,
    input             rst,
    input             acc,        // a byte is accepted at this edge
    input      [7:0]  data,
    input             sop,
    input             eop,
    input             rule_hit,   // the rule table matches ptype
    output reg [15:0] ptype,
    output            store,      // write this byte into the FIFO
    output            abort,      // discard the uncommitted packet before storing this byte
    output            commit,     // packet ends good: commit everything including this byte
    output            reject,     // packet ends bad: discard everything including this byte
    output            is_first,   // this byte is byte 0 of its packet
    output            ev_malformed_abort,
    output            ev_malformed,
    output            ev_dropped,
    output            ev_bad_csum
);
    reg        in_pkt;
    reg [5:0]  cnt;       // bytes of the current packet so far, saturating at 33
    reg [15:0] plen;
    reg [15:0] sum;       // end-around-carry sum of the completed 16-bit words
    reg [7:0]  hi;        // pending high byte of the current word

    function [15:0] eac(input [15:0] a, input [15:0] b);
        reg [16:0] s;
        begin
            s = {1'b0, a} + {1'b0, b};
            eac = s[15:0] + {15'd0, s[16]};
        end
    endfunction

    wire       start = acc && sop;
    wire       cont  = acc && !sop && in_pkt;
    wire [5:0] pos   = start ? 6'd0 : cnt;
    wire [5:0] count = pos + 6'd1;
    wire       ends  = (start || cont) && eop;

    wire [15:0] sum_base  = start ? 16'd0 : sum;
    wire [15:0] final_sum = pos[0] ? eac(sum_base, {hi, data}) : eac(sum_base, {data, 8'h00});

    wire malformed = (count < 6'd6) || (count > 6'd32) || ({10'd0, count} != plen);

    assign is_first = start;
    assign abort    = start && in_pkt;
    assign store    = start || (cont && cnt < 6'd32);
    assign commit   = ends && !malformed && !rule_hit && final_sum == 16'hFFFF;
    assign reject   = ends && !commit;
    assign ev_malformed_abort = abort;
    assign ev_malformed = ends && malformed;
    assign ev_dropped   = ends && !malformed && rule_hit;
    assign ev_bad_csum  = ends && !malformed && !rule_hit && final_sum != 16'hFFFF;

    always @(posedge clk) begin
        if (rst) begin
            in_pkt <= 1'b0;
            cnt    <= 6'd0;
            plen   <= 16'd0;
            ptype  <= 16'd0;
            sum    <= 16'd0;
            hi     <= 8'd0;
        end else if (start || cont) begin
            in_pkt <= !eop;
            cnt    <= (pos >= 6'd33) ? 6'd33 : count;
            case (pos)
                6'd0: ptype[15:8] <= data;
                6'd1: ptype[7:0]  <= data;
                6'd2: plen[15:8]  <= data;
                6'd3: plen[7:0]   <= data;
                default: ;
            endcase
            if (pos[0]) sum <= eac(sum_base, {hi, data});
            else begin
                hi  <= data;
                sum <= sum_base;
            end
        end
    end
endmodule

module pf_fifo (
    input            clk,
    input            rst,
    input            store,
    input  [9:0]     wdata,     // {sop, eop, data}
    input            abort,
    input            commit,
    input            reject,
    input            rd,
    output           space,     // fewer than 64 entries in use (committed + uncommitted)
    output           avail,     // at least one committed entry
    output [9:0]     rdata
);
    reg [9:0] mem [0:63];
    reg [6:0] wptr, cptr, rptr;

    wire [6:0] base  = abort ? cptr : wptr;
    wire [6:0] wnext = reject ? cptr : (store ? base + 7'd1 : base);

    assign space = (wptr - rptr) != 7'd64;
    assign avail = cptr != rptr;
    assign rdata = mem[rptr[5:0]];

    always @(posedge clk) begin
        if (store) mem[base[5:0]] <= wdata;
    end

    always @(posedge clk) begin
        if (rst) begin
            wptr <= 7'd0;
            cptr <= 7'd0;
            rptr <= 7'd0;
        end else begin
            wptr <= wnext;
            if (commit) cptr <= wnext;
            if (rd) rptr <= rptr + 7'd1;
        end
    end
endmodule

module pkt_filter (
    input             clk,
    input             rst,
    input             in_valid,
    output            in_ready,
    input      [7:0]  in_data,
    input             in_sop,
    input             in_eop,
    output            out_valid,
    input             out_ready,
    output     [7:0]  out_data,
    output            out_sop,
    output            out_eop,
    input             cfg_we,
    input      [1:0]  cfg_addr,
    input      [16:0] cfg_wdata,
    output reg [15:0] cnt_accepted,
    output reg [15:0] cnt_dropped,
    output reg [15:0] cnt_bad_csum,
    output reg [15:0] cnt_malformed
);
    wire        acc = in_valid && in_ready && !rst;
    wire [15:0] ptype;
    wire        hit, store, abort, commit, reject, is_first;
    wire        ev_abort, ev_malformed, ev_dropped, ev_bad;
    wire        space, avail;
    wire [9:0]  rdata;

    pf_rules rules (
        .clk(clk), .rst(rst), .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata),
        .ptype(ptype), .hit(hit)
    );

    pf_parser parser (
        .clk(clk), .rst(rst), .acc(acc), .data(in_data), .sop(in_sop), .eop(in_eop),
        .rule_hit(hit), .ptype(ptype), .store(store), .abort(abort), .commit(commit),
        .reject(reject), .is_first(is_first), .ev_malformed_abort(ev_abort),
        .ev_malformed(ev_malformed), .ev_dropped(ev_dropped), .ev_bad_csum(ev_bad)
    );

    pf_fifo fifo (
        .clk(clk), .rst(rst), .store(store), .wdata({is_first, in_eop, in_data}), .abort(abort),
        .commit(commit), .reject(reject), .rd(out_valid && out_ready), .space(space),
        .avail(avail), .rdata(rdata)
    );

    assign in_ready  = space;
    assign out_valid = avail;
    assign out_data  = avail ? rdata[7:0] : 8'h00;
    assign out_sop   = avail ? rdata[9] : 1'b0;
    assign out_eop   = avail ? rdata[8] : 1'b0;

    always @(posedge clk) begin
        if (rst) begin
            cnt_accepted  <= 16'd0;
            cnt_dropped   <= 16'd0;
            cnt_bad_csum  <= 16'd0;
            cnt_malformed <= 16'd0;
        end else begin
            if (commit) cnt_accepted <= cnt_accepted + 16'd1;
            if (ev_dropped) cnt_dropped <= cnt_dropped + 16'd1;
            if (ev_bad) cnt_bad_csum <= cnt_bad_csum + 16'd1;
            cnt_malformed <= cnt_malformed + {15'd0, ev_abort} + {15'd0, ev_malformed};
        end
    end
endmodule
