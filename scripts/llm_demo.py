#!/usr/bin/env python3
"""make demo-llm: the project's byte-level GPT (examples/tiny-gpt, trained
on the King James Bible) compiled by quantc in fp32, int8 and int4, writing
text from the same prompt.

1. calibration windows are cut from examples/tiny-gpt/calibration.txt
   (training text; the held-out text is never seen);
2. `quantc compile` writes four libraries: fp32; int8 static with
   SmoothQuant (alpha 0.5); int8 dynamic per token (the method of PyTorch's
   quantize_dynamic); int4 weights with int8 activations computed at run
   time (W4A8, groups of 32);
3. each generates the same number of bytes greedily after the same prompt;
4. each is timed on one thread: a prefill of 128 tokens and decode steps
   with a cache of 128; onnxruntime runs the fp32 model on the same inputs
   when --ort-dir holds onnxruntime-node;
5. each is scored on the held-out text (perplexity per byte);
6. the texts are printed one under the other, with where each parts from
   fp32's, and a table of sizes, speeds and perplexities.

Usage: llm_demo.py QUANTC EXAMPLE_DIR WORK_DIR [--prompt TEXT] [--max-tokens N]
                   [--heldout-bytes N] [--ort-dir DIR]
"""

import argparse
import os
import sys
import textwrap
import time

import numpy as np

import quantc
from quantc import llm

CONTEXT = 128
STEPS = 6
PER_TOKEN = ["--dynamic-per-row"]
# quantc.compile's arguments for each library; "calibration" is filled in.
CONFIGS = [
    ("fp32", {}),
    ("int8 static, SmoothQuant", {"quantize": "static", "calibration": None,
                                  "extra_options": ["--smooth-quant", "0.5"]}),
    ("int8 dynamic per token", {"quantize": "dynamic", "extra_options": PER_TOKEN}),
    ("int4 W4A8, groups of 32", {"quantize": "dynamic", "bits": 4, "group_size": 32,
                                 "extra_options": PER_TOKEN}),
]

def step(number, text):
    print(f"[{number}/{STEPS}] {text}", flush=True)


def timing_inputs(compiled, text):
    """The inputs the speeds are measured on: a prefill of the first CONTEXT
    bytes of `text` from an empty cache, and a decode step of its last byte
    after the cache that prefill leaves."""
    decoder = llm.Decoder(compiled)
    window = np.frombuffer(text[:CONTEXT], np.uint8).astype(np.int64)
    empty = decoder.empty_cache()
    _, cache = decoder.run(window, empty)
    return (dict(empty, **{decoder.tokens.name: window.reshape(1, -1)}),
            dict(cache, **{decoder.tokens.name: window[-1:].reshape(1, 1)}))


def speeds(compiled, inputs):
    """Tokens per second of the prefill and of the decode step of `inputs`
    (timing_inputs), medians on the library's threads."""
    prefill, decode = inputs
    prefill_ms = compiled.benchmark(prefill, runs=7)["median_ms"]
    decode_ms = compiled.benchmark(decode, runs=41)["median_ms"]
    return CONTEXT * 1000 / prefill_ms, 1000 / decode_ms


def onnxruntime_speeds(ort_dir, model_path, inputs, work):
    """onnxruntime's fp32 tokens per second on the same `inputs`, or None
    when onnxruntime-node is not installed."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
    from timing import ort_available, time_ort_feeds
    if not ort_available(ort_dir):
        return None
    prefill, decode = inputs
    prefill_ms = time_ort_feeds(ort_dir, model_path, prefill, 1, 7, work)
    decode_ms = time_ort_feeds(ort_dir, model_path, decode, 1, 41, work)
    return CONTEXT * 1000 / prefill_ms, 1000 / decode_ms


def printable(data):
    return data.decode("utf-8", "replace").replace("\n", " ")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("example")
    parser.add_argument("work")
    parser.add_argument("--prompt", default="And God said unto Moses,")
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--heldout-bytes", type=int, default=40000)
    parser.add_argument("--ort-dir", help="onnxruntime-node's folder, to time it too")
    args = parser.parse_args()
    os.environ["QUANTC_BIN"] = args.quantc
    os.makedirs(args.work, exist_ok=True)
    model = os.path.join(args.example, "tiny_gpt.onnx")
    text = open(os.path.join(args.example, "calibration.txt"), "rb").read()
    heldout = open(os.path.join(args.example, "heldout.txt"), "rb").read()[:args.heldout_bytes]

    calibration = list(llm.calibration_samples(model, text[:CONTEXT * 33], CONTEXT))
    step(1, f"calibration set: {len(calibration)} windows of {CONTEXT} bytes of "
            "calibration.txt (training text, not the held-out text)")
    libraries = {}
    step(2, f"quantc compile: {len(CONFIGS)} libraries")
    for n, (name, options) in enumerate(CONFIGS):
        path = os.path.join(args.work, f"libgpt{n}.so")
        started = time.time()
        if "calibration" in options:
            options = dict(options, calibration=calibration)
        quantc.compile(model, output=path, **options).close()
        libraries[name] = path
        print(f"      {name:<26} {os.path.getsize(path) / 1e6:5.1f} MB in "
              f"{time.time() - started:.0f} s", flush=True)

    results = {}
    step(3, f"generating {args.max_tokens} bytes greedily after {args.prompt!r}")
    for name, path in libraries.items():
        with quantc.load(path, threads=1) as compiled:
            generated, _ = llm.generate(compiled, args.prompt, args.max_tokens, context=CONTEXT)
            results[name] = {"text": generated}
    step(4, f"timing a prefill of {CONTEXT} tokens and a decode step (cache of {CONTEXT}) "
            "on one thread")
    inputs = None
    for name, path in libraries.items():
        with quantc.load(path, threads=1) as compiled:
            inputs = inputs or timing_inputs(compiled, heldout)
            results[name]["prefill"], results[name]["decode"] = speeds(compiled, inputs)
    ort = onnxruntime_speeds(args.ort_dir, model, inputs, os.path.join(args.work, "onnxruntime"))
    step(5, f"perplexity per byte on the first {len(heldout)} bytes of heldout.txt")
    for name, path in libraries.items():
        with quantc.load(path, threads=1) as compiled:
            results[name]["perplexity"] = llm.perplexity(compiled, heldout, CONTEXT)

    step(6, "the text each library writes")
    reference = results["fp32"]["text"]
    for name, result in results.items():
        generated = result["text"]
        same = next((i for i, (a, b) in enumerate(zip(generated, reference)) if a != b),
                    min(len(generated), len(reference)))
        result["same"] = same
        note = "" if name == "fp32" else (
            "  (as fp32's throughout)" if same == len(reference) == len(generated)
            else f"  (as fp32's for {same} bytes; | marks where it parts)")
        print(f"\n{name}{note}:")
        shown = args.prompt + printable(generated[:same]) + (
            "|" + printable(generated[same:]) if name != "fp32" and same < len(generated)
            else printable(generated[same:]))
        print(textwrap.indent(textwrap.fill(shown, 90), "    "))

    fp32 = results["fp32"]
    print()
    header = (f"{'library':<26} {'size':>8} {'vs fp32':>8} {'prefill tok/s':>14} "
              f"{'decode tok/s':>13} {'perplexity':>11} {'vs fp32':>8} {'same bytes':>11}")
    print(header)
    print("-" * len(header))
    fp32_size = os.path.getsize(libraries["fp32"])
    for name, result in results.items():
        size = os.path.getsize(libraries[name])
        print(f"{name:<26} {size / 1e6:6.1f} MB {size / fp32_size:8.2f} "
              f"{result['prefill']:14.0f} {result['decode']:13.0f} "
              f"{result['perplexity']:11.4f} "
              f"{100 * (result['perplexity'] / fp32['perplexity'] - 1):+7.2f}% "
              f"{result['same']:>5}/{len(fp32['text'])}")
    if ort:
        print(f"{'onnxruntime fp32':<26} {'':>8} {'':>8} {ort[0]:14.0f} {ort[1]:13.0f}")
    else:
        print("(onnxruntime is not timed: no onnxruntime-node in --ort-dir; make models "
              "fetches it)")
    print("\nA different byte where fp32's two best logits nearly tie is no loss of quality: "
          "the perplexity\nsays how well each library predicts text it never saw "
          "(docs/accuracy.md, docs/llm.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
