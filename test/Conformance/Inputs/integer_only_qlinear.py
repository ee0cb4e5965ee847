"""ONNX's backend tests of QLinearMatMul and QLinearConv on the integer-only
path: each model's parameters and weight (every input but the first) are
frozen into initializers with the values of its test data, and its first
input comes from a QuantizeLinear of the float values that quantize to the
test's integers, as a real quantized model holds them. The model is
compiled with
`quantc compile --integer-only` (fixed-point requantization) and, for
comparison, without it. Both outputs must equal ONNX's expected ones
exactly. The unfrozen model, whose parameters arrive at run time, gets a
clean integer-only error.

usage: integer_only_qlinear.py QUANTC NODE_DIR WORK_DIR TEST...
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
from quantc import load  # noqa: E402
from quantc.onnx_data import read_test_data_set  # noqa: E402


def freeze(model, inputs):
    """The model as a real quantized model holds it: every graph input but the
    first an initializer (a one-element scale or zero point a scalar, per
    tensor), and the first input quantized from float by a QuantizeLinear
    with its own scale and zero point. Returns the model and its float
    input, which quantizes back to the test's integer input exactly."""
    graph = model.graph
    names = [i.name for i in graph.input]
    for name in names[1:]:
        value = inputs[name]
        if value.size == 1 and ("scale" in name or "zero_point" in name):
            value = value.reshape(())
        graph.initializer.append(numpy_helper.from_array(value, name))
    first = names[0]
    scale = inputs[names[1]].reshape(()).astype(np.float32)
    zero = inputs[names[2]].reshape(())
    stored = inputs[first]
    real = ((stored.astype(np.float32) - np.float32(zero)) * scale).astype(np.float32)
    back = np.clip(np.round(real / scale) + np.float32(zero), 0, 255).astype(stored.dtype)
    assert np.array_equal(back, stored), "the float input does not quantize back"
    kept = onnx.helper.make_tensor_value_info(first + "_real", onnx.TensorProto.FLOAT,
                                              list(stored.shape))
    quantize = onnx.helper.make_node("QuantizeLinear", [first + "_real", names[1], names[2]],
                                     [first])
    del graph.input[:]
    graph.input.append(kept)
    graph.node.insert(0, quantize)
    return model, real


def main():
    quantc, node_dir, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for test in sys.argv[4:]:
        folder = os.path.join(node_dir, test)
        model = onnx.load(os.path.join(folder, "model.onnx"))
        names = [i.name for i in model.graph.input]
        inputs, expected = read_test_data_set(os.path.join(folder, "test_data_set_0"))
        values = dict(zip(names, inputs))
        frozen = os.path.join(work, f"{test}.onnx")
        frozen_model, real = freeze(model, values)
        onnx.save(frozen_model, frozen)
        outputs = {}
        for mode, options in [("float epilogue", []), ("integer-only", ["--integer-only"])]:
            library = os.path.join(work, f"lib{test}-{len(options)}.so")
            subprocess.run([quantc, "compile", frozen, "-o", library] + options, check=True)
            got = list(load(library).run({names[0] + "_real": real}).values())[0]
            want = expected[0]
            if got.dtype != want.dtype or not np.array_equal(got, want):
                sys.exit(f"{test} ({mode}): {got} != {want}")
            outputs[mode] = got
        print(f"{test}: integer-only and float epilogue equal ONNX's output exactly "
              f"({outputs['integer-only'].size} values)")
        library = os.path.join(work, f"lib{test}-runtime.so")
        refused = subprocess.run([quantc, "compile", os.path.join(folder, "model.onnx"), "-o",
                                  library, "--integer-only"], capture_output=True, text=True)
        errors = [line for line in refused.stderr.splitlines() if "error: integer-only" in line]
        assert refused.returncode == 1 and errors and not os.path.exists(library), refused.stderr
        print(f"{test}: run-time parameters refused: {errors[0].split('error: ', 1)[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
