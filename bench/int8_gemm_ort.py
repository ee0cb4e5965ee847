"""Times the runtime's int8 matmul kernel against onnxruntime's int8 ops.

In one run, on one thread each:
- quantc: the matmul kernel of runtime/ (bench/kernels/qgemm_bench.cpp,
  through quantc-bench-kernels; with AMX tiles where the CPU has them, else
  AVX-512 VNNI) on a 1024 x 1024 x 1024 matmul with packed
  weights, and on a GEMV (1 x 8192 x 8192) over one weight matrix of
  64 MiB, run after run, as onnxruntime's session does;
- onnxruntime-node: one-node models of the same shapes, MatMulInteger
  (u8 input with a zero point, s8 weight) and QLinearMatMul (u8 input and
  output, s8 weight, constant scales), the weight an initializer, the input
  fed (bench/ort_bench.js).

Prints a Markdown table of the medians and quantc's speedup over each
(above 1: quantc is faster).

Usage: int8_gemm_ort.py BENCH_KERNELS ORT_DIR WORK_DIR [--runs N]
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from timing import time_ort

# Each shape's benchmarks, one per instruction set (qgemm_bench.cpp's
# kIsas: 3 AMX, 1 AVX-512 VNNI); the fastest this machine runs counts.
SHAPES = [("matmul", 1024, 1024, 1024, ["BM_QGemm/1024/1024/1024/3",
                                        "BM_QGemm/1024/1024/1024/1"]),
          ("GEMV", 1, 8192, 8192, ["BM_QGemv/8192/8192/1/1"])]


def progress(message):
    print(message, file=sys.stderr, flush=True)


def build(path, op, m, k, n, rng):
    weight = numpy_helper.from_array(rng.integers(-127, 128, (k, n), dtype=np.int8), "w")
    a = helper.make_tensor_value_info("x", TensorProto.UINT8, [m, k])
    if op == "MatMulInteger":
        inits = [weight, numpy_helper.from_array(np.array(7, np.uint8), "za")]
        node = helper.make_node("MatMulInteger", ["x", "w", "za"], ["y"])
        y = helper.make_tensor_value_info("y", TensorProto.INT32, [m, n])
    else:
        inits = [weight,
                 numpy_helper.from_array(np.array(0.02, np.float32), "sa"),
                 numpy_helper.from_array(np.array(7, np.uint8), "za"),
                 numpy_helper.from_array(np.array(0.01, np.float32), "sw"),
                 numpy_helper.from_array(np.array(0, np.int8), "zw"),
                 numpy_helper.from_array(np.array(3.0, np.float32), "sy"),
                 numpy_helper.from_array(np.array(128, np.uint8), "zy")]
        node = helper.make_node("QLinearMatMul", ["x", "sa", "za", "w", "sw", "zw", "sy", "zy"],
                                ["y"])
        y = helper.make_tensor_value_info("y", TensorProto.UINT8, [m, n])
    graph = helper.make_graph([node], op, [a], [y], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_kernels")
    parser.add_argument("ort_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    rng = np.random.default_rng(8)

    progress("timing quantc's kernel")
    filters = "|".join(f"^{name}$" for *_, names in SHAPES for name in names)
    out = subprocess.run([args.bench_kernels, f"--benchmark_filter={filters}",
                          "--benchmark_format=json"], check=True, capture_output=True,
                         text=True).stdout
    report = json.loads(out[out.index("{"):])
    ours = {b["name"]: (b["real_time"], b.get("label", "")) for b in report["benchmarks"]
            if not b.get("error_occurred")}

    rows = []
    for label, m, k, n, names in SHAPES:
        raw = os.path.join(args.work_dir, f"{label}.u8")
        rng.integers(0, 256, (m, k), dtype=np.uint8).tofile(raw)
        peers = []
        for op in ["MatMulInteger", "QLinearMatMul"]:
            model = os.path.join(args.work_dir, f"{label}-{op}.onnx")
            if not os.path.exists(model):
                build(model, op, m, k, n, rng)
            progress(f"{label}: timing onnxruntime {op}")
            peers.append(time_ort(args.ort_dir, model, "x", (m, k), raw, 1, args.runs, "uint8"))
        mine, isa = min(ours[name] for name in names if name in ours)
        rows.append((label, f"{m} x {k} x {n}", mine, isa, peers))

    print("| shape | M x K x N | quantc kernel (ms) | instructions | "
          "onnxruntime MatMulInteger (ms) | speedup "
          "| onnxruntime QLinearMatMul (ms) | speedup |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, dims, mine, isa, (integer, qlinear) in rows:
        print(f"| {label} | {dims} | {mine:.3f} | {isa} | {integer:.3f} | "
              f"{integer / mine:.2f} | "
              f"{qlinear:.3f} | {qlinear / mine:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
