"""Compiles a small CNN with `quantc compile` into a shared library, uses it
from a C program through the generated header, and compares the output with
a numpy model of the network. Also checks the API's metadata and its error
for an input of the wrong shape.

With --weights=external, the weights go to cnn.weights beside the library,
and the driver is run again without that file, with the weights file of
another compile and with a truncated one: each time creating a context
fails with a message saying why.

Usage: compile_and_run.py QUANTC WORK_DIR [--weights=external]
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DRIVER = r"""
#include "cnn.h"

#include <stdio.h>

int main(int argc, char **argv) {
  static float x[2 * 3 * 8 * 8], y[2 * 5];
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(x, sizeof(float), 2 * 3 * 8 * 8, in) != 2 * 3 * 8 * 8)
    return 2;
  fclose(in);

  printf("inputs %d outputs %d\n", cnn_num_inputs(), cnn_num_outputs());
  const int64_t *declared = cnn_input_shape(0);
  printf("input %s dtype %d rank %d shape %lld %lld %lld %lld\n",
         cnn_input_name(0), cnn_input_dtype(0), cnn_input_rank(0),
         (long long)declared[0], (long long)declared[1],
         (long long)declared[2], (long long)declared[3]);
  printf("output %s dtype %d rank %d\n", cnn_output_name(0),
         cnn_output_dtype(0), cnn_output_rank(0));
  printf("out of range %s %d\n", cnn_input_name(5) ? "name" : "null",
         cnn_output_rank(-1));

  cnn_context *context = cnn_create();
  if (!context) {
    printf("create failed: %s\n", cnn_last_error(NULL));
    return 3;
  }
  const void *inputs[] = {x};
  int64_t shape[] = {2, 3, 8, 8}, wrong[] = {2, 3, 8, 9}, y_shape[2];
  const int64_t *input_shapes[] = {shape}, *wrong_shapes[] = {wrong};
  void *outputs[] = {y};
  size_t capacities[] = {sizeof y}, small[] = {sizeof y - 1};
  int64_t *output_shapes[] = {y_shape};

  if (cnn_run(context, inputs, wrong_shapes, outputs, capacities, output_shapes))
    printf("wrong shape: %s\n", cnn_last_error(context));
  if (cnn_run(context, inputs, input_shapes, outputs, small, output_shapes))
    printf("small buffer: %s\n", cnn_last_error(context));
  if (cnn_run(context, inputs, input_shapes, outputs, capacities, output_shapes)) {
    printf("run failed: %s\n", cnn_last_error(context));
    return 1;
  }
  printf("output shape %lld %lld\n", (long long)y_shape[0], (long long)y_shape[1]);
  cnn_destroy(context);
  FILE *out = fopen(argv[2], "wb");
  fwrite(y, sizeof(float), 10, out);
  fclose(out);
  return 0;
}
"""


def make_model(path, w, b, fc, fcb):
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
    onnx.save(model, path)


def main():
    quantc, work = sys.argv[1:3]
    weights = sys.argv[3:4] or ["--weights=embedded"]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2, 3, 8, 8)).astype(np.float32)
    w = rng.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32)
    b = rng.uniform(-1, 1, 4).astype(np.float32)
    fc = rng.uniform(-1, 1, (5, 4)).astype(np.float32)
    fcb = rng.uniform(-1, 1, 5).astype(np.float32)

    make_model(os.path.join(work, "cnn.onnx"), w, b, fc, fcb)
    subprocess.run([quantc, "compile", os.path.join(work, "cnn.onnx"),
                    "-o", os.path.join(work, "libcnn.so")] + weights, check=True)
    with open(os.path.join(work, "driver.c"), "w") as f:
        f.write(DRIVER)
    exe = os.path.join(work, "driver")
    subprocess.run(["cc", "-O1", "-Wall", "-Werror", f"-I{work}",
                    os.path.join(work, "driver.c"), "-o", exe, f"-L{work}", "-lcnn",
                    f"-Wl,-rpath,{work}"], check=True)
    x.tofile(os.path.join(work, "x.f32"))
    run = subprocess.run([exe, os.path.join(work, "x.f32"), os.path.join(work, "y.f32")],
                         capture_output=True, text=True)
    print(run.stdout, end="")
    if run.returncode:
        print(f"driver failed ({run.returncode}): {run.stderr}")
        return 1
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
    if weights == ["--weights=external"]:
        ok &= check_weights_errors(quantc, work, exe, w, b, fc, fcb)
    return 0 if ok else 1


def check_weights_errors(quantc, work, exe, w, b, fc, fcb):
    """Runs the driver with the weights file missing, from another compile,
    and truncated; each must fail to create a context."""
    weights = os.path.join(work, "cnn.weights")
    other = os.path.join(work, "other")
    os.makedirs(other, exist_ok=True)
    make_model(os.path.join(other, "cnn.onnx"), 2 * w, b, fc, fcb)
    subprocess.run([quantc, "compile", os.path.join(other, "cnn.onnx"),
                    "-o", os.path.join(other, "libcnn.so"), "--weights=external"],
                   check=True)
    with open(weights, "rb") as f:
        good = f.read()
    with open(os.path.join(other, "cnn.weights"), "rb") as f:
        foreign = f.read()
    ok = True
    for case, contents in (("missing", None), ("foreign", foreign),
                           ("truncated", good[:-4])):
        if os.path.exists(weights):
            os.remove(weights)
        if contents is not None:
            with open(weights, "wb") as f:
                f.write(contents)
        run = subprocess.run([exe, os.path.join(work, "x.f32"), os.path.join(work, "y.f32")],
                             capture_output=True, text=True)
        last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
        print(f"{case}: exit {run.returncode}: {last}")
        ok &= run.returncode == 3
    with open(weights, "wb") as f:
        f.write(good)
    return ok


if __name__ == "__main__":
    sys.exit(main())
