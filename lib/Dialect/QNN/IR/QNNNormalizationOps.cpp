//===- QNNNormalizationOps.cpp - Softmax and normalizations --------------===//
//
// Verifiers of qnn.softmax, qnn.log_softmax, qnn.layer_norm and
// qnn.batch_norm.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

LogicalResult SoftmaxOp::verify() {
  // softmax-C1
  return verifyAxis(*this, getAxis(), getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  // log_softmax-C1
  return verifyAxis(*this, getAxis(), getType().getRank());
}

LogicalResult LayerNormOp::verify() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  int64_t axis = getAxis();
  // layer_norm-C1
  if (failed(verifyAxis(*this, axis, shape.size())))
    return failure();

  // layer_norm-C2: broadcasting may not grow the normalized block.
  ArrayRef<int64_t> normalized = shape.drop_front(axis);
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    auto paramShape = cast<RankedTensorType>(param.getType()).getShape();
    FailureOr<Shape> broadcast = broadcastShapes(paramShape, normalized);
    if (paramShape.size() > normalized.size() || failed(broadcast) ||
        !areCompatibleShapes(*broadcast, normalized))
      return emitOpError("parameter of shape ")
             << formatShape(paramShape) << " does not broadcast to the "
             << "normalized dimensions " << formatShape(normalized);
  }

  // layer_norm-C3
  if (getEpsilon().convertToDouble() <= 0.0)
    return emitOpError("epsilon must be positive");
  // layer_norm-C4
  return verifyCompatibleShape(*this, "result", getType().getShape(), shape);
}

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  // batch_norm-C1
  if (shape.size() < 2)
    return emitOpError("input must have rank 2 or more, got ") << shape.size();
  // batch_norm-C2
  for (Value param : {getScale(), getBias(), getMean(), getVar()}) {
    auto paramShape = cast<RankedTensorType>(param.getType()).getShape();
    if (!areCompatibleShapes(paramShape, {shape[1]}))
      return emitOpError("parameter of shape ")
             << formatShape(paramShape) << " does not match the channels "
             << formatShape({shape[1]});
  }
  // batch_norm-C3
  if (getEpsilon().convertToDouble() <= 0.0)
    return emitOpError("epsilon must be positive");
  // batch_norm-C4
  return verifyCompatibleShape(*this, "result", getType().getShape(), shape);
}
