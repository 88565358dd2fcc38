module vending_machine (
    input            clk,
    input            rst,
    input      [1:0] coin,
    input            cancel,
    output reg [5:0] credit,
    output reg       dispense,
    output reg [5:0] change
);
    reg [5:0] value;
    wire [5:0] total = credit + value;

    always @(*) begin
        case (coin)
            2'b01:   value = 6'd5;
            2'b10:   value = 6'd10;
            2'b11:   value = 6'd25;
            default: value = 6'd0;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            credit   <= 6'd0;
            dispense <= 1'b0;
            change   <= 6'd0;
        end else if (cancel) begin
            change   <= total;
            credit   <= 6'd0;
            dispense <= 1'b0;
        end else if (total >= 6'd30) begin
            dispense <= 1'b1;
            change   <= total - 6'd30;
            credit   <= 6'd0;
        end else begin
            dispense <= 1'b0;
            change   <= 6'd0;
            credit   <= total;
        end
    end
endmodule
