//===- Converters.h - ONNX node converters ----------------------*- C++ -*-===//
//
// The functions the op table dispatches to, one file per feature, and the
// helpers they share.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_IMPORT_ONNX_CONVERTERS_H
#define QUANTC_LIB_IMPORT_ONNX_CONVERTERS_H

#include "GraphImporter.h"

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

namespace quantc::onnx_import {

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// Checks that inputs `first` to `last` (inclusive, where given) share one
/// element type, as ONNX's type constraints require.
mlir::LogicalResult checkSameElementType(NodeContext &ctx, unsigned first,
                                         unsigned last);

/// The numpy broadcast of the shapes of `values`, or an error naming them
/// ("operand shapes [2, 3] and [4] do not broadcast").
mlir::FailureOr<qnn::Shape> broadcastValues(NodeContext &ctx,
                                            mlir::ValueRange values);

/// Creates `OpTy(lhs, rhs)` with the broadcast result shape and `lhs`'s
/// element type, or reports operands that do not broadcast.
template <typename OpTy>
mlir::FailureOr<mlir::Value>
createBroadcastBinary(NodeContext &ctx, mlir::Value lhs, mlir::Value rhs) {
  auto lhsType = llvm::cast<mlir::RankedTensorType>(lhs.getType());
  auto rhsType = llvm::cast<mlir::RankedTensorType>(rhs.getType());
  if (lhsType.getElementType() != rhsType.getElementType())
    return ctx.emitError() << "operands have element types "
                           << lhsType.getElementType() << " and "
                           << rhsType.getElementType();
  mlir::FailureOr<qnn::Shape> shape = broadcastValues(ctx, {lhs, rhs});
  if (mlir::failed(shape))
    return mlir::failure();
  return ctx.create<OpTy>(lhsType.clone(*shape), lhs, rhs);
}

/// Computes explicit pads for a windowed op from `auto_pad` (NOTSET, VALID,
/// SAME_UPPER, SAME_LOWER) and the `pads` attribute.
mlir::FailureOr<llvm::SmallVector<int64_t>>
resolvePads(NodeContext &ctx, llvm::ArrayRef<int64_t> spatialSizes,
            llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
            llvm::ArrayRef<int64_t> dilations);

/// The attribute `name` if set, else `count` copies of `fill`.
llvm::SmallVector<int64_t> getIntsOr(NodeContext &ctx, llvm::StringRef name,
                                     size_t count, int64_t fill);

/// Reshapes `value` to `shape`. More than one dynamic size is supported
/// when the reshape only adds or removes size-1 dimensions.
mlir::FailureOr<mlir::Value> createReshape(NodeContext &ctx, mlir::Value value,
                                           llvm::ArrayRef<int64_t> shape);

/// Size `dim` of `tensor` as a tensor<1xi64>: a constant when static,
/// qnn.shape otherwise.
mlir::Value createSizeTensor(NodeContext &ctx, mlir::Value tensor, int64_t dim);

/// The 1-D i64 shape tensor concatenating `sizes` (each a tensor<1xi64>).
mlir::Value createShapeTensor(NodeContext &ctx,
                              llvm::ArrayRef<mlir::Value> sizes);

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

// ConvertElementwise.cpp
mlir::LogicalResult convertAdd(NodeContext &ctx);
mlir::LogicalResult convertSub(NodeContext &ctx);
mlir::LogicalResult convertMul(NodeContext &ctx);
mlir::LogicalResult convertDiv(NodeContext &ctx);
mlir::LogicalResult convertPow(NodeContext &ctx);
mlir::LogicalResult convertMax(NodeContext &ctx);
mlir::LogicalResult convertMin(NodeContext &ctx);
mlir::LogicalResult convertSum(NodeContext &ctx);
mlir::LogicalResult convertMean(NodeContext &ctx);
mlir::LogicalResult convertRelu(NodeContext &ctx);
mlir::LogicalResult convertLeakyRelu(NodeContext &ctx);
mlir::LogicalResult convertSigmoid(NodeContext &ctx);
mlir::LogicalResult convertHardSigmoid(NodeContext &ctx);
mlir::LogicalResult convertHardSwish(NodeContext &ctx);
mlir::LogicalResult convertTanh(NodeContext &ctx);
mlir::LogicalResult convertGelu(NodeContext &ctx);
mlir::LogicalResult convertErf(NodeContext &ctx);
mlir::LogicalResult convertEqual(NodeContext &ctx);
mlir::LogicalResult convertLess(NodeContext &ctx);
mlir::LogicalResult convertLessOrEqual(NodeContext &ctx);
mlir::LogicalResult convertGreater(NodeContext &ctx);
mlir::LogicalResult convertGreaterOrEqual(NodeContext &ctx);
mlir::LogicalResult convertWhere(NodeContext &ctx);
mlir::LogicalResult convertExp(NodeContext &ctx);
mlir::LogicalResult convertLog(NodeContext &ctx);
mlir::LogicalResult convertSqrt(NodeContext &ctx);
mlir::LogicalResult convertNeg(NodeContext &ctx);
mlir::LogicalResult convertAbs(NodeContext &ctx);
mlir::LogicalResult convertRound(NodeContext &ctx);
mlir::LogicalResult convertFloor(NodeContext &ctx);
mlir::LogicalResult convertCeil(NodeContext &ctx);
mlir::LogicalResult convertReciprocal(NodeContext &ctx);
mlir::LogicalResult convertClip(NodeContext &ctx);
mlir::LogicalResult convertIdentity(NodeContext &ctx);
mlir::LogicalResult convertDropout(NodeContext &ctx);

// ConvertLinear.cpp
mlir::LogicalResult convertConv(NodeContext &ctx);
/// The attributes and result shape of an ONNX Conv-like node (Conv,
/// ConvInteger, QLinearConv) on tensors of these types, with its defaults
/// and auto_pad resolved.
struct ConvGeometry {
  llvm::SmallVector<int64_t> strides, dilations, pads;
  qnn::Shape shape;
};
mlir::FailureOr<ConvGeometry> getConvGeometry(NodeContext &ctx,
                                              mlir::RankedTensorType input,
                                              mlir::RankedTensorType weight);
/// The ONNX Conv of `input`, `weight` and `bias` (null if none) with the
/// node's attributes, as output 0 with element type `resultElement`.
mlir::LogicalResult buildConv(NodeContext &ctx, mlir::Value input,
                              mlir::Value weight, mlir::Value bias,
                              mlir::Type resultElement);
mlir::LogicalResult convertConvTranspose(NodeContext &ctx);
mlir::LogicalResult convertMatMul(NodeContext &ctx);
mlir::LogicalResult convertGemm(NodeContext &ctx);

// ConvertNormalization.cpp
mlir::LogicalResult convertSoftmax(NodeContext &ctx);
mlir::LogicalResult convertLayerNormalization(NodeContext &ctx);
mlir::LogicalResult convertBatchNormalization(NodeContext &ctx);

// ConvertReduction.cpp
mlir::LogicalResult convertReduce(NodeContext &ctx);
mlir::LogicalResult convertMaxPool(NodeContext &ctx);
mlir::LogicalResult convertAveragePool(NodeContext &ctx);
mlir::LogicalResult convertGlobalAveragePool(NodeContext &ctx);
mlir::LogicalResult convertGlobalMaxPool(NodeContext &ctx);

// ConvertShape.cpp
mlir::LogicalResult convertConstant(NodeContext &ctx);
mlir::LogicalResult convertShape(NodeContext &ctx);
mlir::LogicalResult convertSize(NodeContext &ctx);
mlir::LogicalResult convertCast(NodeContext &ctx);
mlir::LogicalResult convertReshape(NodeContext &ctx);
mlir::LogicalResult convertFlatten(NodeContext &ctx);
mlir::LogicalResult convertSqueeze(NodeContext &ctx);
mlir::LogicalResult convertUnsqueeze(NodeContext &ctx);
mlir::LogicalResult convertTranspose(NodeContext &ctx);
mlir::LogicalResult convertConcat(NodeContext &ctx);
mlir::LogicalResult convertSlice(NodeContext &ctx);
mlir::LogicalResult convertGather(NodeContext &ctx);
mlir::LogicalResult convertSplit(NodeContext &ctx);
mlir::LogicalResult convertRange(NodeContext &ctx);
mlir::LogicalResult convertPad(NodeContext &ctx);
mlir::LogicalResult convertResize(NodeContext &ctx);

// ConvertQuant.cpp
mlir::LogicalResult convertQuantizeLinear(NodeContext &ctx);
mlir::LogicalResult convertQLinearConv(NodeContext &ctx);
mlir::LogicalResult convertQLinearMatMul(NodeContext &ctx);
mlir::LogicalResult convertDynamicQuantizeLinear(NodeContext &ctx);
mlir::LogicalResult convertMatMulInteger(NodeContext &ctx);
mlir::LogicalResult convertConvInteger(NodeContext &ctx);
mlir::LogicalResult convertDequantizeLinear(NodeContext &ctx);

} // namespace quantc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_CONVERTERS_H
