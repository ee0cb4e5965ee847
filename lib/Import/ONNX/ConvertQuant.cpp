//===- ConvertQuant.cpp - ONNX QuantizeLinear and DequantizeLinear -------===//
//
// Turns the scale and zero-point inputs of ONNX's quantization ops into an
// upstream quantized type: a scalar scale gives `!quant.uniform` per tensor,
// a 1-D scale per axis along `axis`. The stored integers of a quantized
// tensor then travel as qnn quantized values.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// Where a node keeps a tensor's quantization parameters: the inputs of
/// its scale and zero point, and the axis of 1-D scales (none if they must
/// be scalars; QuantizeLinear and DequantizeLinear read their `axis`).
struct ParamInputs {
  unsigned scale = 1, zeroPoint = 2;
  std::optional<int64_t> axis;
  bool axisFromAttribute = true;
};

/// The quantized element type described by a node's scale and zero point
/// inputs for a tensor of rank `rank` expressing `expressed`.
static FailureOr<quant::QuantizedType>
getQuantizedType(NodeContext &ctx, int64_t rank, Type expressed,
                 ParamInputs where = {}) {
  if (ctx.hasAttribute("block_size") && ctx.getInt("block_size") != 0)
    return ctx.emitError() << "blocked quantization (block_size) is not "
                              "supported yet";
  DenseElementsAttr scale = ctx.getConstantInput(where.scale);
  if (!scale || !isa<FloatType>(scale.getElementType()))
    return ctx.emitError() << "the scale must be a constant float tensor";
  if (scale.getElementType() != expressed)
    return ctx.emitError() << "the scale's type " << scale.getElementType()
                           << " differs from the float tensor's " << expressed;

  // The zero point's type is the storage type; without one it is uint8.
  MLIRContext *context = ctx.getContext();
  Type storage = IntegerType::get(context, 8, IntegerType::Unsigned);
  SmallVector<int64_t> zeroPoints;
  if (ctx.hasInput(where.zeroPoint)) {
    DenseElementsAttr zp = ctx.getConstantInput(where.zeroPoint);
    if (!zp || !isa<IntegerType>(zp.getElementType()))
      return ctx.emitError()
             << "the zero point must be a constant integer tensor";
    if (zp.getNumElements() != scale.getNumElements())
      return ctx.emitError()
             << "the zero point has " << zp.getNumElements() << " values for "
             << scale.getNumElements() << " scales";
    storage = zp.getElementType();
    bool isUnsigned = cast<IntegerType>(storage).isUnsigned();
    for (const APInt &v : zp.getValues<APInt>())
      zeroPoints.push_back(isUnsigned ? int64_t(v.getZExtValue())
                                      : v.getSExtValue());
  } else {
    zeroPoints.assign(scale.getNumElements(), 0);
  }
  auto storageInt = cast<IntegerType>(storage);
  unsigned width = storageInt.getWidth();
  if (width != 8 && width != 16 && width != 32)
    return ctx.emitError() << "storage type " << storage << " is not supported";
  bool isSigned = !storageInt.isUnsigned();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto signless = IntegerType::get(context, width);
  int64_t qmin =
      quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width);
  int64_t qmax =
      quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width);

  SmallVector<double> scales;
  for (const APFloat &s : scale.getValues<APFloat>()) {
    double v = s.convertToDouble();
    if (!(v > 0.0) || std::isinf(v))
      return ctx.emitError() << "scale " << v << " is not positive and finite";
    scales.push_back(v);
  }

  bool oneScale = scale.getNumElements() == 1;
  if (scale.getType().getRank() == 0 ||
      (scale.getType().getRank() == 1 && oneScale &&
       (!where.axisFromAttribute || ctx.getOpset() < 13)))
    return quant::QuantizedType(quant::UniformQuantizedType::get(
        flags, signless, expressed, scales[0], zeroPoints[0], qmin, qmax));
  if (scale.getType().getRank() != 1)
    return ctx.emitError() << "the scale must be a scalar or 1-D";
  FailureOr<int64_t> axis = failure();
  if (where.axisFromAttribute) {
    if (ctx.getOpset() < 13)
      return ctx.emitError() << "per-axis scales need opset 13";
    axis = ctx.normalizeAxis(ctx.getInt("axis"), rank, "axis");
  } else if (where.axis) {
    axis = *where.axis;
  } else {
    return ctx.emitError() << "the scale (input " << where.scale
                           << ") must be a scalar";
  }
  if (failed(axis))
    return failure();

  return quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
      flags, signless, expressed, scales, zeroPoints, int32_t(*axis), qmin,
      qmax));
}

//===----------------------------------------------------------------------===//
// Parameters known only at run time
//===----------------------------------------------------------------------===//

/// Whether the scale and zero point of a node (inputs `scale` and
/// `zeroPoint`, the latter optional) are compile-time constants.
static bool hasConstantParams(NodeContext &ctx, unsigned scale,
                              unsigned zeroPoint) {
  return ctx.getConstantInput(scale) &&
         (!ctx.hasInput(zeroPoint) || ctx.getConstantInput(zeroPoint));
}

/// A rank-0 zero of `element`.
static Value createZero(NodeContext &ctx, Type element) {
  auto type = RankedTensorType::get({}, element);
  return ctx.createConstant(
      cast<DenseElementsAttr>(ctx.getBuilder().getZeroAttr(type)));
}

/// Input `i`, a quantization parameter, with one element made a scalar
/// (rank 0); other shapes stay.
static FailureOr<Value> getParamInput(NodeContext &ctx, unsigned i) {
  Value value = ctx.getInput(i);
  RankedTensorType type = ctx.getInputType(i);
  if (type.getRank() == 1 && type.getDimSize(0) == 1)
    return createReshape(ctx, value, {});
  if (type.getRank() > 1)
    return ctx.emitError() << "input " << i << " must be a scalar or 1-D, "
                           << "got shape " << qnn::formatShape(type.getShape());
  return value;
}

/// The scale and zero point of a QuantizeLinear or DequantizeLinear node
/// for qnn.quantize_linear or qnn.dequantize_linear on a tensor of rank
/// `rank`, and the axis of 1-D ones. A missing zero point is a zero of
/// `defaultZeroPoint`.
struct RuntimeParams {
  Value scale, zeroPoint;
  int64_t axis = 0;
};
static FailureOr<RuntimeParams> getRuntimeParams(NodeContext &ctx, int64_t rank,
                                                 Type defaultZeroPoint) {
  if (ctx.hasAttribute("block_size") && ctx.getInt("block_size") != 0)
    return ctx.emitError() << "blocked quantization (block_size) is not "
                              "supported yet";
  RuntimeParams params;
  FailureOr<Value> scale = getParamInput(ctx, 1);
  if (failed(scale))
    return failure();
  params.scale = *scale;
  if (ctx.hasInput(2)) {
    FailureOr<Value> zeroPoint = getParamInput(ctx, 2);
    if (failed(zeroPoint))
      return failure();
    params.zeroPoint = *zeroPoint;
  } else {
    params.zeroPoint = createZero(ctx, defaultZeroPoint);
  }
  auto scaleType = cast<RankedTensorType>(params.scale.getType());
  auto zeroPointType = cast<RankedTensorType>(params.zeroPoint.getType());
  if (!isa<FloatType>(scaleType.getElementType()) ||
      !isa<IntegerType>(zeroPointType.getElementType()))
    return ctx.emitError() << "the scale must hold floats and the zero point "
                              "integers";
  if (scaleType.getRank() != zeroPointType.getRank())
    return ctx.emitError() << "the scale and zero point shapes differ";
  if (scaleType.getRank() == 1) {
    if (ctx.getOpset() < 13)
      return ctx.emitError() << "per-axis scales need opset 13";
    FailureOr<int64_t> axis =
        ctx.normalizeAxis(ctx.getInt("axis"), rank, "axis");
    if (failed(axis))
      return failure();
    params.axis = *axis;
  }
  return params;
}

LogicalResult onnx_import::convertQuantizeLinear(NodeContext &ctx) {
  if (ctx.hasAttribute("output_dtype") && ctx.getInt("output_dtype") != 0)
    return ctx.emitError() << "output_dtype is not supported yet";
  RankedTensorType type = ctx.getInputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return ctx.emitError() << "the input must be a float tensor";
  if (!hasConstantParams(ctx, 1, 2)) {
    // Parameters known at run time: plain integers.
    FailureOr<RuntimeParams> params = getRuntimeParams(
        ctx, type.getRank(),
        IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned));
    if (failed(params))
      return failure();
    Type storage = getElementTypeOrSelf(params->zeroPoint.getType());
    ctx.setOutput(0, ctx.create<qnn::QuantizeLinearOp>(
                         type.clone(storage), ctx.getInput(0), params->scale,
                         params->zeroPoint, params->axis));
    return success();
  }
  FailureOr<quant::QuantizedType> quantized =
      getQuantizedType(ctx, type.getRank(), type.getElementType());
  if (failed(quantized))
    return failure();
  ctx.setOutput(
      0, ctx.create<qnn::QuantizeOp>(type.clone(*quantized), ctx.getInput(0)));
  return success();
}

/// DequantizeLinear of plain integers (a computed tensor, or parameters
/// known at run time) as qnn.dequantize_linear.
static LogicalResult convertRuntimeDequantize(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  if (!isa<IntegerType>(type.getElementType()))
    return ctx.emitError() << "the input is quantized at compile time but the "
                              "scale or zero point is only known at run time";
  FailureOr<RuntimeParams> params =
      getRuntimeParams(ctx, type.getRank(), type.getElementType());
  if (failed(params))
    return failure();
  Type expressed = getElementTypeOrSelf(params->scale.getType());
  ctx.setOutput(0, ctx.create<qnn::DequantizeLinearOp>(
                       type.clone(expressed), ctx.getInput(0), params->scale,
                       params->zeroPoint, params->axis));
  return success();
}

LogicalResult onnx_import::convertDequantizeLinear(NodeContext &ctx) {
  RankedTensorType inputType = ctx.getInputType(0);
  if (!hasConstantParams(ctx, 1, 2) ||
      (!isa<quant::QuantizedType>(inputType.getElementType()) &&
       !ctx.getConstantInput(0)))
    return convertRuntimeDequantize(ctx);
  DenseElementsAttr scale = ctx.getConstantInput(1);
  if (!scale || !isa<FloatType>(scale.getElementType()))
    return ctx.emitError() << "the scale must be a constant float tensor";
  Type expressed = scale.getElementType();
  RankedTensorType type = ctx.getInputType(0);
  FailureOr<quant::QuantizedType> quantized =
      getQuantizedType(ctx, type.getRank(), expressed);
  if (failed(quantized))
    return failure();
  RankedTensorType quantizedType = type.clone(*quantized);

  Value input = ctx.getInput(0);
  if (isa<quant::QuantizedType>(type.getElementType())) {
    // The output of a QuantizeLinear: its parameters must be these.
    if (type != quantizedType)
      return ctx.emitError()
             << "the input is quantized as " << type
             << " but the node dequantizes it as " << quantizedType;
  } else {
    DenseElementsAttr stored = ctx.getConstantInput(0);
    // Stored integers, as in quantized weights: reinterpret them in the
    // signless storage type.
    auto storage = cast<IntegerType>((*quantized).getStorageType());
    if (cast<IntegerType>(stored.getElementType()).getWidth() !=
        storage.getWidth())
      return ctx.emitError() << "the input's type " << type.getElementType()
                             << " does not match the zero point's";
    input = qnn::ConstantOp::create(ctx.getBuilder(), ctx.getLoc(),
                                    quantizedType, stored.bitcast(storage));
  }
  // Not folded: a quantized weight stays int8 in the IR, so that the
  // quantization passes can use it as it is.
  ctx.setOutput(0, qnn::DequantizeOp::create(ctx.getBuilder(), ctx.getLoc(),
                                             type.clone(expressed), input));
  return success();
}

/// Input `i` of a QLinear node as a quantized value of the type its scale
/// and zero point inputs describe: the result of a QuantizeLinear or of
/// another QLinear node of exactly that type, or a constant of stored
/// integers (a weight).
static FailureOr<Value> getQuantizedInput(NodeContext &ctx, unsigned i,
                                          ParamInputs where) {
  RankedTensorType type = ctx.getInputType(i);
  FailureOr<quant::QuantizedType> quantized = getQuantizedType(
      ctx, type.getRank(), Float32Type::get(ctx.getContext()), where);
  if (failed(quantized))
    return failure();
  RankedTensorType quantizedType = type.clone(*quantized);
  if (isa<quant::QuantizedType>(type.getElementType())) {
    if (type != quantizedType)
      return ctx.emitError() << "input " << i << " is quantized as " << type
                             << " but the node reads it as " << quantizedType;
    return ctx.getInput(i);
  }
  DenseElementsAttr stored = ctx.getConstantInput(i);
  if (!stored)
    return ctx.emitError() << "input " << i
                           << " must come from a QuantizeLinear or another "
                              "QLinear op, or be a constant; stored integers "
                              "from a model input or another op are not "
                              "supported yet";
  auto storage = cast<IntegerType>((*quantized).getStorageType());
  if (cast<IntegerType>(stored.getElementType()).getWidth() !=
      storage.getWidth())
    return ctx.emitError() << "input " << i << "'s type "
                           << type.getElementType()
                           << " does not match its zero point's";
  return Value(qnn::ConstantOp::create(ctx.getBuilder(), ctx.getLoc(),
                                       quantizedType, stored.bitcast(storage)));
}

//===----------------------------------------------------------------------===//
// Integer ops and QLinear ops with run-time parameters
//===----------------------------------------------------------------------===//

/// A quantization parameter (input `i`, optional, a scalar or 1-D) for an
/// operand of rank `rank`: rank 0 when it has one element, else reshaped to
/// `rank` dimensions, all 1 but `dim`. A missing one is a zero of
/// `defaultElement`.
static FailureOr<Value> getParamAlong(NodeContext &ctx, unsigned i,
                                      int64_t rank, int64_t dim,
                                      Type defaultElement = {}) {
  if (!ctx.hasInput(i))
    return createZero(ctx, defaultElement);
  FailureOr<Value> param = getParamInput(ctx, i);
  if (failed(param))
    return failure();
  auto type = cast<RankedTensorType>(param->getType());
  if (type.getRank() == 0)
    return param;
  if (dim < 0 || dim >= rank)
    return ctx.emitError() << "input " << i << " must be a scalar";
  qnn::Shape shape(rank, 1);
  shape[dim] = type.getDimSize(0);
  return createReshape(ctx, *param, shape);
}

/// Input `i` as plain 8-bit integers for an integer op.
static FailureOr<Value> getIntegerInput(NodeContext &ctx, unsigned i) {
  Type element = ctx.getInputType(i).getElementType();
  if (!element.isInteger(8) || isa<quant::QuantizedType>(element))
    return ctx.emitError() << "input " << i
                           << " must hold uint8 or int8 values, got "
                           << element;
  return ctx.getInput(i);
}

LogicalResult onnx_import::convertDynamicQuantizeLinear(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  if (!type.getElementType().isF32())
    return ctx.emitError() << "the input must be float32";
  MLIRContext *context = ctx.getContext();
  auto u8 = IntegerType::get(context, 8, IntegerType::Unsigned);
  auto op = qnn::DynamicQuantizeLinearOp::create(
      ctx.getBuilder(), ctx.getLoc(), type.clone(u8),
      RankedTensorType::get({}, Float32Type::get(context)),
      RankedTensorType::get({}, u8), ctx.getInput(0), /*per_row=*/false);
  for (unsigned i = 0; i < 3; ++i)
    ctx.setOutput(i, op->getResult(i));
  return success();
}

/// `(lhs - lhs_zp) x (rhs - rhs_zp)` in i32 for MatMulInteger and
/// QLinearMatMul, with the zero points at inputs `lhsZp` and `rhsZp`.
static FailureOr<Value> createMatMulInteger(NodeContext &ctx, unsigned lhsIn,
                                            unsigned lhsZp, unsigned rhsIn,
                                            unsigned rhsZp) {
  FailureOr<Value> lhs = getIntegerInput(ctx, lhsIn);
  FailureOr<Value> rhs = getIntegerInput(ctx, rhsIn);
  if (failed(lhs) || failed(rhs))
    return failure();
  RankedTensorType lhsType = ctx.getInputType(lhsIn);
  RankedTensorType rhsType = ctx.getInputType(rhsIn);
  int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();
  FailureOr<Value> lhsZero =
      getParamAlong(ctx, lhsZp, lhsRank, lhsRank - 2, lhsType.getElementType());
  FailureOr<Value> rhsZero =
      getParamAlong(ctx, rhsZp, rhsRank, rhsRank - 1, rhsType.getElementType());
  if (failed(lhsZero) || failed(rhsZero))
    return failure();
  std::string reason;
  FailureOr<qnn::Shape> shape =
      qnn::inferMatMulShape(lhsType.getShape(), rhsType.getShape(), reason);
  if (failed(shape))
    return ctx.emitError() << reason;
  auto i32 = IntegerType::get(ctx.getContext(), 32);
  return ctx.create<qnn::MatMulIntegerOp>(RankedTensorType::get(*shape, i32),
                                          *lhs, *rhs, *lhsZero, *rhsZero);
}

LogicalResult onnx_import::convertMatMulInteger(NodeContext &ctx) {
  FailureOr<Value> product = createMatMulInteger(ctx, 0, 2, 1, 3);
  if (failed(product))
    return failure();
  ctx.setOutput(0, *product);
  return success();
}

/// `conv(input - input_zp, weight - weight_zp)` in i32 for ConvInteger and
/// QLinearConv.
static FailureOr<Value> createConvInteger(NodeContext &ctx, unsigned inputIn,
                                          unsigned inputZp, unsigned weightIn,
                                          unsigned weightZp) {
  FailureOr<Value> input = getIntegerInput(ctx, inputIn);
  FailureOr<Value> weight = getIntegerInput(ctx, weightIn);
  if (failed(input) || failed(weight))
    return failure();
  RankedTensorType inputType = ctx.getInputType(inputIn);
  RankedTensorType weightType = ctx.getInputType(weightIn);
  FailureOr<Value> inputZero =
      getParamAlong(ctx, inputZp, 0, -1, inputType.getElementType());
  FailureOr<Value> weightZero =
      getParamAlong(ctx, weightZp, 1, 0, weightType.getElementType());
  if (failed(inputZero) || failed(weightZero))
    return failure();
  FailureOr<ConvGeometry> geometry =
      getConvGeometry(ctx, inputType, weightType);
  if (failed(geometry))
    return failure();
  Builder &b = ctx.getBuilder();
  auto i32 = IntegerType::get(ctx.getContext(), 32);
  return ctx.create<qnn::ConvIntegerOp>(
      RankedTensorType::get(geometry->shape, i32), *input, *weight, *inputZero,
      *weightZero, b.getDenseI64ArrayAttr(geometry->strides),
      b.getDenseI64ArrayAttr(geometry->dilations),
      b.getDenseI64ArrayAttr(geometry->pads),
      b.getI64IntegerAttr(ctx.getInt("group")));
}

LogicalResult onnx_import::convertConvInteger(NodeContext &ctx) {
  FailureOr<Value> product = createConvInteger(ctx, 0, 2, 1, 3);
  if (failed(product))
    return failure();
  ctx.setOutput(0, *product);
  return success();
}

/// The output of a QLinear node from its i32 accumulator `acc`, with
/// `multiplier` = fl32(fl32(s_in * s_w) / s_out) (broadcast to `acc`) and
/// the output zero point at input `outZp`: clamp(round_half_even(float(acc)
/// * multiplier) + zp), as for compile-time parameters (docs/numerics.md).
static LogicalResult setRequantizedOutput(NodeContext &ctx, Value acc,
                                          Value inScale, Value weightScale,
                                          unsigned outScaleIn,
                                          unsigned outZpIn) {
  auto accType = cast<RankedTensorType>(acc.getType());
  auto f32 = Float32Type::get(ctx.getContext());
  FailureOr<Value> outScale = getParamAlong(ctx, outScaleIn, 0, -1);
  FailureOr<Value> outZero = getParamAlong(ctx, outZpIn, 0, -1);
  if (failed(outScale) || failed(outZero))
    return failure();
  FailureOr<Value> product =
      createBroadcastBinary<qnn::MulOp>(ctx, inScale, weightScale);
  if (failed(product))
    return failure();
  FailureOr<Value> multiplier =
      createBroadcastBinary<qnn::DivOp>(ctx, *product, *outScale);
  if (failed(multiplier))
    return failure();
  Value real = ctx.create<qnn::CastOp>(accType.clone(f32), acc);
  FailureOr<Value> scaled =
      createBroadcastBinary<qnn::MulOp>(ctx, real, *multiplier);
  if (failed(scaled))
    return failure();
  auto scaledType = cast<RankedTensorType>(scaled->getType());
  Value one = ctx.createConstant(
      DenseElementsAttr::get(RankedTensorType::get({}, f32), 1.0f));
  Type storage = getElementTypeOrSelf(outZero->getType());
  ctx.setOutput(0, ctx.create<qnn::QuantizeLinearOp>(scaledType.clone(storage),
                                                     *scaled, one, *outZero,
                                                     /*axis=*/int64_t(1)));
  return success();
}

/// Whether a QLinear node's inputs `quantized` (with their scale and zero
/// point inputs) are quantized at compile time: their parameters are
/// constants and each is a quantized value or a constant.
static bool isCompileTimeQLinear(NodeContext &ctx, ArrayRef<unsigned> quantized,
                                 ArrayRef<unsigned> params) {
  for (unsigned i : params)
    if (ctx.hasInput(i) && !ctx.getConstantInput(i))
      return false;
  for (unsigned i : quantized)
    if (!isa<quant::QuantizedType>(ctx.getInputType(i).getElementType()) &&
        !ctx.getConstantInput(i))
      return false;
  return true;
}

LogicalResult onnx_import::convertQLinearConv(NodeContext &ctx) {
  if (!isCompileTimeQLinear(ctx, {0, 3}, {1, 2, 4, 5, 6, 7})) {
    FailureOr<Value> acc = createConvInteger(ctx, 0, 2, 3, 5);
    if (failed(acc))
      return failure();
    int64_t rank = ctx.getInputType(0).getRank();
    if (ctx.hasInput(8)) {
      if (!ctx.getInputType(8).getElementType().isInteger(32))
        return ctx.emitError() << "the bias (input 8) must be int32";
      FailureOr<Value> bias = getParamAlong(ctx, 8, rank, 1);
      if (failed(bias))
        return failure();
      FailureOr<Value> sum =
          createBroadcastBinary<qnn::AddOp>(ctx, *acc, *bias);
      if (failed(sum))
        return failure();
      acc = sum;
    }
    FailureOr<Value> inScale = getParamAlong(ctx, 1, 0, -1);
    FailureOr<Value> weightScale = getParamAlong(ctx, 4, rank, 1);
    if (failed(inScale) || failed(weightScale))
      return failure();
    return setRequantizedOutput(ctx, *acc, *inScale, *weightScale, 6, 7);
  }
  FailureOr<Value> input = getQuantizedInput(ctx, 0, {1, 2, {}, false});
  if (failed(input))
    return failure();
  FailureOr<Value> weight = getQuantizedInput(ctx, 3, {4, 5, 0, false});
  if (failed(weight))
    return failure();
  int64_t rank = ctx.getInputType(0).getRank();
  FailureOr<quant::QuantizedType> result = getQuantizedType(
      ctx, rank, Float32Type::get(ctx.getContext()), {6, 7, {}, false});
  if (failed(result))
    return failure();

  // The int32 bias is in scale x_scale * w_scale, zero point 0.
  Value bias;
  if (ctx.hasInput(8)) {
    DenseElementsAttr stored = ctx.getConstantInput(8);
    if (!stored || !stored.getElementType().isInteger(32))
      return ctx.emitError() << "the bias (input 8) must be a constant int32 "
                                "tensor";
    auto x = cast<quant::UniformQuantizedType>(
        cast<RankedTensorType>(input->getType()).getElementType());
    Type w = cast<RankedTensorType>(weight->getType()).getElementType();
    MLIRContext *context = ctx.getContext();
    auto i32 = IntegerType::get(context, 32);
    auto f32 = Float32Type::get(context);
    int64_t qmin = quant::QuantizedType::getDefaultMinimumForInteger(true, 32);
    int64_t qmax = quant::QuantizedType::getDefaultMaximumForInteger(true, 32);
    quant::QuantizedType biasType;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(w)) {
      SmallVector<double> scales;
      for (double s : perAxis.getScales())
        scales.push_back(double(float(x.getScale()) * float(s)));
      biasType = quant::UniformQuantizedPerAxisType::get(
          quant::QuantizationFlags::Signed, i32, f32, scales,
          SmallVector<int64_t>(scales.size(), 0), 0, qmin, qmax);
    } else {
      double scale =
          double(float(x.getScale()) *
                 float(cast<quant::UniformQuantizedType>(w).getScale()));
      biasType = quant::UniformQuantizedType::get(
          quant::QuantizationFlags::Signed, i32, f32, scale, 0, qmin, qmax);
    }
    bias = qnn::ConstantOp::create(ctx.getBuilder(), ctx.getLoc(),
                                   stored.getType().clone(biasType),
                                   stored.bitcast(i32));
  }
  return buildConv(ctx, *input, *weight, bias, *result);
}

LogicalResult onnx_import::convertQLinearMatMul(NodeContext &ctx) {
  if (!isCompileTimeQLinear(ctx, {0, 3}, {1, 2, 4, 5, 6, 7})) {
    FailureOr<Value> acc = createMatMulInteger(ctx, 0, 2, 3, 5);
    if (failed(acc))
      return failure();
    int64_t lhsRank = ctx.getInputType(0).getRank();
    int64_t rhsRank = ctx.getInputType(3).getRank();
    FailureOr<Value> inScale = getParamAlong(ctx, 1, lhsRank, lhsRank - 2);
    FailureOr<Value> weightScale = getParamAlong(ctx, 4, rhsRank, rhsRank - 1);
    if (failed(inScale) || failed(weightScale))
      return failure();
    return setRequantizedOutput(ctx, *acc, *inScale, *weightScale, 6, 7);
  }
  FailureOr<Value> lhs = getQuantizedInput(ctx, 0, {1, 2, {}, false});
  if (failed(lhs))
    return failure();
  int64_t rhsRank = ctx.getInputType(3).getRank();
  FailureOr<Value> rhs = getQuantizedInput(ctx, 3, {4, 5, rhsRank - 1, false});
  if (failed(rhs))
    return failure();
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  std::string reason;
  FailureOr<qnn::Shape> shape = qnn::inferMatMulShape(
      lhsType.getShape(), cast<RankedTensorType>(rhs->getType()).getShape(),
      reason);
  if (failed(shape))
    return ctx.emitError() << reason;
  FailureOr<quant::QuantizedType> result =
      getQuantizedType(ctx, int64_t(shape->size()),
                       Float32Type::get(ctx.getContext()), {6, 7, {}, false});
  if (failed(result))
    return failure();
  ctx.setOutput(0, ctx.create<qnn::MatMulOp>(
                       RankedTensorType::get(*shape, *result), *lhs, *rhs));
  return success();
}
