#!/usr/bin/env bash
#===- install-deps.sh - Install the Debian packages quantc builds with ----===#
#
# Installs whatever is missing of quantc's Debian packages with apt-get, as
# root or through sudo. Without either it names the packages to install and
# fails. Every dependency comes from Debian; nothing is downloaded otherwise.
#
# Usage: install-deps.sh [--training]
#   --training  also PyTorch (with OpenBLAS, without which its fp32 is far
#               slower) and the King James Bible text, which only retraining
#               the example models needs (make fashion-mnist-model,
#               make tiny-gpt-model)
#
#===------------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(
  # Build tools.
  cmake ninja-build ccache g++ make git clang-format
  # LLVM and MLIR 22: headers, shared libraries, TableGen, lit and FileCheck.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # The ONNX importer: ONNX's protobuf classes and protobuf itself.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # Unit tests and kernel benchmarks.
  libgtest-dev libbenchmark-dev
  # Scripted tests: Debian's Python with numpy, ONNX and its test data, and
  # real images (opencv-doc) with a reader for them.
  python3 python3-numpy python3-onnx python3-pil libonnx-testdata opencv-doc
  # Installing the Python package with pip into a virtual environment, and
  # pytest, which runs its tests.
  python3-pip python3-setuptools python3-venv python3-pytest
  # Real data for the Fashion-MNIST example model.
  dataset-fashion-mnist
  # AArch64: the cross compiler and C library that link an AArch64 model
  # and its runtime, and qemu-aarch64 that runs them in the tests.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)
if [[ "${1:-}" == "--training" ]]; then
  PACKAGES+=(python3-torch libopenblas0-pthread bible-kjv bible-kjv-text)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo)
else
  echo "quantc needs these Debian packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
