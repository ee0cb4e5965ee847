//===- QuantizedElementwise.cpp - Integer activations, adds, softmax -----===//
//
// Lowers quantized ops outside the contractions to integer code on the
// stored integers; qnn-integer-only produces them (through qnn-fold-qdq) so
// that a quantized graph needs no float between its input and its output.
// The rules, stated in docs/numerics.md ("Integer activations, adds,
// average pools, softmax and LayerNorm"):
//   unary op f    a table of 2^8 stored results, one per stored input,
//                 computed at compile time: quantize(fl32(f(dequantize(q))))
//                 with f evaluated in binary64 and rounded once to binary32,
//                 quantize and dequantize as qnn.quantize and
//                 qnn.dequantize compute them;
//   add, sub      y = clamp(round_half_even(((a - z_a) * M_a +- (b - z_b) *
//                 M_b) / 2^N) + z_y), M_i = round_half_even(s_i / s_y * 2^N)
//                 with N such that the larger M has 31 bits;
//   mul           y = clamp(round_half_even((a - z_a) * (b - z_b) * M / 2^n)
//                 + z_y), M / 2^n the fixed-point form of s_a * s_b / s_y;
//   average pool  y = clamp(round_half_even(sum(q - z_x) * M / (count *
//                 2^n)) + z_y) over each window, M / 2^n the fixed-point
//                 form of s_x / s_y;
//   global average pool
//                 y = clamp(round_half_even((sum(q) - count * z_x) * M / 2^n)
//                 + z_y), M / 2^n the fixed-point form of s_x / (s_y * count);
//   softmax       E[d] = round_half_even(2^16 * exp(-s_x * d)) for the
//                 distance d = max(q) - q along the axis, and
//                 y = clamp(round_half_even(E * M / (sum(E) * 2^n)) + z_y),
//                 M / 2^n the fixed-point form of 1 / s_y;
//   layer norm    over the normalized dimensions (N elements), d = q - z_x,
//                 c = N * d - sum(d), V = floor(sum(c^2) / N) + E with
//                 E = round(epsilon * N^2 / s_x^2), R = isqrt(V * 2^16),
//                 y = clamp(round_half_even((c * 2^8 * G + B * R) /
//                 (R * 2^k)) + z_y), G and B the scale and bias over s_y
//                 in fixed point with k fraction bits.
// Operands and results are 8-bit and quantized per tensor.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Support/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

//===----------------------------------------------------------------------===//
// Unary ops as tables
//===----------------------------------------------------------------------===//

/// Whether `op` is an elementwise unary op that a table computes.
static bool isTableUnary(Operation *op) {
  return isa<qnn::ReluOp, qnn::LeakyReluOp, qnn::ClipOp, qnn::SigmoidOp,
             qnn::HardSigmoidOp, qnn::HardSwishOp, qnn::TanhOp, qnn::GeluOp,
             qnn::ErfOp, qnn::ExpOp, qnn::LogOp, qnn::SqrtOp, qnn::NegOp,
             qnn::AbsOp, qnn::RoundOp, qnn::FloorOp, qnn::CeilOp>(op);
}

/// The real function of the unary op `op` at `x`, in binary64, with the
/// formulas of Elementwise.cpp (ONNX's).
static double evaluateUnary(Operation *op, double x) {
  auto clampUnit = [](double v) { return std::max(0.0, std::min(1.0, v)); };
  if (isa<qnn::ReluOp>(op))
    return std::max(x, 0.0);
  if (auto leaky = dyn_cast<qnn::LeakyReluOp>(op))
    return x < 0 ? double(leaky.getAlpha().convertToFloat()) * x : x;
  if (auto clip = dyn_cast<qnn::ClipOp>(op)) {
    if (std::optional<APFloat> min = clip.getMin())
      x = std::max(x, min->convertToDouble());
    if (std::optional<APFloat> max = clip.getMax())
      x = std::min(x, max->convertToDouble());
    return x;
  }
  if (isa<qnn::SigmoidOp>(op))
    return 1.0 / (1.0 + std::exp(-x));
  if (auto hard = dyn_cast<qnn::HardSigmoidOp>(op))
    return clampUnit(double(hard.getAlpha().convertToFloat()) * x +
                     double(hard.getBeta().convertToFloat()));
  if (isa<qnn::HardSwishOp>(op))
    return x * clampUnit(x / 6.0 + 0.5);
  if (isa<qnn::TanhOp>(op))
    return std::tanh(x);
  if (auto gelu = dyn_cast<qnn::GeluOp>(op)) {
    if (gelu.getApproximate() == qnn::GeluApproximation::Tanh)
      return 0.5 * x *
             (1.0 +
              std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  }
  if (isa<qnn::ErfOp>(op))
    return std::erf(x);
  if (isa<qnn::ExpOp>(op))
    return std::exp(x);
  if (isa<qnn::LogOp>(op))
    return std::log(x);
  if (isa<qnn::SqrtOp>(op))
    return std::sqrt(x);
  if (isa<qnn::NegOp>(op))
    return -x;
  if (isa<qnn::AbsOp>(op))
    return std::fabs(x);
  if (isa<qnn::RoundOp>(op))
    return roundHalfToEven(x);
  if (isa<qnn::FloorOp>(op))
    return std::floor(x);
  assert(isa<qnn::CeilOp>(op) && "not a table unary op");
  return std::ceil(x);
}

/// The table of a quantized unary op: entry i is the stored result for the
/// stored input whose 8 bits are i (two's complement for signed storage).
static DenseElementsAttr buildTable(Operation *op, const AxisParams &in,
                                    const AxisParams &out, Type storage) {
  QuantParams inParams{float(in.scale(0)), in.zeroPoint(0)};
  QuantParams outParams{float(out.scale(0)), out.zeroPoint(0)};
  StorageRange range{out.qmin, out.qmax};
  SmallVector<APInt> entries;
  for (int64_t bits = 0; bits < 256; ++bits) {
    int64_t q = in.isSigned && bits >= 128 ? bits - 256 : bits;
    float x = dequantizeValue(q, inParams);
    float y = float(evaluateUnary(op, double(x)));
    int64_t stored = quantizeValue(y, outParams, range);
    entries.push_back(APInt(8, uint64_t(stored) & 0xff));
  }
  return DenseElementsAttr::get(RankedTensorType::get({256}, storage), entries);
}

//===----------------------------------------------------------------------===//
// Which ops lower
//===----------------------------------------------------------------------===//

/// The parameters of `type`, if it is 8-bit and quantized per tensor.
static FailureOr<AxisParams> getPerTensor8(Type type) {
  FailureOr<AxisParams> params = getAxisParams(type);
  if (failed(params) || !params->isPerTensor() || params->width != 8 ||
      !params->expressed.isF32())
    return failure();
  return params;
}

/// The longest softmax axis: the sum of 2^16-scaled exponentials stays
/// below 2^31.
static constexpr int64_t kMaxSoftmaxLength = int64_t(1) << 15;

/// The N of an add: the larger of `ratios` times 2^N has 31 bits, N in
/// [1, 62]; fails when the ratio is 2^30 or more.
static FailureOr<int64_t> getAddShift(ArrayRef<double> ratios) {
  double largest = *llvm::max_element(ratios);
  if (!(largest > 0) || !std::isfinite(largest) || largest >= 0x1p30)
    return failure();
  int exponent;
  std::frexp(largest, &exponent);
  return std::min<int64_t>(62, 31 - exponent);
}

namespace {
/// The integer parameters of a quantized layer norm (see the file comment).
struct LayerNormPlan {
  int64_t count = 1;                  // N
  int64_t epsilon = 0;                // E
  int64_t fraction = 0;               // k
  SmallVector<int64_t> shape;         // [1, ..., 1, D_axis, ..., D_last]
  SmallVector<double> gains, offsets; // G and B, row-major over `shape`
};
} // namespace

/// The largest normalized size: N^2 * 2^16 * 2^16 stays below 2^63.
static constexpr int64_t kMaxLayerNormCount = 4096;

/// The constant f32 values of `value` broadcast to `shape` (trailing
/// aligned), or failure; an absent value is `fill` everywhere.
static FailureOr<SmallVector<double>>
broadcastConstant(Value value, ArrayRef<int64_t> shape, double fill) {
  int64_t total = 1;
  for (int64_t d : shape)
    total *= d;
  if (!value)
    return SmallVector<double>(total, fill);
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return failure();
  ArrayRef<int64_t> from = cast<ShapedType>(attr.getType()).getShape();
  if (from.size() > shape.size())
    return failure();
  SmallVector<float> values(attr.getValues<float>());
  size_t offset = shape.size() - from.size();
  SmallVector<double> result;
  for (int64_t i = 0; i < total; ++i) {
    // The coordinates of i in `shape`, mapped into `from`.
    int64_t rest = i, index = 0, stride = 1;
    SmallVector<int64_t> coords(shape.size());
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      coords[d] = rest % shape[d];
      rest /= shape[d];
    }
    for (int64_t d = int64_t(from.size()) - 1; d >= 0; --d) {
      int64_t size = from[d];
      if (size != 1 && size != shape[d + offset])
        return failure();
      index += (size == 1 ? 0 : coords[d + offset]) * stride;
      stride *= size;
    }
    result.push_back(values[index]);
  }
  return result;
}

/// The plan of a quantized layer norm whose scale and bias are `scale` and
/// `bias` (the op's, or their converted values), or why it has none.
static FailureOr<LayerNormPlan> planLayerNorm(qnn::LayerNormOp op, Value scale,
                                              Value bias, std::string &reason) {
  FailureOr<AxisParams> in = getPerTensor8(op.getInput().getType());
  FailureOr<AxisParams> out = getPerTensor8(op.getType());
  if (failed(in) || failed(out)) {
    reason = "the input and the result must be 8-bit, quantized per tensor, "
             "with expressed type f32";
    return failure();
  }
  auto type = cast<RankedTensorType>(op.getInput().getType());
  int64_t axis = op.getAxis();
  LayerNormPlan plan;
  SmallVector<int64_t> normalized;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d < axis) {
      plan.shape.push_back(1);
      continue;
    }
    if (type.isDynamicDim(d)) {
      reason = "a quantized layer norm needs static normalized sizes";
      return failure();
    }
    plan.shape.push_back(type.getDimSize(d));
    normalized.push_back(type.getDimSize(d));
    plan.count *= type.getDimSize(d);
  }
  if (plan.count > kMaxLayerNormCount) {
    reason = "a quantized layer norm normalizes at most 4096 elements";
    return failure();
  }
  FailureOr<SmallVector<double>> gamma =
      broadcastConstant(scale, normalized, 1.0);
  FailureOr<SmallVector<double>> beta =
      broadcastConstant(bias, normalized, 0.0);
  if (failed(gamma) || failed(beta)) {
    reason = "a quantized layer norm's scale and bias must be f32 constants";
    return failure();
  }
  double sx = in->scale(0), sy = out->scale(0);
  double epsilon = double(op.getEpsilon().convertToFloat()) *
                   double(plan.count) * double(plan.count) / (sx * sx);
  if (!(epsilon < 0x1p40)) {
    reason = "a quantized layer norm's epsilon is too large for its scale";
    return failure();
  }
  plan.epsilon = int64_t(roundHalfToEven(epsilon));
  // k: |c * 2^8 * G| < 2^20 * 2^8 * 2^24 and |B * R| < 2^34 * 2^28.
  double maxGain = 0, maxOffset = 0;
  for (double g : *gamma)
    maxGain = std::max(maxGain, std::abs(g) / sy);
  for (double b : *beta)
    maxOffset = std::max(maxOffset, std::abs(b) / sy);
  int gainBits = maxGain > 0 ? std::ilogb(maxGain) + 1 : 0;
  int offsetBits = maxOffset > 0 ? std::ilogb(maxOffset) + 1 : 0;
  plan.fraction =
      std::min({int64_t(24 - gainBits), int64_t(33 - offsetBits), int64_t(30)});
  if (plan.fraction < 8) {
    reason = "a quantized layer norm's scale or bias is too large for its "
             "result scale";
    return failure();
  }
  for (double g : *gamma)
    plan.gains.push_back(roundHalfToEven(std::ldexp(g / sy, plan.fraction)));
  for (double b : *beta)
    plan.offsets.push_back(roundHalfToEven(std::ldexp(b / sy, plan.fraction)));
  return plan;
}

static LogicalResult checkLayerNorm(qnn::LayerNormOp op, std::string &reason) {
  return success(
      succeeded(planLayerNorm(op, op.getScale(), op.getBias(), reason)));
}

/// The element count of each window of a windowed average pool with
/// static shapes, in row-major order over the output's spatial positions
/// (ONNX's rule: padding counts only with count_include_pad).
static SmallVector<int64_t> getWindowCounts(qnn::AvgPoolOp op) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t spatial = inputType.getRank() - 2;
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                    pads = op.getPads();
  bool includePad = op.getCountIncludePad();
  SmallVector<int64_t> counts = {1};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = inputType.getDimSize(i + 2);
    int64_t lo = includePad ? -pads[i] : 0;
    int64_t hi = includePad ? in + pads[i + spatial] : in;
    SmallVector<int64_t> next;
    for (int64_t c : counts)
      for (int64_t o = 0; o < resultType.getDimSize(i + 2); ++o) {
        int64_t start = o * strides[i] - pads[i];
        int64_t end = start + kernel[i];
        next.push_back(
            c * std::max<int64_t>(0, std::min(end, hi) - std::max(start, lo)));
      }
    counts = std::move(next);
  }
  return counts;
}

static LogicalResult checkAvgPool(qnn::AvgPoolOp op, std::string &reason) {
  FailureOr<AxisParams> in = getPerTensor8(op.getInput().getType());
  FailureOr<AxisParams> out = getPerTensor8(op.getType());
  if (failed(in) || failed(out)) {
    reason = "the input and the result must be 8-bit, quantized per tensor, "
             "with expressed type f32";
    return failure();
  }
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  if (!inputType.hasStaticShape() ||
      !cast<RankedTensorType>(op.getType()).hasStaticShape()) {
    reason = "a quantized average pool needs static shapes";
    return failure();
  }
  int64_t window = 1;
  for (int64_t k : op.getKernel())
    window *= k;
  if (window > (int64_t(1) << 23)) {
    reason = "a quantized average pool sums at most 2^23 elements";
    return failure();
  }
  if (llvm::is_contained(getWindowCounts(op), 0)) {
    reason = "a window of the quantized average pool holds no element";
    return failure();
  }
  FailureOr<FixedPointMultiplier> fp =
      getFixedPointMultiplier(in->scale(0) / out->scale(0));
  if (failed(fp) || fp->shift > 32) {
    reason = "a quantized average pool's scale ratio must lie in [2^-1, 2^30)";
    return failure();
  }
  return success();
}

LogicalResult qnn_to_linalg::checkQuantizedElementwise(Operation *op,
                                                       std::string &reason) {
  bool binary = isa<qnn::AddOp, qnn::SubOp, qnn::MulOp>(op);
  if (auto avgPool = dyn_cast<qnn::AvgPoolOp>(op))
    return checkAvgPool(avgPool, reason);
  bool pool = isa<qnn::GlobalAvgPoolOp>(op);
  bool isSoftmax = isa<qnn::SoftmaxOp>(op);
  if (auto layerNorm = dyn_cast<qnn::LayerNormOp>(op))
    return checkLayerNorm(layerNorm, reason);
  if (!binary && !pool && !isSoftmax && !isTableUnary(op)) {
    reason.clear();
    return failure();
  }
  SmallVector<AxisParams> params;
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    FailureOr<AxisParams> p = getPerTensor8(type);
    if (failed(p)) {
      reason = "every operand and the result must be 8-bit, quantized per "
               "tensor, with expressed type f32";
      return failure();
    }
    params.push_back(*p);
  }
  const AxisParams &out = params.back();
  if (isa<qnn::AddOp, qnn::SubOp>(op)) {
    if (failed(getAddShift({params[0].scale(0) / out.scale(0),
                            params[1].scale(0) / out.scale(0)}))) {
      reason = kNoFixedPoint;
      return failure();
    }
  } else if (isa<qnn::MulOp>(op)) {
    if (failed(getFixedPointMultiplier(params[0].scale(0) * params[1].scale(0) /
                                       out.scale(0)))) {
      reason = kNoFixedPoint;
      return failure();
    }
  } else if (auto softmax = dyn_cast<qnn::SoftmaxOp>(op)) {
    auto type = cast<RankedTensorType>(softmax.getInput().getType());
    int64_t axis = softmax.getAxis();
    if (type.isDynamicDim(axis) || type.getDimSize(axis) > kMaxSoftmaxLength) {
      reason = "a quantized softmax needs a static axis of at most 2^15 "
               "elements";
      return failure();
    }
    FailureOr<FixedPointMultiplier> fp =
        getFixedPointMultiplier(1.0 / out.scale(0));
    if (failed(fp) || fp->shift > 31) {
      reason = "a quantized softmax's result scale must lie in [2^-29, 2]";
      return failure();
    }
  } else if (pool) {
    auto type = cast<RankedTensorType>(op->getOperand(0).getType());
    int64_t count = 1;
    for (int64_t d = 2; d < type.getRank(); ++d) {
      if (type.isDynamicDim(d)) {
        reason = "a quantized global average pool needs static spatial sizes";
        return failure();
      }
      count *= type.getDimSize(d);
    }
    if (count > (int64_t(1) << 23)) {
      reason = "a quantized global average pool sums at most 2^23 elements";
      return failure();
    }
    if (failed(getFixedPointMultiplier(params[0].scale(0) /
                                       (out.scale(0) * double(count))))) {
      reason = kNoFixedPoint;
      return failure();
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// Whether `op` has a quantized result that this file lowers; on a failed
/// check, the reason goes to the rewriter.
LogicalResult matchQuantized(Operation *op, PatternRewriter &rewriter) {
  if (!isa<quant::QuantizedType>(getElementTypeOrSelf(op->getResult(0))))
    return failure();
  std::string reason;
  if (failed(checkQuantizedElementwise(op, reason)))
    return rewriter.notifyMatchFailure(op, reason);
  return success();
}

/// A quantized unary op reads its table.
struct QuantizedUnaryLowering final : ConversionPattern {
  QuantizedUnaryLowering(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/2,
                          context) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isTableUnary(op) || failed(matchQuantized(op, rewriter)))
      return failure();
    Location loc = op->getLoc();
    AxisParams in = *getAxisParams(op->getOperand(0).getType());
    AxisParams out = *getAxisParams(op->getResult(0).getType());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op->getResult(0).getType()));
    Type storage = resultType.getElementType();
    Value table = arith::ConstantOp::create(rewriter, loc,
                                            buildTable(op, in, out, storage));
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, operands[0]);
    Value result = createElementwise(
        rewriter, loc, resultType, operands[0],
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          // The stored bits, zero-extended, index the table.
          Value index =
              arith::IndexCastUIOp::create(b, nl, b.getIndexType(), args[0]);
          return tensor::ExtractOp::create(b, nl, table, index);
        },
        ValueRange(sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A quantized add, sub or mul in 64-bit integers.
template <typename OpTy>
struct QuantizedBinaryLowering final : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool isMul = std::is_same_v<OpTy, qnn::MulOp>;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(matchQuantized(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    AxisParams a = *getAxisParams(op.getLhs().getType());
    AxisParams bParams = *getAxisParams(op.getRhs().getType());
    AxisParams out = *getAxisParams(op.getType());
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Type i64 = rewriter.getI64Type();
    // Multipliers of the two shifted operands (or of their product) and
    // the shift of the sum.
    int64_t multiplierA, multiplierB = 0, shift;
    if (isMul) {
      FixedPointMultiplier fp = *getFixedPointMultiplier(
          a.scale(0) * bParams.scale(0) / out.scale(0));
      multiplierA = fp.multiplier;
      shift = fp.shift;
    } else {
      double ra = a.scale(0) / out.scale(0),
             rb = bParams.scale(0) / out.scale(0);
      shift = *getAddShift({ra, rb});
      multiplierA = int64_t(roundHalfToEven(std::ldexp(ra, shift)));
      multiplierB = int64_t(roundHalfToEven(std::ldexp(rb, shift)));
      if (std::is_same_v<OpTy, qnn::SubOp>)
        multiplierB = -multiplierB;
    }
    Value result = createElementwise(
        rewriter, loc, resultType, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          auto shifted = [&](Value q, const AxisParams &p) -> Value {
            Value wide = extendStored(b, nl, q, i64, p.isSigned);
            return arith::SubIOp::create(b, nl, wide,
                                         createI64(b, nl, p.zeroPoint(0)));
          };
          Value x = shifted(args[0], a), y = shifted(args[1], bParams);
          Value sum;
          if (isMul) {
            sum = arith::MulIOp::create(b, nl, x, y);
          } else {
            sum = arith::AddIOp::create(
                b, nl,
                arith::MulIOp::create(b, nl, x, createI64(b, nl, multiplierA)),
                arith::MulIOp::create(b, nl, y, createI64(b, nl, multiplierB)));
          }
          Value rescaled = createFixedPointRescale(
              b, nl, sum, createI64(b, nl, isMul ? multiplierA : 1),
              createI64(b, nl, shift));
          return storeInteger(b, nl, rescaled, out.zeroPoint(0), out.qmin,
                              out.qmax, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A quantized global average pool: an i32 sum of the stored integers,
/// then one fixed-point rescale.
struct QuantizedGlobalAvgPoolLowering final
    : OpConversionPattern<qnn::GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::GlobalAvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(matchQuantized(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getInput().getType());
    AxisParams out = *getAxisParams(op.getType());
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = 2; d < inputType.getRank(); ++d) {
      axes.push_back(d);
      count *= inputType.getDimSize(d);
    }
    FixedPointMultiplier fp =
        *getFixedPointMultiplier(in.scale(0) / (out.scale(0) * double(count)));
    Value wide = createElementwise(
        rewriter, loc, inputType.clone(i32), adaptor.getInput(),
        [&](OpBuilder &b, Location nl, ValueRange args) {
          return extendStored(b, nl, args[0], i32, in.isSigned);
        },
        ValueRange(getDynamicSizes(rewriter, loc, adaptor.getInput())));
    Value sum = createReduction(rewriter, loc, wide, axes, qnn::ReduceKind::Sum,
                                resultType.clone(i32));
    Value result = createElementwise(
        rewriter, loc, resultType, sum,
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value total = extendStored(b, nl, args[0], i64, /*isSigned=*/true);
          Value shifted = arith::SubIOp::create(
              b, nl, total, createI64(b, nl, count * in.zeroPoint(0)));
          Value rescaled = createFixedPointRescale(
              b, nl, shifted, createI64(b, nl, fp.multiplier),
              createI64(b, nl, fp.shift));
          return storeInteger(b, nl, rescaled, out.zeroPoint(0), out.qmin,
                              out.qmax, resultType.getElementType());
        },
        ValueRange(getDynamicSizes(rewriter, loc, sum)));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// round_half_even(num / den) of i64 values, den > 0.
static Value createRoundedDivision(OpBuilder &b, Location loc, Value num,
                                   Value den);

/// A quantized softmax: a table of 2^16-scaled exponentials of the
/// distance to the row's maximum, their i64 sum, and one rounded division.
struct QuantizedSoftmaxLowering final : OpConversionPattern<qnn::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(matchQuantized(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getInput().getType());
    AxisParams out = *getAxisParams(op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
    int64_t axis = op.getAxis();
    FixedPointMultiplier fp = *getFixedPointMultiplier(1.0 / out.scale(0));
    // E[d] for d = 0 .. 255.
    SmallVector<int32_t> exponentials;
    for (int64_t d = 0; d < 256; ++d)
      exponentials.push_back(int32_t(
          roundHalfToEven(std::ldexp(std::exp(-in.scale(0) * double(d)), 16))));
    auto tableType = RankedTensorType::get({256}, i32);
    Value table = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(tableType, ArrayRef<int32_t>(exponentials)));
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, input);
    SmallVector<int64_t> keptShape(inputType.getShape());
    keptShape[axis] = 1;
    Value wide = createElementwise(
        rewriter, loc, inputType.clone(i32), input,
        [&](OpBuilder &b, Location nl, ValueRange args) {
          return extendStored(b, nl, args[0], i32, in.isSigned);
        },
        ValueRange(sizes));
    Value max =
        createReduction(rewriter, loc, wide, {axis}, qnn::ReduceKind::Max,
                        RankedTensorType::get(keptShape, i32));
    Value exps = createElementwise(
        rewriter, loc, inputType.clone(i64), {wide, max},
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value distance = arith::SubIOp::create(b, nl, args[1], args[0]);
          Value index =
              arith::IndexCastOp::create(b, nl, b.getIndexType(), distance);
          Value e = tensor::ExtractOp::create(b, nl, table, index);
          return arith::ExtSIOp::create(b, nl, b.getI64Type(), e);
        },
        ValueRange(sizes));
    Value sum =
        createReduction(rewriter, loc, exps, {axis}, qnn::ReduceKind::Sum,
                        RankedTensorType::get(keptShape, i64));
    Value result = createElementwise(
        rewriter, loc, resultType, {exps, sum},
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          // round_half_even(E * M / (S * 2^n)).
          Value numerator = arith::MulIOp::create(
              b, nl, args[0], createI64(b, nl, fp.multiplier));
          Value denominator =
              arith::ShLIOp::create(b, nl, args[1], createI64(b, nl, fp.shift));
          Value rounded = createRoundedDivision(b, nl, numerator, denominator);
          return storeInteger(b, nl, rounded, out.zeroPoint(0), out.qmin,
                              out.qmax, resultType.getElementType());
        },
        ValueRange(sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A quantized windowed average pool: the i32 window sums of q - z_x
/// (padding adds 0, the real 0), then round_half_even(sum * M / (count *
/// 2^n)) + z_y with M / 2^n the fixed-point form of s_x / s_y and the
/// window's element count known at compile time.
struct QuantizedAvgPoolLowering final : OpConversionPattern<qnn::AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(matchQuantized(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getInput().getType());
    AxisParams out = *getAxisParams(op.getType());
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type i32 = rewriter.getI32Type(), i64 = rewriter.getI64Type();
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      pads = op.getPads();
    FixedPointMultiplier fp =
        *getFixedPointMultiplier(in.scale(0) / out.scale(0));
    // d = q - z_x, padded with 0 so that every window lies inside.
    Value shifted = createElementwise(
        rewriter, loc, inputType.clone(i32), adaptor.getInput(),
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value q = extendStored(b, nl, args[0], i32, in.isSigned);
          Value zp = arith::ConstantOp::create(
              b, nl, b.getI32IntegerAttr(int32_t(in.zeroPoint(0))));
          return arith::SubIOp::create(b, nl, q, zp);
        });
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)),
        high(rank, rewriter.getIndexAttr(0));
    SmallVector<int64_t> paddedShape(inputType.getShape());
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t size = inputType.getDimSize(i + 2);
      int64_t reach = (resultType.getDimSize(i + 2) - 1) * strides[i] +
                      kernel[i] - size - pads[i];
      int64_t highPad = std::max(pads[i + spatial], reach);
      low[i + 2] = rewriter.getIndexAttr(pads[i]);
      high[i + 2] = rewriter.getIndexAttr(highPad);
      paddedShape[i + 2] = size + pads[i] + highPad;
    }
    Value zero32 =
        arith::ConstantOp::create(rewriter, loc, rewriter.getI32IntegerAttr(0));
    Value padded = tensor::PadOp::create(
        rewriter, loc, RankedTensorType::get(paddedShape, i32), shifted, low,
        high, zero32);
    auto sumType = RankedTensorType::get(resultType.getShape(), i32);
    Value init =
        linalg::FillOp::create(
            rewriter, loc, zero32,
            tensor::EmptyOp::create(rewriter, loc, sumType.getShape(), i32)
                .getResult())
            .getResult(0);
    SmallVector<int64_t> dilations(spatial, 1);
    Value sums = createWindowReduction(
        rewriter, loc, padded, init, kernel, strides, dilations,
        [](OpBuilder &b, Location nl, Value acc, Value x) -> Value {
          return arith::AddIOp::create(b, nl, acc, x);
        });
    // The counts as a constant [1, 1, O_1, ..., O_s] tensor.
    SmallVector<int64_t> countShape(resultType.getShape());
    countShape[0] = countShape[1] = 1;
    SmallVector<int64_t> countValues = getWindowCounts(op);
    Value counts = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get(countShape, i64),
                               ArrayRef<int64_t>(countValues)));
    Value result = createElementwise(
        rewriter, loc, resultType, {sums, counts},
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value sum = extendStored(b, nl, args[0], i64, /*isSigned=*/true);
          Value num = arith::MulIOp::create(b, nl, sum,
                                            createI64(b, nl, fp.multiplier));
          Value den =
              arith::ShLIOp::create(b, nl, args[1], createI64(b, nl, fp.shift));
          Value q = createRoundedDivision(b, nl, num, den);
          return storeInteger(b, nl, q, out.zeroPoint(0), out.qmin, out.qmax,
                              resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// floor(sqrt(v)) of an i64 v in [0, 2^62): Newton's iteration from a
/// power of two above the root, then one correction.
static Value createIntegerSqrt(OpBuilder &b, Location loc, Value v) {
  Value one = createI64(b, loc, 1);
  Value positive = arith::MaxSIOp::create(b, loc, v, one);
  Value bits = arith::SubIOp::create(
      b, loc, createI64(b, loc, 64),
      math::CountLeadingZerosOp::create(b, loc, positive));
  // 2^ceil(bits / 2) >= sqrt(v).
  Value x = arith::ShLIOp::create(
      b, loc, one,
      arith::ShRUIOp::create(b, loc, arith::AddIOp::create(b, loc, bits, one),
                             one));
  for (int i = 0; i < 7; ++i) {
    Value quotient = arith::DivUIOp::create(b, loc, positive, x);
    x = arith::ShRUIOp::create(b, loc,
                               arith::AddIOp::create(b, loc, x, quotient), one);
  }
  // x is floor(sqrt(v)) or one above it.
  Value square = arith::MulIOp::create(b, loc, x, x);
  Value above = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, square,
                                      positive);
  x = arith::SubIOp::create(
      b, loc, x, arith::ExtUIOp::create(b, loc, b.getI64Type(), above));
  // v = 0 has root 0.
  Value zero = createI64(b, loc, 0);
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v, zero);
  return arith::SelectOp::create(b, loc, isZero, zero, x);
}

/// round_half_even(num / den) of i64 values, den > 0.
static Value createRoundedDivision(OpBuilder &b, Location loc, Value num,
                                   Value den) {
  Value quotient = arith::FloorDivSIOp::create(b, loc, num, den);
  Value remainder = arith::SubIOp::create(
      b, loc, num, arith::MulIOp::create(b, loc, quotient, den));
  Value twice = arith::ShLIOp::create(b, loc, remainder, createI64(b, loc, 1));
  Value above =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, twice, den);
  Value tie =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, twice, den);
  Value odd = arith::TruncIOp::create(b, loc, b.getI1Type(), quotient);
  Value up = arith::OrIOp::create(b, loc, above,
                                  arith::AndIOp::create(b, loc, tie, odd));
  return arith::AddIOp::create(
      b, loc, quotient, arith::ExtUIOp::create(b, loc, b.getI64Type(), up));
}

/// A quantized layer norm in 64-bit integers (see the file comment).
struct QuantizedLayerNormLowering final
    : OpConversionPattern<qnn::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<quant::QuantizedType>(op.getType().getElementType()))
      return failure();
    std::string reason;
    FailureOr<LayerNormPlan> planned =
        planLayerNorm(op, adaptor.getScale(), adaptor.getBias(), reason);
    if (failed(planned))
      return rewriter.notifyMatchFailure(op, reason);
    LayerNormPlan plan = *planned;
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getInput().getType());
    AxisParams out = *getAxisParams(op.getType());
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type i64 = rewriter.getI64Type();
    SmallVector<int64_t> axes;
    SmallVector<int64_t> keptShape(inputType.getShape());
    for (int64_t d = op.getAxis(); d < inputType.getRank(); ++d) {
      axes.push_back(d);
      keptShape[d] = 1;
    }
    auto keptType = RankedTensorType::get(keptShape, i64);
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, input);
    auto constant = [&](ArrayRef<double> values) -> Value {
      SmallVector<int64_t> ints(values.begin(), values.end());
      auto type = RankedTensorType::get(plan.shape, i64);
      return arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>(ints)));
    };
    Value gains = constant(plan.gains), offsets = constant(plan.offsets);
    // d = q - z_x.
    Value shifted = createElementwise(
        rewriter, loc, inputType.clone(i64), input,
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value q = extendStored(b, nl, args[0], i64, in.isSigned);
          return arith::SubIOp::create(b, nl, q,
                                       createI64(b, nl, in.zeroPoint(0)));
        },
        ValueRange(sizes));
    Value sum = createReduction(rewriter, loc, shifted, axes,
                                qnn::ReduceKind::Sum, keptType);
    // c = N * d - sum(d).
    Value centered = createElementwise(
        rewriter, loc, inputType.clone(i64), {shifted, sum},
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value scaled = arith::MulIOp::create(b, nl, args[0],
                                               createI64(b, nl, plan.count));
          return arith::SubIOp::create(b, nl, scaled, args[1]);
        },
        ValueRange(sizes));
    Value squares = createReduction(rewriter, loc, centered, axes,
                                    qnn::ReduceKind::SumSquare, keptType);
    // R = isqrt((sum(c^2) / N + E) * 2^16).
    Value root = createElementwise(
        rewriter, loc, keptType, squares,
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value variance = arith::DivUIOp::create(b, nl, args[0],
                                                  createI64(b, nl, plan.count));
          Value v = arith::AddIOp::create(b, nl, variance,
                                          createI64(b, nl, plan.epsilon));
          Value r = createIntegerSqrt(
              b, nl, arith::ShLIOp::create(b, nl, v, createI64(b, nl, 16)));
          return arith::MaxSIOp::create(b, nl, r, createI64(b, nl, 1));
        },
        ValueRange(getDynamicSizes(rewriter, loc, squares)));
    Value result = createElementwise(
        rewriter, loc, resultType, {centered, root, gains, offsets},
        [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
          Value c = arith::ShLIOp::create(b, nl, args[0], createI64(b, nl, 8));
          Value num = arith::AddIOp::create(
              b, nl, arith::MulIOp::create(b, nl, c, args[2]),
              arith::MulIOp::create(b, nl, args[3], args[1]));
          Value den = arith::ShLIOp::create(b, nl, args[1],
                                            createI64(b, nl, plan.fraction));
          Value q = createRoundedDivision(b, nl, num, den);
          return storeInteger(b, nl, q, out.zeroPoint(0), out.qmin, out.qmax,
                              resultType.getElementType());
        },
        ValueRange(sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateQuantizedElementwisePatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  // Above the float patterns of the same ops, which fail on quantized ones.
  patterns.add<QuantizedUnaryLowering>(converter, context);
  patterns.add<QuantizedBinaryLowering<qnn::AddOp>,
               QuantizedBinaryLowering<qnn::SubOp>,
               QuantizedBinaryLowering<qnn::MulOp>,
               QuantizedGlobalAvgPoolLowering, QuantizedSoftmaxLowering,
               QuantizedLayerNormLowering, QuantizedAvgPoolLowering>(
      converter, context, /*benefit=*/2);
}
