//===- SmoothQuant.cpp - The qnn-smooth-quant pass -----------------------===//
//
// Divides the input channels of the f32 MatMul and Gemm activations by a
// per-channel factor and multiplies the matching weight rows by it, so that
// outlier channels no longer set the activation's per-tensor scale. See
// Passes.td for the rule and docs/numerics.md ("SmoothQuant") for the
// numbers.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/Calibration.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_SMOOTHQUANT
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {
/// A contraction that qnn-smooth-quant can rescale: its constant f32 weight
/// and the weight axis that its input's channels (K) run along.
struct Smoothable {
  Operation *op;
  DenseElementsAttr weight;
  int64_t reductionAxis;
};

/// `op` as a Smoothable, if its weight is a constant f32 2-D tensor and it
/// reduces its input's last axis against that weight's K axis.
std::optional<Smoothable> getSmoothable(Operation *op) {
  DenseElementsAttr weight;
  auto input = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!input || !input.getElementType().isF32() || input.getRank() < 1 ||
      !matchPattern(op->getOperand(1), m_Constant(&weight)) ||
      !weight.getElementType().isF32() ||
      cast<ShapedType>(weight.getType()).getRank() != 2)
    return std::nullopt;
  if (isa<qnn::MatMulOp>(op))
    return Smoothable{op, weight, 0};
  if (auto gemm = dyn_cast<qnn::GemmOp>(op); gemm && !gemm.getTransA())
    return Smoothable{op, weight, gemm.getTransB() ? 1 : 0};
  return std::nullopt;
}

/// max_n |W_jn| per input channel j of `weight`, reducing along
/// `reductionAxis`, folded into `rowMax`.
void foldRowMax(DenseElementsAttr weight, int64_t reductionAxis,
                std::vector<double> &rowMax) {
  auto shape = cast<ShapedType>(weight.getType()).getShape();
  int64_t cols = shape[1];
  for (auto [i, v] : llvm::enumerate(weight.getValues<float>())) {
    int64_t j = reductionAxis == 0 ? int64_t(i) / cols : int64_t(i) % cols;
    rowMax[j] = std::max(rowMax[j], double(std::abs(v)));
  }
}

struct SmoothQuantPass final : quantc::impl::SmoothQuantBase<SmoothQuantPass> {
  using SmoothQuantBase::SmoothQuantBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!(alpha >= 0.0 && alpha <= 1.0)) {
      func.emitError("qnn-smooth-quant: alpha must lie in [0, 1], not ")
          << alpha.getValue();
      return signalPassFailure();
    }
    llvm::Expected<llvm::StringMap<CalibratedTensor>> tensors =
        readCalibrationFile(statsFile);
    if (!tensors) {
      func.emitError(llvm::toString(tensors.takeError()));
      return signalPassFailure();
    }
    // The contractions that read each activation, in program order.
    llvm::MapVector<Value, SmallVector<Smoothable>> readers;
    for (Operation *op :
         getContractionsToQuantize(func, keepFloat, /*withConv=*/false))
      if (std::optional<Smoothable> s = getSmoothable(op))
        readers[op->getOperand(0)].push_back(*s);
    llvm::DenseMap<Value, std::string> keys = getCalibrationKeys(func);

    for (auto &[input, contractions] : readers) {
      auto key = keys.find(input);
      if (key == keys.end())
        continue;
      auto tensor = tensors->find(key->second);
      if (tensor == tensors->end())
        continue;
      if (!tensor->second.channels) {
        contractions.front().op->emitWarning("qnn-smooth-quant: '")
            << statsFile << "' has no per-channel statistics of '"
            << key->second
            << "' (calibrate again with this quantc); left alone";
        continue;
      }
      const ChannelStats &channels = *tensor->second.channels;
      auto inputType = cast<RankedTensorType>(input.getType());
      int64_t k = inputType.getShape().back();
      if (channels.getAxis() != inputType.getRank() - 1 ||
          int64_t(channels.getNumChannels()) != k) {
        contractions.front().op->emitError("qnn-smooth-quant: the statistics "
                                           "of '")
            << key->second << "' in '" << statsFile << "' have "
            << channels.getNumChannels() << " channels along axis "
            << channels.getAxis() << ", the input has " << k
            << " along its last axis";
        return signalPassFailure();
      }
      if (failed(smooth(input, contractions, channels)))
        return signalPassFailure();
    }
  }

  LogicalResult smooth(Value input, ArrayRef<Smoothable> contractions,
                       const ChannelStats &channels) {
    size_t k = channels.getNumChannels();
    std::vector<double> weightMax(k, 0.0);
    for (const Smoothable &c : contractions) {
      auto shape = cast<ShapedType>(c.weight.getType()).getShape();
      if (shape[c.reductionAxis] != int64_t(k))
        return c.op->emitError("qnn-smooth-quant: the weight's K axis has ")
               << shape[c.reductionAxis] << " channels, the input " << k;
      foldRowMax(c.weight, c.reductionAxis, weightMax);
    }
    std::vector<double> activationMax = channels.getAbsMax();
    std::vector<double> factor(k, 1.0);
    for (size_t j = 0; j < k; ++j)
      if (activationMax[j] > 0 && weightMax[j] > 0)
        factor[j] = std::pow(activationMax[j], alpha) /
                    std::pow(weightMax[j], 1.0 - alpha);

    // The smoothed activation and its calibrated range.
    OpBuilder b(input.getContext());
    b.setInsertionPointAfterValue(input);
    Location loc = contractions.front().op->getLoc();
    auto f32 = b.getF32Type();
    auto factorType = RankedTensorType::get({int64_t(k)}, f32);
    SmallVector<float> inverse;
    double lo = 0.0, hi = 0.0;
    for (size_t j = 0; j < k; ++j) {
      inverse.push_back(float(1.0 / factor[j]));
      lo = std::min(lo, channels.getMin()[j] / factor[j]);
      hi = std::max(hi, channels.getMax()[j] / factor[j]);
    }
    Value divisor = qnn::ConstantOp::create(
        b, loc, factorType,
        DenseElementsAttr::get(factorType, ArrayRef<float>(inverse)));
    auto smoothed = qnn::MulOp::create(b, loc, input.getType(), input, divisor);
    setCalibratedRange(smoothed, lo, hi);
    SmallVector<double> means;
    for (auto [mean, s] : llvm::zip_equal(channels.getMean(), factor))
      means.push_back(mean / s);
    setChannelMeans(smoothed, means);

    for (const Smoothable &c : contractions) {
      auto type = cast<RankedTensorType>(c.weight.getType());
      int64_t cols = type.getShape()[1];
      SmallVector<float> scaled;
      for (auto [i, v] : llvm::enumerate(c.weight.getValues<float>())) {
        int64_t j =
            c.reductionAxis == 0 ? int64_t(i) / cols : int64_t(i) % cols;
        scaled.push_back(float(double(v) * factor[j]));
      }
      b.setInsertionPoint(c.op);
      Value weight = qnn::ConstantOp::create(
          b, c.op->getOperand(1).getLoc(), type,
          DenseElementsAttr::get(type, ArrayRef<float>(scaled)));
      c.op->setOperand(0, smoothed);
      c.op->setOperand(1, weight);
    }
    return success();
  }
};
} // namespace
