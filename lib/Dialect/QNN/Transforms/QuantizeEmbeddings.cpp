//===- QuantizeEmbeddings.cpp - The qnn-quantize-embeddings pass ----------===//
//
// Embedding tables (gathers of rows of a constant 2-D float table) stored
// as s8 rows with a binary32 scale per row, dequantized after the gather.
// See Passes.td for the rewrite and docs/numerics.md for the rounding.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"

namespace quantc {
#define GEN_PASS_DEF_QUANTIZEEMBEDDINGS
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {
struct QuantizeEmbeddingsPass final
    : quantc::impl::QuantizeEmbeddingsBase<QuantizeEmbeddingsPass> {
  using QuantizeEmbeddingsBase::QuantizeEmbeddingsBase;

  void runOnOperation() override {
    SmallVector<qnn::GatherOp> gathers;
    getOperation().walk([&](qnn::GatherOp op) {
      if (!llvm::is_contained(keepFloat, getNodeName(op.getLoc())))
        gathers.push_back(op);
    });
    for (qnn::GatherOp op : gathers)
      if (failed(quantize(op)))
        return signalPassFailure();
  }

  LogicalResult quantize(qnn::GatherOp op) {
    DenseElementsAttr table;
    if (op.getAxis() != 0 || !matchPattern(op.getData(), m_Constant(&table)) ||
        !table.getElementType().isF32())
      return success();
    auto tableType = cast<RankedTensorType>(table.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (tableType.getRank() != 2 || !tableType.hasStaticShape())
      return success();
    WeightQuantization how;
    how.channelAxis = 0;
    FailureOr<QuantizedWeight> quantized =
        quantizeWeight(table, tableType, how);
    if (failed(quantized))
      return op.emitError("the embedding table holds a NaN or an infinity");

    OpBuilder b(op);
    Location loc = op.getLoc();
    auto i8 = IntegerType::get(op.getContext(), 8);
    int64_t rows = tableType.getDimSize(0);
    Value stored =
        qnn::ConstantOp::create(b, loc, tableType.clone(i8), quantized->stored);
    SmallVector<float> scales(quantized->scales.begin(),
                              quantized->scales.end());
    auto scaleType = RankedTensorType::get({rows, 1}, b.getF32Type());
    Value scaleTable = qnn::ConstantOp::create(
        b, loc, scaleType,
        DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));

    SmallVector<int64_t> scaleShape(resultType.getShape());
    scaleShape.back() = 1;
    Value rowsOut = qnn::GatherOp::create(b, loc, resultType.clone(i8), stored,
                                          op.getIndices(), op.getAxisAttr());
    Value scalesOut = qnn::GatherOp::create(
        b, loc, resultType.clone(scaleShape, b.getF32Type()), scaleTable,
        op.getIndices(), op.getAxisAttr());
    Value real = qnn::CastOp::create(b, loc, resultType, rowsOut);
    Value result = qnn::MulOp::create(b, loc, resultType, real, scalesOut);
    Operation *tableOp = op.getData().getDefiningOp();
    op.replaceAllUsesWith(result);
    op.erase();
    if (tableOp->use_empty())
      tableOp->erase();
    return success();
  }
};
} // namespace
