"""Compares a model compiled by quantc with onnxruntime.

`quantc compile` builds the model (with its input shape fixed) into a shared
library, which quantc.load runs on a seeded random input; onnxruntime runs
the same model on the same input. Prints the largest absolute and relative
errors and fails past the bounds.

With --dynamic, the model is compiled with its symbolic sizes left dynamic
and only the run uses the given shape.

Usage: compare_with_ort.py QUANTC ORT_DIR MODEL INPUT_NAME D0,D1,... WORK_DIR [--dynamic]
"""

import os
import subprocess
import sys

import numpy as np

import quantc


def main():
    quantc_bin, ort_dir, model, name, dims, work = sys.argv[1:7]
    dynamic = sys.argv[7:8] == ["--dynamic"]
    shape = [int(d) for d in dims.split(",")]
    os.makedirs(work, exist_ok=True)
    x = np.random.default_rng(7).uniform(-1, 1, shape).astype(np.float32)
    x.tofile(os.path.join(work, "input.f32"))

    ort_out = os.path.join(work, "ort.f32")
    subprocess.run(["node", os.path.join(os.path.dirname(__file__), "ort_run.js"),
                    ort_dir, model, name, dims, os.path.join(work, "input.f32"),
                    ort_out], check=True)

    library = os.path.join(work, "libmodel.so")
    fixed = [] if dynamic else ["--input-shape", f"{name}={dims}"]
    subprocess.run([quantc_bin, "compile", model, *fixed, "-o", library], check=True)
    with quantc.load(library) as compiled:
        actual = next(iter(compiled.run({name: x}).values()))
    expected = np.fromfile(ort_out, np.float32).reshape(actual.shape)

    error = np.abs(actual.astype(np.float64) - expected)
    relative = error / np.maximum(np.abs(expected), 1e-3)
    print(f"max abs error {error.max():.3g}, max relative error {relative.max():.3g}")
    ok = bool(np.all(error <= 1e-5 + 1e-4 * np.abs(expected)))
    print("MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
