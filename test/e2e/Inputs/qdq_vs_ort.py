"""Runs QDQ models (quantized with constant scales, as quantization tools
and quantization-aware training write them) and a QOperator model
(QLinearConv, QLinearMatMul) through quantc and onnxruntime.

Each model is built here with onnx.helper: QuantizeLinear and
DequantizeLinear pairs around Conv, MatMul and Gemm, with per-channel int8
weights, int32 biases and u8/s8 activations. onnxruntime runs it with all
graph optimizations, which fold the pairs into its integer kernels
(QLinearConv, QLinearMatMul). The outputs are dequantized, so a difference
divided by the output scale counts quantization steps; the script prints the
largest count per model and the share of outputs that are identical, and
fails past one step.

Usage: qdq_vs_ort.py QUANTC ORT_DIR WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc


def qdq(nodes, inits, name, scale, zero_point, dtype, axis=None):
    """Appends QuantizeLinear then DequantizeLinear of tensor `name`."""
    inits.append(numpy_helper.from_array(np.array(scale, np.float32), name + "_s"))
    inits.append(numpy_helper.from_array(np.array(zero_point, dtype), name + "_z"))
    extra = {} if axis is None else {"axis": axis}
    nodes.append(helper.make_node("QuantizeLinear", [name, name + "_s", name + "_z"],
                                  [name + "_q"], **extra))
    nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"],
                                  [name + "_dq"], **extra))
    return name + "_dq"


def const_weight(nodes, inits, name, values, scale, axis=None, dtype=np.int8):
    """A stored integer initializer and its DequantizeLinear."""
    inits.append(numpy_helper.from_array(values.astype(dtype), name + "_q"))
    inits.append(numpy_helper.from_array(np.array(scale, np.float32), name + "_s"))
    zero = np.zeros(np.shape(scale), dtype)
    inits.append(numpy_helper.from_array(zero, name + "_z"))
    extra = {} if axis is None else {"axis": axis}
    nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"],
                                  [name + "_dq"], **extra))
    return name + "_dq"


def conv_model(rng):
    nodes, inits = [], []
    x = qdq(nodes, inits, "x", 0.02, 128, np.uint8)
    w_scale = rng.uniform(0.002, 0.01, 8).astype(np.float32)
    w = const_weight(nodes, inits, "w", rng.integers(-127, 128, (8, 3, 3, 3)), w_scale, 0)
    b = const_weight(nodes, inits, "b", rng.integers(-500, 500, 8),
                     (np.float32(0.02) * w_scale).astype(np.float32), 0, np.int32)
    nodes.append(helper.make_node("Conv", [x, w, b], ["c"], pads=[1, 1, 1, 1], strides=[2, 2]))
    nodes.append(helper.make_node("Relu", ["c"], ["r"]))
    y = qdq(nodes, inits, "r", 0.04, 0, np.uint8)
    nodes.append(helper.make_node("Identity", [y], ["y"]))
    return nodes, inits, [1, 3, 16, 16], [1, 8, 8, 8], 0.04


def matmul_model(rng):
    nodes, inits = [], []
    x = qdq(nodes, inits, "x", 0.015, -3, np.int8)
    w = const_weight(nodes, inits, "w", rng.integers(-127, 128, (32, 16)),
                     rng.uniform(0.002, 0.01, 16).astype(np.float32), 1)
    nodes.append(helper.make_node("MatMul", [x, w], ["m"]))
    y = qdq(nodes, inits, "m", 0.05, 10, np.int8)
    nodes.append(helper.make_node("Identity", [y], ["y"]))
    return nodes, inits, [2, 5, 32], [2, 5, 16], 0.05


def qlinear_model(rng):
    """x -> QuantizeLinear -> QLinearConv -> QLinearMatMul -> DequantizeLinear,
    every parameter an initializer: a model quantized in the QOperator
    format."""
    f32 = lambda v: np.array(v, np.float32)
    inits = []

    def add(name, value):
        inits.append(numpy_helper.from_array(value, name))
        return name

    w_scale = rng.uniform(0.002, 0.01, 4).astype(np.float32)
    nodes = [
        helper.make_node("QuantizeLinear", ["x", add("xs", f32(0.03)),
                                             add("xz", np.array(120, np.uint8))], ["xq"]),
        helper.make_node("QLinearConv", ["xq", "xs", "xz",
                                         add("w", rng.integers(-127, 128, (4, 2, 3, 3)).astype(np.int8)),
                                         add("ws", w_scale), add("wz", np.zeros(4, np.int8)),
                                         add("cs", f32(0.05)), add("cz", np.array(100, np.uint8)),
                                         add("b", rng.integers(-300, 300, 4).astype(np.int32))],
                         ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("QLinearMatMul", ["c", "cs", "cz",
                                           add("m", rng.integers(-127, 128, (6, 5)).astype(np.int8)),
                                           add("ms", f32(0.02)), add("mz", np.array(0, np.int8)),
                                           add("ys", f32(0.1)), add("yz", np.array(128, np.uint8))],
                         ["yq"]),
        helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"]),
    ]
    return nodes, inits, [1, 2, 6, 6], [1, 4, 6, 5], 0.1


def main():
    quantc_bin, ort_dir, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(3)
    ok = True
    for name, build in [("conv", conv_model), ("matmul", matmul_model),
                        ("qlinear", qlinear_model)]:
        nodes, inits, in_shape, out_shape, out_scale = build(rng)
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 7
        onnx.checker.check_model(model)
        path = os.path.join(work, name + ".onnx")
        onnx.save(model, path)

        x = rng.uniform(-2.5, 2.5, in_shape).astype(np.float32)
        x.tofile(os.path.join(work, name + ".in"))
        subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.js"),
                        ort_dir, path, "x", ",".join(map(str, in_shape)),
                        os.path.join(work, name + ".in"), os.path.join(work, name + ".ort")],
                       check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, ORT_OPTIMIZATION="all"))
        expected = np.fromfile(os.path.join(work, name + ".ort"), np.float32).reshape(out_shape)
        library = os.path.join(work, f"lib{name}.so")
        subprocess.run([quantc_bin, "compile", path, "-o", library], check=True)
        with quantc.load(library) as compiled:
            actual = compiled.run({"x": x})["y"]
        steps = np.abs(actual.astype(np.float64) - expected) / out_scale
        worst = float(np.round(steps.max(), 3))
        same = float(np.mean(steps < 1e-3))
        print(f"{name}: max {worst:g} steps, {100 * same:.1f}% identical")
        ok = ok and worst <= 1.0
    print("MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
