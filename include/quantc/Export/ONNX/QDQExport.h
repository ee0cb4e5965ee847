//===- QDQExport.h - Write quantization back as a QDQ ONNX model -*- C++
//-*-===//
//
// Writes the quantization that qnn-quantize chose for a model back into the
// ONNX model it was imported from, in the QDQ format that onnxruntime and
// other tools read: QuantizeLinear/DequantizeLinear pairs on the inputs of
// the quantized contractions, and their weights and biases as int8 and
// int32 initializers behind a DequantizeLinear.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_EXPORT_ONNX_QDQEXPORT_H
#define QUANTC_EXPORT_ONNX_QDQEXPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include "onnx/onnx_pb.h"

namespace quantc {

/// Reads the ONNX model at `path` into `model`, reporting failure at `loc`.
mlir::LogicalResult readONNXModel(llvm::StringRef path, mlir::Location loc,
                                  onnx::ModelProto &model);

/// Rewrites `model`, the ONNX model that `func` was imported from, to carry
/// the quantization of `func` in QDQ form: every qnn.conv, qnn.matmul or
/// qnn.gemm whose operands qnn-quantize put behind a qnn.dequantize (before
/// qnn-fold-qdq) is found by its ONNX node name, and the node's input,
/// weight and bias get the same types; the weight and bias are written from
/// the IR's stored integers. A model below opset 13 that needs per-axis
/// scales (or below opset 10) is moved to opset 13 first; a node whose
/// definition changed in between and that cannot be rewritten is reported.
mlir::LogicalResult exportQDQ(mlir::func::FuncOp func, onnx::ModelProto &model);

} // namespace quantc

#endif // QUANTC_EXPORT_ONNX_QDQEXPORT_H
