"""Tensors and test cases in the layouts ONNX uses.

ONNX stores a tensor as a serialized `onnx.TensorProto` (`.pb`), and a test
case as a folder `test_data_set_N/` of `input_K.pb` and `output_K.pb`.
numpy's `.npy` files are read as well. Errors name the file and the reason.
"""

import os
import re

import numpy as np
from onnx import TensorProto, numpy_helper


class DataError(Exception):
    """A tensor file or test folder that cannot be read."""


def read_tensor(path):
    """Reads a `.pb` (onnx.TensorProto) or `.npy` file into a numpy array."""
    try:
        if path.endswith(".npy"):
            return np.load(path, allow_pickle=False)
        proto = TensorProto()
        with open(path, "rb") as f:
            proto.ParseFromString(f.read())
        return numpy_helper.to_array(proto)
    except (OSError, ValueError) as e:
        raise DataError(f"{path}: {e}") from e
    except Exception as e:  # protobuf raises its own DecodeError
        raise DataError(f"{path}: not a serialized onnx.TensorProto ({e})") from e


def _numbered(folder, prefix):
    pattern = re.compile(rf"^{prefix}_(\d+)\.(pb|npy)$")
    found = {}
    for name in os.listdir(folder):
        match = pattern.match(name)
        if match:
            index = int(match.group(1))
            if index in found:
                raise DataError(f"{folder}: two files for {prefix}_{index}")
            found[index] = os.path.join(folder, name)
    if sorted(found) != list(range(len(found))):
        raise DataError(f"{folder}: {prefix}_N files are not numbered 0 to "
                        f"{len(found) - 1}")
    return [read_tensor(found[i]) for i in range(len(found))]


def read_test_data_set(folder):
    """Reads `input_K` and `output_K` tensors of one ONNX test data set.

    Returns `(inputs, outputs)` as lists of numpy arrays in index order.
    """
    if not os.path.isdir(folder):
        raise DataError(f"{folder}: not a folder")
    inputs, outputs = _numbered(folder, "input"), _numbered(folder, "output")
    if not inputs and not outputs:
        raise DataError(f"{folder}: no input_N or output_N files (.pb or .npy)")
    return inputs, outputs


_MLIR_ELEMENTS = {
    np.dtype(np.float32): "f32",
    np.dtype(np.float16): "f16",
    np.dtype(np.float64): "f64",
    np.dtype(np.int8): "i8",
    np.dtype(np.uint8): "i8",
    np.dtype(np.int16): "i16",
    np.dtype(np.int32): "i32",
    np.dtype(np.int64): "i64",
}


def mlir_dense(array):
    """The MLIR literal `dense<"0x...">` of `array` with its tensor type.

    The bytes are written raw, so no value is rounded in printing. Unsigned
    integers take MLIR's signless type of their width.
    """
    array = np.asarray(array, order="C")  # keeps 0-d arrays 0-d
    element = _MLIR_ELEMENTS.get(array.dtype)
    if element is None:
        raise DataError(f"no MLIR element type for numpy {array.dtype}")
    dims = "".join(f"{d}x" for d in array.shape)
    raw = array.astype(array.dtype.newbyteorder("<")).tobytes().hex().upper()
    return f'dense<"0x{raw}"> : tensor<{dims}{element}>'


def parse_mlir_dense(literal, dtype, shape):
    """Reads back the raw bytes of a `dense<"0x...">` literal."""
    match = re.search(r'dense<"0x([0-9A-Fa-f]*)">', literal)
    if not match:
        raise DataError(f"not a hex dense literal: {literal[:80]}")
    data = np.frombuffer(bytes.fromhex(match.group(1)), dtype=np.dtype(dtype).newbyteorder("<"))
    count = int(np.prod(shape))
    if data.size == 1 and count != 1:
        data = np.full(count, data[0])  # MLIR writes a splat once
    if data.size != count:
        raise DataError(f"literal holds {data.size} elements, expected {count}")
    return data.astype(dtype).reshape(shape)
