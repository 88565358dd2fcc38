`timescale 1 ps/1 ps

// Golden testbench for vending_machine (VerilogEval conventions).
// Reference is instantiated as vending_machine_ref (good1), design under test as vending_machine (top_module1).

module stimulus_gen (
	input clk,
	output reg rst,
	output reg [1:0] coin,
	output reg cancel
);
	integer i;
	integer seed = 20;
	initial begin
		rst = 1'b1; coin = 2'b00; cancel = 1'b0;
		repeat (2) @(negedge clk);
		rst <= 1'b0;
		// exact: 10 + 10 + 10
		coin <= 2'b10; repeat (3) @(negedge clk);
		coin <= 2'b00; repeat (2) @(negedge clk);
		// 25 + 25 -> change 20
		coin <= 2'b11; repeat (2) @(negedge clk);
		coin <= 2'b00; repeat (2) @(negedge clk);
		// 5 + 25 exact
		coin <= 2'b01; @(negedge clk);
		coin <= 2'b11; @(negedge clk);
		coin <= 2'b00; @(negedge clk);
		// 10, then cancel together with a 5
		coin <= 2'b10; @(negedge clk);
		coin <= 2'b01; cancel <= 1'b1; @(negedge clk);
		coin <= 2'b00; cancel <= 1'b0; repeat (2) @(negedge clk);
		// cancel with no credit
		cancel <= 1'b1; @(negedge clk);
		cancel <= 1'b0; @(negedge clk);
		// 25 then cancel with a quarter: refund 50
		coin <= 2'b11; @(negedge clk);
		cancel <= 1'b1; @(negedge clk);
		coin <= 2'b00; cancel <= 1'b0; repeat (2) @(negedge clk);
		for (i = 0; i < 800; i = i + 1) begin
			@(negedge clk);
			coin <= (($random(seed) % 3) == 0) ? 2'b00 : $random(seed);
			cancel <= ($random(seed) % 12) == 0;
			rst <= ($random(seed) % 120) == 0;
		end
		#1 $finish;
	end
endmodule

module tb();

	typedef struct packed {
		int errors;
		int errortime;
		int errors_credit;
		int errortime_credit;
		int errors_dispense;
		int errortime_dispense;
		int errors_change;
		int errortime_change;
		int clocks;
	} stats;

	stats stats1;

	reg clk = 0;
	initial forever
		#5 clk = ~clk;

	logic rst;
	logic [1:0] coin;
	logic cancel;
	logic [5:0] credit_ref;
	logic [5:0] credit_dut;
	logic dispense_ref;
	logic dispense_dut;
	logic [5:0] change_ref;
	logic [5:0] change_dut;

	wire tb_match;		// Verification
	wire tb_mismatch = ~tb_match;

	initial begin
		$dumpfile("wave.vcd");
		$dumpvars(1, clk, rst, coin, cancel, credit_ref, dispense_ref, change_ref, credit_dut, dispense_dut, change_dut, tb_mismatch);
	end

	stimulus_gen stim1 (.clk(clk), .rst(rst), .coin(coin), .cancel(cancel));

	vending_machine_ref good1 (.clk(clk), .rst(rst), .coin(coin), .cancel(cancel), .credit(credit_ref), .dispense(dispense_ref), .change(change_ref));

	vending_machine top_module1 (.clk(clk), .rst(rst), .coin(coin), .cancel(cancel), .credit(credit_dut), .dispense(dispense_dut), .change(change_dut));

	final begin
		if (stats1.errors_credit) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "credit", stats1.errors_credit, stats1.errortime_credit);
		else $display("Hint: Output '%s' has no mismatches.", "credit");
		if (stats1.errors_dispense) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "dispense", stats1.errors_dispense, stats1.errortime_dispense);
		else $display("Hint: Output '%s' has no mismatches.", "dispense");
		if (stats1.errors_change) $display("Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.", "change", stats1.errors_change, stats1.errortime_change);
		else $display("Hint: Output '%s' has no mismatches.", "change");

		$display("Hint: Total mismatched samples is %1d out of %1d samples\n", stats1.errors, stats1.clocks);
		$display("Simulation finished at %0d ps", $time);
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	// Verification: XORs on the right makes any X in the reference match anything, but X in the DUT only matches X.
	assign tb_match = ( { credit_ref, dispense_ref, change_ref } === ( { credit_ref, dispense_ref, change_ref } ^ { credit_dut, dispense_dut, change_dut } ^ { credit_ref, dispense_ref, change_ref } ) );

	// Compare on both clock edges.
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
		if (credit_ref !== ( credit_ref ^ credit_dut ^ credit_ref ))
		begin if (stats1.errors_credit == 0) stats1.errortime_credit = $time;
			stats1.errors_credit = stats1.errors_credit+1'b1; end
		if (dispense_ref !== ( dispense_ref ^ dispense_dut ^ dispense_ref ))
		begin if (stats1.errors_dispense == 0) stats1.errortime_dispense = $time;
			stats1.errors_dispense = stats1.errors_dispense+1'b1; end
		if (change_ref !== ( change_ref ^ change_dut ^ change_ref ))
		begin if (stats1.errors_change == 0) stats1.errortime_change = $time;
			stats1.errors_change = stats1.errors_change+1'b1; end
	end

	// Timeout guard.
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end

endmodule
