"""Checks max pools between QuantizeLinear and DequantizeLinear (QDQ form),
which qnn-fold-qdq moves onto the stored integers, bit for bit against the
float definition: quantize, dequantize, pool in float (padding -inf),
quantize, dequantize. u8 and s8, MaxPool with padding, strides and a
dilation, and GlobalMaxPool, each compiled by quantc compile and again
with --integer-only; inputs hold values that saturate and exact ties.
Where the pool's input and output types differ, the default path keeps the
pool in float (a requantize would round otherwise) and the integer-only
path pools the integers and requantizes in fixed point, which the
reference follows exactly.

Usage: check_quantized_pool.py QUANTC WORK_DIR
"""

import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32
TYPES = {np.uint8: TensorProto.UINT8, np.int8: TensorProto.INT8}


def quantize_ref(x, scale, zp, dtype):
    info = np.iinfo(dtype)
    q = np.round((x / F(scale)).astype(F)).astype(np.float64) + zp
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize_ref(q, scale, zp):
    return ((q.astype(F) - F(zp)) * F(scale)).astype(F)


def fixed_point_requantize_ref(q, params_in, params_out, dtype):
    """docs/numerics.md, "Fixed-point requantization": the ratio s_in / s_out
    (binary64) as a 31-bit M times 2^-n, then round_half_even((q - z_in) *
    M / 2^n) + z_out, clamped; exact in Python integers."""
    (s_in, z_in), (s_out, z_out) = params_in, params_out
    # The types hold the binary32 scales; their ratio in binary64.
    f, e = math.frexp(float(F(s_in)) / float(F(s_out)))
    m = round(f * 2**31)  # Python's round is half to even
    if m == 2**31:
        m, e = 2**30, e + 1
    n = 31 - e
    info = np.iinfo(dtype)
    out = []
    for v in q.ravel().tolist():
        p = (v - z_in) * m
        r = (p + (1 << (n - 1)) - 1 + ((p >> n) & 1)) >> n
        out.append(min(max(r + z_out, info.min), info.max))
    return np.array(out, np.int64).reshape(q.shape).astype(dtype)


def max_pool_ref(x, kernel, strides, pads, dilations):
    n, c, h, w = x.shape
    padded = np.full((n, c, h + pads[0] + pads[2], w + pads[1] + pads[3]), -np.inf, F)
    padded[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + w] = x
    oh = (padded.shape[2] - dilations[0] * (kernel[0] - 1) - 1) // strides[0] + 1
    ow = (padded.shape[3] - dilations[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    out = np.full((n, c, oh, ow), -np.inf, F)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            window = padded[:, :, i * dilations[0]:, j * dilations[1]:]
            out = np.maximum(out, window[:, :, :oh * strides[0]:strides[0],
                                         :ow * strides[1]:strides[1]])
    return out


def build(path, pool, dtype, shape, params):
    (s_in, z_in), (s_out, z_out) = params
    inits = [numpy_helper.from_array(np.array(s_in, F), "s_in"),
             numpy_helper.from_array(np.array(z_in, dtype), "z_in"),
             numpy_helper.from_array(np.array(s_out, F), "s_out"),
             numpy_helper.from_array(np.array(z_out, dtype), "z_out")]
    if pool == "MaxPool":
        pool_node = helper.make_node("MaxPool", ["d"], ["p"], kernel_shape=[3, 3],
                                     strides=[2, 2], pads=[1, 1, 1, 1], dilations=[1, 2])
    else:
        pool_node = helper.make_node("GlobalMaxPool", ["d"], ["p"])
    nodes = [helper.make_node("QuantizeLinear", ["x", "s_in", "z_in"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "s_in", "z_in"], ["d"]),
             pool_node,
             helper.make_node("QuantizeLinear", ["p", "s_out", "z_out"], ["qp"]),
             helper.make_node("DequantizeLinear", ["qp", "s_out", "z_out"], ["y"])]
    graph = helper.make_graph(nodes, "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    shape = [2, 3, 9, 11]
    ok = True
    for case, (dtype, params) in enumerate([(np.uint8, ((0.05, 128), (0.05, 128))),
                          (np.uint8, ((0.05, 100), (0.08, 30))),
                          (np.int8, ((0.04, -5), (0.04, -5))),
                          (np.int8, ((0.04, 3), (0.1, -20)))]):
        for pool in ["MaxPool", "GlobalMaxPool"]:
            # Steps of half the scale: exact ties; a wide range: saturation.
            x = (rng.integers(-400, 400, shape) * F(params[0][0] / 2)).astype(F)
            q = quantize_ref(x, *params[0], dtype)
            d = dequantize_ref(q, *params[0])
            p = (max_pool_ref(d, [3, 3], [2, 2], [1, 1, 1, 1], [1, 2]) if pool == "MaxPool"
                 else d.max(axis=(2, 3), keepdims=True))
            want = dequantize_ref(quantize_ref(p, *params[1], dtype), *params[1])
            # Integer-only with two types: the pool on the stored integers,
            # then a fixed-point requantize.
            pooled_q = quantize_ref(p, *params[0], dtype)
            want_integer = want if params[0] == params[1] else dequantize_ref(
                fixed_point_requantize_ref(pooled_q, params[0], params[1], dtype), *params[1])
            name = f"{pool} {np.dtype(dtype).name} {params}"
            # Distinct files: a process loads a library path only once.
            model = os.path.join(work, f"model{case}-{pool}.onnx")
            build(model, pool, dtype, shape, params)
            for options in [[], ["--integer-only"]]:
                library = os.path.join(work, f"lib{case}-{pool}-{len(options)}.so")
                subprocess.run([quantc_bin, "compile", model, "-o", library] + options,
                               check=True)
                got = quantc.load(library).run({"x": x})["y"]
                expected = want_integer if options else want
                same = got.shape == expected.shape and np.array_equal(
                    got.view(np.uint32), expected.view(np.uint32))
                ok &= same
                mode = "integer-only" if options else "default"
                print(f"{name}, {mode}: {'identical' if same else 'DIFFERENT'}")
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
