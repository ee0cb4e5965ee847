"""Calibrates an attention block whose scores get a causal mask of -inf,
once through Where and once through Add, as exported decoders apply it, and
checks that the masked activations' statistics leave the infinities out
(min and max over the kept scores, as numpy computes them) while an
overflow computed from the data is still an error. Then compiles the block
with static quantization from those statistics and runs it.

Usage: check_calibrate_masked.py QUANTC WORK_DIR
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

T = 5


def build_model(path, wq, wv):
    causal = np.triu(np.ones((T, T), bool), 1)
    additive = np.where(causal, -np.inf, 0).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "wq"], ["q"], name="q"),
        helper.make_node("Transpose", ["x"], ["xt"], perm=[1, 0], name="xt"),
        helper.make_node("MatMul", ["q", "xt"], ["scores"], name="scores"),
        helper.make_node("Where", ["causal", "minus_inf", "scores"], ["masked"], name="masked"),
        helper.make_node("Add", ["scores", "additive"], ["added"], name="added"),
        helper.make_node("Softmax", ["masked"], ["p"], axis=-1, name="p"),
        helper.make_node("Softmax", ["added"], ["p2"], axis=-1, name="p2"),
        helper.make_node("Add", ["p", "p2"], ["pp"], name="pp"),
        helper.make_node("MatMul", ["pp", "x"], ["ctx"], name="ctx"),
        helper.make_node("MatMul", ["ctx", "wv"], ["y"], name="out"),
    ]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [T, 8])],
        [numpy_helper.from_array(wq, "wq"), numpy_helper.from_array(wv, "wv"),
         numpy_helper.from_array(causal, "causal"),
         numpy_helper.from_array(np.array(-np.inf, np.float32), "minus_inf"),
         numpy_helper.from_array(additive, "additive")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    quantc_bin, work = sys.argv[1:3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "data"))
    rng = np.random.default_rng(0)
    wq = rng.standard_normal((8, 8)).astype(np.float32)
    wv = rng.standard_normal((8, 8)).astype(np.float32)
    model = os.path.join(work, "model.onnx")
    build_model(model, wq, wv)
    xs = [rng.standard_normal((T, 8)).astype(np.float32) for _ in range(4)]
    for i, x in enumerate(xs):
        np.save(os.path.join(work, "data", f"s{i}.npy"), x)
    stats = os.path.join(work, "stats.json")
    run = subprocess.run([quantc_bin, "calibrate", model, "--data", os.path.join(work, "data"),
                          "-o", stats], capture_output=True, text=True)
    print("calibrate:", run.returncode, run.stderr.strip())
    tensors = json.load(open(stats))["tensors"]
    kept = np.concatenate([((x @ wq) @ x.T)[~np.triu(np.ones((T, T), bool), 1)] for x in xs])
    for key in ["masked", "added"]:
        t = tensors[key]
        ok = np.isclose(t["min"], kept.min(), rtol=1e-5) and np.isclose(t["max"], kept.max(),
                                                                         rtol=1e-5)
        print(f"{key}: count {t['count']} of {len(xs) * T * T}, "
              f"{'MATCH' if ok and t['count'] == kept.size else 'DIFFER'}")

    # An overflow the data causes is still an error.
    os.makedirs(os.path.join(work, "huge"))
    np.save(os.path.join(work, "huge", "s.npy"), np.full((T, 8), 1e30, np.float32))
    run = subprocess.run([quantc_bin, "calibrate", model, "--data", os.path.join(work, "huge"),
                          "-o", os.path.join(work, "huge.json")], capture_output=True, text=True)
    print("huge:", run.returncode, run.stderr.strip().replace(work, "WORK"))

    library = os.path.join(work, "libblock.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "static", "--calibration", stats,
                    "-o", library], check=True)
    reference = os.path.join(work, "libfloat.so")
    subprocess.run([quantc_bin, "compile", model, "-o", reference], check=True)
    with quantc.load(library) as q, quantc.load(reference) as f:
        got, want = q.run({"x": xs[0]})["y"], f.run({"x": xs[0]})["y"]
    error = np.abs(got - want).max() / np.abs(want).max()
    print(f"static int8 against float: {'CLOSE' if error < 0.05 else 'FAR'}, finite "
          f"{bool(np.isfinite(got).all())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
