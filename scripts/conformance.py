#!/usr/bin/env python3
"""Runs ONNX's backend node tests through quantc and classifies each one.

Every test folder (model.onnx and test_data_set_N/) is compiled with
`quantc compile` into a shared library, loaded with quantc.load, run on each
data set, and its outputs compared with the expected ones: integer and bool
outputs bit for bit, float outputs within 1e-5 relative (plus 1e-6
absolute). A test is
  passed       every output of every data set matches;
  unsupported  quantc refused the model with a clean error (the reason is
               the error's first line);
  failed       a wrong answer, a crash, a timeout, or a run the library
               refused.
Each test runs in a worker process, so a crash is a result, not the end of
the run. Writes a Markdown table and ends with `N passed, N failed`.

Usage: conformance.py QUANTC NODE_DIR REPORT.md [--jobs N] [--filter REGEX]
                      [--compile-option OPTION]...
"""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

WORKER = r"""
import json, os, subprocess, sys
import numpy as np
from quantc import load, QuantcError
from quantc.onnx_data import read_test_data_set

quantc_bin, test_dir, work = sys.argv[1:4]
options = sys.argv[4:]
library = os.path.join(work, "libmodel.so")
compiled = subprocess.run([quantc_bin, "compile", os.path.join(test_dir, "model.onnx"),
                           "-o", library] + options, capture_output=True, text=True,
                          timeout=300)
if compiled.returncode == 1:
    lines = [l for l in compiled.stderr.splitlines() if "error:" in l]
    reason = lines[0].split("error:", 1)[1].strip() if lines else compiled.stderr.strip()
    print(json.dumps({"status": "unsupported", "reason": reason}))
    sys.exit(0)
if compiled.returncode != 0:
    print(json.dumps({"status": "failed",
                      "reason": f"quantc compile exited with {compiled.returncode}"}))
    sys.exit(0)

model = load(library)
sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set_"))
worst = 0.0
for data_set in sets:
    inputs, expected = read_test_data_set(os.path.join(test_dir, data_set))
    try:
        outputs = list(model.run(inputs).values())
    except QuantcError as e:
        print(json.dumps({"status": "failed", "reason": f"run refused: {e}"}))
        sys.exit(0)
    for i, (actual, want) in enumerate(zip(outputs, expected)):
        if actual.shape != want.shape or actual.dtype != want.dtype:
            print(json.dumps({"status": "failed", "reason":
                f"output {i} is {actual.dtype}{list(actual.shape)}, expected "
                f"{want.dtype}{list(want.shape)}"}))
            sys.exit(0)
        if np.issubdtype(want.dtype, np.floating):
            a, w = actual.astype(np.float64), want.astype(np.float64)
            same_nan = np.isnan(a) == np.isnan(w)
            close = np.isclose(a, w, rtol=1e-5, atol=1e-6, equal_nan=True)
            if not (same_nan.all() and close.all()):
                bad = np.argwhere(~close)[0]
                print(json.dumps({"status": "failed", "reason":
                    f"{data_set} output {i}{list(bad)}: {a[tuple(bad)]!r} != {w[tuple(bad)]!r}"}))
                sys.exit(0)
            finite = np.isfinite(w) & np.isfinite(a)
            if finite.any():
                worst = max(worst, float(np.max(np.abs(a - w)[finite])))
        elif not np.array_equal(actual, want):
            print(json.dumps({"status": "failed", "reason": f"{data_set} output {i} differs"}))
            sys.exit(0)
print(json.dumps({"status": "passed", "reason": f"max abs error {worst:.3g}"}))
"""


def run_test(quantc_bin, test_dir, python_path, options):
    with tempfile.TemporaryDirectory(prefix="quantc-conformance-") as work:
        env = dict(os.environ, PYTHONPATH=python_path)
        try:
            result = subprocess.run([sys.executable, "-c", WORKER, quantc_bin, test_dir, work]
                                    + options,
                                    capture_output=True, text=True, timeout=600, env=env)
        except subprocess.TimeoutExpired:
            return {"status": "failed", "reason": "timed out"}
        lines = result.stdout.strip().splitlines()
        if result.returncode != 0 or not lines:
            tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return {"status": "failed",
                    "reason": f"worker exited with {result.returncode}: {tail}"}
        return json.loads(lines[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("node_dir")
    parser.add_argument("report")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--filter", default="")
    parser.add_argument("--compile-option", action="append", default=[],
                        help="an option for quantc compile (repeatable), such "
                             "as --compile-option=--integer-only")
    args = parser.parse_args()
    python_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python")

    tests = sorted(t for t in os.listdir(args.node_dir)
                   if re.search(args.filter, t) and
                   os.path.isfile(os.path.join(args.node_dir, t, "model.onnx")))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_test, os.path.abspath(args.quantc),
                               os.path.join(args.node_dir, t), python_path,
                               args.compile_option): t
                   for t in tests}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            results[futures[future]] = future.result()
            if sys.stdout.isatty():
                print(f"\r{done}/{len(tests)}", end="", flush=True)
    if sys.stdout.isatty():
        print()

    counts = {s: sum(r["status"] == s for r in results.values())
              for s in ("passed", "failed", "unsupported")}
    with open(args.report, "w") as report:
        report.write("# ONNX backend node tests\n\n")
        report.write(f"{counts['passed']} passed, {counts['failed']} failed, "
                     f"{counts['unsupported']} unsupported of {len(tests)}.\n\n")
        report.write("| test | result | detail |\n| --- | --- | --- |\n")
        for t in tests:
            detail = results[t]["reason"].replace("|", "\\|").replace("\n", " ")
            report.write(f"| {t} | {results[t]['status']} | {detail} |\n")
    for t in tests:
        if results[t]["status"] == "failed":
            print(f"FAILED: {t}: {results[t]['reason']}")
    print(f"report: {args.report}")
    print(f"conformance: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['unsupported']} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
