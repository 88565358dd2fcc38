// mutant: running disparity resets to RD+ instead of RD-
// 8b/10b encoder (IEEE 802.3 clause 36, Widmer-Franaszek), registered output, 1 cycle latency.
// code[9:0] = {a,b,c,d,e,i,f,g,h,j}; code[9] (a) is transmitted first.
module enc8b10b (
    input            clk,
    input            rst,
    input            valid,
    input            k,
    input      [7:0] data,
    output reg [9:0] code,
    output reg       code_valid,
    output reg       err,
    output reg       rd
);
    // 6b code (abcdei) for the RD- column; the RD+ column is its complement for
    // unbalanced codes and for D.7, and the same code otherwise.
    function [5:0] six_minus(input [4:0] x);
        case (x)
            5'd0:  six_minus = 6'b100111;
            5'd1:  six_minus = 6'b011101;
            5'd2:  six_minus = 6'b101101;
            5'd3:  six_minus = 6'b110001;
            5'd4:  six_minus = 6'b110101;
            5'd5:  six_minus = 6'b101001;
            5'd6:  six_minus = 6'b011001;
            5'd7:  six_minus = 6'b111000;
            5'd8:  six_minus = 6'b111001;
            5'd9:  six_minus = 6'b100101;
            5'd10: six_minus = 6'b010101;
            5'd11: six_minus = 6'b110100;
            5'd12: six_minus = 6'b001101;
            5'd13: six_minus = 6'b101100;
            5'd14: six_minus = 6'b011100;
            5'd15: six_minus = 6'b010111;
            5'd16: six_minus = 6'b011011;
            5'd17: six_minus = 6'b100011;
            5'd18: six_minus = 6'b010011;
            5'd19: six_minus = 6'b110010;
            5'd20: six_minus = 6'b001011;
            5'd21: six_minus = 6'b101010;
            5'd22: six_minus = 6'b011010;
            5'd23: six_minus = 6'b111010;
            5'd24: six_minus = 6'b110011;
            5'd25: six_minus = 6'b100110;
            5'd26: six_minus = 6'b010110;
            5'd27: six_minus = 6'b110110;
            5'd28: six_minus = 6'b001110;
            5'd29: six_minus = 6'b101110;
            5'd30: six_minus = 6'b011110;
            default: six_minus = 6'b101011;
        endcase
    endfunction

    function [2:0] ones6(input [5:0] v);
        ones6 = v[0] + v[1] + v[2] + v[3] + v[4] + v[5];
    endfunction

    function [2:0] ones4(input [3:0] v);
        ones4 = v[0] + v[1] + v[2] + v[3];
    endfunction

    // 4b code (fghj) for the RD- column.
    function [3:0] four_minus(input [2:0] y, input kk);
        case (y)
            3'd0: four_minus = 4'b1011;
            3'd1: four_minus = kk ? 4'b0110 : 4'b1001;
            3'd2: four_minus = kk ? 4'b1010 : 4'b0101;
            3'd3: four_minus = 4'b1100;
            3'd4: four_minus = 4'b1101;
            3'd5: four_minus = kk ? 4'b0101 : 4'b1010;
            3'd6: four_minus = kk ? 4'b1001 : 4'b0110;
            default: four_minus = 4'b1110;
        endcase
    endfunction

    wire [4:0] x = data[4:0];
    wire [2:0] y = data[7:5];

    // Valid K-codes: K28.0-K28.7, K23.7, K27.7, K29.7, K30.7.
    wire k28   = (x == 5'd28);
    wire k_x7  = (y == 3'd7) && (x == 5'd23 || x == 5'd27 || x == 5'd29 || x == 5'd30);
    wire k_ok  = k28 || k_x7;
    wire kc    = k && k_ok;           // encode as a control character
    wire bad_k = k && !k_ok;          // invalid K request: encoded as data, err raised

    // 6b sub-block, chosen by the running disparity at the start of the character.
    wire [5:0] s_m   = kc && k28 ? 6'b001111 : six_minus(x);
    wire       s_unb = (ones6(s_m) != 3'd3) || (s_m == 6'b111000);
    wire [5:0] s6    = (rd && s_unb) ? ~s_m : s_m;
    wire       s_flip = (ones6(s6) != 3'd3);
    wire       rd_mid = rd ^ s_flip;

    // 4b sub-block, chosen by the running disparity after the 6b sub-block.
    wire use_a7 = (y == 3'd7) &&
                  (kc || (!rd_mid && (x == 5'd17 || x == 5'd18 || x == 5'd20)) ||
                         ( rd_mid && (x == 5'd11 || x == 5'd13 || x == 5'd14)));
    wire [3:0] f_m   = use_a7 ? 4'b0111 : four_minus(y, kc && k28);
    // Unbalanced codes, D.x.3 and every K28 code have two forms: the RD+ form is the complement.
    wire       f_two = (ones4(f_m) != 3'd2) || (f_m == 4'b1100) || (kc && k28);
    wire [3:0] f4    = (rd_mid && f_two) ? ~f_m : f_m;
    wire       f_flip = (ones4(f4) != 3'd2);
    wire       rd_end = rd_mid ^ f_flip;

    always @(posedge clk) begin
        if (rst) begin
            code       <= 10'd0;
            code_valid <= 1'b0;
            err        <= 1'b0;
            rd         <= 1'b1;
        end else begin
            code_valid <= valid;
            err        <= valid && bad_k;
            if (valid) begin
                code <= {s6, f4};
                rd   <= rd_end;
            end
        end
    end
endmodule
