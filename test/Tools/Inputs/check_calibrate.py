"""Runs `quantc calibrate` on a small model and checks its statistics
against numpy, then its errors for bad calibration data.

The model computes m = x W (node "mm") and y = relu(m + b) (nodes "add"
and "act"); numpy computes the same activations for every sample.

Usage: check_calibrate.py QUANTC WORK_DIR
"""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build_model(path, w, b, rows=2):
    nodes = [helper.make_node("MatMul", ["x", "w"], ["m"], name="mm"),
             helper.make_node("Add", ["m", "b"], ["s"], name="add"),
             helper.make_node("Relu", ["s"], ["y"], name="act")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [rows, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [rows, 4])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def check_stats(stats, xs, w, b, label):
    """Whether the statistics of samples `xs` are numpy's."""
    m = np.concatenate([x.astype(np.float64) @ w for x in xs])
    s = m + b
    expected = {"mm": m, "add": s, "act": np.maximum(s, 0)}
    ok = stats["samples"] == len(xs)
    for name, values in expected.items():
        t = stats["tensors"][name]
        good = (np.isclose(t["min"], values.min(), rtol=1e-5, atol=1e-6) and
                np.isclose(t["max"], values.max(), rtol=1e-5, atol=1e-6) and
                t["count"] == values.size and sum(t["histogram"]) == values.size and
                len(t["histogram"]) == stats["bins"] and
                all(r[0] <= 0 <= r[1] for r in t["ranges_8bit"].values()))
        ok &= good
        print(f"{label}{name}: min {t['min']:.5g} max {t['max']:.5g} count {t['count']}: "
              f"{'MATCH' if good else 'MISMATCH'}")
    return ok


def calibrate(quantc, model, data, out):
    return subprocess.run([quantc, "calibrate", model, "--data", data, "-o", out],
                          capture_output=True, text=True)


def calibrate_samples(quantc, model, xs, folder, out):
    """The statistics of samples `xs`, saved as .npy files in `folder`, or
    None when quantc calibrate fails."""
    os.makedirs(folder)
    for i, x in enumerate(xs):
        np.save(os.path.join(folder, f"sample{i}.npy"), x)
    run = calibrate(quantc, model, folder, out)
    if run.returncode:
        print("calibrate failed:", run.stderr)
        return None
    return json.load(open(out))


def main():
    quantc, work = sys.argv[1:3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rng = np.random.default_rng(8)
    w = rng.uniform(-1, 1, (6, 4)).astype(np.float32)
    b = rng.uniform(-1, 1, 4).astype(np.float32)
    model = os.path.join(work, "model.onnx")
    build_model(model, w, b)

    # Five samples as .npy files; one as an ONNX test-layout folder elsewhere.
    xs = [rng.uniform(-3, 3, (2, 6)).astype(np.float32) for _ in range(5)]
    stats = calibrate_samples(quantc, model, xs, os.path.join(work, "data"),
                              os.path.join(work, "stats.json"))
    if stats is None:
        return 1
    ok = check_stats(stats, xs, w, b, "")

    # A dynamic batch: samples of 1, 3, 2 and 3 rows. Each run writes into
    # the buffers of the one before, so the 3 rows after 1 need new ones
    # and the 2 rows after 3 fill part of theirs.
    dynamic = os.path.join(work, "dynamic.onnx")
    build_model(dynamic, w, b, rows="N")
    xs = [rng.uniform(-3, 3, (n, 6)).astype(np.float32) for n in [1, 3, 2, 3]]
    stats = calibrate_samples(quantc, dynamic, xs, os.path.join(work, "rows"),
                              os.path.join(work, "rows.json"))
    if stats is None:
        return 1
    ok &= check_stats(stats, xs, w, b, "rows ")

    # Bad calibration data: each gives an error naming the file.
    def bad(case, make):
        folder = os.path.join(work, case)
        os.makedirs(folder)
        make(folder)
        run = calibrate(quantc, model, folder, os.path.join(work, case + ".json"))
        last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        print(f"{case}: exit {run.returncode}: {last.replace(work, 'WORK')}")
        return run.returncode != 0 and not os.path.exists(os.path.join(work, case + ".json"))

    ok &= bad("shape", lambda d: np.save(os.path.join(d, "a.npy"),
                                         np.zeros((2, 5), np.float32)))
    ok &= bad("dtype", lambda d: np.save(os.path.join(d, "a.npy"),
                                         np.zeros((2, 6), np.float64)))
    ok &= bad("empty", lambda d: None)
    nan = np.zeros((2, 6), np.float32)
    nan[1, 2] = np.nan
    ok &= bad("nan", lambda d: np.save(os.path.join(d, "a.npy"), nan))
    # A finite input whose matmul overflows.
    huge = np.full((2, 6), 3e38, np.float32)
    ok &= bad("inf", lambda d: np.save(os.path.join(d, "a.npy"), huge))
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
