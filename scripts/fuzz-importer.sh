#!/usr/bin/env bash
#===- fuzz-importer.sh - Fuzz the ONNX importer with libFuzzer ------------===#
#
# Usage: scripts/fuzz-importer.sh [SECONDS]   (default 600)
#
# Installs Debian's clang-22 if missing, builds quantc-import-fuzzer in
# build-fuzz/ (clang, libFuzzer, AddressSanitizer), seeds a corpus with the
# models of ONNX's backend node tests, and fuzzes for SECONDS. Crashes are
# written to build-fuzz/crashes/; the script fails if there is one.
#
#===------------------------------------------------------------------------===#
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}

for pkg in clang-22 libclang-rt-22-dev; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
    echo "fuzz-importer: installing $pkg"
    if [[ $(id -u) -eq 0 ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg"
    else
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg"
    fi
  fi
done

build=build-fuzz
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S . -B $build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=/usr/lib/llvm-22/bin/clang \
    -DCMAKE_CXX_COMPILER=/usr/lib/llvm-22/bin/clang++ \
    -DQUANTC_ENABLE_FUZZER=ON
fi
cmake --build $build --target quantc-import-fuzzer

corpus=$build/corpus
mkdir -p "$corpus" "$build/crashes"
for model in /usr/share/libonnx-testdata/data/node/*/model.onnx; do
  cp -n "$model" "$corpus/$(basename "$(dirname "$model")").onnx"
done
# A model larger than the corpus's largest gains nothing; 1 MiB bounds them.
$build/bin/quantc-import-fuzzer "$corpus" -max_total_time="$seconds" \
  -max_len=1048576 -rss_limit_mb=4096 -timeout=30 \
  -artifact_prefix="$build/crashes/" -print_final_stats=1
