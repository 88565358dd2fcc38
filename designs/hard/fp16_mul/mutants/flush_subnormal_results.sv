// mutant: subnormal results are flushed to signed zero (flush-to-zero output)
// IEEE 754 binary16 multiplier, purely combinational.
// Round to nearest, ties to even; subnormal inputs and outputs; canonical quiet NaN 0x7E00;
// flags invalid / overflow / underflow (tininess before rounding, only when inexact) / inexact.
module fp16_mul (
    input  [15:0] a,
    input  [15:0] b,
    output reg [15:0] result,
    output reg        invalid,
    output reg        overflow,
    output reg        underflow,
    output reg        inexact
);
    localparam [15:0] QNAN = 16'h7E00;

    wire       sa = a[15];
    wire       sb = b[15];
    wire [4:0] ea = a[14:10];
    wire [4:0] eb = b[14:10];
    wire [9:0] fa = a[9:0];
    wire [9:0] fb = b[9:0];

    wire a_nan  = (ea == 5'd31) && (fa != 10'd0);
    wire b_nan  = (eb == 5'd31) && (fb != 10'd0);
    wire a_snan = a_nan && !fa[9];
    wire b_snan = b_nan && !fb[9];
    wire a_inf  = (ea == 5'd31) && (fa == 10'd0);
    wire b_inf  = (eb == 5'd31) && (fb == 10'd0);
    wire a_zero = (ea == 5'd0) && (fa == 10'd0);
    wire b_zero = (eb == 5'd0) && (fb == 10'd0);
    wire sign   = sa ^ sb;

    // Significands with the hidden bit; a subnormal has exponent 1 and no hidden bit.
    wire [10:0] ma = {ea != 5'd0, fa};
    wire [10:0] mb = {eb != 5'd0, fb};
    wire [5:0]  xa = (ea == 5'd0) ? 6'd1 : {1'b0, ea};
    wire [5:0]  xb = (eb == 5'd0) ? 6'd1 : {1'b0, eb};
    wire [21:0] p  = ma * mb;   // value = p * 2^(xa + xb - 50)

    reg  [4:0]        lead;     // position of the leading one of p
    reg  signed [8:0] e;        // biased exponent of the exact product
    reg  [4:0]        sh;       // right shift that leaves the kept significand bits
    reg  [45:0]       shifted;
    reg  [11:0]       m;        // rounded significand, hidden bit included (0..2048)
    reg               guard, sticky;
    reg  [16:0]       mag;      // exponent field and fraction, before the overflow check
    integer i;

    always @* begin
        lead = 5'd0;
        for (i = 0; i < 22; i = i + 1)
            if (p[i]) lead = i[4:0];
        e = $signed({4'd0, lead}) + $signed({3'd0, xa}) + $signed({3'd0, xb}) - 9'sd35;
        // Normal: keep 11 bits below and at the leading one. Subnormal: the quantum is 2^-24.
        if (e >= 1) sh = lead - 5'd10;
        else        sh = 5'd26 - xa[4:0] - xb[4:0];
        shifted = {p, 24'd0} >> sh;
        guard   = shifted[23];
        sticky  = |shifted[22:0];
        m       = shifted[35:24] + {11'd0, guard & (sticky | shifted[24])};
        // (exponent - 1) << 10 plus the significand with its hidden bit: a carry out of the
        // rounding moves into the exponent field by itself, and a subnormal that rounds up to
        // 2^-14 becomes the smallest normal.
        mag = ((e >= 1) ? {e[6:0] - 7'd1, 10'd0} : 17'd0) + {5'd0, m};

        result    = {sign, mag[14:0]};
        invalid   = 1'b0;
        overflow  = 1'b0;
        underflow = 1'b0;
        inexact   = 1'b0;
        if (a_nan || b_nan) begin
            result  = QNAN;
            invalid = a_snan || b_snan;
        end else if ((a_inf && b_zero) || (a_zero && b_inf)) begin
            result  = QNAN;
            invalid = 1'b1;
        end else if (a_inf || b_inf) begin
            result = {sign, 15'h7C00};
        end else if (a_zero || b_zero) begin
            result = {sign, 15'h0000};
        end else if (mag >= 17'h07C00) begin
            result   = {sign, 15'h7C00};
            overflow = 1'b1;
            inexact  = 1'b1;
        end else if (e <= 0) begin
            result    = {sign, 15'h0000};
            underflow = 1'b1;
            inexact   = 1'b1;
        end else begin
            inexact   = guard | sticky;
            underflow = (e <= 0) && (guard | sticky);
        end
    end
endmodule
