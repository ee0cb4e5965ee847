"""Runs qnn ops through convert-qnn-to-linalg and upstream MLIR's CPU
pipeline (mlir-opt, mlir-runner), and compares their outputs with numpy
models of the ops.

Inputs are seeded random tensors written as raw hex constants, copied so
that no folder sees a constant; outputs are
printed as raw f32 bits (arith.bitcast to i32), so the comparison sees
every bit the compiled code produced. Float formulas may differ from numpy
in the last bits (libm), hence a relative tolerance.

Usage: check_lowering.py QUANT_OPT MLIR_OPT MLIR_RUNNER RUNNER_LIB_DIR
"""

import math
import re
import subprocess
import sys

import numpy as np

from quantc.onnx_data import mlir_dense

BUFFERIZE = ["--one-shot-bufferize=bufferize-function-boundaries"]
LOWER = [
    "--convert-linalg-to-loops", "--convert-vector-to-llvm", "--convert-scf-to-cf",
    "--expand-strided-metadata", "--lower-affine",
    "--finalize-memref-to-llvm", "--convert-math-to-llvm",
    # What has no LLVM intrinsic (erf) calls libm.
    "--convert-math-to-libm",
    "--convert-arith-to-llvm", "--convert-cf-to-llvm",
    "--convert-func-to-llvm", "--reconcile-unrealized-casts",
]

RNG = np.random.default_rng(20261122)


def rand(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, size=shape).astype(np.float32)


def mlir_type(shape, element="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


# --- numpy models -----------------------------------------------------------

def conv_ref(x, w, b, strides, dilations, pads, group):
    n, c, *spatial = x.shape
    m, cg, *kernel = w.shape
    s = len(spatial)
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + s]) for i in range(s)])
    out_sizes = [(x.shape[2 + i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1
                 for i in range(s)]
    y = np.zeros((n, m, *out_sizes), np.float64)
    mg = m // group
    for o in np.ndindex(*out_sizes):
        window = tuple(slice(o[i] * strides[i],
                             o[i] * strides[i] + dilations[i] * (kernel[i] - 1) + 1,
                             dilations[i]) for i in range(s))
        for g in range(group):
            patch = x[(slice(None), slice(g * cg, (g + 1) * cg)) + window]
            wg = w[g * mg:(g + 1) * mg]
            y[(slice(None), slice(g * mg, (g + 1) * mg)) + o] = (
                patch.reshape(n, -1).astype(np.float64) @
                wg.reshape(mg, -1).astype(np.float64).T)
    if b is not None:
        y += b.reshape((1, m) + (1,) * s)
    return y


def pool_ref(x, kernel, strides, pads, out_sizes, is_max, include_pad=False):
    n, c, *spatial = x.shape
    s = len(spatial)
    y = np.zeros((n, c, *out_sizes), np.float64)
    for o in np.ndindex(*out_sizes):
        starts = [o[i] * strides[i] - pads[i] for i in range(s)]
        lo = [max(st, 0) for st in starts]
        hi = [min(st + kernel[i], spatial[i]) for i, st in enumerate(starts)]
        region = x[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in zip(lo, hi))]
        if is_max:
            y[(slice(None), slice(None)) + o] = region.max(axis=tuple(range(2, 2 + s)))
        else:
            if include_pad:
                count = np.prod([min(st + kernel[i], spatial[i] + pads[i + s]) -
                                 max(st, -pads[i]) for i, st in enumerate(starts)])
            else:
                count = np.prod([b - a for a, b in zip(lo, hi)])
            y[(slice(None), slice(None)) + o] = region.sum(axis=tuple(range(2, 2 + s))) / count
    return y


erf = np.vectorize(math.erf)


def gelu_ref(x):
    x = x.astype(np.float64)
    return x / 2 * (1 + erf(x / math.sqrt(2)))


# --- cases ------------------------------------------------------------------
# Each case: name, inputs, the qnn body (inputs are %a, %b, ...; result %r),
# result shape, numpy model.

def cases():
    a, b = rand(3, 4), rand(4)
    yield ("add_broadcast", [a, b],
           "%r = qnn.add %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>",
           (3, 4), lambda a, b: a + b)
    a, b = rand(3, 1), rand(1, 4, low=0.5, high=2.0)
    yield ("div_outer_broadcast", [a, b],
           "%r = qnn.div %a, %b : (tensor<3x1xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>",
           (3, 4), lambda a, b: a / b)
    a = rand(2, 5)
    yield ("relu", [a], "%r = qnn.relu %a : tensor<2x5xf32> -> tensor<2x5xf32>",
           (2, 5), lambda a: np.maximum(a, 0))
    yield ("sigmoid", [a], "%r = qnn.sigmoid %a : tensor<2x5xf32> -> tensor<2x5xf32>",
           (2, 5), lambda a: 1 / (1 + np.exp(-a.astype(np.float64))))
    yield ("hard_swish", [a], "%r = qnn.hard_swish %a : tensor<2x5xf32> -> tensor<2x5xf32>",
           (2, 5), lambda a: a * np.clip(a / 6 + 0.5, 0, 1))
    yield ("gelu", [a], "%r = qnn.gelu %a : tensor<2x5xf32> -> tensor<2x5xf32>",
           (2, 5), gelu_ref)
    yield ("clip", [a],
           "%r = qnn.clip %a {min = -0.5 : f32, max = 1.0 : f32} : tensor<2x5xf32> -> tensor<2x5xf32>",
           (2, 5), lambda a: np.clip(a, -0.5, 1.0))
    a, b = rand(3, 1, 4, 6), rand(5, 6, 2)
    yield ("matmul_batch_broadcast", [a, b],
           "%r = qnn.matmul %a, %b : (tensor<3x1x4x6xf32>, tensor<5x6x2xf32>) -> tensor<3x5x4x2xf32>",
           (3, 5, 4, 2), lambda a, b: np.matmul(a.astype(np.float64), b))
    a, b = rand(6), rand(2, 6, 3)
    yield ("matmul_vector", [a, b],
           "%r = qnn.matmul %a, %b : (tensor<6xf32>, tensor<2x6x3xf32>) -> tensor<2x3xf32>",
           (2, 3), lambda a, b: np.matmul(a.astype(np.float64), b))
    a, b, c = rand(5, 3), rand(4, 5), rand(4)
    yield ("gemm_trans_alpha_beta", [a, b, c],
           "%r = qnn.gemm %a, %b, %c {trans_a = true, trans_b = true, alpha = 0.5 : f32, beta = 2.0 : f32}"
           " : (tensor<5x3xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>",
           (3, 4), lambda a, b, c: 0.5 * (a.T.astype(np.float64) @ b.T) + 2.0 * c)
    x, w, bias = rand(2, 4, 9, 8), rand(6, 2, 3, 2), rand(6)
    yield ("conv_grouped_padded_strided_dilated", [x, w, bias],
           "%r = qnn.conv %a, %b, %c {strides = array<i64: 2, 1>, dilations = array<i64: 2, 3>,"
           " pads = array<i64: 1, 0, 2, 1>, group = 2}"
           " : (tensor<2x4x9x8xf32>, tensor<6x2x3x2xf32>, tensor<6xf32>) -> tensor<2x6x4x6xf32>",
           (2, 6, 4, 6),
           lambda x, w, b: conv_ref(x, w, b, [2, 1], [2, 3], [1, 0, 2, 1], 2))
    x, w = rand(1, 3, 7), rand(4, 3, 3)
    yield ("conv1d_no_bias", [x, w],
           "%r = qnn.conv %a, %b {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>}"
           " : (tensor<1x3x7xf32>, tensor<4x3x3xf32>) -> tensor<1x4x4xf32>",
           (1, 4, 4), lambda x, w: conv_ref(x, w, None, [2], [1], [1, 1], 1))
    x = rand(2, 3, 4)
    yield ("reduce_mean_keepdims", [x],
           "%r = qnn.reduce <mean> %a {axes = array<i64: 0, 2>} : tensor<2x3x4xf32> -> tensor<1x3x1xf32>",
           (1, 3, 1), lambda x: x.astype(np.float64).mean(axis=(0, 2), keepdims=True))
    yield ("reduce_max", [x],
           "%r = qnn.reduce <max> %a {axes = array<i64: 1>, keepdims = false} : tensor<2x3x4xf32> -> tensor<2x4xf32>",
           (2, 4), lambda x: x.max(axis=1))
    yield ("reduce_l2", [x],
           "%r = qnn.reduce <l2> %a {axes = array<i64: 2>} : tensor<2x3x4xf32> -> tensor<2x3x1xf32>",
           (2, 3, 1), lambda x: np.sqrt((x.astype(np.float64) ** 2).sum(axis=2, keepdims=True)))
    x = rand(1, 2, 5, 5)
    yield ("max_pool_ceil", [x],
           "%r = qnn.max_pool %a {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,"
           " pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true}"
           " : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>",
           (1, 2, 3, 3), lambda x: pool_ref(x, [2, 2], [2, 2], [0, 0, 0, 0], [3, 3], True))
    yield ("avg_pool_exclude_pad", [x],
           "%r = qnn.avg_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,"
           " pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>",
           (1, 2, 3, 3), lambda x: pool_ref(x, [3, 3], [2, 2], [1, 1, 1, 1], [3, 3], False))
    yield ("avg_pool_include_pad", [x],
           "%r = qnn.avg_pool %a {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,"
           " pads = array<i64: 1, 1, 1, 1>, count_include_pad = true}"
           " : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>",
           (1, 2, 3, 3),
           lambda x: pool_ref(x, [3, 3], [2, 2], [1, 1, 1, 1], [3, 3], False, True))
    yield ("global_avg_pool", [x],
           "%r = qnn.global_avg_pool %a : tensor<1x2x5x5xf32> -> tensor<1x2x1x1xf32>",
           (1, 2, 1, 1), lambda x: x.astype(np.float64).mean(axis=(2, 3), keepdims=True))
    x = rand(2, 3, 4)
    yield ("reshape_transpose", [x],
           "%t = qnn.reshape %a : (tensor<2x3x4xf32>) -> tensor<6x4xf32>\n"
           "  %r = qnn.transpose %t {perm = array<i64: 1, 0>} : tensor<6x4xf32> -> tensor<4x6xf32>",
           (4, 6), lambda x: x.reshape(6, 4).T)


def softmax_ref(x, axis):
    e = np.exp(x.astype(np.float64) - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm_ref(x, scale, bias, axis, eps):
    x = x.astype(np.float64)
    axes = tuple(range(axis, x.ndim))
    centered = x - x.mean(axis=axes, keepdims=True)
    var = (centered ** 2).mean(axis=axes, keepdims=True)
    y = centered / np.sqrt(var + eps) * scale
    return y + bias if bias is not None else y


def normalization_cases():
    x = rand(2, 3, 4)
    yield ("softmax_middle_axis", [x],
           "%r = qnn.softmax %a {axis = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>",
           (2, 3, 4), lambda x: softmax_ref(x, 1))
    yield ("log_softmax_last_axis", [x * 30],
           "%r = qnn.log_softmax %a {axis = 2 : i64} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>",
           (2, 3, 4), lambda x: np.log(softmax_ref(x, 2)))
    g, b = rand(4), rand(4)
    yield ("layer_norm", [x, g, b],
           "%r = qnn.layer_norm %a, %b, %c {axis = 2 : i64, epsilon = 1.0e-5 : f32}"
           " : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>",
           (2, 3, 4), lambda x, g, b: layer_norm_ref(x, g, b, 2, np.float32(1e-5)))
    g2 = rand(3, 4)
    yield ("layer_norm_two_axes_no_bias", [x, g2],
           "%r = qnn.layer_norm %a, %b {axis = 1 : i64, epsilon = 1.0e-3 : f32}"
           " : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>",
           (2, 3, 4), lambda x, g: layer_norm_ref(x, g, None, 1, np.float32(1e-3)))
    x = rand(2, 3, 2, 2)
    s, b, m, v = rand(3), rand(3), rand(3), rand(3, low=0.1, high=2.0)
    yield ("batch_norm", [x, s, b, m, v],
           "%r = qnn.batch_norm %a, %b, %c, %d, %e {epsilon = 1.0e-5 : f32}"
           " : (tensor<2x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>,"
           " tensor<3xf32>) -> tensor<2x3x2x2xf32>",
           (2, 3, 2, 2),
           lambda x, s, b, m, v: (x - m.reshape(3, 1, 1)) /
           np.sqrt(v.reshape(3, 1, 1).astype(np.float64) + np.float32(1e-5)) *
           s.reshape(3, 1, 1) + b.reshape(3, 1, 1))


def movement_cases():
    a, b, c = rand(2, 1, 3), rand(2, 2, 3), rand(2, 3, 3)
    yield ("concat", [a, b, c],
           "%r = qnn.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x1x3xf32>,"
           " tensor<2x2x3xf32>, tensor<2x3x3xf32>) -> tensor<2x6x3xf32>",
           (2, 6, 3), lambda a, b, c: np.concatenate([a, b, c], axis=1))
    x = rand(4, 10)
    yield ("slice_steps", [x],
           "%r = qnn.slice %a {starts = array<i64: 1, -8>, ends = array<i64: 100, 9>,"
           " steps = array<i64: 2, 3>} : tensor<4x10xf32> -> tensor<2x3xf32>",
           (2, 3), lambda x: x[1:100:2, -8:9:3])
    yield ("slice_backwards", [x],
           "%r = qnn.slice %a {starts = array<i64: -1, 8>, ends = array<i64: -9223372036854775807, 1>,"
           " steps = array<i64: -1, -3>} : tensor<4x10xf32> -> tensor<4x3xf32>",
           (4, 3), lambda x: x[::-1, 8:1:-3])
    table, ids = rand(5, 3), np.array([[4, -1], [0, 2]], np.int64)
    yield ("gather_negative_indices", [table, ids],
           "%r = qnn.gather %a, %b {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2x2xi64>)"
           " -> tensor<2x2x3xf32>",
           (2, 2, 3), lambda t, i: t[i])
    yield ("gather_inner_axis", [table, np.array([2, 0], np.int64)],
           "%r = qnn.gather %a, %b {axis = 1 : i64} : (tensor<5x3xf32>, tensor<2xi64>)"
           " -> tensor<5x2xf32>",
           (5, 2), lambda t, i: t[:, i])
    x = rand(3, 4)
    for mode, np_mode in (("reflect", "reflect"), ("edge", "edge"), ("wrap", "wrap")):
        yield (f"pad_{mode}", [x],
               f"%r = qnn.pad %a {{pads = array<i64: 2, 1, 1, 3>, mode = #qnn.pad_mode<{mode}>}}"
               " : tensor<3x4xf32> -> tensor<6x8xf32>",
               (6, 8), lambda x, m=np_mode: np.pad(x, [(2, 1), (1, 3)], mode=m))
    yield ("pad_constant", [x],
           "%r = qnn.pad %a {pads = array<i64: 1, 0, 0, 2>, value = 1.5 : f32}"
           " : tensor<3x4xf32> -> tensor<4x6xf32>",
           (4, 6), lambda x: np.pad(x, [(1, 0), (0, 2)], constant_values=1.5))
    yield ("pad_crop", [x],
           "%r = qnn.pad %a {pads = array<i64: -1, 2, 1, -1>, value = -3.0 : f32}"
           " : tensor<3x4xf32> -> tensor<3x5xf32>",
           (3, 5), lambda x: np.pad(x[1:, :-1], [(0, 1), (2, 0)], constant_values=-3.0))


def conv_transpose_ref(x, w, b, strides, dilations, pads, extra, group):
    n, c, *spatial = x.shape
    _, mg, *kernel = w.shape
    s = len(spatial)
    m = mg * group
    cg = c // group
    out = [strides[i] * (spatial[i] - 1) + extra[i] + dilations[i] * (kernel[i] - 1)
           + 1 - pads[i] - pads[i + s] for i in range(s)]
    y = np.zeros((n, m, *out), np.float64)
    for i in np.ndindex(*spatial):
        for k in np.ndindex(*kernel):
            o = [i[d] * strides[d] + k[d] * dilations[d] - pads[d] for d in range(s)]
            if any(v < 0 or v >= out[d] for d, v in enumerate(o)):
                continue
            for g in range(group):
                xs = x[(slice(None), slice(g * cg, (g + 1) * cg)) + i].astype(np.float64)
                ws = w[(slice(g * cg, (g + 1) * cg), slice(None)) + k]
                y[(slice(None), slice(g * mg, (g + 1) * mg)) + tuple(o)] += xs @ ws
    if b is not None:
        y += b.reshape((1, m) + (1,) * s)
    return y


def resize_coord(o, in_size, out_size, scale, mode):
    if mode == "half_pixel":
        return (o + 0.5) / scale - 0.5
    if mode == "align_corners":
        return o * (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return o / scale


def resize_ref(x, out_shape, scales, mode, transform, rounding="floor"):
    y = np.zeros(out_shape, np.float64)
    for o in np.ndindex(*out_shape):
        coords = [resize_coord(np.float32(o[d]), x.shape[d], out_shape[d],
                               np.float32(scales[d]), transform)
                  for d in range(x.ndim)]
        if mode == "nearest":
            idx = []
            for d, c in enumerate(coords):
                r = math.floor(c) if rounding == "floor" else math.ceil(c - 0.5)
                idx.append(min(max(r, 0), x.shape[d] - 1))
            y[o] = x[tuple(idx)]
        else:
            lows, highs, weights = [], [], []
            for d, c in enumerate(coords):
                c = min(max(c, 0.0), x.shape[d] - 1)
                lo = math.floor(c)
                lows.append(lo)
                highs.append(min(lo + 1, x.shape[d] - 1))
                weights.append(c - lo)
            total = 0.0
            for corner in np.ndindex(*(2,) * x.ndim):
                wgt = 1.0
                idx = []
                for d, bit in enumerate(corner):
                    idx.append(highs[d] if bit else lows[d])
                    wgt *= weights[d] if bit else 1 - weights[d]
                total += wgt * x[tuple(idx)]
            y[o] = total
    return y


def upsampling_cases():
    x = rand(1, 2, 4, 5)
    yield ("resize_nearest_asymmetric", [x],
           "%r = qnn.resize %a {scales = array<f32: 1.0, 1.0, 2.0, 1.5>,"
           " coordinate_transform = #qnn.coordinate_transform<asymmetric>,"
           " nearest_rounding = #qnn.nearest_rounding<floor>}"
           " : tensor<1x2x4x5xf32> -> tensor<1x2x8x7xf32>",
           (1, 2, 8, 7),
           lambda x: resize_ref(x, (1, 2, 8, 7), [1, 1, 2, 1.5], "nearest", "asymmetric"))
    yield ("resize_nearest_down_half_pixel", [x],
           "%r = qnn.resize %a : tensor<1x2x4x5xf32> -> tensor<1x2x3x3xf32>",
           (1, 2, 3, 3),
           lambda x: resize_ref(x, (1, 2, 3, 3), [1, 1, 3 / 4, 3 / 5], "nearest",
                                "half_pixel", "round_prefer_floor"))
    yield ("resize_linear_half_pixel", [x],
           "%r = qnn.resize %a {mode = #qnn.resize_mode<linear>}"
           " : tensor<1x2x4x5xf32> -> tensor<1x2x7x9xf32>",
           (1, 2, 7, 9),
           lambda x: resize_ref(x, (1, 2, 7, 9), [1, 1, 7 / 4, 9 / 5], "linear", "half_pixel"))
    yield ("resize_linear_align_corners", [x],
           "%r = qnn.resize %a {mode = #qnn.resize_mode<linear>,"
           " coordinate_transform = #qnn.coordinate_transform<align_corners>}"
           " : tensor<1x2x4x5xf32> -> tensor<1x2x6x3xf32>",
           (1, 2, 6, 3),
           lambda x: resize_ref(x, (1, 2, 6, 3), [1, 1, 6 / 4, 3 / 5], "linear",
                                "align_corners"))
    x, w, b = rand(1, 4, 3, 4), rand(4, 3, 3, 2), rand(6)
    yield ("conv_transpose_grouped", [x, w, b],
           "%r = qnn.conv_transpose %a, %b, %c {strides = array<i64: 2, 3>,"
           " dilations = array<i64: 1, 2>, pads = array<i64: 1, 0, 0, 2>,"
           " output_padding = array<i64: 1, 0>, group = 2}"
           " : (tensor<1x4x3x4xf32>, tensor<4x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x7x10xf32>",
           (1, 6, 7, 10),
           lambda x, w, b: conv_transpose_ref(x, w, b, [2, 3], [1, 2], [1, 0, 0, 2], [1, 0], 2))
    x, w = rand(2, 3, 5), rand(3, 2, 4)
    yield ("conv_transpose_1d_cropping", [x, w],
           "%r = qnn.conv_transpose %a, %b {strides = array<i64: 2>, dilations = array<i64: 1>,"
           " pads = array<i64: 4, 3>, output_padding = array<i64: 0>}"
           " : (tensor<2x3x5xf32>, tensor<3x2x4xf32>) -> tensor<2x2x5xf32>",
           (2, 2, 5),
           lambda x, w: conv_transpose_ref(x, w, None, [2], [1], [4, 3], [0], 1))


def dynamic_cases():
    """Ops on tensors whose sizes are only known at run time."""
    a, b = rand(3, 4), rand(4)
    yield ("dynamic_add", [a, b],
           "%ad = tensor.cast %a : tensor<3x4xf32> to tensor<?x4xf32>\n"
           "  %rd = qnn.add %ad, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x4xf32> to tensor<3x4xf32>",
           (3, 4), lambda a, b: a + b)
    a, b = rand(2, 3, 5), rand(5, 4)
    yield ("dynamic_matmul", [a, b],
           "%ad = tensor.cast %a : tensor<2x3x5xf32> to tensor<?x?x5xf32>\n"
           "  %rd = qnn.matmul %ad, %b : (tensor<?x?x5xf32>, tensor<5x4xf32>) -> tensor<?x?x4xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x?x4xf32> to tensor<2x3x4xf32>",
           (2, 3, 4), lambda a, b: np.matmul(a.astype(np.float64), b))
    x, w, bias = rand(2, 3, 7, 6), rand(4, 3, 3, 3), rand(4)
    yield ("dynamic_conv", [x, w, bias],
           "%xd = tensor.cast %a : tensor<2x3x7x6xf32> to tensor<?x3x?x?xf32>\n"
           "  %rd = qnn.conv %xd, %b, %c {strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>,"
           " pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x?x?xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>)"
           " -> tensor<?x4x?x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x4x?x?xf32> to tensor<2x4x4x6xf32>",
           (2, 4, 4, 6), lambda x, w, b: conv_ref(x, w, b, [2, 1], [1, 1], [1, 1, 1, 1], 1))
    x = rand(2, 2, 4, 5)
    yield ("dynamic_resize_nearest", [x],
           "%xd = tensor.cast %a : tensor<2x2x4x5xf32> to tensor<?x2x?x?xf32>\n"
           "  %rd = qnn.resize %xd {scales = array<f32: 1.0, 1.0, 2.0, 1.5>,"
           " coordinate_transform = #qnn.coordinate_transform<asymmetric>,"
           " nearest_rounding = #qnn.nearest_rounding<floor>}"
           " : tensor<?x2x?x?xf32> -> tensor<?x2x?x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x2x?x?xf32> to tensor<2x2x8x7xf32>",
           (2, 2, 8, 7),
           lambda x: resize_ref(x, (2, 2, 8, 7), [1, 1, 2, 1.5], "nearest", "asymmetric"))
    yield ("dynamic_resize_linear_align_corners", [x],
           "%xd = tensor.cast %a : tensor<2x2x4x5xf32> to tensor<?x2x?x?xf32>\n"
           "  %rd = qnn.resize %xd {mode = #qnn.resize_mode<linear>, scales = array<f32: 1.0, 1.0, 1.5, 0.6>,"
           " coordinate_transform = #qnn.coordinate_transform<align_corners>}"
           " : tensor<?x2x?x?xf32> -> tensor<?x2x?x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x2x?x?xf32> to tensor<2x2x6x3xf32>",
           (2, 2, 6, 3),
           lambda x: resize_ref(x, (2, 2, 6, 3), [1, 1, 1.5, 0.6], "linear", "align_corners"))
    x = rand(2, 3, 7, 6)
    yield ("dynamic_max_pool", [x],
           "%xd = tensor.cast %a : tensor<2x3x7x6xf32> to tensor<?x3x?x?xf32>\n"
           "  %rd = qnn.max_pool %xd {kernel = array<i64: 3, 2>, strides = array<i64: 2, 2>,"
           " pads = array<i64: 1, 0, 1, 1>, dilations = array<i64: 1, 1>}"
           " : tensor<?x3x?x?xf32> -> tensor<?x3x?x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x3x?x?xf32> to tensor<2x3x4x3xf32>",
           (2, 3, 4, 3),
           lambda x: pool_ref(x, [3, 2], [2, 2], [1, 0, 1, 1], (4, 3), True))
    yield ("dynamic_avg_pool", [x],
           "%xd = tensor.cast %a : tensor<2x3x7x6xf32> to tensor<?x3x?x?xf32>\n"
           "  %rd = qnn.avg_pool %xd {kernel = array<i64: 3, 3>, strides = array<i64: 2, 1>,"
           " pads = array<i64: 1, 1, 1, 1>}"
           " : tensor<?x3x?x?xf32> -> tensor<?x3x?x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x3x?x?xf32> to tensor<2x3x4x6xf32>",
           (2, 3, 4, 6),
           lambda x: pool_ref(x, [3, 3], [2, 1], [1, 1, 1, 1], (4, 6), False))
    x = rand(2, 3, 4)
    yield ("dynamic_softmax", [x],
           "%xd = tensor.cast %a : tensor<2x3x4xf32> to tensor<?x?x4xf32>\n"
           "  %rd = qnn.softmax %xd {axis = 2 : i64} : tensor<?x?x4xf32> -> tensor<?x?x4xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x?x4xf32> to tensor<2x3x4xf32>",
           (2, 3, 4), lambda x: softmax_ref(x, 2))
    g = rand(4)
    yield ("dynamic_layer_norm", [x, g],
           "%xd = tensor.cast %a : tensor<2x3x4xf32> to tensor<?x?x4xf32>\n"
           "  %rd = qnn.layer_norm %xd, %b {axis = 2 : i64} : (tensor<?x?x4xf32>, tensor<4xf32>)"
           " -> tensor<?x?x4xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x?x4xf32> to tensor<2x3x4xf32>",
           (2, 3, 4), lambda x, g: layer_norm_ref(x, g, None, 2, np.float32(1e-5)))
    yield ("dynamic_reshape_transpose_concat", [x],
           "%xd = tensor.cast %a : tensor<2x3x4xf32> to tensor<?x3x4xf32>\n"
           "  %m = qnn.reshape %xd : (tensor<?x3x4xf32>) -> tensor<?x12xf32>\n"
           "  %t = qnn.transpose %m {perm = array<i64: 1, 0>} : tensor<?x12xf32> -> tensor<12x?xf32>\n"
           "  %rd = qnn.concat %t, %t {axis = 1 : i64} : (tensor<12x?xf32>, tensor<12x?xf32>) -> tensor<12x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<12x?xf32> to tensor<12x4xf32>",
           (12, 4), lambda x: np.concatenate([x.reshape(2, 12).T] * 2, axis=1))
    table, ids = rand(6, 3), np.array([[5, 0, -2]], np.int64)
    yield ("dynamic_gather", [table, ids],
           "%id = tensor.cast %b : tensor<1x3xi64> to tensor<1x?xi64>\n"
           "  %rd = qnn.gather %a, %id {axis = 0 : i64} : (tensor<6x3xf32>, tensor<1x?xi64>)"
           " -> tensor<1x?x3xf32>\n"
           "  %r = tensor.cast %rd : tensor<1x?x3xf32> to tensor<1x3x3xf32>",
           (1, 3, 3), lambda t, i: t[i])
    x = rand(2, 3, 5, 4)
    yield ("dynamic_global_avg_pool", [x],
           "%xd = tensor.cast %a : tensor<2x3x5x4xf32> to tensor<?x3x?x?xf32>\n"
           "  %rd = qnn.global_avg_pool %xd : tensor<?x3x?x?xf32> -> tensor<?x3x1x1xf32>\n"
           "  %r = tensor.cast %rd : tensor<?x3x1x1xf32> to tensor<2x3x1x1xf32>",
           (2, 3, 1, 1), lambda x: x.astype(np.float64).mean(axis=(2, 3), keepdims=True))


def cast_ref(x, bits, signed=True):
    """ONNX Cast float to an integer as qnn.cast defines it: truncation
    toward zero, saturation, NaN to 0."""
    low, high = ((-2.0 ** (bits - 1), 2.0 ** (bits - 1) - 1) if signed
                 else (0.0, 2.0 ** bits - 1))
    out = np.where(np.isnan(x), 0, np.clip(np.trunc(np.nan_to_num(x)), low, high))
    return out.astype(np.float64)


def conversion_cases():
    """qnn.cast between floats, integers and booleans (results cast back to
    f32 to be printed), and qnn.shape of a dynamic tensor."""
    x = np.array([3.7, -3.7, 1e10, -1e10, np.nan, 0.5, -0.5, 2147483520.0], np.float32)
    yield ("cast_f32_i32_saturating", [x],
           "%c = qnn.cast %a : tensor<8xf32> -> tensor<8xi32>\n"
           "  %r = qnn.cast %c : tensor<8xi32> -> tensor<8xf32>",
           (8,), lambda x: cast_ref(x, 32).astype(np.float32))
    x = np.array([300, -300, 127.9, -128.9, np.nan, 5.5, -0.0, 1e30], np.float32)
    yield ("cast_f32_i8_saturating", [x],
           "%c = qnn.cast %a : tensor<8xf32> -> tensor<8xi8>\n"
           "  %r = qnn.cast %c : tensor<8xi8> -> tensor<8xf32>",
           (8,), lambda x: cast_ref(x, 8))
    # Unsigned: saturation to [0, 255], and zero extension when widening
    # (through i32) or converting back to float (200 stays 200).
    x = np.array([300, -300, 255.9, -0.5, np.nan, 200.5, -1.5, 1e30], np.float32)
    yield ("cast_f32_u8_i32_saturating", [x],
           "%c = qnn.cast %a : tensor<8xf32> -> tensor<8xui8>\n"
           "  %w = qnn.cast %c : tensor<8xui8> -> tensor<8xi32>\n"
           "  %r = qnn.cast %w : tensor<8xi32> -> tensor<8xf32>",
           (8,), lambda x: cast_ref(x, 8, signed=False))
    yield ("cast_f32_u8_f32", [x],
           "%c = qnn.cast %a : tensor<8xf32> -> tensor<8xui8>\n"
           "  %r = qnn.cast %c : tensor<8xui8> -> tensor<8xf32>",
           (8,), lambda x: cast_ref(x, 8, signed=False))
    x = np.array([0.0, -0.0, 2.0, np.nan], np.float32)
    yield ("cast_f32_bool", [x],
           "%c = qnn.cast %a : tensor<4xf32> -> tensor<4xi1>\n"
           "  %r = qnn.cast %c : tensor<4xi1> -> tensor<4xf32>",
           (4,), lambda x: (x != 0).astype(np.float64))
    x = np.array([70000, -70000, 255, -1], np.int64)
    yield ("cast_i64_i16_f32", [x],
           "%c = qnn.cast %a : tensor<4xi64> -> tensor<4xi16>\n"
           "  %r = qnn.cast %c : tensor<4xi16> -> tensor<4xf32>",
           (4,), lambda x: x.astype(np.int16).astype(np.float64))
    x = np.array([1.0000001, 3.1415927, -2.5, 65504.0], np.float32)
    yield ("cast_f32_f16_f32", [x],
           "%h = qnn.cast %a : tensor<4xf32> -> tensor<4xf16>\n"
           "  %r = qnn.cast %h : tensor<4xf16> -> tensor<4xf32>",
           (4,), lambda x: x.astype(np.float16).astype(np.float64))
    x = rand(2, 3, 5)
    yield ("shape_dynamic", [x],
           "%xd = tensor.cast %a : tensor<2x3x5xf32> to tensor<?x3x?xf32>\n"
           "  %s = qnn.shape %xd {start = 0, end = 3} : tensor<?x3x?xf32> -> tensor<3xi64>\n"
           "  %r = qnn.cast %s : tensor<3xi64> -> tensor<3xf32>",
           (3,), lambda x: np.array(x.shape, np.float64))


def contraction_cases():
    """Matmul and convolution shapes that exercise the vector kernels of
    quantc-vectorize-contractions: partial row and column blocks, strided
    and depthwise convolutions, flattened pointwise ones, dynamic sizes."""
    a, b = rand(13, 29), rand(29, 37)
    yield ("matmul_partial_blocks", [a, b],
           "%r = qnn.matmul %a, %b : (tensor<13x29xf32>, tensor<29x37xf32>) -> tensor<13x37xf32>",
           (13, 37), lambda a, b: a.astype(np.float64) @ b)
    a, b = rand(2, 1, 7, 9), rand(3, 9, 64)
    yield ("matmul_batch_full_blocks", [a, b],
           "%r = qnn.matmul %a, %b : (tensor<2x1x7x9xf32>, tensor<3x9x64xf32>) -> tensor<2x3x7x64xf32>",
           (2, 3, 7, 64), lambda a, b: np.matmul(a.astype(np.float64), b))
    # A product with its right operand transposed (attention's Q K^T): the
    # lowering reads the operand in place, and the kernel is a dot product
    # along both rows, with a masked last vector (37) or none (64).
    a, b = rand(2, 5, 37), rand(2, 11, 37)
    yield ("matmul_transposed_rhs", [a, b],
           "%t = qnn.transpose %b {perm = array<i64: 0, 2, 1>} : tensor<2x11x37xf32> -> tensor<2x37x11xf32>\n"
           "  %r = qnn.matmul %a, %t : (tensor<2x5x37xf32>, tensor<2x37x11xf32>) -> tensor<2x5x11xf32>",
           (2, 5, 11), lambda a, b: np.matmul(a.astype(np.float64), b.transpose(0, 2, 1)))
    a, b = rand(1, 3, 64), rand(1, 9, 64)
    yield ("dynamic_matmul_transposed_rhs", [a, b],
           "%ad = tensor.cast %a : tensor<1x3x64xf32> to tensor<1x?x64xf32>\n"
           "  %bd = tensor.cast %b : tensor<1x9x64xf32> to tensor<1x?x64xf32>\n"
           "  %t = qnn.transpose %bd {perm = array<i64: 0, 2, 1>} : tensor<1x?x64xf32> -> tensor<1x64x?xf32>\n"
           "  %rd = qnn.matmul %ad, %t : (tensor<1x?x64xf32>, tensor<1x64x?xf32>) -> tensor<1x?x?xf32>\n"
           "  %r = tensor.cast %rd : tensor<1x?x?xf32> to tensor<1x3x9xf32>",
           (1, 3, 9), lambda a, b: np.matmul(a.astype(np.float64), b.transpose(0, 2, 1)))
    a, b, c = rand(5, 12), rand(12, 20), rand(20)
    yield ("gemm_bias", [a, b, c],
           "%r = qnn.gemm %a, %b, %c : (tensor<5x12xf32>, tensor<12x20xf32>, tensor<20xf32>) -> tensor<5x20xf32>",
           (5, 20), lambda a, b, c: a.astype(np.float64) @ b + c)
    x, w, bias = rand(1, 5, 6, 41), rand(7, 5, 3, 3), rand(7)
    yield ("conv_stride2_width", [x, w, bias],
           "%r = qnn.conv %a, %b, %c {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,"
           " pads = array<i64: 1, 1, 1, 1>} : (tensor<1x5x6x41xf32>, tensor<7x5x3x3xf32>, tensor<7xf32>)"
           " -> tensor<1x7x3x21xf32>",
           (1, 7, 3, 21), lambda x, w, b: conv_ref(x, w, b, [2, 2], [1, 1], [1, 1, 1, 1], 1))
    x, w, bias = rand(2, 6, 9, 35), rand(6, 1, 5, 5), rand(6)
    yield ("conv_depthwise_5x5", [x, w, bias],
           "%r = qnn.conv %a, %b, %c {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,"
           " pads = array<i64: 2, 2, 2, 2>, group = 6} : (tensor<2x6x9x35xf32>, tensor<6x1x5x5xf32>,"
           " tensor<6xf32>) -> tensor<2x6x9x35xf32>",
           (2, 6, 9, 35), lambda x, w, b: conv_ref(x, w, b, [1, 1], [1, 1], [2, 2, 2, 2], 6))
    x, w, bias = rand(1, 16, 3, 11), rand(20, 16, 1, 1), rand(20)
    yield ("conv_pointwise", [x, w, bias],
           "%r = qnn.conv %a, %b, %c {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,"
           " pads = array<i64: 0, 0, 0, 0>} : (tensor<1x16x3x11xf32>, tensor<20x16x1x1xf32>,"
           " tensor<20xf32>) -> tensor<1x20x3x11xf32>",
           (1, 20, 3, 11), lambda x, w, b: conv_ref(x, w, b, [1, 1], [1, 1], [0, 0, 0, 0], 1))
    x, w = rand(2, 8, 3, 5), rand(12, 8, 1, 1)
    for dims in ("?x8x3x?", "?x8x?x?"):
        yield (f"dynamic_conv_pointwise_{dims.count('?')}", [x, w],
               f"%xd = tensor.cast %a : tensor<2x8x3x5xf32> to tensor<{dims}xf32>\n"
               "  %rd = qnn.conv %xd, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,"
               f" pads = array<i64: 0, 0, 0, 0>}} : (tensor<{dims}xf32>, tensor<12x8x1x1xf32>)"
               f" -> tensor<{dims.replace('x8x', 'x12x')}xf32>\n"
               f"  %r = tensor.cast %rd : tensor<{dims.replace('x8x', 'x12x')}xf32> to tensor<2x12x3x5xf32>",
               (2, 12, 3, 5), lambda x, w: conv_ref(x, w, None, [1, 1], [1, 1], [0, 0, 0, 0], 1))


def run_case(tools, name, inputs, body, shape, ref, vector_bits=None, summed=False):
    quant_opt, mlir_opt, runner, libdir = tools
    names = "abcdefgh"
    lines = ["func.func private @printMemrefI32(tensor<*xi32>)", "func.func @main() {"]
    for n, value in zip(names, inputs):
        element = "i64" if value.dtype == np.int64 else "f32"
        t = mlir_type(value.shape, element)
        # The copy hides the constant: qnn's folders must not compute the
        # op instead of its lowering.
        lines.append(f"  %{n}_const = qnn.constant {mlir_dense(value)} -> {t}")
        lines.append(f"  %{n}_empty = tensor.empty() : {t}")
        lines.append(f"  %{n} = linalg.copy ins(%{n}_const : {t}) outs(%{n}_empty : {t}) -> {t}")
    lines.append("  " + body)
    lines.append(f"  %empty = tensor.empty() : {mlir_type(shape, 'i32')}")
    lines.append(f"  %bits = linalg.map ins(%r : {mlir_type(shape)}) outs(%empty : "
                 f"{mlir_type(shape, 'i32')}) (%v: f32, %unused: i32) {{\n"
                 f"    %i = arith.bitcast %v : f32 to i32\n    linalg.yield %i : i32\n  }}")
    lines.append(f"  %u = tensor.cast %bits : {mlir_type(shape, 'i32')} to tensor<*xi32>")
    lines.append("  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()")
    lines.append("  return\n}")
    program = "\n".join(lines)

    lowered = subprocess.run([quant_opt, "--convert-qnn-to-linalg"], input=program,
                             capture_output=True, text=True)
    if lowered.returncode:
        return f"quant-opt failed:\n{lowered.stderr}"
    buffers = subprocess.run([mlir_opt] + BUFFERIZE, input=lowered.stdout,
                             capture_output=True, text=True)
    if buffers.returncode:
        return f"mlir-opt failed:\n{buffers.stderr}"
    program = buffers.stdout
    if vector_bits is not None:
        vectorized = subprocess.run(
            [quant_opt, f"--quantc-vectorize-contractions=vector-bits={vector_bits}"],
            input=program, capture_output=True, text=True)
        if vectorized.returncode:
            return f"quant-opt failed:\n{vectorized.stderr}"
        if "vector.fma" not in vectorized.stdout:
            return "quantc-vectorize-contractions left the contraction scalar"
        program = vectorized.stdout
    llvm = subprocess.run([mlir_opt] + LOWER, input=program,
                          capture_output=True, text=True)
    if llvm.returncode:
        return f"mlir-opt failed:\n{llvm.stderr}"
    run = subprocess.run(
        [runner, "-e", "main", "-entry-point-result=void",
         f"-shared-libs={libdir}/libmlir_runner_utils.so,{libdir}/libmlir_c_runner_utils.so"],
        input=llvm.stdout, capture_output=True, text=True)
    if run.returncode:
        return f"mlir-runner failed:\n{run.stderr}"
    data = run.stdout.split("data =", 1)[1]
    bits = np.array([int(v) for v in re.findall(r"-?\d+", data)], dtype=np.int64)
    actual = bits.astype(np.uint32).view(np.float32).reshape(shape)
    expected = np.asarray(ref(*inputs), dtype=np.float64).reshape(shape)
    error = np.abs(actual - expected)
    bound = 1e-6 + 1e-5 * np.abs(expected)
    if summed:
        # A sum of products in float32 is off by a few ulps of the sum of
        # the products' magnitudes, which the model gives for |inputs|.
        bound += 1e-6 * np.abs(np.asarray(ref(*[np.abs(v) for v in inputs]),
                                          dtype=np.float64).reshape(shape))
    if not np.all(error <= bound):
        worst = np.unravel_index(np.argmax(error - bound), shape)
        return (f"mismatch at {worst}: got {actual[worst]!r}, expected "
                f"{expected[worst]!r}")
    return None


def main():
    """check_lowering.py QUANT_OPT MLIR_OPT MLIR_RUNNER LIBDIR [--vectorize=BITS,...]

    Without --vectorize, every case runs through scalar loops. With it, the
    contraction cases run through quantc-vectorize-contractions at each
    vector width, which must vectorize them."""
    tools = sys.argv[1:5]
    failures = 0
    runs = []
    if len(sys.argv) > 5 and sys.argv[5].startswith("--vectorize="):
        for bits in sys.argv[5].split("=", 1)[1].split(","):
            runs += [(f"{name}@{bits}", inputs, body, shape, ref, int(bits), True)
                     for name, inputs, body, shape, ref in contraction_cases()]
    else:
        runs = [case + (None, False) for case in
                list(cases()) + list(normalization_cases()) + list(movement_cases()) +
                list(upsampling_cases()) + list(dynamic_cases()) +
                list(conversion_cases())]
        runs += [case + (None, True) for case in contraction_cases()]
    for name, inputs, body, shape, ref, bits, summed in runs:
        error = run_case(tools, name, inputs, body, shape, ref, bits, summed)
        print(f"{'FAIL' if error else 'PASS'}: {name}")
        if error:
            print(error)
            failures += 1
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
