"""Checks `quantc compile --quantize dynamic` bit for bit against a numpy
model of the rules in docs/numerics.md.

The model is x -> MatMul "mm1" -> Add -> Relu -> Gemm "fc2" (trans_b,
alpha 1.5, beta 0.5, C) -> y, and a second one x -> Conv -> y for
--dynamic-conv. numpy quantizes the weights (s8 in [-127, 127], one scale
per output channel or per tensor) and, per call, the input of each
contraction (u8 from its own range, per tensor or per row), accumulates
exactly, and applies the f32 epilogue float(acc) * fl32(s_x * s_w). The
outputs must be identical; the script also prints the error against the
float model.

Usage: check_quantize_dynamic.py QUANTC WORK_DIR [quantc compile options]
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32


def quantize_dynamic(x, per_row):
    """u8 values, scales and zero points of x, per tensor or per row."""
    axis = -1 if per_row else None
    lo = np.minimum(x.min(axis=axis, keepdims=per_row), F(0)).astype(F)
    hi = np.maximum(x.max(axis=axis, keepdims=per_row), F(0)).astype(F)
    scale = np.where(hi == lo, F(1), ((hi - lo) / F(255)).astype(F)).astype(F)
    zp = np.clip(np.round((F(0) - (lo / scale).astype(F)).astype(F)), 0, 255)
    q = np.clip(np.round((x / scale).astype(F)) + zp, 0, 255)
    return q.astype(np.int64), scale, zp.astype(np.int64)


def quantize_weight(w, axis, per_channel):
    """s8 values and scales of w, per channel along `axis` or per tensor."""
    other = tuple(d for d in range(w.ndim) if d != axis)
    a = np.abs(w).max(axis=other) if per_channel else np.full(w.shape[axis], np.abs(w).max(), F)
    scale = np.where(a == 0, F(1), ((a - -a) / F(254)).astype(F)).astype(F)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round((w / scale.reshape(shape)).astype(F)), -127, 127)
    return q.astype(np.int64), scale


def conv2d(x, w, pad):
    """Exact integer convolution of x [N, C, H, W] and w [M, C, k, k],
    stride 1, zero padding `pad`."""
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    k = w.shape[2]
    oh, ow = x.shape[2] - k + 1, x.shape[3] - k + 1
    y = np.zeros((x.shape[0], w.shape[0], oh, ow), np.int64)
    for i in range(k):
        for j in range(k):
            y += np.einsum("nchw,mc->nmhw", x[:, :, i:i + oh, j:j + ow], w[:, :, i, j])
    return y


def save(path, nodes, x_shape, y_shape, inits):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)],
        [numpy_helper.from_array(v, n) for n, v in inits.items()])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    quantc_bin, work = sys.argv[1:3]
    options = sys.argv[3:]
    per_row = "--dynamic-per-row" in options
    per_channel = "--per-tensor" not in options
    conv = "--dynamic-conv" in options
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(5)
    model = os.path.join(work, "model.onnx")
    if conv:
        w = rng.normal(0, 0.5, (3, 2, 3, 3)).astype(F)
        w[1] *= 6
        b = rng.normal(0, 0.3, 3).astype(F)
        save(model, [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])],
             [1, 2, 6, 6], [1, 3, 6, 6], {"w": w, "b": b})
        q_w, s_w = quantize_weight(w, 0, per_channel)

        def reference(x):
            q, s, z = quantize_dynamic(x, False)
            acc = conv2d(q - z, q_w, 1)
            m = (s * s_w).astype(F).reshape(3, 1, 1)
            return ((acc.astype(F) * m).astype(F) + b.reshape(3, 1, 1)).astype(F)
        x_shape = [1, 2, 6, 6]
    else:
        # K = 38 (not a multiple of the kernels' groups of 4), N = 70 (more
        # than one panel of 16 and one block of 64 columns).
        w1 = rng.normal(0, 0.5, (38, 70)).astype(F)
        w1[:, 3] *= 8  # an outlier column: per-channel scales matter
        b1 = rng.normal(0, 0.3, 70).astype(F)
        w2t = rng.normal(0, 0.4, (5, 70)).astype(F)
        c2 = rng.normal(0, 0.3, 5).astype(F)
        nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
                 helper.make_node("Add", ["h", "b1"], ["hb"], name="bias1"),
                 helper.make_node("Relu", ["hb"], ["r"], name="act1"),
                 helper.make_node("Gemm", ["r", "w2t", "c2"], ["y"], name="fc2", transB=1,
                                  alpha=1.5, beta=0.5)]
        save(model, nodes, [4, 38], [4, 5], {"w1": w1, "b1": b1, "w2t": w2t, "c2": c2})
        q_w1, s_w1 = quantize_weight(w1, 1, per_channel)
        q_w2, s_w2 = quantize_weight(w2t.T.copy(), 1, per_channel)
        s_w2 = (s_w2.astype(np.float64) * 1.5).astype(F)
        c2_beta = (c2 * F(0.5)).astype(F)

        def reference(x):
            q, s, z = quantize_dynamic(x, per_row)
            h = ((q - z) @ q_w1).astype(F) * (s * s_w1).astype(F)
            r = np.maximum((h + b1).astype(F), F(0))
            q, s, z = quantize_dynamic(r, per_row)
            y = ((q - z) @ q_w2).astype(F) * (s * s_w2).astype(F)
            return (y + c2_beta).astype(F)
        x_shape = [4, 38]

    library = os.path.join(work, "libq.so")
    float_library = os.path.join(work, "libf.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "dynamic", "-o", library]
                   + options, check=True)
    subprocess.run([quantc_bin, "compile", model, "-o", float_library], check=True)
    ok = True
    if not conv:
        # MatMul and Gemm run on the runtime's int8 matmul kernel.
        listing = os.path.join(work, "q.mlir")
        subprocess.run([quantc_bin, "compile", model, "--quantize", "dynamic",
                        "--emit=mlir", "-o", listing] + options, check=True)
        calls = open(listing).read().count("llvm.call @quantc_matmul_u8s8_i32(")
        print(f"calls to the int8 matmul kernel: {calls}")
        ok &= calls == 2
    with quantc.load(library) as quantized, quantc.load(float_library) as exact:
        for trial in range(3):
            x = rng.normal(0.3, 1.0, x_shape).astype(F)
            if trial == 2:
                x[0] = np.abs(x[0])  # a row without negative values
            expected = reference(x)
            actual = quantized.run({"x": x})["y"]
            same = np.array_equal(actual, expected)
            ok &= same
            want = exact.run({"x": x})["y"]
            error = np.abs(actual - want).max() / np.abs(want).max()
            print(f"trial {trial}: {'identical' if same else 'DIFFERENT'} to numpy, "
                  f"error vs float {error:.3g} of the output's range")
            if not same:
                print("  quantc:", actual.ravel()[:8])
                print("  numpy: ", expected.ravel()[:8])
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
