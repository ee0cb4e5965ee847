"""Runs the five lines of docs/user-guide.md that compile the Fashion-MNIST
CNN from Python, exactly as the guide shows them, from the checkout's root
(skipped without QUANTC_BIN or Debian's dataset-fashion-mnist)."""

import contextlib
import io
import os
import re
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
GUIDE = os.path.join(ROOT, "docs", "user-guide.md")
DATASET = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def guide_lines():
    text = open(GUIDE, encoding="utf-8").read()
    block = re.search(r"<!-- five lines: begin -->\n```python\n(.*?)```\n<!-- five lines: end -->",
                      text, re.S)
    return block.group(1).splitlines()


@unittest.skipUnless(os.environ.get("QUANTC_BIN") and os.path.exists(DATASET),
                     "needs QUANTC_BIN and dataset-fashion-mnist")
class UserGuideTest(unittest.TestCase):
    def test_five_lines_compile_and_score_the_cnn(self):
        lines = guide_lines()
        self.assertEqual(len(lines), 5)
        output = io.StringIO()
        previous = os.getcwd()
        os.chdir(ROOT)
        try:
            with contextlib.redirect_stdout(output):
                exec("\n".join(lines), {})
        finally:
            os.chdir(previous)
        accuracy = float(output.getvalue().strip())
        # The int8 model's test accuracy; float's is about 0.91.
        self.assertGreater(accuracy, 0.88)


if __name__ == "__main__":
    unittest.main()
