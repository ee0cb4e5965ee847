//===- FuseActivations.cpp - The qnn-fuse-activations pass ----------------===//
//
// Recognizes activations that exporters write as several ops:
//   x * clip(x + 3, 0, 6) / 6   (or * 1/6)   is hard_swish(x);
//   clip(x + 3, 0, 6) / 6       (or * 1/6)   is hard_sigmoid(x) with
//                                            alpha 1/6 and beta 1/2;
//   (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) * gamma + beta
//                                            is layer_norm(x, gamma, beta)
//                                            over the trailing axes the
//                                            means reduce.
// One op computes them in fewer passes over memory, and a quantized graph
// then needs one integer op instead of several rounded steps. The fused op
// takes the location of the last op it replaces, and so its calibration key.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_FUSEACTIVATIONS
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The f32 value of a constant splat, if `value` is one.
static std::optional<float> getSplat(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat() ||
      !attr.getElementType().isF32())
    return std::nullopt;
  return attr.getSplatValue<float>();
}

/// Whether `value` is a constant f32 splat within a binary32 rounding of
/// `expected`.
static bool isSplat(Value value, double expected) {
  std::optional<float> v = getSplat(value);
  return v && std::abs(double(*v) - expected) <= 1e-7 * std::abs(expected);
}

/// The x of `clip(x + 3, 0, 6)`, or null.
static Value matchRelu6Plus3(Value value) {
  auto clip = value.getDefiningOp<qnn::ClipOp>();
  if (!clip || !clip.getMin() || !clip.getMax() ||
      clip.getMin()->convertToDouble() != 0.0 ||
      clip.getMax()->convertToDouble() != 6.0)
    return {};
  auto add = clip.getInput().getDefiningOp<qnn::AddOp>();
  if (!add)
    return {};
  if (isSplat(add.getRhs(), 3.0))
    return add.getLhs();
  if (isSplat(add.getLhs(), 3.0))
    return add.getRhs();
  return {};
}

namespace {
/// `y / 6` or `y * (1/6)`, with y = x * relu6(x + 3) or relu6(x + 3).
struct FuseHard final : RewritePattern {
  FuseHard(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    Value scaled;
    if (auto div = dyn_cast<qnn::DivOp>(op)) {
      if (isSplat(div.getRhs(), 6.0))
        scaled = div.getLhs();
    } else if (auto mul = dyn_cast<qnn::MulOp>(op)) {
      if (isSplat(mul.getRhs(), 1.0 / 6.0))
        scaled = mul.getLhs();
      else if (isSplat(mul.getLhs(), 1.0 / 6.0))
        scaled = mul.getRhs();
    }
    if (!scaled)
      return failure();
    Type type = op->getResult(0).getType();
    // hard_sigmoid: relu6(x + 3) / 6.
    if (Value x = matchRelu6Plus3(scaled)) {
      if (x.getType() != type)
        return failure();
      rewriter.replaceOpWithNewOp<qnn::HardSigmoidOp>(
          op, type, x, rewriter.getF32FloatAttr(1.0f / 6.0f),
          rewriter.getF32FloatAttr(0.5f));
      return success();
    }
    // hard_swish: x * relu6(x + 3) / 6.
    auto product = scaled.getDefiningOp<qnn::MulOp>();
    if (!product)
      return failure();
    for (auto [x, gate] : {std::pair(product.getLhs(), product.getRhs()),
                           std::pair(product.getRhs(), product.getLhs())}) {
      if (matchRelu6Plus3(gate) == x && x.getType() == type) {
        rewriter.replaceOpWithNewOp<qnn::HardSwishOp>(op, type, x);
        return success();
      }
    }
    return failure();
  }
};

/// The x and axes of `reduce<mean>(x)` over trailing axes with kept
/// dimensions, or null.
static Value matchTrailingMean(Value value, int64_t &axis) {
  auto reduce = value.getDefiningOp<qnn::ReduceOp>();
  if (!reduce || reduce.getKind() != qnn::ReduceKind::Mean ||
      !reduce.getKeepdims())
    return {};
  auto type = cast<RankedTensorType>(reduce.getInput().getType());
  ArrayRef<int64_t> axes = reduce.getAxes();
  if (axes.empty())
    return {};
  SmallVector<int64_t> sorted(axes);
  for (int64_t &a : sorted)
    if (a < 0)
      a += type.getRank();
  llvm::sort(sorted);
  for (auto [i, a] : llvm::enumerate(sorted))
    if (a != type.getRank() - int64_t(sorted.size()) + int64_t(i))
      return {};
  axis = sorted.front();
  return reduce.getInput();
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) * gamma + beta, the
/// layer norm exporters write as ten ops, with constant gamma and beta, to
/// qnn.layer_norm.
struct FuseLayerNorm final : OpRewritePattern<qnn::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::AddOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [scaled, beta] : {std::pair(op.getLhs(), op.getRhs()),
                                std::pair(op.getRhs(), op.getLhs())}) {
      auto mul = scaled.getDefiningOp<qnn::MulOp>();
      if (!mul || !matchPattern(beta, m_Constant()))
        continue;
      for (auto [normalized, gamma] : {std::pair(mul.getLhs(), mul.getRhs()),
                                       std::pair(mul.getRhs(), mul.getLhs())}) {
        if (!matchPattern(gamma, m_Constant()))
          continue;
        auto div = normalized.getDefiningOp<qnn::DivOp>();
        if (!div)
          continue;
        Value centered = div.getLhs();
        auto sub = centered.getDefiningOp<qnn::SubOp>();
        auto sqrt = div.getRhs().getDefiningOp<qnn::SqrtOp>();
        if (!sub || !sqrt)
          continue;
        int64_t axis = -1, varianceAxis = -1;
        Value x = sub.getLhs();
        if (matchTrailingMean(sub.getRhs(), axis) != x)
          continue;
        auto addEps = sqrt.getInput().getDefiningOp<qnn::AddOp>();
        if (!addEps)
          continue;
        std::optional<float> epsilon = getSplat(addEps.getRhs());
        Value variance = addEps.getLhs();
        if (!epsilon) {
          epsilon = getSplat(addEps.getLhs());
          variance = addEps.getRhs();
        }
        if (!epsilon || !(*epsilon > 0))
          continue;
        Value squared = matchTrailingMean(variance, varianceAxis);
        if (!squared || varianceAxis != axis)
          continue;
        bool isSquare = false;
        if (auto pow = squared.getDefiningOp<qnn::PowOp>())
          isSquare = pow.getLhs() == centered && getSplat(pow.getRhs()) == 2.0f;
        else if (auto square = squared.getDefiningOp<qnn::MulOp>())
          isSquare = square.getLhs() == centered && square.getRhs() == centered;
        if (!isSquare || x.getType() != op.getType())
          continue;
        auto layerNorm = qnn::LayerNormOp::create(
            rewriter, op.getLoc(), op.getType(), x, gamma, beta,
            rewriter.getI64IntegerAttr(axis),
            rewriter.getF32FloatAttr(*epsilon));
        if (failed(mlir::verify(layerNorm))) {
          rewriter.eraseOp(layerNorm);
          continue;
        }
        rewriter.replaceOp(op, layerNorm.getResult());
        return success();
      }
    }
    return failure();
  }
};

struct FuseActivationsPass final
    : quantc::impl::FuseActivationsBase<FuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseHard, FuseLayerNorm>(&getContext());
    if (failed(
            applyPatternsWithoutFolding(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
