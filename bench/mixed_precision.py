#!/usr/bin/env python3
"""Mixed precision against the uniform settings, on PaddleOCR's recognition
model and on examples/tiny-gpt's decoder.

For each model, `quantc analyze --min-sqnr BUDGET` measures every layer on
calibration data and writes a plan; then the plan and each uniform setting
are compiled (`quantc compile`, the plan through --precision-plan) and
measured on held-out data the analysis never saw. rec's calibration strips
(rotated, blurred and defocused text) are harder than its held-out lines
and differ from them, so its plan is asked for the budget with a margin
(`quantc analyze --margin`, 6 dB by --rec-margin) on the strips; the
held-out SQNR is checked against the budget alone.

  rec  calibration strips of opencv-doc's imageTextR.png, text_motion.jpg
       and text_defocus.jpg (as bench/accuracy.py); held out: the 13 text
       lines of imageTextN.png. Static quantization (int4 layers are
       weight-only, per channel). Metric: the output SQNR against float,
       and the share of frames whose argmax agrees with float.
  gpt  calibration windows of examples/tiny-gpt/calibration.txt (training
       text); held out: heldout.txt. Dynamic quantization per token (int4
       layers W4A8 in groups of 128). Metric: the logits' SQNR against
       float over held-out windows, and the held-out perplexity.

Each row gives the metric, whether the SQNR meets the budget, the library's
bytes and its median run time on one thread (rec: one line; gpt: a decode
step with a cache of 128). Under the table, the plan's run time as the
latency model of `quantc analyze --measure-latency` predicts it and as
measured. Writes a Markdown table to standard output or
into --output between the markers "<!-- mixed precision table: begin/end
-->" (docs/accuracy.md has them).

Usage: mixed_precision.py QUANTC MODELS_DIR IMAGES_DIR EXAMPLE_DIR WORK_DIR
           [--output FILE] [--rec-sqnr DB] [--rec-margin DB] [--gpt-sqnr DB]
           [--only rec,gpt]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from PIL import Image

import quantc
from accuracy import REC_WIDTH, write_samples
from llm_accuracy import CONTEXT, write_calibration
from markers import emit_table
from quantc import llm
from quantc.paddleocr import calibration_strips, line_boxes, line_input

ANALYSIS_SAMPLES = 8


def compile_library(quantc_bin, model, library, options):
    subprocess.run([quantc_bin, "compile", model, "-o", library] + options, check=True)
    return os.path.getsize(library)


def analyze(quantc_bin, model, work, options, budget):
    analysis = os.path.join(work, "analysis.json")
    plan = os.path.join(work, "plan.json")
    started = time.time()
    subprocess.run([quantc_bin, "analyze", model, "-o", analysis, "--min-sqnr", str(budget),
                    "--plan-output", plan, "--max-samples", str(ANALYSIS_SAMPLES),
                    "--measure-latency"] + options,
                   check=True, stdout=sys.stderr)
    print(f"analysis: {time.time() - started:.0f} s", file=sys.stderr)
    return plan, json.load(open(plan))


def sqnr(reference, outputs):
    signal = sum(float(np.sum(r.astype(np.float64) ** 2)) for r in reference)
    noise = sum(float(np.sum((o.astype(np.float64) - r) ** 2))
                for r, o in zip(reference, outputs))
    return float("inf") if noise == 0 else 10 * np.log10(signal / noise)


def plan_summary(plan):
    counts = {}
    for layer in plan["layers"]:
        counts[layer["precision"]] = counts.get(layer["precision"], 0) + 1
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))


def rec_rows(args, work):
    model = os.path.join(args.models, "ch_PP-OCRv4_rec_infer.onnx")
    shape = ["--input-shape", f"x=1,3,48,{REC_WIDTH}"]
    samples = os.path.join(work, "calibration")
    stats = os.path.join(work, "stats.json")
    if not os.path.exists(stats):
        write_samples(samples, [line_input(c, REC_WIDTH) for c in calibration_strips(args.images)])
        subprocess.run([args.quantc, "calibrate", model, *shape, "--data", samples, "-o", stats],
                       check=True)
    static = ["--quantize", "static", "--calibration", stats]
    plan_path, plan = analyze(args.quantc, model, work,
                              shape + static + ["--data", samples,
                                                "--margin", str(args.rec_margin)],
                              args.rec_sqnr)
    page = Image.open(os.path.join(args.images, "imageTextN.png")).convert("RGB")
    heldout = [line_input(page.crop(box), REC_WIDTH) for box in line_boxes(page, 100)]
    configs = [
        ("fp32", []),
        ("static int8", static),
        ("weight-only int8", ["--quantize", "weight-only"]),
        ("weight-only int4", ["--quantize", "weight-only", "--bits", "4"]),
        (f"mixed plan ({plan_summary(plan)})", static + ["--precision-plan", plan_path]),
    ]
    rows, reference = [], None
    for name, options in configs:
        library = os.path.join(work, f"librec{len(rows)}.so")
        size = compile_library(args.quantc, model, library, shape + options)
        with quantc.load(library, threads=1) as compiled:
            outputs = [next(iter(compiled.run({"x": x}).values())) for x in heldout]
            latency = compiled.benchmark({"x": heldout[0]}, runs=9)["median_ms"]
        if reference is None:
            reference = outputs
        frames = np.mean(np.concatenate(
            [(o.argmax(-1) == r.argmax(-1)).ravel() for o, r in zip(outputs, reference)]))
        rows.append(("rec", name, sqnr(reference, outputs), f"frames {100 * frames:.2f}%",
                     size, latency))
        print(f"rec {name}: {rows[-1]}", file=sys.stderr)
    return rows, plan


def gpt_rows(args, work):
    model = os.path.join(args.example, "tiny_gpt.onnx")
    samples = os.path.join(work, "calibration")
    if not os.path.isdir(samples):
        text = open(os.path.join(args.example, "calibration.txt"), "rb").read()
        write_calibration(model, text[:CONTEXT * (ANALYSIS_SAMPLES + 1)], samples)
    dynamic = ["--quantize", "dynamic", "--dynamic-per-row"]
    plan_path, plan = analyze(args.quantc, model, work,
                              dynamic + ["--group-size", "128", "--data", samples],
                              args.gpt_sqnr)
    heldout = open(os.path.join(args.example, "heldout.txt"), "rb").read()
    windows = np.frombuffer(heldout, np.uint8).astype(np.int64)
    windows = [windows[s:s + CONTEXT] for s in range(0, 32 * CONTEXT, CONTEXT)]
    configs = [
        ("fp32", []),
        ("dynamic int8", dynamic),
        ("dynamic int4 g128", dynamic + ["--bits", "4", "--group-size", "128"]),
        (f"mixed plan ({plan_summary(plan)})",
         dynamic + ["--group-size", "128", "--precision-plan", plan_path]),
    ]
    rows, reference, base = [], None, None
    for name, options in configs:
        library = os.path.join(work, f"libgpt{len(rows)}.so")
        size = compile_library(args.quantc, model, library, options)
        with quantc.load(library, threads=1) as compiled:
            decoder = llm.Decoder(compiled)
            outputs = [decoder.run(w, decoder.empty_cache())[0] for w in windows]
            value = llm.perplexity(compiled, heldout, CONTEXT)
            _, cache = decoder.run(windows[0], decoder.empty_cache())
            started = time.perf_counter()
            steps = 20
            for _ in range(steps):
                decoder.run(np.array([17], np.int64), cache)
            latency = 1e3 * (time.perf_counter() - started) / steps
        if reference is None:
            reference, base = outputs, value
        rows.append(("tiny GPT", name, sqnr(reference, outputs),
                     f"perplexity {value:.4f} ({100 * (value / base - 1):+.2f}%)", size, latency))
        print(f"gpt {name}: {rows[-1]}", file=sys.stderr)
    return rows, plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("models")
    parser.add_argument("images")
    parser.add_argument("example")
    parser.add_argument("work")
    parser.add_argument("--output")
    parser.add_argument("--rec-sqnr", type=float, default=30.0)
    parser.add_argument("--gpt-sqnr", type=float, default=30.0)
    parser.add_argument("--rec-margin", type=float, default=6.0,
                        help="dB the rec plan must exceed the budget by on the "
                             "calibration strips")
    parser.add_argument("--only", default="rec,gpt", help="rec, gpt or both")
    args = parser.parse_args()
    rows, budgets = [], {}
    for key, build, budget in [("rec", rec_rows, args.rec_sqnr),
                               ("gpt", gpt_rows, args.gpt_sqnr)]:
        if key not in args.only.split(","):
            continue
        work = os.path.join(args.work, key)
        os.makedirs(work, exist_ok=True)
        model_rows, plan = build(args, work)
        budgets[key] = (budget, plan)
        rows += [row + (budget,) for row in model_rows]

    table = ["| model | configuration | held-out SQNR (dB) | meets the budget | metric "
             "| library bytes | run time, 1 thread (ms) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for model, name, value, metric, size, latency, budget in rows:
        meets = "yes" if value >= budget else "no"
        table.append(f"| {model} | {name} | {value:.2f} | {meets} (>= {budget:g}) | {metric} "
                     f"| {size} | {latency:.3f} |")
    table.append("")
    for key, (budget, plan) in budgets.items():
        table.append(f"- {key}: the plan's run time predicted by the latency model "
                     f"{1e3 * plan['predicted_seconds']:.3f} ms, measured by quantc analyze "
                     f"{1e3 * plan['measured_seconds']:.3f} ms (first calibration sample).")
    emit_table(args.output, "mixed precision", "\n".join(table) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
