"""Checks that a compiled model gives the same outputs at every thread
count, and from several contexts running at once.

The model's contractions are large enough for the runtime to split them
over threads: a 3x3 convolution, a depthwise one and a MatMul, quantized
statically (int8). Its outputs at 1, 2 and 4 threads must be identical;
then three contexts of the library (2 threads each) run on three Python
threads at once (ctypes releases the GIL while the model runs), several
times each, and every output must equal the single-threaded one.

With a decoder (TINY_GPT, examples/tiny-gpt/tiny_gpt.onnx), compiled with
dynamic per-token int8 and shapes known only at run time, the same holds
for a prefill of 96 tokens and the decode step after it: the loops
between the kernels are then split over bounds computed at run time.

Usage: check_threads.py QUANTC WORK_DIR [TINY_GPT]
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
    if len(sys.argv) > 3:
        ok = check_decoder(quantc_bin, sys.argv[3], work) and ok
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


def check_decoder(quantc_bin, model, work):
    """A prefill and a decode step of the decoder at 1, 2 and 4 threads:
    every output (logits, key and value caches) identical."""
    library = os.path.join(work, "libdecoder.so")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "dynamic",
                    "--dynamic-per-row", "-o", library], check=True)
    graph = onnx.load(model).graph
    caches = [i.name for i in graph.input if i.name != "tokens"]
    heads, width = (graph.input[1].type.tensor_type.shape.dim[i].dim_value for i in (1, 3))
    rng = np.random.default_rng(5)
    prefill = {"tokens": rng.integers(0, 256, (1, 96)).astype(np.int64)}
    prefill.update({name: np.zeros((1, heads, 0, width), F) for name in caches})
    ok = True
    with quantc.load(library, threads=1) as m:
        first = m.run(prefill)
        decode = {"tokens": np.array([[65]], np.int64)}
        decode.update({name: first[name.replace("past", "present")] for name in caches})
        expect = {"prefill": first, "decode": m.run(decode)}
        for threads in [2, 4]:
            m.set_threads(threads)
            for phase, feeds in [("prefill", prefill), ("decode", decode)]:
                outputs = m.run(feeds)
                same = all(np.array_equal(outputs[k], v) for k, v in expect[phase].items())
                print(f"decoder {phase}, {threads} threads: "
                      f"{'identical' if same else 'DIFFERENT'}")
                ok = ok and same
    return ok


if __name__ == "__main__":
    sys.exit(main())
