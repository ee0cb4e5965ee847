//===- ConvertUtils.cpp - Helpers shared by the ONNX converters ----------===//
//
// Element type checks, auto_pad resolution and reshapes with ONNX's rules.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

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

FailureOr<Value> onnx_import::createReshape(NodeContext &ctx, Value value,
                                            ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (llvm::count(shape, ShapedType::kDynamic) > 1)
    return ctx.emitError() << "reshaping " << type << " to "
                           << qnn::formatShape(shape)
                           << " needs more than one size at run time, "
                           << "which is not supported";
  auto resultType = type.clone(shape);
  if (resultType == type)
    return value;
  return ctx.create<qnn::ReshapeOp>(resultType, value, Value());
}
