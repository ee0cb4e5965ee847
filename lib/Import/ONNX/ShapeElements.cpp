//===- ShapeElements.cpp - Sizes through the ops that compute shapes -----===//
//
// Models often compute a Reshape's target from Shape: Shape, then Slice,
// Gather, Concat with constants, Casts, Squeeze and Unsqueeze. The importer
// emits those ops (they run on small integer tensors), and records here,
// for each of their results, what every element is: a constant or a size
// of some tensor's dimension. convertReshape reads that record to type its
// result; the runtime chain then often has no user left and is swept away.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "GraphImporter.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace quantc::onnx_import;

/// Python-style selection of `elements[start:end:step]` with ONNX's
/// clamping of out-of-range bounds.
static ShapeElements sliceElements(const ShapeElements &elements, int64_t start,
                                   int64_t end, int64_t step) {
  int64_t size = elements.size();
  auto clampBound = [&](int64_t v, int64_t low, int64_t high) {
    if (v < 0)
      v += size;
    return std::clamp(v, low, high);
  };
  ShapeElements result;
  if (step > 0) {
    for (int64_t i = clampBound(start, 0, size), e = clampBound(end, 0, size);
         i < e; i += step)
      result.push_back(elements[i]);
  } else {
    for (int64_t i = clampBound(start, 0, size - 1),
                 e = clampBound(end, -1, size - 1);
         i > e; i += step)
      result.push_back(elements[i]);
  }
  return result;
}

void quantc::onnx_import::propagateShapeElements(NodeContext &ctx) {
  const onnx::NodeProto &node = ctx.getNode();
  StringRef op = node.op_type();
  Value output = ctx.getOutput(0);
  if (!output)
    return;
  auto outputType = dyn_cast<RankedTensorType>(output.getType());
  if (!outputType || !isa<IntegerType>(outputType.getElementType()) ||
      outputType.getRank() > 1)
    return;

  if (op == "Shape") {
    RankedTensorType type = ctx.getInputType(0);
    int64_t rank = type.getRank();
    auto clampIndex = [&](int64_t i) {
      return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
    };
    int64_t start =
        clampIndex(ctx.hasAttribute("start") ? ctx.getInt("start") : 0);
    int64_t end =
        ctx.hasAttribute("end") ? clampIndex(ctx.getInt("end")) : rank;
    ShapeElements elements;
    for (int64_t d = start; d < end; ++d)
      elements.push_back(type.isDynamicDim(d)
                             ? ShapeElement{0, ctx.getInput(0), d}
                             : ShapeElement{type.getDimSize(d), Value(), 0});
    ctx.setShapeElements(0, std::move(elements));
    return;
  }

  if (op == "Identity" || op == "Cast" || op == "Squeeze" ||
      op == "Unsqueeze") {
    std::optional<ShapeElements> elements = ctx.getShapeElements(0);
    if (elements && int64_t(elements->size()) == outputType.getNumElements())
      ctx.setShapeElements(0, std::move(*elements));
    return;
  }

  if (op == "Concat") {
    ShapeElements elements;
    for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
      std::optional<ShapeElements> part = ctx.getShapeElements(i);
      if (!part || ctx.getInputType(i).getRank() != 1)
        return;
      elements.append(part->begin(), part->end());
    }
    ctx.setShapeElements(0, std::move(elements));
    return;
  }

  if (op == "Gather") {
    std::optional<ShapeElements> data = ctx.getShapeElements(0);
    DenseElementsAttr indices = ctx.getConstantInput(1);
    if (!data || !indices || ctx.getInputType(0).getRank() != 1)
      return;
    ShapeElements elements;
    int64_t size = data->size();
    for (const APInt &index : indices.getValues<APInt>()) {
      int64_t i = index.getSExtValue();
      if (i < 0)
        i += size;
      if (i < 0 || i >= size)
        return;
      elements.push_back((*data)[i]);
    }
    ctx.setShapeElements(0, std::move(elements));
    return;
  }

  if (op == "Slice") {
    std::optional<ShapeElements> data = ctx.getShapeElements(0);
    if (!data || ctx.getInputType(0).getRank() != 1)
      return;
    SmallVector<int64_t> starts, ends, steps = {1};
    if (ctx.getOpset() < 10) {
      starts = ctx.getInts("starts");
      ends = ctx.getInts("ends");
    } else {
      auto read = [&](unsigned i, SmallVector<int64_t> &into) {
        DenseElementsAttr value = ctx.getConstantInput(i);
        if (!value)
          return false;
        into.clear();
        for (const APInt &v : value.getValues<APInt>())
          into.push_back(v.getSExtValue());
        return true;
      };
      SmallVector<int64_t> axes = {0};
      if (!read(1, starts) || !read(2, ends) ||
          (ctx.hasInput(3) && !read(3, axes)) ||
          (ctx.hasInput(4) && !read(4, steps)))
        return;
      if (axes.size() != 1 || (axes[0] != 0 && axes[0] != -1))
        return;
    }
    if (starts.size() != 1 || ends.size() != 1 || steps.size() != 1 ||
        steps[0] == 0)
      return;
    ctx.setShapeElements(0, sliceElements(*data, starts[0], ends[0], steps[0]));
    return;
  }
}
