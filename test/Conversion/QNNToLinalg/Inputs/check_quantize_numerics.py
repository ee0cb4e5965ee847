"""Checks the compiled code of quantize and dequantize bit for bit against
ONNX's rules (docs/numerics.md): QuantizeLinear divides in binary32,
rounds half to even, adds the zero point and saturates (NaN to the zero
point, quantc's rule); DequantizeLinear computes (float(q) - float(zp)) *
scale. Models with constant scales, and again with scales and zero points
given at run time, are compiled by quantc compile, per tensor and per axis, to u8, s8 and (dequantize) i32, on inputs that hold
exact ties, values that saturate, infinities and NaN. Dequantization runs
on stored integers held as an initializer (a weight), in the code.

Usage: check_quantize_numerics.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32
DTYPES = {np.uint8: TensorProto.UINT8, np.int8: TensorProto.INT8, np.int32: TensorProto.INT32}


def quantize_ref(x, scale, zp, dtype):
    info = np.iinfo(dtype)
    q = np.round((x / scale).astype(F)).astype(np.float64) + zp
    q = np.where(np.isnan(q), zp, q)
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize_ref(q, scale, zp):
    return ((q.astype(F) - F(zp)) if np.isscalar(zp) else
            (q.astype(F) - zp.astype(F))).astype(F) * scale


def build(path, op, out_type, shape, scale, zp, axis, stored=None, runtime=False):
    """QuantizeLinear of input x, or DequantizeLinear of the stored integers
    `stored` (an initializer, as a weight is) plus the float input x, which
    the test feeds zeros, so that the dequantization runs in the code. With
    `runtime`, the scale, zero point and stored integers are model inputs
    instead (s, z, w): parameters known only at run time."""
    params = [numpy_helper.from_array(scale, "s"), numpy_helper.from_array(zp, "z")]
    if stored is not None:
        params.append(numpy_helper.from_array(stored, "w"))
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)]
    if runtime:
        inputs += [helper.make_tensor_value_info(p.name, p.data_type, p.dims) for p in params]
        inits = []
    else:
        inits = params
    if stored is None:
        nodes = [helper.make_node(op, ["x", "s", "z"], ["y"], name="q", axis=axis)]
    else:
        nodes = [helper.make_node(op, ["w", "s", "z"], ["d"], name="q", axis=axis),
                 helper.make_node("Add", ["d", "x"], ["y"], name="add")]
    graph = helper.make_graph(
        nodes, "g", inputs, [helper.make_tensor_value_info("y", out_type, shape)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(4)
    ok = True
    shape = [3, 4, 5]
    cases = []
    for dtype in [np.uint8, np.int8]:
        info = np.iinfo(dtype)
        # Per tensor: scale 0.5, so x = k / 4 puts x / s on exact halves.
        cases.append(("quantize", dtype, np.array(F(0.5)), np.array(dtype(info.min // 2 + 64)), 1))
        # Per axis along dimension 1.
        cases.append(("quantize", dtype, rng.uniform(0.01, 0.2, 4).astype(F),
                      rng.integers(info.min, info.max, 4).astype(dtype), 1))
    for dtype in [np.uint8, np.int8, np.int32]:
        cases.append(("dequantize", dtype, rng.uniform(0.01, 0.2, 5).astype(F),
                      (rng.integers(-100, 100, 5) if dtype != np.uint8
                       else rng.integers(0, 255, 5)).astype(dtype), 2))
        cases.append(("dequantize", dtype, np.array(F(0.0375)),
                      np.array(dtype(7)), 1))
    # Each case again with its parameters as model inputs.
    cases += [case + (True,) for case in cases]
    for i, (op, dtype, scale, zp, axis, *runtime) in enumerate(cases):
        runtime = bool(runtime)
        path = os.path.join(work, f"case{i}.onnx")
        library = os.path.join(work, f"libcase{i}.so")
        if op == "quantize":
            build(path, "QuantizeLinear", DTYPES[dtype], shape, scale, zp, axis,
                  runtime=runtime)
            x = (rng.integers(-600, 600, shape) / 4.0).astype(F)
            x.flat[:6] = [np.inf, -np.inf, np.nan, 1e30, -1e30, 0.0]
        else:
            info = np.iinfo(dtype)
            low, high = (max(info.min, -2**20), min(info.max, 2**20))
            stored = rng.integers(low, high, shape, endpoint=True).astype(dtype)
            stored.flat[:2] = [low, high]
            build(path, "DequantizeLinear", TensorProto.FLOAT, shape, scale, zp, axis, stored,
                  runtime=runtime)
            x = np.zeros(shape, F)
        subprocess.run([quantc_bin, "compile", path, "-o", library], check=True)
        bshape = [1] * len(shape)
        if scale.ndim:
            bshape[axis] = shape[axis]
        s, z = scale.reshape(bshape), zp.reshape(bshape)
        if op == "quantize":
            expected = quantize_ref(x, s, z.astype(np.float64), dtype)
        else:
            expected = dequantize_ref(stored, s, z)
        inputs = {"x": x}
        if runtime:
            inputs.update(s=scale, z=zp)
            if op == "dequantize":
                inputs["w"] = stored
        with quantc.load(library) as model:
            actual = model.run(inputs)["y"]
        same = actual.dtype == expected.dtype and np.array_equal(
            actual.view(np.uint8), expected.view(np.uint8))
        ok &= same
        print(f"{op} {np.dtype(dtype).name} {'per axis' if scale.ndim else 'per tensor'}"
              f"{', run-time parameters' if runtime else ''}: "
              f"{'identical' if same else 'DIFFERENT'}")
        if not same:
            bad = np.argwhere(actual != expected)[:3]
            for b in bad:
                print("  at", b, "x", x[tuple(b)], "got", actual[tuple(b)], "want",
                      expected[tuple(b)])
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
