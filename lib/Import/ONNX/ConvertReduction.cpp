//===- ConvertReduction.cpp - ONNX reductions and pooling to qnn ---------===//
//
// The Reduce* family (axes as an attribute before opset 13 for ReduceSum and
// 18 for the rest, as an input after) and the windowed and global pools.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::onnx_import;

LogicalResult onnx_import::convertReduce(NodeContext &ctx) {
  static const llvm::StringMap<qnn::ReduceKind> kinds = {
      {"ReduceSum", qnn::ReduceKind::Sum},
      {"ReduceMean", qnn::ReduceKind::Mean},
      {"ReduceMax", qnn::ReduceKind::Max},
      {"ReduceMin", qnn::ReduceKind::Min},
      {"ReduceProd", qnn::ReduceKind::Prod},
      {"ReduceSumSquare", qnn::ReduceKind::SumSquare},
      {"ReduceL1", qnn::ReduceKind::L1},
      {"ReduceL2", qnn::ReduceKind::L2}};
  qnn::ReduceKind kind = kinds.lookup(ctx.getNode().op_type());
  Value input = ctx.getInput(0);
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();

  SmallVector<int64_t> axes;
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> given = ctx.getConstantInts(1, "axes");
    if (failed(given))
      return failure();
    axes = *given;
  } else if (ctx.hasAttribute("axes")) {
    axes = ctx.getInts("axes");
  }
  if (axes.empty()) {
    if (ctx.hasAttribute("noop_with_empty_axes") &&
        ctx.getInt("noop_with_empty_axes") != 0) {
      ctx.setOutput(0, input);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = ctx.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return ctx.emitError() << "axes repeat an axis";

  bool keepdims = ctx.getInt("keepdims") != 0;
  qnn::Shape shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
    else if (keepdims)
      shape.push_back(1);
  }
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0, ctx.create<qnn::ReduceOp>(
                       type.clone(shape),
                       qnn::ReduceKindAttr::get(ctx.getContext(), kind), input,
                       b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keepdims)));
  return success();
}

/// The pieces of a windowed pool: kernel, strides, dilations, pads, ceil
/// mode and the output shape.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
  bool ceilMode;
  qnn::Shape shape;
};

static FailureOr<Window> resolveWindow(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  if (type.getRank() < 3)
    return ctx.emitError() << "input must have rank 3 or more";
  size_t spatial = type.getRank() - 2;
  Window w;
  w.kernel = ctx.getInts("kernel_shape");
  w.strides = getIntsOr(ctx, "strides", spatial, 1);
  w.dilations = getIntsOr(ctx, "dilations", spatial, 1);
  if (w.kernel.size() != spatial || w.strides.size() != spatial ||
      w.dilations.size() != spatial)
    return ctx.emitError() << "kernel_shape, strides and dilations need "
                           << spatial << " entries each";
  FailureOr<SmallVector<int64_t>> pads = resolvePads(
      ctx, type.getShape().drop_front(2), w.kernel, w.strides, w.dilations);
  if (failed(pads))
    return failure();
  w.pads = *pads;
  w.ceilMode = ctx.hasAttribute("ceil_mode") && ctx.getInt("ceil_mode");
  w.shape = {type.getDimSize(0), type.getDimSize(1)};
  for (size_t i = 0; i < spatial; ++i)
    w.shape.push_back(qnn::getWindowedOutputSize(
        type.getDimSize(i + 2), w.kernel[i], w.strides[i], w.dilations[i],
        w.pads[i], w.pads[i + spatial], w.ceilMode));
  return w;
}

LogicalResult onnx_import::convertMaxPool(NodeContext &ctx) {
  if (ctx.getNumOutputs() > 1 && !ctx.getNode().output(1).empty())
    return ctx.emitError() << "the Indices output is not supported";
  if (ctx.getInt("storage_order") != 0)
    return ctx.emitError() << "storage_order = 1 is not supported";
  FailureOr<Window> w = resolveWindow(ctx);
  if (failed(w))
    return failure();
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0,
                ctx.create<qnn::MaxPoolOp>(
                    ctx.getInputType(0).clone(w->shape), ctx.getInput(0),
                    b.getDenseI64ArrayAttr(w->kernel),
                    b.getDenseI64ArrayAttr(w->strides),
                    b.getDenseI64ArrayAttr(w->pads), b.getBoolAttr(w->ceilMode),
                    b.getDenseI64ArrayAttr(w->dilations)));
  return success();
}

LogicalResult onnx_import::convertAveragePool(NodeContext &ctx) {
  FailureOr<Window> w = resolveWindow(ctx);
  if (failed(w))
    return failure();
  if (llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    return ctx.emitError() << "dilated average pooling is not supported";
  Builder &b = ctx.getBuilder();
  ctx.setOutput(0,
                ctx.create<qnn::AvgPoolOp>(
                    ctx.getInputType(0).clone(w->shape), ctx.getInput(0),
                    b.getDenseI64ArrayAttr(w->kernel),
                    b.getDenseI64ArrayAttr(w->strides),
                    b.getDenseI64ArrayAttr(w->pads), b.getBoolAttr(w->ceilMode),
                    b.getBoolAttr(ctx.getInt("count_include_pad") != 0)));
  return success();
}

template <typename OpTy> static LogicalResult convertGlobal(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  if (type.getRank() < 3)
    return ctx.emitError() << "input must have rank 3 or more";
  qnn::Shape shape(type.getRank(), 1);
  shape[0] = type.getDimSize(0);
  shape[1] = type.getDimSize(1);
  ctx.setOutput(0, ctx.create<OpTy>(type.clone(shape), ctx.getInput(0)));
  return success();
}

LogicalResult onnx_import::convertGlobalAveragePool(NodeContext &ctx) {
  return convertGlobal<qnn::GlobalAvgPoolOp>(ctx);
}

LogicalResult onnx_import::convertGlobalMaxPool(NodeContext &ctx) {
  return convertGlobal<qnn::GlobalMaxPoolOp>(ctx);
}
