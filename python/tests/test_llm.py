"""Tests of quantc.llm with the quantc under test (QUANTC_BIN; skipped
without it), on a bigram decoder whose logits are a table's row for each
token and whose cache keeps every token it saw, so generation and
perplexity have exact numpy references."""

import math
import os
import subprocess
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc
from quantc import llm

QUANTC = os.environ.get("QUANTC_BIN")


def bigram_model(table):
    """tokens [1, S] -> logits [1, S, 256] = table[tokens]; the cache
    past_key_0 [1, 1, P, 1] comes back with the tokens appended."""
    nodes = [
        helper.make_node("Gather", ["table", "tokens"], ["logits"], name="logits"),
        helper.make_node("Cast", ["tokens"], ["t"], to=TensorProto.FLOAT, name="cast"),
        helper.make_node("Reshape", ["t", "shape4"], ["t4"], name="reshape"),
        helper.make_node("Concat", ["past_key_0", "t4"], ["present_key_0"], axis=2,
                         name="append"),
    ]
    graph = helper.make_graph(
        nodes, "bigram",
        [helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "S"]),
         helper.make_tensor_value_info("past_key_0", TensorProto.FLOAT, [1, 1, "P", 1])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "S", 256]),
         helper.make_tensor_value_info("present_key_0", TensorProto.FLOAT, [1, 1, "T", 1])],
        [numpy_helper.from_array(table, "table"),
         numpy_helper.from_array(np.array([1, 1, -1, 1], np.int64), "shape4")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@unittest.skipUnless(QUANTC, "QUANTC_BIN is not set")
class LlmTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(3)
        cls.table = rng.normal(0, 2, (256, 256)).astype(np.float32)
        path = os.path.join(cls.dir.name, "bigram.onnx")
        onnx.save(bigram_model(cls.table), path)
        cls.library = os.path.join(cls.dir.name, "libbigram.so")
        subprocess.run([QUANTC, "compile", path, "-o", cls.library], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_greedy_follows_the_table(self):
        with quantc.load(self.library) as model:
            text, stats = llm.generate(model, b"ab", 20)
        expected, last = [], ord("b")
        for _ in range(20):
            last = int(np.argmax(self.table[last]))
            expected.append(last)
        self.assertEqual(text, bytes(expected))
        self.assertEqual(stats["prefill_tokens"], 2)
        self.assertEqual(stats["decode_tokens"], 19)

    def test_top_k_matches_quantc_generate(self):
        with quantc.load(self.library) as model:
            for k, seed, context in [(3, 1, 128), (40, 9, 8)]:
                text, _ = llm.generate(model, "ab", 30, top_k=k, seed=seed, context=context,
                                       temperature=0.7)
                cli = subprocess.run(
                    [QUANTC, "generate", self.library, "--prompt", "ab", "--max-tokens", "30",
                     "--top-k", str(k), "--seed", str(seed), "--context", str(context),
                     "--temperature", "0.7"], capture_output=True, check=True).stdout
                self.assertEqual(cli, b"ab" + text + b"\n")

    def test_perplexity_matches_numpy(self):
        text = bytes(np.random.default_rng(5).integers(32, 127, 1000).astype(np.uint8))
        with quantc.load(self.library) as model:
            got = llm.perplexity(model, text, context=16)
        data = np.frombuffer(text, np.uint8)
        total, count = 0.0, 0
        for start in range(0, len(data) - 17, 8):
            window = data[start:start + 17]
            for i in range(8, 16):
                row = self.table[window[i]].astype(np.float64)
                total += math.log(np.exp(row - row.max()).sum()) + row.max() - row[window[i + 1]]
                count += 1
        self.assertAlmostEqual(got, math.exp(total / count), places=4)

    def test_a_model_without_the_interface_is_refused(self):
        graph = helper.make_graph(
            [helper.make_node("Relu", ["x"], ["y"])], "plain",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
        path = os.path.join(self.dir.name, "plain.onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
        library = os.path.join(self.dir.name, "libplain.so")
        subprocess.run([QUANTC, "compile", path, "-o", library], check=True)
        with quantc.load(library) as model:
            with self.assertRaisesRegex(quantc.QuantcError, "exactly one integer input"):
                llm.generate(model, "a", 5)
        graph = helper.make_graph(
            [helper.make_node("Gather", ["table", "tokens"], ["logits"])], "nocache",
            [helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "S"])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "S", 256])],
            [numpy_helper.from_array(self.table, "table")])
        path = os.path.join(self.dir.name, "nocache.onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
        library = os.path.join(self.dir.name, "libnocache.so")
        subprocess.run([QUANTC, "compile", path, "-o", library], check=True)
        with quantc.load(library) as model:
            with self.assertRaisesRegex(quantc.QuantcError, "no cache input"):
                llm.generate(model, "a", 5)
        with quantc.load(self.library) as model:
            with self.assertRaisesRegex(quantc.QuantcError, "the prompt is empty"):
                llm.generate(model, "", 5)


if __name__ == "__main__":
    unittest.main()
