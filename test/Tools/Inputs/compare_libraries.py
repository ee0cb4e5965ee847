"""Runs two compiled libraries of one model on the same random images and
says whether their outputs are identical and the second is smaller."""
import os
import sys

import numpy as np

import quantc

speed, size = sys.argv[1:3]
x = np.random.default_rng(1).uniform(0, 1, (1, 1, 28, 28)).astype(np.float32)
with quantc.load(speed) as a, quantc.load(size) as b:
    same = all(np.array_equal(a.run({"image": x * k})[name], b.run({"image": x * k})[name])
               for k in [1.0, 0.5, 2.0] for name in a.run({"image": x}))
print("outputs:", "identical" if same else "DIFFERENT")
bytes_a, bytes_b = os.path.getsize(speed), os.path.getsize(size)
print("code:", "smaller" if bytes_b < bytes_a else "NOT SMALLER", bytes_a, bytes_b)
