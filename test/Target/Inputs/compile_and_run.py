"""Compiles a small CNN with `quantc compile --emit=obj`, links the object
into a C driver that calls its C interface, runs it, and compares the
output with a numpy model of the network.

Usage: compile_and_run.py QUANTC LLVM_LIB_DIR WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DRIVER = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct { float *allocated, *aligned; int64_t offset, sizes[4], strides[4]; } Input;
typedef struct { float *allocated, *aligned; int64_t offset, sizes[2], strides[2]; } Output;
void _mlir_ciface_forward(Output *result, Input *input);

int main(int argc, char **argv) {
  static float x[2 * 3 * 8 * 8];
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(x, sizeof(float), 2 * 3 * 8 * 8, in) != 2 * 3 * 8 * 8)
    return 2;
  fclose(in);
  Input input = {x, x, 0, {2, 3, 8, 8}, {192, 64, 8, 1}};
  Output output;
  _mlir_ciface_forward(&output, &input);
  FILE *out = fopen(argv[2], "wb");
  fwrite(output.aligned + output.offset, sizeof(float),
         output.sizes[0] * output.sizes[1], out);
  fclose(out);
  free(output.allocated);
  return 0;
}
"""


def main():
    quantc, llvm_lib, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2, 3, 8, 8)).astype(np.float32)
    w = rng.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32)
    b = rng.uniform(-1, 1, 4).astype(np.float32)
    fc = rng.uniform(-1, 1, (5, 4)).astype(np.float32)
    fcb = rng.uniform(-1, 1, 5).astype(np.float32)

    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "fc", "fcb"], ["y"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 5])],
        [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (b, "b"), (fc, "fc"), (fcb, "fcb"))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(model, os.path.join(work, "cnn.onnx"))

    subprocess.run([quantc, "compile", os.path.join(work, "cnn.onnx"), "--emit=obj",
                    "-o", os.path.join(work, "cnn.o")], check=True)
    with open(os.path.join(work, "driver.c"), "w") as f:
        f.write(DRIVER)
    exe = os.path.join(work, "driver")
    subprocess.run(["cc", "-O1", os.path.join(work, "driver.c"), os.path.join(work, "cnn.o"),
                    "-o", exe, f"-L{llvm_lib}", "-lmlir_c_runner_utils", "-lm",
                    f"-Wl,-rpath,{llvm_lib}"], check=True)
    x.tofile(os.path.join(work, "x.f32"))
    subprocess.run([exe, os.path.join(work, "x.f32"), os.path.join(work, "y.f32")], check=True)
    actual = np.fromfile(os.path.join(work, "y.f32"), np.float32).reshape(2, 5)

    # numpy model in float64.
    xp = np.pad(x.astype(np.float64), [(0, 0), (0, 0), (1, 1), (1, 1)])
    conv = np.zeros((2, 4, 4, 4))
    for i in range(4):
        for j in range(4):
            patch = xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].reshape(2, -1)
            conv[:, :, i, j] = patch @ w.reshape(4, -1).T.astype(np.float64) + b
    pooled = np.maximum(conv, 0).mean(axis=(2, 3))
    expected = pooled @ fc.T.astype(np.float64) + fcb

    error = np.abs(actual - expected)
    print(f"max abs error {error.max():.3g}")
    ok = bool(np.all(error <= 1e-6 + 1e-5 * np.abs(expected)))
    print("MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
