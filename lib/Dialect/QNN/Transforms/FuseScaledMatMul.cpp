//===- FuseScaledMatMul.cpp - The qnn-fuse-scaled-matmul pass -------------===//
//
// Folds the float epilogue of an integer matmul into one
// qnn.scaled_matmul_integer:
//   mul(cast(matmul_integer(q, W, zq, zw)), mul(s_q, s_w))  (+ b)
// with s_q one scale per row of q or a scalar, s_w one per column of W or a
// scalar and b one value per column. Dynamic quantization writes this
// chain (qnn-quantize-dynamic, onnxruntime's quantize_dynamic); the fused
// op computes the same binary32 operations in the same order, and the
// runtime's kernel then writes the float result directly.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace quantc {
#define GEN_PASS_DEF_FUSESCALEDMATMUL
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// Whether `type` holds f32 and has one static element.
static bool isSingleFloat(RankedTensorType type) {
  return type.getElementType().isF32() && type.hasStaticShape() &&
         type.getNumElements() == 1;
}

/// The shape `type` takes as a scale per row of a result of type `result`:
/// its own if it is a scalar or the result's shape with its last dimension
/// 1 (other dimensions may be 1), a scalar's if it holds one element of
/// another shape; else nothing.
static std::optional<SmallVector<int64_t>>
getRowScaleShape(RankedTensorType type, RankedTensorType result) {
  if (!type.getElementType().isF32())
    return std::nullopt;
  if (type.getRank() == 0 ||
      (type.getRank() == result.getRank() && type.getShape().back() == 1 &&
       llvm::all_of(llvm::zip(type.getShape().drop_back(),
                              result.getShape().drop_back()),
                    [](auto dims) {
                      auto [size, expected] = dims;
                      return size == 1 || size == expected;
                    })))
    return SmallVector<int64_t>(type.getShape());
  if (isSingleFloat(type))
    return SmallVector<int64_t>();
  return std::nullopt;
}

/// The shape `type` takes as one value per column of `result`: [N] for
/// shapes [N] or [1, ..., 1, N] no longer than the result's, or, if
/// `allowScalar`, a scalar's for one element; else nothing.
static std::optional<SmallVector<int64_t>>
getColumnShape(RankedTensorType type, RankedTensorType result,
               bool allowScalar) {
  int64_t n = result.getShape().back();
  if (!type.getElementType().isF32() || type.getRank() > result.getRank())
    return std::nullopt;
  if (allowScalar && (type.getRank() == 0 || isSingleFloat(type)))
    return SmallVector<int64_t>();
  if (type.getRank() == 0 || ShapedType::isDynamic(n) ||
      type.getShape().back() != n ||
      llvm::any_of(type.getShape().drop_back(),
                   [](int64_t size) { return size != 1; }))
    return std::nullopt;
  return SmallVector<int64_t>{n};
}

/// `value` with `shape` (of as many elements), reshaped if it differs.
static Value reshapeTo(PatternRewriter &rewriter, Value value,
                       ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return qnn::ReshapeOp::create(rewriter, value.getLoc(), type.clone(shape),
                                value, Value());
}

namespace {
/// The epilogue's product: mul(cast(matmul_integer), mul(s_q, s_w)).
struct FuseScaledMatMul final : OpRewritePattern<qnn::MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::MulOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    for (auto [real, multiplier] : {std::pair(op.getLhs(), op.getRhs()),
                                    std::pair(op.getRhs(), op.getLhs())}) {
      auto toFloat = real.getDefiningOp<qnn::CastOp>();
      auto matmul =
          toFloat ? toFloat.getInput().getDefiningOp<qnn::MatMulIntegerOp>()
                  : qnn::MatMulIntegerOp();
      auto scales = multiplier.getDefiningOp<qnn::MulOp>();
      if (!matmul || !scales || !real.hasOneUse() ||
          !matmul.getResult().hasOneUse() || real.getType() != type ||
          !type.getElementType().isF32() ||
          matmul.getRhs().getType().getRank() != 2 ||
          matmul.getLhs().getType().getRank() < 2)
        continue;
      // The scales: one per row (or scalar) and one per column (or scalar),
      // in either order.
      Value row, column;
      std::optional<SmallVector<int64_t>> rowShape, columnShape;
      for (auto [r, c] : {std::pair(scales.getLhs(), scales.getRhs()),
                          std::pair(scales.getRhs(), scales.getLhs())}) {
        rowShape = getRowScaleShape(cast<RankedTensorType>(r.getType()), type);
        columnShape = getColumnShape(cast<RankedTensorType>(c.getType()), type,
                                     /*allowScalar=*/true);
        if (rowShape && columnShape) {
          row = r;
          column = c;
          break;
        }
      }
      if (!row)
        continue;
      // A bias: the only user adds one value per column.
      Operation *root = op;
      Value bias;
      std::optional<SmallVector<int64_t>> biasShape;
      if (op.getResult().hasOneUse())
        if (auto add = dyn_cast<qnn::AddOp>(*op->getUsers().begin());
            add && add.getType() == type) {
          Value other =
              add.getLhs() == op.getResult() ? add.getRhs() : add.getLhs();
          biasShape = getColumnShape(cast<RankedTensorType>(other.getType()),
                                     type, /*allowScalar=*/false);
          if (other != op.getResult() && biasShape) {
            bias = other;
            root = add;
          }
        }
      Value rowScale = reshapeTo(rewriter, row, *rowShape);
      Value columnScale = reshapeTo(rewriter, column, *columnShape);
      if (bias)
        bias = reshapeTo(rewriter, bias, *biasShape);
      SmallVector<Location> locations = {matmul.getLoc(), toFloat.getLoc(),
                                         op.getLoc()};
      if (root != op)
        locations.push_back(root->getLoc());
      auto fused = qnn::ScaledMatMulIntegerOp::create(
          rewriter, rewriter.getFusedLoc(locations), type, matmul.getLhs(),
          matmul.getRhs(), matmul.getLhsZeroPoint(), matmul.getRhsZeroPoint(),
          rowScale, columnScale, bias);
      rewriter.replaceOp(root, fused.getResult());
      if (root != op)
        rewriter.eraseOp(op);
      rewriter.eraseOp(toFloat);
      rewriter.eraseOp(matmul);
      return success();
    }
    return failure();
  }
};

struct FuseScaledMatMulPass final
    : quantc::impl::FuseScaledMatMulBase<FuseScaledMatMulPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseScaledMatMul>(&getContext());
    if (failed(
            applyPatternsWithoutFolding(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
