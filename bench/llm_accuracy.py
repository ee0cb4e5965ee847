#!/usr/bin/env python3
"""Perplexity of examples/tiny-gpt's decoder under each of quantc's
quantization modes, measured on the held-out text the model never saw.

Every configuration is `quantc compile MODEL --quantize ...` of the same
ONNX model; static quantization calibrates on examples/tiny-gpt's
calibration.txt (training text, never the held-out text). For each it
reports the held-out perplexity per byte (windows of 129 bytes advanced by
64, each scoring its second half, as train.py measures PyTorch's), its
change against fp32, the library's size, and how many of the 50 bytes of
greedy generation after the reference prompt equal fp32's before the first
difference; where they differ, how far apart fp32's logits put the two
bytes there (a near tie explains a different choice).

Writes a Markdown table to standard output, or into --output between the
markers "<!-- llm accuracy table: begin/end -->" (docs/accuracy.md has
them).

Usage: llm_accuracy.py QUANTC EXAMPLE_DIR WORK_DIR [--output FILE]
                       [--configs fp32,dynamic-int8,...] [--heldout-bytes N]
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np

import quantc
from markers import emit_table
from quantc import llm

CONTEXT = 128


def all_configs():
    configs = [
        ("fp32", []),
        ("dynamic-int8", ["--quantize", "dynamic"]),
        ("dynamic-int8-per-token", ["--quantize", "dynamic", "--dynamic-per-row"]),
        ("dynamic-int8-per-token-embeddings", ["--quantize", "dynamic", "--dynamic-per-row",
                                               "--quantize-embeddings"]),
        ("static-int8", ["--quantize", "static"]),
        ("static-int8-smoothquant0.5", ["--quantize", "static", "--smooth-quant", "0.5"]),
    ]
    for group in [32, 64, 128]:
        configs.append((f"weight-only-int4-g{group}",
                        ["--quantize", "weight-only", "--bits", "4", "--group-size", str(group)]))
    for group in [32, 128]:
        configs.append((f"dynamic-int4-g{group}",
                        ["--quantize", "dynamic", "--bits", "4", "--group-size", str(group)]))
    configs.append(("codebook-kmeans-4", ["--quantize", "codebook", "--bits", "4"]))
    return configs


def write_calibration(model_path, text, folder):
    """Windows of CONTEXT bytes of `text`, each a prefill from an empty
    cache (quantc.llm.calibration_samples), as folders of input_N.npy in the
    model's input order."""
    for n, sample in enumerate(llm.calibration_samples(model_path, text, CONTEXT)):
        sample_dir = os.path.join(folder, f"sample{n:03}")
        os.makedirs(sample_dir, exist_ok=True)
        for i, value in enumerate(sample.values()):
            np.save(os.path.join(sample_dir, f"input_{i}.npy"), value)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("example")
    parser.add_argument("work")
    parser.add_argument("--output")
    parser.add_argument("--configs")
    parser.add_argument("--heldout-bytes", type=int, default=0,
                        help="score only the first N held-out bytes (0: all)")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    model_path = os.path.join(args.example, "tiny_gpt.onnx")
    heldout = open(os.path.join(args.example, "heldout.txt"), "rb").read()
    if args.heldout_bytes:
        heldout = heldout[:args.heldout_bytes]
    reference = np.load(os.path.join(args.example, "reference.npz"))
    prompt = bytes(reference["prompt"][0].tolist())
    calibration = os.path.join(args.work, "calibration")
    if not os.path.isdir(calibration):
        write_calibration(model_path,
                          open(os.path.join(args.example, "calibration.txt"), "rb").read(),
                          calibration)
    configs = all_configs()
    if args.configs:
        wanted = args.configs.split(",")
        configs = [c for c in configs if c[0] in wanted or c[0] == "fp32"]

    rows = []
    base = None
    fp32_library = None
    for name, options in configs:
        started = time.time()
        library = os.path.join(args.work, f"libgpt_{name.replace('-', '_').replace('.', '_')}.so")
        command = [args.quantc, "compile", model_path, "-o", library] + options
        if "static" in options:
            command += ["--calibration", calibration]
        subprocess.run(command, check=True)
        size = os.path.getsize(library)
        with quantc.load(library) as model:
            value = llm.perplexity(model, heldout, CONTEXT)
            text, _ = llm.generate(model, prompt, 50)
        if base is None:
            base = (value, size, text)
            fp32_library = library
        same = first_difference(text, base[2])
        gap = None
        if same < 50:
            # fp32's logits after the common prefix: its byte against this one's.
            with quantc.load(fp32_library) as model:
                decoder = llm.Decoder(model)
                logits, _ = decoder.run(np.frombuffer(prompt + text[:same], np.uint8),
                                        decoder.empty_cache())
            gap = float(logits[-1][base[2][same]] - logits[-1][text[same]])
        rows.append((name, value, 100 * (value / base[0] - 1), size, size / base[1], same,
                     gap))
        print(f"{name}: perplexity {value:.4f}, {size} bytes, greedy {same}/50 "
              f"({time.time() - started:.0f} s)", file=sys.stderr)

    table = ["| configuration | held-out perplexity | vs fp32 | library bytes | size vs fp32 "
             "| greedy bytes equal to fp32's | fp32's logit gap there |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, value, change, size, ratio, same, gap in rows:
        table.append(f"| {name} | {value:.4f} | {change:+.2f}% | {size} | {ratio:.2f} | "
                     f"{same}/50 | {'-' if gap is None else f'{gap:.3f}'} |")
    text = "\n".join(table) + "\n"
    emit_table(args.output, "llm accuracy", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
