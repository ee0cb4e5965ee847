#!/usr/bin/env python3
"""Speed of a GPT-2-small-shaped decoder (examples/tiny-gpt/train.py
--gpt2-small: 12 blocks of width 768, vocabulary 50257, random weights)
compiled by quantc, against PyTorch on the same weights, in one run.

For the decode step (1 token after a cache of 128) and the prefill (128
tokens, empty cache), at each thread count, it times:
  quantc fp32, quantc int8 (--quantize dynamic --dynamic-per-row: W8A8 with
  a scale per token) and quantc int4 (--quantize dynamic --bits 4
  --group-size 128: W4A8), both with
  --quantize-embeddings (s8 token and position tables), the libraries
  keeping their weights in a side file; PyTorch 1.13 fp32 and PyTorch's torch.quantization.quantize_dynamic
  int8 on the Linear layers (the method of the seed article); onnxruntime
  1.30 fp32 on the same ONNX model with all graph optimizations (when
  --ort-dir holds onnxruntime-node), its intra-op threads at the same count.
The three quantc libraries are timed in turn, three rounds of N runs
each after 2N runs that warm it up, so that a slower spell of the machine
touches them alike.
It prints the median of each and the ratios: PyTorch quantize_dynamic over
quantc int8, quantc int8's decode step over its bandwidth limit (the bytes
of its int8 matmul weights divided by the read bandwidth of one core that
quantc-bench-kernels measures in the same run), quantc int8 over int4, and
onnxruntime fp32 over quantc int8.

It also writes a table of memory: for each library, its size on disk (the
.so and its weights file) and the peak resident memory of a process that
loads it and runs a decode step (cache of 128), then a prefill of 128
tokens, after each, less what the same process held before loading it
(Python, numpy, PyTorch's modules and the inputs). Each library's files
are dropped from the page cache first, so that each starts cold.

Usage: llm_speed.py QUANTC WORK_DIR [--threads 1,2] [--runs N]
                    [--output FILE] [--ort-dir DIR] [--tables speed,memory]
The ONNX model (about 650 MB) is exported into WORK_DIR when missing.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "tiny-gpt"))
import quantc  # noqa: E402
from markers import emit_table  # noqa: E402
from timing import time_ort_feeds  # noqa: E402

CACHE = 128
# Rounds of timing the three quantc libraries in turn.
ROUNDS = 3
PREFILL = 128
CONFIGS = [
    ("fp32", []),
    ("int8", ["--quantize", "dynamic", "--dynamic-per-row", "--quantize-embeddings"]),
    ("int4", ["--quantize", "dynamic", "--bits", "4", "--group-size", "128",
              "--quantize-embeddings"]),
]


def sample_ms(fn, runs, warm_up=1):
    """The times of `runs` calls of fn after `warm_up` calls, in ms."""
    for _ in range(warm_up):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - start))
    return times


def median_ms(fn, runs):
    return float(np.median(sample_ms(fn, runs)))


def feeds_for(shape, phase, rng):
    """Inputs of one run: the decode step or the prefill."""
    feeds = {}
    if phase == "decode":
        feeds["tokens"] = np.array([[17]], np.int64)
        cache = (1, shape.heads, CACHE, shape.head)
    else:
        feeds["tokens"] = rng.integers(0, shape.vocabulary, (1, PREFILL)).astype(np.int64)
        cache = (1, shape.heads, 0, shape.head)
    for i in range(shape.layers):
        for kind in ("key", "value"):
            feeds[f"past_{kind}_{i}"] = rng.standard_normal(cache).astype(np.float32)
    return feeds


def torch_worker(phase, threads, runs):
    """Times PyTorch fp32 and quantize_dynamic on the exported weights (the
    export's seed) for one phase; prints them as JSON."""
    import torch
    from train import GPT, GPT2_SMALL

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    reference = GPT(GPT2_SMALL).eval()
    dynamic = torch.quantization.quantize_dynamic(reference, {torch.nn.Linear},
                                                  dtype=torch.qint8)
    feeds = feeds_for(GPT2_SMALL, phase, np.random.default_rng(0))
    tokens = torch.from_numpy(feeds["tokens"])
    cache = [torch.from_numpy(feeds[f"past_{kind}_{i}"])
             for i in range(GPT2_SMALL.layers) for kind in ("key", "value")]
    with torch.no_grad():
        times = {"torch-fp32": median_ms(lambda: reference(tokens, *cache), runs),
                 "torch-dynamic": median_ms(lambda: dynamic(tokens, *cache), runs)}
    print(json.dumps(times))
    return 0


def peak_rss_kb():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))


def memory_worker(library):
    """Peak resident memory of this process, in kB, before loading LIBRARY,
    after a decode step (cache of 128), and after a prefill of 128 tokens
    too; prints JSON."""
    from train import GPT2_SMALL

    rng = np.random.default_rng(0)
    prefill, decode = feeds_for(GPT2_SMALL, "prefill", rng), feeds_for(GPT2_SMALL, "decode", rng)
    before = peak_rss_kb()
    with quantc.load(library, threads=1) as model:
        model.run(decode)
        decoded = peak_rss_kb()
        model.run(prefill)
        prefilled = peak_rss_kb()
    print(json.dumps({"before": before, "decode": decoded, "prefill": prefilled}))
    return 0


def evict_from_page_cache(path):
    """Writes PATH's dirty pages back and drops its pages from the page cache."""
    if not os.path.exists(path):
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def memory_table(libraries, work):
    lines = ["| library | file size (.so + weights) | vs fp32 | peak resident memory, "
             "decode steps | vs fp32 | peak resident memory, with a prefill of 128 tokens "
             "| vs fp32 |", "| --- | --- | --- | --- | --- | --- | --- |"]
    rows = {}
    for name, library in libraries.items():
        weights = os.path.join(os.path.dirname(library),
                               quantc.model.model_prefix(library) + ".weights")
        size = os.path.getsize(library) + (os.path.getsize(weights)
                                           if os.path.exists(weights) else 0)
        # Every library starts from a cold page cache, as after a reboot:
        # how many of a mapped file's pages a fault maps depends on what
        # the cache holds (a freshly written file maps in larger pieces).
        for path in (library, weights):
            evict_from_page_cache(path)
        worker = subprocess.run([sys.executable, __file__, "-", work, "--memory-worker", library],
                                capture_output=True, text=True, check=True)
        peak = json.loads(worker.stdout.strip().splitlines()[-1])
        rows[name] = (size, (peak["decode"] - peak["before"]) * 1024,
                      (peak["prefill"] - peak["before"]) * 1024)
        print(f"memory of {name}: {size / 1e6:.1f} MB on disk, {rows[name][1] / 1e6:.1f} "
              f"MB resident after a decode step, {rows[name][2] / 1e6:.1f} MB with a prefill",
              file=sys.stderr)
    fp32 = rows["fp32"]
    for name, (size, decode, prefill) in rows.items():
        lines.append(f"| quantc {name} | {size / 1e6:.1f} MB | {size / fp32[0]:.2f} | "
                     f"{decode / 1e6:.1f} MB | {decode / fp32[1]:.2f} | "
                     f"{prefill / 1e6:.1f} MB | {prefill / fp32[2]:.2f} |")
    return "\n".join(lines) + "\n"


def matmul_weight_elements(model_path):
    """Elements of the constant MatMul weights (what a decode step reads)."""
    model = onnx.load(model_path, load_external_data=False)
    shapes = {i.name: list(i.dims) for i in model.graph.initializer}
    total = 0
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in shapes:
            total += int(np.prod(shapes[node.input[1]]))
    return total


def read_bandwidth(quantc_bin):
    bench = os.path.join(os.path.dirname(quantc_bin), "quantc-bench-kernels")
    run = subprocess.run([bench, "--benchmark_filter=^$"], capture_output=True, text=True)
    found = re.search(r"read bandwidth of one core: ([0-9.]+) GB/s", run.stdout)
    return float(found.group(1)) * 1e9 if found else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("work")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--output")
    parser.add_argument("--ort-dir", help="onnxruntime-node's folder, to time it too")
    parser.add_argument("--tables", default="speed,memory")
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    parser.add_argument("--torch-worker", choices=["decode", "prefill"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        return torch_worker(args.torch_worker, int(args.threads), args.runs)
    if args.memory_worker:
        return memory_worker(args.memory_worker)
    tables = args.tables.split(",")
    from train import GPT2_SMALL

    os.makedirs(args.work, exist_ok=True)
    model_path = os.path.join(args.work, "gpt2_small.onnx")
    script = os.path.join(os.path.dirname(__file__), "..", "examples", "tiny-gpt", "train.py")
    if not os.path.exists(model_path):
        subprocess.run([sys.executable, script, model_path, "--gpt2-small"], check=True)
    libraries = {}
    runtime = os.path.join(os.path.dirname(args.quantc), "..", "lib", "libquantc_runtime.a")
    for name, options in CONFIGS:
        library = os.path.join(args.work, f"libgpt2_{name}.so")
        # A library is kept across runs while it was compiled with the same
        # options by a quantc and a runtime no newer than it.
        stamp = library + ".options"
        command = [args.quantc, "compile", model_path, "--weights=external",
                   "-o", library] + options
        current = (os.path.exists(library) and os.path.exists(stamp)
                   and open(stamp).read() == " ".join(command)
                   and all(os.path.getmtime(library) >= os.path.getmtime(tool)
                           for tool in (args.quantc, runtime) if os.path.exists(tool)))
        if not current:
            started = time.time()
            subprocess.run(command, check=True)
            with open(stamp, "w") as f:
                f.write(" ".join(command))
            print(f"compiled {name} in {time.time() - started:.0f} s", file=sys.stderr)
        libraries[name] = library

    if "memory" in tables:
        emit_table(args.output, "llm memory", memory_table(libraries, args.work))
    if "speed" not in tables:
        return 0
    bandwidth = read_bandwidth(args.quantc)
    int8_bytes = matmul_weight_elements(model_path)
    rng = np.random.default_rng(0)
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        for phase in ["decode", "prefill"]:
            feeds = feeds_for(GPT2_SMALL, phase, rng)
            runs = args.runs if phase == "decode" else max(3, args.runs // 3)
            # The three libraries in turn, ROUNDS times, so that a slower
            # spell of this shared machine touches each of them alike; the
            # median over all their runs. Each round first runs the library
            # 2 * runs times: after another library ran, a decode step
            # takes some 20 steps to come down to its steady time (the
            # caches refill with its weights), which a generation loop
            # running one model sees.
            models = {name: quantc.load(library, threads=threads)
                      for name, library in libraries.items()}
            samples = {name: [] for name in models}
            for _ in range(ROUNDS):
                for name, model in models.items():
                    samples[name] += sample_ms(lambda: model.run(feeds), runs,
                                               warm_up=2 * runs)
            for model in models.values():
                model.close()
            times = {name: float(np.median(values)) for name, values in samples.items()}
            # PyTorch in a process of its own, its thread pools (OpenMP and
            # OpenBLAS) pinned to the same count.
            env = dict(os.environ, OMP_NUM_THREADS=str(threads),
                       OPENBLAS_NUM_THREADS=str(threads))
            worker = subprocess.run([sys.executable, __file__, args.quantc, args.work,
                                     "--torch-worker", phase, "--threads", str(threads),
                                     "--runs", str(runs)],
                                    env=env, capture_output=True, text=True, check=True)
            times.update(json.loads(worker.stdout.strip().splitlines()[-1]))
            if args.ort_dir:
                times["ort-fp32"] = time_ort_feeds(args.ort_dir, model_path, feeds, threads,
                                                   runs, os.path.join(args.work, "onnxruntime"))
            rows.append((phase, threads, times))
            print(f"{phase} at {threads} threads: " +
                  ", ".join(f"{k} {v:.2f} ms" for k, v in times.items()), file=sys.stderr)

    limit = int8_bytes / bandwidth * 1e3 if bandwidth else None
    lines = []
    if bandwidth:
        lines.append(f"Read bandwidth of one core: {bandwidth / 1e9:.1f} GB/s; int8 matmul "
                     f"weights: {int8_bytes / 1e6:.1f} MB, so a decode step needs at least "
                     f"{limit:.2f} ms at one core's bandwidth.\n")
    ort = args.ort_dir is not None
    lines.append("| phase | threads | quantc fp32 | quantc int8 | quantc int4 | PyTorch fp32 "
                 "| PyTorch quantize_dynamic | " + ("onnxruntime fp32 | " if ort else "") +
                 "quantize_dynamic / quantc int8 | " +
                 ("onnxruntime fp32 / quantc int8 | " if ort else "") +
                 "quantc int8 / limit | quantc int8 / int4 |")
    lines.append("|" + " --- |" * (12 if ort else 10))
    for phase, threads, t in rows:
        vs_limit = f"{t['int8'] / limit:.2f}" if limit and phase == "decode" else "-"
        label = f"decode (1 token, cache {CACHE})" if phase == "decode" else \
            f"prefill ({PREFILL} tokens)"
        lines.append(f"| {label} | {threads} | {t['fp32']:.2f} ms | {t['int8']:.2f} ms | "
                     f"{t['int4']:.2f} ms | {t['torch-fp32']:.2f} ms | "
                     f"{t['torch-dynamic']:.2f} ms | " +
                     (f"{t['ort-fp32']:.2f} ms | " if ort else "") +
                     f"{t['torch-dynamic'] / t['int8']:.2f} | " +
                     (f"{t['ort-fp32'] / t['int8']:.2f} | " if ort else "") +
                     f"{vs_limit} | {t['int8'] / t['int4']:.2f} |")
    text = "\n".join(lines) + "\n"
    emit_table(args.output, "llm speed", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
