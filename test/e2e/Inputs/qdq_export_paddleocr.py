"""Checks `quantc quantize` on PaddleOCR's direction classifier, an opset 9
model that the export moves to opset 13 (Slice, Clip and Softmax rewritten)
for its per-channel weights.

Calibration uses strips of opencv-doc's imageTextR.png, evaluation the
strips of imageTextN.png. The exported model, compiled by quantc, must give
outputs identical to `quantc compile --quantize static` with the same
statistics; with onnxruntime given, onnxruntime runs the exported model
too (all graph optimizations) and must make the same decisions on every
strip that is not a near tie, with probabilities within 0.05.

Usage: qdq_export_paddleocr.py QUANTC CLS_MODEL IMAGES_DIR WORK_DIR [--ort ORT_DIR]
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from PIL import Image

import quantc
from quantc.paddleocr import line_input, strips

WIDTH = 192


def crops(path, height, step):
    image = Image.open(path).convert("RGB")
    return [line_input(crop, WIDTH) for crop in strips(image, height, step)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("model")
    parser.add_argument("images")
    parser.add_argument("work")
    parser.add_argument("--ort")
    args = parser.parse_args()
    calibration = os.path.join(args.work, "calibration")
    os.makedirs(calibration, exist_ok=True)
    for i, x in enumerate(crops(os.path.join(args.images, "imageTextR.png"), 26, 26)):
        np.save(os.path.join(calibration, f"s{i:02}.npy"), x)
    shape = ["--input-shape", f"x=1,3,48,{WIDTH}"]
    stats = os.path.join(args.work, "stats.json")
    subprocess.run([args.quantc, "calibrate", args.model, "--data", calibration, "-o", stats]
                   + shape, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    exported = os.path.join(args.work, "cls.int8.onnx")
    subprocess.run([args.quantc, "quantize", args.model, "--calibration", stats, "-o",
                    exported] + shape, check=True)
    model = onnx.load(exported)
    onnx.checker.check_model(model)
    opset = [i.version for i in model.opset_import if i.domain in ("", "ai.onnx")][0]
    print(f"exported: opset {opset}, "
          f"{os.path.getsize(exported) / os.path.getsize(args.model):.2f} of the float size")

    direct = os.path.join(args.work, "libdirect.so")
    through = os.path.join(args.work, "libexported.so")
    subprocess.run([args.quantc, "compile", args.model, "--quantize", "static",
                    "--calibration", stats, "-o", direct] + shape, check=True)
    subprocess.run([args.quantc, "compile", exported, "-o", through] + shape, check=True)
    inputs = crops(os.path.join(args.images, "imageTextN.png"), 30, 30)
    with quantc.load(direct) as a, quantc.load(through) as b:
        want = np.concatenate([next(iter(a.run({"x": x}).values())) for x in inputs])
        got = np.concatenate([next(iter(b.run({"x": x}).values())) for x in inputs])
    same = np.array_equal(want, got)
    print(f"quantc on the exported model: {'identical' if same else 'DIFFERENT'}")
    ok = same
    if args.ort:
        pairs = []
        for i, x in enumerate(inputs):
            x.tofile(os.path.join(args.work, f"x{i}.f32"))
            pairs += [os.path.join(args.work, f"x{i}.f32"), os.path.join(args.work, f"y{i}.f32")]
        subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.js"), args.ort,
                        exported, "x", f"1,3,48,{WIDTH}"] + pairs, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, ORT_OPTIMIZATION="all"))
        ort = np.concatenate([np.fromfile(pairs[2 * i + 1], np.float32).reshape(1, -1)
                              for i in range(len(inputs))])
        # Strips whose two probabilities lie within 0.05 of each other are
        # ties that one quantization step anywhere may flip; the others must
        # get the same decision, and no probability may move by 0.05.
        clear = np.abs(want[:, 0] - want[:, 1]) > 0.05
        decisions = (ort.argmax(1) == want.argmax(1))[clear].mean()
        error = np.abs(ort - want).max()
        close = decisions == 1.0 and error < 0.05
        ok &= close
        print(f"onnxruntime on the exported model: {decisions:.0%} same decisions on "
              f"{clear.sum()} clear strips of {len(inputs)}, max probability difference "
              f"{error:.3g}: {'close' if close else 'FAR'}")
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
