#!/usr/bin/env bash
#===- fetch-onnxruntime.sh - Fetch the reference runtime ------------------===#
#
# Usage: scripts/fetch-onnxruntime.sh [CACHE_DIR]
#
# Installs onnxruntime-node@1.30.0 from the npm registry into CACHE_DIR
# (default .cache/onnxruntime, ignored by git) and prints that folder. Its
# install script would fetch CUDA files, so it is skipped: the package ships
# the CPU library for linux x64 itself.
#
#===------------------------------------------------------------------------===#
set -euo pipefail

dest=${1:-"$(cd "$(dirname "$0")/.." && pwd)/.cache/onnxruntime"}
if [[ ! -f "$dest/node_modules/onnxruntime-node/package.json" ]]; then
  command -v npm >/dev/null || { echo "fetch-onnxruntime: npm is needed" >&2; exit 1; }
  mkdir -p "$dest"
  (cd "$dest" && ONNXRUNTIME_NODE_INSTALL=skip \
     npm install --silent --no-audit --no-fund onnxruntime-node@1.30.0 >/dev/null)
fi
echo "$dest"
