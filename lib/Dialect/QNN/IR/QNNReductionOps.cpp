//===- QNNReductionOps.cpp - Reductions and pooling ----------------------===//
//
// Verifiers of qnn.reduce and the windowed and global pooling ops.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/IR/ShapeInference.h"

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

LogicalResult ReduceOp::verify() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  ArrayRef<int64_t> axes = getAxes();
  // reduce-C1
  if (axes.empty())
    return emitOpError("axes must not be empty");
  for (size_t i = 0; i < axes.size(); ++i) {
    if (failed(verifyAxis(*this, axes[i], shape.size(), "reduced axis")))
      return failure();
    if (i > 0 && axes[i] <= axes[i - 1])
      return emitOpError("axes must be strictly increasing");
  }
  // reduce-C2
  Shape expected;
  for (auto [dim, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, int64_t(dim)))
      expected.push_back(size);
    else if (getKeepdims())
      expected.push_back(1);
  }
  return verifyCompatibleShape(*this, "result", getType().getShape(), expected);
}

/// Checks pool-C1 to pool-C4 for a windowed pooling op; `dilations` is empty
/// for average pooling, whose windows are dense.
static LogicalResult
verifyWindowPool(Operation *op, RankedTensorType input, RankedTensorType result,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                 bool ceilMode) {
  int64_t rank = input.getRank();
  // pool-C1
  if (rank < 3)
    return op->emitOpError("input must have rank 3 or more, got ") << rank;
  // pool-C2
  size_t spatial = rank - 2;
  if (kernel.size() != spatial || strides.size() != spatial ||
      (!dilations.empty() && dilations.size() != spatial))
    return op->emitOpError("kernel, strides and dilations need ")
           << spatial << " entries each";
  if (pads.size() != 2 * spatial)
    return op->emitOpError("pads need ")
           << 2 * spatial << " entries, got " << pads.size();

  // pool-C3
  auto positive = [](int64_t v) { return v >= 1; };
  if (!llvm::all_of(kernel, positive) || !llvm::all_of(strides, positive) ||
      !llvm::all_of(dilations, positive))
    return op->emitOpError(
        "kernel sizes, strides and dilations must be positive");
  for (size_t i = 0; i < 2 * spatial; ++i)
    if (pads[i] < 0 || pads[i] >= kernel[i % spatial])
      return op->emitOpError("pad ")
             << pads[i] << " must be non-negative and smaller than kernel "
             << kernel[i % spatial];

  // pool-C4
  Shape expected = {input.getDimSize(0), input.getDimSize(1)};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t size =
        getWindowedOutputSize(input.getDimSize(i + 2), kernel[i], strides[i],
                              dilations.empty() ? 1 : dilations[i], pads[i],
                              pads[i + spatial], ceilMode);
    if (size == 0)
      return op->emitOpError("spatial dimension ")
             << i << " has an empty output: the window is larger than the "
             << "padded input";
    expected.push_back(size);
  }
  return verifyCompatibleShape(op, "result", result.getShape(), expected);
}

LogicalResult MaxPoolOp::verify() {
  return verifyWindowPool(*this, getInput().getType(), getType(), getKernel(),
                          getStrides(), getPads(), getDilations(),
                          getCeilMode());
}

LogicalResult AvgPoolOp::verify() {
  return verifyWindowPool(*this, getInput().getType(), getType(), getKernel(),
                          getStrides(), getPads(), /*dilations=*/{},
                          getCeilMode());
}

/// Checks global_pool-C1 and global_pool-C2.
static LogicalResult verifyGlobalPool(Operation *op, RankedTensorType input,
                                      RankedTensorType result) {
  // global_pool-C1
  if (input.getRank() < 3)
    return op->emitOpError("input must have rank 3 or more, got ")
           << input.getRank();
  // global_pool-C2
  Shape expected(input.getRank(), 1);
  expected[0] = input.getDimSize(0);
  expected[1] = input.getDimSize(1);
  return verifyCompatibleShape(op, "result", result.getShape(), expected);
}

LogicalResult GlobalMaxPoolOp::verify() {
  return verifyGlobalPool(*this, getInput().getType(), getType());
}

LogicalResult GlobalAvgPoolOp::verify() {
  return verifyGlobalPool(*this, getInput().getType(), getType());
}
