//===- ConvertNormalization.cpp - ONNX normalizations to qnn -------------===//
//
// Softmax (with the flattening semantics of opsets before 13),
// LayerNormalization and inference BatchNormalization.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// Creates qnn.softmax or qnn.log_softmax, as the node's op type says.
static Value createSoftmax(NodeContext &ctx, Type type, Value input,
                           int64_t axis) {
  IntegerAttr axisAttr = ctx.getBuilder().getI64IntegerAttr(axis);
  if (ctx.getNode().op_type() == "LogSoftmax")
    return ctx.create<qnn::LogSoftmaxOp>(type, input, axisAttr);
  return ctx.create<qnn::SoftmaxOp>(type, input, axisAttr);
}

LogicalResult onnx_import::convertSoftmax(NodeContext &ctx) {
  Value input = ctx.getInput(0);
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.getInt("axis"), rank, "axis");
  if (failed(axis))
    return failure();
  if (ctx.getOpset() >= 13 || *axis == rank - 1) {
    ctx.setOutput(0, createSoftmax(ctx, type, input, *axis));
    return success();
  }

  // Before opset 13 (log) softmax normalizes over the flattened dimensions
  // [axis, rank): coerce to 2-d, normalize the rows, restore the shape.
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t d : dims) {
      if (ShapedType::isDynamic(d))
        return ShapedType::kDynamic;
      p *= d;
    }
    return p;
  };
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rows = product(shape.take_front(*axis));
  int64_t cols = product(shape.drop_front(*axis));
  if (ShapedType::isDynamic(cols) || type.getNumDynamicDims() > 1)
    return ctx.emitError() << "softmax over the flattened dimensions from axis "
                           << *axis << " needs static sizes there";
  FailureOr<Value> matrix = createReshape(ctx, input, {rows, cols});
  if (failed(matrix))
    return failure();
  Value normalized = createSoftmax(ctx, matrix->getType(), *matrix, 1);
  FailureOr<Value> result = createReshape(ctx, normalized, shape);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertLayerNormalization(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, 2)))
    return failure();
  RankedTensorType type = ctx.getInputType(0);
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(ctx.getInt("axis"), type.getRank(), "axis");
  if (failed(axis))
    return failure();
  for (unsigned i = 1; i < ctx.getNumOutputs(); ++i)
    if (!ctx.getNode().output(i).empty())
      return ctx.emitError() << "the Mean and InvStdDev outputs are not "
                                "supported";
  Value bias = ctx.hasInput(2) ? ctx.getInput(2) : Value();
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::LayerNormOp>(
                       type, ctx.getInput(0), ctx.getInput(1), bias,
                       b.getI64IntegerAttr(*axis),
                       b.getF32FloatAttr(ctx.getFloat("epsilon"))));
  return success();
}

LogicalResult onnx_import::convertBatchNormalization(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, 4)))
    return failure();
  if (ctx.hasAttribute("spatial") && ctx.getInt("spatial") != 1)
    return ctx.emitError() << "spatial = 0 is not supported";
  if (ctx.hasAttribute("training_mode") && ctx.getInt("training_mode") != 0)
    return ctx.emitError() << "training_mode = 1 is not supported";
  for (unsigned i = 1; i < ctx.getNumOutputs(); ++i)
    if (!ctx.getNode().output(i).empty())
      return ctx.emitError() << "the training outputs are not supported";
  RankedTensorType type = ctx.getInputType(0);
  ctx.setOutput(0,
                ctx.create<qnn::BatchNormOp>(
                    type, ctx.getInput(0), ctx.getInput(1), ctx.getInput(2),
                    ctx.getInput(3), ctx.getInput(4),
                    ctx.getBuilder().getF32FloatAttr(ctx.getFloat("epsilon"))));
  return success();
}
