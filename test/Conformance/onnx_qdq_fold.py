"""Checks qnn's quantize/dequantize folding against ONNX's backend test data.

For each ONNX QuantizeLinear / DequantizeLinear node test, builds a qnn
function that casts the test's input constant with the test's scale and zero
point, folds it with `quant-opt -canonicalize`, and compares the folded
constant with the test's expected output bit for bit. Values cross as raw
hex, so nothing is lost in printing.

Usage: onnx_qdq_fold.py QUANT_OPT ONNX_NODE_TEST_DIR
"""

import os
import subprocess
import sys

import numpy as np
from onnx import load

from quantc.onnx_data import mlir_dense, parse_mlir_dense, read_test_data_set

TESTS = [
    "test_quantizelinear",
    "test_quantizelinear_axis",
    "test_dequantizelinear",
    "test_dequantizelinear_axis",
]

STORAGE = {np.dtype(np.uint8): "u8", np.dtype(np.int8): "i8"}


def node_axis(test_dir):
    node = load(os.path.join(test_dir, "model.onnx")).graph.node[0]
    for attr in node.attribute:
        if attr.name == "axis":
            return attr.i
    return 1  # ONNX's default


def quant_type(scale, zero_point, axis, rank):
    storage = STORAGE[zero_point.dtype]
    if scale.ndim == 0:
        return f"!quant.uniform<{storage}:f32, {float(scale)!r}:{int(zero_point)}>"
    params = ", ".join(f"{float(s)!r}:{int(z)}" for s, z in zip(scale, zero_point))
    return f"!quant.uniform<{storage}:f32:{axis % rank}, {{{params}}}>"


def run_test(quant_opt, test_dir, name):
    (x, scale, zero_point), (expected,) = read_test_data_set(
        os.path.join(test_dir, "test_data_set_0"))
    dims = "".join(f"{d}x" for d in x.shape)
    qtype = f"tensor<{dims}{quant_type(scale, zero_point, node_axis(test_dir), x.ndim)}>"
    ftype = f"tensor<{dims}f32>"
    if name.startswith("test_quantize"):
        source, cast, result = ftype, "qnn.quantize", qtype
    else:
        source, cast, result = qtype, "qnn.dequantize", ftype
    program = (
        f"func.func @main() -> {result} {{\n"
        f"  %x = qnn.constant {mlir_dense(x)} -> {source}\n"
        f"  %y = {cast} %x : {source} -> {result}\n"
        f"  return %y : {result}\n"
        f"}}\n")

    out = subprocess.run(
        [quant_opt, "-canonicalize", "--mlir-print-elementsattrs-with-hex-if-larger=0"],
        input=program, capture_output=True, text=True)
    if out.returncode != 0:
        return f"quant-opt failed:\n{out.stderr}\n{program}"
    if cast in out.stdout:
        return f"the cast did not fold:\n{out.stdout}"
    actual = parse_mlir_dense(out.stdout, expected.dtype, expected.shape)
    if actual.tobytes() != expected.tobytes():
        return (f"mismatch:\n  expected {expected.flatten().tolist()}\n"
                f"  actual   {actual.flatten().tolist()}")
    return None


def main():
    quant_opt, node_dir = sys.argv[1], sys.argv[2]
    failures = 0
    for name in TESTS:
        error = run_test(quant_opt, os.path.join(node_dir, name), name)
        print(f"{'FAIL' if error else 'PASS'}: {name}")
        if error:
            print(error)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
