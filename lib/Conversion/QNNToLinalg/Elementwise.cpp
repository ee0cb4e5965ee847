//===- Elementwise.cpp - Lower qnn constants and elementwise ops ---------===//
//
// Each elementwise op becomes one broadcasting linalg.generic whose body is
// the op's scalar formula in arith and math. The formulas follow ONNX:
//   sigmoid(x)      = 1 / (1 + exp(-x))
//   hard_sigmoid(x) = max(0, min(1, alpha * x + beta))
//   hard_swish(x)   = x * max(0, min(1, x / 6 + 1 / 2))
//   gelu(x)         = x / 2 * (1 + erf(x / sqrt(2)))
//   gelu_tanh(x)    = x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))
// max and min propagate NaN (arith.maximumf, arith.minimumf).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

namespace {

// The scalar formula of each op, given its scalar operands.
Value buildScalar(qnn::AddOp, ScalarBuilder &s, ValueRange a) {
  return s.add(a[0], a[1]);
}
Value buildScalar(qnn::SubOp, ScalarBuilder &s, ValueRange a) {
  return s.sub(a[0], a[1]);
}
Value buildScalar(qnn::MulOp, ScalarBuilder &s, ValueRange a) {
  return s.mul(a[0], a[1]);
}
Value buildScalar(qnn::DivOp, ScalarBuilder &s, ValueRange a) {
  return s.div(a[0], a[1]);
}
Value buildScalar(qnn::MaxOp, ScalarBuilder &s, ValueRange a) {
  return s.max(a[0], a[1]);
}
Value buildScalar(qnn::MinOp, ScalarBuilder &s, ValueRange a) {
  return s.min(a[0], a[1]);
}
Value buildScalar(qnn::PowOp, ScalarBuilder &s, ValueRange a) {
  if (s.isFloat())
    return math::PowFOp::create(s.b, s.loc, a[0], a[1]);
  return math::IPowIOp::create(s.b, s.loc, a[0], a[1]);
}
Value buildScalar(qnn::ReluOp, ScalarBuilder &s, ValueRange a) {
  return s.max(a[0], s.constant(0.0));
}
Value buildScalar(qnn::LeakyReluOp op, ScalarBuilder &s, ValueRange a) {
  Value negative = arith::CmpFOp::create(s.b, s.loc, arith::CmpFPredicate::OLT,
                                         a[0], s.constant(0.0));
  Value scaled = s.mul(a[0], s.constant(op.getAlpha().convertToDouble()));
  return arith::SelectOp::create(s.b, s.loc, negative, scaled, a[0]);
}
Value buildScalar(qnn::ClipOp op, ScalarBuilder &s, ValueRange a) {
  Value x = a[0];
  if (std::optional<APFloat> min = op.getMin())
    x = s.max(x, s.constant(min->convertToDouble()));
  if (std::optional<APFloat> max = op.getMax())
    x = s.min(x, s.constant(max->convertToDouble()));
  return x;
}
Value buildScalar(qnn::SigmoidOp, ScalarBuilder &s, ValueRange a) {
  Value negated = arith::NegFOp::create(s.b, s.loc, a[0]);
  Value exp = math::ExpOp::create(s.b, s.loc, negated);
  return s.div(s.constant(1.0), s.add(s.constant(1.0), exp));
}
Value buildScalar(qnn::HardSigmoidOp op, ScalarBuilder &s, ValueRange a) {
  Value linear = s.add(s.mul(a[0], s.constant(op.getAlpha().convertToDouble())),
                       s.constant(op.getBeta().convertToDouble()));
  return s.clampUnit(linear);
}
Value buildScalar(qnn::HardSwishOp, ScalarBuilder &s, ValueRange a) {
  Value linear = s.add(s.mul(a[0], s.constant(1.0 / 6.0)), s.constant(0.5));
  return s.mul(a[0], s.clampUnit(linear));
}
Value buildScalar(qnn::TanhOp, ScalarBuilder &s, ValueRange a) {
  return math::TanhOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::GeluOp op, ScalarBuilder &s, ValueRange a) {
  Value x = a[0];
  Value phi;
  if (op.getApproximate() == qnn::GeluApproximation::Tanh) {
    Value cube = s.mul(x, s.mul(x, x));
    Value inner = s.mul(s.constant(std::sqrt(2.0 / M_PI)),
                        s.add(x, s.mul(s.constant(0.044715), cube)));
    phi = math::TanhOp::create(s.b, s.loc, inner);
  } else {
    phi = math::ErfOp::create(s.b, s.loc, s.mul(x, s.constant(M_SQRT1_2)));
  }
  return s.mul(s.mul(x, s.constant(0.5)), s.add(s.constant(1.0), phi));
}
Value buildScalar(qnn::ErfOp, ScalarBuilder &s, ValueRange a) {
  return math::ErfOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::ExpOp, ScalarBuilder &s, ValueRange a) {
  return math::ExpOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::LogOp, ScalarBuilder &s, ValueRange a) {
  return math::LogOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::SqrtOp, ScalarBuilder &s, ValueRange a) {
  return math::SqrtOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::NegOp, ScalarBuilder &s, ValueRange a) {
  return arith::NegFOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::AbsOp, ScalarBuilder &s, ValueRange a) {
  return math::AbsFOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::RoundOp, ScalarBuilder &s, ValueRange a) {
  return math::RoundEvenOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::FloorOp, ScalarBuilder &s, ValueRange a) {
  return math::FloorOp::create(s.b, s.loc, a[0]);
}
Value buildScalar(qnn::CeilOp, ScalarBuilder &s, ValueRange a) {
  return math::CeilOp::create(s.b, s.loc, a[0]);
}

/// Lowers an elementwise op to a broadcasting linalg.generic around its
/// scalar formula.
template <typename OpTy>
struct ElementwiseLowering final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    if (isa<IntegerType>(element) && !element.isSignlessInteger())
      return rewriter.notifyMatchFailure(
          op, "signed and unsigned integer types are not lowered yet");
    Value result =
        createElementwise(rewriter, op.getLoc(), type, op->getOperands(),
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            ScalarBuilder scalars(b, loc, element);
                            return buildScalar(op, scalars, args);
                          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// One element of qnn.cast: see the op's description for the rules.
static Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::UNE, x,
          arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0.0)));
    return arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne, x,
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0)));
  }
  if (from.isInteger(1))
    return toFloat ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                   : arith::ExtUIOp::create(b, loc, to, x).getResult();
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  if (toFloat)
    return arith::SIToFPOp::create(b, loc, to, x);
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (!fromFloat) {
    unsigned fromWidth = from.getIntOrFloatBitWidth();
    return fromWidth < toWidth
               ? arith::ExtSIOp::create(b, loc, to, x).getResult()
               : arith::TruncIOp::create(b, loc, to, x).getResult();
  }
  // Float to integer: truncate toward zero, saturate, NaN to 0. The bounds
  // +-2^(w-1) are exact in every float type (or infinite).
  double bound = std::ldexp(1.0, toWidth - 1);
  auto floatConstant = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(from, v));
  };
  auto intConstant = [&](const APInt &v) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(to, v));
  };
  Value truncated = arith::FPToSIOp::create(b, loc, to, x);
  Value tooHigh = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                        floatConstant(bound));
  Value tooLow = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                       floatConstant(-bound));
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value result = arith::SelectOp::create(
      b, loc, tooHigh, intConstant(APInt::getSignedMaxValue(toWidth)),
      truncated);
  result = arith::SelectOp::create(
      b, loc, tooLow, intConstant(APInt::getSignedMinValue(toWidth)), result);
  return arith::SelectOp::create(b, loc, isNaN, intConstant(APInt(toWidth, 0)),
                                 result);
}

/// qnn.cast is an elementwise generic around castScalar.
struct CastLowering final : OpRewritePattern<qnn::CastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::CastOp op,
                                PatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    rewriter.replaceOp(
        op,
        createElementwise(rewriter, op.getLoc(), op.getType(), op.getInput(),
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return castScalar(b, loc, args[0], to);
                          }));
    return success();
  }
};

/// qnn.compare is an elementwise generic around arith.cmpf (ordered
/// predicates: false on NaN) or arith.cmpi (signed).
struct CompareLowering final : OpRewritePattern<qnn::CompareOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::CompareOp op,
                                PatternRewriter &rewriter) const override {
    Type element = op.getLhs().getType().getElementType();
    if (isa<IntegerType>(element) && !element.isSignlessInteger())
      return rewriter.notifyMatchFailure(
          op, "signed and unsigned integer types are not lowered yet");
    qnn::ComparePredicate predicate = op.getPredicate();
    auto body = [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
      if (isa<FloatType>(element)) {
        arith::CmpFPredicate p = arith::CmpFPredicate::OEQ;
        switch (predicate) {
        case qnn::ComparePredicate::Eq:
          p = arith::CmpFPredicate::OEQ;
          break;
        case qnn::ComparePredicate::Lt:
          p = arith::CmpFPredicate::OLT;
          break;
        case qnn::ComparePredicate::Le:
          p = arith::CmpFPredicate::OLE;
          break;
        case qnn::ComparePredicate::Gt:
          p = arith::CmpFPredicate::OGT;
          break;
        case qnn::ComparePredicate::Ge:
          p = arith::CmpFPredicate::OGE;
          break;
        }
        return arith::CmpFOp::create(b, loc, p, args[0], args[1]);
      }
      arith::CmpIPredicate p = arith::CmpIPredicate::eq;
      switch (predicate) {
      case qnn::ComparePredicate::Eq:
        p = arith::CmpIPredicate::eq;
        break;
      case qnn::ComparePredicate::Lt:
        p = arith::CmpIPredicate::slt;
        break;
      case qnn::ComparePredicate::Le:
        p = arith::CmpIPredicate::sle;
        break;
      case qnn::ComparePredicate::Gt:
        p = arith::CmpIPredicate::sgt;
        break;
      case qnn::ComparePredicate::Ge:
        p = arith::CmpIPredicate::sge;
        break;
      }
      return arith::CmpIOp::create(b, loc, p, args[0], args[1]);
    };
    rewriter.replaceOp(op,
                       createElementwise(rewriter, op.getLoc(), op.getType(),
                                         op->getOperands(), body));
    return success();
  }
};

/// qnn.where is an elementwise generic around arith.select.
struct WhereLowering final : OpRewritePattern<qnn::WhereOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::WhereOp op,
                                PatternRewriter &rewriter) const override {
    Type element = op.getType().getElementType();
    if (isa<IntegerType>(element) && !element.isSignlessInteger())
      return rewriter.notifyMatchFailure(
          op, "signed and unsigned integer types are not lowered yet");
    rewriter.replaceOp(
        op, createElementwise(
                rewriter, op.getLoc(), op.getType(), op->getOperands(),
                [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                  return arith::SelectOp::create(b, loc, args[0], args[1],
                                                 args[2]);
                }));
    return success();
  }
};

/// qnn.constant of a float or signless integer tensor is arith.constant.
struct ConstantLowering final : OpRewritePattern<qnn::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    Type element = op.getType().getElementType();
    if (!value || (isa<IntegerType>(element) && !element.isSignlessInteger()))
      return rewriter.notifyMatchFailure(
          op, "only dense float and signless integer constants are lowered");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<
      CastLowering, CompareLowering, WhereLowering, ConstantLowering,
      ElementwiseLowering<qnn::AddOp>, ElementwiseLowering<qnn::SubOp>,
      ElementwiseLowering<qnn::MulOp>, ElementwiseLowering<qnn::DivOp>,
      ElementwiseLowering<qnn::MaxOp>, ElementwiseLowering<qnn::MinOp>,
      ElementwiseLowering<qnn::PowOp>, ElementwiseLowering<qnn::ReluOp>,
      ElementwiseLowering<qnn::LeakyReluOp>, ElementwiseLowering<qnn::ClipOp>,
      ElementwiseLowering<qnn::SigmoidOp>,
      ElementwiseLowering<qnn::HardSigmoidOp>,
      ElementwiseLowering<qnn::HardSwishOp>, ElementwiseLowering<qnn::TanhOp>,
      ElementwiseLowering<qnn::GeluOp>, ElementwiseLowering<qnn::ErfOp>,
      ElementwiseLowering<qnn::ExpOp>, ElementwiseLowering<qnn::LogOp>,
      ElementwiseLowering<qnn::SqrtOp>, ElementwiseLowering<qnn::NegOp>,
      ElementwiseLowering<qnn::AbsOp>, ElementwiseLowering<qnn::RoundOp>,
      ElementwiseLowering<qnn::FloorOp>, ElementwiseLowering<qnn::CeilOp>>(
      patterns.getContext());
}
