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
/// A contraction that qnn-smooth-quant can rescale: its constant f32 weight,
/// and which input channel each weight element multiplies.
struct Smoothable {
  Operation *op;
  DenseElementsAttr weight;
  /// A depthwise conv (one input channel per group): its input channels lie
  /// along axis 1, and per-channel weight scales absorb any factor.
  bool depthwise = false;
  /// MatMul or Gemm: the weight axis of the input channels (K).
  int64_t reductionAxis = 0;

  /// The input channel that weight element `i` (row-major) multiplies.
  int64_t getChannelOf(int64_t i) const {
    ArrayRef<int64_t> shape = cast<ShapedType>(weight.getType()).getShape();
    if (depthwise) {
      // [M, 1, kh, kw]: output channel m reads input channel m / (M / C).
      int64_t window = 1;
      for (int64_t d : shape.drop_front(2))
        window *= d;
      int64_t m = i / window;
      int64_t channels =
          cast<ShapedType>(op->getOperand(0).getType()).getDimSize(1);
      return m / (shape[0] / channels);
    }
    return reductionAxis == 0 ? i / shape[1] : i % shape[1];
  }
};

/// `op` as a Smoothable, if its weight is a constant f32 tensor and it is a
/// MatMul with a 2-D weight, a Gemm without trans_a, or, with `depthwise`,
/// a conv with one input channel per group.
std::optional<Smoothable> getSmoothable(Operation *op, bool depthwise) {
  DenseElementsAttr weight;
  auto input = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!input || !input.getElementType().isF32() || input.getRank() < 1 ||
      !matchPattern(op->getOperand(1), m_Constant(&weight)) ||
      !weight.getElementType().isF32())
    return std::nullopt;
  auto shape = cast<ShapedType>(weight.getType()).getShape();
  if (auto conv = dyn_cast<qnn::ConvOp>(op)) {
    if (!depthwise || input.getRank() < 3 || input.isDynamicDim(1) ||
        int64_t(conv.getGroup()) != input.getDimSize(1) || shape[1] != 1 ||
        shape[0] % input.getDimSize(1) != 0)
      return std::nullopt;
    return Smoothable{op, weight, /*depthwise=*/true};
  }
  if (shape.size() != 2)
    return std::nullopt;
  if (isa<qnn::MatMulOp>(op))
    return Smoothable{op, weight, false, 0};
  if (auto gemm = dyn_cast<qnn::GemmOp>(op); gemm && !gemm.getTransA())
    return Smoothable{op, weight, false, gemm.getTransB() ? 1 : 0};
  return std::nullopt;
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
    for (Operation *op : getContractionsToQuantize(func, keepFloat, depthwise))
      if (std::optional<Smoothable> s = getSmoothable(op, depthwise);
          s && (s->depthwise || linear))
        readers[op->getOperand(0)].push_back(*s);
    llvm::DenseMap<Value, std::string> keys = getCalibrationKeys(func);

    for (auto &[input, contractions] : readers) {
      // One factor per channel serves every reader: they must agree on
      // the channel axis.
      bool depthwiseReaders = contractions.front().depthwise;
      if (llvm::any_of(contractions, [&](const Smoothable &c) {
            return c.depthwise != depthwiseReaders;
          }))
        continue;
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
      int64_t axis = depthwiseReaders ? 1 : inputType.getRank() - 1;
      int64_t k = inputType.getDimSize(axis);
      if (channels.getAxis() != axis ||
          int64_t(channels.getNumChannels()) != k) {
        contractions.front().op->emitError("qnn-smooth-quant: the statistics "
                                           "of '")
            << key->second << "' in '" << statsFile << "' have "
            << channels.getNumChannels() << " channels along axis "
            << channels.getAxis() << ", the input has " << k << " along axis "
            << axis;
        return signalPassFailure();
      }
      if (failed(smooth(input, axis, contractions, channels)))
        return signalPassFailure();
    }
  }

  LogicalResult smooth(Value input, int64_t axis,
                       ArrayRef<Smoothable> contractions,
                       const ChannelStats &channels) {
    size_t k = channels.getNumChannels();
    std::vector<double> weightMax(k, 0.0);
    for (const Smoothable &c : contractions) {
      auto shape = cast<ShapedType>(c.weight.getType()).getShape();
      if (!c.depthwise && shape[c.reductionAxis] != int64_t(k))
        return c.op->emitError("qnn-smooth-quant: the weight's K axis has ")
               << shape[c.reductionAxis] << " channels, the input " << k;
      for (auto [i, v] : llvm::enumerate(c.weight.getValues<float>())) {
        double &m = weightMax[c.getChannelOf(i)];
        m = std::max(m, double(std::abs(v)));
      }
    }
    // Per-channel weight scales absorb any factor of a depthwise conv's
    // channels: those get all of the migration (alpha 1).
    double strength = contractions.front().depthwise ? 1.0 : double(alpha);
    std::vector<double> activationMax = channels.getAbsMax();
    std::vector<double> factor(k, 1.0);
    for (size_t j = 0; j < k; ++j)
      if (activationMax[j] > 0 && weightMax[j] > 0)
        factor[j] = std::pow(activationMax[j], strength) /
                    std::pow(weightMax[j], 1.0 - strength);

    // The smoothed activation and its calibrated range.
    OpBuilder b(input.getContext());
    b.setInsertionPointAfterValue(input);
    Location loc = contractions.front().op->getLoc();
    auto f32 = b.getF32Type();
    // [K] against the last axis; [C, 1, ...] against axis 1.
    auto inputType = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> factorShape(inputType.getRank() - axis, 1);
    factorShape[0] = int64_t(k);
    auto factorType = RankedTensorType::get(factorShape, f32);
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
      SmallVector<float> scaled;
      for (auto [i, v] : llvm::enumerate(c.weight.getValues<float>()))
        scaled.push_back(float(double(v) * factor[c.getChannelOf(i)]));
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
