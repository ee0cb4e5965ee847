"""Runs `quantc analyze` on a three-layer MLP (fc2 feeding the head with
nothing between, so that the head's quantized copies read fc2's switched
result) and checks its numbers against
libraries compiled with each configuration it claims to have measured: each
layer alone at int8 and int4 (a precision plan with that one layer
quantized), every layer at each precision, and the plan it writes for an
SQNR budget. The analysis measures all of them in one switched library, so
each must agree with its own compiled library to 0.01 dB. Also: the plan
meets the budget and mixes int4 and int8, and a budget no plan reaches
without fp32 names the highest one reaches.

Usage: check_analyze.py QUANTC WORK_DIR
"""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
import quantc  # noqa: E402


def build_model(path, rng):
    w1 = rng.normal(0, 0.3, (16, 32)).astype(np.float32)
    w2 = rng.normal(0, 0.2, (32, 32)).astype(np.float32)
    w2[3, :] *= 8  # an outlier row: coarse scales at 4 bits
    w3 = rng.normal(0, 0.3, (32, 8)).astype(np.float32)
    b3 = rng.normal(0, 0.1, (8,)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"], name="fc1"),
        helper.make_node("Relu", ["h1"], ["r1"], name="relu1"),
        helper.make_node("MatMul", ["r1", "w2"], ["h2"], name="fc2"),
        helper.make_node("Gemm", ["h2", "w3", "b3"], ["y"], name="head"),
    ]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2"),
         numpy_helper.from_array(w3, "w3"), numpy_helper.from_array(b3, "b3")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def sqnr(reference, library, samples):
    signal = noise = 0.0
    for x in samples:
        expected = reference.run([x])["y"].astype(np.float64)
        actual = library.run([x])["y"].astype(np.float64)
        signal += np.sum(expected ** 2)
        noise += np.sum((actual - expected) ** 2)
    return 10 * np.log10(signal / noise)


def main():
    quantc_bin, work = sys.argv[1], sys.argv[2]
    os.environ["QUANTC_BIN"] = quantc_bin
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rng = np.random.default_rng(5)
    model = os.path.join(work, "mlp.onnx")
    build_model(model, rng)
    folders = {"cal": 8, "held": 5}
    held = []
    for folder, count in folders.items():
        os.makedirs(os.path.join(work, folder))
        for i in range(count):
            x = rng.normal(0, 1, (4, 16)).astype(np.float32)
            np.save(os.path.join(work, folder, f"s{i}.npy"), x)
            if folder == "held":
                held.append(x)
    analysis_path = os.path.join(work, "analysis.json")
    plan_path = os.path.join(work, "plan.json")
    common = ["--calibration", os.path.join(work, "cal")]
    result = subprocess.run(
        [quantc_bin, "analyze", model, *common, "--data", os.path.join(work, "held"),
         "-o", analysis_path, "--min-sqnr", "18", "--plan-output", plan_path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print("analyze:", result.returncode, result.stderr.strip())
    print(result.stdout)
    analysis = json.load(open(analysis_path))
    plan = json.load(open(plan_path))

    reference = quantc.compile(model)

    def check(what, claimed, options):
        library = quantc.compile(model, "static", calibration=os.path.join(work, "cal"),
                                 extra_options=options)
        measured = sqnr(reference, library, held)
        verdict = "MATCH" if abs(measured - claimed) < 0.01 else f"DIFFER ({measured:.4f})"
        print(f"{what}: {verdict}")
        return measured

    def write_plan(name, layers, default="fp32"):
        path = os.path.join(work, name)
        json.dump({"default": default, "layers": layers}, open(path, "w"))
        return ["--precision-plan", path]

    for layer in analysis["layers"]:
        for precision in ["int8", "int4"]:
            options = write_plan(f"{layer['node']}-{precision}.json",
                                 [{"node": layer["node"], "precision": precision}])
            check(f"{layer['node']} alone at {precision}",
                  layer["alone"][precision]["sqnr_db"], options)
        options = write_plan(f"{layer['node']}-all-but.json",
                             [{"node": layer["node"], "precision": "fp32"}], default="int8")
        check(f"all but {layer['node']} at int8", layer["all_but_this"]["sqnr_db"], options)
    for precision in ["int8", "int4"]:
        check(f"every layer at {precision}", analysis["uniform"][precision]["sqnr_db"],
              write_plan(f"all-{precision}.json", [], default=precision))
    measured = check("the plan", plan["measured_sqnr_db"], ["--precision-plan", plan_path])
    print("plan meets 18 dB:", measured >= 18)
    print("plan precisions:", sorted(layer["precision"] for layer in plan["layers"]))

    # --precision on the command line is a plan's entries.
    cal = os.path.join(work, "cal")
    by_options = quantc.compile(model, "static", calibration=cal,
                                extra_options=["--precision", "fc*=int4",
                                               "--precision", "Gemm=fp32"])
    by_plan = quantc.compile(model, "static", calibration=cal, extra_options=write_plan(
        "options.json", [{"node": "fc*", "precision": "int4"},
                         {"op": "Gemm", "precision": "fp32"}], default="int8"))
    uniform = quantc.compile(model, "static", calibration=cal)
    same = all(np.array_equal(by_options.run([x])["y"], by_plan.run([x])["y"]) for x in held)
    differs = any(not np.array_equal(by_options.run([x])["y"], uniform.run([x])["y"])
                  for x in held)
    print("--precision equals its plan:", same, "and differs from uniform int8:", differs)

    # --measure-latency: uniform runs timed, the plan predicted and timed.
    timed_plan = os.path.join(work, "timed-plan.json")
    subprocess.run(
        [quantc_bin, "analyze", model, *common, "--data", os.path.join(work, "held"),
         "-o", os.path.join(work, "timed.json"), "--min-sqnr", "18", "--plan-output",
         timed_plan, "--measure-latency", "--objective", "latency"],
        check=True, stdout=subprocess.DEVNULL)
    timed = json.load(open(os.path.join(work, "timed.json")))
    timed_plan = json.load(open(timed_plan))
    print("uniform runs timed:", sorted(timed["measured_seconds"]),
          all(t > 0 for t in timed["measured_seconds"].values()))
    print("plan timed:", timed_plan["predicted_seconds"] > 0,
          timed_plan["measured_seconds"] > 0)

    result = subprocess.run(
        [quantc_bin, "analyze", model, *common, "--data", os.path.join(work, "held"),
         "-o", os.path.join(work, "again.json"), "--min-sqnr", "90",
         "--plan-precisions", "int8,int4", "--plan-output", os.path.join(work, "none.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print("infeasible:", result.returncode, result.stderr.strip())
    # Every layer int8, predicted from the noise each adds alone.
    noise = sum(layer["alone"]["int8"]["noise_power"] for layer in analysis["layers"])
    highest = 10 * np.log10(analysis["signal_power"] / noise)
    print("names the every-int8 SQNR:", f"{highest:.2f} dB (predicted)" in result.stderr)


if __name__ == "__main__":
    main()
