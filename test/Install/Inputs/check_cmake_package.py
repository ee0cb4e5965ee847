"""Installs quantc with cmake --install into a fresh prefix and builds
examples/cmake-package against it, as a user of the installed package would:
find_package(quantc), quantc_add_model() compiling the Fashion-MNIST CNN to
int8 from a calibration folder, classify.c linked to it, and qnn-count, a
C++ tool on quantc's libraries. Then runs both programs.

Usage: check_cmake_package.py BUILD_DIR SOURCE_ROOT WORK_DIR
"""

import os
import re
import shutil
import subprocess
import sys

import numpy as np

SOURCE = sys.argv[2]
sys.path.insert(0, os.path.join(SOURCE, "python"))
from quantc.fashion_mnist import load, normalize  # noqa: E402


def run(command, **kwargs):
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kwargs).stdout


def main():
    build, work = sys.argv[1], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    prefix = os.path.join(work, "prefix")
    run(["cmake", "--install", build, "--prefix", prefix])
    for path in ["bin/quantc", "bin/quant-opt", "bin/quantc-runner", "lib/libquantc_runtime.a",
                 "lib/cmake/quantc/quantcConfig.cmake", "include/quantc/runtime/quantc_kernels.h",
                 "include/quantc/Dialect/QNN/IR/QNNOps.h.inc"]:
        print("installed:", path, "yes" if os.path.exists(os.path.join(prefix, path)) else "NO")

    calibration = os.path.join(work, "calibration")
    os.makedirs(calibration)
    train, _ = load("train")
    np.save(os.path.join(calibration, "s0.npy"), normalize(train[:200]))
    example = os.path.join(work, "example")
    log = run(["cmake", "-G", "Ninja", "-S", os.path.join(SOURCE, "examples", "cmake-package"),
               "-B", example, "-DCMAKE_PREFIX_PATH=" + prefix,
               "-DFASHION_CALIBRATION=" + calibration])
    log += run(["cmake", "--build", example])
    compiles = [line for line in log.splitlines() if "with quantc" in line]
    print("model compiled at build time:", "yes" if compiles else "NO")
    # The model's library comes from the installed quantc, not the build tree.
    cache = open(os.path.join(example, "CMakeCache.txt")).read()
    found = re.search(r"quantc_DIR:PATH=(.*)", cache).group(1)
    print("package found in the prefix:", "yes" if found.startswith(prefix) else "NO: " + found)

    images, labels = load("test")
    files = []
    for i, image in enumerate(normalize(images[:10])):
        path = os.path.join(work, f"image{i}.raw")
        image.astype(np.float32).tofile(path)
        files.append(path)
    output = run([os.path.join(example, "classify")] + files)
    classes = [int(c) for c in re.findall(r"class (\d+) \(", output)]
    print("classify:", len(classes), "images,",
          sum(int(c == l) for c, l in zip(classes, labels[:10])), "correct")
    print(run([os.path.join(example, "qnn-count"),
               os.path.join(SOURCE, "examples", "qnn", "conv-block.mlir")]), end="")


if __name__ == "__main__":
    main()
