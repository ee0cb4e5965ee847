"""Measures the error of the compiled float Exp, Sigmoid, Softmax and Erf,
whose exp and erf are quantc-approximate-math's polynomials
(docs/numerics.md, "exp and erf in float code"), against float64 (numpy,
Python's math.erf) rounded to binary32.

Exp runs on 2^20 inputs evenly spaced over [-87, 88] (all of binary32's
normal results) plus every binary32 value between 0.5 and 1; it prints the
largest error in units in the last place (ulp) and the share of results
that are exactly the correctly rounded value. It then prints the results
at the edges: exp(-inf), exp(-100) (whose true value is a subnormal), exp(0),
exp(100) and exp(inf) and exp(nan). Sigmoid and Softmax (rows of 1000)
print their largest relative error. Erf runs on 2^20 inputs evenly spaced
over [-6, 6] plus every 101st binary32 value in [0.001, 4); it prints
the largest error in ulp and in absolute value, then its edges.

Usage: approximate_math.py QUANTC WORK_DIR
"""

import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

import quantc

F32 = np.float32


def compile_op(quantc_bin, work, op, shape, **attributes):
    node = helper.make_node(op, ["x"], ["y"], **attributes)
    graph = helper.make_graph(
        [node], op.lower(), [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)])
    model = os.path.join(work, f"{op}.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    library = os.path.join(work, f"lib{op}.so")
    subprocess.run([quantc_bin, "compile", model, "-o", library], check=True)
    return quantc.load(library)


def ulps(got, want):
    """Distance in binary32 steps between two arrays of finite values."""
    def ordered(v):
        bits = v.astype(F32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    return np.abs(ordered(got) - ordered(want))


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)

    sweep = np.linspace(-87.0, 88.0, 1 << 20, dtype=np.float64).astype(F32)
    dense = np.arange(np.float32(0.5).view(np.int32), np.float32(1.0).view(np.int32),
                      dtype=np.int32).view(F32)
    x = np.concatenate([sweep, dense])
    n = x.size
    model = compile_op(quantc_bin, work, "Exp", [n])
    got = model.run({"x": x})["y"]
    want = np.exp(x.astype(np.float64)).astype(F32)
    error = ulps(got, want)
    print(f"Exp: {n} values, max {error.max()} ulp, "
          f"{np.mean(error == 0) * 100:.1f}% correctly rounded")

    edges = np.array([-np.inf, -100.0, 0.0, 100.0, np.inf, np.nan], dtype=F32)
    padded = np.zeros(n, dtype=F32)
    padded[:edges.size] = edges
    out = model.run({"x": padded})["y"][:edges.size]
    for value, result in zip(edges, out):
        print(f"exp({value}) = {result}")

    rng = np.random.default_rng(5)
    z = rng.normal(0, 4, 1 << 16).astype(F32)
    sigmoid = compile_op(quantc_bin, work, "Sigmoid", [z.size]).run({"x": z})["y"]
    want = 1 / (1 + np.exp(-z.astype(np.float64)))
    print(f"Sigmoid: max relative error {np.max(np.abs(sigmoid - want) / want):.1e}")

    rows = rng.normal(0, 4, (64, 1000)).astype(F32)
    softmax = compile_op(quantc_bin, work, "Softmax", list(rows.shape), axis=1).run(
        {"x": rows})["y"]
    r = rows.astype(np.float64)
    e = np.exp(r - r.max(axis=1, keepdims=True))
    want = e / e.sum(axis=1, keepdims=True)
    print(f"Softmax: max relative error {np.max(np.abs(softmax - want) / want):.1e}")

    first = np.float32(1e-3).view(np.int32)
    last = np.float32(4.0).view(np.int32)
    x = np.concatenate([np.linspace(-6.0, 6.0, 1 << 20, dtype=np.float64).astype(F32),
                        np.arange(first, last, 101, dtype=np.int32).view(F32)])
    model = compile_op(quantc_bin, work, "Erf", [x.size])
    got = model.run({"x": x})["y"]
    exact = np.array([math.erf(float(v)) for v in x])
    error = ulps(got, exact.astype(F32))
    print(f"Erf: {x.size} values, max {error.max()} ulp, max absolute error "
          f"{np.max(np.abs(got - exact)):.1e}")
    edges = np.array([0.0, -0.0, 1e-30, 4.0, 10.0, -10.0, np.inf, -np.inf, np.nan], dtype=F32)
    padded = np.zeros(x.size, dtype=F32)
    padded[:edges.size] = edges
    out = model.run({"x": padded})["y"][:edges.size]
    for value, result in zip(edges, out):
        print(f"erf({value}) = {result}")


if __name__ == "__main__":
    main()
