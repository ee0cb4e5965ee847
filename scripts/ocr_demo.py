#!/usr/bin/env python3
"""make demo: PaddleOCR's recognition model (PP-OCRv4 rec, from npm),
compiled by quantc in fp32 and in int8, reads a real scanned page.

1. calibration strips are cut from other opencv-doc images (rotated,
   blurred and defocused text), never the page that is read;
2. `quantc compile` writes the fp32 library, and
3. `quantc compile --quantize static` the int8 one (calibrated on the
   strips, per-channel weights, bias correction, depthwise equalization);
4. both read the 13 text lines of opencv-doc's imageTextN.png (cut by a
   row projection, as bench/accuracy.py does) and their outputs are decoded
   (CTC, greedy);
5. both are timed on one line on one thread, and so is onnxruntime's fp32
   when onnxruntime-node is installed (make check caches it in
   .cache/onnxruntime);
6. the texts are printed side by side with the latencies, the sizes and
   how far int8 agrees with fp32.

Usage: ocr_demo.py QUANTC MODELS_DIR IMAGES_DIR WORK_DIR [--ort-dir DIR]
                   [--calibration-strips N]
"""

import argparse
import os
import shutil
import subprocess
import sys
import time

import numpy as np
from PIL import Image

import quantc
from quantc.paddleocr import calibration_strips, ctc_decode, line_boxes, line_input

WIDTH = 1600
STEPS = 6


def step(number, text):
    print(f"[{number}/{STEPS}] {text}", flush=True)


def compile_library(quantc_bin, model, library, options):
    started = time.time()
    subprocess.run([quantc_bin, "compile", model, "--input-shape", f"x=1,3,48,{WIDTH}",
                    "-o", library] + options, check=True)
    return time.time() - started


def onnxruntime_ms(ort_dir, model, x, work):
    """onnxruntime-node's median on `x` with one thread, or None without
    node or onnxruntime-node."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    from timing import ort_available, time_ort_feeds
    if not ort_available(ort_dir):
        return None
    return time_ort_feeds(ort_dir, model, {"x": x.astype(np.float32)}, 1, 7, work)


def shorten(text, width):
    return text if len(text) <= width else text[:width - 1] + "~"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("models")
    parser.add_argument("images")
    parser.add_argument("work")
    parser.add_argument("--ort-dir")
    parser.add_argument("--calibration-strips", type=int, default=24,
                        help="how many calibration strips, spread over the three images")
    args = parser.parse_args()
    os.environ["QUANTC_BIN"] = args.quantc
    os.makedirs(args.work, exist_ok=True)
    model = os.path.join(args.models, "ch_PP-OCRv4_rec_infer.onnx")
    characters = ["blank"] + [line.rstrip("\n") for line in open(
        os.path.join(args.models, "ppocr_keys_v1.txt"), encoding="utf-8")] + [" "]

    crops = calibration_strips(args.images)
    chosen = crops[::max(1, len(crops) // args.calibration_strips)][:args.calibration_strips]
    step(1, f"calibration set: {len(chosen)} text strips of imageTextR.png, text_motion.jpg "
            f"and text_defocus.jpg (not the page that is read)")
    calibration = os.path.join(args.work, "calibration")
    shutil.rmtree(calibration, ignore_errors=True)
    os.makedirs(calibration)
    for i, crop in enumerate(chosen):
        np.save(os.path.join(calibration, f"strip{i:03}.npy"), line_input(crop, WIDTH))

    fp32_library = os.path.join(args.work, "librec_fp32.so")
    int8_library = os.path.join(args.work, "librec_int8.so")
    step(2, "quantc compile: the fp32 library")
    seconds = compile_library(args.quantc, model, fp32_library, [])
    print(f"      {os.path.getsize(fp32_library) / 1e6:.1f} MB in {seconds:.0f} s", flush=True)
    step(3, "quantc compile --quantize static: calibrating, then the int8 library")
    seconds = compile_library(args.quantc, model, int8_library,
                              ["--quantize", "static", "--calibration", calibration,
                               "--bias-correction", "--equalize-depthwise"])
    print(f"      {os.path.getsize(int8_library) / 1e6:.1f} MB in {seconds:.0f} s", flush=True)

    page = Image.open(os.path.join(args.images, "imageTextN.png")).convert("RGB")
    lines = [line_input(page.crop(box), WIDTH) for box in line_boxes(page, 100)]
    step(4, f"reading the {len(lines)} lines of imageTextN.png with both libraries")
    texts, outputs = {}, {}
    with quantc.load(fp32_library, threads=1) as fp32, quantc.load(int8_library,
                                                                   threads=1) as int8:
        for name, library in [("fp32", fp32), ("int8", int8)]:
            outputs[name] = [next(iter(library.run({"x": x}).values()))[0] for x in lines]
            texts[name] = [ctc_decode(o, characters) for o in outputs[name]]
        step(5, "timing one line on one thread")
        times = {"quantc fp32": fp32.benchmark({"x": lines[0]}, runs=7)["median_ms"],
                 "quantc int8": int8.benchmark({"x": lines[0]}, runs=7)["median_ms"]}
    ort = onnxruntime_ms(args.ort_dir, model, lines[0], args.work)
    if ort is not None:
        times["onnxruntime fp32"] = ort

    step(6, "the page, as each library reads it")
    width = 58
    print(f"\n{'':>3}  {'fp32':<{width}}  {'int8':<{width}}  same")
    for i, (a, b) in enumerate(zip(texts["fp32"], texts["int8"]), 1):
        print(f"{i:>3}  {shorten(a, width):<{width}}  {shorten(b, width):<{width}}  "
              f"{'yes' if a == b else 'NO'}")
    differing = [(i, a, b) for i, (a, b) in enumerate(zip(texts["fp32"], texts["int8"]), 1)
                 if a != b]
    if differing:
        print("\nwhere they differ (^ marks the first difference):")
    for i, a, b in differing:
        first = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        print(f"{i:>3}  fp32: {a}\n     int8: {b}\n           {' ' * first}^")
    same_lines = len(lines) - len(differing)
    frames = np.mean(np.concatenate([a.argmax(-1) == b.argmax(-1)
                                     for a, b in zip(outputs["fp32"], outputs["int8"])]))
    print()
    print("latency, one line (1 x 3 x 48 x 1600), one thread:  " +
          ",  ".join(f"{name} {ms:.1f} ms" for name, ms in times.items()))
    if ort is None:
        print("  (onnxruntime-node is not installed: make check fetches it into .cache)")
    print(f"library size:  fp32 {os.path.getsize(fp32_library) / 1e6:.1f} MB,  "
          f"int8 {os.path.getsize(int8_library) / 1e6:.1f} MB")
    print(f"int8 against fp32:  {same_lines} of {len(lines)} lines read the same,  "
          f"{100 * frames:.2f} % of the frames pick the same character")
    return 0


if __name__ == "__main__":
    sys.exit(main())
