//===- QNNTraits.cpp - Type rules shared by qnn ops ----------------------===//
//
// Rules T1 (same expressed type), T2 (quantized parameters fit shapes) and
// T3 (broadcast result shape) of docs/dialect.md.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNTraits.h"
#include "quantc/Dialect/QNN/IR/QNNTypes.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

/// Names a value of `op` in diagnostics: "operand #1" or "result #0".
static std::string describeValue(Operation *op, Value value) {
  if (auto result = dyn_cast<OpResult>(value))
    return "result #" + std::to_string(result.getResultNumber());
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get() == value)
      return "operand #" + std::to_string(operand.getOperandNumber());
  return "value";
}

/// Applies `check` to every operand, then every result, of `op`, stopping at
/// the first failure.
static LogicalResult checkEachValue(Operation *op,
                                    function_ref<LogicalResult(Value)> check) {
  for (Value operand : op->getOperands())
    if (failed(check(operand)))
      return failure();
  for (Value result : op->getResults())
    if (failed(check(result)))
      return failure();
  return success();
}

LogicalResult qnn::verifySameExpressedType(Operation *op) {
  Value first;
  Type expected;
  auto check = [&](Value value) -> LogicalResult {
    Type expressed = getExpressedType(getElementTypeOrSelf(value.getType()));
    if (!first) {
      first = value;
      expected = expressed;
      return success();
    }
    if (expressed == expected)
      return success();
    return op->emitOpError("requires one expressed type, but ")
           << describeValue(op, value) << " expresses " << expressed << " and "
           << describeValue(op, first) << " expresses " << expected;
  };
  return checkEachValue(op, check);
}

LogicalResult qnn::verifyQuantizedShapesFit(Operation *op) {
  return checkEachValue(op, [&](Value value) -> LogicalResult {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      return success();
    return verifyQuantizedTypeFitsShape(
        [&] { return op->emitOpError() << describeValue(op, value) << ": "; },
        type);
  });
}

LogicalResult qnn::verifyBroadcastsOperands(Operation *op) {
  Shape shape;
  bool first = true;
  for (Value operand : op->getOperands()) {
    auto operandShape = cast<RankedTensorType>(operand.getType()).getShape();
    if (first) {
      shape.assign(operandShape.begin(), operandShape.end());
      first = false;
      continue;
    }
    FailureOr<Shape> broadcast = broadcastShapes(shape, operandShape);
    if (failed(broadcast))
      return op->emitOpError("operand shapes ")
             << formatShape(shape) << " and " << formatShape(operandShape)
             << " do not broadcast";
    shape = *broadcast;
  }
  auto resultShape = cast<RankedTensorType>(op->getResult(0).getType());
  return verifyCompatibleShape(op, "result", resultShape.getShape(), shape);
}
