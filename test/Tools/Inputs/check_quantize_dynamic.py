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

With --bits 4 the weights of MatMul and Gemm are 4-bit ([-7, 7], one scale
per column and --group-size rows): the library is compared bit for bit with
one compiled with --generic-kernels and with the portable kernels
(QUANTC_KERNELS=generic), and with a float64 numpy model (the same integers;
float steps rounded once each in binary32 in quantc) to 1e-5 of the
output's range.

With 8-bit weights the library is also compared bit for bit with one
compiled with --generic-kernels (loops instead of the runtime's kernels).
--rows R and --hidden H (taken by the script, not passed to quantc) give
the MatMul's input R rows (4 by default) and its output H columns (70):
enough of both send the kernel's float epilogue through its split by rows,
or by columns in several blocks.

Usage: check_quantize_dynamic.py QUANTC WORK_DIR [--rows R] [--hidden H]
                                 [quantc compile options]
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


def quantize_weight_groups(w, group, per_channel):
    """4-bit values and scales [groups, N] of w [K, N], per column and group
    of rows (the whole K without a group), or per tensor."""
    k, n = w.shape
    group = group or k
    wg = w.reshape(k // group, group, n)
    a = np.abs(wg).max(axis=1) if per_channel or group < k else np.full((1, n), np.abs(w).max(), F)
    scale = np.where(a == 0, F(1), ((a - -a) / F(14)).astype(F)).astype(F)
    q = np.clip(np.round((wg / scale[:, None, :]).astype(F)), -7, 7)
    return q.astype(np.int64), scale


def grouped_matmul(q, s, z, qw, ws):
    """The grouped product in float64: sum_g ws[g] * (q @ qw[g]) minus the
    zero point's term, times the scale."""
    t = sum(ws[g].astype(np.float64) * (q[:, g * qw.shape[1]:(g + 1) * qw.shape[1]] @ qw[g])
            for g in range(qw.shape[0]))
    column_sum = sum(ws[g].astype(np.float64) * qw[g].sum(axis=0) for g in range(qw.shape[0]))
    return s.astype(np.float64) * (t - z * column_sum)


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
    sizes = {}
    for name in ["--rows", "--hidden"]:
        if name in options:
            i = options.index(name)
            sizes[name] = int(options[i + 1])
            del options[i:i + 2]
    rows = sizes.get("--rows", 4)
    per_row = "--dynamic-per-row" in options
    per_channel = "--per-tensor" not in options
    conv = "--dynamic-conv" in options
    int4 = "--bits" in options and options[options.index("--bits") + 1] == "4"
    group = (int(options[options.index("--group-size") + 1])
             if "--group-size" in options else 0)
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(5)
    model = os.path.join(work, "model.onnx")
    if conv:
        w = rng.normal(0, 0.5, (6, 4, 3, 3)).astype(F)
        w[1] *= 6
        b = rng.normal(0, 0.3, 6).astype(F)
        save(model, [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])],
             [1, 4, 6, 6], [1, 6, 6, 6], {"w": w, "b": b})
        q_w, s_w = quantize_weight(w, 0, per_channel)

        def reference(x):
            q, s, z = quantize_dynamic(x, False)
            acc = conv2d(q - z, q_w, 1)
            m = (s * s_w).astype(F).reshape(6, 1, 1)
            return ((acc.astype(F) * m).astype(F) + b.reshape(6, 1, 1)).astype(F)
        x_shape = [1, 4, 6, 6]
    else:
        # K = 38 (not a multiple of the kernels' groups of 4), N = 70 (more
        # than one panel of 16 and one block of 64 columns).
        # (4-bit groups divide K: 64 then.)
        k1, hidden = (64, 64) if int4 else (38, sizes.get("--hidden", 70))
        w1 = rng.normal(0, 0.5, (k1, hidden)).astype(F)
        w1[:, 3] *= 8  # an outlier column: per-channel scales matter
        b1 = rng.normal(0, 0.3, hidden).astype(F)
        w2t = rng.normal(0, 0.4, (5, hidden)).astype(F)
        c2 = rng.normal(0, 0.3, 5).astype(F)
        nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
                 helper.make_node("Add", ["h", "b1"], ["hb"], name="bias1"),
                 helper.make_node("Relu", ["hb"], ["r"], name="act1"),
                 helper.make_node("Gemm", ["r", "w2t", "c2"], ["y"], name="fc2", transB=1,
                                  alpha=1.5, beta=0.5)]
        save(model, nodes, [rows, k1], [rows, 5],
             {"w1": w1, "b1": b1, "w2t": w2t, "c2": c2})
        c2_beta = (c2 * F(0.5)).astype(F)
        if int4:
            q_w1, s_w1 = quantize_weight_groups(w1, group, per_channel)
            q_w2, s_w2 = quantize_weight_groups(w2t.T.copy(), group, per_channel)
            s_w2 = (s_w2.astype(np.float64) * 1.5).astype(F)

        def reference_int4(x):
            q, s, z = quantize_dynamic(x, per_row)
            h = grouped_matmul(q, s, z, q_w1, s_w1).astype(F)
            r = np.maximum((h + b1).astype(F), F(0))
            q, s, z = quantize_dynamic(r, per_row)
            return (grouped_matmul(q, s, z, q_w2, s_w2) + c2_beta).astype(F)
        if not int4:
            q_w1, s_w1 = quantize_weight(w1, 1, per_channel)
            q_w2, s_w2 = quantize_weight(w2t.T.copy(), 1, per_channel)
            s_w2 = (s_w2.astype(np.float64) * 1.5).astype(F)

        def reference(x):
            q, s, z = quantize_dynamic(x, per_row)
            h = ((q - z) @ q_w1).astype(F) * (s * s_w1).astype(F)
            r = np.maximum((h + b1).astype(F), F(0))
            q, s, z = quantize_dynamic(r, per_row)
            y = ((q - z) @ q_w2).astype(F) * (s * s_w2).astype(F)
            return (y + c2_beta).astype(F)
        x_shape = [rows, k1]

    library = os.path.join(work, "libq.so")
    float_library = os.path.join(work, "libf.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "dynamic", "-o", library]
                   + options, check=True)
    subprocess.run([quantc_bin, "compile", model, "-o", float_library], check=True)
    ok = True
    # MatMul and Gemm run on the runtime's matmul kernels, the Conv on the
    # convolution kernel.
    listing = os.path.join(work, "q.mlir")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "dynamic",
                    "--emit=mlir", "-o", listing] + options, check=True)
    kernel = ("quantc_conv2d_u8s8_i32" if conv else
              "quantc_matmul_u8s4_f32" if int4 else "quantc_matmul_u8s8_f32")
    calls = open(listing).read().count(f"llvm.call @{kernel}(")
    print(f"calls to {kernel}: {calls}")
    ok &= calls == (1 if conv else 2)
    generic_library = os.path.join(work, "libg.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "dynamic",
                    "--generic-kernels", "-o", generic_library] + options, check=True)
    if int4:
        return check_int4(library, generic_library, float_library, reference_int4,
                          x_shape, rng)
    with quantc.load(library) as quantized, quantc.load(float_library) as exact, \
            quantc.load(generic_library) as loops:
        for trial in range(3):
            x = rng.normal(0.3, 1.0, x_shape).astype(F)
            if trial == 2:
                x[0] = np.abs(x[0])  # a row without negative values
            expected = reference(x)
            actual = quantized.run({"x": x})["y"]
            same = np.array_equal(actual, expected)
            ok &= same
            generic = loops.run({"x": x})["y"]
            if not np.array_equal(actual, generic):
                ok = False
                print(f"trial {trial}: kernels and --generic-kernels DIFFER")
            want = exact.run({"x": x})["y"]
            error = np.abs(actual - want).max() / np.abs(want).max()
            print(f"trial {trial}: {'identical' if same else 'DIFFERENT'} to numpy, "
                  f"error vs float {error:.3g} of the output's range")
            if not same:
                print("  quantc:", actual.ravel()[:8])
                print("  numpy: ", expected.ravel()[:8])
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


RUNNER = r"""
import sys, numpy as np, quantc
library, inputs, output = sys.argv[1:4]
data = np.load(inputs)
with quantc.load(library) as m:
    np.save(output, np.stack([m.run({"x": x})["y"] for x in data]))
"""


def run_library(library, inputs, output, env=None):
    subprocess.run([sys.executable, "-c", RUNNER, library, inputs, output], check=True,
                   env=env)
    return np.load(output)


def check_int4(library, generic_library, float_library, reference, x_shape, rng):
    work = os.path.dirname(library)
    inputs = os.path.join(work, "inputs.npy")
    xs = rng.normal(0.3, 1.0, [3] + x_shape).astype(F)
    xs[2, 0] = np.abs(xs[2, 0])  # a row without negative values
    np.save(inputs, xs)
    best = run_library(library, inputs, os.path.join(work, "best.npy"))
    generic = run_library(generic_library, inputs, os.path.join(work, "generic.npy"))
    portable = run_library(library, inputs, os.path.join(work, "portable.npy"),
                           dict(os.environ, QUANTC_KERNELS="generic"))
    exact = run_library(float_library, inputs, os.path.join(work, "float.npy"))
    ok = True
    for label, got in [("generic loops", generic), ("portable kernels", portable)]:
        same = np.array_equal(best, got)
        print(f"int4: kernel library and {label}: {'identical' if same else 'DIFFERENT'}")
        ok &= same
    for trial, x in enumerate(xs):
        want = reference(x)
        span = np.abs(want).max()
        difference = np.abs(best[trial] - want).max() / span
        close = difference <= 1e-5
        error = np.abs(best[trial] - exact[trial]).max() / np.abs(exact[trial]).max()
        print(f"trial {trial}: {'within 1e-5' if close else 'NOT within 1e-5'} of numpy "
              f"({difference:.2g}), error vs float {error:.3g} of the output's range")
        ok &= close
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
