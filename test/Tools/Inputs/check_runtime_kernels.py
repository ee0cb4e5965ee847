"""Checks that quantized contractions compiled to calls to the runtime's
int8 kernels give the integers of the generic loops, bit for bit.

The model has every shape the kernels take: a grouped 3x3 convolution with
stride 2 and padding, a 1x1 convolution, a 5x5 one whose taps are not a
multiple of 4, a depthwise one, a MatMul over a batch of rows, a Gemm
with a transposed weight, and a MatMul of two activations (the MatMul's
result by its transpose, as attention's scores are), quantized only on the
integer-only path.
quantc compiles it with static int8 quantization (u8, then s8
activations, then u8 with --integer-only) twice: with the kernels (the
default) and with --generic-kernels. Both run on random inputs, the kernel library once with
the best kernels of this CPU and once with QUANTC_KERNELS=generic (the
portable C kernels); every output must be identical.

Usage: check_runtime_kernels.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = np.float32

RUNNER = r"""
import sys, numpy as np, quantc
library, inputs, output = sys.argv[1:4]
data = np.load(inputs)
with quantc.load(library) as m:
    results = []
    for i in range(data.shape[0]):
        out = m.run({"x": data[i]})
        results.append(np.concatenate([out["y"].ravel(), out["z"].ravel()]))
np.save(output, np.stack(results))
"""


def build_model(path, rng):
    def weight(name, shape, scale=0.3):
        return numpy_helper.from_array(rng.normal(0, scale, shape).astype(F), name)

    inits = [weight("w1", (12, 4, 3, 3)), weight("b1", (12,), 0.1),
             weight("wd", (12, 1, 3, 3)),
             weight("w2", (16, 12, 1, 1)), weight("b2", (16,), 0.1),
             weight("w3", (8, 16, 5, 5), 0.05),
             weight("wm", (24, 20)), weight("wg", (7, 20)), weight("bg", (7,), 0.1),
             numpy_helper.from_array(np.array([1, 8, 24], np.int64), "shape")]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="grouped",
                         kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], group=2),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "wd"], ["d1"], name="depthwise",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=12),
        helper.make_node("Conv", ["d1", "w2", "b2"], ["c2"], name="pointwise",
                         kernel_shape=[1, 1]),
        helper.make_node("Conv", ["c2", "w3"], ["c3"], name="wide",
                         kernel_shape=[5, 5], pads=[2, 2, 2, 2]),
        helper.make_node("Reshape", ["c3", "shape"], ["rows"]),
        helper.make_node("MatMul", ["rows", "wm"], ["m1"], name="matmul"),
        helper.make_node("Reshape", ["m1", "shape2"], ["flat"]),
        helper.make_node("Gemm", ["flat", "wg", "bg"], ["y"], name="gemm", transB=1),
        helper.make_node("Transpose", ["m1"], ["m1t"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["m1", "m1t"], ["z"], name="scores"),
    ]
    inits.append(numpy_helper.from_array(np.array([8, 20], np.int64), "shape2"))
    graph = helper.make_graph(
        nodes, "kernels", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 12, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 7]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 8, 8])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def run(library, inputs, output, env=None):
    subprocess.run([sys.executable, "-c", RUNNER, library, inputs, output], check=True,
                   env=env)
    return np.load(output)


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(os.path.join(work, "calibration"), exist_ok=True)
    rng = np.random.default_rng(5)
    model = os.path.join(work, "model.onnx")
    build_model(model, rng)
    for i in range(16):
        np.save(os.path.join(work, "calibration", f"s{i:02}.npy"),
                rng.normal(0.2, 1.0, (1, 8, 12, 8)).astype(F))
    inputs = os.path.join(work, "inputs.npy")
    np.save(inputs, rng.normal(0.2, 1.2, (4, 1, 8, 12, 8)).astype(F))

    ok = True
    for activation, options in [("u8", ["--activation-type", "u8"]),
                                ("s8", ["--activation-type", "s8"]),
                                ("integer-only", ["--integer-only"])]:
        libraries = {}
        for name, extra in [("kernels", []), ("generic", ["--generic-kernels"])]:
            library = os.path.join(work, f"lib{activation}-{name}.so")
            subprocess.run([quantc_bin, "compile", model, "--quantize", "static",
                            "--calibration", os.path.join(work, "calibration"),
                            "-o", library] + options + extra,
                           check=True)
            libraries[name] = library
        # The calls in the LLVM dialect: every kernel in one, none in the
        # other.
        kernels = ["quantc_conv2d_u8s8_i32", "quantc_depthwise2d_u8s8_i32",
                   "quantc_matmul_u8s8_i32"]
        if activation == "integer-only":
            kernels.append("quantc_batch_matmul_q8_i32")
        listings = {}
        for name, extra in [("kernels", []), ("generic", ["--generic-kernels"])]:
            listing = os.path.join(work, f"{activation}-{name}.mlir")
            subprocess.run([quantc_bin, "compile", model, "--quantize", "static",
                            "--calibration", os.path.join(work, "calibration"),
                            "--emit=mlir", "-o", listing] + options + extra, check=True)
            listings[name] = open(listing).read()
        calls = (all(f"llvm.call @{k}(" in listings["kernels"] for k in kernels)
                 and not any(k in listings["generic"] for k in kernels))
        print(f"{activation}: kernel library calls the kernels: {'yes' if calls else 'NO'}")
        expect = run(libraries["generic"], inputs, os.path.join(work, "generic.npy"))
        best = run(libraries["kernels"], inputs, os.path.join(work, "best.npy"))
        portable = run(libraries["kernels"], inputs, os.path.join(work, "portable.npy"),
                       dict(os.environ, QUANTC_KERNELS="generic"))
        for label, got in [("best kernels", best), ("portable kernels", portable)]:
            same = np.array_equal(got, expect)
            print(f"{activation}: {label}: {'identical' if same else 'DIFFERENT'}"
                  f" ({np.abs(got - expect).max():.3g} max difference)")
            ok = ok and same
        ok = ok and calls
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
