"""quantc's Python package: data handling around the quantc compiler and
the binding to the models it compiles.

`quantc.compile(model, ...)` compiles an ONNX model and loads it
(`quantc.compiler`); `quantc.load(path)` loads a compiled model
(`quantc.model`); `quantc.llm` generates text with compiled decoders and
measures their perplexity; `quantc.onnx_data` reads tensors and test cases
in ONNX's formats; `quantc.calibrate`, `quantc.analyze`, `quantc.plan` and
`quantc.report` mirror the commands of those names (`quantc.analysis`),
with metrics of the user's own.
"""

from quantc.analysis import Analysis, analyze, calibrate, plan, report
from quantc.compiler import compile
from quantc.model import CompiledModel, QuantcError, TensorInfo, load
from quantc import llm

__all__ = ["Analysis", "CompiledModel", "QuantcError", "TensorInfo", "analyze", "calibrate",
           "compile", "llm", "load", "plan", "report"]
