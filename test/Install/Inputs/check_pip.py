"""Imports the pip-installed quantc package and compiles a one-node model
with it (Relu, written with quantc.onnx_text), then runs it.

Usage: check_pip.py WORK_DIR
"""

import importlib.metadata
import os
import sys

import numpy as np

import quantc
from quantc.onnx_text import parse_model_text


def main():
    work = sys.argv[1]
    venv = os.path.join(work, "venv")
    inside = os.path.realpath(quantc.__file__).startswith(os.path.realpath(venv))
    print("quantc", importlib.metadata.version("quantc"), "from the venv:",
          "yes" if inside else "NO: " + quantc.__file__)
    path = os.path.join(work, "relu.onnx")
    with open(path, "wb") as f:
        f.write(parse_model_text("""<ir_version: 8, opset_import: ["" : 17]>
relu (float[2,3] x) => (float[2,3] y) { y = Relu(x) }""").SerializeToString())
    model = quantc.compile(path, output=os.path.join(work, "out", "librelu.so"))
    print("compiled:", ", ".join(i.name for i in model.inputs), "->",
          ", ".join(o.name for o in model.outputs))
    x = np.array([[-1, 2, -3], [4, -5, 6]], np.float32)
    y = model.run({"x": x})["y"]
    print("y = relu(x):", "yes" if np.array_equal(y, np.maximum(x, 0)) else f"NO: {y}")


if __name__ == "__main__":
    main()
