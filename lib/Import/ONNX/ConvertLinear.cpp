//===- ConvertLinear.cpp - ONNX Conv, MatMul and Gemm to qnn -------------===//
//
// Resolves Conv's defaults and auto_pad into explicit attributes and infers
// result shapes with qnn's shape functions.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

LogicalResult onnx_import::convertConv(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, 2)))
    return failure();
  Value bias = ctx.hasInput(2) ? ctx.getInput(2) : Value();
  return buildConv(ctx, ctx.getInput(0), ctx.getInput(1), bias,
                   ctx.getInputType(0).getElementType());
}

FailureOr<ConvGeometry>
onnx_import::getConvGeometry(NodeContext &ctx, RankedTensorType inputType,
                             RankedTensorType weightType) {
  int64_t rank = inputType.getRank();
  if (rank < 3 || weightType.getRank() != rank)
    return ctx.emitError() << "input of rank " << rank << " and weight of rank "
                           << weightType.getRank()
                           << " are not an N-d convolution";
  size_t spatial = rank - 2;
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  if (ctx.hasAttribute("kernel_shape")) {
    SmallVector<int64_t> declared = ctx.getInts("kernel_shape");
    if (!qnn::areCompatibleShapes(declared, kernel))
      return ctx.emitError()
             << "kernel_shape " << qnn::formatShape(declared)
             << " does not match the weight's " << qnn::formatShape(kernel);
  }
  if (llvm::any_of(kernel, ShapedType::isDynamic))
    return ctx.emitError() << "the weight's kernel sizes must be static";

  ConvGeometry geometry;
  geometry.strides = getIntsOr(ctx, "strides", spatial, 1);
  geometry.dilations = getIntsOr(ctx, "dilations", spatial, 1);
  if (geometry.strides.size() != spatial ||
      geometry.dilations.size() != spatial)
    return ctx.emitError() << "strides and dilations need " << spatial
                           << " entries each";
  FailureOr<SmallVector<int64_t>> pads =
      resolvePads(ctx, inputType.getShape().drop_front(2), kernel,
                  geometry.strides, geometry.dilations);
  if (failed(pads))
    return failure();
  geometry.pads = std::move(*pads);

  geometry.shape = {inputType.getDimSize(0), weightType.getDimSize(0)};
  for (size_t i = 0; i < spatial; ++i)
    geometry.shape.push_back(qnn::getWindowedOutputSize(
        inputType.getDimSize(i + 2), kernel[i], geometry.strides[i],
        geometry.dilations[i], geometry.pads[i], geometry.pads[i + spatial]));
  return geometry;
}

LogicalResult onnx_import::buildConv(NodeContext &ctx, Value input,
                                     Value weight, Value bias,
                                     Type resultElement) {
  FailureOr<ConvGeometry> geometry =
      getConvGeometry(ctx, cast<RankedTensorType>(input.getType()),
                      cast<RankedTensorType>(weight.getType()));
  if (failed(geometry))
    return failure();
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::ConvOp>(
                       RankedTensorType::get(geometry->shape, resultElement),
                       input, weight, bias,
                       b.getDenseI64ArrayAttr(geometry->strides),
                       b.getDenseI64ArrayAttr(geometry->dilations),
                       b.getDenseI64ArrayAttr(geometry->pads),
                       b.getI64IntegerAttr(ctx.getInt("group"))));
  return success();
}

LogicalResult onnx_import::convertConvTranspose(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, 2)))
    return failure();
  RankedTensorType inputType = ctx.getInputType(0);
  RankedTensorType weightType = ctx.getInputType(1);
  int64_t rank = inputType.getRank();
  if (rank < 3 || weightType.getRank() != rank)
    return ctx.emitError() << "input of rank " << rank << " and weight of rank "
                           << weightType.getRank()
                           << " are not an N-d transposed convolution";
  size_t spatial = rank - 2;
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  if (llvm::any_of(kernel, ShapedType::isDynamic))
    return ctx.emitError() << "the weight's kernel sizes must be static";
  SmallVector<int64_t> strides = getIntsOr(ctx, "strides", spatial, 1);
  SmallVector<int64_t> dilations = getIntsOr(ctx, "dilations", spatial, 1);
  SmallVector<int64_t> outputPadding =
      getIntsOr(ctx, "output_padding", spatial, 0);
  if (strides.size() != spatial || dilations.size() != spatial ||
      outputPadding.size() != spatial)
    return ctx.emitError() << "strides, dilations and output_padding need "
                           << spatial << " entries each";

  // Pads come from `pads`, or from `output_shape` or SAME auto_pad: the
  // total padding is what makes the output the requested size, its odd
  // unit at the end for SAME_UPPER and at the beginning otherwise.
  std::string autoPad = ctx.getString("auto_pad");
  SmallVector<int64_t> pads = getIntsOr(ctx, "pads", 2 * spatial, 0);
  if (autoPad == "VALID")
    pads.assign(2 * spatial, 0);
  if (ctx.hasAttribute("output_shape") || autoPad == "SAME_UPPER" ||
      autoPad == "SAME_LOWER") {
    SmallVector<int64_t> outputShape = ctx.hasAttribute("output_shape")
                                           ? ctx.getInts("output_shape")
                                           : SmallVector<int64_t>();
    if (outputShape.size() == size_t(rank))
      outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
    if (!outputShape.empty() && outputShape.size() != spatial)
      return ctx.emitError()
             << "output_shape has " << outputShape.size()
             << " entries, expected " << spatial << " or " << rank;
    pads.assign(2 * spatial, 0);
    for (size_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(i + 2);
      if (ShapedType::isDynamic(in))
        return ctx.emitError() << "output_shape and SAME padding need static "
                                  "spatial sizes";
      int64_t out = outputShape.empty() ? in * strides[i] : outputShape[i];
      int64_t total = strides[i] * (in - 1) + outputPadding[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - out;
      if (total < 0)
        return ctx.emitError()
               << "output size " << out << " needs negative padding";
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[i + spatial] = upper ? total - total / 2 : total / 2;
    }
  } else if (autoPad != "NOTSET" && autoPad != "VALID") {
    return ctx.emitError() << "auto_pad '" << autoPad << "' is not supported";
  }
  if (pads.size() != 2 * spatial)
    return ctx.emitError() << "pads has " << pads.size()
                           << " entries, expected " << 2 * spatial;

  int64_t group = ctx.getInt("group");
  qnn::Shape shape = {inputType.getDimSize(0),
                      ShapedType::isDynamic(weightType.getDimSize(1))
                          ? ShapedType::kDynamic
                          : weightType.getDimSize(1) * group};
  for (size_t i = 0; i < spatial; ++i)
    shape.push_back(qnn::getTransposedWindowSize(
        inputType.getDimSize(i + 2), kernel[i], strides[i], dilations[i],
        pads[i], pads[i + spatial], outputPadding[i]));
  Value bias = ctx.hasInput(2) ? ctx.getInput(2) : Value();
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::ConvTransposeOp>(
                       inputType.clone(shape), ctx.getInput(0), ctx.getInput(1),
                       bias, b.getDenseI64ArrayAttr(strides),
                       b.getDenseI64ArrayAttr(dilations),
                       b.getDenseI64ArrayAttr(pads),
                       b.getDenseI64ArrayAttr(outputPadding),
                       b.getI64IntegerAttr(group)));
  return success();
}

LogicalResult onnx_import::convertMatMul(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, 1)))
    return failure();
  RankedTensorType lhsType = ctx.getInputType(0);
  std::string reason;
  FailureOr<qnn::Shape> shape = qnn::inferMatMulShape(
      lhsType.getShape(), ctx.getInputType(1).getShape(), reason);
  if (failed(shape))
    return ctx.emitError() << reason;
  ctx.setOutput(0, ctx.create<qnn::MatMulOp>(lhsType.clone(*shape),
                                             ctx.getInput(0), ctx.getInput(1)));
  return success();
}

LogicalResult onnx_import::convertGemm(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, 2)))
    return failure();
  RankedTensorType aType = ctx.getInputType(0), bType = ctx.getInputType(1);
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return ctx.emitError() << "A and B must be matrices";
  bool transA = ctx.getInt("transA") != 0, transB = ctx.getInt("transB") != 0;
  int64_t m = aType.getDimSize(transA ? 1 : 0);
  int64_t n = bType.getDimSize(transB ? 0 : 1);
  Value c = ctx.hasInput(2) ? ctx.getInput(2) : Value();
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::GemmOp>(
                       aType.clone({m, n}), ctx.getInput(0), ctx.getInput(1), c,
                       b.getF32FloatAttr(ctx.getFloat("alpha")),
                       b.getF32FloatAttr(ctx.getFloat("beta")),
                       b.getBoolAttr(transA), b.getBoolAttr(transB)));
  return success();
}
