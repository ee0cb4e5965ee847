"""Timing shared by the benchmark scripts: quantc's libraries through
`quantc run --bench`, onnxruntime through onnxruntime-node (ort_bench.js).
Both report the median of their runs after a warm-up, in milliseconds."""

import json
import os
import re
import subprocess

ORT_BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_bench.js")


def time_quantc(quantc, library, name, npy, runs, threads=1):
    """Median of `runs` runs of `library` on input NAME from NPY."""
    out = subprocess.run([quantc, "run", library, "--input", f"{name}={npy}", "--bench",
                          str(runs), "--threads", str(threads)], check=True,
                         capture_output=True, text=True).stdout
    return float(re.search(r"median ([0-9.e+-]+) ms", out).group(1))


def time_ort(ort_dir, model, name, shape, raw, threads, runs, dtype="float32"):
    """Median of `runs` runs of onnxruntime on `model`, input NAME of
    `shape` read from the raw file RAW of `dtype` (float32 or uint8)."""
    dims = ",".join(str(d) for d in shape)
    out = subprocess.run(["node", ORT_BENCH, ort_dir, model, name, dims, raw, str(threads),
                          str(runs), dtype], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["median_ms"]
