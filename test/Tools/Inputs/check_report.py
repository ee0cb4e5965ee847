"""Runs `quantc analyze` and then `quantc report` with its plan on the
three-layer MLP of check_analyze.py, and checks the report's numbers
against the analysis, the plan and the statistics file: per layer its
precision (the plan's), SQNR alone at that precision and all but it, weight
bytes, the clipping range its input scale and zero point give, and a
histogram of its input; overall the bytes and the predicted (sum of the
layers' noise) and measured (the plan's) SQNR.

Usage: check_report.py QUANTC WORK_DIR
"""

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from check_analyze import build_model  # noqa: E402


class Tables(html.parser.HTMLParser):
    """The rows of the tables with an id: per row its data- attribute and
    cell texts, and the number of rect elements in it (histogram bars)."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self.table is not None:
            key = attrs.get("data-node") or attrs.get("data-key")
            self.row = {"key": key, "cells": [], "rects": 0}
            self.table.append(self.row)
        elif tag == "td" and self.row is not None:
            self.cell = ""
        elif tag == "rect" and self.row is not None:
            self.row["rects"] += 1

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row["cells"].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def close(a, b, tolerance=1e-4):
    return abs(float(a) - float(b)) <= tolerance * max(1.0, abs(float(b)))


def main():
    quantc_bin, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rng = np.random.default_rng(5)
    model = os.path.join(work, "mlp.onnx")
    build_model(model, rng)
    for folder, count in {"cal": 8, "held": 5}.items():
        os.makedirs(os.path.join(work, folder))
        for i in range(count):
            np.save(os.path.join(work, folder, f"s{i}.npy"),
                    rng.normal(0, 1, (4, 16)).astype(np.float32))
    stats = os.path.join(work, "stats.json")
    subprocess.run([quantc_bin, "calibrate", model, "--data", os.path.join(work, "cal"),
                    "-o", stats], check=True)
    analysis_path = os.path.join(work, "analysis.json")
    plan_path = os.path.join(work, "plan.json")
    subprocess.run([quantc_bin, "analyze", model, "--calibration", stats, "--data",
                    os.path.join(work, "held"), "-o", analysis_path, "--min-sqnr", "18",
                    "--plan-output", plan_path], check=True, stdout=subprocess.DEVNULL)
    report_path = os.path.join(work, "report.html")
    result = subprocess.run(
        [quantc_bin, "report", model, "--analysis", analysis_path, "--calibration", stats,
         "--precision-plan", plan_path, "--data", os.path.join(work, "held"),
         "-o", report_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print("report:", result.returncode, result.stderr.strip())
    print(result.stdout)
    analysis = json.load(open(analysis_path))
    plan = {layer["node"]: layer["precision"] for layer in json.load(open(plan_path))["layers"]}
    measured = json.load(open(plan_path))["measured_sqnr_db"]
    parser = Tables()
    parser.feed(open(report_path).read())
    rows = {row["key"]: row for row in parser.tables["layers"] if row["key"]}
    noise = 0.0
    for layer in analysis["layers"]:
        row = rows[layer["node"]]
        (node, op, precision, kind, scale, zero_point, clip, weight_scales, alone, all_but,
         weight_bytes, _) = row["cells"]
        checks = [precision == plan[node], op == layer["op"],
                  close(alone, layer["alone"][precision]["sqnr_db"]),
                  close(all_but, layer["all_but_this"]["sqnr_db"]),
                  close(weight_bytes, layer["weight_bytes"][precision]),
                  row["rects"] > 10]
        noise += layer["alone"][precision]["noise_power"]
        if kind.startswith("static"):
            low, high = (float(v) for v in re.findall(r"[-0-9.e+]+", clip))
            s, z = float(scale), int(zero_point)
            checks += [close(low, s * (0 - z), 1e-3), close(high, s * (255 - z), 1e-3)]
        print(f"{node}: {precision}, input {kind}:", "MATCH" if all(checks) else checks)
    overall = {row["key"]: row["cells"][1] for row in parser.tables["overall"]}
    predicted = 10 * np.log10(analysis["signal_power"] / noise)
    bytes_ = sum(layer["weight_bytes"][plan[layer["node"]]] for layer in analysis["layers"])
    print("overall:", "MATCH" if close(overall["predicted_sqnr"], predicted)
          and close(overall["measured_sqnr"], measured) and close(overall["bytes"], bytes_)
          and float(overall["measured_ms"]) > 0 and int(overall["library_bytes"]) > 0
          else overall)


if __name__ == "__main__":
    main()
