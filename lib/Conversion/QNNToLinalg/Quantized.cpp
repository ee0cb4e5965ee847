//===- Quantized.cpp - Lower qnn ops on quantized tensors ----------------===//
//
// A quantized tensor lowers to the tensor of its stored integers (the
// signless storage type); its scales and zero points become constants of
// the code that reads or writes it. The rules each pattern implements are
// stated in docs/numerics.md ("Quantized arithmetic"):
//   quantize     clamp(round_half_even(x / s) + zp), NaN to zp, in the
//                expressed float type;
//   dequantize   (float(q) - float(zp)) * s;
//   requantize   clamp(round_half_even((q - zp_in) * (s_in / s_out)) + zp_out)
//                in binary64;
//   conv, matmul and gemm accumulate (q_x - zp_x) * (q_w - zp_w) in i32,
//   start from an i32 bias whose scale is s_x * s_w, and end with
//     float result:     acc * m                  m = fl32(s_x * s_w[c])
//     quantized result: clamp(round_half_even(acc * fl32(m / s_y)) + zp_y)
//   all in binary32, as onnxruntime's QLinearConv and QLinearMatMul do.
// Ops that only move elements (reshape, transpose, slice, gather, concat of
// one type), qnn.shape, and max pools of one per-tensor type run on the
// stored integers. Activations, adds, subs, muls and global average pools
// lower in QuantizedElementwise.cpp. Other quantized ops have no lowering:
// qnn-expand-quantized rewrites them around their float version first.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Conversion/QNNToLinalg/RuntimeKernels.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/QuantizedElements.h"
#include "quantc/Support/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

FailureOr<AxisParams> qnn_to_linalg::getAxisParams(Type type) {
  auto quantized = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  if (!quantized)
    return failure();
  AxisParams params;
  params.qmin = quantized.getStorageTypeMin();
  params.qmax = quantized.getStorageTypeMax();
  params.isSigned = quantized.isSigned();
  params.width = quantized.getStorageTypeIntegralWidth();
  params.expressed = quantized.getExpressedType();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(quantized)) {
    params.scales.push_back(uniform.getScale());
    params.zeroPoints.push_back(uniform.getZeroPoint());
    return params;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantized)) {
    params.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
    params.axis = perAxis.getQuantizedDimension();
    return params;
  }
  return failure();
}

/// The bits of a quantized tensor's stored integers, or 0 if `type` is not
/// quantized.
static unsigned getStorageWidth(Type type) {
  auto quantized = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  return quantized ? quantized.getStorageTypeIntegralWidth() : 0;
}

/// Whether a quantized tensor of `type` is stored packed: its integers are
/// narrower than a byte, and 8 / width of them share one byte, the first
/// in the lowest bits (ONNX's order for int4), as a flat i8 tensor.
static bool isPacked(Type type) {
  unsigned width = getStorageWidth(type);
  return width != 0 && width < 8;
}

/// Whether `type` is quantized with parameters that a per-tensor or per-axis
/// description does not cover (sub-channel), or is stored packed: the types
/// that only qnn.constant and qnn.dequantize lower.
static bool isBlockOrPacked(Type type) {
  return isPacked(type) ||
         isa<quant::UniformQuantizedSubChannelType>(getElementTypeOrSelf(type));
}

/// The packed bytes of the stored integers `stored`, each `width` bits wide.
static DenseElementsAttr packStored(DenseElementsAttr stored, unsigned width) {
  int64_t perByte = 8 / width;
  int64_t count = stored.getNumElements();
  SmallVector<uint8_t> bytes(llvm::divideCeil(count, perByte), 0);
  uint8_t mask = (1u << width) - 1;
  int64_t index = 0;
  for (const APInt &q : stored.getValues<APInt>()) {
    bytes[index / perByte] |= (uint8_t(q.getZExtValue()) & mask)
                              << ((index % perByte) * width);
    ++index;
  }
  auto type = RankedTensorType::get({int64_t(bytes.size())},
                                    IntegerType::get(stored.getContext(), 8));
  return DenseElementsAttr::get(
      type, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                           bytes.size()));
}

/// The `width`-bit integer at `coordinates` of a tensor of `shape` whose
/// integers `packed` holds packed (see isPacked), as an i8 with sign
/// extension if `isSigned`, else zero extension.
static Value loadPacked(OpBuilder &b, Location loc, Value packed,
                        ValueRange coordinates, ArrayRef<int64_t> shape,
                        unsigned width, bool isSigned) {
  Type i8 = b.getI8Type();
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The row-major position, its byte, and its bits in the byte.
  Value position = index(0);
  int64_t stride = 1;
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    Value term = arith::MulIOp::create(b, loc, coordinates[d], index(stride));
    position = arith::AddIOp::create(b, loc, position, term);
    stride *= shape[d];
  }
  int64_t perByte = 8 / width;
  Value byteIndex = arith::DivUIOp::create(b, loc, position, index(perByte));
  Value byte = tensor::ExtractOp::create(b, loc, packed, byteIndex);
  if (width == 8)
    return byte;
  Value slot = arith::RemUIOp::create(b, loc, position, index(perByte));
  Value shift = arith::IndexCastOp::create(
      b, loc, i8, arith::MulIOp::create(b, loc, slot, index(width)));
  // Move the field to the top bits, then shift it down with sign or zero
  // extension.
  Value down =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, 8 - width));
  Value top = arith::ShLIOp::create(b, loc, byte,
                                    arith::SubIOp::create(b, loc, down, shift));
  return isSigned ? Value(arith::ShRSIOp::create(b, loc, top, down))
                  : Value(arith::ShRUIOp::create(b, loc, top, down));
}

AxisConstant::AxisConstant(Type type, ArrayRef<double> values,
                           std::optional<int64_t> axis, int64_t rank)
    : type(type), values(values), axis(axis), rank(rank) {}

void AxisConstant::addInput(OpBuilder &b, Location loc,
                            SmallVectorImpl<Value> &inputs) {
  if (!axis || values.size() == 1)
    return;
  SmallVector<int64_t> shape(rank, 1);
  shape[*axis] = values.size();
  auto tensorType = RankedTensorType::get(shape, type);
  DenseElementsAttr attr;
  if (auto floatType = dyn_cast<FloatType>(type)) {
    SmallVector<APFloat> elements;
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      elements.push_back(f);
    }
    attr = DenseElementsAttr::get(tensorType, elements);
  } else {
    SmallVector<APInt> elements;
    for (double v : values)
      elements.push_back(APInt(type.getIntOrFloatBitWidth(), int64_t(v),
                               /*isSigned=*/true));
    attr = DenseElementsAttr::get(tensorType, elements);
  }
  inputIndex = inputs.size();
  inputs.push_back(arith::ConstantOp::create(b, loc, attr));
}

Value AxisConstant::get(OpBuilder &b, Location loc, ValueRange args) const {
  if (inputIndex >= 0)
    return args[inputIndex];
  return createScalar(b, loc, type, values[0]);
}

/// A float bound no further from zero than `v`, so that converting it back
/// to an integer stays in range.
static double floatBoundTowardZero(double v, FloatType type) {
  APFloat f(v);
  bool lost;
  f.convert(type.getFloatSemantics(), APFloat::rmTowardZero, &lost);
  return f.convertToDouble();
}

Value qnn_to_linalg::extendStored(OpBuilder &b, Location loc, Value q,
                                  Type type, bool isSigned) {
  if (q.getType() == type)
    return q;
  if (q.getType().getIntOrFloatBitWidth() > type.getIntOrFloatBitWidth())
    return arith::TruncIOp::create(b, loc, type, q);
  return isSigned ? Value(arith::ExtSIOp::create(b, loc, type, q))
                  : Value(arith::ExtUIOp::create(b, loc, type, q));
}

Value qnn_to_linalg::storeRounded(OpBuilder &b, Location loc, Value rounded,
                                  Value zp, int64_t qmin, int64_t qmax,
                                  Type storage) {
  auto floatType = cast<FloatType>(rounded.getType());
  auto constant = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, v));
  };
  Value shifted = arith::AddFOp::create(b, loc, rounded, zp);
  Value clamped = arith::MinimumFOp::create(
      b, loc,
      arith::MaximumFOp::create(
          b, loc, shifted, constant(floatBoundTowardZero(qmin, floatType))),
      constant(floatBoundTowardZero(qmax, floatType)));
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                      shifted, shifted);
  clamped = arith::SelectOp::create(b, loc, isNaN, zp, clamped);
  Value integer = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
  if (storage.getIntOrFloatBitWidth() == 32)
    return integer;
  return arith::TruncIOp::create(b, loc, storage, integer);
}

//===----------------------------------------------------------------------===//
// Which quantized ops lower
//===----------------------------------------------------------------------===//

/// Why a quantized conv, matmul or gemm cannot lower, or success. `input`
/// and `weight` are the activation and weight operands, `channelAxis` the
/// weight axis that indexes output channels (none for a vector weight).
static LogicalResult checkLinear(Operation *op, Value input, Value weight,
                                 Value bias, std::optional<int64_t> channelAxis,
                                 std::string &reason) {
  FailureOr<AxisParams> in = getAxisParams(input.getType());
  FailureOr<AxisParams> w = getAxisParams(weight.getType());
  if (failed(in) || failed(w)) {
    reason = "the input and the weight must both be quantized per tensor or "
             "per axis";
    return failure();
  }
  if (!in->isPerTensor()) {
    reason = "the input must be quantized per tensor";
    return failure();
  }
  if (!w->isPerTensor() && w->axis != channelAxis) {
    reason = "the weight must be quantized per tensor or along its output "
             "channels";
    return failure();
  }
  if (!w->allZeroPointsAre(w->zeroPoints[0])) {
    reason = "the weight's zero points must be equal";
    return failure();
  }
  if (in->width > 16 || w->width > 16) {
    reason = "operands wider than 16 bits are not lowered";
    return failure();
  }
  if (!in->expressed.isF32()) {
    reason = "the expressed type must be f32";
    return failure();
  }
  Type result = op->getResult(0).getType();
  if (isa<quant::QuantizedType>(getElementTypeOrSelf(result))) {
    FailureOr<AxisParams> out = getAxisParams(result);
    if (failed(out) || !out->isPerTensor()) {
      reason = "a quantized result must be quantized per tensor";
      return failure();
    }
  }
  if (bias && isa<quant::QuantizedType>(getElementTypeOrSelf(bias.getType()))) {
    FailureOr<AxisParams> b = getAxisParams(bias.getType());
    int64_t channels =
        cast<RankedTensorType>(bias.getType()).getShape().empty()
            ? 1
            : cast<RankedTensorType>(bias.getType()).getShape().back();
    bool matches = succeeded(b) && b->width == 32 && b->allZeroPointsAre(0);
    for (int64_t c = 0; matches && c < channels; ++c) {
      double want = in->scale(0) * w->scale(c);
      matches = std::abs(b->scale(c) - want) <= 1e-6 * want;
    }
    if (!matches) {
      reason = "a quantized bias must be i32 with zero point 0 and scale "
               "input scale * weight scale";
      return failure();
    }
  }
  return success();
}

LogicalResult qnn_to_linalg::checkQuantizedLowering(Operation *op,
                                                    std::string &reason) {
  auto isQuantized = [](Type type) {
    return isa<quant::QuantizedType>(getElementTypeOrSelf(type));
  };
  if (!llvm::any_of(op->getOperandTypes(), isQuantized) &&
      !llvm::any_of(op->getResultTypes(), isQuantized))
    return success();
  bool blockOrPacked = llvm::any_of(op->getOperandTypes(), isBlockOrPacked) ||
                       llvm::any_of(op->getResultTypes(), isBlockOrPacked);
  if (blockOrPacked) {
    if (!isa<qnn::ConstantOp, qnn::DequantizeOp>(op)) {
      reason = "sub-channel and sub-byte quantized tensors are only "
               "dequantized";
      return failure();
    }
    auto type = cast<RankedTensorType>(isa<qnn::ConstantOp>(op)
                                           ? op->getResult(0).getType()
                                           : op->getOperand(0).getType());
    unsigned width = getStorageWidth(type);
    if (failed(qnn::ElementQuantParams::get(type))) {
      reason = "a sub-channel or sub-byte quantized tensor must have a "
               "static shape and expressed type f32";
      return failure();
    }
    if (width < 8 && 8 % width != 0) {
      reason = "stored integers narrower than a byte must be 1, 2 or 4 bits";
      return failure();
    }
    return success();
  }
  auto isLayout = [&](Type type) {
    FailureOr<AxisParams> params = getAxisParams(type);
    return !isQuantized(type) || succeeded(params);
  };
  if (!llvm::all_of(op->getOperandTypes(), isLayout) ||
      !llvm::all_of(op->getResultTypes(), isLayout)) {
    reason = "only per-tensor and per-axis quantized types are lowered";
    return failure();
  }
  if (isa<qnn::ConstantOp, qnn::QuantizeOp, qnn::DequantizeOp,
          qnn::RequantizeOp, qnn::ShapeOp>(op))
    return success();
  if (isa<qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp,
          qnn::ConcatOp>(op)) {
    // Elements move unchanged: every quantized operand and the result must
    // have one per-tensor type.
    Type result = getElementTypeOrSelf(op->getResult(0).getType());
    for (Value operand : op->getOperands()) {
      Type element = getElementTypeOrSelf(operand.getType());
      if (isQuantized(element) && element != result) {
        reason = "quantized operands must have the result's type";
        return failure();
      }
    }
    if (!isQuantized(result) || !cast<quant::QuantizedType>(result) ||
        !isa<quant::UniformQuantizedType>(result)) {
      reason = "elements moved must be quantized per tensor";
      return failure();
    }
    return success();
  }
  if (isa<qnn::MaxPoolOp, qnn::GlobalMaxPoolOp>(op)) {
    // The max of stored integers is the stored max: one per-tensor type in
    // and out (quantizing is monotone).
    Type input = getElementTypeOrSelf(op->getOperand(0).getType());
    Type result = getElementTypeOrSelf(op->getResult(0).getType());
    if (input != result || !isa<quant::UniformQuantizedType>(input)) {
      reason = "a quantized max pool must keep its per-tensor type";
      return failure();
    }
    return success();
  }
  if (auto conv = dyn_cast<qnn::ConvOp>(op)) {
    if (conv.getInput().getType().isDynamicDim(1) ||
        conv.getWeight().getType().isDynamicDim(0)) {
      reason = "channel counts must be static";
      return failure();
    }
    return checkLinear(op, conv.getInput(), conv.getWeight(), conv.getBias(), 0,
                       reason);
  }
  if (auto matmul = dyn_cast<qnn::MatMulOp>(op)) {
    int64_t rank = matmul.getRhs().getType().getRank();
    return checkLinear(
        op, matmul.getLhs(), matmul.getRhs(), Value(),
        rank == 1 ? std::nullopt : std::optional<int64_t>(rank - 1), reason);
  }
  if (auto gemm = dyn_cast<qnn::GemmOp>(op)) {
    Value c = gemm.getC();
    bool quantizedC = c && isQuantized(c.getType());
    if (quantizedC && (gemm.getAlpha().convertToDouble() != 1.0 ||
                       gemm.getBeta().convertToDouble() != 1.0 ||
                       cast<RankedTensorType>(c.getType()).getRank() > 1)) {
      reason = "a quantized C must be a vector or scalar with alpha and beta 1";
      return failure();
    }
    return checkLinear(op, gemm.getA(), gemm.getB(), quantizedC ? c : Value(),
                       gemm.getTransB() ? 0 : 1, reason);
  }
  if (succeeded(checkQuantizedElementwise(op, reason)))
    return success();
  if (reason.empty())
    reason = "no integer lowering; run qnn-expand-quantized first";
  return failure();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// A quantized constant is its stored integers.
struct QuantizedConstantLowering final : OpConversionPattern<qnn::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<quant::QuantizedType>(op.getType().getElementType()))
      return failure();
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "the value is not typed");
    if (isPacked(op.getType())) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return rewriter.notifyMatchFailure(op, "a packed value must be dense");
      value = packStored(dense, getStorageWidth(op.getType()));
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct QuantizeLowering final : OpConversionPattern<qnn::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<AxisParams> params = getAxisParams(op.getType());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type floatType = op.getInput().getType().getElementType();
    int64_t rank = resultType.getRank();
    SmallVector<double> zeroPoints(params->zeroPoints.begin(),
                                   params->zeroPoints.end());
    AxisConstant scale(floatType, params->scales, params->axis, rank);
    AxisConstant zp(floatType, zeroPoints, params->axis, rank);
    SmallVector<Value> inputs = {adaptor.getInput()};
    scale.addInput(rewriter, loc, inputs);
    zp.addInput(rewriter, loc, inputs);
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, op.getInput());
    Value result = createElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value scaled = arith::DivFOp::create(b, nested, args[0],
                                               scale.get(b, nested, args));
          Value rounded = math::RoundEvenOp::create(b, nested, scaled);
          return storeRounded(b, nested, rounded, zp.get(b, nested, args),
                              params->qmin, params->qmax,
                              resultType.getElementType());
        },
        ValueRange(sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering final : OpConversionPattern<qnn::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<AxisParams> params = getAxisParams(op.getInput().getType());
    if (failed(params) || isBlockOrPacked(op.getInput().getType()))
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type floatType = resultType.getElementType();
    Type i32 = rewriter.getI32Type();
    int64_t rank = resultType.getRank();
    SmallVector<double> zeroPoints(params->zeroPoints.begin(),
                                   params->zeroPoints.end());
    AxisConstant scale(floatType, params->scales, params->axis, rank);
    AxisConstant zp(floatType, zeroPoints, params->axis, rank);
    SmallVector<Value> inputs = {adaptor.getInput()};
    scale.addInput(rewriter, loc, inputs);
    zp.addInput(rewriter, loc, inputs);
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, op.getInput());
    Value result = createElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value q = extendStored(b, nested, args[0], i32, params->isSigned);
          Value real = arith::SIToFPOp::create(b, nested, floatType, q);
          Value shifted =
              arith::SubFOp::create(b, nested, real, zp.get(b, nested, args));
          return arith::MulFOp::create(b, nested, shifted,
                                       scale.get(b, nested, args));
        },
        ValueRange(sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Dequantizes a sub-channel or packed tensor (docs/numerics.md,
/// "Sub-byte storage"): element (i0, ..., in) reads its stored integer at
/// its row-major position (from byte `pos / (8 / w)`, bits
/// `(pos % (8 / w)) * w` up, sign-extended if signed when packed) and its
/// parameters at (i0 / b0, ..., in / bn) of the parameter tensor, then
/// computes (float(q) - float(zp)) * s in binary32.
struct BlockDequantizeLowering final : OpConversionPattern<qnn::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    if (!isBlockOrPacked(inputType))
      return failure();
    std::string reason;
    if (failed(checkQuantizedLowering(op, reason)))
      return rewriter.notifyMatchFailure(op, reason);
    auto quantized = cast<quant::QuantizedType>(inputType.getElementType());
    qnn::ElementQuantParams params = *qnn::ElementQuantParams::get(inputType);
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type f32 = rewriter.getF32Type();
    if (resultType.getElementType() != f32)
      return rewriter.notifyMatchFailure(op, "the result must be f32");
    ArrayRef<int64_t> shape = inputType.getShape();
    ArrayRef<int64_t> blocks = params.getBlockSizes();
    ArrayRef<int64_t> paramShape = params.getParamShape();
    auto paramType = RankedTensorType::get(paramShape, f32);
    Value scales = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(paramType, params.getScales()));
    ArrayRef<int64_t> zeroPoints = params.getZeroPoints();
    bool oneZeroPoint = llvm::all_equal(zeroPoints);
    Value zeroPointTensor;
    if (!oneZeroPoint) {
      SmallVector<float> values(zeroPoints.begin(), zeroPoints.end());
      zeroPointTensor = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(paramType, ArrayRef<float>(values)));
    }
    unsigned width = quantized.getStorageTypeIntegralWidth();
    bool packed = isPacked(inputType);
    Value stored = adaptor.getInput();
    Value result = createFromCoordinates(
        rewriter, loc, resultType, ValueRange(),
        [&](OpBuilder &b, Location nl, ValueRange coordinates) -> Value {
          auto index = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, nl, v);
          };
          // The parameters' coordinates.
          SmallVector<Value> paramCoordinates;
          for (auto [d, coordinate] : llvm::enumerate(coordinates)) {
            if (paramShape[d] == 1)
              paramCoordinates.push_back(index(0));
            else if (blocks[d] == 1)
              paramCoordinates.push_back(coordinate);
            else
              paramCoordinates.push_back(
                  arith::DivUIOp::create(b, nl, coordinate, index(blocks[d])));
          }
          Value scale =
              tensor::ExtractOp::create(b, nl, scales, paramCoordinates);
          Value zp = oneZeroPoint
                         ? createScalar(b, nl, f32, double(zeroPoints[0]))
                         : Value(tensor::ExtractOp::create(
                               b, nl, zeroPointTensor, paramCoordinates));
          Value q;
          if (packed) {
            q = loadPacked(b, nl, stored, coordinates, shape, width,
                           quantized.isSigned());
          } else {
            q = tensor::ExtractOp::create(b, nl, stored, coordinates);
          }
          Value wide =
              extendStored(b, nl, q, b.getI32Type(), quantized.isSigned());
          Value real = arith::SIToFPOp::create(b, nl, f32, wide);
          Value shifted = arith::SubFOp::create(b, nl, real, zp);
          return arith::MulFOp::create(b, nl, shifted, scale);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A codebook constant becomes its indices, packed as a sub-byte tensor is
/// (4-bit indices two to a byte), its codebook, and a lookup of every
/// element: codebook[indices[e]] (codebook[c, indices[e]] with an axis).
struct CodebookConstantLowering final
    : OpConversionPattern<qnn::CodebookConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::CodebookConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    DenseIntElementsAttr indices = op.getIndices();
    unsigned width = indices.getElementType().getIntOrFloatBitWidth();
    Value packed =
        arith::ConstantOp::create(rewriter, loc, packStored(indices, width));
    Value codebook = arith::ConstantOp::create(rewriter, loc, op.getCodebook());
    std::optional<int64_t> axis = op.getAxis();
    ArrayRef<int64_t> shape = type.getShape();
    Value result = createFromCoordinates(
        rewriter, loc, type, ValueRange(),
        [&](OpBuilder &b, Location nl, ValueRange coordinates) -> Value {
          Value entry =
              loadPacked(b, nl, packed, coordinates, shape, width, false);
          Value wide = arith::ExtUIOp::create(b, nl, b.getI32Type(), entry);
          Value index =
              arith::IndexCastUIOp::create(b, nl, b.getIndexType(), wide);
          SmallVector<Value> at;
          if (axis)
            at.push_back(coordinates[*axis]);
          at.push_back(index);
          return tensor::ExtractOp::create(b, nl, codebook, at);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

bool qnn_to_linalg::isFixedPoint(Operation *op) {
  return op->hasAttr(qnn::kFixedPointAttrName);
}

const char *const qnn_to_linalg::kNoFixedPoint =
    "a requantization multiplier has no fixed-point form (2^30 or more)";

Value qnn_to_linalg::createI64(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
}

// The product, plus half a step minus one, plus the truncated quotient's
// lowest bit, shifted right.
Value qnn_to_linalg::createFixedPointRescale(OpBuilder &b, Location loc,
                                             Value x, Value multiplier,
                                             Value shift) {
  Value product = arith::MulIOp::create(b, loc, x, multiplier);
  Value one = createI64(b, loc, 1);
  Value half = arith::ShLIOp::create(b, loc, one,
                                     arith::SubIOp::create(b, loc, shift, one));
  Value odd = arith::AndIOp::create(
      b, loc, arith::ShRSIOp::create(b, loc, product, shift), one);
  Value bias = arith::AddIOp::create(
      b, loc, arith::SubIOp::create(b, loc, half, one), odd);
  return arith::ShRSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, product, bias), shift);
}

Value qnn_to_linalg::storeInteger(OpBuilder &b, Location loc, Value q,
                                  int64_t zp, int64_t qmin, int64_t qmax,
                                  Type storage) {
  Value shifted = arith::AddIOp::create(b, loc, q, createI64(b, loc, zp));
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, shifted, createI64(b, loc, qmin)),
      createI64(b, loc, qmax));
  return arith::TruncIOp::create(b, loc, storage, clamped);
}

namespace {
struct RequantizeLowering final : OpConversionPattern<qnn::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<AxisParams> in = getAxisParams(op.getInput().getType());
    FailureOr<AxisParams> out = getAxisParams(op.getType());
    if (failed(in) || failed(out))
      return rewriter.notifyMatchFailure(op, "unsupported quantized type");
    if (in->axis && out->axis && in->axis != out->axis)
      return rewriter.notifyMatchFailure(
          op, "the input and result are quantized along different axes");
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = resultType.getRank();
    std::optional<int64_t> axis = in->axis ? in->axis : out->axis;
    int64_t channels = std::max(in->scales.size(), out->scales.size());
    SmallVector<double> ratios, zpIn, zpOut;
    for (int64_t c = 0; c < channels; ++c) {
      ratios.push_back(in->scale(c) / out->scale(c));
      zpIn.push_back(in->zeroPoint(c));
      zpOut.push_back(out->zeroPoint(c));
    }
    Type f64 = rewriter.getF64Type(), i64 = rewriter.getI64Type();
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, op.getInput());
    if (isFixedPoint(op)) {
      // q' = clamp(round_half_even((q - zp_in) * M / 2^n) + zp_out), the
      // ratio rounded to a 31-bit M.
      SmallVector<double> multipliers, shifts;
      for (double r : ratios) {
        FailureOr<FixedPointMultiplier> fp = getFixedPointMultiplier(r);
        if (failed(fp))
          return rewriter.notifyMatchFailure(op, kNoFixedPoint);
        multipliers.push_back(double(fp->multiplier));
        shifts.push_back(double(fp->shift));
      }
      AxisConstant multiplier(i64, multipliers, axis, rank);
      AxisConstant shift(i64, shifts, axis, rank);
      AxisConstant inZp(i64, zpIn, axis, rank);
      AxisConstant outZp(i64, zpOut, axis, rank);
      SmallVector<Value> inputs = {adaptor.getInput()};
      for (AxisConstant *c : {&multiplier, &shift, &inZp, &outZp})
        c->addInput(rewriter, loc, inputs);
      Type storage = resultType.getElementType();
      Value result = createElementwise(
          rewriter, loc, resultType, inputs,
          [&](OpBuilder &b, Location nested, ValueRange args) {
            Value q = extendStored(b, nested, args[0], i64, in->isSigned);
            Value x =
                arith::SubIOp::create(b, nested, q, inZp.get(b, nested, args));
            Value rescaled = createFixedPointRescale(
                b, nested, x, multiplier.get(b, nested, args),
                shift.get(b, nested, args));
            Value shifted = arith::AddIOp::create(b, nested, rescaled,
                                                  outZp.get(b, nested, args));
            return storeInteger(b, nested, shifted, 0, out->qmin, out->qmax,
                                storage);
          },
          ValueRange(sizes));
      rewriter.replaceOp(op, result);
      return success();
    }
    AxisConstant ratio(f64, ratios, axis, rank);
    AxisConstant inZp(i64, zpIn, axis, rank);
    AxisConstant outZp(f64, zpOut, axis, rank);
    SmallVector<Value> inputs = {adaptor.getInput()};
    ratio.addInput(rewriter, loc, inputs);
    inZp.addInput(rewriter, loc, inputs);
    outZp.addInput(rewriter, loc, inputs);
    Value result = createElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value q = extendStored(b, nested, args[0], i64, in->isSigned);
          Value shifted =
              arith::SubIOp::create(b, nested, q, inZp.get(b, nested, args));
          Value real = arith::SIToFPOp::create(b, nested, f64, shifted);
          Value scaled = arith::MulFOp::create(b, nested, real,
                                               ratio.get(b, nested, args));
          Value rounded = math::RoundEvenOp::create(b, nested, scaled);
          return storeRounded(b, nested, rounded, outZp.get(b, nested, args),
                              out->qmin, out->qmax,
                              resultType.getElementType());
        },
        ValueRange(sizes));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An op that moves elements runs on the stored integers: the same op on
/// the storage type, which the integer patterns lower.
struct MoveStoredLowering final : ConversionPattern {
  MoveStoredLowering(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/2,
                          context) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    // Quantized, signed or unsigned elements: the types the converter
    // changes.
    auto isConverted = [&](Type type) {
      return getTypeConverter()->convertType(type) != type;
    };
    if (!isa<qnn::ReshapeOp, qnn::TransposeOp, qnn::SliceOp, qnn::GatherOp,
             qnn::ConcatOp, qnn::ShapeOp>(op) ||
        !llvm::any_of(op->getOperandTypes(), isConverted))
      return failure();
    std::string reason;
    if (failed(checkQuantizedLowering(op, reason)))
      return rewriter.notifyMatchFailure(op, reason);
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return failure();
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         resultTypes, op->getAttrs());
    Operation *stored = rewriter.create(state);
    rewriter.replaceOp(op, stored->getResults());
    return success();
  }
};

/// A max pool of a per-tensor quantized tensor pools the stored integers:
/// the same op on the storage type, which the integer patterns lower (as a
/// signed max; unsigned storage has its top bit flipped before and after,
/// which maps the unsigned order onto the signed one).
template <typename OpTy>
struct QuantizedMaxPoolLowering final : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<quant::QuantizedType>(getElementTypeOrSelf(op.getInput())))
      return failure();
    std::string reason;
    if (failed(checkQuantizedLowering(op, reason)))
      return rewriter.notifyMatchFailure(op, reason);
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    auto flipSign = [&](Value x) {
      auto type = cast<RankedTensorType>(x.getType());
      unsigned width = type.getElementTypeBitWidth();
      return createElementwise(
          rewriter, loc, type, x,
          [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
            Value sign = arith::ConstantOp::create(
                b, nl,
                b.getIntegerAttr(type.getElementType(),
                                 APInt::getSignMask(width)));
            return arith::XOrIOp::create(b, nl, args[0], sign);
          },
          ValueRange(getDynamicSizes(rewriter, loc, x)));
    };
    Value input = adaptor.getInput();
    if (!in.isSigned)
      input = flipSign(input);
    OperationState state(loc, op->getName().getStringRef(), {input},
                         {resultType}, op->getAttrs());
    Value pooled = rewriter.create(state)->getResult(0);
    if (!in.isSigned)
      pooled = flipSign(pooled);
    rewriter.replaceOp(op, pooled);
    return success();
  }
};

/// The epilogue of a quantized contraction: the i32 accumulator `acc`
/// (of the result's shape, channels along `channelAxis`) to the float or
/// quantized result, adding `floatBias` (broadcast to the result) if given.
/// With `fixedPoint`, a quantized result without a float bias is rescaled
/// in fixed point; fails if a multiplier has no fixed-point form.
static FailureOr<Value> createEpilogue(OpBuilder &b, Location loc, Value acc,
                                       const AxisParams &in,
                                       const AxisParams &w, double alpha,
                                       std::optional<int64_t> channelAxis,
                                       Value floatBias, Type resultType,
                                       ValueRange sizes, bool fixedPoint) {
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t rank = accType.getRank();
  Type f32 = b.getF32Type();
  FailureOr<AxisParams> out = getAxisParams(resultType);
  int64_t channels = w.scales.size();
  // m = fl32(s_x * s_w), times alpha; M = fl32(m / s_y).
  SmallVector<double> multipliers;
  for (int64_t c = 0; c < channels; ++c) {
    float m = float(in.scale(0)) * float(w.scale(c));
    if (alpha != 1.0)
      m *= float(alpha);
    if (succeeded(out) && !floatBias)
      m = m / float(out->scale(0));
    multipliers.push_back(m);
  }
  Type storage = succeeded(out) ? Type(b.getIntegerType(out->width)) : f32;
  auto resultTensor = accType.clone(storage);
  if (fixedPoint && succeeded(out) && !floatBias) {
    // q = clamp(round_half_even(acc * M / 2^n) + zp): the same multiplier,
    // exact in 31 bits, applied in 64-bit integers.
    SmallVector<double> fixedMultipliers, shifts;
    for (double m : multipliers) {
      FailureOr<FixedPointMultiplier> fp = getFixedPointMultiplier(m);
      if (failed(fp))
        return failure();
      fixedMultipliers.push_back(double(fp->multiplier));
      shifts.push_back(double(fp->shift));
    }
    Type i64 = b.getI64Type();
    std::optional<int64_t> axis = w.axis ? channelAxis : std::nullopt;
    AxisConstant fixedMultiplier(i64, fixedMultipliers, axis, rank);
    AxisConstant shift(i64, shifts, axis, rank);
    SmallVector<Value> fixedInputs = {acc};
    fixedMultiplier.addInput(b, loc, fixedInputs);
    shift.addInput(b, loc, fixedInputs);
    return createElementwise(
        b, loc, resultTensor, fixedInputs,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value x = arith::ExtSIOp::create(nb, nl, i64, args[0]);
          Value q = createFixedPointRescale(nb, nl, x,
                                            fixedMultiplier.get(nb, nl, args),
                                            shift.get(nb, nl, args));
          return storeInteger(nb, nl, q, out->zeroPoint(0), out->qmin,
                              out->qmax, storage);
        },
        sizes);
  }
  AxisConstant multiplier(f32, multipliers, w.axis ? channelAxis : std::nullopt,
                          rank);
  SmallVector<Value> inputs = {acc};
  multiplier.addInput(b, loc, inputs);
  int64_t biasIndex = -1;
  if (floatBias) {
    biasIndex = inputs.size();
    inputs.push_back(floatBias);
  }
  return createElementwise(
      b, loc, resultTensor, inputs,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value real = arith::SIToFPOp::create(nb, nl, f32, args[0]);
        Value y =
            arith::MulFOp::create(nb, nl, real, multiplier.get(nb, nl, args));
        if (biasIndex >= 0)
          y = arith::AddFOp::create(nb, nl, y, args[biasIndex]);
        if (failed(out))
          return y;
        if (biasIndex >= 0)
          y = arith::DivFOp::create(
              nb, nl, y,
              arith::ConstantOp::create(
                  nb, nl, nb.getF32FloatAttr(float(out->scale(0)))));
        Value rounded = math::RoundEvenOp::create(nb, nl, y);
        Value zp = arith::ConstantOp::create(
            nb, nl, nb.getF32FloatAttr(float(out->zeroPoint(0))));
        return storeRounded(nb, nl, rounded, zp, out->qmin, out->qmax, storage);
      },
      sizes);
}

static ContractionOperands contractionOperands(const AxisParams &in,
                                               const AxisParams &w) {
  ContractionOperands operands;
  operands.zeroPoints = {in.zeroPoint(0), w.zeroPoint(0)};
  operands.isUnsigned = {!in.isSigned, !w.isSigned};
  return operands;
}

/// Whether `value` has a quantized type (so its bias is an i32 start).
static bool isQuantizedValue(Value value) {
  return value && isa<quant::QuantizedType>(getElementTypeOrSelf(value));
}

/// The stored integers of `value` if a qnn.constant defines it.
static DenseElementsAttr getConstantStored(Value value) {
  auto constant = value ? value.getDefiningOp<qnn::ConstantOp>() : nullptr;
  return constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                  : DenseElementsAttr();
}

/// Whether the runtime's kernels take these operands: 8-bit activations,
/// and a constant s8 weight with zero point 0 (see RuntimeKernels.h), and
/// an i32 bias, if any, constant too. Sets `weight` and `bias`.
static bool suitsKernels(const AxisParams &in, const AxisParams &w,
                         Value weightValue, Value biasValue,
                         DenseElementsAttr &weight, DenseElementsAttr &bias) {
  if (in.width != 8 || w.width != 8 || !w.isSigned || !w.allZeroPointsAre(0))
    return false;
  weight = getConstantStored(weightValue);
  bias = isQuantizedValue(biasValue) ? getConstantStored(biasValue)
                                     : DenseElementsAttr();
  return weight && (!isQuantizedValue(biasValue) || bias);
}

struct QuantizedConvLowering final : OpConversionPattern<qnn::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isQuantizedValue(op.getInput()))
      return failure();
    std::string reason;
    if (failed(checkQuantizedLowering(op, reason)))
      return rewriter.notifyMatchFailure(op, reason);
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getInput().getType());
    AxisParams w = *getAxisParams(op.getWeight().getType());
    Value bias = op.getBias();
    bool integerBias = isQuantizedValue(bias);
    RankedTensorType accType = op.getType().clone(rewriter.getI32Type());
    DenseElementsAttr weight, biasValues;
    FailureOr<Value> call = failure();
    if (suitsKernels(in, w, op.getWeight(), bias, weight, biasValues))
      call = createConvKernelCall(rewriter, loc, op, adaptor.getInput(), weight,
                                  biasValues, ConvAttributes::of(op),
                                  in.zeroPoint(0), in.isSigned, accType);
    Value acc =
        succeeded(call)
            ? *call
            : createConv(rewriter, loc, adaptor.getInput(), adaptor.getWeight(),
                         integerBias ? adaptor.getBias() : Value(),
                         ConvAttributes::of(op), accType,
                         contractionOperands(in, w));
    Value floatBias;
    if (bias && !integerBias) {
      // [M] to [1, M, 1, ...], to broadcast over the result.
      SmallVector<int64_t> shape(accType.getRank(), 1);
      shape[1] = accType.getDimSize(1);
      SmallVector<ReassociationIndices> groups(1);
      for (int64_t i = 0; i < accType.getRank(); ++i)
        groups[0].push_back(i);
      floatBias = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(shape, getElementTypeOrSelf(adaptor.getBias())),
          adaptor.getBias(), groups);
    }
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, acc);
    FailureOr<Value> result =
        createEpilogue(rewriter, loc, acc, in, w, 1.0, 1, floatBias,
                       op.getType(), sizes, isFixedPoint(op));
    if (failed(result))
      return rewriter.notifyMatchFailure(op, kNoFixedPoint);
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct QuantizedMatMulLowering final : OpConversionPattern<qnn::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isQuantizedValue(op.getLhs()))
      return failure();
    std::string reason;
    if (failed(checkQuantizedLowering(op, reason)))
      return rewriter.notifyMatchFailure(op, reason);
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getLhs().getType());
    AxisParams w = *getAxisParams(op.getRhs().getType());
    RankedTensorType accType = op.getType().clone(rewriter.getI32Type());
    DenseElementsAttr weight, noBias;
    FailureOr<Value> call = failure();
    if (suitsKernels(in, w, op.getRhs(), Value(), weight, noBias))
      call = createMatMulKernelCall(rewriter, loc, op, adaptor.getLhs(), weight,
                                    /*transposed=*/false, DenseElementsAttr(),
                                    in.zeroPoint(0), in.isSigned, accType);
    else if (in.width == 8 && w.width == 8 && in.isPerTensor() &&
             w.isPerTensor())
      // A product of two activations (attention's), or by a constant the
      // kernels above do not take: packed at run time.
      call = createActivationMatMulKernelCall(
          rewriter, loc, op, adaptor.getLhs(), adaptor.getRhs(),
          in.zeroPoint(0), in.isSigned, w.zeroPoint(0), w.isSigned, accType);
    Value acc = succeeded(call) ? *call
                                : createMatMul(rewriter, loc, adaptor.getLhs(),
                                               adaptor.getRhs(), accType,
                                               contractionOperands(in, w));
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, acc);
    FailureOr<Value> result =
        createEpilogue(rewriter, loc, acc, in, w, 1.0, accType.getRank() - 1,
                       Value(), op.getType(), sizes, isFixedPoint(op));
    if (failed(result))
      return rewriter.notifyMatchFailure(op, kNoFixedPoint);
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct QuantizedGemmLowering final : OpConversionPattern<qnn::GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isQuantizedValue(op.getA()))
      return failure();
    std::string reason;
    if (failed(checkQuantizedLowering(op, reason)))
      return rewriter.notifyMatchFailure(op, reason);
    Location loc = op.getLoc();
    AxisParams in = *getAxisParams(op.getA().getType());
    AxisParams w = *getAxisParams(op.getB().getType());
    bool transA = op.getTransA(), transB = op.getTransB();
    RankedTensorType accType = op.getType().clone(rewriter.getI32Type());
    DenseElementsAttr weight, noBias;
    FailureOr<Value> call = failure();
    if (!transA && suitsKernels(in, w, op.getB(), Value(), weight, noBias))
      call = createMatMulKernelCall(rewriter, loc, op, adaptor.getA(), weight,
                                    transB, DenseElementsAttr(),
                                    in.zeroPoint(0), in.isSigned, accType);
    Value acc = succeeded(call)
                    ? *call
                    : createGemmProduct(rewriter, loc, adaptor.getA(),
                                        adaptor.getB(), transA, transB, accType,
                                        contractionOperands(in, w));
    SmallVector<Value> sizes = getDynamicSizes(rewriter, loc, acc);
    Value c = op.getC();
    double beta = op.getBeta().convertToDouble();
    Value floatBias;
    if (isQuantizedValue(c)) {
      // An i32 C in the accumulator's scale: added before the epilogue.
      acc = createElementwise(
          rewriter, loc, accType, {acc, adaptor.getC()},
          [](OpBuilder &b, Location nl, ValueRange args) -> Value {
            return arith::AddIOp::create(b, nl, args[0], args[1]);
          },
          ValueRange(sizes));
    } else if (c && beta != 0.0) {
      floatBias = adaptor.getC();
      if (beta != 1.0) {
        auto cType = cast<RankedTensorType>(floatBias.getType());
        floatBias = createElementwise(
            rewriter, loc, cType, floatBias,
            [&](OpBuilder &b, Location nl, ValueRange args) -> Value {
              return arith::MulFOp::create(
                  b, nl, args[0],
                  createScalar(b, nl, cType.getElementType(), beta));
            },
            ValueRange(getDynamicSizes(rewriter, loc, floatBias)));
      }
    }
    FailureOr<Value> result = createEpilogue(
        rewriter, loc, acc, in, w, op.getAlpha().convertToDouble(), 1,
        floatBias, op.getType(), sizes, isFixedPoint(op));
    if (failed(result))
      return rewriter.notifyMatchFailure(op, kNoFixedPoint);
    rewriter.replaceOp(op, *result);
    return success();
  }
};

} // namespace

void qnn_to_linalg::populateQuantizedTypeConversion(TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion([](RankedTensorType type) -> Type {
    Type element = type.getElementType();
    if (auto quantized = dyn_cast<quant::QuantizedType>(element)) {
      unsigned width = quantized.getStorageTypeIntegralWidth();
      if (width < 8 && 8 % width == 0 && type.hasStaticShape())
        return RankedTensorType::get(
            {llvm::divideCeil(type.getNumElements(), 8 / width)},
            IntegerType::get(type.getContext(), 8));
      return type.clone(quantized.getStorageType());
    }
    if (auto integer = dyn_cast<IntegerType>(element);
        integer && !integer.isSignless())
      return type.clone(
          IntegerType::get(type.getContext(), integer.getWidth()));
    return type;
  });
}

void qnn_to_linalg::populateQuantizedPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  // Above the float patterns of the same ops, which fail on quantized ones.
  patterns
      .add<QuantizedConstantLowering, QuantizeLowering, DequantizeLowering,
           RequantizeLowering, QuantizedConvLowering, QuantizedMatMulLowering,
           QuantizedGemmLowering, QuantizedMaxPoolLowering<qnn::MaxPoolOp>,
           QuantizedMaxPoolLowering<qnn::GlobalMaxPoolOp>>(converter, context,
                                                           /*benefit=*/2);
  patterns.add<BlockDequantizeLowering>(converter, context, /*benefit=*/3);
  patterns.add<CodebookConstantLowering>(converter, context);
  patterns.add<MoveStoredLowering>(converter, context);
  populateQuantizedElementwisePatterns(converter, patterns);
  populateIntegerQuantPatterns(converter, patterns);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
}
