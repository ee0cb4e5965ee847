"""Checks that a compiled model gives the same outputs at every thread
count, and from several contexts running at once.

The model's contractions are large enough for the runtime to split them
over threads: a 3x3 convolution, a depthwise one and a MatMul, quantized
statically (int8). Its outputs at 1, 2 and 4 threads must be identical;
then three contexts of the library (2 threads each) run on three Python
threads at once (ctypes releases the GIL while the model runs), several
times each, and every output must equal the single-threaded one.

Usage: check_threads.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys
import threading

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(os.path.join(work, "calibration"), exist_ok=True)
    rng = np.random.default_rng(3)
    inits = [numpy_helper.from_array(rng.normal(0, 0.2, s).astype(F), n) for n, s in [
        ("w1", (64, 32, 3, 3)), ("wd", (64, 1, 3, 3)), ("wm", (48, 96))]]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "wd"], ["d1"], kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=64),
        helper.make_node("MatMul", ["d1", "wm"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "threads", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 40, 48])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64, 40, 96])], inits)
    model = os.path.join(work, "model.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), model)
    for i in range(4):
        np.save(os.path.join(work, "calibration", f"s{i}.npy"),
                rng.normal(0, 1, (1, 32, 40, 48)).astype(F))
    library = os.path.join(work, "libthreads.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "static", "--calibration",
                    os.path.join(work, "calibration"), "-o", library], check=True)

    x = rng.normal(0, 1, (1, 32, 40, 48)).astype(F)
    ok = True
    with quantc.load(library, threads=1) as m:
        expect = m.run({"x": x})["y"]
        for threads in [2, 4]:
            m.set_threads(threads)
            same = np.array_equal(m.run({"x": x})["y"], expect)
            print(f"{threads} threads: {'identical' if same else 'DIFFERENT'}")
            ok = ok and same
        try:
            m.set_threads(-1)
            print("threads -1: ACCEPTED")
            ok = False
        except quantc.QuantcError as e:
            print(f"threads -1: {e}")

    results = []

    def run(context):
        for _ in range(5):
            results.append(np.array_equal(context.run({"x": x})["y"], expect))

    contexts = [quantc.load(library, threads=2) for _ in range(3)]
    workers = [threading.Thread(target=run, args=(c,)) for c in contexts]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for c in contexts:
        c.close()
    same = len(results) == 15 and all(results)
    print(f"3 contexts at once: {'identical' if same else 'DIFFERENT'} ({len(results)} runs)")
    ok = ok and same
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
