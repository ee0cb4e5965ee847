"""Compares a model imported and lowered by quantc with onnxruntime.

quantc imports the model (with its input shape fixed), convert-qnn-to-linalg
lowers it, upstream MLIR's CPU pipeline compiles it and mlir-runner runs it
on a seeded random input; onnxruntime runs the same model on the same input.
Prints the largest absolute and relative errors and fails past the bounds.

This stands in for `quantc compile` and `quantc run` until they exist.

Usage: compare_with_ort.py TOOLS_DIR LLVM_TOOLS LLVM_LIB ORT_DIR MODEL
       INPUT_NAME D0,D1,... OUTPUT_D0,D1,... WORK_DIR
"""

import os
import re
import subprocess
import sys

import numpy as np

from quantc.onnx_data import mlir_dense

PIPELINE = [
    "--one-shot-bufferize=bufferize-function-boundaries",
    "--convert-linalg-to-loops", "--convert-scf-to-cf",
    "--expand-strided-metadata", "--lower-affine",
    "--finalize-memref-to-llvm", "--convert-math-to-llvm",
    "--convert-math-to-libm", "--convert-arith-to-llvm",
    "--convert-cf-to-llvm", "--convert-func-to-llvm",
    "--reconcile-unrealized-casts",
]


def tensor_type(shape, element="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def main():
    (tools, llvm_tools, llvm_lib, ort_dir, model, name, dims, out_dims,
     work) = sys.argv[1:10]
    shape = [int(d) for d in dims.split(",")]
    out_shape = [int(d) for d in out_dims.split(",")]
    os.makedirs(work, exist_ok=True)
    x = np.random.default_rng(7).uniform(-1, 1, shape).astype(np.float32)
    x.tofile(os.path.join(work, "input.f32"))

    ort_out = os.path.join(work, "ort.f32")
    subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.js"),
                    ort_dir, model, name, dims, os.path.join(work, "input.f32"),
                    ort_out], check=True)
    expected = np.fromfile(ort_out, np.float32).reshape(out_shape)

    qnn = subprocess.run([os.path.join(tools, "quantc"), "import", model,
                          "--input-shape", f"{name}={dims}"],
                         capture_output=True, text=True, check=True).stdout
    lowered = subprocess.run([os.path.join(tools, "quant-opt"),
                              "--convert-qnn-to-linalg"], input=qnn,
                             capture_output=True, text=True, check=True).stdout
    t, ot, oti = tensor_type(shape), tensor_type(out_shape), tensor_type(out_shape, "i32")
    entry = f"""
  func.func private @printMemrefI32(tensor<*xi32>)
  func.func @entry() {{
    %x = arith.constant {mlir_dense(x)}
    %r = call @main(%x) : ({t}) -> {ot}
    %e = tensor.empty() : {oti}
    %b = linalg.map ins(%r : {ot}) outs(%e : {oti}) (%v: f32, %u: i32) {{
      %i = arith.bitcast %v : f32 to i32
      linalg.yield %i : i32
    }}
    %c = tensor.cast %b : {oti} to tensor<*xi32>
    call @printMemrefI32(%c) : (tensor<*xi32>) -> ()
    return
  }}
}}
"""
    program = lowered.rstrip().rstrip("}") + entry
    llvm = subprocess.run([os.path.join(llvm_tools, "mlir-opt")] + PIPELINE,
                          input=program, capture_output=True, text=True, check=True)
    run = subprocess.run(
        [os.path.join(llvm_tools, "mlir-runner"), "-e", "entry", "-O2",
         "-entry-point-result=void",
         f"-shared-libs={llvm_lib}/libmlir_runner_utils.so,{llvm_lib}/libmlir_c_runner_utils.so"],
        input=llvm.stdout, capture_output=True, text=True, check=True)
    bits = np.array([int(v) for v in re.findall(r"-?\d+", run.stdout.split("data =", 1)[1])],
                    np.int64)
    actual = bits.astype(np.uint32).view(np.float32).reshape(out_shape)

    error = np.abs(actual.astype(np.float64) - expected)
    relative = error / np.maximum(np.abs(expected), 1e-3)
    print(f"max abs error {error.max():.3g}, max relative error {relative.max():.3g}")
    ok = bool(np.all(error <= 1e-5 + 1e-4 * np.abs(expected)))
    print("MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
