"""Tests of quantc.analyze, quantc.plan, quantc.report and quantc.calibrate
with the quantc under test (QUANTC_BIN; skipped without it), on a small
MLP classifier: every score a user metric gets in the analysis is the score
of the library compiled with that configuration, and a plan under a metric
budget keeps it when compiled."""

import json
import os
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

QUANTC = os.environ.get("QUANTC_BIN")


def mlp(rng):
    w1 = rng.normal(0, 0.3, (16, 32)).astype(np.float32)
    w2 = rng.normal(0, 0.2, (32, 32)).astype(np.float32)
    w2[3, :] *= 8
    w3 = rng.normal(0, 0.3, (32, 10)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h1"], name="fc1"),
             helper.make_node("Relu", ["h1"], ["r1"], name="relu1"),
             helper.make_node("MatMul", ["r1", "w2"], ["h2"], name="fc2"),
             helper.make_node("MatMul", ["h2", "w3"], ["y"], name="head")]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 10])],
        [numpy_helper.from_array(w, n) for w, n in [(w1, "w1"), (w2, "w2"), (w3, "w3")]])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def agreement(outputs, reference):
    """The share of rows whose argmax agrees with the reference's."""
    same = [np.mean(o["y"].argmax(-1) == r["y"].argmax(-1)) for o, r in zip(outputs, reference)]
    return float(np.mean(same))


@unittest.skipUnless(QUANTC, "set QUANTC_BIN to the quantc under test")
class AnalysisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(11)
        cls.model = os.path.join(cls.work.name, "mlp.onnx")
        onnx.save(mlp(rng), cls.model)
        cls.calibration = [{"x": rng.normal(0, 1, (64, 16)).astype(np.float32)}
                           for _ in range(6)]
        cls.heldout = [{"x": rng.normal(0, 1, (64, 16)).astype(np.float32)}
                       for _ in range(4)]

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def score(self, plan_layers, default):
        path = os.path.join(self.work.name, "check-plan.json")
        with open(path, "w") as f:
            json.dump({"default": default, "layers": plan_layers}, f)
        reference = quantc.compile(self.model)
        library = quantc.compile(self.model, "static", calibration=self.calibration,
                                 precision_plan=path)
        with reference, library:
            return agreement([library.run(s) for s in self.heldout],
                             [reference.run(s) for s in self.heldout])

    def test_metric_scores_are_the_compiled_configurations(self):
        result = quantc.analyze(self.model, calibration=self.calibration, data=self.heldout,
                                metric=agreement)
        self.assertEqual([l["node"] for l in result.layers], ["fc1", "fc2", "head"])
        self.assertEqual(result.metric["float"], 1.0)
        for node in ["fc1", "head"]:
            for precision in ["int8", "int4"]:
                self.assertAlmostEqual(
                    result.metric["layers"][node]["alone"][precision],
                    self.score([{"node": node, "precision": precision}], "fp32"))
        self.assertAlmostEqual(result.metric["uniform"]["int4"], self.score([], "int4"))
        self.assertAlmostEqual(result.metric["layers"]["fc2"]["all_but_this"],
                               self.score([{"node": "fc2", "precision": "fp32"}], "int8"))
        self.assertEqual(result.most_sensitive("int4", 1)[0]["node"],
                         min(result.layers,
                             key=lambda l: l["alone"]["int4"]["sqnr_db"])["node"])

    def test_plan_under_a_metric_budget_holds_when_compiled(self):
        output = os.path.join(self.work.name, "drop")
        result = quantc.analyze(self.model, calibration=self.calibration, data=self.heldout,
                                metric=agreement, max_metric_drop=0.02, output_dir=output)
        self.assertEqual(result.plan_path, os.path.join(output, "plan.json"))
        self.assertLessEqual(result.plan["measured_metric_drop"], 0.02)
        uniform_int4_drop = 1.0 - result.metric["uniform"]["int4"]
        self.assertGreater(uniform_int4_drop, 0.02)  # so the plan has to choose
        layers = [{"node": l["node"], "precision": l["precision"]}
                  for l in result.plan["layers"]]
        self.assertAlmostEqual(1.0 - self.score(layers, "fp32"),
                               result.plan["measured_metric_drop"])

    def test_plan_report_and_calibrate(self):
        result = quantc.analyze(self.model, calibration=self.calibration, data=self.heldout,
                                min_sqnr=20)
        self.assertGreaterEqual(result.plan["measured_sqnr_db"], 20)
        again = quantc.plan(result, 20)
        self.assertEqual([l["precision"] for l in again["layers"]],
                         [l["precision"] for l in result.plan["layers"]])
        html = os.path.join(self.work.name, "report.html")
        summary = quantc.report(self.model, result, self.calibration, html,
                                precision_plan=result.plan_path)
        self.assertIn("output SQNR predicted", summary)
        with open(html) as f:
            self.assertIn('<table id="layers">', f.read())
        stats = quantc.calibrate(self.model, self.calibration)
        self.assertIn("input:x", stats["tensors"])
        with self.assertRaisesRegex(quantc.QuantcError, "max_metric_drop needs a metric"):
            quantc.analyze(self.model, calibration=self.calibration, max_metric_drop=0.1)
        with self.assertRaisesRegex(quantc.QuantcError, "no plan reaches"):
            quantc.plan(result, 200, plan_precisions=["int8", "int4"])


if __name__ == "__main__":
    unittest.main()
