//===- FuseActivations.cpp - The qnn-fuse-activations pass ----------------===//
//
// Recognizes activations that exporters write as several ops:
//   x * clip(x + 3, 0, 6) / 6   (or * 1/6)   is hard_swish(x);
//   clip(x + 3, 0, 6) / 6       (or * 1/6)   is hard_sigmoid(x) with
//                                            alpha 1/6 and beta 1/2.
// One op computes them in one pass over memory, and a quantized graph
// then needs one table instead of four rounded steps. The fused op takes
// the location of the last op it replaces, and so its calibration key.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_FUSEACTIVATIONS
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// Whether `value` is a constant f32 splat within a binary32 rounding of
/// `expected`.
static bool isSplat(Value value, double expected) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat() ||
      !attr.getElementType().isF32())
    return false;
  double v = attr.getSplatValue<float>();
  return std::abs(v - expected) <= 1e-7 * std::abs(expected);
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

struct FuseActivationsPass final
    : quantc::impl::FuseActivationsBase<FuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseHard>(&getContext());
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
