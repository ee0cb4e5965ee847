"""Checks the integer forms of activations, adds, subs, muls, average
pools, global average pools, softmax and layer norm (quantc compile --integer-only) bit for bit against the rules
of docs/numerics.md, written here again in numpy and Python integers.

Each model is QuantizeLinear -> DequantizeLinear -> op -> QuantizeLinear ->
DequantizeLinear with constant scales, the QDQ form of a quantized op. The
inputs cover every stored value. For each model the script prints whether
the compiled integer code equals the reference exactly, and how far (in
quantization steps) it is from the float QDQ result (dequantize, the op in
binary32, quantize), which must stay within one step. With --ort, the
models also run in onnxruntime (all graph optimizations, which turn the
QDQ groups into its QLinear kernels), which must agree within one step.

Usage: integer_only_elementwise.py QUANTC WORK_DIR [--ort ORT_DIR]
"""

import argparse
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F32 = np.float32


def round_half_even_div(value, shift):
    """round_half_even(value / 2^shift) of a Python integer."""
    quotient, remainder = divmod(value, 1 << shift)
    twice = 2 * remainder
    if twice > (1 << shift) or (twice == (1 << shift) and quotient % 2 == 1):
        quotient += 1
    return quotient


def fixed_point(m):
    """m as (multiplier, shift): a 31-bit multiplier, rounded half to even."""
    fraction, exponent = math.frexp(m)
    multiplier = round(fraction * 2.0**31)  # round() is half to even
    if multiplier == 1 << 31:
        multiplier, exponent = 1 << 30, exponent + 1
    shift = 31 - exponent
    if shift > 62:
        return 0, 1
    return multiplier, shift


class Params:
    def __init__(self, scale, zero_point, dtype):
        self.scale = F32(scale)
        self.zero_point = int(zero_point)
        self.dtype = dtype
        info = np.iinfo(dtype)
        self.qmin, self.qmax = int(info.min), int(info.max)

    def quantize(self, x):
        """clamp(round_half_even(x / s) + zp) in binary32; NaN to zp."""
        x = np.asarray(x, F32)
        with np.errstate(all="ignore"):
            q = np.rint(x / self.scale).astype(np.float64) + self.zero_point
        q = np.where(np.isnan(q), self.zero_point, q)
        return np.clip(q, self.qmin, self.qmax).astype(np.int64)

    def dequantize(self, q):
        return (np.asarray(q - self.zero_point).astype(F32) * self.scale).astype(F32)


def store(values, out):
    return np.clip(np.asarray(values, np.int64) + out.zero_point, out.qmin, out.qmax)


# The real functions, in binary64.
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def hard_swish(x):
    return x * np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def hard_sigmoid(x):
    return np.clip(float(F32(0.2)) * x + 0.5, 0.0, 1.0)


def leaky_relu(x):
    return np.where(x < 0, float(F32(0.1)) * x, x)


UNARY = [
    ("Sigmoid", {}, sigmoid, (0.06, 131, np.uint8), (1 / 256, 0, np.uint8)),
    ("Tanh", {}, np.tanh, (0.03, -7, np.int8), (1 / 128, 0, np.int8)),
    ("HardSwish", {}, hard_swish, (0.05, 100, np.uint8), (0.03, 20, np.uint8)),
    ("HardSigmoid", {}, hard_sigmoid, (0.05, 0, np.int8), (1 / 255, 0, np.uint8)),
    ("LeakyRelu", {"alpha": 0.1}, leaky_relu, (0.04, 10, np.int8), (0.03, -20, np.int8)),
    ("Exp", {}, np.exp, (0.02, 0, np.int8), (0.1, 0, np.uint8)),
    ("Erf", {}, np.vectorize(math.erf), (0.015, 0, np.int8), (1 / 127, 0, np.int8)),
    ("Relu", {}, lambda x: np.maximum(x, 0.0), (0.05, 3, np.int8), (0.04, -128, np.int8)),
    ("Neg", {}, np.negative, (0.05, -128, np.int8), (0.05, 0, np.int8)),
]

BINARY = [
    ("Add", (0.05, 120, np.uint8), (0.02, -3, np.int8), (0.07, 110, np.uint8)),
    ("Sub", (0.05, 3, np.int8), (0.11, 0, np.int8), (0.1, 0, np.int8)),
    ("Mul", (0.05, 128, np.uint8), (0.02, 5, np.int8), (0.2, -2, np.int8)),
]


def unary_reference(fn, q, inp, out):
    x = inp.dequantize(q).astype(np.float64)
    with np.errstate(all="ignore"):
        y = np.asarray(fn(x)).astype(F32)
    return out.quantize(y)


def binary_reference(op, qa, qb, pa, pb, out):
    da = np.asarray(qa, np.int64) - pa.zero_point
    db = np.asarray(qb, np.int64) - pb.zero_point
    da, db = np.broadcast_arrays(da, db)
    result = np.empty(da.shape, np.int64)
    if op == "Mul":
        multiplier, shift = fixed_point(float(pa.scale) * float(pb.scale) / float(out.scale))
        for i, (x, y) in enumerate(zip(da.flat, db.flat)):
            result.flat[i] = round_half_even_div(int(x) * int(y) * multiplier, shift)
    else:
        ra = float(pa.scale) / float(out.scale)
        rb = float(pb.scale) / float(out.scale)
        shift = min(62, 31 - math.frexp(max(ra, rb))[1])
        ma, mb = round(math.ldexp(ra, shift)), round(math.ldexp(rb, shift))
        if op == "Sub":
            mb = -mb
        for i, (x, y) in enumerate(zip(da.flat, db.flat)):
            result.flat[i] = round_half_even_div(int(x) * ma + int(y) * mb, shift)
    return store(result, out)


def pool_reference(q, inp, out):
    count = q.shape[2] * q.shape[3]
    multiplier, shift = fixed_point(float(inp.scale) / (float(out.scale) * count))
    sums = q.astype(np.int64).sum(axis=(2, 3), keepdims=True) - count * inp.zero_point
    result = np.vectorize(lambda s: round_half_even_div(int(s) * multiplier, shift))(sums)
    return store(result, out)


def softmax_reference(q, inp, out):
    """The integer softmax along the last axis."""
    table = [round(math.ldexp(math.exp(-float(inp.scale) * d), 16)) for d in range(256)]
    multiplier, shift = fixed_point(1.0 / float(out.scale))
    distance = q.max(axis=-1, keepdims=True) - q
    exps = np.vectorize(lambda d: table[int(d)])(distance).astype(np.int64)
    sums = exps.sum(axis=-1, keepdims=True)
    result = np.empty(q.shape, np.int64)
    for index in np.ndindex(q.shape):
        numerator = int(exps[index]) * multiplier
        denominator = int(sums[index[:-1] + (0,)]) << shift
        quotient, remainder = divmod(numerator, denominator)
        if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2):
            quotient += 1
        result[index] = quotient
    return store(result, out)


def layer_norm_plan(gamma, beta, count, epsilon, inp, out):
    """E, k, G and B of the integer layer norm (docs/numerics.md)."""
    sx, sy = float(inp.scale), float(out.scale)
    e = round(float(F32(epsilon)) * count * count / (sx * sx))
    max_gain = max(abs(float(g)) / sy for g in gamma)
    max_offset = max(abs(float(b)) / sy for b in beta)
    gain_bits = math.frexp(max_gain)[1] if max_gain > 0 else 0
    offset_bits = math.frexp(max_offset)[1] if max_offset > 0 else 0
    k = min(24 - gain_bits, 33 - offset_bits, 30)
    gains = [round(math.ldexp(float(g) / sy, k)) for g in gamma]
    offsets = [round(math.ldexp(float(b) / sy, k)) for b in beta]
    return e, k, gains, offsets


def layer_norm_reference(q, gamma, beta, epsilon, inp, out):
    """The integer layer norm over the last axis, in Python integers."""
    count = q.shape[-1]
    e, k, gains, offsets = layer_norm_plan(gamma, beta, count, epsilon, inp, out)
    result = np.empty(q.shape, np.int64)
    for row in np.ndindex(q.shape[:-1]):
        d = [int(v) - inp.zero_point for v in q[row]]
        total = sum(d)
        c = [count * v - total for v in d]
        root = max(math.isqrt((sum(v * v for v in c) // count + e) << 16), 1)
        for i, v in enumerate(c):
            num = (v << 8) * gains[i] + offsets[i] * root
            den = root << k
            quotient, remainder = divmod(num, den)
            if 2 * remainder > den or (2 * remainder == den and quotient % 2):
                quotient += 1
            result[row + (i,)] = quotient
    return store(result, out)


def avg_pool_reference(q, inp, out, kernel, strides, pads):
    """The integer windowed average pool (padding not counted)."""
    multiplier, shift = fixed_point(float(inp.scale) / float(out.scale))
    d = np.asarray(q, np.int64) - inp.zero_point
    n, c, h, w = d.shape
    oh = (h + pads[0] + pads[2] - kernel[0]) // strides[0] + 1
    ow = (w + pads[1] + pads[3] - kernel[1]) // strides[1] + 1
    result = np.empty((n, c, oh, ow), np.int64)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - pads[0], j * strides[1] - pads[1]
            rows = slice(max(r0, 0), min(r0 + kernel[0], h))
            cols = slice(max(c0, 0), min(c0 + kernel[1], w))
            count = (rows.stop - rows.start) * (cols.stop - cols.start)
            sums = d[:, :, rows, cols].sum(axis=(2, 3))
            for index in np.ndindex(n, c):
                num = int(sums[index]) * multiplier
                den = count << shift
                quotient, remainder = divmod(num, den)
                if 2 * remainder > den or (2 * remainder == den and quotient % 2):
                    quotient += 1
                result[index + (i, j)] = quotient
    return store(result, out)


def float_reference(kind, fn, inputs, params, out):
    """Dequantize, the op in binary32, quantize: the float QDQ result."""
    reals = [p.dequantize(q) for q, p in zip(inputs, params)]
    with np.errstate(all="ignore"):
        if kind == "unary":
            y = np.asarray(fn(reals[0].astype(np.float64))).astype(F32)
        elif kind == "Add":
            y = reals[0] + reals[1]
        elif kind == "Sub":
            y = reals[0] - reals[1]
        elif kind == "Mul":
            y = reals[0] * reals[1]
        elif kind == "LayerNorm":
            x = reals[0].astype(np.float64)
            gamma, beta, epsilon = fn
            mean = x.mean(axis=-1, keepdims=True)
            var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
            y = ((x - mean) / np.sqrt(var + float(F32(epsilon))) * gamma + beta).astype(F32)
        elif kind == "AveragePool":
            kernel, strides, pads = fn
            x = reals[0]
            n, c, h, w = x.shape
            oh = (h + pads[0] + pads[2] - kernel[0]) // strides[0] + 1
            ow = (w + pads[1] + pads[3] - kernel[1]) // strides[1] + 1
            y = np.empty((n, c, oh, ow), F32)
            for i in range(oh):
                for j in range(ow):
                    r0, c0 = i * strides[0] - pads[0], j * strides[1] - pads[1]
                    window = x[:, :, max(r0, 0):min(r0 + kernel[0], h),
                               max(c0, 0):min(c0 + kernel[1], w)]
                    y[:, :, i, j] = window.mean(axis=(2, 3), dtype=F32)
        elif kind == "Softmax":
            e = np.exp(reals[0].astype(np.float64) - reals[0].max(axis=-1, keepdims=True))
            y = (e / e.sum(axis=-1, keepdims=True)).astype(F32)
        else:
            y = reals[0].mean(axis=(2, 3), keepdims=True, dtype=F32)
    return out.quantize(y)


class Builder:
    def __init__(self):
        self.nodes, self.inits = [], []

    def qdq(self, name, params, out_name=None):
        s, z = name + "_s", name + "_z"
        self.inits.append(numpy_helper.from_array(np.array(params.scale, F32), s))
        self.inits.append(numpy_helper.from_array(np.array(params.zero_point, params.dtype), z))
        self.nodes.append(helper.make_node("QuantizeLinear", [name, s, z], [name + "_q"]))
        self.nodes.append(helper.make_node("DequantizeLinear", [name + "_q", s, z],
                                           [out_name or name + "_dq"]))
        return out_name or name + "_dq"

    def save(self, path, inputs, output_shape, opset):
        graph = helper.make_graph(
            self.nodes, os.path.basename(path),
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in inputs],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(output_shape))],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)


def covering_input(rng, params, shape):
    """Reals whose quantized values include every stored value."""
    values = np.arange(params.qmin, params.qmax + 1)
    count = int(np.prod(shape))
    stored = np.concatenate([values, rng.integers(params.qmin, params.qmax + 1,
                                                  max(0, count - len(values)))])[:count]
    rng.shuffle(stored)
    # Stored values plus a little noise that rounds back to them, and a few
    # reals beyond the range, which saturate.
    x = params.dequantize(stored.reshape(shape)) + F32(0.3) * params.scale * \
        rng.uniform(-1, 1, shape).astype(F32)
    x.flat[:2] = [1e6, -1e6]
    return x.astype(F32)


def run_ort(ort_dir, path, x, work, name, out_shape):
    source = os.path.join(work, name + ".in")
    x.tofile(source)
    result = os.path.join(work, name + ".ort")
    subprocess.run(["node", os.path.join(os.path.dirname(__file__), "..", "..", "e2e", "Inputs",
                                         "ort_run.js"), ort_dir, path, "x",
                    ",".join(map(str, x.shape)), source, result],
                   check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, ORT_OPTIMIZATION="all"))
    return np.fromfile(result, F32).reshape(out_shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("quantc")
    parser.add_argument("work")
    parser.add_argument("--ort")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(11)
    ok = True
    cases = []
    shape = (1, 4, 8, 9)
    for op, attrs, fn, pin, pout in UNARY:
        inp, out = Params(*pin), Params(*pout)
        b = Builder()
        b.qdq("x", inp)
        b.nodes.append(helper.make_node(op, ["x_dq"], ["r"], **attrs))
        b.qdq("r", out, "y")
        x = covering_input(rng, inp, shape)
        qx = inp.quantize(x)
        expected = unary_reference(fn, qx, inp, out)
        floats = float_reference("unary", fn, [qx], [inp], out)
        cases.append((op, b, x, shape, out, expected, floats, 14))
    for op, pa, pb, pout in BINARY:
        # x - quantized - op with a constant stored operand, broadcast.
        pa, pb, out = Params(*pa), Params(*pb), Params(*pout)
        b = Builder()
        b.qdq("x", pa)
        qb = rng.integers(pb.qmin, pb.qmax + 1, (4, 1, 9))
        b.inits.append(numpy_helper.from_array(qb.astype(pb.dtype), "c_q"))
        b.inits.append(numpy_helper.from_array(np.array(pb.scale, F32), "c_s"))
        b.inits.append(numpy_helper.from_array(np.array(pb.zero_point, pb.dtype), "c_z"))
        b.nodes.append(helper.make_node("DequantizeLinear", ["c_q", "c_s", "c_z"], ["c_dq"]))
        b.nodes.append(helper.make_node(op, ["x_dq", "c_dq"], ["r"]))
        b.qdq("r", out, "y")
        x = covering_input(rng, pa, shape)
        qa = pa.quantize(x)
        expected = binary_reference(op, qa, qb, pa, pb, out)
        floats = float_reference(op, None, [qa, qb], [pa, pb], out)
        cases.append((op, b, x, shape, out, expected, floats, 14))
    inp, out = Params(0.05, 7, np.uint8), Params(0.01, 100, np.uint8)
    b = Builder()
    b.qdq("x", inp)
    b.nodes.append(helper.make_node("GlobalAveragePool", ["x_dq"], ["r"]))
    b.qdq("r", out, "y")
    x = covering_input(rng, inp, (2, 8, 7, 7))
    qx = inp.quantize(x)
    cases.append(("GlobalAveragePool", b, x, (2, 8, 1, 1), out,
                  pool_reference(qx, inp, out),
                  float_reference("pool", None, [qx], [inp], out), 14))

    inp, out = Params(0.05, 7, np.uint8), Params(0.04, 10, np.uint8)
    kernel, strides, pads = (3, 3), (2, 2), (1, 1, 1, 1)
    b = Builder()
    b.qdq("x", inp)
    b.nodes.append(helper.make_node("AveragePool", ["x_dq"], ["r"], kernel_shape=list(kernel),
                                    strides=list(strides), pads=list(pads)))
    b.qdq("r", out, "y")
    x = covering_input(rng, inp, shape)
    qx = inp.quantize(x)
    cases.append(("AveragePool", b, x, (1, 4, 4, 5), out,
                  avg_pool_reference(qx, inp, out, kernel, strides, pads),
                  float_reference("AveragePool", (kernel, strides, pads), [qx], [inp], out),
                  14))

    inp, out = Params(0.1, 128, np.uint8), Params(1 / 256, 0, np.uint8)
    b = Builder()
    b.qdq("x", inp)
    b.nodes.append(helper.make_node("Softmax", ["x_dq"], ["r"], axis=-1))
    b.qdq("r", out, "y")
    x = covering_input(rng, inp, shape)
    qx = inp.quantize(x)
    cases.append(("Softmax", b, x, shape, out, softmax_reference(qx, inp, out),
                  float_reference("Softmax", None, [qx], [inp], out), 14))

    inp, out = Params(0.05, 120, np.uint8), Params(0.03, 0, np.int8)
    gamma = rng.uniform(0.5, 1.5, shape[-1]).astype(F32)
    beta = rng.uniform(-0.5, 0.5, shape[-1]).astype(F32)
    epsilon = 1e-5
    b = Builder()
    b.qdq("x", inp)
    b.inits.append(numpy_helper.from_array(gamma, "gamma"))
    b.inits.append(numpy_helper.from_array(beta, "beta"))
    b.nodes.append(helper.make_node("LayerNormalization", ["x_dq", "gamma", "beta"], ["r"],
                                    axis=-1, epsilon=epsilon))
    b.qdq("r", out, "y")
    x = covering_input(rng, inp, shape)
    qx = inp.quantize(x)
    cases.append(("LayerNormalization", b, x, shape, out,
                  layer_norm_reference(qx, gamma, beta, epsilon, inp, out),
                  float_reference("LayerNorm", (gamma.astype(np.float64), beta.astype(np.float64),
                                                epsilon), [qx], [inp], out), 17))

    for op, b, x, out_shape, out, expected, floats, opset in cases:
        path = os.path.join(args.work, op + ".onnx")
        b.save(path, [("x", x.shape)], out_shape, opset)
        library = os.path.join(args.work, f"lib{op.lower()}.so")
        result = subprocess.run([args.quantc, "compile", path, "--integer-only", "-o", library],
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(f"{op}: compile failed: {result.stderr.strip()}")
            ok = False
            continue
        with quantc.load(library) as compiled:
            actual = compiled.run({"x": x})["y"]
        stored = out.quantize(actual)
        exact = np.array_equal(out.dequantize(stored), actual) and \
            np.array_equal(stored, np.broadcast_to(expected, stored.shape))
        steps = int(np.abs(stored - floats).max())
        line = f"{op}: {'exact' if exact else 'DIFFERENT'}, {stored.size} values, " \
               f"max {steps} step(s) from float"
        ok = ok and exact and steps <= 1
        if not exact:
            wrong = stored != np.broadcast_to(expected, stored.shape)
            print(f"{op}: compiled {stored[wrong][:5]}, rules {np.broadcast_to(expected, stored.shape)[wrong][:5]}")
        if args.ort:
            reference = run_ort(args.ort, path, x, args.work, op, out_shape)
            ort_steps = int(np.abs(stored - out.quantize(reference)).max())
            line += f", max {ort_steps} from onnxruntime"
            ok = ok and ort_steps <= 1
        print(line)
    print("ALL OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
