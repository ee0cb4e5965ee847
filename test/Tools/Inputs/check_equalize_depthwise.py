"""Checks `quantc compile --quantize static --equalize-depthwise` bit for
bit against a numpy model, and that equalizing shrinks the error when the
channels of a depthwise conv's input have very different ranges.

The model is x -> Mul "gain" (a constant per channel: channels 1 and 5
twenty times larger than the rest) -> depthwise Conv "dw" (3x3, pads 1,
bias) -> y. numpy reads the per-channel statistics `quantc calibrate`
recorded for "gain", divides channel c by s_c = max|X_c| (its weights are
multiplied by s_c), quantizes the equalized input to u8 with its min-max
range, the weights to s8 per channel and the bias to i32, and runs the
integer conv with the input's zero point in the padding. The outputs must
be identical, and the relative RMS error against float of the worst
output channel over held-out samples at most half of plain static
quantization's (a per-tensor input scale leaves the small channels
coarse).

Usage: check_equalize_depthwise.py QUANTC WORK_DIR
"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc
from check_quantize_static import choose_activation, quantize, rne

F = np.float32
C, H, W = 8, 6, 6


def sample(rng):
    return rng.normal(0.2, 1.0, (1, C, H, W)).astype(F)


def depthwise_integer(q_x, z_x, q_w, q_b):
    """The integer depthwise conv, 3x3, pads 1: the padding holds z_x."""
    padded = np.pad(q_x[0], ((0, 0), (1, 1), (1, 1)), constant_values=z_x) - z_x
    acc = np.zeros((C, H, W), np.int64)
    for i in range(3):
        for j in range(3):
            acc += padded[:, i:i + H, j:j + W] * q_w[:, 0, i, j][:, None, None]
    return (acc + q_b[:, None, None])[None]


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(os.path.join(work, "calibration"), exist_ok=True)
    rng = np.random.default_rng(9)
    gain = np.ones(C, F)
    gain[[1, 5]] = 20
    gain = gain.reshape(1, C, 1, 1)
    w = rng.normal(0, 0.5, (C, 1, 3, 3)).astype(F)
    b = rng.normal(0, 0.2, C).astype(F)
    nodes = [helper.make_node("Mul", ["x", "g"], ["a"], name="gain"),
             helper.make_node("Conv", ["a", "w", "b"], ["y"], name="dw", group=C,
                              kernel_shape=[3, 3], pads=[1, 1, 1, 1])]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, C, H, W])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, C, H, W])],
        [numpy_helper.from_array(v, n) for v, n in [(gain, "g"), (w, "w"), (b, "b")]])
    model = os.path.join(work, "model.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    calibration = [sample(rng) for _ in range(32)]
    for i, x in enumerate(calibration):
        np.save(os.path.join(work, "calibration", f"s{i:02}.npy"), x)
    stats_path = os.path.join(work, "stats.json")
    subprocess.run([quantc_bin, "calibrate", model, "--data",
                    os.path.join(work, "calibration"), "-o", stats_path], check=True)
    libraries = {}
    for name, extra in [("equalized", ["--equalize-depthwise"]), ("plain", []),
                        ("float", None)]:
        libraries[name] = os.path.join(work, f"lib{name}.so")
        command = [quantc_bin, "compile", model, "-o", libraries[name]]
        if extra is not None:
            command += ["--quantize", "static", "--calibration", stats_path] + extra
        subprocess.run(command, check=True)

    channels = json.load(open(stats_path))["tensors"]["gain"]["channels"]
    lo, hi = np.array(channels["min"]), np.array(channels["max"])
    s = np.maximum(np.abs(lo), np.abs(hi))
    inverse = (1.0 / s).astype(F).reshape(1, C, 1, 1)
    ws = (w.astype(np.float64) * s.reshape(C, 1, 1, 1)).astype(F)
    s_x, z_x = choose_activation(min(0.0, (lo / s).min()), max(0.0, (hi / s).max()))
    a = np.abs(ws).reshape(C, -1).max(axis=1)
    s_w = ((a - -a) / F(254)).astype(F)
    q_w = np.clip(rne((ws / s_w.reshape(C, 1, 1, 1)).astype(F)), -127, 127).astype(np.int64)
    s_b = (s_x * s_w).astype(F)
    q_b = np.clip(rne((b / s_b).astype(F)), -2**31, 2**31 - 1).astype(np.int64)

    ok = True
    # Squared errors and squared outputs per channel, over held-out samples.
    errors = {"equalized": np.zeros(C), "plain": np.zeros(C)}
    energy = np.zeros(C)
    with quantc.load(libraries["equalized"]) as equalized, \
            quantc.load(libraries["plain"]) as plain, \
            quantc.load(libraries["float"]) as reference:
        for trial in range(8):
            x = sample(rng)
            q_x = quantize(((x * gain).astype(F) * inverse).astype(F), s_x, z_x, 0, 255)
            expected = (depthwise_integer(q_x, z_x, q_w, q_b).astype(F)
                        * s_b.reshape(1, C, 1, 1)).astype(F)
            got = equalized.run({"x": x})["y"]
            same = np.array_equal(got, expected)
            ok = ok and same
            if trial < 3 or not same:
                print(f"trial {trial}: {'identical' if same else 'DIFFERENT'} to numpy")
            if not same:
                print("  quantc:", got.ravel()[:6])
                print("  numpy: ", expected.ravel()[:6])
            exact = reference.run({"x": x})["y"].astype(np.float64)
            energy += np.sum(exact ** 2, axis=(0, 2, 3))
            errors["equalized"] += np.sum((got - exact) ** 2, axis=(0, 2, 3))
            errors["plain"] += np.sum((plain.run({"x": x})["y"] - exact) ** 2, axis=(0, 2, 3))
    equalized_error = np.sqrt(errors["equalized"] / energy).max()
    plain_error = np.sqrt(errors["plain"] / energy).max()
    better = equalized_error < plain_error / 2
    ok = ok and better
    print(f"relative RMS error vs float of the worst channel over 8 samples: "
          f"{equalized_error:.3g} equalized, "
          f"{plain_error:.3g} without ({'at most half' if better else 'NOT at most half'})")
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
