"""Timing shared by the benchmark scripts: quantc's libraries through
`quantc run --bench`, onnxruntime through onnxruntime-node (ort_bench.js).
Both report the median of their runs after a warm-up, in milliseconds."""

import json
import os
import re
import shutil
import subprocess

import numpy as np

ORT_BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_bench.js")


def ort_available(ort_dir):
    """Whether node and onnxruntime-node (in ORT_DIR/node_modules) are
    there to time onnxruntime with."""
    return bool(ort_dir) and shutil.which("node") is not None and os.path.isdir(
        os.path.join(ort_dir, "node_modules", "onnxruntime-node"))


def time_quantc(quantc, library, name, npy, runs, threads=1):
    """Median of `runs` runs of `library` on input NAME from NPY."""
    out = subprocess.run([quantc, "run", library, "--input", f"{name}={npy}", "--bench",
                          str(runs), "--threads", str(threads)], check=True,
                         capture_output=True, text=True).stdout
    return float(re.search(r"median ([0-9.e+-]+) ms", out).group(1))


def _run_ort_bench(ort_dir, model, threads, runs, specs):
    out = subprocess.run(["node", ORT_BENCH, ort_dir, model, str(threads), str(runs)] + specs,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["median_ms"]


def time_ort(ort_dir, model, name, shape, raw, threads, runs, dtype="float32"):
    """Median of `runs` runs of onnxruntime on `model`, input NAME of
    `shape` read from the raw file RAW of `dtype` (float32 or uint8)."""
    dims = ",".join(str(d) for d in shape)
    return _run_ort_bench(ort_dir, model, threads, runs, [f"{name}:{dtype}:{dims}:{raw}"])


def time_ort_feeds(ort_dir, model, feeds, threads, runs, work):
    """Median of `runs` runs of onnxruntime on `model` with `feeds`, a dict
    of numpy arrays by input name (float32, uint8, int32 or int64; empty
    ones too), written as raw files into the folder WORK."""
    os.makedirs(work, exist_ok=True)
    specs = []
    for i, (name, value) in enumerate(feeds.items()):
        raw = os.path.join(work, f"ort_input{i}.raw")
        value = np.ascontiguousarray(value)
        value.tofile(raw)
        dims = ",".join(str(d) for d in value.shape)
        specs.append(f"{name}:{value.dtype.name}:{dims}:{raw}")
    return _run_ort_bench(ort_dir, model, threads, runs, specs)
