"""Runs the model of computed-shapes.test on inputs of several shapes and
compares each output with numpy. Usage: run_computed_shapes.py LIB.so"""

import sys

import numpy as np

import quantc


def main():
    ok = True
    with quantc.load(sys.argv[1]) as model:
        for n, w in ((2, 5), (1, 7)):
            x = np.random.default_rng(n * 10 + w).uniform(-9, 9, (n, 3, w)).astype(np.float32)
            out = model.run({"x": x})
            expected = {"flat": x.reshape(n, -1), "swapped": x.reshape(n, w, 3),
                        "ints": x.astype(np.int32)}
            same = all(out[k].shape == v.shape and np.array_equal(out[k], v)
                       for k, v in expected.items())
            ok &= same
            shapes = ", ".join(f"{k} {list(out[k].shape)}" for k in expected)
            print(f"{n}x3x{w}: {shapes}: {'MATCH' if same else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
