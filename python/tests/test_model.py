"""Tests of quantc.model on libraries compiled by the quantc under test.

QUANTC_BIN names that quantc (scripts/run-checks.sh sets it); the tests are
skipped without it.
"""

import os
import subprocess
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

QUANTC = os.environ.get("QUANTC_BIN")


def compile_model(graph_nodes, inputs, outputs, initializers, directory, name,
                  options=()):
    graph = helper.make_graph(graph_nodes, name, inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path = os.path.join(directory, f"{name}.onnx")
    onnx.save(model, path)
    library = os.path.join(directory, f"lib{name}.so")
    subprocess.run([QUANTC, "compile", path, "-o", library, *options], check=True)
    return library


@unittest.skipUnless(QUANTC, "QUANTC_BIN is not set")
class CompiledModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(5)
        cls.w = rng.uniform(-1, 1, (6, 4)).astype(np.float32)
        cls.library = compile_model(
            [helper.make_node("MatMul", ["x", "w"], ["m"]),
             helper.make_node("Relu", ["m"], ["y"]),
             helper.make_node("ReduceSum", ["y"], ["total"], keepdims=0)],
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4]),
             helper.make_tensor_value_info("total", TensorProto.FLOAT, [])],
            [numpy_helper.from_array(cls.w, "w")], cls.dir.name, "mlp")

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_metadata(self):
        with quantc.load(self.library) as model:
            self.assertEqual(model.inputs, [quantc.TensorInfo("x", np.float32, (None, 6))])
            self.assertEqual([t.name for t in model.outputs], ["y", "total"])
            self.assertEqual(model.outputs[1].shape, ())

    def test_run_dynamic_batch(self):
        with quantc.load(self.library) as model:
            for batch in (1, 3, 7):
                x = np.random.default_rng(batch).uniform(-1, 1, (batch, 6)).astype(np.float32)
                out = model.run({"x": x})
                expected = np.maximum(x.astype(np.float64) @ self.w, 0)
                self.assertEqual(out["y"].shape, (batch, 4))
                np.testing.assert_allclose(out["y"], expected, rtol=1e-5, atol=1e-6)
                np.testing.assert_allclose(out["total"], expected.sum(), rtol=1e-5)

    def test_errors_are_exceptions(self):
        with quantc.load(self.library) as model:
            with self.assertRaisesRegex(quantc.QuantcError,
                                        r"input 'x' has shape \[2, 5\] but the model takes \[\?, 6\]"):
                model.run({"x": np.zeros((2, 5), np.float32)})
            with self.assertRaisesRegex(quantc.QuantcError, "element type float64"):
                model.run({"x": np.zeros((2, 6))})
            with self.assertRaisesRegex(quantc.QuantcError, "no input named 'z'"):
                model.run({"z": np.zeros((2, 6), np.float32)})
        with self.assertRaisesRegex(quantc.QuantcError, "cannot load"):
            quantc.load("/nonexistent/libnothing.so")

    def test_prefix_matches_the_compiler(self):
        # quantc compile drops the last extension and a leading "lib".
        self.assertEqual(quantc.model.model_prefix("/x/libcnn.so"), "cnn")
        self.assertEqual(quantc.model.model_prefix("/x/libmy-model.v2.so"), "my_model_v2")
        self.assertEqual(quantc.model.model_prefix("/x/3d.so"), "_3d")

    def test_outputs_own_their_buffers(self):
        # The library hands its result buffers over without a copy where it
        # owns them alone and copies the others: an output that is the
        # input, two outputs of one value, a value both an output and the
        # input of another. Each array stays valid and unchanged after
        # further runs and after the model is closed.
        with tempfile.TemporaryDirectory() as directory:
            library = compile_model(
                [helper.make_node("Identity", ["x"], ["same"]),
                 helper.make_node("Identity", ["x"], ["same2"]),
                 helper.make_node("Add", ["x", "x"], ["twice"]),
                 helper.make_node("Identity", ["twice"], ["twice2"]),
                 helper.make_node("Neg", ["twice"], ["minus"])],
                [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
                [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 3])
                 for n in ("same", "same2", "twice", "twice2", "minus")],
                [], directory, "alias")
            runs = []
            with quantc.load(library) as model:
                for batch in (2, 5, 2, 0):
                    x = np.arange(batch * 3, dtype=np.float32).reshape(batch, 3) + batch
                    runs.append((x.copy(), model.run({"x": x})))
                    x[...] = -1  # the outputs are not views of the input
            for x, out in runs:
                np.testing.assert_array_equal(out["same"], x)
                np.testing.assert_array_equal(out["same2"], x)
                np.testing.assert_array_equal(out["twice"], 2 * x)
                np.testing.assert_array_equal(out["twice2"], 2 * x)
                np.testing.assert_array_equal(out["minus"], -2 * x)
                self.assertTrue(out["minus"].flags["WRITEABLE"])
            out = runs[0][1]
            out["twice"][...] = 7  # writable, and shared with no other output
            np.testing.assert_array_equal(out["twice2"], 2 * runs[0][0])

    def test_external_weights(self):
        with tempfile.TemporaryDirectory() as directory:
            library = compile_model(
                [helper.make_node("MatMul", ["x", "w"], ["y"])],
                [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6])],
                [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])],
                [numpy_helper.from_array(self.w, "w")], directory, "ext",
                ["--weights=external"])
            x = np.random.default_rng(9).uniform(-1, 1, (3, 6)).astype(np.float32)
            with quantc.load(library) as model:
                np.testing.assert_allclose(model.run({"x": x})["y"],
                                           x.astype(np.float64) @ self.w,
                                           rtol=1e-5, atol=1e-6)
            os.remove(os.path.join(directory, "ext.weights"))
            with self.assertRaisesRegex(quantc.QuantcError,
                                        "cannot open the weights file .*ext.weights"):
                quantc.load(library)


if __name__ == "__main__":
    unittest.main()
