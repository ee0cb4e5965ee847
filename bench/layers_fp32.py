"""Times single layers of the PaddleOCR models, compiled by quantc, against
onnxruntime: the shapes that dominate rec's and det's time.

Each layer is a one-node ONNX model with seeded random weights and input.
quantc's library is timed with `quantc run --bench N`, onnxruntime with
bench/ort_bench.js at one thread; both report the median of N runs. Prints
a Markdown table with milliseconds, GFLOP/s (2 flops per multiply-add) and
the ratio quantc / onnxruntime.

Usage: layers_fp32.py QUANTC ORT_DIR WORK_DIR [--runs N]
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from timing import time_ort, time_quantc

# name, op, input shape, weight shape, attributes, output shape
LAYERS = [
    ("conv 3x3, 96 to 24, 160x160 (det)", "Conv", (1, 96, 160, 160), (24, 96, 3, 3),
     dict(pads=[1, 1, 1, 1]), (1, 24, 160, 160)),
    ("conv 1x1, 240 to 240, 12x80 (rec)", "Conv", (1, 240, 12, 80), (240, 240, 1, 1),
     {}, (1, 240, 12, 80)),
    ("conv 1x1, 480 to 480, 3x80 (rec)", "Conv", (1, 480, 3, 80), (480, 480, 1, 1),
     {}, (1, 480, 3, 80)),
    ("depthwise 5x5, 240, 12x80 (rec)", "Conv", (1, 240, 12, 80), (240, 1, 5, 5),
     dict(pads=[2, 2, 2, 2], group=240), (1, 240, 12, 80)),
    ("depthwise 3x3 stride 2, 64, 24x160 (rec)", "Conv", (1, 64, 24, 160), (64, 1, 3, 3),
     dict(pads=[1, 1, 1, 1], strides=[2, 2], group=64), (1, 64, 12, 80)),
    ("conv transpose 2x2 stride 2, 24 to 24, 160x160 (det)", "ConvTranspose",
     (1, 24, 160, 160), (24, 24, 2, 2), dict(strides=[2, 2]), (1, 24, 320, 320)),
    ("matmul 40x120 by 120x6625 (rec head)", "MatMul", (1, 40, 120), (120, 6625), {},
     (1, 40, 6625)),
]


def macs(op, x, w, attrs, y):
    if op == "MatMul":
        return int(np.prod(y)) * x[-1]
    if op == "ConvTranspose":
        return int(np.prod(x)) * int(np.prod(w[1:]))
    return int(np.prod(y)) * int(np.prod(w[1:]))


def build(path, op, x, w, attrs, y):
    rng = np.random.default_rng(11)
    inits = [numpy_helper.from_array(rng.uniform(-0.5, 0.5, w).astype(np.float32), "w")]
    inputs = ["x", "w"]
    if op != "MatMul":
        channels = w[1] * attrs.get("group", 1) if op == "ConvTranspose" else w[0]
        inits.append(numpy_helper.from_array(rng.uniform(-1, 1, channels).astype(np.float32),
                                             "b"))
        inputs.append("b")
    node = helper.make_node(op, inputs, ["y"], **attrs)
    graph = helper.make_graph(
        [node], "layer", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quantc")
    parser.add_argument("ort_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)

    print("| layer | quantc (ms) | GFLOP/s | onnxruntime, 1 thread (ms) | GFLOP/s | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for i, (name, op, x, w, attrs, y) in enumerate(LAYERS):
        print(f"{name}: compiling and timing", file=sys.stderr, flush=True)
        model = os.path.join(args.work_dir, f"layer{i}.onnx")
        library = os.path.join(args.work_dir, f"liblayer{i}.so")
        build(model, op, x, w, attrs, y)
        subprocess.run([args.quantc, "compile", model, "-o", library], check=True)
        data = np.random.default_rng(12).uniform(-1, 1, x).astype(np.float32)
        npy, raw = os.path.join(args.work_dir, f"x{i}.npy"), os.path.join(args.work_dir, f"x{i}.f32")
        np.save(npy, data)
        data.tofile(raw)
        ours = time_quantc(args.quantc, library, "x", npy, args.runs)
        theirs = time_ort(args.ort_dir, model, "x", x, raw, 1, args.runs)
        gflop = 2 * macs(op, x, w, attrs, y) / 1e9
        print(f"| {name} | {ours:.3f} | {gflop / ours * 1e3:.1f} | {theirs:.3f} | "
              f"{gflop / theirs * 1e3:.1f} | {ours / theirs:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
