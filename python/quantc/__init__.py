"""quantc's Python package: data handling around the quantc compiler and
the binding to the models it compiles.

`quantc.onnx_data` reads tensors and test cases in ONNX's formats;
`quantc.load(path)` loads a compiled model (`quantc.model`).
"""

from quantc.model import CompiledModel, QuantcError, TensorInfo, load

__all__ = ["CompiledModel", "QuantcError", "TensorInfo", "load"]
