#!/usr/bin/env bash
#===- demo.sh - A short walk through quant-opt on a bundled example -------===#
#
# Usage: scripts/demo.sh BUILD_DIR
#
# Parses and verifies a small quantized classifier block written in qnn,
# folds its weight quantization at compile time, and shows the error a
# malformed graph gets.
#
#===------------------------------------------------------------------------===#
set -euo pipefail

build=${1:?usage: demo.sh BUILD_DIR}
opt="$build/bin/quant-opt"
example=examples/qnn/conv-block.mlir
bad=examples/qnn/bad-conv.mlir

step() { printf '\n== %s\n' "$*"; }

step "1. The dialects quant-opt registers"
"$opt" --help | grep 'Available Dialects'

step "2. Parse and verify $example"
"$opt" "$example" > /dev/null
ops=$("$opt" "$example" | grep -c ' = qnn\.')
echo "verified: $ops qnn ops, per-channel int8 weights, a uint8 activation"

step "3. Canonicalize: the float weights become int8 constants at compile time"
echo "before:"
grep -E 'qnn\.(quantize %w|constant dense<\[\[\[\[0.25)' "$example" | sed 's/^ */  /'
echo "after quant-opt -canonicalize:"
"$opt" "$example" -canonicalize | grep 'tensor<2x1x3x3xi8>' | sed 's/^ */  /'
echo "(scales 0.01 and 0.02 per output channel: 0.25 / 0.01 = 25, -2.0 / 0.02 = -100)"

step "4. A malformed graph gets an error naming the op and the reason"
if "$opt" "$bad" > /dev/null 2> "$build/demo-error.txt"; then
  echo "error: $bad was accepted" >&2
  exit 1
fi
sed 's/^/  /' "$build/demo-error.txt"

step "Done"
echo "quant-opt parsed, verified and folded $example and rejected $bad."
echo "Try: $opt $example -canonicalize"
