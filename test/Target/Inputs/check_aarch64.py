"""Compiles a real model quantized to int8 (static, per channel, calibrated on
real data) for this machine and for AArch64, runs the x86-64 library here
and the AArch64 ones under qemu-aarch64 on the same real inputs, and checks
that every output is the same, bit for bit.

The x86-64 library runs the AVX-512 VNNI kernels where the CPU has them.
The AArch64 libraries run on qemu's Cortex-A76 (dotprod: the sdot matmul,
and with QUANTC_KERNELS=generic the portable kernels) and on its `max` CPU
(i8mm: the usdot matmul); each run must report the kernels it expects.
Their outputs are binary32, and equal bits mean equal integers before the
float epilogue too.

usage: check_aarch64.py BIN_DIR QEMU WORK_DIR fashion-mnist MODEL [--integer-only]
       check_aarch64.py BIN_DIR QEMU WORK_DIR paddleocr-cls MODEL IMAGES_DIR [--integer-only]

With --integer-only every library is compiled with quantc compile
--integer-only (fixed-point requantization, no float inside the graph).
"""

import os
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
from quantc import fashion_mnist  # noqa: E402
from quantc.paddleocr import line_input, strips  # noqa: E402

TARGETS = ["aarch64+dotprod", "aarch64+i8mm"]
# The AArch64 runs: target, qemu's CPU, QUANTC_KERNELS, and the instruction
# set the runtime must then pick for its int8 kernels.
RUNS = [
    ("aarch64+dotprod", "cortex-a76", None, "neon-dotprod"),
    ("aarch64+dotprod", "cortex-a76", "generic", "generic"),
    ("aarch64+i8mm", "max", None, "neon-i8mm"),
]


def fashion_data():
    """Calibration: 200 training images; inputs: 3 batches of 8 test images."""
    train, _ = fashion_mnist.load("train")
    test, _ = fashion_mnist.load("test")
    calibration = [fashion_mnist.normalize(train[i:i + 1]) for i in range(200)]
    inputs = [fashion_mnist.normalize(test[i * 8:(i + 1) * 8]) for i in range(3)]
    return "image", calibration, inputs, "image=8,1,28,28", "image=1,1,28,28"


def cls_data(images_dir):
    """Calibration: line-high strips of two real scans; inputs: strips of a
    third."""
    def crops(name, height, step):
        image = Image.open(os.path.join(images_dir, name)).convert("RGB")
        return [line_input(c, 192) for c in strips(image, height, step)]
    calibration = crops("imageTextR.png", 26, 13) + crops("text_motion.jpg", 40, 20)
    inputs = crops("text_defocus.jpg", 40, 40)[:3]
    return "x", calibration, inputs, "x=1,3,48,192", "x=1,3,48,192"


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return result


def main():
    args = [a for a in sys.argv[1:] if a != "--integer-only"]
    integer_only = len(args) != len(sys.argv) - 1
    bin_dir, qemu, work, which, model = args[:5]
    quantc = os.path.join(bin_dir, "quantc")
    os.makedirs(work, exist_ok=True)
    if which == "fashion-mnist":
        name, calibration, inputs, shape, calibration_shape = fashion_data()
    else:
        name, calibration, inputs, shape, calibration_shape = cls_data(args[5])

    samples = os.path.join(work, "calibration")
    os.makedirs(samples, exist_ok=True)
    for i, x in enumerate(calibration):
        np.save(os.path.join(samples, f"sample{i:03}.npy"), x)
    stats = os.path.join(work, "stats.json")
    run([quantc, "calibrate", model, "--input-shape", calibration_shape, "--data",
         samples, "-o", stats])
    options = ["--quantize", "static", "--per-channel", "--calibration", stats,
               "--input-shape", shape] + (["--integer-only"] if integer_only else [])

    libraries = {}
    for target in ["native"] + TARGETS:
        library = os.path.join(work, f"lib{which}-{target.replace('+', '-')}.so")
        run([quantc, "compile", model, "-o", library, "--target", target] + options)
        libraries[target] = library
    kind = run(["file", "-b", libraries[TARGETS[0]]]).stdout
    assert "aarch64" in kind, kind

    runner = os.path.join(bin_dir, "quantc-runner")
    runner_arm = os.path.join(bin_dir, "quantc-runner-aarch64")
    for index, x in enumerate(inputs):
        path = os.path.join(work, f"input{index}.npy")
        np.save(path, x)

        def outputs_of(command, out_dir, kernels=None, want=None):
            os.makedirs(out_dir, exist_ok=True)
            env = dict(os.environ)
            env.pop("QUANTC_KERNELS", None)
            if kernels:
                env["QUANTC_KERNELS"] = kernels
            printed = run(command + ["-o", out_dir, path], env=env).stdout.splitlines()[0]
            if want and printed != f"kernels: {want}":
                sys.exit(f"{which}: expected the {want} kernels, the run says '{printed}'")
            return np.load(os.path.join(out_dir, "output_0.npy"))

        native = outputs_of([runner, libraries["native"]], os.path.join(work, f"out{index}"))
        assert native.dtype == np.float32 and np.isfinite(native).all()
        for target, cpu, kernels, want in RUNS:
            name = f"{target} on {cpu}, {want} kernels"
            out = outputs_of([qemu, "-cpu", cpu, "-L", "/usr/aarch64-linux-gnu", runner_arm,
                              libraries[target]],
                             os.path.join(work, f"out{index}-{cpu}-{want}"), kernels, want)
            if not np.array_equal(native.view(np.uint32), out.view(np.uint32)):
                diff = np.abs(native - out).max()
                sys.exit(f"{which} input {index}: {name} differs from x86-64 "
                         f"(max difference {diff})")
    runs = "; ".join(f"{t} on {c}, {w} kernels" for t, c, _, w in RUNS)
    path = "integer-only" if integer_only else "default"
    print(f"{which} ({path}): {len(inputs)} inputs, outputs identical to x86-64 bit for bit: "
          f"{runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
