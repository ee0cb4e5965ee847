"""Checks `quantc compile --quantize static` bit for bit against a numpy
model of the rules in docs/numerics.md.

The model is x -> Gemm "fc1" -> Relu "act1" -> Gemm "fc2" -> y. quantc
calibrates it on a folder of .npy samples (the statistics come from
`quantc calibrate` on the same folder, so both sides start from the same
ranges) and compiles it with int8 contractions. numpy then quantizes the
input (u8, asymmetric, min-max range), the weights (s8 in [-127, 127], one
scale per output column) and the biases (i32 in scale s_x * s_w), computes
fc1 in integers and requantizes it straight to act1's type (the relu is
saturation), and ends fc2 in float. The outputs must be identical; the
script also prints the error against the float model, and leaves the first
trial's input and output in WORK_DIR (x.npy, expect/output_0.npy).

`--quantize weight-only` is checked too: its outputs must be numpy's float
computation with the dequantized weights, to float rounding.

With --bias-correction both compile with `--bias-correction`, and numpy
first subtracts from each bias the weight's mean quantization error on
the calibration set, mean(x) @ (Wq - W), from the per-channel means that
`quantc calibrate` recorded (checked against numpy's own).

Usage: check_quantize_static.py QUANTC WORK_DIR [--per-tensor] [--bias-correction]
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32


def rne(v):
    return np.round(v)  # numpy rounds half to even


def choose_activation(rmin, rmax):
    """Scale and zero point of u8 asymmetric quantization of [rmin, rmax]."""
    rmin, rmax = F(min(rmin, 0.0)), F(max(rmax, 0.0))
    if rmin == rmax:
        return F(1), 0
    scale = F((rmax - rmin) / F(255))
    zp = int(np.clip(rne(F(0) - rmin / scale), 0, 255))
    return scale, zp


def choose_weight(w, per_channel):
    """Per-column (or per-tensor) scales and s8 values of weight w [K, N]."""
    a = np.abs(w).max(axis=0) if per_channel else np.full(w.shape[1], np.abs(w).max(), F)
    scale = np.where(a == 0, F(1), ((a - -a) / F(254)).astype(F)).astype(F)
    q = np.clip(rne((w / scale).astype(F)), -127, 127).astype(np.int64)
    return scale, q


def quantize(x, scale, zp, lo, hi):
    return np.clip(rne((x / scale).astype(F)) + zp, lo, hi).astype(np.int64)


def main():
    quantc_bin, work = sys.argv[1:3]
    per_tensor = "--per-tensor" in sys.argv[3:]
    correct = "--bias-correction" in sys.argv[3:]
    extra = (["--per-tensor"] if per_tensor else []) + (["--bias-correction"] if correct else [])
    os.makedirs(os.path.join(work, "calibration"), exist_ok=True)
    rng = np.random.default_rng(11)
    w1 = rng.normal(0, 0.5, (16, 8)).astype(F)
    w1[:, 3] *= 8  # an outlier column: per-channel scales matter
    b1 = rng.normal(0, 0.3, 8).astype(F)
    w2 = rng.normal(0, 0.4, (8, 5)).astype(F)
    b2 = rng.normal(0, 0.3, 5).astype(F)
    nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1"),
             helper.make_node("Relu", ["h"], ["r"], name="act1"),
             helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], name="fc2")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 5])],
        [numpy_helper.from_array(v, n) for v, n in [(w1, "w1"), (b1, "b1"), (w2, "w2"),
                                                     (b2, "b2")]])
    model = os.path.join(work, "model.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    calibration = [rng.normal(0.3, 1.0, (4, 16)).astype(F) for _ in range(32)]
    for i, x in enumerate(calibration):
        np.save(os.path.join(work, "calibration", f"s{i:02}.npy"), x)

    stats_path = os.path.join(work, "stats.json")
    subprocess.run([quantc_bin, "calibrate", model, "--data", os.path.join(work, "calibration"),
                    "-o", stats_path], check=True)
    stats = json.load(open(stats_path))["tensors"]
    library = os.path.join(work, "libq.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "static", "--calibration",
                    os.path.join(work, "calibration"), "-o", library] + extra, check=True)
    float_library = os.path.join(work, "libf.so")
    subprocess.run([quantc_bin, "compile", model, "-o", float_library], check=True)

    s_x, z_x = choose_activation(stats["input:x"]["min"], stats["input:x"]["max"])
    s_r, z_r = choose_activation(stats["act1"]["min"], stats["act1"]["max"])
    s_w1, q_w1 = choose_weight(w1, not per_tensor)
    s_w2, q_w2 = choose_weight(w2, not per_tensor)
    ok = True
    if correct:
        # The channel means calibration recorded, then the corrected biases.
        x_all = np.concatenate(calibration).astype(np.float64)
        r_all = np.maximum(np.concatenate(calibration) @ w1 + b1, 0)
        mean_x = np.array(stats["input:x"]["channels"]["mean"])
        mean_r = np.array(stats["act1"]["channels"]["mean"])
        means_ok = (np.allclose(mean_x, x_all.mean(axis=0), rtol=1e-9, atol=1e-9)
                    and np.allclose(mean_r, r_all.mean(axis=0), rtol=1e-5, atol=1e-5))
        ok = ok and means_ok
        print(f"channel means: {'match' if means_ok else 'DIFFER FROM'} numpy's")
        delta1 = (q_w1 * s_w1).astype(F).astype(np.float64) - w1
        delta2 = (q_w2 * s_w2).astype(F).astype(np.float64) - w2
        b1 = (b1 - mean_x @ delta1).astype(F)
        b2 = (b2 - mean_r @ delta2).astype(F)
    s_b1 = (s_x * s_w1).astype(F)
    s_b2 = (s_r * s_w2).astype(F)
    q_b1 = np.clip(rne((b1 / s_b1).astype(F)), -2**31, 2**31 - 1).astype(np.int64)
    q_b2 = np.clip(rne((b2 / s_b2).astype(F)), -2**31, 2**31 - 1).astype(np.int64)

    # Weight-only: int8 weights dequantized in the code, float arithmetic.
    weight_only = os.path.join(work, "libw.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "weight-only", "-o",
                    weight_only] + extra
                   + (["--calibration", stats_path] if correct else []), check=True)
    with quantc.load(weight_only) as compiled:
        x = rng.normal(0.3, 1.0, (4, 16)).astype(F)
        h = np.maximum(x.astype(np.float64) @ (q_w1 * s_w1).astype(F) + b1, 0)
        expected = h @ (q_w2 * s_w2).astype(F) + b2
        actual = compiled.run({"x": x})["y"]
        close = np.allclose(actual, expected, rtol=1e-5, atol=1e-5)
        ok = ok and close
        print(f"weight-only: {'matches' if close else 'DIFFERS FROM'} numpy with dequantized "
              f"weights")

    with quantc.load(library) as quantized, quantc.load(float_library) as reference:
        for trial in range(3):
            x = rng.normal(0.3, 1.0, (4, 16)).astype(F)
            q_x = quantize(x, s_x, z_x, 0, 255)
            acc1 = (q_x - z_x) @ q_w1 + q_b1
            multiplier = (s_b1 / s_r).astype(F)
            q_r = np.clip(rne((acc1.astype(F) * multiplier).astype(F)) + z_r, 0, 255)
            acc2 = (q_r.astype(np.int64) - z_r) @ q_w2 + q_b2
            expected = (acc2.astype(F) * s_b2).astype(F)
            actual = quantized.run({"x": x})["y"]
            exact = reference.run({"x": x})["y"]
            if trial == 0:
                os.makedirs(os.path.join(work, "expect"), exist_ok=True)
                np.save(os.path.join(work, "x.npy"), x)
                np.save(os.path.join(work, "expect", "output_0.npy"), actual)
            same = np.array_equal(actual, expected)
            ok = ok and same
            error = np.abs(actual - exact).max() / np.abs(exact).max()
            print(f"trial {trial}: {'identical' if same else 'DIFFERENT'} to numpy, "
                  f"error vs float {error:.3g} of the output's range")
            if not same:
                print("  quantc:", actual.ravel()[:8])
                print("  numpy: ", expected.ravel()[:8])
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
