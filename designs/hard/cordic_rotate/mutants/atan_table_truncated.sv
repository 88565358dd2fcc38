// mutant: the arctangent table is built with floor instead of round (325, 162, 40, 2, 0 at i = 5, 6, 8, 12, 14)
// Iterative CORDIC, rotation mode: one micro-rotation per clock, 15 iterations.
// Angle: 16-bit binary angle (0x8000 = pi). x, y: signed Q2.14. Gain pre-compensated: x0 = K.
module cordic_rotate (
    input                    clk,
    input                    rst,
    input                    start,
    input      [15:0]        angle,
    output reg signed [15:0] cos_out,
    output reg signed [15:0] sin_out,
    output reg               busy,
    output reg               done
);
    localparam signed [15:0] K = 16'sd9949;
    localparam [3:0] LAST = 4'd14;

    reg signed [15:0] x, y, z;
    reg [3:0] iter;

    function [15:0] atan_entry(input [3:0] i);
        case (i)
            4'd0: atan_entry = 16'd8192;
            4'd1: atan_entry = 16'd4836;
            4'd2: atan_entry = 16'd2555;
            4'd3: atan_entry = 16'd1297;
            4'd4: atan_entry = 16'd651;
            4'd5: atan_entry = 16'd325;
            4'd6: atan_entry = 16'd162;
            4'd7: atan_entry = 16'd81;
            4'd8: atan_entry = 16'd40;
            4'd9: atan_entry = 16'd20;
            4'd10: atan_entry = 16'd10;
            4'd11: atan_entry = 16'd5;
            4'd12: atan_entry = 16'd2;
            4'd13: atan_entry = 16'd1;
            default: atan_entry = 16'd0;
        endcase
    endfunction

    // One micro-rotation, direction from the sign of z (z == 0 rotates counter-clockwise).
    wire signed [15:0] xs = x >>> iter;
    wire signed [15:0] ys = y >>> iter;
    wire signed [15:0] at = atan_entry(iter);
    wire signed [15:0] x_next = z[15] ? x + ys : x - ys;
    wire signed [15:0] y_next = z[15] ? y - xs : y + xs;
    wire signed [15:0] z_next = z[15] ? z + at : z - at;

    always @(posedge clk) begin
        if (rst) begin
            cos_out <= 16'sd0;
            sin_out <= 16'sd0;
            busy    <= 1'b0;
            done    <= 1'b0;
            x       <= 16'sd0;
            y       <= 16'sd0;
            z       <= 16'sd0;
            iter    <= 4'd0;
        end else if (!busy) begin
            done <= 1'b0;
            if (start) begin
                busy <= 1'b1;
                iter <= 4'd0;
                y    <= 16'sd0;
                // Quadrants 01 and 10 (|angle| >= pi/2): rotate by pi first (x0 = -K), z0 = angle - pi.
                if (angle[15] != angle[14]) begin
                    x <= -K;
                    z <= {~angle[15], angle[14:0]};
                end else begin
                    x <= K;
                    z <= angle;
                end
            end
        end else begin
            x    <= x_next;
            y    <= y_next;
            z    <= z_next;
            iter <= iter + 4'd1;
            if (iter == LAST) begin
                busy    <= 1'b0;
                done    <= 1'b1;
                cos_out <= x_next;
                sin_out <= y_next;
            end
        end
    end
endmodule
