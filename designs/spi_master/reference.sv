module spi_master (
    input            clk,
    input            rst,
    input            start,
    input      [7:0] tx_data,
    input            miso,
    output reg       sclk,
    output reg       mosi,
    output reg       cs_n,
    output reg       busy,
    output reg       done,
    output reg [7:0] rx_data
);
    reg [4:0] step;
    reg [7:0] txsh;
    reg [7:0] rxsh;

    always @(posedge clk) begin
        if (rst) begin
            sclk    <= 1'b0;
            mosi    <= 1'b0;
            cs_n    <= 1'b1;
            busy    <= 1'b0;
            done    <= 1'b0;
            rx_data <= 8'h00;
            step    <= 5'd0;
            txsh    <= 8'h00;
            rxsh    <= 8'h00;
        end else begin
            done <= 1'b0;
            if (!busy) begin
                if (start) begin
                    busy <= 1'b1;
                    cs_n <= 1'b0;
                    sclk <= 1'b0;
                    txsh <= tx_data;
                    mosi <= tx_data[7];
                    step <= 5'd0;
                end
            end else begin
                step <= step + 5'd1;
                case (step[1:0])
                    2'd1: begin
                        sclk <= 1'b1;
                        rxsh <= {rxsh[6:0], miso};
                    end
                    2'd3: begin
                        sclk <= 1'b0;
                        if (step == 5'd31) begin
                            mosi    <= 1'b0;
                            cs_n    <= 1'b1;
                            busy    <= 1'b0;
                            done    <= 1'b1;
                            rx_data <= rxsh;
                        end else begin
                            txsh <= {txsh[6:0], 1'b0};
                            mosi <= txsh[6];
                        end
                    end
                    default: ;
                endcase
            end
        end
    end
endmodule
