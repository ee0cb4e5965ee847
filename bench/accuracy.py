#!/usr/bin/env python3
"""Accuracy of quantc's quantization on PaddleOCR's recognition and direction
models, measured against the same models compiled in float.

Calibration and evaluation use different real images, never the same:
  calibration  strips of opencv-doc's imageTextR.png, text_motion.jpg and
               text_defocus.jpg (rotated, blurred and defocused text);
  evaluation   the 13 text lines of imageTextN.png.
For rec, every configuration reports the share of output frames whose
argmax (the character CTC picks) agrees with float, and how many lines
decode to float's text; for cls, how many lines get float's decision. A
row of float itself on inputs with Gaussian noise of one gray level shows
how fragile each metric is. Sizes are the shared library's bytes (weights
embedded).

Writes a Markdown table to standard output, or into --output between the
markers "<!-- accuracy table: begin/end -->" (docs/accuracy.md has them).

The statistics (quantc calibrate) are kept in WORK_DIR and reused.

Usage: accuracy.py QUANTC MODELS_DIR IMAGES_DIR WORK_DIR [--output FILE]
                   [--configs static-minmax-channel,...] [--recalibrate]
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np
from PIL import Image

import quantc
from markers import emit_table
from quantc.paddleocr import calibration_strips, ctc_decode, line_boxes, line_input

REC_WIDTH = 1600
CLS_WIDTH = 192
METHODS = ["minmax", "percentile", "entropy", "mse"]


def all_configs():
    configs = [("float", [])]
    for granularity in ["channel", "tensor"]:
        for method in METHODS:
            configs.append((f"static-{method}-{granularity}",
                            ["--quantize", "static", "--calibration-method", method,
                             f"--per-{granularity}"]))
        if granularity == "channel":
            minmax = ["--quantize", "static", "--calibration-method", "minmax", "--per-channel"]
            configs.append(("static-minmax-channel-bc", minmax + ["--bias-correction"]))
            configs.append(("static-minmax-channel-bc-eq",
                            minmax + ["--bias-correction", "--equalize-depthwise"]))
            configs.append(("static-mse-channel-smooth0.5",
                            ["--quantize", "static", "--calibration-method", "mse",
                             "--per-channel", "--smooth-quant", "0.5"]))
        configs.append((f"dynamic-{granularity}",
                        ["--quantize", "dynamic", "--dynamic-conv", f"--per-{granularity}"]))
        configs.append((f"weight-only-int8-{granularity}",
                        ["--quantize", "weight-only", f"--per-{granularity}"]))
        if granularity == "channel":
            configs.append(("weight-only-int8-channel-bc",
                            ["--quantize", "weight-only", "--bias-correction"]))
    configs.append(("weight-only-int4-channel", ["--quantize", "weight-only", "--bits", "4"]))
    configs.append(("weight-only-int4-channel-Os",
                    ["--quantize", "weight-only", "--bits", "4", "-Os"]))
    for group in [32, 64, 128]:
        configs.append((f"weight-only-int4-g{group}",
                        ["--quantize", "weight-only", "--bits", "4", "--group-size",
                         str(group)]))
    configs.append(("weight-only-int4-g32-bc",
                    ["--quantize", "weight-only", "--bits", "4", "--group-size", "32",
                     "--bias-correction"]))
    for method in ["kmeans", "pow2"]:
        configs.append((f"codebook-{method}-4",
                        ["--quantize", "codebook", "--bits", "4", "--codebook-method", method]))
    return configs


def write_samples(folder, inputs):
    os.makedirs(folder, exist_ok=True)
    for i, x in enumerate(inputs):
        np.save(os.path.join(folder, f"sample{i:03}.npy"), x)


def compile_model(quantc_bin, model, shape, stats, options, library):
    command = [quantc_bin, "compile", model, "--input-shape", f"x={shape}", "-o", library]
    command += options
    if calibrated(options):
        command += ["--calibration", stats]
    subprocess.run(command, check=True)
    return os.path.getsize(library)


def calibrated(options):
    """Whether a configuration reads the calibration statistics."""
    return "static" in options or "--bias-correction" in options


def run_all(library, inputs):
    with quantc.load(library) as model:
        return [next(iter(model.run({"x": x}).values())) for x in inputs]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("models")
    parser.add_argument("images")
    parser.add_argument("work")
    parser.add_argument("--output")
    parser.add_argument("--configs")
    parser.add_argument("--recalibrate", action="store_true",
                        help="calibrate again even if WORK_DIR holds statistics")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    configs = all_configs()
    if args.configs:
        wanted = args.configs.split(",")
        configs = [c for c in configs if c[0] in wanted or c[0] == "float"]

    page = Image.open(os.path.join(args.images, "imageTextN.png")).convert("RGB")
    lines = [page.crop(box) for box in line_boxes(page, 100)]
    crops = calibration_strips(args.images)
    characters = ["blank"] + [l.rstrip("\n") for l in open(
        os.path.join(args.models, "ppocr_keys_v1.txt"), encoding="utf-8")] + [" "]

    rows = []
    for key, model_name, width in [("rec", "ch_PP-OCRv4_rec_infer.onnx", REC_WIDTH),
                                   ("cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", CLS_WIDTH)]:
        model = os.path.join(args.models, model_name)
        shape = f"1,3,48,{width}"
        samples = os.path.join(args.work, f"{key}-calibration")
        stats = os.path.join(args.work, f"{key}-stats.json")
        needs_stats = any(calibrated(options) for _, options in configs)
        if needs_stats and (not os.path.exists(stats) or args.recalibrate):
            write_samples(samples, [line_input(c, width) for c in crops])
            subprocess.run([args.quantc, "calibrate", model, "--input-shape", f"x={shape}",
                            "--data", samples, "-o", stats], check=True)
        evaluation = [line_input(l, width) for l in lines]
        reference = None
        for name, options in configs:
            library = os.path.join(args.work, f"lib{key}-{name}.so")
            started = time.time()
            size = compile_model(args.quantc, model, shape, stats, options, library)
            outputs = run_all(library, evaluation)
            if reference is None:
                reference = outputs
            metric = describe(key, outputs, reference, characters, len(lines))
            rows.append((key, name, metric, size, size / rows_float_size(rows, key, size)))
            if name == "float":
                # How fragile the metric is: float itself on inputs moved by
                # Gaussian noise of one gray level (2/255 after scaling).
                rng = np.random.default_rng(0)
                noisy = run_all(library, [(x + rng.normal(0, 2 / 255, x.shape)).astype(
                    np.float32) for x in evaluation])
                rows.append((key, "float, input noise of one gray level",
                             describe(key, noisy, reference, characters, len(lines)), size, 1.0))
            print(f"{key} {name}: {metric}, {size} bytes ({time.time() - started:.0f} s)",
                  file=sys.stderr)

    table = ["| model | configuration | agreement with float | library bytes | size vs float |",
             "| --- | --- | --- | --- | --- |"]
    for key, name, metric, size, ratio in rows:
        table.append(f"| {key} | {name} | {metric} | {size} | {ratio:.2f} |")
    text = "\n".join(table) + "\n"
    emit_table(args.output, "accuracy", text, create=True)
    return 0


def describe(key, outputs, reference, characters, count):
    """rec: frames whose argmax agrees and lines decoded alike; cls: lines
    whose decision agrees."""
    if key == "rec":
        agree = np.mean(np.concatenate([
            (o.argmax(-1) == r.argmax(-1)).ravel() for o, r in zip(outputs, reference)]))
        same = sum(ctc_decode(o[0], characters) == ctc_decode(r[0], characters)
                   for o, r in zip(outputs, reference))
        return f"{100 * agree:.2f}% frames, {same}/{count} lines"
    same = sum(o.argmax() == r.argmax() for o, r in zip(outputs, reference))
    return f"{same}/{count} decisions"


def rows_float_size(rows, key, size):
    for row in rows:
        if row[0] == key and row[1] == "float":
            return row[3]
    return size


if __name__ == "__main__":
    sys.exit(main())
