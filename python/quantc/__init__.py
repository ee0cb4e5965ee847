"""quantc's Python package: data handling around the quantc compiler.

`quantc.onnx_data` reads tensors and test cases in ONNX's formats.
"""
