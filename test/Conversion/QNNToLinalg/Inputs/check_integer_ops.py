"""Checks the compiled code of ONNX's integer ops bit for bit against
numpy, with every zero point given at run time or as a constant:
DynamicQuantizeLinear (mixed, positive-only, negative-only and all-zero
data), MatMulInteger (u8 x s8 and u8 x u8, per-row and per-column zero
points, a batched 3-D lhs) and ConvInteger (padding, stride, groups,
per-channel weight zero points). The reference is exact integer
arithmetic in int64 and the f32 formulas of docs/numerics.md.

Usage: check_integer_ops.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32
ONNX_TYPE = {np.dtype(np.uint8): TensorProto.UINT8, np.dtype(np.int8): TensorProto.INT8,
             np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int32): TensorProto.INT32}


def dynamic_quantize_ref(x):
    lo, hi = F(min(0.0, x.min())), F(max(0.0, x.max()))
    scale = F(1.0) if hi == lo else F((hi - lo) / F(255))
    zp = np.clip(np.round(F(0) - F(lo / scale)), 0, 255)
    y = np.clip(np.round((x / scale).astype(F)) + zp, 0, 255)
    return y.astype(np.uint8), np.array(scale, F), np.array(zp, np.uint8)


def conv_ref(x, w, zx, zw, pads, strides, group):
    x = x.astype(np.int64) - np.int64(zx)
    w = w.astype(np.int64) - zw.astype(np.int64).reshape(-1, 1, 1, 1)
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh, ow = (h - kh) // strides[0] + 1, (wd - kw) // strides[1] + 1
    y = np.zeros((n, m, oh, ow), np.int64)
    mg = m // group
    for g in range(group):
        for i in range(oh):
            for j in range(ow):
                patch = x[:, g * cg:(g + 1) * cg, i * strides[0]:i * strides[0] + kh,
                          j * strides[1]:j * strides[1] + kw]
                y[:, g * mg:(g + 1) * mg, i, j] = np.einsum(
                    "nchw,mchw->nm", patch, w[g * mg:(g + 1) * mg])
    return y.astype(np.int32)


def save(path, nodes, inputs, outputs, inits, expected):
    """A model whose inputs `inputs` (name -> array) are model inputs,
    `inits` initializers, and outputs `outputs` (name, type) have the shapes
    of `expected`."""
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, ONNX_TYPE[v.dtype], v.shape) for n, v in inputs.items()],
        [helper.make_tensor_value_info(n, t, expected[n].shape) for n, t in outputs],
        [numpy_helper.from_array(v, n) for n, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(11)
    cases = []  # (name, nodes, inputs, outputs, inits, expected)

    for label, x in [("mixed", rng.normal(0, 3, (5, 7)).astype(F)),
                     ("positive", rng.uniform(0.5, 9, (5, 7)).astype(F)),
                     ("negative", rng.uniform(-9, -0.5, (5, 7)).astype(F)),
                     ("zeros", np.zeros((5, 7), F))]:
        y, s, z = dynamic_quantize_ref(x)
        cases.append((f"DynamicQuantizeLinear {label}",
                      [helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "s", "z"])],
                      {"x": x}, [("y", TensorProto.UINT8), ("s", TensorProto.FLOAT),
                                 ("z", TensorProto.UINT8)], {}, {"y": y, "s": s, "z": z}))

    for label, btype, runtime in [("u8 x s8, run-time zero points", np.int8, True),
                                  ("u8 x s8, constant zero points", np.int8, False),
                                  ("u8 x u8, run-time zero points", np.uint8, True)]:
        a = rng.integers(0, 256, (2, 6, 40)).astype(np.uint8)
        info = np.iinfo(btype)
        b = rng.integers(info.min, info.max, (40, 9), endpoint=True).astype(btype)
        za = rng.integers(0, 256, 6).astype(np.uint8)
        zb = rng.integers(info.min, info.max, 9, endpoint=True).astype(btype)
        expected = ((a.astype(np.int64) - za.astype(np.int64)[:, None])
                    @ (b.astype(np.int64) - zb.astype(np.int64))).astype(np.int32)
        params = {"za": za, "zb": zb}
        cases.append((f"MatMulInteger {label}",
                      [helper.make_node("MatMulInteger", ["a", "b", "za", "zb"], ["y"])],
                      {"a": a, "b": b, **(params if runtime else {})},
                      [("y", TensorProto.INT32)], {} if runtime else params, {"y": expected}))

    for label, group, runtime in [("run-time zero points", 1, True),
                                  ("constant zero points, 2 groups", 2, False)]:
        x = rng.integers(0, 256, (1, 4, 9, 8)).astype(np.uint8)
        w = rng.integers(0, 256, (6, 4 // group, 3, 3)).astype(np.uint8)
        zx = np.array(rng.integers(0, 256), np.uint8)
        zw = rng.integers(0, 256, 6).astype(np.uint8)
        pads, strides = [1, 0, 2, 1], [2, 1]
        expected = conv_ref(x, w, zx, zw, pads, strides, group)
        params = {"zx": zx, "zw": zw}
        cases.append((f"ConvInteger {label}",
                      [helper.make_node("ConvInteger", ["x", "w", "zx", "zw"], ["y"],
                                        pads=pads, strides=strides, group=group)],
                      {"x": x, "w": w, **(params if runtime else {})},
                      [("y", TensorProto.INT32)], {} if runtime else params, {"y": expected}))

    ok = True
    for i, (name, nodes, inputs, outputs, inits, expected) in enumerate(cases):
        path = os.path.join(work, f"case{i}.onnx")
        library = os.path.join(work, f"libcase{i}.so")
        save(path, nodes, inputs, outputs, inits, expected)
        subprocess.run([quantc_bin, "compile", path, "-o", library], check=True)
        with quantc.load(library) as model:
            actual = model.run(inputs)
        same = all(actual[k].dtype == v.dtype and actual[k].shape == v.shape and
                   np.array_equal(actual[k].reshape(-1).view(np.uint8), v.reshape(-1).view(np.uint8))
                   for k, v in expected.items())
        ok &= same
        print(f"{name}: {'identical' if same else 'DIFFERENT'}")
        if not same:
            for k, v in expected.items():
                print(" ", k, "got", actual[k].ravel()[:8], "want", v.ravel()[:8])
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
