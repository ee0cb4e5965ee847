//===- ConvertShape.cpp - ONNX data movement and shape ops to qnn --------===//
//
// Constants, Shape and Cast (evaluated at import where their inputs are
// known), and the ops that move data: Reshape, Flatten, Squeeze, Unsqueeze,
// Transpose, Concat, Slice, Gather and Pad. Shape arguments (Slice's
// bounds, Pad's pads) must be constants after import-time folding; a
// Reshape's shape may also be computed from shapes (ShapeElements.cpp).
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "quantc/Import/ONNX/TensorConversion.h"

#include "llvm/ADT/APSInt.h"

#include <cmath>

#include <limits>

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

/// The product of `dims`, dynamic if any is.
static int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    p *= d;
  }
  return p;
}

/// An i64 tensor constant.
static Value createI64Constant(NodeContext &ctx, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())},
                                    ctx.getBuilder().getI64Type());
  return ctx.createConstant(DenseElementsAttr::get(type, values));
}

/// Normalizes each of `axes` for rank `rank`, rejecting repeats.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> normalized = ctx.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    if (llvm::is_contained(result, *normalized))
      return ctx.emitError() << "axis " << axis << " is repeated";
    result.push_back(*normalized);
  }
  return result;
}

/// The `axes` of Squeeze, Unsqueeze and friends: an attribute before opset
/// 13 and the optional input 1 from then on. Empty if not given.
static FailureOr<SmallVector<int64_t>> getAxesArgument(NodeContext &ctx) {
  if (ctx.hasInput(1))
    return ctx.getConstantInts(1, "axes");
  if (ctx.hasAttribute("axes"))
    return ctx.getInts("axes");
  return SmallVector<int64_t>();
}

//===----------------------------------------------------------------------===//
// Constants, Shape, Cast
//===----------------------------------------------------------------------===//

LogicalResult onnx_import::convertConstant(NodeContext &ctx) {
  const onnx::NodeProto &node = ctx.getNode();
  if (node.attribute_size() != 1)
    return ctx.emitError() << "needs exactly one value attribute";
  StringRef name = node.attribute(0).name();
  Builder &b = ctx.getBuilder();
  DenseElementsAttr value;
  if (name == "value") {
    FailureOr<DenseElementsAttr> tensor = ctx.getTensor("value");
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   ctx.getFloat(name));
  } else if (name == "value_floats") {
    SmallVector<float> floats = ctx.getFloats(name);
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(floats.size())}, b.getF32Type()),
        ArrayRef<float>(floats));
  } else if (name == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   ctx.getInt(name));
  } else {
    SmallVector<int64_t> ints = ctx.getInts(name);
    value = DenseElementsAttr::get(
        RankedTensorType::get({int64_t(ints.size())}, b.getI64Type()),
        ArrayRef<int64_t>(ints));
  }
  ctx.setOutput(0, ctx.createConstant(value));
  return success();
}

LogicalResult onnx_import::convertShape(NodeContext &ctx) {
  ArrayRef<int64_t> shape = ctx.getInputType(0).getShape();
  int64_t rank = shape.size();
  // Opset 15 selects dims [start, end), negative counting from the end and
  // both clamped to [0, rank].
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t start =
      clampIndex(ctx.hasAttribute("start") ? ctx.getInt("start") : 0);
  int64_t end = ctx.hasAttribute("end") ? clampIndex(ctx.getInt("end")) : rank;
  ArrayRef<int64_t> dims =
      shape.slice(start, std::max<int64_t>(end - start, 0));
  if (llvm::any_of(dims, ShapedType::isDynamic)) {
    // Read at run time; ShapeElements.cpp records which sizes it holds.
    Builder &b = ctx.getBuilder();
    auto type = RankedTensorType::get({int64_t(dims.size())}, b.getI64Type());
    ctx.setOutput(0, ctx.create<qnn::ShapeOp>(
                         type, ctx.getInput(0), b.getI64IntegerAttr(start),
                         b.getI64IntegerAttr(start + dims.size())));
    return success();
  }
  ctx.setOutput(0, createI64Constant(ctx, dims));
  return success();
}

LogicalResult onnx_import::convertSize(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  if (!type.hasStaticShape())
    return ctx.emitError() << "the shape " << qnn::formatShape(type.getShape())
                           << " has dynamic sizes; computing a size at run "
                              "time is not supported";
  auto scalar = RankedTensorType::get({}, ctx.getBuilder().getI64Type());
  ctx.setOutput(0, ctx.createConstant(
                       DenseElementsAttr::get(scalar, type.getNumElements())));
  return success();
}

/// Converts one constant element to `to`; float to integer truncates toward
/// zero, as ONNX's Cast does.
static Attribute castElement(Attribute value, Type to) {
  if (auto f = dyn_cast<FloatAttr>(value)) {
    APFloat v = f.getValue();
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      bool lost;
      v.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      return FloatAttr::get(to, v);
    }
    auto toInt = cast<IntegerType>(to);
    APSInt result(toInt.getWidth(), toInt.isUnsigned());
    bool exact;
    v.convertToInteger(result, APFloat::rmTowardZero, &exact);
    return IntegerAttr::get(to, result);
  }
  auto i = cast<IntegerAttr>(value);
  auto fromInt = cast<IntegerType>(i.getType());
  APInt v = i.getValue();
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    APFloat result(toFloat.getFloatSemantics());
    result.convertFromAPInt(v, !fromInt.isUnsigned(),
                            APFloat::rmNearestTiesToEven);
    return FloatAttr::get(to, result);
  }
  unsigned width = cast<IntegerType>(to).getWidth();
  if (to.isInteger(1))
    return IntegerAttr::get(to, APInt(1, !v.isZero()));
  return IntegerAttr::get(to, fromInt.isUnsigned() ? v.zextOrTrunc(width)
                                                   : v.sextOrTrunc(width));
}

LogicalResult onnx_import::convertCast(NodeContext &ctx) {
  FailureOr<Type> to = getElementType(ctx.getInt("to"), ctx.getContext());
  if (failed(to))
    return ctx.emitError() << "casting to " << getDataTypeName(ctx.getInt("to"))
                           << " is not supported";
  RankedTensorType type = ctx.getInputType(0);
  if (type.getElementType() == *to) {
    ctx.setOutput(0, ctx.getInput(0));
    return success();
  }
  DenseElementsAttr value = ctx.getConstantInput(0);
  if (!value) {
    // ONNX's rounding to bfloat16 changed between versions (truncation in
    // ONNX 1.12's reference, nearest even in onnxruntime and later ONNX).
    if (type.getElementType().isBF16() || to->isBF16())
      return ctx.emitError()
             << "casting a computed tensor to or from bfloat16 is not "
                "supported (ONNX versions round it differently)";
    ctx.setOutput(0, ctx.create<qnn::CastOp>(type.clone(*to), ctx.getInput(0)));
    return success();
  }
  SmallVector<Attribute> elements;
  for (Attribute element : value.getValues<Attribute>())
    elements.push_back(castElement(element, *to));
  ctx.setOutput(
      0, ctx.createConstant(DenseElementsAttr::get(type.clone(*to), elements)));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// Reshape to a shape computed from other shapes (ShapeElements.cpp): each
/// target size is a constant, a size of some tensor read at run time, a
/// copy of the input's (0) or inferred from the element count (-1). With at
/// most one size unknown at import, qnn.reshape infers it; with more, the
/// exact sizes are computed at run time into its shape operand.
static LogicalResult convertComputedReshape(NodeContext &ctx,
                                            const ShapeElements &requested) {
  Value input = ctx.getInput(0);
  RankedTensorType inType = ctx.getInputType(0);
  ArrayRef<int64_t> in = inType.getShape();
  bool allowZero = ctx.hasAttribute("allowzero") && ctx.getInt("allowzero");
  // The target sizes; `inferred` marks the -1.
  ShapeElements sizes;
  int64_t inferred = -1;
  for (auto [i, element] : llvm::enumerate(requested)) {
    if (!element.isConstant()) {
      sizes.push_back(element);
      continue;
    }
    int64_t v = element.value;
    if (v == 0 && !allowZero) {
      if (i >= in.size())
        return ctx.emitError()
               << "shape entry " << i << " copies a dimension the input lacks";
      sizes.push_back(ShapedType::isDynamic(in[i])
                          ? ShapeElement{0, input, int64_t(i)}
                          : ShapeElement{in[i], Value(), 0});
    } else if (v == -1) {
      if (inferred >= 0)
        return ctx.emitError() << "shape has more than one -1";
      inferred = i;
      sizes.push_back({-1, Value(), 0});
    } else if (v < 0) {
      return ctx.emitError() << "shape entry " << v << " is invalid";
    } else {
      sizes.push_back(element);
    }
  }

  qnn::Shape shape;
  int64_t known = 1;
  bool othersStatic = true;
  for (auto [i, size] : llvm::enumerate(sizes)) {
    if (int64_t(i) == inferred)
      continue;
    if (size.isConstant())
      known *= size.value;
    else
      othersStatic = false;
  }
  for (auto [i, size] : llvm::enumerate(sizes)) {
    if (int64_t(i) == inferred) {
      bool computable = othersStatic && inType.hasStaticShape() && known != 0;
      if (computable && inType.getNumElements() % known != 0)
        return ctx.emitError() << "cannot reshape " << qnn::formatShape(in)
                               << " to sizes whose product is " << known;
      shape.push_back(computable ? inType.getNumElements() / known
                                 : ShapedType::kDynamic);
    } else {
      shape.push_back(size.isConstant() ? size.value : ShapedType::kDynamic);
    }
  }
  if (llvm::count(shape, ShapedType::kDynamic) <= 1) {
    FailureOr<Value> result = createReshape(ctx, input, shape);
    if (failed(result))
      return failure();
    ctx.setOutput(0, *result);
    return success();
  }

  // The exact sizes at run time, one 1-element tensor each.
  Builder &b = ctx.getBuilder();
  auto single = RankedTensorType::get({1}, b.getI64Type());
  SmallVector<Value> pieces;
  for (const ShapeElement &size : sizes)
    pieces.push_back(size.isConstant()
                         ? createI64Constant(ctx, {size.value})
                         : createSizeTensor(ctx, size.of, size.dim));
  if (inferred >= 0) {
    Value count = createI64Constant(ctx, {1});
    for (int64_t d = 0; d < inType.getRank(); ++d)
      count = ctx.create<qnn::MulOp>(single, count,
                                     createSizeTensor(ctx, input, d));
    Value others = createI64Constant(ctx, {1});
    for (auto [i, piece] : llvm::enumerate(pieces))
      if (int64_t(i) != inferred)
        others = ctx.create<qnn::MulOp>(single, others, piece);
    pieces[inferred] = ctx.create<qnn::DivOp>(single, count, others);
  }
  ctx.setOutput(0, ctx.create<qnn::ReshapeOp>(inType.clone(shape), input,
                                              createShapeTensor(ctx, pieces)));
  return success();
}

LogicalResult onnx_import::convertReshape(NodeContext &ctx) {
  if (!ctx.getConstantInput(1))
    if (std::optional<ShapeElements> computed = ctx.getShapeElements(1))
      return convertComputedReshape(ctx, *computed);
  FailureOr<SmallVector<int64_t>> requested = ctx.getConstantInts(1, "shape");
  if (failed(requested))
    return failure();
  ArrayRef<int64_t> in = ctx.getInputType(0).getShape();
  bool allowZero = ctx.hasAttribute("allowzero") && ctx.getInt("allowzero");

  // 0 copies the input's size at that position, -1 is inferred. The -1
  // comes from the element count; sizes copied through 0 cancel out, so a
  // dynamic batch copied through 0 still lets the rest be known.
  SmallVector<int64_t> shape(requested->begin(), requested->end());
  SmallVector<bool> copied(in.size(), false);
  int64_t inferred = -1;
  for (auto [i, size] : llvm::enumerate(shape)) {
    if (size == 0 && !allowZero) {
      if (i >= in.size())
        return ctx.emitError()
               << "shape entry " << i << " copies a dimension the input lacks";
      size = in[i];
      copied[i] = true;
    } else if (size == -1) {
      if (inferred >= 0)
        return ctx.emitError() << "shape has more than one -1";
      inferred = i;
    } else if (size < 0) {
      return ctx.emitError() << "shape entry " << size << " is invalid";
    }
  }
  int64_t known = 1, total = 1;
  bool dynamic = false;
  for (auto [i, size] : llvm::enumerate(in)) {
    if (copied[i] && ShapedType::isDynamic(size))
      continue;
    if (ShapedType::isDynamic(size))
      dynamic = true;
    else
      total *= size;
  }
  for (auto [i, size] : llvm::enumerate(shape))
    if (int64_t(i) != inferred &&
        !(i < copied.size() && copied[i] && ShapedType::isDynamic(size)))
      known *= size;
  if (inferred >= 0) {
    if (dynamic)
      shape[inferred] = ShapedType::kDynamic;
    else if (known == 0 || total % known != 0)
      return ctx.emitError() << "cannot reshape " << qnn::formatShape(in)
                             << " to " << qnn::formatShape(*requested);
    else
      shape[inferred] = total / known;
  } else if (!dynamic && known != total) {
    return ctx.emitError() << "cannot reshape " << qnn::formatShape(in) << " ("
                           << total << " elements) to "
                           << qnn::formatShape(shape);
  }
  FailureOr<Value> result = createReshape(ctx, ctx.getInput(0), shape);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertFlatten(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.getInputType(0).getShape();
  int64_t rank = in.size();
  int64_t axis = ctx.getInt("axis");
  if (axis < -rank || axis > rank)
    return ctx.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  if (axis < 0)
    axis += rank;
  FailureOr<Value> result = createReshape(
      ctx, ctx.getInput(0),
      {product(in.take_front(axis)), product(in.drop_front(axis))});
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertSqueeze(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.getInputType(0).getShape();
  FailureOr<SmallVector<int64_t>> given = getAxesArgument(ctx);
  if (failed(given))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = normalizeAxes(ctx, *given, in.size());
  if (failed(axes))
    return failure();
  qnn::Shape shape;
  for (auto [i, size] : llvm::enumerate(in)) {
    bool listed = llvm::is_contained(*axes, int64_t(i));
    if (axes->empty() && ShapedType::isDynamic(size))
      return ctx.emitError() << "squeezing every size-1 dimension of "
                             << qnn::formatShape(in) << " needs static sizes";
    if (listed && size != 1 && !ShapedType::isDynamic(size))
      return ctx.emitError()
             << "dimension " << i << " has size " << size << ", not 1";
    if (!(listed || (axes->empty() && size == 1)))
      shape.push_back(size);
  }
  FailureOr<Value> result = createReshape(ctx, ctx.getInput(0), shape);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

LogicalResult onnx_import::convertUnsqueeze(NodeContext &ctx) {
  ArrayRef<int64_t> in = ctx.getInputType(0).getShape();
  FailureOr<SmallVector<int64_t>> given = getAxesArgument(ctx);
  if (failed(given))
    return failure();
  if (given->empty())
    return ctx.emitError() << "axes must not be empty";
  FailureOr<SmallVector<int64_t>> axes =
      normalizeAxes(ctx, *given, in.size() + given->size());
  if (failed(axes))
    return failure();
  qnn::Shape shape;
  const int64_t *next = in.begin();
  for (int64_t i = 0, e = in.size() + axes->size(); i < e; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : *next++);
  FailureOr<Value> result = createReshape(ctx, ctx.getInput(0), shape);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

//===----------------------------------------------------------------------===//
// Transpose, Concat, Slice, Gather, Pad
//===----------------------------------------------------------------------===//

LogicalResult onnx_import::convertTranspose(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  SmallVector<int64_t> perm;
  if (ctx.hasAttribute("perm")) {
    perm = ctx.getInts("perm");
  } else {
    for (int64_t i = type.getRank() - 1; i >= 0; --i)
      perm.push_back(i);
  }
  if (int64_t(perm.size()) != type.getRank())
    return ctx.emitError() << "perm has " << perm.size() << " entries for rank "
                           << type.getRank();
  qnn::Shape shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= type.getRank())
      return ctx.emitError() << "perm entry " << p << " is out of range";
    shape.push_back(type.getDimSize(p));
  }
  ctx.setOutput(0, ctx.create<qnn::TransposeOp>(
                       type.clone(shape), ctx.getInput(0),
                       ctx.getBuilder().getDenseI64ArrayAttr(perm)));
  return success();
}

LogicalResult onnx_import::convertConcat(NodeContext &ctx) {
  if (failed(checkSameElementType(ctx, 0, ctx.getNumInputs() - 1)))
    return failure();
  RankedTensorType first = ctx.getInputType(0);
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(ctx.getInt("axis"), first.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  qnn::Shape shape(first.getShape());
  shape[*axis] = 0;
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    RankedTensorType type = ctx.getInputType(i);
    if (type.getRank() != first.getRank())
      return ctx.emitError() << "input " << i << " has rank " << type.getRank()
                             << ", not " << first.getRank();
    int64_t size = type.getDimSize(*axis);
    shape[*axis] =
        ShapedType::isDynamic(size) || ShapedType::isDynamic(shape[*axis])
            ? ShapedType::kDynamic
            : shape[*axis] + size;
    inputs.push_back(ctx.getInput(i));
  }
  ctx.setOutput(
      0, ctx.create<qnn::ConcatOp>(first.clone(shape), inputs,
                                   ctx.getBuilder().getI64IntegerAttr(*axis)));
  return success();
}

LogicalResult onnx_import::convertSlice(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.getOpset() < 10) {
    starts = ctx.getInts("starts");
    ends = ctx.getInts("ends");
    if (ctx.hasAttribute("axes"))
      axes = ctx.getInts("axes");
  } else {
    auto read = [&](unsigned i, StringRef what,
                    SmallVector<int64_t> &into) -> LogicalResult {
      if (!ctx.hasInput(i))
        return success();
      FailureOr<SmallVector<int64_t>> values = ctx.getConstantInts(i, what);
      if (failed(values))
        return failure();
      into = *values;
      return success();
    };
    if (failed(read(1, "starts", starts)) || failed(read(2, "ends", ends)) ||
        failed(read(3, "axes", axes)) || failed(read(4, "steps", steps)))
      return failure();
  }
  if (axes.empty())
    for (int64_t i = 0; i < int64_t(starts.size()); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return ctx.emitError() << "starts, ends, axes and steps differ in length";
  FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(ctx, axes, rank);
  if (failed(normalized))
    return failure();

  SmallVector<int64_t> allStarts(rank, 0), allSteps(rank, 1);
  SmallVector<int64_t> allEnds(rank, std::numeric_limits<int64_t>::max());
  for (auto [i, axis] : llvm::enumerate(*normalized)) {
    if (steps[i] == 0)
      return ctx.emitError() << "steps must not be 0";
    allStarts[axis] = starts[i];
    allEnds[axis] = ends[i];
    allSteps[axis] = steps[i];
  }
  qnn::Shape shape;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(qnn::getSliceSize(type.getDimSize(d), allStarts[d],
                                      allEnds[d], allSteps[d]));
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::SliceOp>(type.clone(shape), ctx.getInput(0),
                                            b.getDenseI64ArrayAttr(allStarts),
                                            b.getDenseI64ArrayAttr(allEnds),
                                            b.getDenseI64ArrayAttr(allSteps)));
  return success();
}

LogicalResult onnx_import::convertGather(NodeContext &ctx) {
  RankedTensorType data = ctx.getInputType(0);
  RankedTensorType indices = ctx.getInputType(1);
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(ctx.getInt("axis"), data.getRank(), "axis");
  if (failed(axis))
    return failure();
  qnn::Shape shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  ctx.setOutput(0, ctx.create<qnn::GatherOp>(
                       data.clone(shape), ctx.getInput(0), ctx.getInput(1),
                       ctx.getBuilder().getI64IntegerAttr(*axis)));
  return success();
}

LogicalResult onnx_import::convertSplit(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(ctx.getInt("axis"), type.getRank(), "axis");
  if (failed(axis))
    return failure();
  int64_t size = type.getDimSize(*axis);
  int64_t outputs = ctx.getNumOutputs();
  SmallVector<int64_t> sizes;
  if (ctx.getOpset() < 13 && ctx.hasAttribute("split")) {
    sizes = ctx.getInts("split");
  } else if (ctx.getOpset() >= 13 && ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> values = ctx.getConstantInts(1, "split");
    if (failed(values))
      return failure();
    sizes = *values;
  } else {
    // Equal parts; from opset 18 num_outputs parts of ceil(size / n), the
    // last one smaller if n does not divide the size.
    if (ShapedType::isDynamic(size))
      return ctx.emitError() << "splitting a dimension of run-time size into "
                                "equal parts is not supported";
    if (ctx.getOpset() >= 18) {
      if (!ctx.hasAttribute("num_outputs"))
        return ctx.emitError() << "needs the split input or num_outputs";
      int64_t n = ctx.getInt("num_outputs");
      if (n != outputs)
        return ctx.emitError() << "num_outputs is " << n << " but the node has "
                               << outputs << " outputs";
      int64_t part = (size + n - 1) / n;
      for (int64_t i = 0; i < n; ++i)
        sizes.push_back(std::max<int64_t>(0, std::min(part, size - i * part)));
    } else {
      if (size % outputs != 0)
        return ctx.emitError() << "cannot split size " << size << " into "
                               << outputs << " equal parts";
      sizes.assign(outputs, size / outputs);
    }
  }
  if (int64_t(sizes.size()) != outputs)
    return ctx.emitError() << "split has " << sizes.size()
                           << " sizes but the node has " << outputs
                           << " outputs";
  int64_t total = 0;
  for (int64_t part : sizes) {
    if (part < 0)
      return ctx.emitError() << "split sizes must not be negative";
    total += part;
  }
  if (!ShapedType::isDynamic(size) && total != size)
    return ctx.emitError() << "split sizes add up to " << total
                           << ", the axis has " << size;
  Builder &b = ctx.getBuilder();
  int64_t rank = type.getRank();
  int64_t start = 0;
  for (auto [i, part] : llvm::enumerate(sizes)) {
    SmallVector<int64_t> starts(rank, 0), steps(rank, 1);
    SmallVector<int64_t> ends(rank, std::numeric_limits<int64_t>::max());
    starts[*axis] = start;
    ends[*axis] = start + part;
    start += part;
    qnn::Shape shape(type.getShape());
    shape[*axis] = part;
    ctx.setOutput(i,
                  ctx.create<qnn::SliceOp>(type.clone(shape), ctx.getInput(0),
                                           b.getDenseI64ArrayAttr(starts),
                                           b.getDenseI64ArrayAttr(ends),
                                           b.getDenseI64ArrayAttr(steps)));
  }
  return success();
}

LogicalResult onnx_import::convertRange(NodeContext &ctx) {
  Type element = ctx.getInputType(0).getElementType();
  for (unsigned i = 0; i < 3; ++i)
    if (ctx.getInputType(i).getRank() != 0 ||
        ctx.getInputType(i).getElementType() != element)
      return ctx.emitError() << "start, limit and delta must be scalars of "
                                "one element type";
  if (!isa<FloatType>(element) && !element.isSignlessInteger())
    return ctx.emitError() << "ranges of " << element << " are not supported";
  // Constant bounds (also those computed from static shapes, which fold)
  // give a static size and a constant.
  int64_t size = ShapedType::kDynamic;
  DenseElementsAttr start = ctx.getConstantInput(0);
  DenseElementsAttr limit = ctx.getConstantInput(1);
  DenseElementsAttr delta = ctx.getConstantInput(2);
  if (delta &&
      (isa<FloatType>(element) ? delta.getSplatValue<APFloat>().isZero()
                               : delta.getSplatValue<APInt>().isZero()))
    return ctx.emitError() << "delta must not be 0";
  if (start && limit && delta) {
    std::optional<int64_t> count = qnn::RangeOp::getCount(start, limit, delta);
    if (!count)
      return ctx.emitError() << "the range has 2^31 elements or more";
    size = *count;
  }
  ctx.setOutput(0, ctx.create<qnn::RangeOp>(
                       RankedTensorType::get({size}, element), ctx.getInput(0),
                       ctx.getInput(1), ctx.getInput(2)));
  return success();
}

LogicalResult onnx_import::convertPad(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> pads;
  float value = 0.0f;
  if (ctx.getOpset() < 11) {
    pads = ctx.getInts("pads");
    value = ctx.getFloat("value");
  } else {
    FailureOr<SmallVector<int64_t>> given = ctx.getConstantInts(1, "pads");
    if (failed(given))
      return failure();
    pads = *given;
    if (ctx.hasInput(2)) {
      FailureOr<float> constant = ctx.getConstantScalar(2, "constant_value");
      if (failed(constant))
        return failure();
      value = *constant;
    }
    if (ctx.hasInput(3)) {
      // Opset 18 pads only the listed axes.
      FailureOr<SmallVector<int64_t>> axes = ctx.getConstantInts(3, "axes");
      if (failed(axes))
        return failure();
      FailureOr<SmallVector<int64_t>> normalized =
          normalizeAxes(ctx, *axes, rank);
      if (failed(normalized))
        return failure();
      if (pads.size() != 2 * normalized->size())
        return ctx.emitError() << "pads needs two entries per axis";
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [i, axis] : llvm::enumerate(*normalized)) {
        full[axis] = pads[i];
        full[axis + rank] = pads[i + normalized->size()];
      }
      pads = full;
    }
  }
  if (int64_t(pads.size()) != 2 * rank)
    return ctx.emitError() << "pads has " << pads.size()
                           << " entries, expected " << 2 * rank;
  std::string mode = ctx.getString("mode");
  std::optional<qnn::PadMode> padMode = qnn::symbolizePadMode(mode);
  if (!padMode)
    return ctx.emitError() << "mode '" << mode << "' is not supported";
  qnn::Shape shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = type.getDimSize(d);
    shape.push_back(
        ShapedType::isDynamic(size) ? size : size + pads[d] + pads[d + rank]);
  }
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::PadOp>(
                       type.clone(shape), ctx.getInput(0),
                       b.getDenseI64ArrayAttr(pads),
                       qnn::PadModeAttr::get(ctx.getContext(), *padMode),
                       b.getF32FloatAttr(value)));
  return success();
}

LogicalResult onnx_import::convertResize(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  std::string mode = ctx.getString("mode");
  std::string transform = ctx.getString("coordinate_transformation_mode");
  std::string rounding = ctx.getString("nearest_mode");
  auto resizeMode = qnn::symbolizeResizeMode(mode);
  auto coordinateTransform = qnn::symbolizeCoordinateTransform(transform);
  auto nearestRounding = qnn::symbolizeNearestRounding(rounding);
  if (!resizeMode)
    return ctx.emitError() << "mode '" << mode << "' is not supported";
  if (!coordinateTransform)
    return ctx.emitError() << "coordinate_transformation_mode '" << transform
                           << "' is not supported";
  if (!nearestRounding)
    return ctx.emitError() << "nearest_mode '" << rounding
                           << "' is not supported";
  if ((ctx.hasAttribute("antialias") && ctx.getInt("antialias") != 0) ||
      (ctx.hasAttribute("axes") && !ctx.getInts("axes").empty()) ||
      (ctx.hasAttribute("keep_aspect_ratio_policy") &&
       ctx.getString("keep_aspect_ratio_policy") != "stretch"))
    return ctx.emitError() << "antialias, axes and keep_aspect_ratio_policy "
                              "are not supported";

  // Input 2 is scales, input 3 sizes; exactly one is given.
  Builder &b = ctx.getBuilder();
  qnn::Shape shape;
  DenseF32ArrayAttr scalesAttr;
  DenseElementsAttr scales = ctx.getConstantInput(2);
  if (ctx.hasInput(2) && !ctx.hasInput(3) && scales &&
      scales.getNumElements() != 0) {
    if (!isa<FloatType>(scales.getElementType()) ||
        scales.getNumElements() != rank)
      return ctx.emitError() << "scales must hold " << rank << " floats";
    SmallVector<float> values;
    for (const APFloat &v : scales.getValues<APFloat>())
      values.push_back(v.convertToFloat());
    for (auto [d, scale] : llvm::enumerate(values)) {
      if (!(scale > 0.0f))
        return ctx.emitError() << "scale " << scale << " is not positive";
      int64_t in = type.getDimSize(d);
      shape.push_back(ShapedType::isDynamic(in)
                          ? in
                          : int64_t(std::floor(double(in) * scale)));
    }
    scalesAttr = b.getDenseF32ArrayAttr(values);
  } else if (ctx.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> sizes = ctx.getConstantInts(3, "sizes");
    if (failed(sizes))
      return failure();
    if (int64_t(sizes->size()) != rank)
      return ctx.emitError() << "sizes must hold " << rank << " values";
    shape.assign(sizes->begin(), sizes->end());
  } else {
    return ctx.emitError() << "needs constant scales or sizes";
  }
  ctx.setOutput(
      0, ctx.create<qnn::ResizeOp>(
             type.clone(shape), ctx.getInput(0), scalesAttr,
             qnn::ResizeModeAttr::get(ctx.getContext(), *resizeMode),
             qnn::CoordinateTransformAttr::get(ctx.getContext(),
                                               *coordinateTransform),
             qnn::NearestRoundingAttr::get(ctx.getContext(), *nearestRounding),
             b.getF32FloatAttr(ctx.getFloat("cubic_coeff_a")),
             b.getBoolAttr(ctx.getInt("exclude_outside") != 0)));
  return success();
}
