// mutant: full flag asserted at count == 7, so only 7 entries can be stored
module sync_fifo (
    input            clk,
    input            rst,
    input            wr_en,
    input      [7:0] din,
    input            rd_en,
    output reg [7:0] dout,
    output           full,
    output           empty,
    output reg [3:0] count
);
    reg [7:0] mem [0:7];
    reg [2:0] wr_ptr, rd_ptr;

    assign empty = (count == 4'd0);
    assign full  = (count >= 4'd7);

    wire do_rd = rd_en && !empty;
    wire do_wr = wr_en && (!full || do_rd);

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= 3'd0;
            rd_ptr <= 3'd0;
            count  <= 4'd0;
            dout   <= 8'h00;
        end else begin
            if (do_wr) begin
                mem[wr_ptr] <= din;
                wr_ptr <= wr_ptr + 3'd1;
            end
            if (do_rd) begin
                dout   <= mem[rd_ptr];
                rd_ptr <= rd_ptr + 3'd1;
            end
            case ({do_wr, do_rd})
                2'b10: count <= count + 4'd1;
                2'b01: count <= count - 4'd1;
                default: count <= count;
            endcase
        end
    end
endmodule
