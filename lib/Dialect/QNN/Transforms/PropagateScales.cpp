//===- PropagateScales.cpp - The qnn-propagate-scales pass ----------------===//
//
// Adjusts calibrated ranges (qnn.range) so that quantization keeps one
// scale where values do not change:
//   - ops that only move or select values (reshape, transpose, slice,
//     gather, pad with a value inside the range, max pooling) give their
//     result their input's range;
//   - a relu or clip that is its producer's only user gives the producer
//     its range, so the quantized producer saturates as the relu or clip
//     would (qnn-fold-qdq then drops it);
//   - the inputs and result of a concat share the union of their ranges.
// Run after qnn-calibrate and before qnn-quantize.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

namespace quantc {
#define GEN_PASS_DEF_PROPAGATESCALES
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The f64 array attribute `name` of `value`: `name` (`name_i` for result
/// i > 0) on its defining op, or the argument attribute `name`.
static DenseF64ArrayAttr getValueArray(Value value, StringRef name) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      return func.getArgAttrOfType<DenseF64ArrayAttr>(arg.getArgNumber(), name);
    return {};
  }
  auto result = cast<OpResult>(value);
  unsigned i = result.getResultNumber();
  return result.getOwner()->getAttrOfType<DenseF64ArrayAttr>(
      i == 0 ? name.str() : name.str() + "_" + std::to_string(i));
}

/// Sets what getValueArray reads.
static void setValueArray(Value value, StringRef name,
                          ArrayRef<double> values) {
  auto attr = DenseF64ArrayAttr::get(value.getContext(), values);
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      func.setArgAttr(arg.getArgNumber(), name, attr);
    return;
  }
  auto result = cast<OpResult>(value);
  unsigned i = result.getResultNumber();
  result.getOwner()->setAttr(
      i == 0 ? name.str() : name.str() + "_" + std::to_string(i), attr);
}

std::optional<std::pair<double, double>>
quantc::getCalibratedRange(Value value) {
  DenseF64ArrayAttr range = getValueArray(value, "qnn.range");
  if (!range || range.size() != 2)
    return std::nullopt;
  return std::pair{range[0], range[1]};
}

void quantc::setCalibratedRange(Value value, double min, double max) {
  setValueArray(value, "qnn.range", {min, max});
}

std::optional<SmallVector<double>> quantc::getChannelMeans(Value value) {
  DenseF64ArrayAttr means = getValueArray(value, "qnn.channel_mean");
  if (!means)
    return std::nullopt;
  return SmallVector<double>(means.asArrayRef());
}

void quantc::setChannelMeans(Value value, ArrayRef<double> means) {
  setValueArray(value, "qnn.channel_mean", means);
}

namespace {
struct PropagateScalesPass final
    : quantc::impl::PropagateScalesBase<PropagateScalesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Backward: a relu or clip that is its producer's only user lends its
    // range to the producer. Reverse order carries it through chains.
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) { ops.push_back(op); });
    for (Operation *op : llvm::reverse(ops)) {
      if (!isa<qnn::ReluOp, qnn::ClipOp>(op))
        continue;
      Value input = op->getOperand(0);
      std::optional<std::pair<double, double>> range =
          getCalibratedRange(op->getResult(0));
      if (range && input.hasOneUse() && getCalibratedRange(input))
        setCalibratedRange(input, range->first, range->second);
    }
    // Forward: values that only move keep their input's range; concat
    // inputs and result share one.
    for (Operation *op : ops) {
      if (isMove(op)) {
        std::optional<std::pair<double, double>> range =
            getCalibratedRange(op->getOperand(0));
        if (range && getCalibratedRange(op->getResult(0)))
          setCalibratedRange(op->getResult(0), range->first, range->second);
        continue;
      }
      if (auto concat = dyn_cast<qnn::ConcatOp>(op)) {
        std::optional<std::pair<double, double>> joined =
            getCalibratedRange(concat.getResult());
        if (!joined)
          continue;
        bool all = true;
        for (Value input : concat.getInputs()) {
          std::optional<std::pair<double, double>> range =
              getCalibratedRange(input);
          if (!range) {
            all = false;
            break;
          }
          joined->first = std::min(joined->first, range->first);
          joined->second = std::max(joined->second, range->second);
        }
        if (!all)
          continue;
        for (Value input : concat.getInputs())
          setCalibratedRange(input, joined->first, joined->second);
        setCalibratedRange(concat.getResult(), joined->first, joined->second);
      }
    }
  }

  /// Whether `op` only moves or selects its first operand's values.
  static bool isMove(Operation *op) {
    if (isa<qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp,
            qnn::MaxPoolOp, qnn::GlobalMaxPoolOp>(op))
      return true;
    // A constant pad adds its value, which the input's range must hold.
    if (auto pad = dyn_cast<qnn::PadOp>(op)) {
      std::optional<std::pair<double, double>> range =
          getCalibratedRange(pad.getInput());
      double value = pad.getValue().convertToDouble();
      return pad.getMode() != qnn::PadMode::Constant ||
             (range && value >= range->first && value <= range->second);
    }
    return false;
  }
};
} // namespace
