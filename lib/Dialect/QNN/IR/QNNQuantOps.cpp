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
