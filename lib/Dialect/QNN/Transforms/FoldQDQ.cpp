//===- FoldQDQ.cpp - The qnn-fold-qdq pass --------------------------------===//
//
// Turns quantize/dequantize pairs around float ops into quantized ops, the
// form in which QDQ models arrive and in which qnn-quantize leaves a model:
//   - conv, matmul and gemm whose input and weight are dequantized become
//     quantized ops on the stored integers, with an i32 bias when the bias
//     is a dequantized i32 tensor in the accumulator's scale; their result
//     takes the type of the quantize that consumes it, through a relu or
//     clip that saturation already performs;
//   - reshape, transpose, slice and gather of a dequantized tensor move its
//     stored integers instead;
//   - quantize(dequantize(q)) becomes q, or a requantize where the types
//     differ.
// Dequantizes left without users disappear. Every rewrite keeps the real
// values the graph computes, up to the rounding of the integer epilogue
// (docs/numerics.md).
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/QuantParams.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_FOLDQDQ
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The quantized value `value` dequantizes, or null.
static Value getDequantized(Value value) {
  if (!value)
    return {};
  if (auto dequantize = value.getDefiningOp<qnn::DequantizeOp>())
    return dequantize.getInput();
  return {};
}

/// Whether a `clip` to [lo, hi] (or a relu, lo = 0) changes nothing once
/// its result is quantized to `type`: quantizing already saturates to a real
/// range inside [lo, hi].
static bool saturationClips(quant::UniformQuantizedType type,
                            std::optional<double> lo,
                            std::optional<double> hi) {
  QuantParams params{float(type.getScale()), type.getZeroPoint()};
  StorageRange range{type.getStorageTypeMin(), type.getStorageTypeMax()};
  // Every value below lo quantizes to qmin, as lo itself does.
  if (lo && quantizeValue(float(*lo), params, range) != range.min)
    return false;
  if (hi && quantizeValue(float(*hi), params, range) != range.max)
    return false;
  return true;
}

/// The quantize that consumes `value` (its only user) directly or through a
/// relu or clip that saturation performs, with the op to replace.
static qnn::QuantizeOp getQuantizingUser(Value value) {
  if (!value.hasOneUse())
    return {};
  Operation *user = *value.getUsers().begin();
  if (auto quantize = dyn_cast<qnn::QuantizeOp>(user))
    return quantize;
  std::optional<double> lo, hi;
  if (isa<qnn::ReluOp>(user)) {
    lo = 0.0;
  } else if (auto clip = dyn_cast<qnn::ClipOp>(user)) {
    if (auto min = clip.getMinAttr())
      lo = min.getValueAsDouble();
    if (auto max = clip.getMaxAttr())
      hi = max.getValueAsDouble();
  } else {
    return {};
  }
  Value clipped = user->getResult(0);
  if (!clipped.hasOneUse())
    return {};
  auto quantize = dyn_cast<qnn::QuantizeOp>(*clipped.getUsers().begin());
  if (!quantize)
    return {};
  auto type = dyn_cast<quant::UniformQuantizedType>(
      quantize.getType().getElementType());
  if (!type || !saturationClips(type, lo, hi))
    return {};
  return quantize;
}

namespace {

/// conv, matmul or gemm on dequantized operands to the quantized op.
template <typename OpTy> struct FoldLinear final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (isa<quant::QuantizedType>(getElementTypeOrSelf(op->getOperand(0))))
      return failure();
    Value input = getDequantized(op->getOperand(0));
    Value weight = getDequantized(op->getOperand(1));
    if (!input || !weight)
      return rewriter.notifyMatchFailure(op, "operands are not dequantized");
    SmallVector<Value> operands = {input, weight};
    if (op->getNumOperands() > 2) {
      // An i32 bias in the accumulator's scale stays quantized; any other
      // bias is added in float.
      Value bias = op->getOperand(2);
      Value stored = getDequantized(bias);
      operands.push_back(stored ? stored : bias);
    }
    qnn::QuantizeOp quantize = getQuantizingUser(op->getResult(0));
    Type resultType =
        quantize ? quantize.getType() : op->getResult(0).getType();

    auto build = [&](ArrayRef<Value> newOperands) {
      OperationState state(op->getLoc(), op->getName().getStringRef(),
                           newOperands, {resultType}, op->getAttrs());
      return rewriter.create(state);
    };
    Operation *folded = build(operands);
    std::string reason;
    if (operands.size() > 2 && operands[2] != op->getOperand(2) &&
        failed(qnn_to_linalg::checkQuantizedLowering(folded, reason))) {
      // The quantized bias does not fit: add it in float.
      rewriter.eraseOp(folded);
      operands[2] = op->getOperand(2);
      folded = build(operands);
    }
    if (failed(qnn_to_linalg::checkQuantizedLowering(folded, reason))) {
      rewriter.eraseOp(folded);
      return rewriter.notifyMatchFailure(op, reason);
    }
    if (quantize) {
      // The op's only user: the quantize, or a relu or clip before it.
      Operation *user = *op->getResult(0).getUsers().begin();
      rewriter.replaceOp(quantize, folded->getResults());
      if (user != quantize.getOperation())
        rewriter.eraseOp(user);
      rewriter.eraseOp(op);
    } else {
      rewriter.replaceOp(op, folded->getResults());
    }
    return success();
  }
};

/// An op that only moves elements, on a dequantized per-tensor operand,
/// moves the stored integers and dequantizes after.
struct FoldMove final : RewritePattern {
  FoldMove(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp>(op))
      return failure();
    Value stored = getDequantized(op->getOperand(0));
    if (!stored || !isa<quant::UniformQuantizedType>(
                       getElementTypeOrSelf(stored.getType())))
      return failure();
    SmallVector<Value> operands(op->getOperands());
    operands[0] = stored;
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Type quantizedType =
        resultType.clone(getElementTypeOrSelf(stored.getType()));
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         {quantizedType}, op->getAttrs());
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<qnn::DequantizeOp>(op, resultType,
                                                   moved->getResult(0));
    return success();
  }
};

/// quantize(op(x)) to op(quantize(x)) for a per-tensor type, where op is
/// a max pool or only moves elements (reshape, transpose, slice, gather of
/// operand 0): quantizing is monotone and elementwise, so the max of the
/// quantized values is the quantized max (the float pool pads with -inf,
/// which quantizes to the minimum the integer pool pads with) and moved
/// values quantize alike, bit for bit. The quantize then meets what
/// produced x, a contraction for instance, and folds into it. When x is a
/// dequantize of another type, the move would make a requantize, whose
/// binary64 rounding is not the float quantize's: only with
/// `allowRequantize` (qnn-integer-only, which rescales in fixed point).
struct FoldQuantizeUp final : OpRewritePattern<qnn::QuantizeOp> {
  FoldQuantizeUp(MLIRContext *context, bool allowRequantize)
      : OpRewritePattern(context), allowRequantize(allowRequantize) {}

  LogicalResult matchAndRewrite(qnn::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Operation *producer = op.getInput().getDefiningOp();
    auto type =
        dyn_cast<quant::UniformQuantizedType>(op.getType().getElementType());
    if (!producer || !type || !producer->hasOneUse() ||
        !isa<qnn::MaxPoolOp, qnn::GlobalMaxPoolOp, qnn::ReshapeOp,
             qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp>(producer))
      return failure();
    Value stored = getDequantized(producer->getOperand(0));
    if (stored && getElementTypeOrSelf(stored.getType()) != type &&
        !allowRequantize)
      return rewriter.notifyMatchFailure(op, "the move makes a requantize");
    auto inputType = cast<RankedTensorType>(producer->getOperand(0).getType());
    Value quantized = qnn::QuantizeOp::create(
        rewriter, op.getLoc(), inputType.clone(type), producer->getOperand(0));
    SmallVector<Value> operands(producer->getOperands());
    operands[0] = quantized;
    OperationState state(producer->getLoc(), producer->getName().getStringRef(),
                         operands, {op.getType()}, producer->getAttrs());
    Operation *moved = rewriter.create(state);
    std::string reason;
    if (failed(qnn_to_linalg::checkQuantizedLowering(moved, reason))) {
      rewriter.eraseOp(moved);
      rewriter.eraseOp(quantized.getDefiningOp());
      return rewriter.notifyMatchFailure(op, reason);
    }
    rewriter.replaceOp(op, moved->getResults());
    rewriter.eraseOp(producer);
    return success();
  }

  bool allowRequantize;
};

/// An elementwise op, global average pool, softmax, layer norm or
/// activation whose float operands are all dequantized (a layer norm's
/// scale and bias: float constants) and whose only user is a quantize becomes
/// the quantized op (QuantizedElementwise.cpp), when it lowers: integer
/// arithmetic or a table, whose rounding differs from the float op's, so
/// only for qnn-integer-only.
struct FoldElementwise final : RewritePattern {
  FoldElementwise(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 || !isa<qnn::QNNDialect>(op->getDialect()) ||
        isa<quant::QuantizedType>(getElementTypeOrSelf(op->getResult(0))) ||
        !op->getResult(0).hasOneUse())
      return failure();
    auto quantize = dyn_cast<qnn::QuantizeOp>(*op->getUsers().begin());
    if (!quantize)
      return failure();
    SmallVector<Value> operands;
    for (OpOperand &operand : op->getOpOperands()) {
      Value stored = getDequantized(operand.get());
      // A layer norm's scale and bias stay float constants.
      if (!stored && isa<qnn::LayerNormOp>(op) &&
          operand.getOperandNumber() > 0 &&
          matchPattern(operand.get(), m_Constant()))
        stored = operand.get();
      if (!stored)
        return rewriter.notifyMatchFailure(op, "an operand is not dequantized");
      operands.push_back(stored);
    }
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         {quantize.getType()}, op->getAttrs());
    Operation *folded = rewriter.create(state);
    std::string reason;
    if (failed(qnn_to_linalg::checkQuantizedElementwise(folded, reason))) {
      rewriter.eraseOp(folded);
      return rewriter.notifyMatchFailure(op, reason);
    }
    rewriter.replaceOp(quantize, folded->getResults());
    rewriter.eraseOp(op);
    return success();
  }
};

/// A concat whose operands are all dequantized per-tensor values and whose
/// only user is a per-tensor quantize concatenates the stored integers,
/// each operand first requantized to that type where it differs (only for
/// qnn-integer-only, which rescales requantizes in fixed point).
struct FoldConcat final : OpRewritePattern<qnn::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->hasOneUse())
      return failure();
    auto quantize = dyn_cast<qnn::QuantizeOp>(*op->getUsers().begin());
    if (!quantize)
      return failure();
    auto type = dyn_cast<quant::UniformQuantizedType>(
        quantize.getType().getElementType());
    if (!type)
      return failure();
    SmallVector<Value> stored;
    for (Value operand : op->getOperands()) {
      Value q = getDequantized(operand);
      if (!q || !isa<quant::UniformQuantizedType>(getElementTypeOrSelf(q)))
        return rewriter.notifyMatchFailure(op, "an operand is not dequantized");
      stored.push_back(q);
    }
    for (Value &q : stored) {
      auto qType = cast<RankedTensorType>(q.getType());
      if (qType.getElementType() != type)
        q = qnn::RequantizeOp::create(rewriter, op.getLoc(), qType.clone(type),
                                      q);
    }
    OperationState state(op.getLoc(), op->getName().getStringRef(), stored,
                         {quantize.getType()}, op->getAttrs());
    Operation *folded = rewriter.create(state);
    rewriter.replaceOp(quantize, folded->getResults());
    rewriter.eraseOp(op);
    return success();
  }
};

/// quantize(dequantize(q)) to q, or to a requantize of q.
struct FoldRequantize final : OpRewritePattern<qnn::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Value stored = getDequantized(op.getInput());
    if (!stored)
      return failure();
    if (stored.getType() == op.getType())
      rewriter.replaceOp(op, stored);
    else
      rewriter.replaceOpWithNewOp<qnn::RequantizeOp>(op, op.getType(), stored);
    return success();
  }
};

struct FoldQDQPass final : quantc::impl::FoldQDQBase<FoldQDQPass> {
  void runOnOperation() override {
    if (failed(foldQDQ(getOperation(), /*integerOnly=*/false)))
      signalPassFailure();
  }
};
} // namespace

LogicalResult quantc::foldQDQ(func::FuncOp func, bool integerOnly) {
  MLIRContext *context = func.getContext();
  RewritePatternSet patterns(context);
  patterns.add<FoldLinear<qnn::ConvOp>, FoldLinear<qnn::MatMulOp>,
               FoldLinear<qnn::GemmOp>, FoldMove, FoldRequantize>(context);
  patterns.add<FoldQuantizeUp>(context, /*allowRequantize=*/integerOnly);
  if (integerOnly)
    patterns.add<FoldElementwise, FoldConcat>(context);
  // Folding stays off: a dequantized constant weight must stay stored
  // integers, not become a float constant.
  GreedyRewriteConfig config;
  config.enableFolding(false);
  config.enableConstantCSE(false);
  return applyPatternsGreedily(func, std::move(patterns), config);
}
