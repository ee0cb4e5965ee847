//===- IntegerQuant.cpp - Lower ops on plain and unsigned integers -------===//
//
// Ops whose quantization parameters are tensors, known at compile time or
// only at run time (qnn.quantize_linear, qnn.dequantize_linear,
// qnn.dynamic_quantize_linear, qnn.matmul_integer, qnn.conv_integer), and
// the integer ops and casts on signed or unsigned integer tensors. The type
// converter makes every integer tensor signless, so these patterns take
// the signedness from the op's original types. The rounding and clamping
// rules are those of docs/numerics.md, shared with Quantized.cpp.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Conversion/QNNToLinalg/RuntimeKernels.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn_to_linalg;

/// Whether `type` (or its elements) is a signed or unsigned integer type,
/// which the type converter makes signless.
static bool isSignedOrUnsigned(Type type) {
  auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  return integer && !integer.isSignless();
}

/// Whether the elements of `value` are unsigned integers.
static bool isUnsignedTensor(Value value) {
  return getElementTypeOrSelf(value.getType()).isUnsignedInteger();
}

/// The range of an integer type: signless counts as signed.
static std::pair<int64_t, int64_t> getIntegerRange(Type type) {
  auto integer = cast<IntegerType>(getElementTypeOrSelf(type));
  unsigned width = integer.getWidth();
  if (integer.isUnsigned())
    return {0, int64_t((uint64_t(1) << width) - 1)};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

/// An integer as a float of `type`, unsigned or signed.
static Value integerToFloat(OpBuilder &b, Location loc, Value q, Type type,
                            bool isUnsigned) {
  return isUnsigned ? Value(arith::UIToFPOp::create(b, loc, type, q))
                    : Value(arith::SIToFPOp::create(b, loc, type, q));
}

/// A parameter of rank 0 or 1, reshaped to broadcast along `axis` of a
/// rank-`rank` tensor ([1, ..., C, ..., 1]); rank 0 stays.
static Value broadcastAlong(OpBuilder &b, Location loc, Value param,
                            int64_t axis, int64_t rank) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 0)
    return param;
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = type.getDimSize(0);
  ReassociationIndices all;
  for (int64_t d = 0; d < rank; ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), param,
                                       ArrayRef<ReassociationIndices>{all});
}

/// The splat value of a constant integer tensor, if `value` is one.
static std::optional<int64_t> getSplatInteger(Value value) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  APInt v = attr.getSplatValue<APInt>();
  return isUnsignedTensor(value) ? int64_t(v.getZExtValue()) : v.getSExtValue();
}

/// `x - zp` in i32 elementwise, zp broadcast numpy-style, or along `axis`
/// when it is 1-D.
static Value createShifted(OpBuilder &b, Location loc, Value x, Value zp,
                           bool isUnsigned, std::optional<int64_t> axis) {
  auto type = cast<RankedTensorType>(x.getType());
  Type i32 = b.getI32Type();
  if (axis)
    zp = broadcastAlong(b, loc, zp, *axis, type.getRank());
  return createElementwise(
      b, loc, type.clone(i32), {x, zp},
      [&](OpBuilder &nested, Location l, ValueRange args) {
        Value v = extendStored(nested, l, args[0], i32, !isUnsigned);
        Value z = extendStored(nested, l, args[1], i32, !isUnsigned);
        return arith::SubIOp::create(nested, l, v, z).getResult();
      },
      ValueRange(getDynamicSizes(b, loc, x)));
}

/// The elementwise `body(x, scale, zero_point)` over `input` of a
/// quantize_linear or dequantize_linear, whose scale and zero point are
/// scalars or 1-D along `axis`.
static Value createWithLinearParams(
    OpBuilder &b, Location loc, RankedTensorType resultType, Value input,
    Value scale, Value zeroPoint, int64_t axis,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  return createElementwise(b, loc, resultType,
                           {input, broadcastAlong(b, loc, scale, axis, rank),
                            broadcastAlong(b, loc, zeroPoint, axis, rank)},
                           body, ValueRange(getDynamicSizes(b, loc, input)));
}

namespace {

struct QuantizeLinearLowering final
    : OpConversionPattern<qnn::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type floatType = op.getInput().getType().getElementType();
    auto [qmin, qmax] = getIntegerRange(op.getType());
    bool isUnsigned = isUnsignedTensor(op.getZeroPoint());
    Value result = createWithLinearParams(
        rewriter, op.getLoc(), resultType, adaptor.getInput(),
        adaptor.getScale(), adaptor.getZeroPoint(), op.getAxis(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value scaled = arith::DivFOp::create(b, l, args[0], args[1]);
          Value rounded = math::RoundEvenOp::create(b, l, scaled);
          Value zeroPoint =
              integerToFloat(b, l, args[2], floatType, isUnsigned);
          return storeRounded(b, l, rounded, zeroPoint, qmin, qmax,
                              resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLinearLowering final
    : OpConversionPattern<qnn::DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = op.getType();
    Type floatType = resultType.getElementType();
    bool isUnsigned = isUnsignedTensor(op.getInput());
    Value result = createWithLinearParams(
        rewriter, op.getLoc(), resultType, adaptor.getInput(),
        adaptor.getScale(), adaptor.getZeroPoint(), op.getAxis(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value real = integerToFloat(b, l, args[0], floatType, isUnsigned);
          Value zeroPoint =
              integerToFloat(b, l, args[2], floatType, isUnsigned);
          Value shifted = arith::SubFOp::create(b, l, real, zeroPoint);
          return arith::MulFOp::create(b, l, shifted, args[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DynamicQuantizeLinearLowering final
    : OpConversionPattern<qnn::DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t rank = inputType.getRank();
    Type i8 = rewriter.getI8Type();
    auto paramType = cast<RankedTensorType>(op.getScale().getType());

    // The range of the data (of each row), widened to include 0.
    SmallVector<int64_t> axes;
    for (int64_t d = op.getPerRow() ? rank - 1 : 0; d < rank; ++d)
      axes.push_back(d);
    Value lo = createReduction(rewriter, loc, input, axes, qnn::ReduceKind::Min,
                               paramType);
    Value hi = createReduction(rewriter, loc, input, axes, qnn::ReduceKind::Max,
                               paramType);
    SmallVector<Value> paramSizes = getDynamicSizes(rewriter, loc, lo);
    auto constant = [](OpBuilder &b, Location l, double v) {
      return arith::ConstantOp::create(b, l, b.getF32FloatAttr(v));
    };
    // scale = (hi - lo) / 255, or 1 when the range is empty.
    Value scale = createElementwise(
        rewriter, loc, paramType, {lo, hi},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value zero = constant(b, l, 0.0);
          Value low = arith::MinimumFOp::create(b, l, args[0], zero);
          Value high = arith::MaximumFOp::create(b, l, args[1], zero);
          Value range = arith::SubFOp::create(b, l, high, low);
          Value s = arith::DivFOp::create(b, l, range, constant(b, l, 255.0));
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              range, zero);
          return arith::SelectOp::create(b, l, empty, constant(b, l, 1.0), s)
              .getResult();
        },
        ValueRange(paramSizes));
    // zero_point = clamp(round_half_even(0 - lo / scale), 0, 255), as a
    // float (for quantizing) and as a u8.
    Value zeroPointFloat = createElementwise(
        rewriter, loc, paramType, {lo, scale},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value zero = constant(b, l, 0.0);
          Value low = arith::MinimumFOp::create(b, l, args[0], zero);
          Value shifted = arith::SubFOp::create(
              b, l, zero, arith::DivFOp::create(b, l, low, args[1]));
          Value rounded = math::RoundEvenOp::create(b, l, shifted);
          return arith::MinimumFOp::create(
                     b, l, arith::MaximumFOp::create(b, l, rounded, zero),
                     constant(b, l, 255.0))
              .getResult();
        },
        ValueRange(paramSizes));
    Value zeroPoint = createElementwise(
        rewriter, loc, paramType.clone(i8), {zeroPointFloat},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return arith::FPToUIOp::create(b, l, i8, args[0]).getResult();
        },
        ValueRange(paramSizes));
    Value result = createElementwise(
        rewriter, loc, inputType.clone(i8), {input, scale, zeroPointFloat},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value scaled = arith::DivFOp::create(b, l, args[0], args[1]);
          Value rounded = math::RoundEvenOp::create(b, l, scaled);
          return storeRounded(b, l, rounded, args[2], 0, 255, i8);
        },
        ValueRange(getDynamicSizes(rewriter, loc, input)));
    rewriter.replaceOp(op, {result, scale, zeroPoint});
    return success();
  }
};

/// The operands of an integer contraction: the raw operands with constant
/// zero points folded into the body, or operands shifted by their zero
/// points into i32 when a zero point is known only at run time (or varies).
struct IntegerOperands {
  Value lhs, rhs;
  ContractionOperands contraction;
};

static IntegerOperands getIntegerOperands(OpBuilder &b, Location loc, Value lhs,
                                          Value rhs, Value lhsZp, Value rhsZp,
                                          Value origLhs, Value origRhs,
                                          Value origLhsZp, Value origRhsZp,
                                          std::optional<int64_t> rhsZpAxis) {
  IntegerOperands result{lhs, rhs, {}};
  std::array<Value, 2> values = {lhs, rhs}, zps = {lhsZp, rhsZp},
                       origValues = {origLhs, origRhs},
                       origZps = {origLhsZp, origRhsZp};
  for (unsigned i = 0; i < 2; ++i) {
    bool isUnsigned = isUnsignedTensor(origValues[i]);
    if (std::optional<int64_t> zp = getSplatInteger(origZps[i])) {
      result.contraction.zeroPoints[i] = *zp;
      result.contraction.isUnsigned[i] = isUnsigned;
      continue;
    }
    Value shifted = createShifted(b, loc, values[i], zps[i], isUnsigned,
                                  i == 1 ? rhsZpAxis : std::nullopt);
    (i == 0 ? result.lhs : result.rhs) = shifted;
  }
  return result;
}

/// The integers of a constant s8 weight with zero point 0 (the weights the
/// runtime's kernels take), or null.
static DenseIntElementsAttr getKernelWeight(Value weight, Value zeroPoint) {
  auto constant = weight.getDefiningOp<qnn::ConstantOp>();
  auto values = constant ? dyn_cast<DenseIntElementsAttr>(constant.getValue())
                         : DenseIntElementsAttr();
  if (!values || isUnsignedTensor(weight) || getSplatInteger(zeroPoint) != 0)
    return {};
  return values;
}

/// `lhs x rhs` of a qnn.matmul_integer as a call to the runtime's matmul
/// kernel, when the module declares it and rhs is a constant 2-D s8 matrix
/// with zero point 0 (dynamic quantization's weights). A constant splat lhs
/// zero point folds into the kernel's offsets; the kernel call subtracts
/// one known only at run time (per tensor or per row) times the weight's
/// column sums. Fails, creating nothing, otherwise.
static FailureOr<Value>
createMatMulIntegerKernelCall(ConversionPatternRewriter &rewriter,
                              qnn::MatMulIntegerOp op, Value lhs,
                              Value lhsZeroPoint) {
  DenseIntElementsAttr weight =
      getKernelWeight(op.getRhs(), op.getRhsZeroPoint());
  if (!weight || weight.getType().getRank() != 2 ||
      op.getLhs().getType().getRank() < 2)
    return failure();
  std::optional<int64_t> lhsZero = getSplatInteger(op.getLhsZeroPoint());
  return createMatMulKernelCall(
      rewriter, op.getLoc(), op, lhs, weight, /*transposed=*/false,
      DenseElementsAttr(), lhsZero.value_or(0), !isUnsignedTensor(op.getLhs()),
      op.getType(), lhsZero ? Value() : lhsZeroPoint);
}

struct MatMulIntegerLowering final : OpConversionPattern<qnn::MatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Value> call = createMatMulIntegerKernelCall(
        rewriter, op, adaptor.getLhs(), adaptor.getLhsZeroPoint());
    if (succeeded(call)) {
      rewriter.replaceOp(op, *call);
      return success();
    }
    IntegerOperands operands = getIntegerOperands(
        rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(),
        adaptor.getLhsZeroPoint(), adaptor.getRhsZeroPoint(), op.getLhs(),
        op.getRhs(), op.getLhsZeroPoint(), op.getRhsZeroPoint(), std::nullopt);
    rewriter.replaceOp(op, createMatMul(rewriter, op.getLoc(), operands.lhs,
                                        operands.rhs, op.getType(),
                                        operands.contraction));
    return success();
  }
};

/// qnn.scaled_matmul_integer: a call to the runtime's matmul kernel with a
/// binary32 result when it takes the op (a constant s8 weight with zero
/// point 0), else the ops it stands for (qnn.matmul_integer, qnn.cast, the
/// product of the scales, qnn.mul and qnn.add), each lowered in its turn.
struct ScaledMatMulIntegerLowering final
    : OpConversionPattern<qnn::ScaledMatMulIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ScaledMatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    if (DenseIntElementsAttr weight =
            getKernelWeight(op.getRhs(), op.getRhsZeroPoint())) {
      FailureOr<Value> call = createScaledMatMulKernelCall(
          rewriter, loc, op, adaptor.getLhs(), adaptor.getLhsScale(),
          adaptor.getLhsZeroPoint(), !isUnsignedTensor(op.getLhs()), weight,
          adaptor.getRhsScale(), adaptor.getBias(), type);
      if (succeeded(call)) {
        rewriter.replaceOp(op, *call);
        return success();
      }
    }
    Value acc = qnn::MatMulIntegerOp::create(
        rewriter, loc, type.clone(rewriter.getI32Type()), op.getLhs(),
        op.getRhs(), op.getLhsZeroPoint(), op.getRhsZeroPoint());
    auto lhsScale = op.getLhsScale().getType();
    auto rhsScale = op.getRhsScale().getType();
    FailureOr<qnn::Shape> scaleShape =
        qnn::broadcastShapes(lhsScale.getShape(), rhsScale.getShape());
    if (failed(scaleShape))
      return rewriter.notifyMatchFailure(op, "scales do not broadcast");
    Value multiplier =
        qnn::MulOp::create(rewriter, loc, lhsScale.clone(*scaleShape),
                           op.getLhsScale(), op.getRhsScale());
    Value real = qnn::CastOp::create(rewriter, loc, type, acc);
    Value result = qnn::MulOp::create(rewriter, loc, type, real, multiplier);
    if (Value bias = op.getBias())
      result = qnn::AddOp::create(rewriter, loc, type, result, bias);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// qnn.grouped_matmul: a call to the runtime's 4-bit kernel when it takes
/// the op, else loops that perform the op's steps in its order: the groups'
/// i32 products over operands padded with zeros to whole groups, the fma
/// chain over the groups, then the zero point's term and the scale.
struct GroupedMatMulLowering final : OpConversionPattern<qnn::GroupedMatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::GroupedMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType lhsType = op.getLhs().getType();
    RankedTensorType rhsType = op.getRhs().getType();
    RankedTensorType resultType = op.getType();
    if (lhsType.isDynamicDim(lhsType.getRank() - 1) ||
        !rhsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "K and N must be static");
    int64_t group = op.getGroup();
    auto weightConstant = op.getRhs().getDefiningOp<qnn::ConstantOp>();
    if (auto weight = weightConstant ? dyn_cast<DenseElementsAttr>(
                                           weightConstant.getValue())
                                     : DenseElementsAttr()) {
      FailureOr<Value> call = createGroupedMatMulKernelCall(
          rewriter, loc, op, adaptor.getLhs(), adaptor.getLhsScale(),
          adaptor.getLhsZeroPoint(), weight, adaptor.getRhsScale(),
          adaptor.getColumnSum(), adaptor.getBias(), group, resultType);
      if (succeeded(call)) {
        rewriter.replaceOp(op, *call);
        return success();
      }
    }

    int64_t rank = lhsType.getRank(), k = rhsType.getDimSize(0),
            n = rhsType.getDimSize(1);
    int64_t groups = (k + group - 1) / group, padded = groups * group;
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type(),
         f32 = rewriter.getF32Type();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    SmallVector<Value> batchSizes = getDynamicSizes(rewriter, loc, lhs);
    // Whole groups: K padded with zeros, which add nothing to the sums.
    if (padded != k) {
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getIntegerAttr(i8, 0));
      SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)),
          high(rank, rewriter.getIndexAttr(0));
      high.back() = rewriter.getIndexAttr(padded - k);
      SmallVector<int64_t> shape(lhsType.getShape());
      shape.back() = padded;
      lhs =
          tensor::PadOp::create(rewriter, loc, RankedTensorType::get(shape, i8),
                                lhs, low, high, zero);
      SmallVector<OpFoldResult> rhsLow(2, rewriter.getIndexAttr(0)),
          rhsHigh = {rewriter.getIndexAttr(padded - k),
                     rewriter.getIndexAttr(0)};
      rhs = tensor::PadOp::create(rewriter, loc,
                                  RankedTensorType::get({padded, n}, i8), rhs,
                                  rhsLow, rhsHigh, zero);
    }
    // lhs [..., groups, group], rhs [groups, group, n].
    SmallVector<ReassociationIndices> lhsGroups;
    for (int64_t d = 0; d + 1 < rank; ++d)
      lhsGroups.push_back({d});
    lhsGroups.push_back({rank - 1, rank});
    SmallVector<int64_t> lhsShape(lhsType.getShape());
    lhsShape.back() = groups;
    lhsShape.push_back(group);
    lhs = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(lhsShape, i8), lhs, lhsGroups);
    rhs = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({groups, group, n}, i8), rhs,
        SmallVector<ReassociationIndices>{{0, 1}, {2}});

    // acc[..., g, n] = sum over j of lhs[..., g, j] * rhs[g, j, n], over the
    // dimensions (..., g, n, j).
    MLIRContext *context = rewriter.getContext();
    int64_t dims = rank + 2;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, context); };
    SmallVector<AffineExpr> batch;
    for (int64_t d = 0; d + 1 < rank; ++d)
      batch.push_back(dim(d));
    AffineExpr g = dim(rank - 1), c = dim(rank), j = dim(rank + 1);
    auto map = [&](ArrayRef<AffineExpr> tail, bool withBatch) {
      SmallVector<AffineExpr> exprs =
          withBatch ? batch : SmallVector<AffineExpr>();
      llvm::append_range(exprs, tail);
      return AffineMap::get(dims, 0, exprs, context);
    };
    SmallVector<int64_t> accShape(lhsType.getShape().drop_back());
    accShape.append({groups, n});
    auto accType = RankedTensorType::get(accShape, i32);
    SmallVector<Value> dynamicBatch(batchSizes.begin(), batchSizes.end());
    // A linalg.generic over `maps`' dimensions, the last a reduction, into
    // a tensor of `type` that starts as `zero`.
    auto reduceLast =
        [&](RankedTensorType type, TypedAttr zero, ValueRange inputs,
            ArrayRef<AffineMap> maps,
            function_ref<void(OpBuilder &, Location, ValueRange)> body) {
          Value init =
              linalg::FillOp::create(
                  rewriter, loc,
                  ValueRange{arith::ConstantOp::create(rewriter, loc, zero)},
                  ValueRange{createEmpty(rewriter, loc, type, dynamicBatch)})
                  .getResult(0);
          SmallVector<utils::IteratorType> iterators(
              maps.front().getNumDims() - 1, utils::IteratorType::parallel);
          iterators.push_back(utils::IteratorType::reduction);
          return linalg::GenericOp::create(rewriter, loc, type, inputs,
                                           ValueRange{init}, maps, iterators,
                                           body)
              .getResult(0);
        };
    Value acc = reduceLast(
        accType, rewriter.getIntegerAttr(i32, 0), ValueRange{lhs, rhs},
        {map({g, j}, true), map({g, j, c}, false), map({g, c}, true)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value a = arith::ExtUIOp::create(b, l, i32, args[0]);
          Value w = arith::ExtSIOp::create(b, l, i32, args[1]);
          Value product = arith::MulIOp::create(b, l, a, w);
          linalg::YieldOp::create(
              b, l, ValueRange{arith::AddIOp::create(b, l, args[2], product)});
        });

    // t[..., n] = fma(rhs_scale[g, n], float(acc[..., g, n]), t), g in
    // order, over the dimensions (..., n, g).
    dims = rank + 1;
    AffineExpr cn = dim(rank - 1), gn = dim(rank);
    Value t = reduceLast(
        resultType, rewriter.getFloatAttr(f32, 0.0),
        ValueRange{acc, adaptor.getRhsScale()},
        {map({gn, cn}, true), map({gn, cn}, false), map({cn}, true)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = arith::SIToFPOp::create(b, l, f32, args[0]);
          linalg::YieldOp::create(
              b, l, ValueRange{math::FmaOp::create(b, l, args[1], v, args[2])});
        });

    // fma(lhs_scale, fma(-float(z), column_sum[n], t), bias[n]).
    Value result = createElementwise(
        rewriter, loc, resultType,
        {t, adaptor.getLhsScale(), adaptor.getLhsZeroPoint(),
         adaptor.getColumnSum(), adaptor.getBias()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value z = arith::UIToFPOp::create(b, l, f32, args[2]);
          Value u = math::FmaOp::create(b, l, arith::NegFOp::create(b, l, z),
                                        args[3], args[0]);
          return math::FmaOp::create(b, l, args[1], u, args[4]).getResult();
        },
        ValueRange(dynamicBatch));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A qnn.conv_integer as a call to the runtime's convolution kernels, when
/// the module declares them and the weight is a constant s8 tensor with
/// zero point 0 (dynamic quantization's convs). A constant splat input zero
/// point folds into the kernel's offsets; one known only at run time (a
/// scalar) pads the input and the kernel call subtracts it times each
/// filter's sum. Fails, creating nothing, otherwise.
static FailureOr<Value>
createConvIntegerKernelCall(ConversionPatternRewriter &rewriter,
                            qnn::ConvIntegerOp op, Value input,
                            Value inputZeroPoint) {
  DenseIntElementsAttr weight =
      getKernelWeight(op.getWeight(), op.getWeightZeroPoint());
  if (!weight || op.getInputZeroPoint().getType().getRank() != 0)
    return failure();
  std::optional<int64_t> zero = getSplatInteger(op.getInputZeroPoint());
  return qnn_to_linalg::createConvKernelCall(
      rewriter, op.getLoc(), op, input, weight, DenseElementsAttr(),
      ConvAttributes::of(op), zero.value_or(0),
      !isUnsignedTensor(op.getInput()), op.getType(),
      zero ? Value() : inputZeroPoint);
}

struct ConvIntegerLowering final : OpConversionPattern<qnn::ConvIntegerOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConvIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Value> call = createConvIntegerKernelCall(
        rewriter, op, adaptor.getInput(), adaptor.getInputZeroPoint());
    if (succeeded(call)) {
      rewriter.replaceOp(op, *call);
      return success();
    }
    if (op.getInput().getType().isDynamicDim(1) ||
        op.getWeight().getType().isDynamicDim(0))
      return rewriter.notifyMatchFailure(op, "channel counts must be static");
    // A shifted input pads with 0, which is its zero point's place.
    IntegerOperands operands = getIntegerOperands(
        rewriter, op.getLoc(), adaptor.getInput(), adaptor.getWeight(),
        adaptor.getInputZeroPoint(), adaptor.getWeightZeroPoint(),
        op.getInput(), op.getWeight(), op.getInputZeroPoint(),
        op.getWeightZeroPoint(), int64_t(0));
    rewriter.replaceOp(op,
                       createConv(rewriter, op.getLoc(), operands.lhs,
                                  operands.rhs, Value(), ConvAttributes::of(op),
                                  op.getType(), operands.contraction));
    return success();
  }
};

/// One element of qnn.cast between types where a signed or unsigned
/// integer is involved, on signless values: as qnn.cast's rules, with
/// unsigned sources zero-extended and unsigned results saturated to
/// [0, 2^w - 1] from floats.
static Value castInteger(OpBuilder &b, Location loc, Value x, Type from,
                         Type to, Type toSignless) {
  bool fromUnsigned = from.isUnsignedInteger();
  auto fromFloat = dyn_cast<FloatType>(from);
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    if (fromFloat)
      return x;
    return integerToFloat(b, loc, x, to, fromUnsigned);
  }
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (to.isInteger(1))
    return arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne, x,
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(x.getType(), 0)));
  if (!fromFloat)
    return extendStored(b, loc, x, toSignless,
                        !fromUnsigned && !from.isInteger(1));
  // Float to integer: truncate toward zero, saturate, NaN to 0.
  auto [lo, hi] = getIntegerRange(to);
  auto floatConstant = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(from, v));
  };
  auto intConstant = [&](int64_t v) {
    return arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(toSignless, APInt(toWidth, uint64_t(v), v < 0)));
  };
  Value truncated = to.isUnsignedInteger()
                        ? Value(arith::FPToUIOp::create(b, loc, toSignless, x))
                        : Value(arith::FPToSIOp::create(b, loc, toSignless, x));
  // Bounds are 2^(w-1) or 2^w, exact in every float type (or infinite).
  Value tooHigh = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                        floatConstant(double(hi) + 1.0));
  Value tooLow = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, x,
                                       floatConstant(double(lo) - 1.0));
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value result =
      arith::SelectOp::create(b, loc, tooHigh, intConstant(hi), truncated);
  result = arith::SelectOp::create(b, loc, tooLow, intConstant(lo), result);
  return arith::SelectOp::create(b, loc, isNaN, intConstant(0), result);
}

struct SignedOrUnsignedCastLowering final : OpConversionPattern<qnn::CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isSignedOrUnsigned(op.getInput().getType()) &&
        !isSignedOrUnsigned(op.getType()))
      return failure();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type from = op.getInput().getType().getElementType();
    Type to = op.getType().getElementType();
    rewriter.replaceOp(
        op,
        createElementwise(rewriter, op.getLoc(), resultType, adaptor.getInput(),
                          [&](OpBuilder &b, Location l, ValueRange args) {
                            return castInteger(b, l, args[0], from, to,
                                               resultType.getElementType());
                          }));
    return success();
  }
};

struct SignedOrUnsignedConstantLowering final
    : OpConversionPattern<qnn::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!value || !isSignedOrUnsigned(op.getType()))
      return failure();
    auto signless = IntegerType::get(
        op.getContext(), value.getElementType().getIntOrFloatBitWidth());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value.bitcast(signless));
    return success();
  }
};

/// Integer arithmetic on signed or unsigned integer tensors, on signless
/// values with the signedness of the op's type.
template <typename OpTy>
struct SignedOrUnsignedArithmeticLowering final : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isSignedOrUnsigned(op.getType()))
      return failure();
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    bool isUnsigned = op.getType().getElementType().isUnsignedInteger();
    Value result = createElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location l, ValueRange args) {
          ScalarBuilder s(b, l, resultType.getElementType(), isUnsigned);
          if constexpr (std::is_same_v<OpTy, qnn::AddOp>)
            return s.add(args[0], args[1]);
          else if constexpr (std::is_same_v<OpTy, qnn::SubOp>)
            return s.sub(args[0], args[1]);
          else if constexpr (std::is_same_v<OpTy, qnn::MulOp>)
            return s.mul(args[0], args[1]);
          else if constexpr (std::is_same_v<OpTy, qnn::DivOp>)
            return s.div(args[0], args[1]);
          else if constexpr (std::is_same_v<OpTy, qnn::MaxOp>)
            return s.max(args[0], args[1]);
          else
            return s.min(args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

LogicalResult
qnn_to_linalg::checkSignedOrUnsignedLowering(Operation *op,
                                             std::string &reason) {
  if (!llvm::any_of(op->getOperandTypes(), isSignedOrUnsigned) &&
      !llvm::any_of(op->getResultTypes(), isSignedOrUnsigned))
    return success();
  if (isa<qnn::QuantizeLinearOp, qnn::DequantizeLinearOp,
          qnn::DynamicQuantizeLinearOp, qnn::MatMulIntegerOp,
          qnn::ScaledMatMulIntegerOp, qnn::GroupedMatMulOp, qnn::ConvIntegerOp,
          qnn::CastOp, qnn::ConstantOp, qnn::AddOp, qnn::SubOp, qnn::MulOp,
          qnn::DivOp, qnn::MaxOp, qnn::MinOp, qnn::ReshapeOp, qnn::TransposeOp,
          qnn::SliceOp, qnn::ConcatOp, qnn::ShapeOp>(op))
    return success();
  if (auto gather = dyn_cast<qnn::GatherOp>(op)) {
    if (!isSignedOrUnsigned(gather.getIndices().getType()))
      return success();
    reason = "signed or unsigned integer indices are not lowered";
    return failure();
  }
  reason = "signed and unsigned integer types are not lowered for this op";
  return failure();
}

void qnn_to_linalg::populateIntegerQuantPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  // Above the patterns for signless types, which fail on these.
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               DynamicQuantizeLinearLowering, MatMulIntegerLowering,
               ScaledMatMulIntegerLowering, GroupedMatMulLowering,
               ConvIntegerLowering, SignedOrUnsignedCastLowering,
               SignedOrUnsignedConstantLowering,
               SignedOrUnsignedArithmeticLowering<qnn::AddOp>,
               SignedOrUnsignedArithmeticLowering<qnn::SubOp>,
               SignedOrUnsignedArithmeticLowering<qnn::MulOp>,
               SignedOrUnsignedArithmeticLowering<qnn::DivOp>,
               SignedOrUnsignedArithmeticLowering<qnn::MaxOp>,
               SignedOrUnsignedArithmeticLowering<qnn::MinOp>>(
      converter, patterns.getContext(), /*benefit=*/2);
}
