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

LogicalResult onnx_import::convertQuantizeLinear(NodeContext &ctx) {
  if (ctx.hasAttribute("output_dtype") && ctx.getInt("output_dtype") != 0)
    return ctx.emitError() << "output_dtype is not supported yet";
  RankedTensorType type = ctx.getInputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return ctx.emitError() << "the input must be a float tensor";
  FailureOr<quant::QuantizedType> quantized =
      getQuantizedType(ctx, type.getRank(), type.getElementType());
  if (failed(quantized))
    return failure();
  ctx.setOutput(
      0, ctx.create<qnn::QuantizeOp>(type.clone(*quantized), ctx.getInput(0)));
  return success();
}

LogicalResult onnx_import::convertDequantizeLinear(NodeContext &ctx) {
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
  } else if (DenseElementsAttr stored = ctx.getConstantInput(0)) {
    // Stored integers, as in quantized weights: reinterpret them in the
    // signless storage type.
    auto storage = cast<IntegerType>((*quantized).getStorageType());
    if (cast<IntegerType>(stored.getElementType()).getWidth() !=
        storage.getWidth())
      return ctx.emitError() << "the input's type " << type.getElementType()
                             << " does not match the zero point's";
    input = qnn::ConstantOp::create(ctx.getBuilder(), ctx.getLoc(),
                                    quantizedType, stored.bitcast(storage));
  } else {
    return ctx.emitError() << "dequantizing a computed integer tensor is not "
                              "supported yet";
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

LogicalResult onnx_import::convertQLinearConv(NodeContext &ctx) {
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
