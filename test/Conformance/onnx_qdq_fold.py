"""Checks qnn's quantize/dequantize folding against ONNX's backend test data.

For each ONNX QuantizeLinear / DequantizeLinear node test, builds a qnn
function that casts the test's input constant with the test's scale and zero
point, folds it with `quant-opt -canonicalize`, and compares the folded
constant with the test's expected output bit for bit. Values cross as raw
hex, so nothing is lost in printing.

Usage: onnx_qdq_fold.py QUANT_OPT ONNX_NODE_TEST_DIR
"""

import os
import re
import subprocess
import sys

import numpy as np
from onnx import TensorProto, load, numpy_helper

TESTS = [
    "test_quantizelinear",
    "test_quantizelinear_axis",
    "test_dequantizelinear",
    "test_dequantizelinear_axis",
]

STORAGE = {np.dtype(np.uint8): "u8", np.dtype(np.int8): "i8"}


def read_tensor(path):
    proto = TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return numpy_helper.to_array(proto)


def hex_dense(array, mlir_element):
    shape = "x".join(str(d) for d in array.shape)
    data = np.ascontiguousarray(array).tobytes().hex().upper()
    return f'dense<"0x{data}"> : tensor<{shape}{"x" if shape else ""}{mlir_element}>'


def quant_type(scale, zero_point, axis, rank):
    storage = STORAGE[zero_point.dtype]
    if scale.ndim == 0:
        return f"!quant.uniform<{storage}:f32, {float(scale)!r}:{int(zero_point)}>"
    # A 1-D scale quantizes along `axis` (ONNX's default is 1).
    axis = axis % rank
    params = ", ".join(f"{float(s)!r}:{int(z)}" for s, z in zip(scale, zero_point))
    return f"!quant.uniform<{storage}:f32:{axis}, {{{params}}}>"


def node_axis(test_dir):
    node = load(os.path.join(test_dir, "model.onnx")).graph.node[0]
    for attr in node.attribute:
        if attr.name == "axis":
            return attr.i
    return 1


def run_test(quant_opt, test_dir, name):
    data = os.path.join(test_dir, "test_data_set_0")
    x = read_tensor(os.path.join(data, "input_0.pb"))
    scale = read_tensor(os.path.join(data, "input_1.pb"))
    zero_point = read_tensor(os.path.join(data, "input_2.pb"))
    expected = read_tensor(os.path.join(data, "output_0.pb"))
    shape = "x".join(str(d) for d in x.shape)
    qtype = f"tensor<{shape}x{quant_type(scale, zero_point, node_axis(test_dir), x.ndim)}>"
    ftype = f"tensor<{shape}xf32>"
    storage_element = "i8"

    if name.startswith("test_quantize"):
        body = (
            f"  %x = qnn.constant {hex_dense(x, 'f32')} -> {ftype}\n"
            f"  %y = qnn.quantize %x : {ftype} -> {qtype}\n"
            f"  return %y : {qtype}\n")
        result_type = qtype
    else:
        body = (
            f"  %x = qnn.constant {hex_dense(x.view(np.int8), storage_element)} -> {qtype}\n"
            f"  %y = qnn.dequantize %x : {qtype} -> {ftype}\n"
            f"  return %y : {ftype}\n")
        result_type = ftype
    program = f"func.func @main() -> {result_type} {{\n{body}}}\n"

    out = subprocess.run(
        [quant_opt, "-canonicalize", "--mlir-print-elementsattrs-with-hex-if-larger=0"],
        input=program, capture_output=True, text=True)
    if out.returncode != 0:
        return f"quant-opt failed:\n{out.stderr}\n{program}"
    if "qnn.quantize" in out.stdout or "qnn.dequantize" in out.stdout:
        return f"the cast did not fold:\n{out.stdout}"
    match = re.search(r'qnn\.constant dense<"0x([0-9A-F]*)">', out.stdout)
    if not match:
        return f"no folded constant in:\n{out.stdout}"
    raw = bytes.fromhex(match.group(1))
    actual = np.frombuffer(raw, dtype=expected.dtype).reshape(expected.shape)
    if actual.tobytes() != expected.tobytes():
        return f"mismatch:\n  expected {expected.flatten().tolist()}\n  actual   {actual.flatten().tolist()}"
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
