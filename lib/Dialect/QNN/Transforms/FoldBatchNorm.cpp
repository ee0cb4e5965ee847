//===- FoldBatchNorm.cpp - The qnn-fold-batch-norm pass -------------------===//
//
// Folds an inference batch normalization into the convolution before it:
//   bn(conv(x, W, b)) = conv(x, W * k, (b - mean) * k + beta)
//   k[c] = gamma[c] / sqrt(var[c] + epsilon)
// with every factor computed in binary64 and each new weight and bias
// rounded once to binary32. The folded conv's location fuses the batch
// norm's and the conv's: it keeps the batch norm's calibration key, and
// --keep-float still finds the conv's node name.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The f32 values of a constant operand, or none.
static std::optional<SmallVector<double>> getConstantF32(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  SmallVector<double> values;
  for (float v : attr.getValues<float>())
    values.push_back(v);
  return values;
}

namespace {
struct FoldIntoConv final : OpRewritePattern<qnn::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<qnn::ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the input is not a conv's");
    auto weightType = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    std::optional<SmallVector<double>> weight =
        getConstantF32(conv.getWeight());
    std::optional<SmallVector<double>> gamma = getConstantF32(op.getScale()),
                                       beta = getConstantF32(op.getBias()),
                                       mean = getConstantF32(op.getMean()),
                                       var = getConstantF32(op.getVar());
    if (!weightType || !weightType.hasStaticShape() || !weight || !gamma ||
        !beta || !mean || !var)
      return rewriter.notifyMatchFailure(op, "parameters are not constant");
    int64_t channels = weightType.getDimSize(0);
    SmallVector<double> bias(channels, 0.0);
    if (Value b = conv.getBias()) {
      std::optional<SmallVector<double>> values = getConstantF32(b);
      if (!values || int64_t(values->size()) != channels)
        return rewriter.notifyMatchFailure(op, "the bias is not constant");
      bias = *values;
    }
    if (int64_t(gamma->size()) != channels)
      return rewriter.notifyMatchFailure(op, "channel counts differ");
    double epsilon = op.getEpsilon().convertToDouble();
    SmallVector<float> newBias;
    SmallVector<double> factor;
    for (int64_t c = 0; c < channels; ++c) {
      double k = (*gamma)[c] / std::sqrt((*var)[c] + epsilon);
      factor.push_back(k);
      newBias.push_back(float((bias[c] - (*mean)[c]) * k + (*beta)[c]));
    }
    int64_t perChannel = weightType.getNumElements() / channels;
    SmallVector<float> newWeight;
    for (auto [i, w] : llvm::enumerate(*weight))
      newWeight.push_back(float(w * factor[i / perChannel]));
    // The batch norm's location first: its node name is the folded conv's
    // calibration key; the conv's stays for --keep-float.
    Location loc = rewriter.getFusedLoc({op.getLoc(), conv.getLoc()});
    Value w = qnn::ConstantOp::create(
        rewriter, conv.getWeight().getLoc(), weightType,
        DenseElementsAttr::get(weightType, ArrayRef<float>(newWeight)));
    auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
    Value b = qnn::ConstantOp::create(
        rewriter, loc, biasType,
        DenseElementsAttr::get(biasType, ArrayRef<float>(newBias)));
    OperationState state(loc, conv->getName().getStringRef(),
                         {conv.getInput(), w, b}, {op.getType()},
                         conv->getAttrs());
    Operation *folded = rewriter.create(state);
    rewriter.replaceOp(op, folded->getResults());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass final
    : quantc::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext());
    if (failed(
            applyPatternsWithoutFolding(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
