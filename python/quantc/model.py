"""Loads a model compiled by `quantc compile` and runs it from Python.

The binding is ctypes over the library's C API (see the generated NAME.h):
no compiled extension, so it works with any Python that has numpy. Inputs
are numpy arrays (copied only if not already C-contiguous of the right
type); each output is a numpy array over the buffer the library returned,
without a copy, which goes back to the library when the array is gone.

    model = quantc.load("libcnn.so")
    print(model.inputs, model.outputs)
    outputs = model.run({"x": x})
"""

import ctypes
import os
import re
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

# ONNX TensorProto.DataType codes to numpy types; bfloat16 travels as its
# 16-bit pattern.
DTYPES = {
    1: np.float32, 2: np.uint8, 3: np.int8, 5: np.int16, 6: np.int32,
    7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 16: np.uint16,
}


class QuantcError(RuntimeError):
    """A compiled model refused a call; the message says why."""


class _OutputBuffer:
    """An output buffer of NAME_run_allocated seen by numpy without a copy
    (numpy keeps this object as the array's base); NAME_free releases it
    when the last array over it is gone. The function object keeps the
    library loaded (ctypes never unloads one)."""

    def __init__(self, address, shape, dtype, free):
        self.__array_interface__ = {"shape": shape, "typestr": dtype.str,
                                    "data": (address, False), "version": 3}
        self._address, self._free = address, free

    def __del__(self):
        self._free(self._address)


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: type
    # None marks a dynamic dimension.
    shape: Tuple[Optional[int], ...]


def model_prefix(path):
    """The C prefix of a library's API, as quantc compile derives it: the file
    name without its last extension and a leading "lib", other characters
    than letters and digits as "_": libcnn.so gives cnn."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if stem.startswith("lib"):
        stem = stem[3:]
    prefix = re.sub(r"[^A-Za-z0-9]", "_", stem)
    return "_" + prefix if not prefix or prefix[0].isdigit() else prefix


class CompiledModel:
    def __init__(self, path, threads=0):
        self.path = os.path.abspath(path)
        try:
            self._lib = ctypes.CDLL(self.path)
        except OSError as e:
            raise QuantcError(f"{path}: cannot load the library: {e}") from e
        prefix = model_prefix(path)
        try:
            fn = lambda name: getattr(self._lib, f"{prefix}_{name}")
            self._create, self._destroy = fn("create"), fn("destroy")
            self._run, self._free = fn("run_allocated"), fn("free")
            self._last_error = fn("last_error")
            self._set_threads = fn("set_threads")
            queries = {k: fn(k) for k in (
                "num_inputs", "num_outputs", "input_name", "input_dtype",
                "input_rank", "input_shape", "output_name", "output_dtype",
                "output_rank", "output_shape")}
        except AttributeError as e:
            raise QuantcError(f"{path}: not a quantc model library with prefix "
                              f"'{prefix}': {e}") from e
        self._create.restype = ctypes.c_void_p
        self._destroy.argtypes = [ctypes.c_void_p]
        self._last_error.restype = ctypes.c_char_p
        self._last_error.argtypes = [ctypes.c_void_p]
        self._free.argtypes = [ctypes.c_void_p]
        self._set_threads.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._run.argtypes = [ctypes.c_void_p] + [ctypes.c_void_p] * 4
        for kind in ("input", "output"):
            queries[f"{kind}_name"].restype = ctypes.c_char_p
            queries[f"{kind}_shape"].restype = ctypes.POINTER(ctypes.c_int64)

        def describe(kind, count):
            infos = []
            for i in range(count):
                rank = queries[f"{kind}_rank"](i)
                shape = queries[f"{kind}_shape"](i)
                infos.append(TensorInfo(
                    queries[f"{kind}_name"](i).decode(),
                    DTYPES[queries[f"{kind}_dtype"](i)],
                    tuple(None if shape[d] < 0 else shape[d] for d in range(rank))))
            return infos

        self.inputs = describe("input", queries["num_inputs"]())
        self.outputs = describe("output", queries["num_outputs"]())
        self._context = self._create()
        if not self._context:
            # The library-level error: out of memory, or a weights file
            # that cannot be mapped.
            raise QuantcError(f"{path}: {self._last_error(None).decode()}")
        self.set_threads(threads)

    def set_threads(self, threads):
        """Sets how many threads runs use: 0 for one a core. Outputs are the
        same for every count."""
        if not isinstance(threads, int) or self._set_threads(self._context, threads) != 0:
            raise QuantcError(f"{self.path}: threads must be a count of 0 or more, "
                              f"not {threads!r}")

    def close(self):
        if getattr(self, "_context", None):
            self._destroy(self._context)
            self._context = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def run(self, inputs):
        """Runs the model on `inputs`, a dict by input name or a sequence in
        input order, and returns a dict of outputs by name."""
        if not self._context:
            raise QuantcError("the model is closed")
        if isinstance(inputs, dict):
            unknown = set(inputs) - {t.name for t in self.inputs}
            if unknown:
                raise QuantcError(f"no input named {sorted(unknown)[0]!r}; "
                                  f"inputs: {[t.name for t in self.inputs]}")
            missing = [t.name for t in self.inputs if t.name not in inputs]
            if missing:
                raise QuantcError(f"input {missing[0]!r} is missing")
            inputs = [inputs[t.name] for t in self.inputs]
        if len(inputs) != len(self.inputs):
            raise QuantcError(f"the model takes {len(self.inputs)} inputs, "
                              f"got {len(inputs)}")
        arrays, shapes = [], []
        for info, value in zip(self.inputs, inputs):
            array = np.asarray(value)
            if array.dtype != info.dtype:
                raise QuantcError(f"input {info.name!r} has element type "
                                  f"{array.dtype}, the model takes "
                                  f"{np.dtype(info.dtype)}")
            if array.ndim != len(info.shape):
                raise QuantcError(f"input {info.name!r} has rank {array.ndim}, "
                                  f"the model takes {len(info.shape)}")
            arrays.append(np.ascontiguousarray(array))
            shapes.append((ctypes.c_int64 * max(array.ndim, 1))(*array.shape))

        n_in, n_out = len(arrays), len(self.outputs)
        data = (ctypes.c_void_p * max(n_in, 1))(*[a.ctypes.data for a in arrays])
        shape_ptrs = (ctypes.c_void_p * max(n_in, 1))(
            *[ctypes.cast(s, ctypes.c_void_p) for s in shapes])
        out_data = (ctypes.c_void_p * max(n_out, 1))()
        out_shapes = [(ctypes.c_int64 * max(len(t.shape), 1))() for t in self.outputs]
        out_shape_ptrs = (ctypes.c_void_p * max(n_out, 1))(
            *[ctypes.cast(s, ctypes.c_void_p) for s in out_shapes])
        status = self._run(self._context, data, shape_ptrs, out_data, out_shape_ptrs)
        if status != 0:
            raise QuantcError(self._last_error(self._context).decode())

        results = {}
        for i, info in enumerate(self.outputs):
            shape = tuple(out_shapes[i][d] for d in range(len(info.shape)))
            results[info.name] = np.asarray(
                _OutputBuffer(out_data[i], shape, np.dtype(info.dtype), self._free))
        return results

    def benchmark(self, inputs=None, runs=20, warmup=1):
        """Times `run` on `inputs` (random ones of the declared shapes if
        None): the median and the minimum of `runs` calls after `warmup`
        calls, in milliseconds, as a dict. The times include the binding's
        work (an input that is not C-contiguous of its type is copied;
        outputs are not); `quantc run --bench` times the library alone."""
        import time
        if runs < 1:
            raise QuantcError(f"runs must be 1 or more, not {runs!r}")
        if inputs is None:
            rng = np.random.default_rng(0)
            inputs = {}
            for info in self.inputs:
                if any(d is None for d in info.shape):
                    raise QuantcError(f"input {info.name!r} has a dynamic shape "
                                      f"{info.shape}; pass inputs to benchmark")
                dtype = np.dtype(info.dtype)
                if dtype.kind == "f":
                    value = rng.standard_normal(info.shape).astype(dtype)
                elif dtype.kind == "b":
                    value = rng.integers(0, 2, info.shape).astype(dtype)
                else:
                    value = rng.integers(0, 8, info.shape).astype(dtype)
                inputs[info.name] = value
        for _ in range(warmup):
            self.run(inputs)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            self.run(inputs)
            times.append((time.perf_counter() - start) * 1e3)
        return {"median_ms": float(np.median(times)), "min_ms": float(min(times)),
                "runs": runs}


def load(path, threads=0):
    """Loads the shared library a `quantc compile` wrote; its runs use
    `threads` threads (0: one a core)."""
    return CompiledModel(path, threads)
