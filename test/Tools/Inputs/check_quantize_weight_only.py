"""Checks `quantc compile --quantize weight-only` (int8 and int4, per channel
and group-wise) bit for bit against a numpy model of docs/numerics.md.

The model has a MatMul "mm" (weight [K, N]), a Gemm "fc" with transB
(B [N, K]) and a Conv "conv" (weight [M, C, 3, 3]), each reading its own
input. Fed one-hot rows (and one-hot images of the conv's window), each
output is a column of the dequantized weight, exactly: a sum with one term
of 1 * w. numpy quantizes each weight as the rules say (symmetric narrow
range, `scale = (a - -a) / (2 qmax)` in binary32 over each block, a block
being one output channel and, with --group-size G, G elements of the
reduction axis: G input channels of the conv), dequantizes it, and the
outputs must be identical. Random inputs are checked against numpy's float
computation with the dequantized weights, to float rounding.

`--quantize codebook` (k-means and power-of-two, 4- and 8-bit indices) is
checked by property, read out the same way: each weight is the entry of its
channel's codebook (or its tensor's, for channels under 16 weights an
entry) nearest the float weight, a codebook has at most 2^bits entries,
k-means entries are the means of the weights mapped to them, and
power-of-two entries are powers of two.

Library sizes are printed in bytes: an int4 library must be smaller than
the int8 one by at least 3/8 of the weights' float bytes (two weights to a
byte instead of one).

Usage: check_quantize_weight_only.py QUANTC WORK_DIR
"""

import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantc

F = np.float32
K, N, M, C = 256, 96, 16, 64


def quantize_blocks(w, channel_axis, reduction_axis, bits, group):
    """Dequantized values of w quantized symmetrically per block."""
    qmax = 2 ** (bits - 1) - 1
    moved = np.moveaxis(w, (channel_axis, reduction_axis), (0, 1))
    shape = moved.shape
    groups = shape[1] // group if group and shape[1] % group == 0 else 1
    blocks = moved.reshape(shape[0], groups, -1)
    a = np.abs(blocks).max(axis=2, keepdims=True).astype(F)
    scale = np.where(a == 0, F(1), ((a - -a) / F(2 * qmax)).astype(F)).astype(F)
    q = np.clip(np.round((blocks / scale).astype(F)), -qmax, qmax)
    deq = ((q.astype(F) - F(0)) * scale).astype(F).reshape(shape)
    return np.moveaxis(deq, (0, 1), (channel_axis, reduction_axis))


def check_codebook(w, d, bits, method):
    """Whether the looked-up weights d of the weights w form a valid codebook."""
    entries = np.unique(d)
    if len(entries) > 2 ** bits:
        return False
    # The nearest entry, ties to the lower.
    above = np.clip(np.searchsorted(entries, w), 1, len(entries) - 1)
    below = above - 1
    lower = (w.astype(np.float64) - entries[below]) <= (entries[above] - w.astype(np.float64))
    nearest = np.where(lower, entries[below], entries[above]) if len(entries) > 1 else entries[
        np.zeros_like(above)]
    if not np.array_equal(nearest, d):
        return False
    if method == "kmeans":
        scale = np.abs(w).max()
        return all(abs(v - w[d == v].astype(np.float64).mean()) <= 1e-6 * scale for v in entries)
    magnitudes = np.abs(entries[entries != 0])
    top = 2.0 ** np.round(np.log2(np.abs(w).max()))
    return bool(np.all(np.log2(magnitudes) == np.round(np.log2(magnitudes)))
                and magnitudes.max() <= top)


def build_model(path, rng):
    w_mm = rng.normal(0, 0.5, (K, N)).astype(F)
    w_mm[:, 7] *= 20  # an outlier channel
    w_mm[:40, 3] *= 30  # an outlier group
    w_fc = rng.normal(0, 0.3, (N, K)).astype(F)
    w_conv = rng.normal(0, 0.2, (M, C, 3, 3)).astype(F)
    w_conv[2, :8] *= 25
    nodes = [helper.make_node("MatMul", ["x", "w_mm"], ["y_mm"], name="mm"),
             helper.make_node("Gemm", ["x", "w_fc"], ["y_fc"], name="fc", transB=1),
             helper.make_node("Conv", ["image", "w_conv"], ["y_conv"], name="conv")]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", K]),
         helper.make_tensor_value_info("image", TensorProto.FLOAT, ["b", C, 3, 3])],
        [helper.make_tensor_value_info("y_mm", TensorProto.FLOAT, ["n", N]),
         helper.make_tensor_value_info("y_fc", TensorProto.FLOAT, ["n", N]),
         helper.make_tensor_value_info("y_conv", TensorProto.FLOAT, ["b", M, 1, 1])],
        [numpy_helper.from_array(w_mm, "w_mm"), numpy_helper.from_array(w_fc, "w_fc"),
         numpy_helper.from_array(w_conv, "w_conv")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return w_mm, w_fc, w_conv


def main():
    quantc_bin, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(5)
    model = os.path.join(work, "model.onnx")
    w_mm, w_fc, w_conv = build_model(model, rng)
    eye = np.eye(K, dtype=F)
    images = np.eye(C * 9, dtype=F).reshape(C * 9, C, 3, 3)
    x = rng.normal(0, 1, (5, K)).astype(F)
    image = rng.normal(0, 1, (2, C, 3, 3)).astype(F)
    ok = True
    sizes = {}
    for bits, group in [(8, 0), (4, 0), (4, 32), (8, 64), (4, 16)]:
        name = f"int{bits}-" + (f"g{group}" if group else "channel")
        library = os.path.join(work, f"lib{name}.so")
        # The weights in a file of their own, whose size is theirs alone (the
        # library's code differs: 4-bit MatMuls link the runtime's kernel).
        subprocess.run([quantc_bin, "compile", model, "--quantize", "weight-only",
                        "--bits", str(bits), "--group-size", str(group), "--weights",
                        "external", "-o", library], check=True)
        sizes[name] = os.path.getsize(os.path.join(
            work, quantc.model.model_prefix(library) + ".weights"))
        d_mm = quantize_blocks(w_mm, 1, 0, bits, group)
        d_fc = quantize_blocks(w_fc, 0, 1, bits, group)
        d_conv = quantize_blocks(w_conv, 0, 1, bits, group)
        with quantc.load(library) as compiled:
            out = compiled.run({"x": eye, "image": images})
            exact = (np.array_equal(out["y_mm"], d_mm)
                     and np.array_equal(out["y_fc"], d_fc.T)
                     and np.array_equal(out["y_conv"].reshape(C * 9, M),
                                        d_conv.reshape(M, C * 9).T))
            out = compiled.run({"x": x, "image": image})
            close = (np.allclose(out["y_mm"], x @ d_mm, rtol=1e-4, atol=1e-4)
                     and np.allclose(out["y_fc"], x @ d_fc.T, rtol=1e-4, atol=1e-4)
                     and np.allclose(out["y_conv"].reshape(2, M),
                                     image.reshape(2, -1) @ d_conv.reshape(M, -1).T,
                                     rtol=1e-4, atol=1e-4))
        error = np.abs(d_mm - w_mm).max() / np.abs(w_mm).max()
        print(f"{name}: dequantized weights {'identical' if exact else 'DIFFERENT'}, "
              f"products {'match' if close else 'DIFFER'}, max weight error {error:.3g}")
        ok = ok and exact and close
    # Codebooks: each weight must be the entry nearest it of its channel's
    # (or its tensor's) codebook; k-means entries are the means of the
    # weights they stand for (Lloyd's fixed point), power-of-two entries
    # are 0 and powers of two up to the one nearest max |w|.
    for method in ["kmeans", "pow2"]:
        for bits in [4, 8]:
            name = f"codebook-{method}-{bits}"
            library = os.path.join(work, f"lib{name}.so")
            subprocess.run([quantc_bin, "compile", model, "--quantize", "codebook", "--bits",
                            str(bits), "--codebook-method", method, "-o", library], check=True)
            sizes[name] = os.path.getsize(library)
            with quantc.load(library) as compiled:
                out = compiled.run({"x": eye, "image": images})
            read = [(w_mm.T, out["y_mm"].T), (w_fc, out["y_fc"].T),
                    (w_conv.reshape(M, -1), out["y_conv"].reshape(C * 9, M).T)]
            good = True
            for w, d in read:
                per_channel = w.shape[1] >= 16 * 2 ** bits
                groups = [(w[c], d[c]) for c in range(w.shape[0])] if per_channel else [
                    (w.ravel(), d.ravel())]
                for wg, dg in groups:
                    good = good and check_codebook(wg, dg, bits, method)
            print(f"{name}: {'nearest entries' if good else 'WRONG ENTRIES'}, "
                  f"{sizes[name]} bytes")
            ok = ok and good
    # The 4-bit MatMul and Gemm (transB) call the runtime's kernel for
    # float activations and 4-bit weights (the Conv keeps the float code).
    listing = os.path.join(work, "int4.mlir")
    subprocess.run([quantc_bin, "compile", model, "--quantize", "weight-only", "--bits", "4",
                    "--group-size", "32", "--emit=mlir", "-o", listing], check=True)
    calls = open(listing).read().count("llvm.call @quantc_matmul_f32s4_f32(")
    print(f"int4-g32: calls to quantc_matmul_f32s4_f32: {calls}")
    ok = ok and calls == 2
    # So does the 8-bit one, with 8-bit panels.
    subprocess.run([quantc_bin, "compile", model, "--quantize", "weight-only", "--bits", "8",
                    "--group-size", "64", "--emit=mlir", "-o", listing], check=True)
    calls = open(listing).read().count("llvm.call @quantc_matmul_f32s8_f32(")
    print(f"int8-g64: calls to quantc_matmul_f32s8_f32: {calls}")
    ok = ok and calls == 2
    # So do the 4-bit codebook MatMul and Gemm, for codebook weights.
    subprocess.run([quantc_bin, "compile", model, "--quantize", "codebook", "--bits", "4",
                    "--emit=mlir", "-o", listing], check=True)
    calls = open(listing).read().count("llvm.call @quantc_matmul_f32c4_f32(")
    print(f"codebook-kmeans-4: calls to quantc_matmul_f32c4_f32: {calls}")
    ok = ok and calls == 2
    # And with 8-bit indices (one table for all: these channels are too
    # short for 256 entries each), the 8-bit codebook kernel.
    subprocess.run([quantc_bin, "compile", model, "--quantize", "codebook", "--bits", "8",
                    "--emit=mlir", "-o", listing], check=True)
    calls = open(listing).read().count("llvm.call @quantc_matmul_f32c8_f32(")
    print(f"codebook-kmeans-8: calls to quantc_matmul_f32c8_f32: {calls}")
    ok = ok and calls == 2
    float_bytes = 4 * (w_mm.size + w_fc.size + w_conv.size)
    saved = sizes["int8-channel"] - sizes["int4-channel"]
    packed = saved >= 3 * float_bytes // 32
    print(f"int4's weights file is {saved} bytes smaller than int8's, of {float_bytes} "
          "float weight bytes: "
          f"{'packed' if packed else 'NOT PACKED'}")
    ok = ok and packed
    print("ALL OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
