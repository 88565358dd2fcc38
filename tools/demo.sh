#!/usr/bin/env bash
# The main job: check a design from designs/ with the simulator in the loop.
set -euo pipefail
cd "$(dirname "$0")/.."
design="${DESIGN:-designs/uart_tx}"
[ -d "$design" ] || design=designs/mux4
top=$(python -c "import tomllib,sys; print(tomllib.load(open(sys.argv[1],'rb'))['top'])" "$design/design.toml")
echo "== veriassist check: the reference of $design against its golden testbench"
veriassist check "$design/reference.sv" --tb "$design/testbench.sv" --ref "$design/reference.sv" --top "$top"
mutant=$(ls "$design"/mutants/*.sv | head -1)
echo
echo "== veriassist check: a wrong implementation ($mutant); the feedback below is what a model receives"
veriassist check "$mutant" --tb "$design/testbench.sv" --ref "$design/reference.sv" --top "$top" || true
