"""Checks `quantc quantize` (QDQ export) on the Fashion-MNIST CNN.

quantc quantize writes the model's static int8 quantization (per channel or
per tensor, calibrated on training images) as a QDQ ONNX model. Compiled by
quantc, that model gives outputs identical to `quantc compile --quantize
static` with the same statistics: the export loses nothing. With
onnxruntime given, the exported model also runs there (all graph
optimizations, so its QDQ fusion gives integer kernels): its predictions
must be quantc's and its logits within one quantization step of quantc's
(the unit of the last Gemm's accumulator, s_input * s_weight).

Usage: qdq_export.py QUANTC MODEL WORK_DIR [--per-tensor] [--ort ORT_DIR]
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

import quantc
from quantc import fashion_mnist


def output_step(model):
    """The quantization step of the logits, per column: the unit of the
    last Gemm's accumulator, s_input * s_weight[c]."""
    producers = {out: node for node in model.graph.node for out in node.output}
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    gemm = producers["logits"]
    scale_in = inits[producers[gemm.input[0]].input[1]]
    scale_w = inits[producers[gemm.input[1]].input[1]]
    return (scale_in * scale_w).astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("model")
    parser.add_argument("work")
    parser.add_argument("--per-tensor", action="store_true")
    parser.add_argument("--ort")
    args = parser.parse_args()
    os.makedirs(os.path.join(args.work, "calibration"), exist_ok=True)
    images, _ = fashion_mnist.load("train")
    for i in range(4):
        np.save(os.path.join(args.work, "calibration", f"s{i}.npy"),
                fashion_mnist.normalize(images[100 * i:100 * (i + 1)]))
    stats = os.path.join(args.work, "stats.json")
    subprocess.run([args.quantc, "calibrate", args.model, "--data",
                    os.path.join(args.work, "calibration"), "-o", stats],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    granularity = ["--per-tensor"] if args.per_tensor else []
    exported = os.path.join(args.work, "model.int8.onnx")
    subprocess.run([args.quantc, "quantize", args.model, "--calibration", stats, "-o",
                    exported] + granularity, check=True)
    model = onnx.load(exported)
    onnx.checker.check_model(model)
    ops = [node.op_type for node in model.graph.node]
    print(f"exported: {ops.count('QuantizeLinear')} QuantizeLinear, "
          f"{ops.count('DequantizeLinear')} DequantizeLinear, "
          f"{os.path.getsize(exported) / os.path.getsize(args.model):.2f} of the float size")

    direct = os.path.join(args.work, "libdirect.so")
    through = os.path.join(args.work, "libexported.so")
    subprocess.run([args.quantc, "compile", args.model, "--quantize", "static",
                    "--calibration", stats, "-o", direct] + granularity, check=True)
    subprocess.run([args.quantc, "compile", exported, "-o", through], check=True)
    test_images, _ = fashion_mnist.load("test")
    x = fashion_mnist.normalize(test_images[:500])
    with quantc.load(direct) as a, quantc.load(through) as b:
        want = a.run({"image": x})["logits"]
        got = b.run({"image": x})["logits"]
    same = np.array_equal(want, got)
    print(f"quantc on the exported model: {'identical' if same else 'DIFFERENT'}")
    ok = same

    if args.ort:
        x.tofile(os.path.join(args.work, "x.f32"))
        subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.js"),
                        args.ort, exported, "image", ",".join(map(str, x.shape)),
                        os.path.join(args.work, "x.f32"), os.path.join(args.work, "ort.f32")],
                       check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, ORT_OPTIMIZATION="all"))
        ort = np.fromfile(os.path.join(args.work, "ort.f32"), np.float32).reshape(want.shape)
        agree = (ort.argmax(1) == want.argmax(1)).mean()
        steps = np.abs(ort - want) / output_step(model)
        close = agree >= 0.99 and steps.max() <= 1.0
        ok &= close
        print(f"onnxruntime on the exported model: {agree:.1%} same predictions, "
              f"at most {steps.max():.3g} quantization steps apart: "
              f"{'close' if close else 'FAR'}")
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
