//===- ConvertUtils.cpp - Helpers shared by the ONNX converters ----------===//
//
// Element type checks, auto_pad resolution and reshapes with ONNX's rules.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

FailureOr<qnn::Shape> onnx_import::broadcastValues(NodeContext &ctx,
                                                   ValueRange values) {
  qnn::Shape shape;
  bool fits = true;
  for (Value value : values) {
    ArrayRef<int64_t> next = cast<RankedTensorType>(value.getType()).getShape();
    FailureOr<qnn::Shape> wider = qnn::broadcastShapes(shape, next);
    if (failed(wider)) {
      fits = false;
      break;
    }
    shape = *wider;
  }
  if (fits)
    return shape;
  InFlightDiagnostic error = ctx.emitError() << "operand shapes ";
  for (auto [i, value] : llvm::enumerate(values))
    error << (i == 0                   ? ""
              : i + 1 == values.size() ? " and "
                                       : ", ")
          << qnn::formatShape(
                 cast<RankedTensorType>(value.getType()).getShape());
  error << " do not broadcast";
  return failure();
}

LogicalResult onnx_import::checkSameElementType(NodeContext &ctx,
                                                unsigned first, unsigned last) {
  Type expected;
  for (unsigned i = first; i <= last && i < ctx.getNumInputs(); ++i) {
    if (!ctx.hasInput(i))
      continue;
    Type element = ctx.getInputType(i).getElementType();
    if (!expected)
      expected = element;
    else if (element != expected)
      return ctx.emitError() << "input " << i << " has element type " << element
                             << " but input " << first << " has " << expected;
  }
  return success();
}

SmallVector<int64_t> onnx_import::getIntsOr(NodeContext &ctx, StringRef name,
                                            size_t count, int64_t fill) {
  if (ctx.hasAttribute(name)) {
    SmallVector<int64_t> values = ctx.getInts(name);
    if (!values.empty())
      return values;
  }
  return SmallVector<int64_t>(count, fill);
}

FailureOr<SmallVector<int64_t>>
onnx_import::resolvePads(NodeContext &ctx, ArrayRef<int64_t> spatialSizes,
                         ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  size_t spatial = spatialSizes.size();
  std::string autoPad = ctx.getString("auto_pad");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads = getIntsOr(ctx, "pads", 2 * spatial, 0);
    if (pads.size() != 2 * spatial)
      return ctx.emitError() << "pads has " << pads.size()
                             << " entries, expected " << 2 * spatial;
    return pads;
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>(2 * spatial, 0);
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.emitError() << "auto_pad '" << autoPad << "' is not one of "
                           << "NOTSET, VALID, SAME_UPPER, SAME_LOWER";

  // SAME: the output size is ceil(input / stride); the odd pad goes at the
  // end (SAME_UPPER) or the beginning (SAME_LOWER).
  SmallVector<int64_t> pads(2 * spatial, 0);
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = spatialSizes[i];
    if (ShapedType::isDynamic(in))
      return ctx.emitError()
             << "auto_pad " << autoPad << " needs static spatial sizes";
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
    int64_t small = total / 2, large = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[i + spatial] = autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

Value onnx_import::createSizeTensor(NodeContext &ctx, Value tensor,
                                    int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Builder &b = ctx.getBuilder();
  auto single = RankedTensorType::get({1}, b.getI64Type());
  if (!type.isDynamicDim(dim))
    return ctx.createConstant(DenseElementsAttr::get(
        single, ArrayRef<int64_t>{type.getDimSize(dim)}));
  return ctx.create<qnn::ShapeOp>(single, tensor, b.getI64IntegerAttr(dim),
                                  b.getI64IntegerAttr(dim + 1));
}

Value onnx_import::createShapeTensor(NodeContext &ctx, ArrayRef<Value> sizes) {
  Builder &b = ctx.getBuilder();
  auto type = RankedTensorType::get({int64_t(sizes.size())}, b.getI64Type());
  return ctx.create<qnn::ConcatOp>(type, sizes, b.getI64IntegerAttr(0));
}

FailureOr<Value> onnx_import::createReshape(NodeContext &ctx, Value value,
                                            ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  auto resultType = type.clone(shape);
  if (resultType == type)
    return value;
  if (llvm::count(shape, ShapedType::kDynamic) <= 1)
    return ctx.create<qnn::ReshapeOp>(resultType, value, Value());

  // More than one size at run time: fine when the reshape only adds or
  // drops size-1 dimensions (Squeeze, Unsqueeze), so that the other sizes
  // pair up in order and each dynamic one is read from the input.
  SmallVector<int64_t> from;
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    if (size != 1)
      from.push_back(d);
  SmallVector<int64_t> kept;
  for (int64_t size : shape)
    if (size != 1)
      kept.push_back(size);
  bool pairs = from.size() == kept.size();
  for (size_t i = 0; pairs && i < from.size(); ++i)
    pairs =
        ShapedType::isDynamic(kept[i]) == type.isDynamicDim(from[i]) &&
        (ShapedType::isDynamic(kept[i]) || kept[i] == type.getDimSize(from[i]));
  if (!pairs)
    return ctx.emitError() << "reshaping " << type << " to "
                           << qnn::formatShape(shape)
                           << " needs more than one size at run time, "
                           << "which is only supported for computed shapes "
                              "and for adding or removing size-1 dimensions";
  SmallVector<Value> sizes;
  size_t next = 0;
  auto one = RankedTensorType::get({1}, ctx.getBuilder().getI64Type());
  for (int64_t size : shape)
    sizes.push_back(size == 1 ? ctx.createConstant(DenseElementsAttr::get(
                                    one, ArrayRef<int64_t>{1}))
                              : createSizeTensor(ctx, value, from[next++]));
  return ctx.create<qnn::ReshapeOp>(resultType, value,
                                    createShapeTensor(ctx, sizes));
}
