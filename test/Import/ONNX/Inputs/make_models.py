"""Writes the models of the importer tests that ONNX's text syntax cannot
express: external data, named nodes, Constant nodes and quantized weights.

Usage: make_models.py OUT_DIR
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def external_data(out):
    """A named Gemm whose weight lives in weights.bin beside the model."""
    w = numpy_helper.from_array(
        np.arange(6, dtype=np.float32).reshape(2, 3) / 4, name="w")
    bias = helper.make_node(
        "Constant", [], ["bias"], name="bias_const",
        value=numpy_helper.from_array(np.array([0.5, -0.5], np.float32)))
    gemm = helper.make_node("Gemm", ["x", "w", "bias"], ["y"], name="fc1",
                            transB=1)
    graph = helper.make_graph(
        [bias, gemm], "external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
        [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save_model(model, os.path.join(out, "external.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)

    # The same model pointing outside its folder.
    outside = onnx.load(os.path.join(out, "external.onnx"), load_external_data=False)
    for entry in outside.graph.initializer[0].external_data:
        if entry.key == "location":
            entry.value = "../weights.bin"
    onnx.save(outside, os.path.join(out, "outside.onnx"))


def qdq(out):
    """A QDQ convolution: uint8 activations, int8 per-channel weights."""
    w = numpy_helper.from_array(
        np.array([[[[2]], [[-4]]], [[[127]], [[-127]]]], np.int8), name="w_q")
    w_scale = numpy_helper.from_array(np.array([0.5, 0.25], np.float32), name="w_scale")
    w_zp = numpy_helper.from_array(np.array([0, 0], np.int8), name="w_zp")
    x_scale = numpy_helper.from_array(np.array(0.1, np.float32), name="x_scale")
    x_zp = numpy_helper.from_array(np.array(128, np.uint8), name="x_zp")
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], name="quant_x"),
        helper.make_node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"], name="dequant_x"),
        helper.make_node("DequantizeLinear", ["w_q", "w_scale", "w_zp"], ["wd"],
                         name="dequant_w", axis=0),
        helper.make_node("Conv", ["xd", "wd"], ["y"], name="conv"),
    ]
    graph = helper.make_graph(
        nodes, "qdq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])],
        [w, w_scale, w_zp, x_scale, x_zp])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "qdq.onnx"))


def qlinear(out):
    """QLinearMatMul with constant parameters; in qlinear-input.onnx its
    quantized input is a uint8 graph input instead of a QuantizeLinear."""
    inits = [numpy_helper.from_array(v, n) for n, v in [
        ("a_scale", np.array(0.5, np.float32)), ("a_zp", np.array(3, np.uint8)),
        ("b", np.array([[1, -2], [3, 4]], np.int8)),
        ("b_scale", np.array([0.25, 0.125], np.float32)), ("b_zp", np.zeros(2, np.int8)),
        ("y_scale", np.array(0.75, np.float32)), ("y_zp", np.array(-1, np.int8))]]
    for name, quantized_input in [("qlinear", False), ("qlinear-input", True)]:
        nodes = [] if quantized_input else [
            helper.make_node("QuantizeLinear", ["x", "a_scale", "a_zp"], ["a"], name="quant")]
        nodes += [helper.make_node("QLinearMatMul", ["x" if quantized_input else "a",
                                                     "a_scale", "a_zp", "b", "b_scale", "b_zp",
                                                     "y_scale", "y_zp"], ["yq"], name="mm"),
                  helper.make_node("DequantizeLinear", ["yq", "y_scale", "y_zp"], ["y"],
                                   name="dequant")]
        element = TensorProto.UINT8 if quantized_input else TensorProto.FLOAT
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("x", element, [3, 2])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    external_data(out)
    qdq(out)
    qlinear(out)
