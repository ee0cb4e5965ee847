//===- ConvertElementwise.cpp - ONNX elementwise ops to qnn --------------===//
//
// Binary arithmetic with broadcasting (variadic Max, Min, Sum and Mean fold
// left), activations, and the ops that only pass their input on at
// inference (Identity, Dropout).
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// Folds `OpTy` over the inputs of a binary or variadic op.
template <typename OpTy> static FailureOr<Value> foldInputs(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, ctx.getNumInputs() - 1)))
    return failure();
  Value result = ctx.getInput(0);
  for (unsigned i = 1, e = ctx.getNumInputs(); i < e; ++i) {
    FailureOr<Value> next =
        createBroadcastBinary<OpTy>(ctx, result, ctx.getInput(i));
    if (failed(next))
      return failure();
    result = *next;
  }
  return result;
}

template <typename OpTy> static LogicalResult convertFold(NodeContext &ctx) {
  FailureOr<Value> result = foldInputs<OpTy>(ctx);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertAdd(NodeContext &ctx) {
  return convertFold<qnn::AddOp>(ctx);
}
LogicalResult onnx_import::convertSub(NodeContext &ctx) {
  return convertFold<qnn::SubOp>(ctx);
}
LogicalResult onnx_import::convertMul(NodeContext &ctx) {
  return convertFold<qnn::MulOp>(ctx);
}
LogicalResult onnx_import::convertDiv(NodeContext &ctx) {
  return convertFold<qnn::DivOp>(ctx);
}
LogicalResult onnx_import::convertMax(NodeContext &ctx) {
  return convertFold<qnn::MaxOp>(ctx);
}
LogicalResult onnx_import::convertMin(NodeContext &ctx) {
  return convertFold<qnn::MinOp>(ctx);
}
/// Equal, Less, LessOrEqual, Greater and GreaterOrEqual: qnn.compare.
static LogicalResult convertCompare(NodeContext &ctx,
                                    qnn::ComparePredicate predicate) {
  if (failed(checkSameElementType(ctx, 0, 1)))
    return failure();
  Type element = ctx.getInputType(0).getElementType();
  if (!isa<FloatType, IntegerType>(element))
    return ctx.emitError() << "comparing " << element
                           << " elements is not supported";
  FailureOr<qnn::Shape> shape =
      broadcastValues(ctx, {ctx.getInput(0), ctx.getInput(1)});
  if (failed(shape))
    return failure();
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0,
                ctx.create<qnn::CompareOp>(
                    RankedTensorType::get(*shape, b.getI1Type()),
                    ctx.getInput(0), ctx.getInput(1),
                    qnn::ComparePredicateAttr::get(b.getContext(), predicate)));
  return success();
}

LogicalResult onnx_import::convertEqual(NodeContext &ctx) {
  return convertCompare(ctx, qnn::ComparePredicate::Eq);
}
LogicalResult onnx_import::convertLess(NodeContext &ctx) {
  return convertCompare(ctx, qnn::ComparePredicate::Lt);
}
LogicalResult onnx_import::convertLessOrEqual(NodeContext &ctx) {
  return convertCompare(ctx, qnn::ComparePredicate::Le);
}
LogicalResult onnx_import::convertGreater(NodeContext &ctx) {
  return convertCompare(ctx, qnn::ComparePredicate::Gt);
}
LogicalResult onnx_import::convertGreaterOrEqual(NodeContext &ctx) {
  return convertCompare(ctx, qnn::ComparePredicate::Ge);
}

LogicalResult onnx_import::convertWhere(NodeContext &ctx) {
  RankedTensorType condition = ctx.getInputType(0);
  RankedTensorType lhs = ctx.getInputType(1);
  if (!condition.getElementType().isInteger(1))
    return ctx.emitError() << "the condition has element type "
                           << condition.getElementType() << ", not bool";
  if (failed(checkSameElementType(ctx, 1, 2)))
    return failure();
  if (!isa<FloatType, IntegerType>(lhs.getElementType()))
    return ctx.emitError() << "choosing between " << lhs.getElementType()
                           << " elements is not supported";
  FailureOr<qnn::Shape> shape =
      broadcastValues(ctx, {ctx.getInput(0), ctx.getInput(1), ctx.getInput(2)});
  if (failed(shape))
    return failure();
  ctx.setOutput(0, ctx.create<qnn::WhereOp>(lhs.clone(*shape), ctx.getInput(0),
                                            ctx.getInput(1), ctx.getInput(2)));
  return success();
}

LogicalResult onnx_import::convertSum(NodeContext &ctx) {
  return convertFold<qnn::AddOp>(ctx);
}

LogicalResult onnx_import::convertPow(NodeContext &ctx) {
  // ONNX lets the exponent have another type; qnn computes in the base's.
  Value base = ctx.getInput(0), exponent = ctx.getInput(1);
  if (ctx.getInputType(1).getElementType() !=
      ctx.getInputType(0).getElementType())
    return ctx.emitError() << "an exponent of element type "
                           << ctx.getInputType(1).getElementType()
                           << " for a base of "
                           << ctx.getInputType(0).getElementType()
                           << " is not supported";
  FailureOr<Value> result =
      createBroadcastBinary<qnn::PowOp>(ctx, base, exponent);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertMean(NodeContext &ctx) {
  FailureOr<Value> sum = foldInputs<qnn::AddOp>(ctx);
  if (failed(sum))
    return failure();
  Type element = ctx.getInputType(0).getElementType();
  if (!isa<FloatType>(element))
    return ctx.emitError() << "the mean of " << element
                           << " tensors is not supported";
  auto scalarType = RankedTensorType::get({}, element);
  Value count = ctx.createConstant(DenseElementsAttr::get(
      scalarType, FloatAttr::get(element, double(ctx.getNumInputs()))));
  FailureOr<Value> mean = createBroadcastBinary<qnn::DivOp>(ctx, *sum, count);
  if (failed(mean))
    return failure();
  ctx.setOutput(0, *mean);
  return success();
}

/// Checks that input 0 holds real numbers, as every activation needs.
static LogicalResult checkFloatInput(NodeContext &ctx) {
  Type element = ctx.getInputType(0).getElementType();
  if (!isa<FloatType>(element))
    return ctx.emitError() << "input of element type " << element
                           << " is not supported; it must be a float type";
  return success();
}

/// Converts a unary op with no attributes.
template <typename OpTy> static LogicalResult convertUnary(NodeContext &ctx) {
  if (failed(checkFloatInput(ctx)))
    return failure();
  Value input = ctx.getInput(0);
  ctx.setOutput(0, ctx.create<OpTy>(input.getType(), input));
  return success();
}

LogicalResult onnx_import::convertRelu(NodeContext &ctx) {
  return convertUnary<qnn::ReluOp>(ctx);
}
LogicalResult onnx_import::convertSigmoid(NodeContext &ctx) {
  return convertUnary<qnn::SigmoidOp>(ctx);
}
LogicalResult onnx_import::convertHardSwish(NodeContext &ctx) {
  return convertUnary<qnn::HardSwishOp>(ctx);
}
LogicalResult onnx_import::convertTanh(NodeContext &ctx) {
  return convertUnary<qnn::TanhOp>(ctx);
}
LogicalResult onnx_import::convertErf(NodeContext &ctx) {
  return convertUnary<qnn::ErfOp>(ctx);
}
LogicalResult onnx_import::convertExp(NodeContext &ctx) {
  return convertUnary<qnn::ExpOp>(ctx);
}
LogicalResult onnx_import::convertLog(NodeContext &ctx) {
  return convertUnary<qnn::LogOp>(ctx);
}
LogicalResult onnx_import::convertSqrt(NodeContext &ctx) {
  return convertUnary<qnn::SqrtOp>(ctx);
}
LogicalResult onnx_import::convertNeg(NodeContext &ctx) {
  return convertUnary<qnn::NegOp>(ctx);
}
LogicalResult onnx_import::convertAbs(NodeContext &ctx) {
  return convertUnary<qnn::AbsOp>(ctx);
}
LogicalResult onnx_import::convertRound(NodeContext &ctx) {
  return convertUnary<qnn::RoundOp>(ctx);
}
LogicalResult onnx_import::convertFloor(NodeContext &ctx) {
  return convertUnary<qnn::FloorOp>(ctx);
}
LogicalResult onnx_import::convertCeil(NodeContext &ctx) {
  return convertUnary<qnn::CeilOp>(ctx);
}

LogicalResult onnx_import::convertLeakyRelu(NodeContext &ctx) {
  if (failed(checkFloatInput(ctx)))
    return failure();
  Value input = ctx.getInput(0);
  Builder &b = ctx.getBuilder();
  ctx.setOutput(
      0, ctx.create<qnn::LeakyReluOp>(
             input.getType(), input, b.getF32FloatAttr(ctx.getFloat("alpha"))));
  return success();
}

LogicalResult onnx_import::convertHardSigmoid(NodeContext &ctx) {
  if (failed(checkFloatInput(ctx)))
    return failure();
  Value input = ctx.getInput(0);
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::HardSigmoidOp>(
                       input.getType(), input,
                       b.getF32FloatAttr(ctx.getFloat("alpha")),
                       b.getF32FloatAttr(ctx.getFloat("beta"))));
  return success();
}

LogicalResult onnx_import::convertGelu(NodeContext &ctx) {
  if (failed(checkFloatInput(ctx)))
    return failure();
  std::string approximate = ctx.getString("approximate");
  std::optional<qnn::GeluApproximation> kind =
      qnn::symbolizeGeluApproximation(approximate);
  if (!kind)
    return ctx.emitError() << "approximate '" << approximate
                           << "' is not 'none' or 'tanh'";
  Value input = ctx.getInput(0);
  ctx.setOutput(0, ctx.create<qnn::GeluOp>(input.getType(), input, *kind));
  return success();
}

LogicalResult onnx_import::convertReciprocal(NodeContext &ctx) {
  if (failed(checkFloatInput(ctx)))
    return failure();
  Value input = ctx.getInput(0);
  auto scalarType =
      RankedTensorType::get({}, ctx.getInputType(0).getElementType());
  Value one = ctx.createConstant(DenseElementsAttr::get(
      scalarType, FloatAttr::get(scalarType.getElementType(), 1.0)));
  FailureOr<Value> result = createBroadcastBinary<qnn::DivOp>(ctx, one, input);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertClip(NodeContext &ctx) {
  if (failed(checkFloatInput(ctx)))
    return failure();
  std::optional<float> min, max;
  if (ctx.getOpset() < 11) {
    // Before opset 11 the bounds are attributes, unbounded by default.
    if (ctx.hasAttribute("min"))
      min = ctx.getFloat("min");
    if (ctx.hasAttribute("max"))
      max = ctx.getFloat("max");
  } else {
    for (unsigned i : {1u, 2u}) {
      if (!ctx.hasInput(i))
        continue;
      FailureOr<float> bound = ctx.getConstantScalar(i, i == 1 ? "min" : "max");
      if (failed(bound))
        return failure();
      (i == 1 ? min : max) = *bound;
    }
  }
  if (min && *min <= std::numeric_limits<float>::lowest())
    min.reset();
  if (max && *max >= std::numeric_limits<float>::max())
    max.reset();
  if (min && max && *min > *max)
    return ctx.emitError() << "min " << *min << " is greater than max " << *max;
  Value input = ctx.getInput(0);
  Builder &b = ctx.getBuilder();
  FloatAttr minAttr = min ? b.getF32FloatAttr(*min) : FloatAttr();
  FloatAttr maxAttr = max ? b.getF32FloatAttr(*max) : FloatAttr();
  ctx.setOutput(
      0, ctx.create<qnn::ClipOp>(input.getType(), input, minAttr, maxAttr));
  return success();
}

LogicalResult onnx_import::convertIdentity(NodeContext &ctx) {
  ctx.setOutput(0, ctx.getInput(0));
  return success();
}

LogicalResult onnx_import::convertDropout(NodeContext &ctx) {
  // At inference Dropout passes its input on. Opset 12 makes the ratio and
  // training mode inputs; training mode must be off.
  if (ctx.hasInput(2)) {
    DenseElementsAttr training = ctx.getConstantInput(2);
    if (!training || training.getNumElements() != 1 ||
        !training.getValues<APInt>()[0].isZero())
      return ctx.emitError() << "training_mode must be a constant false";
  }
  if (ctx.getNumOutputs() > 1 && !ctx.getNode().output(1).empty())
    return ctx.emitError() << "the mask output is not supported";
  ctx.setOutput(0, ctx.getInput(0));
  return success();
}
