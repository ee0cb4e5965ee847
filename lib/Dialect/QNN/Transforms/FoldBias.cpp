//===- FoldBias.cpp - The qnn-fold-bias pass ------------------------------===//
//
// Moves a constant bias that an add applies after a contraction into the
// contraction:
//   add(matmul(x, W), c)   with x and W 2-D, W and the vector c [N]
//                          constant,           is gemm(x, W, c);
//   add(conv(x, W), c)     with c constant [C] or [1, C, 1, ...] and no
//                          conv bias,          is conv(x, W, c).
// A quantized contraction then adds the bias in i32 (docs/numerics.md),
// instead of a float add after it. The contraction's location fuses the
// add's and its own: it keeps the add's calibration key, and --keep-float
// still finds its node name.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace quantc {
#define GEN_PASS_DEF_FOLDBIAS
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The f32 constant `value` as a vector of `count` values when its shape
/// holds `count` elements along `axis` of a tensor of rank `rank` (trailing
/// aligned, as ONNX broadcasts) and 1 elsewhere; else null.
static DenseElementsAttr getBiasVector(Value value, int64_t count, int64_t axis,
                                       int64_t rank) {
  DenseElementsAttr attr;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32() || type.getRank() > rank ||
      type.getNumElements() != count)
    return {};
  int64_t offset = rank - type.getRank();
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.getDimSize(d) != (d + offset == axis ? count : 1))
      return {};
  return attr.reshape(
      RankedTensorType::get({count}, attr.getType().getElementType()));
}

namespace {
struct FoldAddIntoContraction final : OpRewritePattern<qnn::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::AddOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [product, bias] : {std::pair(op.getLhs(), op.getRhs()),
                                 std::pair(op.getRhs(), op.getLhs())}) {
      Operation *producer = product.getDefiningOp();
      if (!producer || !product.hasOneUse() ||
          product.getType() != op.getType())
        continue;
      auto type = cast<RankedTensorType>(op.getType());
      if (auto matmul = dyn_cast<qnn::MatMulOp>(producer)) {
        auto weight = dyn_cast<RankedTensorType>(matmul.getRhs().getType());
        if (type.getRank() != 2 || !weight || weight.getRank() != 2 ||
            matmul.getLhs().getType().getRank() != 2 ||
            weight.isDynamicDim(1) ||
            !matchPattern(matmul.getRhs(), m_Constant()))
          continue;
        DenseElementsAttr vector =
            getBiasVector(bias, weight.getDimSize(1), 1, 2);
        if (!vector)
          continue;
        Value c = qnn::ConstantOp::create(
            rewriter, bias.getLoc(), cast<RankedTensorType>(vector.getType()),
            vector);
        auto gemm = qnn::GemmOp::create(
            rewriter, rewriter.getFusedLoc({op.getLoc(), matmul.getLoc()}),
            TypeRange{type}, ValueRange{matmul.getLhs(), matmul.getRhs(), c});
        rewriter.replaceOp(op, gemm.getResult());
        rewriter.eraseOp(matmul);
        return success();
      }
      if (auto conv = dyn_cast<qnn::ConvOp>(producer)) {
        if (conv.getBias() || type.isDynamicDim(1))
          continue;
        DenseElementsAttr vector =
            getBiasVector(bias, type.getDimSize(1), 1, type.getRank());
        if (!vector)
          continue;
        Value c = qnn::ConstantOp::create(
            rewriter, bias.getLoc(), cast<RankedTensorType>(vector.getType()),
            vector);
        OperationState state(rewriter.getFusedLoc({op.getLoc(), conv.getLoc()}),
                             conv->getName().getStringRef(),
                             {conv.getInput(), conv.getWeight(), c}, {type},
                             conv->getAttrs());
        Operation *folded = rewriter.create(state);
        rewriter.replaceOp(op, folded->getResults());
        rewriter.eraseOp(conv);
        return success();
      }
    }
    return failure();
  }
};

struct FoldBiasPass final : quantc::impl::FoldBiasBase<FoldBiasPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldAddIntoContraction>(&getContext());
    if (failed(
            applyPatternsWithoutFolding(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
