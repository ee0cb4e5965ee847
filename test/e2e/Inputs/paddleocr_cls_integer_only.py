"""Compiles PaddleOCR's direction classifier with static int8 quantization
in integer-only form (quantc compile --quantize static --integer-only: every
activation quantized, fixed-point requantization, tables for hard-sigmoid
and hard-swish, integer adds, muls, average pools and softmax) and measures
it against the float model and the default static int8 compile.

Calibration uses strips of opencv-doc's imageTextR.png; evaluation the text
lines of imageTextN.png and imageTextR.png, each upright and turned by 180
degrees (the two classes). Prints each library's accuracy and its agreement
with the float model, and fails if the integer-only library agrees with the
float model on fewer than MIN_AGREEMENT of the lines.

Usage: paddleocr_cls_integer_only.py QUANTC CLS_MODEL IMAGES_DIR WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
from PIL import Image

import quantc
from quantc.paddleocr import line_boxes, line_input, strips

WIDTH = 192
MIN_AGREEMENT = 0.75


def main():
    quantc_bin, model, images, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    calibration = os.path.join(work, "calibration")
    os.makedirs(calibration, exist_ok=True)
    page = Image.open(os.path.join(images, "imageTextR.png")).convert("RGB")
    for i, crop in enumerate(strips(page, 26, 26)):
        np.save(os.path.join(calibration, f"s{i:02}.npy"), line_input(crop, WIDTH))
    shape = ["--input-shape", f"x=1,3,48,{WIDTH}"]
    stats = os.path.join(work, "stats.json")
    subprocess.run([quantc_bin, "calibrate", model, "--data", calibration, "-o", stats] + shape,
                   check=True, stdout=subprocess.DEVNULL)
    configs = {
        "float": [],
        "static": ["--quantize", "static", "--calibration", stats],
        "integer-only": ["--quantize", "static", "--calibration", stats, "--integer-only"],
    }
    inputs = []
    for name in ["imageTextN.png", "imageTextR.png"]:
        page = Image.open(os.path.join(images, name)).convert("RGB")
        for box in line_boxes(page, 100):
            crop = page.crop(box)
            inputs.append(line_input(crop, WIDTH))
            inputs.append(line_input(crop.rotate(180), WIDTH))
    truth = np.arange(len(inputs)) % 2
    outputs = {}
    for config, options in configs.items():
        library = os.path.join(work, f"lib{config.replace('-', '_')}.so")
        subprocess.run([quantc_bin, "compile", model, "-o", library] + shape + options,
                       check=True)
        with quantc.load(library) as compiled:
            outputs[config] = np.concatenate(
                [next(iter(compiled.run({"x": x}).values())) for x in inputs])
    decisions = {config: out.argmax(1) for config, out in outputs.items()}
    for config in configs:
        accuracy = (decisions[config] == truth).mean()
        agreement = (decisions[config] == decisions["float"]).mean()
        print(f"{config}: {len(inputs)} lines, accuracy {accuracy:.1%}, "
              f"agreement with float {agreement:.1%}")
    agreement = (decisions["integer-only"] == decisions["float"]).mean()
    ok = agreement >= MIN_AGREEMENT
    print("ALL OK" if ok else f"integer-only agrees on {agreement:.1%} < {MIN_AGREEMENT:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
