"""quantc's Python package: data handling around the quantc compiler and
the binding to the models it compiles.

`quantc.compile(model, ...)` compiles an ONNX model and loads it
(`quantc.compiler`); `quantc.load(path)` loads a compiled model
(`quantc.model`); `quantc.llm` generates text with compiled decoders and
measures their perplexity; `quantc.onnx_data` reads tensors and test cases
in ONNX's formats.
"""

from quantc.compiler import compile
from quantc.model import CompiledModel, QuantcError, TensorInfo, load
from quantc import llm

__all__ = ["CompiledModel", "QuantcError", "TensorInfo", "compile", "llm", "load"]
