"""Compiles examples/tiny-gpt's decoder once (dynamic sequence and cache
lengths) and checks it against what PyTorch computed when it was trained
(reference.npz): the logits of a prefill and of one decode step on its
cache, the 50 bytes of greedy generation through quantc generate, and the
perplexity of the held-out text.

Usage: check_tiny_gpt.py QUANTC EXAMPLE_DIR WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
import quantc  # noqa: E402
from quantc import llm  # noqa: E402


def close(got, want):
    """Within 1e-4 of the largest logit."""
    return bool(np.abs(got - want).max() <= 1e-4 * np.abs(want).max())


def main():
    quantc_bin, example, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    reference = np.load(os.path.join(example, "reference.npz"))
    library = os.path.join(work, "libtiny_gpt.so")
    subprocess.run([quantc_bin, "compile", os.path.join(example, "tiny_gpt.onnx"),
                    "-o", library], check=True)
    with quantc.load(library) as model:
        decoder = llm.Decoder(model)
        logits, cache = decoder.run(reference["prompt"][0], decoder.empty_cache())
        print("prefill:", "MATCH" if close(logits, reference["prefill_logits"][0]) else "DIFFER")
        logits, cache = decoder.run(reference["step"][0], cache)
        print("step:", "MATCH" if close(logits, reference["step_logits"][0]) else "DIFFER",
              "cache", cache["past_key_0"].shape)
        heldout = open(os.path.join(example, "heldout.txt"), "rb").read()
        value = llm.perplexity(model, heldout)
    want = float(reference["heldout_perplexity"])
    print(f"perplexity: {'MATCH' if abs(value / want - 1) < 1e-5 else 'DIFFER'} "
          f"({value:.4f}, PyTorch {want:.4f})")
    prompt = bytes(reference["prompt"][0].tolist())
    text = subprocess.run([quantc_bin, "generate", library, "--prompt", prompt,
                           "--max-tokens", "50"], capture_output=True, check=True).stdout
    expected = prompt + bytes(reference["greedy"].tolist()) + b"\n"
    print("greedy:", "SAME" if text == expected else f"DIFFERENT: {text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
