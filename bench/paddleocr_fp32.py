"""Times quantc's fp32 libraries of the PaddleOCR models against onnxruntime.

For each model (cls, rec, det) at a fixed input size, in one run:
- `quantc compile` builds the library (kept in WORK_DIR between runs, rebuilt
  when the model or quantc is newer);
- `quantc run --bench N` times it on a seeded input (median of N runs after a
  warm-up, output buffers reused as NAME_run callers do);
- onnxruntime-node times the same model on the same input with all graph
  optimizations at 1 and 2 intra-op threads (bench/ort_bench.js).

Prints a Markdown table with the medians and the ratio quantc / onnxruntime
(below 1: quantc is faster). quantc's libraries run on one thread.

Usage: paddleocr_fp32.py QUANTC ORT_DIR MODELS_DIR WORK_DIR [--runs N] [--models cls,rec,det]
"""

import argparse
import os
import subprocess
import sys

import numpy as np

from timing import time_ort, time_quantc

MODELS = {
    "cls": ("ch_ppocr_mobile_v2.0_cls_infer.onnx", "x", (1, 3, 48, 192)),
    "rec": ("ch_PP-OCRv4_rec_infer.onnx", "x", (1, 3, 48, 320)),
    "det": ("ch_PP-OCRv4_det_infer.onnx", "x", (1, 3, 640, 640)),
}


def progress(message):
    print(message, file=sys.stderr, flush=True)


def compile_model(quantc, model, name, shape, library):
    stale = (not os.path.exists(library) or
             os.path.getmtime(library) < max(os.path.getmtime(model),
                                             os.path.getmtime(quantc)))
    if stale:
        dims = ",".join(str(d) for d in shape)
        subprocess.run([quantc, "compile", model, "--input-shape", f"{name}={dims}",
                        "-o", library], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quantc")
    parser.add_argument("ort_dir")
    parser.add_argument("models_dir")
    parser.add_argument("work_dir")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--models", default="cls,rec,det")
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)

    rows = []
    for key in args.models.split(","):
        file, name, shape = MODELS[key]
        model = os.path.join(args.models_dir, file)
        library = os.path.join(args.work_dir, f"lib{key}.so")
        progress(f"{key}: compiling")
        compile_model(args.quantc, model, name, shape, library)
        x = np.random.default_rng(2026).uniform(-1, 1, shape).astype(np.float32)
        npy = os.path.join(args.work_dir, f"{key}.npy")
        raw = os.path.join(args.work_dir, f"{key}.f32")
        np.save(npy, x)
        x.tofile(raw)
        progress(f"{key}: timing quantc")
        ours = time_quantc(args.quantc, library, name, npy, args.runs)
        progress(f"{key}: timing onnxruntime")
        ort1 = time_ort(args.ort_dir, model, name, shape, raw, 1, args.runs)
        ort2 = time_ort(args.ort_dir, model, name, shape, raw, 2, args.runs)
        rows.append((key, "x".join(str(d) for d in shape), ours, ort1, ort2))

    print("| model | input | quantc, 1 thread (ms) | onnxruntime, 1 thread (ms) | "
          "ratio | onnxruntime, 2 threads (ms) | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for key, dims, ours, ort1, ort2 in rows:
        print(f"| {key} | {dims} | {ours:.2f} | {ort1:.2f} | {ours / ort1:.2f} | "
              f"{ort2:.2f} | {ours / ort2:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
