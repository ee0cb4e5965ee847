"""Checks `quantc compile --quantize static --smooth-quant ALPHA` bit for
bit against a numpy model of SmoothQuant and of the static rules in
docs/numerics.md, and that smoothing shrinks the error on activations
with outlier channels.

The model is x -> Add "shift" -> (MatMul "q" -> y1, Gemm "k" (trans_b,
bias) -> y2): one activation read by two contractions, which share its
smoothing factors. Three of the 64 input channels are 30 times larger than
the rest, as the outlier channels of transformer activations are.

numpy reads the per-channel statistics that `quantc calibrate` recorded
for "shift" (and checks them against the activations it computes itself),
derives s_j = max|X_j|^alpha / max|W_j|^(1 - alpha) over both weights, the
smoothed activation's range, and then quantizes as qnn-quantize does: u8
asymmetric activation, s8 weights per output channel, i32 bias. The
outputs must be identical, and the relative RMS error against float over
held-out samples at most half of static quantization's without smoothing.

Usage: check_smooth_quant.py QUANTC WORK_DIR ALPHA
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc
from check_quantize_static import choose_activation, choose_weight, quantize, rne

F = np.float32
K, N1, N2, ROWS = 64, 48, 32, 8
OUTLIERS = [5, 17, 40]


def sample(rng):
    x = rng.normal(0, 1, (ROWS, K)).astype(F)
    x[:, OUTLIERS] *= 30
    return x


def main():
    quantc_bin, work, alpha = sys.argv[1], sys.argv[2], float(sys.argv[3])
    os.makedirs(os.path.join(work, "calibration"), exist_ok=True)
    rng = np.random.default_rng(5)
    beta = rng.normal(0, 0.2, K).astype(F)
    w1 = rng.normal(0, 0.3, (K, N1)).astype(F)
    w2 = rng.normal(0, 0.3, (N2, K)).astype(F)
    b2 = rng.normal(0, 0.2, N2).astype(F)
    nodes = [helper.make_node("Add", ["x", "beta"], ["a"], name="shift"),
             helper.make_node("MatMul", ["a", "w1"], ["y1"], name="q"),
             helper.make_node("Gemm", ["a", "w2", "b2"], ["y2"], name="k", transB=1)]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, K])],
        [helper.make_tensor_value_info("y1", TensorProto.FLOAT, [ROWS, N1]),
         helper.make_tensor_value_info("y2", TensorProto.FLOAT, [ROWS, N2])],
        [numpy_helper.from_array(v, n) for v, n in [(beta, "beta"), (w1, "w1"), (w2, "w2"),
                                                     (b2, "b2")]])
    model = os.path.join(work, "model.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    calibration = [sample(rng) for _ in range(64)]
    for i, x in enumerate(calibration):
        np.save(os.path.join(work, "calibration", f"s{i:02}.npy"), x)

    stats_path = os.path.join(work, "stats.json")
    subprocess.run([quantc_bin, "calibrate", model, "--data",
                    os.path.join(work, "calibration"), "-o", stats_path], check=True)
    libraries = {}
    for name, extra in [("smooth", ["--smooth-quant", str(alpha)]), ("plain", []), ("float", None)]:
        libraries[name] = os.path.join(work, f"lib{name}.so")
        command = [quantc_bin, "compile", model, "-o", libraries[name]]
        if extra is not None:
            command += ["--quantize", "static", "--calibration", stats_path] + extra
        subprocess.run(command, check=True)

    ok = True
    # The per-channel statistics of the activation both contractions read.
    channels = json.load(open(stats_path))["tensors"]["shift"]["channels"]
    activations = np.stack([x + beta for x in calibration])
    recorded = (channels["axis"] == 1
                and np.array_equal(np.array(channels["min"]), activations.min(axis=(0, 1)))
                and np.array_equal(np.array(channels["max"]), activations.max(axis=(0, 1)))
                and np.allclose(channels["mean"], activations.astype(np.float64).mean(axis=(0, 1)),
                                rtol=1e-12, atol=1e-12))
    ok = ok and recorded
    print(f"channel statistics: {'match' if recorded else 'DIFFER FROM'} numpy's")

    # SmoothQuant, then static quantization, in numpy.
    lo, hi = np.array(channels["min"]), np.array(channels["max"])
    absmax = np.maximum(np.abs(lo), np.abs(hi))
    wmax = np.maximum(np.abs(w1).max(axis=1), np.abs(w2).max(axis=0)).astype(np.float64)
    s = absmax ** alpha / wmax ** (1 - alpha)
    inverse = (1.0 / s).astype(F)
    w1s = (w1.astype(np.float64) * s[:, None]).astype(F)
    w2s = (w2.astype(np.float64) * s[None, :]).astype(F)
    s_a, z_a = choose_activation(min(0.0, (lo / s).min()), max(0.0, (hi / s).max()))
    s_w1, q_w1 = choose_weight(w1s, True)
    s_w2, q_w2 = choose_weight(w2s.T, True)
    s_b1 = (s_a * s_w1).astype(F)
    s_b2 = (s_a * s_w2).astype(F)
    q_b2 = np.clip(rne((b2 / s_b2).astype(F)), -2**31, 2**31 - 1).astype(np.int64)

    # Squared errors and squared outputs, summed over held-out samples.
    errors = {"smooth": 0.0, "plain": 0.0}
    energy = 0.0
    with quantc.load(libraries["smooth"]) as smooth, quantc.load(libraries["plain"]) as plain, \
            quantc.load(libraries["float"]) as reference:
        for trial in range(12):
            x = sample(rng)
            q_a = quantize(((x + beta) * inverse).astype(F), s_a, z_a, 0, 255)
            y1 = ((q_a - z_a) @ q_w1).astype(F) * s_b1
            y2 = ((q_a - z_a) @ q_w2 + q_b2).astype(F) * s_b2
            got = smooth.run({"x": x})
            same = np.array_equal(got["y1"], y1) and np.array_equal(got["y2"], y2)
            ok = ok and same
            if trial < 3 or not same:
                print(f"trial {trial}: {'identical' if same else 'DIFFERENT'} to numpy")
            if not same:
                print("  quantc:", got["y1"].ravel()[:6], got["y2"].ravel()[:6])
                print("  numpy: ", y1.ravel()[:6], y2.ravel()[:6])
            exact = reference.run({"x": x})
            energy += sum(np.sum(exact[y].astype(np.float64) ** 2) for y in exact)
            for name, outputs in [("smooth", got), ("plain", plain.run({"x": x}))]:
                errors[name] += sum(np.sum((outputs[y] - exact[y]).astype(np.float64) ** 2)
                                    for y in exact)
    smooth_error = np.sqrt(errors["smooth"] / energy)
    plain_error = np.sqrt(errors["plain"] / energy)
    better = smooth_error < plain_error / 2
    ok = ok and better
    print(f"relative RMS error vs float over 12 samples: {smooth_error:.3g} smoothed, "
          f"{plain_error:.3g} without "
          f"({'at most half' if better else 'NOT at most half'})")
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
