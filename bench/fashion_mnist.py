#!/usr/bin/env python3
"""Top-1 accuracy of quantc's quantization on the Fashion-MNIST CNN of
examples/fashion-mnist, against the same model compiled in float.

Calibration uses training images only (a fixed random subset of the
60,000); evaluation uses the 10,000 test images (or the first N with
--test-images). Each configuration is a `quantc compile` of the model;
the report gives its top-1, the drop from float in points, how often its
prediction equals float's, and the shared library's size.

Writes a Markdown table to standard output, or into --output between the
markers "<!-- fashion-mnist table: begin/end -->" (docs/accuracy.md has
them). --check-drop P prints, for every quantized configuration, whether
its drop is within P points, and exits 1 if one is not.

Usage: fashion_mnist.py QUANTC MODEL WORK_DIR [--output FILE]
           [--configs float,static-minmax-channel,...] [--test-images N]
           [--calibration-images N] [--check-drop P]
"""

import argparse
import os
import subprocess
import sys

import numpy as np

import quantc
from quantc import fashion_mnist


def all_configs():
    configs = {"float": []}
    for method in ["minmax", "percentile", "entropy", "mse"]:
        configs[f"static-{method}-channel"] = ["--quantize", "static", "--calibration-method",
                                               method, "--per-channel"]
    configs["static-minmax-channel-bc"] = configs["static-minmax-channel"] + [
        "--bias-correction"]
    configs["static-minmax-channel-integer-only"] = configs["static-minmax-channel"] + [
        "--integer-only"]
    configs["static-minmax-tensor"] = ["--quantize", "static", "--per-tensor"]
    configs["dynamic-channel"] = ["--quantize", "dynamic", "--dynamic-conv", "--per-channel"]
    configs["dynamic-per-row-channel"] = ["--quantize", "dynamic", "--dynamic-conv",
                                          "--dynamic-per-row", "--per-channel"]
    configs["weight-only-int8-channel"] = ["--quantize", "weight-only", "--per-channel"]
    configs["weight-only-int4-channel"] = ["--quantize", "weight-only", "--bits", "4"]
    configs["weight-only-int4-channel-bc"] = configs["weight-only-int4-channel"] + [
        "--bias-correction"]
    configs["weight-only-int4-channel-Os"] = configs["weight-only-int4-channel"] + ["-Os"]
    for group in [32, 64, 128]:
        configs[f"weight-only-int4-g{group}"] = ["--quantize", "weight-only", "--bits", "4",
                                                 "--group-size", str(group)]
    for method in ["kmeans", "pow2"]:
        for bits in [4, 8]:
            configs[f"codebook-{method}-{bits}"] = ["--quantize", "codebook", "--bits",
                                                    str(bits), "--codebook-method", method]
    return configs


BEGIN = "<!-- fashion-mnist table: begin -->\n"
END = "<!-- fashion-mnist table: end -->\n"


def predict(library, x, batch=1000):
    with quantc.load(library) as model:
        return np.concatenate([model.run({"image": x[i:i + batch]})["logits"].argmax(1)
                               for i in range(0, len(x), batch)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("model")
    parser.add_argument("work")
    parser.add_argument("--output")
    parser.add_argument("--configs")
    parser.add_argument("--test-images", type=int, default=10000)
    parser.add_argument("--calibration-images", type=int, default=1000)
    parser.add_argument("--check-drop", type=float)
    args = parser.parse_args()
    configs = all_configs()
    names = args.configs.split(",") if args.configs else list(configs)
    if "float" not in names:
        names.insert(0, "float")
    os.makedirs(args.work, exist_ok=True)

    # Calibration: training images, in samples of 100.
    train_images, _ = fashion_mnist.load("train")
    chosen = np.random.default_rng(0).permutation(len(train_images))[:args.calibration_images]
    calibration = os.path.join(args.work, "calibration")
    os.makedirs(calibration, exist_ok=True)
    x_train = fashion_mnist.normalize(train_images[chosen])
    for i in range(0, len(x_train), 100):
        np.save(os.path.join(calibration, f"sample{i // 100:03}.npy"), x_train[i:i + 100])
    stats = os.path.join(args.work, "stats.json")
    subprocess.run([args.quantc, "calibrate", args.model, "--data", calibration, "-o", stats],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    test_images, test_labels = fashion_mnist.load("test")
    x_test = fashion_mnist.normalize(test_images[:args.test_images])
    labels = test_labels[:args.test_images]
    results = {}
    for name in names:
        library = os.path.join(args.work, f"lib{name}.so")
        options = configs[name]
        if "static" in options or "--bias-correction" in options:
            options = options + ["--calibration", stats]
        subprocess.run([args.quantc, "compile", args.model, "-o", library] + options, check=True)
        predicted = predict(library, x_test)
        results[name] = (predicted, os.path.getsize(library))
        print(f"{name}: top-1 {(predicted == labels).mean():.2%}", file=sys.stderr, flush=True)

    reference, float_size = results["float"]
    float_top1 = (reference == labels).mean() * 100
    lines = [f"Fashion-MNIST CNN, {len(labels)} test images, calibrated on "
             f"{len(x_train)} training images.\n", "\n",
             "| configuration | top-1 | drop from float | same prediction as float "
             "| library bytes | size vs float |\n",
             "| --- | --- | --- | --- | --- | --- |\n"]
    ok = True
    for name in names:
        predicted, size = results[name]
        top1 = (predicted == labels).mean() * 100
        agree = (predicted == reference).mean() * 100
        lines.append(f"| {name} | {top1:.2f}% | {float_top1 - top1:.2f} | {agree:.2f}% | "
                     f"{size} | {size / float_size:.2f} |\n")
        if args.check_drop is not None and name != "float":
            within = float_top1 - top1 <= args.check_drop
            ok &= within
            print(f"{name}: drop {'within' if within else 'NOT within'} "
                  f"{args.check_drop} points")
    table = "".join(lines)
    if args.output:
        text = open(args.output).read()
        begin, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        with open(args.output, "w") as f:
            f.write(text[:begin] + table + text[end:])
    elif args.check_drop is None:
        sys.stdout.write(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
