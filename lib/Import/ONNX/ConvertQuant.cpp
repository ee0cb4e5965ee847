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

/// The quantized element type described by a node's scale (input 1) and zero
/// point (input 2) for a tensor of rank `rank` expressing `expressed`.
static FailureOr<quant::QuantizedType>
getQuantizedType(NodeContext &ctx, int64_t rank, Type expressed) {
  if (ctx.hasAttribute("block_size") && ctx.getInt("block_size") != 0)
    return ctx.emitError() << "blocked quantization (block_size) is not "
                              "supported yet";
  DenseElementsAttr scale = ctx.getConstantInput(1);
  if (!scale || !isa<FloatType>(scale.getElementType()))
    return ctx.emitError() << "the scale must be a constant float tensor";
  if (scale.getElementType() != expressed)
    return ctx.emitError() << "the scale's type " << scale.getElementType()
                           << " differs from the float tensor's " << expressed;

  // The zero point's type is the storage type; without one it is uint8.
  MLIRContext *context = ctx.getContext();
  Type storage = IntegerType::get(context, 8, IntegerType::Unsigned);
  SmallVector<int64_t> zeroPoints;
  if (ctx.hasInput(2)) {
    DenseElementsAttr zp = ctx.getConstantInput(2);
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

  if (scale.getType().getRank() == 0 ||
      (scale.getType().getRank() == 1 && scale.getNumElements() == 1 &&
       ctx.getOpset() < 13))
    return quant::QuantizedType(quant::UniformQuantizedType::get(
        flags, signless, expressed, scales[0], zeroPoints[0], qmin, qmax));
  if (scale.getType().getRank() != 1)
    return ctx.emitError() << "the scale must be a scalar or 1-D";
  if (ctx.getOpset() < 13)
    return ctx.emitError() << "per-axis scales need opset 13";
  FailureOr<int64_t> axis = ctx.normalizeAxis(ctx.getInt("axis"), rank, "axis");
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
