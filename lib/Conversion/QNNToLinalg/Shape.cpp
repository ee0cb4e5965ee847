//===- Shape.cpp - Lower qnn data movement ops ---------------------------===//
//
// Reshape becomes tensor.reshape (with a shape operand built from static
// sizes and the one inferred dynamic size), transpose linalg.transpose.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

namespace {

struct ReshapeLowering final : OpRewritePattern<qnn::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Value input = op.getInput();
    SmallVector<Value> sizes;
    if (Value shape = op.getShape()) {
      // The shape operand holds the exact sizes.
      auto shapeType = cast<RankedTensorType>(shape.getType());
      for (int64_t i = 0; i < resultType.getRank(); ++i) {
        Value index = arith::ConstantIndexOp::create(rewriter, loc, i);
        Value size = tensor::ExtractOp::create(rewriter, loc, shape, index);
        if (!shapeType.getElementType().isIndex())
          size = arith::IndexCastOp::create(rewriter, loc,
                                            rewriter.getIndexType(), size);
        sizes.push_back(size);
      }
    } else {
      // Static sizes, and at most one dynamic size: the element count
      // divided by the product of the static sizes.
      Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
      RankedTensorType inputType = op.getInput().getType();
      for (int64_t d = 0; d < inputType.getRank(); ++d)
        count = arith::MulIOp::create(
            rewriter, loc, count,
            tensor::DimOp::create(rewriter, loc, input, d));
      int64_t known = 1;
      for (int64_t size : resultType.getShape())
        if (!ShapedType::isDynamic(size))
          known *= size;
      for (int64_t size : resultType.getShape())
        sizes.push_back(
            ShapedType::isDynamic(size)
                ? Value(arith::DivUIOp::create(
                      rewriter, loc, count,
                      arith::ConstantIndexOp::create(rewriter, loc, known)))
                : Value(arith::ConstantIndexOp::create(rewriter, loc, size)));
    }
    Value shape = tensor::FromElementsOp::create(
        rewriter, loc,
        RankedTensorType::get({resultType.getRank()}, rewriter.getIndexType()),
        sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, input,
                                                   shape);
    return success();
  }
};

struct TransposeLowering final : OpRewritePattern<qnn::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> sizes;
    for (auto [i, p] : llvm::enumerate(op.getPerm()))
      if (op.getType().isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, op.getInput(), p));
    Value init = createEmpty(rewriter, loc, op.getType(), sizes);
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(op, op.getInput(), init,
                                                     op.getPerm());
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering>(patterns.getContext());
}
