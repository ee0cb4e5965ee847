//===- QNNTypes.cpp - Queries on qnn tensor element types -----------------===//
//
// Reads the upstream quantized types as qnn uses them (rules T1 and T2 of
// docs/dialect.md).
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNTypes.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

Type qnn::getExpressedType(Type elementType) {
  if (auto quantized = dyn_cast<quant::QuantizedType>(elementType))
    return quantized.getExpressedType();
  return elementType;
}

static LogicalResult
verifyPerAxisFits(function_ref<InFlightDiagnostic()> emitError,
                  RankedTensorType type,
                  quant::UniformQuantizedPerAxisType perAxis) {
  int64_t axis = perAxis.getQuantizedDimension();
  if (axis >= type.getRank())
    return emitError() << "quantized dimension " << axis
                       << " is out of range for " << type;
  int64_t size = type.getDimSize(axis);
  int64_t numScales = perAxis.getScales().size();
  if (!ShapedType::isDynamic(size) && size != numScales)
    return emitError() << type << " has " << numScales
                       << " scales for dimension " << axis << " of size "
                       << size;
  return success();
}

static LogicalResult
verifySubChannelFits(function_ref<InFlightDiagnostic()> emitError,
                     RankedTensorType type,
                     quant::UniformQuantizedSubChannelType subChannel) {
  auto scalesShape = subChannel.getScales().getType().getShape();
  if (int64_t(scalesShape.size()) != type.getRank())
    return emitError() << type << " has rank-" << scalesShape.size()
                       << " scales for a rank-" << type.getRank() << " tensor";

  Shape blockSizes(type.getShape());
  for (auto [axis, block] : subChannel.getBlockSizeInfo()) {
    if (axis >= type.getRank())
      return emitError() << "quantized dimension " << axis
                         << " is out of range for " << type;
    blockSizes[axis] = block;
  }
  for (int64_t axis = 0, rank = type.getRank(); axis < rank; ++axis) {
    int64_t size = type.getDimSize(axis);
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(blockSizes[axis]))
      continue;
    if (size % blockSizes[axis] != 0)
      return emitError() << "block size " << blockSizes[axis]
                         << " does not divide dimension " << axis << " of size "
                         << size << " in " << type;
    if (scalesShape[axis] != size / blockSizes[axis])
      return emitError() << type << " has " << scalesShape[axis]
                         << " scales along dimension " << axis << " but "
                         << size / blockSizes[axis] << " blocks";
  }
  return success();
}

LogicalResult
qnn::verifyQuantizedTypeFitsShape(function_ref<InFlightDiagnostic()> emitError,
                                  RankedTensorType type) {
  Type element = type.getElementType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element))
    return verifyPerAxisFits(emitError, type, perAxis);
  if (auto subChannel =
          dyn_cast<quant::UniformQuantizedSubChannelType>(element))
    return verifySubChannelFits(emitError, type, subChannel);
  return success();
}

FailureOr<Type> qnn::getTransposedElementType(Type elementType,
                                              ArrayRef<int64_t> perm) {
  if (isa<quant::UniformQuantizedSubChannelType>(elementType))
    return failure();
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType);
  if (!perAxis)
    return elementType;
  // Result dimension i reads input dimension perm[i]; the quantized input
  // axis lands where perm names it.
  auto it = llvm::find(perm, int64_t(perAxis.getQuantizedDimension()));
  if (it == perm.end())
    return failure();
  return Type(quant::UniformQuantizedPerAxisType::get(
      perAxis.getFlags(), perAxis.getStorageType(), perAxis.getExpressedType(),
      perAxis.getScales(), perAxis.getZeroPoints(), int32_t(it - perm.begin()),
      perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax()));
}
