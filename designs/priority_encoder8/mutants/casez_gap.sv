// mutant: casez table misses bit 6 (8'b01?????? falls through to a lower priority)
module priority_encoder8 (
    input      [7:0] req,
    output reg [2:0] idx,
    output reg       valid
);
    always @(*) begin
        valid = |req;
        casez (req)
            8'b1???????: idx = 3'd7;
            8'b001?????: idx = 3'd5;
            8'b0001????: idx = 3'd4;
            8'b00001???: idx = 3'd3;
            8'b000001??: idx = 3'd2;
            8'b0000001?: idx = 3'd1;
            default:     idx = 3'd0;
        endcase
    end
endmodule
