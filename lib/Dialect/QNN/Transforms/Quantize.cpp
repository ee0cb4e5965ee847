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
                       const WeightQuantization &how) {
  MLIRContext *context = type.getContext();
  StorageRange narrow = StorageRange::forBits(how.bits, true, /*narrow=*/true);
  // Each dimension splits into blocks that share a scale: whole by default,
  // single elements along the channel axis, groups along the reduction axis.
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank();
  SmallVector<int64_t> blocks(shape);
  if (how.channelAxis)
    blocks[*how.channelAxis] = 1;
  bool grouped = how.groupSize > 0 && how.reductionAxis;
  if (grouped) {
    if (shape[*how.reductionAxis] % how.groupSize != 0)
      return failure();
    blocks[*how.reductionAxis] = how.groupSize;
  }
  qnn::BlockIndexer indexer(shape, blocks);
  SmallVector<float> absMax(indexer.getNumBlocks(), 0.0f);
  int64_t index = 0;
  for (float v : values.getValues<float>()) {
    // std::max would pass over a NaN; an infinity fails below.
    if (std::isnan(v))
      return failure();
    float &blockMax = absMax[indexer.blockOf(index++)];
    blockMax = std::max(blockMax, std::fabs(v));
  }
  QuantizedWeight weight;
  for (float &a : absMax) {
    // A block of weights below 2^-64 quantizes to zeros with scale 1: its
    // scale would make the bias scale s_input * scale subnormal.
    if (a < 0x1p-64f)
      a = 0.0f;
    FailureOr<QuantParams> params = chooseQuantParams(-a, a, narrow, true);
    if (failed(params))
      return failure();
    weight.scales.push_back(params->scale);
  }
  Type f32 = Float32Type::get(context);
  auto storage = IntegerType::get(context, how.bits);
  quant::QuantizedType element;
  if (grouped) {
    SmallVector<int32_t> axes;
    SmallVector<int64_t> blockSizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (blocks[d] == shape[d])
        continue;
      axes.push_back(d);
      blockSizes.push_back(blocks[d]);
    }
    SmallVector<float> scales(weight.scales.begin(), weight.scales.end());
    ArrayRef<int64_t> paramShape = indexer.getBlockShape();
    element = quant::UniformQuantizedSubChannelType::get(
        quant::QuantizationFlags::Signed, storage, f32,
        DenseElementsAttr::get(RankedTensorType::get(paramShape, f32),
                               ArrayRef<float>(scales)),
        DenseElementsAttr::get(RankedTensorType::get(paramShape, storage),
                               APInt(how.bits, 0)),
        axes, blockSizes, narrow.min, narrow.max);
  } else if (how.channelAxis) {
    element = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, storage, f32, weight.scales,
        SmallVector<int64_t>(weight.scales.size(), 0),
        int32_t(*how.channelAxis), narrow.min, narrow.max);
  } else {
    element = getUniformType(context, {float(weight.scales[0]), 0}, narrow,
                             true, how.bits, f32);
  }
  weight.type = type.clone(element);
  FailureOr<DenseElementsAttr> stored =
      qnn::quantizeElements(values, weight.type);
  if (failed(stored))
    return failure();
  weight.stored = *stored;
  return weight;
}

WeightAxes quantc::getWeightAxes(Operation *op) {
  int64_t rank = cast<RankedTensorType>(op->getOperand(1).getType()).getRank();
  if (isa<qnn::ConvOp>(op))
    return {0, 1};
  if (auto gemm = dyn_cast<qnn::GemmOp>(op))
    return gemm.getTransB() ? WeightAxes{0, 1} : WeightAxes{1, 0};
  if (rank >= 2)
    return {rank - 1, rank - 2};
  return {std::nullopt, 0};
}

Precision quantc::getPrecision(Operation *op) {
  auto name = op->getAttrOfType<StringAttr>(kPrecisionAttr);
  if (!name)
    return Precision::Default;
  return parsePrecision(name.getValue()).value_or(Precision::Default);
}

void quantc::setPrecision(Operation *op, Precision precision) {
  if (precision == Precision::Default)
    op->removeAttr(kPrecisionAttr);
  else
    op->setAttr(kPrecisionAttr,
                StringAttr::get(op->getContext(), getPrecisionName(precision)));
}

unsigned quantc::getWeightBits(Operation *op, unsigned defaultBits) {
  switch (getPrecision(op)) {
  case Precision::Int8:
    return 8;
  case Precision::Int4:
    return 4;
  default:
    return defaultBits;
  }
}

SmallVector<Operation *> quantc::getContractionsToQuantize(
    func::FuncOp func, ArrayRef<std::string> keepFloat, bool withConv) {
  SmallVector<Operation *> contractions;
  func.walk([&](Operation *op) {
    if (!isa<qnn::MatMulOp, qnn::GemmOp>(op) &&
        !(withConv && isa<qnn::ConvOp>(op)))
      return;
    SmallVector<std::string> nodes;
    getNodeNames(op->getLoc(), nodes);
    if (getPrecision(op) == Precision::Float ||
        llvm::any_of(nodes,
                     [&](const std::string &node) {
                       return llvm::is_contained(keepFloat, node);
                     }) ||
        llvm::is_contained(keepFloat, op->getName().getStringRef()))
      return;
    contractions.push_back(op);
  });
  return contractions;
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
    if (bits != 8 && bits != 4) {
      func.emitError("bits must be 8 or 4, not ") << bits.getValue();
      return signalPassFailure();
    }
    if (groupSize < 0) {
      func.emitError("group-size must not be negative");
      return signalPassFailure();
    }
    if (bits != 8 && mode != "weight-only") {
      func.emitError("bits=4 applies to mode=weight-only; static "
                     "quantization is 8-bit per channel or per tensor (a "
                     "contraction marked int4 gets 4-bit weights only)");
      return signalPassFailure();
    }
    if (activations != "contractions" && activations != "all") {
      func.emitError("activations must be contractions or all, not '")
          << activations << "'";
      return signalPassFailure();
    }
    for (Operation *op : getContractionsToQuantize(func, keepFloat))
      if (failed(quantizeContraction(op)))
        return signalPassFailure();
    if (activations == "all" && mode == "static")
      quantizeOtherInputs(func);
  }

  /// Quantizes the float operands with a calibrated range of every op that
  /// has an integer form (activations=all).
  void quantizeOtherInputs(func::FuncOp func) {
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (isa<qnn::ReluOp, qnn::LeakyReluOp, qnn::ClipOp, qnn::SigmoidOp,
              qnn::HardSigmoidOp, qnn::HardSwishOp, qnn::TanhOp, qnn::GeluOp,
              qnn::ErfOp, qnn::ExpOp, qnn::AddOp, qnn::SubOp, qnn::MulOp,
              qnn::GlobalAvgPoolOp, qnn::AvgPoolOp, qnn::SoftmaxOp,
              qnn::LayerNormOp, qnn::MaxPoolOp, qnn::GlobalMaxPoolOp,
              qnn::ConcatOp, qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp,
              qnn::GatherOp>(op))
        ops.push_back(op);
      // A matmul of two activations (attention's products) quantizes both.
      else if (auto matmul = dyn_cast<qnn::MatMulOp>(op);
               matmul && !matchPattern(matmul.getRhs(), m_Constant()))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      for (OpOperand &operand : op->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || !type.getElementType().isF32())
          continue;
        if (matchPattern(value, m_Constant())) {
          // A constant operand of an add, sub or mul is quantized per
          // tensor to its own range.
          if (isa<qnn::AddOp, qnn::SubOp, qnn::MulOp>(op))
            if (FailureOr<Value> constant = getQuantizedConstant(op, value);
                succeeded(constant))
              operand.set(*constant);
          continue;
        }
        // Moves take only their data operand.
        if (isa<qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp>(
                op) &&
            operand.getOperandNumber() != 0)
          continue;
        // A relu or clip of a contraction folds into its quantized result.
        Operation *producer = value.getDefiningOp();
        if (isa<qnn::ReluOp, qnn::ClipOp>(op) && value.hasOneUse() &&
            isa_and_nonnull<qnn::ConvOp, qnn::MatMulOp, qnn::GemmOp>(producer))
          continue;
        FailureOr<Value> dequantized = getQuantizedActivation(value);
        if (succeeded(dequantized))
          operand.set(*dequantized);
      }
    }
    // A result that the function returns is quantized too, so that its op
    // computes on quantized values; the return reads it dequantized.
    Operation *terminator = func.getBody().back().getTerminator();
    for (OpOperand &operand : terminator->getOpOperands()) {
      Operation *producer = operand.get().getDefiningOp();
      if (!producer || !llvm::is_contained(ops, producer) ||
          isa<qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp>(
              producer))
        continue;
      FailureOr<Value> dequantized = getQuantizedActivation(operand.get());
      if (succeeded(dequantized))
        operand.set(*dequantized);
    }
  }

  /// The dequantized form of a quantized copy of the f32 constant `value`,
  /// per tensor on the activation type, asymmetric unless
  /// `symmetric-activations`, over its own range (widened to contain 0),
  /// placed before `user`.
  FailureOr<Value> getQuantizedConstant(Operation *user, Value value) {
    DenseElementsAttr values;
    if (!matchPattern(value, m_Constant(&values)) ||
        !values.getElementType().isF32())
      return failure();
    float lo = 0.0f, hi = 0.0f;
    for (float v : values.getValues<float>()) {
      if (!std::isfinite(v))
        return failure();
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    bool isSigned = activationType == "s8";
    StorageRange storage = StorageRange::forBits(8, isSigned);
    FailureOr<QuantParams> params =
        chooseQuantParams(lo, hi, storage, symmetricActivations);
    if (failed(params))
      return failure();
    auto type = cast<RankedTensorType>(value.getType());
    auto quantizedType =
        type.clone(getUniformType(value.getContext(), *params, storage,
                                  isSigned, 8, type.getElementType()));
    FailureOr<DenseElementsAttr> stored =
        qnn::quantizeElements(values, quantizedType);
    if (failed(stored))
      return failure();
    OpBuilder b(user);
    Location loc = value.getLoc();
    Value quantized = qnn::ConstantOp::create(b, loc, quantizedType, *stored);
    return Value(qnn::DequantizeOp::create(b, loc, type, quantized));
  }

  /// The dequantized, quantized form of activation `value` (one per value).
  FailureOr<Value> getQuantizedActivation(Value value) {
    if (Value known = quantizedActivations.lookup(value))
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
    quantizedActivations[value] = dequantized;
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
    auto [channelAxis, reductionAxis] = getWeightAxes(op);
    // Weight-only quantization leaves the input in float; so does static
    // quantization for a contraction marked int4.
    unsigned weightBits = getWeightBits(op, bits);
    bool weightOnly = mode == "weight-only" || weightBits == 4;
    FailureOr<Value> dequantizedInput = failure();
    if (!weightOnly) {
      dequantizedInput = getQuantizedActivation(input);
      if (failed(dequantizedInput))
        return success();
    }

    // Weights: symmetric narrow range, per output channel or per tensor,
    // and group-wise along the reduction axis where the group size divides
    // it.
    MLIRContext *context = op->getContext();
    bool perAxis = perChannel && channelAxis;
    WeightQuantization how;
    how.bits = weightBits;
    how.channelAxis = perAxis ? channelAxis : std::nullopt;
    if (weightOnly && groupSize > 0 &&
        weightType.getDimSize(*reductionAxis) % groupSize == 0)
      how.groupSize = groupSize;
    how.reductionAxis = reductionAxis;
    FailureOr<QuantizedWeight> quantizedWeightValues =
        quantizeWeight(weightValues, weightType, how);
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
    if (biasCorrection &&
        failed(correctBias(op, weightValues, *quantizedWeightValues)))
      return failure();
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

  /// Bias correction: subtracts from the bias of contraction `op` the
  /// mean error its quantized weight makes, E[(Wq - W) x] per output
  /// channel, from the calibrated channel means of its input. An input
  /// without means is left alone.
  LogicalResult correctBias(Operation *op, DenseElementsAttr weight,
                            const QuantizedWeight &quantized) {
    std::optional<SmallVector<double>> means =
        getChannelMeans(op->getOperand(0));
    if (!means)
      return success();
    FailureOr<DenseElementsAttr> dequantized =
        qnn::dequantizeElements(quantized.stored, quantized.type);
    if (failed(dequantized))
      return op->emitError("cannot dequantize the quantized weight");
    SmallVector<double> delta;
    for (auto [q, w] : llvm::zip_equal(dequantized->getValues<float>(),
                                       weight.getValues<float>()))
      delta.push_back(double(q) - double(w));
    ArrayRef<int64_t> shape = quantized.type.getShape();
    FailureOr<SmallVector<double>> correction =
        getBiasCorrection(op, shape, delta, *means);
    if (failed(correction))
      return success();
    return applyBiasCorrection(op, *correction);
  }

  /// Per tap of the window `kernel` (row-major), the share of `conv`'s
  /// output positions at which the tap reads the input rather than its
  /// zero padding: the bias then corrects the mean error over the output.
  /// All 1 if a spatial size is not static.
  static SmallVector<double> getTapCoverage(qnn::ConvOp conv,
                                            ArrayRef<int64_t> kernel) {
    int64_t taps = 1;
    for (int64_t k : kernel)
      taps *= k;
    SmallVector<double> coverage(taps, 1.0);
    auto input = cast<RankedTensorType>(conv.getInput().getType());
    auto output = cast<RankedTensorType>(conv.getResult().getType());
    int64_t rank = kernel.size();
    ArrayRef<int64_t> strides = conv.getStrides();
    ArrayRef<int64_t> dilations = conv.getDilations();
    ArrayRef<int64_t> pads = conv.getPads();
    if (!input.hasStaticShape() || !output.hasStaticShape() ||
        int64_t(strides.size()) != rank || int64_t(dilations.size()) != rank ||
        int64_t(pads.size()) != 2 * rank)
      return coverage;
    // Per axis, the share of output positions each tap reads inside.
    SmallVector<SmallVector<double>> inside(rank);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = input.getDimSize(d + 2);
      int64_t outSize = output.getDimSize(d + 2);
      for (int64_t k = 0; k < kernel[d]; ++k) {
        int64_t count = 0;
        for (int64_t o = 0; o < outSize; ++o) {
          int64_t at = o * strides[d] - pads[d] + k * dilations[d];
          count += at >= 0 && at < size;
        }
        inside[d].push_back(outSize ? double(count) / double(outSize) : 1.0);
      }
    }
    for (int64_t t = 0; t < taps; ++t) {
      int64_t rest = t;
      for (int64_t d = rank - 1; d >= 0; --d) {
        coverage[t] *= inside[d][rest % kernel[d]];
        rest /= kernel[d];
      }
    }
    return coverage;
  }

  /// E[(Wq - W) x] per output channel, with `delta` = Wq - W of `shape`.
  /// Fails if the means do not fit the weight.
  static FailureOr<SmallVector<double>>
  getBiasCorrection(Operation *op, ArrayRef<int64_t> shape,
                    ArrayRef<double> delta, ArrayRef<double> means) {
    if (auto conv = dyn_cast<qnn::ConvOp>(op)) {
      // [M, C/g, kh, kw]: output channel m reads input channels of group
      // m / (M/g).
      int64_t m = shape[0], perGroup = shape[1], groups = conv.getGroup();
      int64_t spatial = 1;
      for (int64_t d : shape.drop_front(2))
        spatial *= d;
      if (groups <= 0 || m % groups != 0 ||
          int64_t(means.size()) != perGroup * groups)
        return failure();
      SmallVector<double> coverage = getTapCoverage(conv, shape.drop_front(2));
      SmallVector<double> correction(m, 0.0);
      for (int64_t o = 0; o < m; ++o) {
        int64_t first = o / (m / groups) * perGroup;
        for (int64_t c = 0; c < perGroup; ++c)
          for (int64_t s = 0; s < spatial; ++s)
            correction[o] += delta[(o * perGroup + c) * spatial + s] *
                             means[first + c] * coverage[s];
      }
      return correction;
    }
    if (shape.size() != 2)
      return failure();
    // MatMul [K, N]; Gemm B [K, N], or [N, K] with trans_b.
    bool transposed = false;
    double alpha = 1.0;
    if (auto gemm = dyn_cast<qnn::GemmOp>(op)) {
      transposed = gemm.getTransB();
      alpha = gemm.getAlpha().convertToDouble();
    }
    int64_t k = transposed ? shape[1] : shape[0];
    int64_t n = transposed ? shape[0] : shape[1];
    if (int64_t(means.size()) != k)
      return failure();
    SmallVector<double> correction(n, 0.0);
    for (int64_t j = 0; j < n; ++j) {
      for (int64_t i = 0; i < k; ++i)
        correction[j] += means[i] * delta[transposed ? j * k + i : i * n + j];
      correction[j] *= alpha;
    }
    return correction;
  }

  /// A constant of f32 `type` holding `values`, rounded to binary32.
  static Value createConstant(OpBuilder &b, Location loc, RankedTensorType type,
                              ArrayRef<double> values) {
    SmallVector<float> floats(values.begin(), values.end());
    return qnn::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(floats)));
  }

  /// A constant f32 [n] holding `values`.
  static Value createVector(OpBuilder &b, Location loc,
                            ArrayRef<double> values) {
    return createConstant(
        b, loc, RankedTensorType::get({int64_t(values.size())}, b.getF32Type()),
        values);
  }

  /// `values` minus `correction` times `factor`, if `values` is a constant
  /// f32 vector of the correction's length (as [n] or [1, n]).
  static std::optional<SmallVector<double>>
  subtractFrom(Value values, ArrayRef<double> correction, double factor) {
    DenseElementsAttr constant;
    if (!values || !matchPattern(values, m_Constant(&constant)) ||
        !constant.getElementType().isF32() ||
        constant.getNumElements() != int64_t(correction.size()) ||
        cast<ShapedType>(constant.getType()).getShape().back() !=
            int64_t(correction.size()))
      return std::nullopt;
    SmallVector<double> result;
    for (auto [v, c] : llvm::zip_equal(constant.getValues<float>(), correction))
      result.push_back(double(v) - c * factor);
    return result;
  }

  /// Folds `correction` into the bias of `op`: conv's bias (else the mean of
  /// a batch normalization that is its only user, else a new bias), gemm's
  /// C (made if absent), or the constant vector a matmul's only user adds
  /// (else a new qnn.add).
  static LogicalResult applyBiasCorrection(Operation *op,
                                           ArrayRef<double> correction) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    SmallVector<double> negated;
    for (double c : correction)
      negated.push_back(-c);
    // A constant like `old` (same shape) holding `values`.
    auto replaceVector = [&](Value old, ArrayRef<double> values) {
      return createConstant(b, loc, cast<RankedTensorType>(old.getType()),
                            values);
    };
    if (auto conv = dyn_cast<qnn::ConvOp>(op)) {
      if (!conv.getBias()) {
        // A batch normalization that is the conv's only user takes the
        // correction into its mean: BN(y - c) is BN(y) with mean + c.
        Value result = op->getResult(0);
        if (result.hasOneUse())
          if (auto norm =
                  dyn_cast<qnn::BatchNormOp>(*result.getUsers().begin());
              norm && norm.getInput() == result)
            if (std::optional<SmallVector<double>> mean =
                    subtractFrom(norm.getMean(), correction, -1.0)) {
              b.setInsertionPoint(norm);
              norm->setOperand(3, replaceVector(norm.getMean(), *mean));
              return success();
            }
        op->insertOperands(2, createVector(b, loc, negated));
        return success();
      }
      if (std::optional<SmallVector<double>> bias =
              subtractFrom(conv.getBias(), correction, 1.0))
        op->setOperand(2, replaceVector(conv.getBias(), *bias));
      return success();
    }
    if (auto gemm = dyn_cast<qnn::GemmOp>(op)) {
      double beta = gemm.getBeta().convertToDouble();
      if (beta == 0.0)
        return success();
      SmallVector<double> scaled;
      for (double c : negated)
        scaled.push_back(c / beta);
      if (!gemm.getC()) {
        op->insertOperands(2, createVector(b, loc, scaled));
        return success();
      }
      if (std::optional<SmallVector<double>> c =
              subtractFrom(gemm.getC(), correction, 1.0 / beta))
        op->setOperand(2, replaceVector(gemm.getC(), *c));
      return success();
    }
    // MatMul: the bias an ONNX MatMul + Add carries, or a new add.
    Value result = op->getResult(0);
    if (result.hasOneUse())
      if (auto add = dyn_cast<qnn::AddOp>(*result.getUsers().begin())) {
        unsigned other = add.getLhs() == result ? 1 : 0;
        Value addend = add->getOperand(other);
        if (std::optional<SmallVector<double>> bias =
                subtractFrom(addend, correction, 1.0)) {
          b.setInsertionPoint(add);
          add->setOperand(other, replaceVector(addend, *bias));
          return success();
        }
      }
    b.setInsertionPointAfter(op);
    auto corrected = qnn::AddOp::create(b, loc, result.getType(), result,
                                        createVector(b, loc, negated));
    result.replaceAllUsesExcept(corrected, corrected);
    return success();
  }

  DenseMap<Value, Value> quantizedActivations;
};
} // namespace
