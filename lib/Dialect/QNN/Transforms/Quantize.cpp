//===- Quantize.cpp - The qnn-quantize pass -------------------------------===//
//
// Static post-training quantization: picks quantized types for the
// contractions (conv, matmul, gemm with a constant weight) from calibrated
// ranges and writes them in QDQ form, quantize then dequantize, around the
// float ops. qnn-fold-qdq then turns the pairs into quantized ops, exactly
// as for a QDQ model. See Passes.td for the rules.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/QuantizedElements.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/QuantParams.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace quantc {
#define GEN_PASS_DEF_QUANTIZE
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// A per-tensor type for `params` on an 8-bit storage.
static quant::UniformQuantizedType
getUniformType(MLIRContext *context, QuantParams params, StorageRange range,
               bool isSigned, unsigned bits, Type expressed) {
  return quant::UniformQuantizedType::get(
      isSigned ? quant::QuantizationFlags::Signed : 0,
      IntegerType::get(context, bits), expressed, params.scale,
      params.zeroPoint, range.min, range.max);
}

FailureOr<QuantizedWeight>
quantc::quantizeWeight(DenseElementsAttr values, RankedTensorType type,
                       std::optional<int64_t> channelAxis) {
  MLIRContext *context = type.getContext();
  StorageRange narrow = StorageRange::forBits(8, true, /*narrow=*/true);
  int64_t channels = channelAxis ? type.getDimSize(*channelAxis) : 1;
  SmallVector<float> absMax(channels, 0.0f);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t inner = 1;
  if (channelAxis)
    for (int64_t d = *channelAxis + 1; d < type.getRank(); ++d)
      inner *= shape[d];
  int64_t index = 0;
  for (float v : values.getValues<float>()) {
    int64_t c = channelAxis ? (index / inner) % channels : 0;
    absMax[c] = std::max(absMax[c], std::fabs(v));
    ++index;
  }
  QuantizedWeight weight;
  for (float a : absMax) {
    FailureOr<QuantParams> params = chooseQuantParams(-a, a, narrow, true);
    if (failed(params))
      return failure();
    weight.scales.push_back(params->scale);
  }
  Type f32 = Float32Type::get(context), i8 = IntegerType::get(context, 8);
  quant::QuantizedType element =
      channelAxis
          ? quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
                quant::QuantizationFlags::Signed, i8, f32, weight.scales,
                SmallVector<int64_t>(channels, 0), int32_t(*channelAxis),
                narrow.min, narrow.max))
          : quant::QuantizedType(getUniformType(
                context, {float(weight.scales[0]), 0}, narrow, true, 8, f32));
  weight.type = type.clone(element);
  FailureOr<DenseElementsAttr> stored =
      qnn::quantizeElements(values, weight.type);
  if (failed(stored))
    return failure();
  weight.stored = *stored;
  return weight;
}

namespace {
struct QuantizePass final : quantc::impl::QuantizeBase<QuantizePass> {
  using QuantizeBase::QuantizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (mode != "static" && mode != "weight-only") {
      func.emitError("mode must be static or weight-only, not '")
          << mode << "'";
      return signalPassFailure();
    }
    if (activationType != "u8" && activationType != "s8") {
      func.emitError("activation-type must be u8 or s8, not '")
          << activationType << "'";
      return signalPassFailure();
    }
    SmallVector<Operation *> contractions;
    func.walk([&](Operation *op) {
      if (isa<qnn::ConvOp, qnn::MatMulOp, qnn::GemmOp>(op))
        contractions.push_back(op);
    });
    for (Operation *op : contractions) {
      if (llvm::is_contained(keepFloat, getNodeName(op->getLoc())) ||
          llvm::is_contained(keepFloat, op->getName().getStringRef()))
        continue;
      if (failed(quantizeContraction(op)))
        return signalPassFailure();
    }
  }

  /// The dequantized, quantized form of activation `value` (one per value).
  FailureOr<Value> getQuantizedActivation(Value value) {
    if (Value known = activations.lookup(value))
      return known;
    std::optional<std::pair<double, double>> range = getCalibratedRange(value);
    if (!range)
      return failure();
    bool isSigned = activationType == "s8";
    StorageRange storage = StorageRange::forBits(8, isSigned);
    FailureOr<QuantParams> params =
        chooseQuantParams(float(range->first), float(range->second), storage,
                          symmetricActivations);
    if (failed(params))
      return failure();
    auto type = cast<RankedTensorType>(value.getType());
    OpBuilder b(value.getContext());
    b.setInsertionPointAfterValue(value);
    Location loc = value.getLoc();
    auto quantizedType =
        type.clone(getUniformType(value.getContext(), *params, storage,
                                  isSigned, 8, type.getElementType()));
    Value quantized = qnn::QuantizeOp::create(b, loc, quantizedType, value);
    Value dequantized = qnn::DequantizeOp::create(b, loc, type, quantized);
    activations[value] = dequantized;
    return dequantized;
  }

  LogicalResult quantizeContraction(Operation *op) {
    // Float f32 contractions with a constant weight, whose input has a
    // calibrated range.
    Value input = op->getOperand(0), weight = op->getOperand(1);
    auto inputType = cast<RankedTensorType>(input.getType());
    DenseElementsAttr weightValues;
    if (!inputType.getElementType().isF32() ||
        !matchPattern(weight, m_Constant(&weightValues)) ||
        !weightValues.getElementType().isF32())
      return success();
    auto weightType = cast<RankedTensorType>(weight.getType());
    std::optional<int64_t> channelAxis;
    if (isa<qnn::ConvOp>(op))
      channelAxis = 0;
    else if (isa<qnn::MatMulOp>(op) && weightType.getRank() >= 2)
      channelAxis = weightType.getRank() - 1;
    else if (auto gemm = dyn_cast<qnn::GemmOp>(op))
      channelAxis = gemm.getTransB() ? 0 : 1;
    // Weight-only quantization leaves the input in float.
    bool weightOnly = mode == "weight-only";
    FailureOr<Value> dequantizedInput = failure();
    if (!weightOnly) {
      dequantizedInput = getQuantizedActivation(input);
      if (failed(dequantizedInput))
        return success();
    }

    // Weights: symmetric narrow-range s8, per output channel or per tensor.
    MLIRContext *context = op->getContext();
    bool perAxis = perChannel && channelAxis;
    FailureOr<QuantizedWeight> quantizedWeightValues = quantizeWeight(
        weightValues, weightType, perAxis ? channelAxis : std::nullopt);
    if (failed(quantizedWeightValues))
      return op->emitError("the weight holds a NaN or an infinity");
    ArrayRef<double> scales = quantizedWeightValues->scales;
    int64_t channels = scales.size();
    SmallVector<int64_t> zeroPoints(channels, 0);
    Type f32 = Float32Type::get(context);
    Type i32 = IntegerType::get(context, 32);
    OpBuilder b(op);
    Location loc = op->getLoc();
    RankedTensorType quantizedWeightType = quantizedWeightValues->type;
    DenseElementsAttr stored = quantizedWeightValues->stored;
    Value quantizedWeight =
        qnn::ConstantOp::create(b, loc, quantizedWeightType, stored);
    op->setOperand(
        1, qnn::DequantizeOp::create(b, loc, weightType, quantizedWeight));
    if (weightOnly)
      return success();
    op->setOperand(0, *dequantizedInput);
    auto inputQuant = cast<quant::UniformQuantizedType>(
        cast<RankedTensorType>(
            dequantizedInput->getDefiningOp()->getOperand(0).getType())
            .getElementType());

    // Bias: i32 in scale s_input * s_weight[c], zero point 0.
    Value bias;
    if (auto conv = dyn_cast<qnn::ConvOp>(op))
      bias = conv.getBias();
    else if (auto gemm = dyn_cast<qnn::GemmOp>(op);
             gemm && gemm.getAlpha().convertToDouble() == 1.0 &&
             gemm.getBeta().convertToDouble() == 1.0)
      bias = gemm.getC();
    DenseElementsAttr biasValues;
    if (!bias || !matchPattern(bias, m_Constant(&biasValues)) ||
        !biasValues.getElementType().isF32())
      return success();
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        (perAxis && biasType.getDimSize(0) != channels))
      return success();
    SmallVector<double> biasScales;
    for (double s : scales)
      biasScales.push_back(double(float(inputQuant.getScale()) * float(s)));
    StorageRange range32 = StorageRange::forBits(32, true);
    quant::QuantizedType biasQuant =
        perAxis ? quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
                      quant::QuantizationFlags::Signed, i32, f32, biasScales,
                      zeroPoints, 0, range32.min, range32.max))
                : quant::QuantizedType(quant::UniformQuantizedType::get(
                      quant::QuantizationFlags::Signed, i32, f32, biasScales[0],
                      0, range32.min, range32.max));
    auto quantizedBiasType = biasType.clone(biasQuant);
    FailureOr<DenseElementsAttr> storedBias =
        qnn::quantizeElements(biasValues, quantizedBiasType);
    if (failed(storedBias))
      return op->emitError("cannot quantize the bias");
    Value quantizedBias =
        qnn::ConstantOp::create(b, loc, quantizedBiasType, *storedBias);
    op->setOperand(2,
                   qnn::DequantizeOp::create(b, loc, biasType, quantizedBias));
    return success();
  }

  DenseMap<Value, Value> activations;
};
} // namespace
