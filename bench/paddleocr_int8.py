"""Times quantc's int8 libraries of the PaddleOCR models against onnxruntime.

For rec and cls at fixed input sizes, in one run:
- the calibration statistics: reused from WORK_DIR or STATS_DIR (make
  accuracy keeps them in build/accuracy), else `quantc calibrate` on strips
  of opencv-doc images (as bench/accuracy.py takes them);
- `quantc compile --quantize static` (min-max, per channel) builds the int8
  library, the same with `--integer-only` the integer-only one (every
  activation quantized, no float between the kernels), `quantc compile` the
  float one;
- `quantc quantize` with the same options writes the same quantization as a
  QDQ ONNX model, which onnxruntime runs with its int8 kernels;
- `quantc run --bench N --threads T` times quantc's libraries, and
  onnxruntime-node (bench/ort_bench.js) the float model and the QDQ model
  with T intra-op threads, for T = 1 and 2, all on the same seeded input,
  in R rounds of all five in turn; each time is the median over the rounds
  of the medians of N runs.

Prints a Markdown table of the medians and of the speedups of quantc's int8
library over onnxruntime at the same thread count (above 1: quantc is
faster).

Usage: paddleocr_int8.py QUANTC ORT_DIR MODELS_DIR IMAGES_DIR WORK_DIR
           [--stats-dir DIR] [--runs N] [--rounds R] [--models rec,cls]
"""

import argparse
import os
import subprocess
import sys

import numpy as np

from quantc.paddleocr import calibration_strips, line_input
from timing import time_ort, time_quantc

MODELS = {
    "rec": ("ch_PP-OCRv4_rec_infer.onnx", (1, 3, 48, 320)),
    "cls": ("ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192)),
}
STATIC = ["--quantize", "static", "--calibration-method", "minmax", "--per-channel"]


def progress(message):
    print(message, file=sys.stderr, flush=True)


def statistics(args, key, model, shape):
    """The statistics file of `key`'s model: reused, or calibrated now."""
    for folder in [args.work_dir, args.stats_dir]:
        if folder:
            path = os.path.join(folder, f"{key}-stats.json")
            if os.path.exists(path):
                return path
    progress(f"{key}: calibrating")
    samples = os.path.join(args.work_dir, f"{key}-calibration")
    os.makedirs(samples, exist_ok=True)
    for i, crop in enumerate(calibration_strips(args.images_dir)):
        np.save(os.path.join(samples, f"sample{i:03}.npy"), line_input(crop, shape[3]))
    path = os.path.join(args.work_dir, f"{key}-stats.json")
    dims = ",".join(str(d) for d in shape)
    subprocess.run([args.quantc, "calibrate", model, "--input-shape", f"x={dims}",
                    "--data", samples, "-o", path], check=True)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ["quantc", "ort_dir", "models_dir", "images_dir", "work_dir"]:
        parser.add_argument(name)
    parser.add_argument("--stats-dir")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", default="rec,cls")
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)

    rows = []
    for key in args.models.split(","):
        file, shape = MODELS[key]
        model = os.path.join(args.models_dir, file)
        dims = ",".join(str(d) for d in shape)
        stats = statistics(args, key, model, shape)
        progress(f"{key}: compiling and exporting")
        float_library = os.path.join(args.work_dir, f"lib{key}-float.so")
        int8_library = os.path.join(args.work_dir, f"lib{key}-int8.so")
        integer_library = os.path.join(args.work_dir, f"lib{key}-integer-only.so")
        qdq = os.path.join(args.work_dir, f"{key}.int8.onnx")
        shape_option = ["--input-shape", f"x={dims}"]
        subprocess.run([args.quantc, "compile", model, "-o", float_library] + shape_option,
                       check=True)
        subprocess.run([args.quantc, "compile", model, "-o", int8_library, "--calibration",
                        stats] + STATIC + shape_option, check=True)
        subprocess.run([args.quantc, "compile", model, "-o", integer_library, "--calibration",
                        stats, "--integer-only"] + STATIC + shape_option, check=True)
        subprocess.run([args.quantc, "quantize", model, "-o", qdq, "--calibration", stats]
                       + STATIC + shape_option, check=True)
        x = np.random.default_rng(2026).uniform(-1, 1, shape).astype(np.float32)
        npy = os.path.join(args.work_dir, f"{key}.npy")
        raw = os.path.join(args.work_dir, f"{key}.f32")
        np.save(npy, x)
        x.tofile(raw)
        for threads in [1, 2]:
            # Rounds of all five timings in turn: a drift of the machine's
            # speed over the minutes of the run then touches every column
            # alike, and each column is the median of its rounds.
            rounds = []
            for round_ in range(args.rounds):
                progress(f"{key}: timing quantc and onnxruntime, {threads} thread(s), "
                         f"round {round_ + 1} of {args.rounds}")
                rounds.append([
                    time_quantc(args.quantc, int8_library, "x", npy, args.runs, threads),
                    time_quantc(args.quantc, integer_library, "x", npy, args.runs, threads),
                    time_quantc(args.quantc, float_library, "x", npy, args.runs, threads),
                    time_ort(args.ort_dir, model, "x", shape, raw, threads, args.runs),
                    time_ort(args.ort_dir, qdq, "x", shape, raw, threads, args.runs),
                ])
            medians = [float(np.median(column)) for column in zip(*rounds)]
            rows.append((key, "x".join(str(d) for d in shape), threads, *medians))

    print("| model | input | threads | quantc int8 (ms) | quantc integer-only (ms) | "
          "quantc fp32 (ms) | onnxruntime fp32 (ms) | speedup | "
          "onnxruntime int8, our QDQ (ms) | speedup |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for key, dims, threads, ours, ours_integer, ours_float, ort_float, ort_int8 in rows:
        print(f"| {key} | {dims} | {threads} | {ours:.2f} | {ours_integer:.2f} | "
              f"{ours_float:.2f} | "
              f"{ort_float:.2f} | {ort_float / ours:.2f} | {ort_int8:.2f} | "
              f"{ort_int8 / ours:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
