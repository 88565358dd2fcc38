// mutant: MG timer wraps 7 -> 0 instead of saturating, so a late car waits up to 8 extra cycles
module traffic_light (
    input            clk,
    input            rst,
    input            car_side,
    output reg [2:0] main_light,
    output reg [2:0] side_light
);
    localparam MG = 2'd0, MY = 2'd1, SG = 2'd2, SY = 2'd3;
    localparam GREEN = 3'b001, YELLOW = 3'b010, RED = 3'b100;
    reg [1:0] state;
    reg [2:0] timer;

    always @(posedge clk) begin
        if (rst) begin
            state <= MG;
            timer <= 3'd0;
        end else begin
            case (state)
                MG: if (timer == 3'd7 && car_side) begin
                        state <= MY; timer <= 3'd0;
                    end else
                        timer <= timer + 3'd1;
                MY: if (timer == 3'd1) begin
                        state <= SG; timer <= 3'd0;
                    end else
                        timer <= timer + 3'd1;
                SG: if (timer == 3'd4) begin
                        state <= SY; timer <= 3'd0;
                    end else
                        timer <= timer + 3'd1;
                default: if (timer == 3'd1) begin
                        state <= MG; timer <= 3'd0;
                    end else
                        timer <= timer + 3'd1;
            endcase
        end
    end

    always @(*) begin
        case (state)
            MG: begin main_light = GREEN;  side_light = RED;    end
            MY: begin main_light = YELLOW; side_light = RED;    end
            SG: begin main_light = RED;    side_light = GREEN;  end
            default: begin main_light = RED; side_light = YELLOW; end
        endcase
    end
endmodule
