#!/usr/bin/env bash
# The main job: VeriAssist on a design from designs/.
#   1. the simulator in the loop: the design's reference and a wrong version, checked
#      against the golden testbench (the second shows the feedback a model receives);
#   2. `veriassist generate` on the design's spec: the model writes RTL and a cocotb
#      testbench, self-verifies, and self-corrects from the simulator's evidence.
# Choose the model with arguments (bash tools/demo.sh --model openai:gpt-4o-mini), with
# VERIASSIST_MODEL / VERIASSIST_BASE_URL, or in veriassist.toml. With none it says how.
# DESIGN=designs/NAME picks the design, OUT=DIR where generate writes.
set -euo pipefail
cd "$(dirname "$0")/.."
design="${DESIGN:-designs/uart_tx}"
[ -d "$design" ] || design=designs/mux4
out="${OUT:-out/$(basename "$design")}"
top=$(python -c "import tomllib,sys; print(tomllib.load(open(sys.argv[1],'rb'))['top'])" "$design/design.toml")
echo "== veriassist check: the reference of $design against its golden testbench"
veriassist check "$design/reference.sv" --tb "$design/testbench.sv" --ref "$design/reference.sv" --top "$top"
mutant=$(ls "$design"/mutants/*.sv | head -1)
echo
echo "== veriassist check: a wrong implementation ($mutant); the feedback below is what a model receives"
veriassist check "$mutant" --tb "$design/testbench.sv" --ref "$design/reference.sv" --top "$top" || true

echo
echo "== veriassist generate $design -o $out $*"
status=0
veriassist generate "$design" -o "$out" "$@" || status=$?
case "$status" in
  0) echo "the design passes its golden testbench: $out/${top}.sv, $out/test_${top}.py, $out/transcript.md" ;;
  1) echo "the loop did not reach a passing design within its budget; see $out/transcript.md" ;;
  *)
    # A usage or provider error (no model configured, bad key, server down): generate said
    # exactly what and how to fix it above. The demo itself has done its part.
    echo "(generate could not run: configure a model as shown above, then run: bash tools/demo.sh --model ...)"
    ;;
esac
