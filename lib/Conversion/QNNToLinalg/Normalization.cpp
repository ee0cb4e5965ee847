//===- Normalization.cpp - Lower qnn softmax and normalizations ----------===//
//
//   softmax(x)    = exp(x - max(x)) / sum(exp(x - max(x)))   along one axis
//   log_softmax(x) = (x - max(x)) - log(sum(exp(x - max(x))))
//   layer_norm(x) = (x - mean) / sqrt(var + eps) * scale + bias
//                   over [axis, rank), var = mean((x - mean)^2)
//   batch_norm(x) = (x - mean[c]) / sqrt(var[c] + eps) * scale[c] + bias[c]
// Reductions keep their dimensions so that the elementwise steps broadcast
// them back.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

/// `type` with the dimensions in `axes` set to 1.
static RankedTensorType keepDims(RankedTensorType type,
                                 ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t axis : axes)
    shape[axis] = 1;
  return type.clone(shape);
}

/// The steps softmax and log-softmax share along `axis`: the input shifted
/// by its maximum, and the sum of the shifted values' exponentials (kept as
/// a size-1 dimension).
struct ShiftedExponentials {
  Value shifted, exp, sum;
};

static ShiftedExponentials createShiftedExponentials(PatternRewriter &rewriter,
                                                     Location loc, Value input,
                                                     int64_t axis) {
  auto type = cast<RankedTensorType>(input.getType());
  Type element = type.getElementType();
  RankedTensorType reducedType = keepDims(type, axis);
  Value max = createReduction(rewriter, loc, input, axis, qnn::ReduceKind::Max,
                              reducedType);
  Value shifted =
      createElementwise(rewriter, loc, type, {input, max},
                        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                          ScalarBuilder s(b, nestedLoc, element);
                          return s.sub(args[0], args[1]);
                        });
  Value exp = createElementwise(
      rewriter, loc, type, shifted,
      [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
        return Value(math::ExpOp::create(b, nestedLoc, args[0]));
      });
  Value sum = createReduction(rewriter, loc, exp, axis, qnn::ReduceKind::Sum,
                              reducedType);
  return {shifted, exp, sum};
}

namespace {

struct SoftmaxLowering final : OpRewritePattern<qnn::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "not a float softmax");
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    ShiftedExponentials parts =
        createShiftedExponentials(rewriter, loc, op.getInput(), op.getAxis());
    rewriter.replaceOp(
        op, createElementwise(
                rewriter, loc, type, {parts.exp, parts.sum},
                [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                  ScalarBuilder s(b, nestedLoc, type.getElementType());
                  return s.div(args[0], args[1]);
                }));
    return success();
  }
};

struct LogSoftmaxLowering final : OpRewritePattern<qnn::LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "not a float softmax");
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    ShiftedExponentials parts =
        createShiftedExponentials(rewriter, loc, op.getInput(), op.getAxis());
    rewriter.replaceOp(
        op, createElementwise(
                rewriter, loc, type, {parts.shifted, parts.sum},
                [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                  ScalarBuilder s(b, nestedLoc, type.getElementType());
                  return s.sub(args[0],
                               math::LogOp::create(b, nestedLoc, args[1]));
                }));
    return success();
  }
};

/// (x - mean) / sqrt(var + eps) * scale + bias, on scalars.
static Value normalize(ScalarBuilder &s, Value centered, Value variance,
                       double epsilon, Value scale, Value bias) {
  Value deviation =
      math::SqrtOp::create(s.b, s.loc, s.add(variance, s.constant(epsilon)));
  Value y = s.mul(s.div(centered, deviation), scale);
  return bias ? s.add(y, bias) : y;
}

struct LayerNormLowering final : OpRewritePattern<qnn::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "not a float layer norm");
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    SmallVector<int64_t> axes;
    for (int64_t d = op.getAxis(); d < type.getRank(); ++d)
      axes.push_back(d);
    RankedTensorType reducedType = keepDims(type, axes);
    Value mean = createReduction(rewriter, loc, op.getInput(), axes,
                                 qnn::ReduceKind::Mean, reducedType);
    Value centered = createElementwise(
        rewriter, loc, type, {op.getInput(), mean},
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          ScalarBuilder s(b, nestedLoc, element);
          return s.sub(args[0], args[1]);
        });
    Value squares = createElementwise(
        rewriter, loc, type, centered,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          ScalarBuilder s(b, nestedLoc, element);
          return s.mul(args[0], args[0]);
        });
    Value variance = createReduction(rewriter, loc, squares, axes,
                                     qnn::ReduceKind::Mean, reducedType);
    SmallVector<Value> inputs = {centered, variance, op.getScale()};
    if (Value bias = op.getBias())
      inputs.push_back(bias);
    double epsilon = op.getEpsilon().convertToDouble();
    rewriter.replaceOp(
        op, createElementwise(
                rewriter, loc, type, inputs,
                [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                  ScalarBuilder s(b, nestedLoc, element);
                  return normalize(s, args[0], args[1], epsilon, args[2],
                                   args.size() > 3 ? args[3] : Value());
                }));
    return success();
  }
};

struct BatchNormLowering final : OpRewritePattern<qnn::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    // The per-channel parameters become [C, 1, ..., 1] so that they
    // broadcast against [N, C, D...].
    SmallVector<Value> inputs = {op.getInput()};
    for (Value param :
         {op.getMean(), op.getVar(), op.getScale(), op.getBias()}) {
      auto paramType = cast<RankedTensorType>(param.getType());
      SmallVector<int64_t> shape(type.getRank() - 1, 1);
      shape[0] = paramType.getDimSize(0);
      SmallVector<ReassociationIndices> groups(1);
      for (int64_t i = 0; i < type.getRank() - 1; ++i)
        groups[0].push_back(i);
      inputs.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc, paramType.clone(shape), param, groups));
    }
    double epsilon = op.getEpsilon().convertToDouble();
    rewriter.replaceOp(
        op, createElementwise(
                rewriter, loc, type, inputs,
                [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                  ScalarBuilder s(b, nestedLoc, element);
                  return normalize(s, s.sub(args[0], args[1]), args[2], epsilon,
                                   args[3], args[4]);
                }));
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, LayerNormLowering, LogSoftmaxLowering,
               SoftmaxLowering>(patterns.getContext());
}
