"""Checks the opset upgrade of `quantc quantize`: an opset 9 model with
Slice, Clip, Squeeze and Softmax (axis 1 of a rank-3 tensor, which opset 13
no longer flattens) around a MatMul is exported with per-channel int8
weights, so at opset 13. The exported model must compile to outputs
identical to `quantc compile --quantize weight-only` of the original, and
list the ops it became.

Usage: check_quantize_opset.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(3)
    w = rng.normal(0, 1, (8, 6)).astype(np.float32)
    nodes = [
        helper.make_node("Slice", ["x"], ["s"], starts=[1], ends=[5], axes=[1]),
        helper.make_node("MatMul", ["s", "w"], ["m"], name="mm"),
        helper.make_node("Clip", ["m"], ["c"], min=-2.0, max=3.0),
        helper.make_node("Softmax", ["c"], ["p"], axis=1),
        helper.make_node("Unsqueeze", ["p"], ["u"], axes=[0]),
        helper.make_node("Squeeze", ["u"], ["y"], axes=[0]),
    ]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4, 6])],
        [numpy_helper.from_array(w, "w")])
    model = os.path.join(work, "model.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 9)]), model)

    exported = os.path.join(work, "model.int8.onnx")
    subprocess.run([quantc_bin, "quantize", model, "--quantize", "weight-only", "-o", exported],
                   check=True)
    upgraded = onnx.load(exported)
    onnx.checker.check_model(upgraded)
    print("opset", [i.version for i in upgraded.opset_import])
    print("ops", " ".join(n.op_type for n in upgraded.graph.node))
    direct = os.path.join(work, "libdirect.so")
    through = os.path.join(work, "libexported.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "weight-only", "-o", direct],
                   check=True)
    subprocess.run([quantc_bin, "compile", exported, "-o", through], check=True)
    x = rng.normal(0, 1, (2, 6, 8)).astype(np.float32)
    with quantc.load(direct) as a, quantc.load(through) as b:
        same = np.array_equal(a.run({"x": x})["y"], b.run({"x": x})["y"])
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
