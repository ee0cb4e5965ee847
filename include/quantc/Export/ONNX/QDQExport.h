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
/// weight and bias get the same types. Errors (a weight that is not an
/// initializer, per-axis scales below opset 13) are reported at the op.
mlir::LogicalResult exportQDQ(mlir::func::FuncOp func, onnx::ModelProto &model);

} // namespace quantc

#endif // QUANTC_EXPORT_ONNX_QDQEXPORT_H
