//===- QNNQuantOps.cpp - Constants and quantization casts ----------------===//
//
// Verifiers and folders of qnn.constant, qnn.quantize, qnn.dequantize and
// qnn.requantize. Folding a cast of a constant applies the rounding rules of
// docs/numerics.md through QuantizedElements.h.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/QNNTypes.h"
#include "quantc/Dialect/QNN/IR/QuantizedElements.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult
ConstantOp::verifyValueFitsType(ElementsAttr value, RankedTensorType type,
                                function_ref<InFlightDiagnostic()> emitError) {
  // constant-C1
  auto valueType = cast<ShapedType>(value.getType());
  if (!type.hasStaticShape() || valueType.getShape() != type.getShape())
    return emitError() << "value of type " << valueType
                       << " does not have the static shape of " << type;
  // constant-C2
  Type element = type.getElementType();
  Type expectedElement = element;
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    expectedElement = quantized.getStorageType();
  if (valueType.getElementType() != expectedElement)
    return emitError() << "value elements of type "
                       << valueType.getElementType() << " do not match "
                       << expectedElement;
  return success();
}

LogicalResult ConstantOp::verify() {
  return verifyValueFitsType(getValue(), getType(),
                             [&] { return emitOpError(); });
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// CodebookConstantOp
//===----------------------------------------------------------------------===//

LogicalResult CodebookConstantOp::verify() {
  RankedTensorType type = getType();
  auto indicesType = cast<ShapedType>(getIndices().getType());
  // codebook_constant-C1
  if (!type.hasStaticShape() || indicesType.getShape() != type.getShape())
    return emitOpError("indices of type ")
           << indicesType << " do not have the static shape of " << type;
  // codebook_constant-C2
  Type indexElement = indicesType.getElementType();
  if (!indexElement.isUnsignedInteger(4) && !indexElement.isUnsignedInteger(8))
    return emitOpError("indices must be ui4 or ui8, not ") << indexElement;
  // codebook_constant-C3
  auto codebookType = cast<ShapedType>(getCodebook().getType());
  if (codebookType.getElementType() != type.getElementType())
    return emitOpError("codebook elements of type ")
           << codebookType.getElementType() << " do not match "
           << type.getElementType();
  // codebook_constant-C4
  std::optional<int64_t> axis = getAxis();
  if (!axis && codebookType.getRank() != 1)
    return emitOpError("a codebook without axis must have rank 1");
  if (axis) {
    if (*axis < 0 || *axis >= type.getRank())
      return emitOpError("axis ") << *axis << " is out of range";
    if (codebookType.getRank() != 2 ||
        codebookType.getDimSize(0) != type.getDimSize(*axis))
      return emitOpError("a codebook along axis ")
             << *axis << " must have shape [" << type.getDimSize(*axis)
             << ", entries], not " << codebookType;
  }
  // codebook_constant-C5
  int64_t entries = codebookType.getShape().back();
  unsigned bits = indexElement.getIntOrFloatBitWidth();
  if (entries < 1 || entries > (int64_t(1) << bits))
    return emitOpError("a codebook of ")
           << bits << "-bit indices must have 1 to " << (1 << bits)
           << " entries, not " << entries;
  for (const APInt &index : getIndices().getValues<APInt>())
    if (int64_t(index.getZExtValue()) >= entries)
      return emitOpError("index ")
             << index.getZExtValue() << " is out of range for " << entries
             << " entries";
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  // quantize-C1
  Type expressed = getExpressedType(getType().getElementType());
  if (expressed != getInput().getType().getElementType())
    return emitOpError("result expresses ")
           << expressed << " but the input holds "
           << getInput().getType().getElementType();
  return success();
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  // quantize(dequantize(q)) to q's own type gives back q: every stored value
  // dequantizes to a real that quantizes to it again.
  if (auto dequantize = getInput().getDefiningOp<DequantizeOp>();
      dequantize && dequantize.getInput().getType() == getType())
    return dequantize.getInput();
  auto values = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  if (!values)
    return {};
  FailureOr<DenseElementsAttr> stored = quantizeElements(values, getType());
  if (failed(stored))
    return {};
  return *stored;
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  // dequantize-C1
  Type expressed = getExpressedType(getInput().getType().getElementType());
  if (expressed != getType().getElementType())
    return emitOpError("input expresses ")
           << expressed << " but the result holds "
           << getType().getElementType();
  return success();
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  auto stored = dyn_cast_if_present<ElementsAttr>(adaptor.getInput());
  if (!stored)
    return {};
  FailureOr<DenseElementsAttr> values =
      dequantizeElements(stored, getInput().getType());
  if (failed(values))
    return {};
  return *values;
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// QuantizeLinearOp, DequantizeLinearOp and DynamicQuantizeLinearOp
//===----------------------------------------------------------------------===//

/// quantize_linear-C2 and dequantize_linear-C2: the scale and zero point of
/// `op`, applied to `input` along `axis`, are scalars or 1-D along it.
static LogicalResult verifyLinearParams(Operation *op, RankedTensorType input,
                                        RankedTensorType scale,
                                        RankedTensorType zeroPoint,
                                        int64_t axis) {
  if (!isa<IntegerType>(zeroPoint.getElementType()) ||
      !llvm::is_contained({8u, 16u, 32u}, zeroPoint.getElementTypeBitWidth()))
    return op->emitOpError("the zero point must hold 8-, 16- or 32-bit "
                           "integers, got ")
           << zeroPoint.getElementType();
  if (scale.getShape() != zeroPoint.getShape() &&
      !areCompatibleShapes(scale.getShape(), zeroPoint.getShape()))
    return op->emitOpError("scale and zero point shapes differ: ")
           << formatShape(scale.getShape()) << " and "
           << formatShape(zeroPoint.getShape());
  if (scale.getRank() == 0)
    return success();
  if (scale.getRank() != 1)
    return op->emitOpError("the scale must be a scalar or 1-D, got rank ")
           << scale.getRank();
  if (axis < 0 || axis >= input.getRank())
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << input.getRank();
  return verifyCompatibleShape(op, "scale", scale.getShape(),
                               {input.getDimSize(axis)});
}

LogicalResult QuantizeLinearOp::verify() {
  RankedTensorType input = getInput().getType();
  // quantize_linear-C1
  if (getScale().getType().getElementType() != input.getElementType())
    return emitOpError("the scale holds ")
           << getScale().getType().getElementType() << " but the input "
           << input.getElementType();
  if (getType().getElementType() != getZeroPoint().getType().getElementType())
    return emitOpError("the result holds ")
           << getType().getElementType() << " but the zero point "
           << getZeroPoint().getType().getElementType();
  // quantize_linear-C2, quantize_linear-C3
  if (failed(verifyLinearParams(*this, input, getScale().getType(),
                                getZeroPoint().getType(), getAxis())))
    return failure();
  return verifyCompatibleShape(*this, "result", getType().getShape(),
                               input.getShape());
}

LogicalResult DequantizeLinearOp::verify() {
  RankedTensorType input = getInput().getType();
  // dequantize_linear-C1
  if (getZeroPoint().getType().getElementType() != input.getElementType())
    return emitOpError("the zero point holds ")
           << getZeroPoint().getType().getElementType() << " but the input "
           << input.getElementType();
  if (getType().getElementType() != getScale().getType().getElementType())
    return emitOpError("the result holds ")
           << getType().getElementType() << " but the scale "
           << getScale().getType().getElementType();
  // dequantize_linear-C2, dequantize_linear-C3
  if (failed(verifyLinearParams(*this, input, getScale().getType(),
                                getZeroPoint().getType(), getAxis())))
    return failure();
  return verifyCompatibleShape(*this, "result", getType().getShape(),
                               input.getShape());
}

LogicalResult DynamicQuantizeLinearOp::verify() {
  RankedTensorType input = getInput().getType();
  // dynamic_quantize_linear-C1
  auto u8 = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  if (!input.getElementType().isF32() ||
      getResult().getType().getElementType() != u8 ||
      getZeroPoint().getType().getElementType() != u8 ||
      !getScale().getType().getElementType().isF32())
    return emitOpError("takes f32 and gives ui8 values, an f32 scale and a "
                       "ui8 zero point");
  // dynamic_quantize_linear-C3
  if (getPerRow() && input.getRank() == 0)
    return emitOpError("per_row needs rank 1 or more");
  // dynamic_quantize_linear-C2
  Shape params;
  if (getPerRow()) {
    params = Shape(input.getShape());
    params.back() = 1;
  }
  if (failed(verifyCompatibleShape(*this, "result",
                                   getResult().getType().getShape(),
                                   input.getShape())) ||
      failed(verifyCompatibleShape(*this, "scale",
                                   getScale().getType().getShape(), params)))
    return failure();
  return verifyCompatibleShape(*this, "zero point",
                               getZeroPoint().getType().getShape(), params);
}
