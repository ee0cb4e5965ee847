"""Runs the three PaddleOCR models on a real scanned page, compiled by
quantc and in onnxruntime, and compares them.

- det (text detection) on the whole page, resized to multiples of 32 and
  normalized as PaddleOCR does;
- cls (text direction) and rec (recognition) on the first text lines, found
  by the page's row profile (rows with ink), resized to height 48 and
  padded;
- rec's outputs are CTC-decoded with the model's dictionary, greedily:
  argmax per step, repeats merged, blanks dropped.

All three are compiled with their batch and image sizes dynamic. Every
output must be within 1e-4 of onnxruntime's, relative to the output's
largest value, and each line's decoded text must be identical. Prints both
texts.

Usage: ocr_page.py QUANTC ORT_DIR MODELS_DIR IMAGE WORK_DIR [LINES]
"""

import os
import subprocess
import sys

import numpy as np
from PIL import Image

import quantc
from quantc.paddleocr import ctc_decode, det_input, line_boxes, line_input

REC_WIDTH = 1600  # wide enough for a full line of the page at height 48
CLS_WIDTH = 192


def compare(label, actual, expected):
    """Relative error against the output's scale: max |a - e| / max |e|."""
    error = np.abs(actual.astype(np.float64) - expected)
    relative = error.max() / max(np.abs(expected).max(), 1e-30)
    ok = bool(relative <= 1e-4)
    print(f"{label}: max abs error {error.max():.3g}, relative error "
          f"{relative:.3g}: {'MATCH' if ok else 'MISMATCH'}")
    return ok


def run_both(quantc_bin, ort_dir, model, inputs, work, key, dynamic=False):
    """Outputs of quantc's library and of onnxruntime for each input. With
    `dynamic`, the library keeps the model's symbolic sizes."""
    shape = inputs[0].shape
    dims = ",".join(str(d) for d in shape)
    library = os.path.join(work, f"lib{key}.so")
    fixed = [] if dynamic else ["--input-shape", f"x={dims}"]
    subprocess.run([quantc_bin, "compile", model, *fixed, "-o", library], check=True)
    files = []
    for i, x in enumerate(inputs):
        raw = os.path.join(work, f"{key}{i}.f32")
        x.tofile(raw)
        files += [raw, os.path.join(work, f"{key}{i}.ort.f32")]
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_run.js")
    subprocess.run(["node", script, ort_dir, model, "x", dims, *files], check=True,
                   stdout=subprocess.DEVNULL)
    results = []
    with quantc.load(library) as compiled:
        for i, x in enumerate(inputs):
            ours = next(iter(compiled.run({"x": x}).values()))
            theirs = np.fromfile(files[2 * i + 1], np.float32).reshape(ours.shape)
            results.append((ours, theirs))
    return results


def main():
    quantc_bin, ort_dir, models, image_path, work = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    os.makedirs(work, exist_ok=True)
    page = Image.open(image_path)
    ok = True

    (ours, theirs), = run_both(quantc_bin, ort_dir,
                               os.path.join(models, "ch_PP-OCRv4_det_infer.onnx"),
                               [det_input(page)], work, "det", dynamic=True)
    ok &= compare(f"det {'x'.join(map(str, ours.shape))}", ours, theirs)

    crops = [page.crop(box) for box in line_boxes(page, count)]
    cls = run_both(quantc_bin, ort_dir,
                   os.path.join(models, "ch_ppocr_mobile_v2.0_cls_infer.onnx"),
                   [line_input(c, CLS_WIDTH) for c in crops], work, "cls", dynamic=True)
    for i, (ours, theirs) in enumerate(cls):
        ok &= compare(f"cls line {i + 1} (class {ours.argmax()} / {theirs.argmax()})",
                      ours, theirs)

    with open(os.path.join(models, "ppocr_keys_v1.txt"), encoding="utf-8") as f:
        characters = ["<blank>"] + [line.rstrip("\n") for line in f] + [" "]
    rec = run_both(quantc_bin, ort_dir, os.path.join(models, "ch_PP-OCRv4_rec_infer.onnx"),
                   [line_input(c, REC_WIDTH) for c in crops], work, "rec", dynamic=True)
    same_text = True
    for i, (ours, theirs) in enumerate(rec):
        ok &= compare(f"rec line {i + 1}", ours, theirs)
        text, reference = ctc_decode(ours[0], characters), ctc_decode(theirs[0], characters)
        print(f"  quantc:      {text}")
        print(f"  onnxruntime: {reference}")
        same_text &= text == reference
    print("text IDENTICAL" if same_text else "text DIFFERS")
    return 0 if ok and same_text else 1


if __name__ == "__main__":
    sys.exit(main())
