"""Builds and runs examples/c-api/classify.c as its comment says: the
Fashion-MNIST CNN compiled to libfashion.so (static int8), the program
compiled with the C compiler against fashion.h and linked to the library,
then run on 20 test images written as raw binary32 files. Its classes must
be those the same library gives through the Python binding.

Usage: check_c_example.py QUANTC SOURCE_ROOT WORK_DIR
"""

import os
import re
import shutil
import subprocess
import sys

import numpy as np

SOURCE = sys.argv[2]
sys.path.insert(0, os.path.join(SOURCE, "python"))
import quantc  # noqa: E402
from quantc.fashion_mnist import load, normalize  # noqa: E402


def main():
    quantc_bin, work = sys.argv[1], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "calibration"))
    train, _ = load("train")
    np.save(os.path.join(work, "calibration", "s0.npy"), normalize(train[:300]))
    library = os.path.join(work, "libfashion.so")
    subprocess.run([quantc_bin, "compile",
                    os.path.join(SOURCE, "examples", "fashion-mnist", "fashion_mnist_cnn.onnx"),
                    "--quantize", "static", "--calibration", os.path.join(work, "calibration"),
                    "-o", library], check=True)
    program = os.path.join(work, "classify")
    subprocess.run([shutil.which("cc") or "gcc", "-Wall", "-Wextra", "-Werror", "-std=c99",
                    os.path.join(SOURCE, "examples", "c-api", "classify.c"), "-I", work,
                    "-L", work, "-lfashion", "-Wl,-rpath,$ORIGIN", "-o", program], check=True)
    print("built: classify")
    images, labels = load("test")
    images = normalize(images[:20])
    files = []
    for i, image in enumerate(images):
        path = os.path.join(work, f"image{i}.raw")
        image.astype(np.float32).tofile(path)
        files.append(path)
    result = subprocess.run([program] + files, stdout=subprocess.PIPE, text=True, check=True)
    classes = [int(c) for c in re.findall(r"class (\d+) \(", result.stdout)]
    print(result.stdout.splitlines()[0].replace(work + "/", ""))
    with quantc.load(library) as model:
        expected = list(model.run({"image": images})["logits"].argmax(1))
    print(f"{len(classes)} images;", "SAME classes as the Python binding"
          if classes == expected else f"DIFFERENT: {classes} vs {expected}")
    print("correct:", sum(int(c == l) for c, l in zip(classes, labels[:20])), "of 20")


if __name__ == "__main__":
    main()
