"""Tests of quantc.compile with the quantc under test (QUANTC_BIN, which
scripts/run-checks.sh sets; skipped without it)."""

import os
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc
from quantc import fashion_mnist

QUANTC = os.environ.get("QUANTC_BIN")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
F = np.float32


def mlp(rng):
    """x [4, 16] -> MatMul -> Relu -> MatMul -> y [4, 3], and its weights."""
    w1 = rng.normal(0, 0.5, (16, 32)).astype(F)
    w2 = rng.normal(0, 0.5, (32, 3)).astype(F)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"),
         helper.make_node("Relu", ["h"], ["r"], name="act"),
         helper.make_node("MatMul", ["r", "w2"], ["y"], name="fc2")],
        "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 3])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    return model, lambda x: np.maximum(x @ w1, 0) @ w2


@unittest.skipUnless(QUANTC, "QUANTC_BIN is not set")
class CompileTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(7)
        self.model, self.reference = mlp(self.rng)

    def test_float(self):
        with quantc.compile(self.model) as m:
            self.assertEqual([t.name for t in m.inputs], ["x"])
            self.assertEqual(m.outputs[0].shape, (4, 3))
            x = self.rng.normal(0, 1, (4, 16)).astype(F)
            np.testing.assert_allclose(m.run({"x": x})["y"], self.reference(x),
                                       rtol=1e-5, atol=1e-5)

    def test_benchmark(self):
        with quantc.compile(self.model) as m:
            times = m.benchmark(runs=5)
            self.assertEqual(times["runs"], 5)
            self.assertGreater(times["median_ms"], 0.0)
            self.assertLessEqual(times["min_ms"], times["median_ms"])
            with self.assertRaises(quantc.QuantcError):
                m.benchmark(runs=0)

    def test_static_with_samples(self):
        samples = [{"x": self.rng.normal(0, 1, (4, 16)).astype(F)} for _ in range(8)]
        with quantc.compile(self.model, quantize="static", calibration=samples) as m:
            x = self.rng.normal(0, 1, (4, 16)).astype(F)
            want = self.reference(x)
            error = np.abs(m.run({"x": x})["y"] - want).max() / np.abs(want).max()
            self.assertLess(error, 0.05)
            self.assertGreater(error, 0.0)  # quantized, not float

    def test_dynamic_int4(self):
        with quantc.compile(self.model, quantize="dynamic", bits=4, group_size=8) as m:
            x = self.rng.normal(0, 1, (4, 16)).astype(F)
            want = self.reference(x)
            error = np.abs(m.run({"x": x})["y"] - want).max() / np.abs(want).max()
            self.assertLess(error, 0.3)

    def test_quantized_embeddings_bit_for_bit(self):
        # docs/numerics.md, "Embedding tables": each row s8 with its own
        # scale, the gathered rows dequantized in binary32.
        table = self.rng.normal(0, 0.7, (50, 24)).astype(F)
        table[3] = 0  # an all-zero row: scale 1
        table[4, 5] = 100.0  # one large value sets its row's scale
        graph = helper.make_graph(
            [helper.make_node("Gather", ["table", "ids"], ["vectors"], name="wte")],
            "embed", [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, "S"])],
            [helper.make_tensor_value_info("vectors", TensorProto.FLOAT, [1, "S", 24])],
            [numpy_helper.from_array(table, "table")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        amax = np.abs(table).max(axis=1)
        scale = np.where(amax < 2.0 ** -64, F(1), (amax + amax) / F(254)).astype(F)
        q = np.clip(np.round(table / scale[:, None]), -127, 127)
        dequantized = (q.astype(F) * scale[:, None]).astype(F)
        ids = np.array([[3, 4, 0, 49, 4, 17]], np.int64)
        with quantc.compile(model, quantize="dynamic",
                            extra_options=["--quantize-embeddings"]) as m:
            got = m.run({"ids": ids})["vectors"]
        np.testing.assert_array_equal(got, dequantized[ids])
        self.assertFalse(np.array_equal(got, table[ids]))  # quantized, not float
        with self.assertRaisesRegex(quantc.QuantcError, "needs --quantize"):
            quantc.compile(model, extra_options=["--quantize-embeddings"])

    def test_compiler_errors_are_exceptions(self):
        bad = helper.make_model(helper.make_graph(
            [helper.make_node("MatMul", ["x", "w"], ["y"], name="broken")], "bad",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 3])],
            [numpy_helper.from_array(np.zeros((5, 3), F), "w")]),
            opset_imports=[helper.make_opsetid("", 13)])
        with self.assertRaises(quantc.QuantcError) as caught:
            quantc.compile(bad)
        self.assertIn("broken", str(caught.exception))
        with self.assertRaises(quantc.QuantcError):
            quantc.compile(self.model, quantize="int3")
        with self.assertRaises(quantc.QuantcError) as caught:
            quantc.compile(self.model, quantize="static", calibration=[])
        self.assertIn("empty", str(caught.exception))
        with self.assertRaises(quantc.QuantcError) as caught:
            quantc.compile(self.model, quantize="static", calibration=[{"input": 0}])
        self.assertIn("no input named 'input'", str(caught.exception))

    def test_save(self):
        with tempfile.TemporaryDirectory() as folder, \
                quantc.compile(self.model, extra_options=["--weights=external"]) as m:
            path = m.save(os.path.join(folder, "libmodel.so"))
            self.assertTrue(os.path.exists(os.path.join(folder, "model.h")))
            self.assertTrue(os.path.exists(os.path.join(folder, "model.weights")))
            x = self.rng.normal(0, 1, (4, 16)).astype(F)
            with quantc.load(path) as saved:
                np.testing.assert_array_equal(saved.run({"x": x})["y"], m.run({"x": x})["y"])
            with self.assertRaises(quantc.QuantcError):
                m.save(os.path.join(folder, "libother.so"))

    @unittest.skipUnless(fashion_mnist.available(), "dataset-fashion-mnist is not installed")
    def test_fashion_mnist(self):
        # Compiling the Fashion-MNIST CNN from Python: real images to
        # calibrate on, static int8, then classifying others.
        images, labels = fashion_mnist.load("test")
        x = fashion_mnist.normalize(images[:500])
        samples = [{"image": x[i:i + 1]} for i in range(0, 200, 10)]
        model = quantc.compile(os.path.join(ROOT, "examples/fashion-mnist/fashion_mnist_cnn.onnx"),
                               quantize="static", calibration=samples)
        logits = [model.run({"image": x[i:i + 1]})["logits"] for i in range(300, 500)]
        accuracy = np.mean([y.argmax() == labels[300 + i] for i, y in enumerate(logits)])
        self.assertGreater(accuracy, 0.8)
        model.close()


if __name__ == "__main__":
    unittest.main()
