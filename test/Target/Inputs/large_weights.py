"""Checks a library whose weights reach past 2^28 bytes.

The model adds a 64 KiB constant to its input and multiplies the sum by a
256 MiB matrix (1024 x 65536 binary32); the library's weights hold the
matrix first, so the constant lies 2^28 bytes into them. quantc compiles it (the weights
embedded, then in a side file) and both libraries must give numpy's
outputs.

Usage: large_weights.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


F = np.float32

# Runs a library in a process of its own, so that a crash is reported.
RUNNER = r"""
import sys, numpy as np, quantc
library, inputs, output = sys.argv[1:4]
with quantc.load(library) as m:
    np.save(output, m.run({"x": np.load(inputs)})["y"])
"""


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(3)
    bias = rng.standard_normal((16, 1024), dtype=F)
    w = rng.standard_normal((1024, 65536), dtype=F)
    model = os.path.join(work, "model.onnx")
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "bias"], ["h"]),
         helper.make_node("MatMul", ["h", "w"], ["y"])],
        "large",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16, 1024])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16, 65536])],
        [numpy_helper.from_array(bias, "bias"), numpy_helper.from_array(w, "w")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]),
              model, save_as_external_data=True, location="model.data")
    x = rng.standard_normal((16, 1024), dtype=F)
    np.save(os.path.join(work, "x.npy"), x)
    expected = (x + bias).astype(np.float64) @ w.astype(np.float64)
    ok = True
    for label, extra in [("embedded", []), ("external", ["--weights=external"])]:
        library = os.path.join(work, f"lib{label}.so")
        subprocess.run([quantc_bin, "compile", model, "-o", library] + extra, check=True)
        result = subprocess.run(
            [sys.executable, "-c", RUNNER, library, os.path.join(work, "x.npy"),
             os.path.join(work, "y.npy")], env=os.environ)
        if result.returncode != 0:
            print(f"{label} weights: the library FAILED (exit {result.returncode})")
            ok = False
            continue
        y = np.load(os.path.join(work, "y.npy"))
        error = np.abs(y - expected).max() / np.abs(expected).max()
        good = error < 1e-5
        print(f"{label} weights: {'matches numpy' if good else 'DIFFERS from numpy'} "
              f"({error:.2g})")
        ok &= good
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
