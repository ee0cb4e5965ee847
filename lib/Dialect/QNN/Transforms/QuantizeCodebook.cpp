//===- QuantizeCodebook.cpp - The qnn-quantize-codebook pass --------------===//
//
// Non-uniform weight quantization: the constant weight of each contraction
// becomes a qnn.codebook_constant, a small table of float entries and one
// index per weight, built by k-means (weight sharing) or from power-of-two
// levels (quantc/Support/Codebook.h). See Passes.td for the rules.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/QuantizedElements.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/Codebook.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_QUANTIZECODEBOOK
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The fewest weights per codebook entry for a channel to get its own
/// codebook: its binary32 entries then add at most 2 bits per weight.
static constexpr int64_t kWeightsPerEntry = 16;

namespace {
struct QuantizeCodebookPass final
    : quantc::impl::QuantizeCodebookBase<QuantizeCodebookPass> {
  using QuantizeCodebookBase::QuantizeCodebookBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (bits != 4 && bits != 8) {
      func.emitError("bits must be 4 or 8, not ") << bits.getValue();
      return signalPassFailure();
    }
    if (method != "kmeans" && method != "pow2") {
      func.emitError("method must be kmeans or pow2, not '") << method << "'";
      return signalPassFailure();
    }
    for (Operation *op : getContractionsToQuantize(func, keepFloat))
      if (failed(quantizeWeight(op)))
        return signalPassFailure();
  }

  Codebook build(ArrayRef<float> values, unsigned indexBits) {
    if (method == "pow2")
      return buildPowerOfTwoCodebook(values, indexBits);
    return buildKMeansCodebook(values, 1u << indexBits);
  }

  LogicalResult quantizeWeight(Operation *op) {
    Value weight = op->getOperand(1);
    DenseElementsAttr weightValues;
    if (!matchPattern(weight, m_Constant(&weightValues)) ||
        !weightValues.getElementType().isF32() ||
        !cast<RankedTensorType>(op->getOperand(0).getType())
             .getElementType()
             .isF32())
      return success();
    auto type = cast<RankedTensorType>(weight.getType());
    SmallVector<float> values(weightValues.getValues<float>());
    if (llvm::any_of(values, [](float v) { return !std::isfinite(v); }))
      return op->emitError("the weight holds a NaN or an infinity");

    std::optional<int64_t> channelAxis = getWeightAxes(op).channel;
    unsigned bits = getWeightBits(op, this->bits);
    int64_t entries = int64_t(1) << bits;
    if (channelAxis &&
        (!perChannel || type.getNumElements() / type.getDimSize(*channelAxis) <
                            kWeightsPerEntry * entries))
      channelAxis.reset();

    // The weights of each channel (or of the tensor), their codebooks, and
    // every weight's index.
    SmallVector<int64_t> blocks(type.getShape());
    if (channelAxis)
      blocks[*channelAxis] = 1;
    qnn::BlockIndexer indexer(type.getShape(), blocks);
    int64_t channels = indexer.getNumBlocks();
    SmallVector<SmallVector<float>> slices(channels);
    SmallVector<SmallVector<int64_t>> positions(channels);
    for (auto [i, v] : llvm::enumerate(values)) {
      int64_t c = indexer.blockOf(i);
      slices[c].push_back(v);
      positions[c].push_back(i);
    }
    SmallVector<Codebook> codebooks;
    size_t width = 1;
    for (ArrayRef<float> slice : slices) {
      codebooks.push_back(build(slice, bits));
      width = std::max(width, codebooks.back().entries.size());
    }
    SmallVector<float> table;
    SmallVector<APInt> indices(values.size(), APInt(bits, 0));
    for (auto [c, codebook] : llvm::enumerate(codebooks)) {
      // Shorter codebooks repeat their last entry, so every row has one
      // width and stays increasing; no index points at the repeats.
      for (size_t e = 0; e < width; ++e)
        table.push_back(
            codebook.entries[std::min(e, codebook.entries.size() - 1)]);
      for (auto [p, index] : llvm::zip(positions[c], codebook.indices))
        indices[p] = APInt(bits, index);
    }

    OpBuilder b(op);
    Type f32 = b.getF32Type();
    auto indexType = RankedTensorType::get(
        type.getShape(), b.getIntegerType(bits, /*isSigned=*/false));
    SmallVector<int64_t> tableShape;
    if (channelAxis)
      tableShape.push_back(channels);
    tableShape.push_back(width);
    auto codebook = qnn::CodebookConstantOp::create(
        b, op->getLoc(), type, DenseIntElementsAttr::get(indexType, indices),
        cast<DenseFPElementsAttr>(DenseElementsAttr::get(
            RankedTensorType::get(tableShape, f32), ArrayRef<float>(table))),
        channelAxis ? b.getI64IntegerAttr(*channelAxis) : IntegerAttr());
    op->setOperand(1, codebook);
    return success();
  }
};
} // namespace
