//===- ShapeInference.h - Result shapes of qnn ops --------------*- C++ -*-===//
//
// Shape arithmetic shared by the op verifiers and by whoever builds qnn ops
// (the importer): broadcasting, windowed output sizes, matmul shapes.
// Dynamic dimensions are mlir::ShapedType::kDynamic and propagate.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_SHAPEINFERENCE_H
#define QUANTC_DIALECT_QNN_IR_SHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace quantc::qnn {

using Shape = llvm::SmallVector<int64_t, 6>;

/// True if two dimensions may be equal: either is dynamic, or both match.
bool areCompatibleDims(int64_t a, int64_t b);

/// True if the shapes have one rank and compatible dimensions.
bool areCompatibleShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// The numpy broadcast of two shapes, or failure if a pair of static
/// dimensions differs and neither is 1.
mlir::FailureOr<Shape> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                       llvm::ArrayRef<int64_t> b);

/// The size of a windowed output dimension (convolution or pooling):
/// `(in + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride + 1`,
/// rounded down, or up with `ceilMode` (ONNX drops a last window that would
/// start inside the end padding). Dynamic if `in` or `kernel` is dynamic.
int64_t getWindowedOutputSize(int64_t in, int64_t kernel, int64_t stride,
                              int64_t dilation, int64_t padBegin,
                              int64_t padEnd, bool ceilMode = false);

/// The size of a transposed convolution's output dimension:
/// `stride * (in - 1) + outputPadding + dilation * (kernel - 1) + 1 -
/// padBegin - padEnd`. Dynamic if `in` or `kernel` is dynamic.
int64_t getTransposedWindowSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, int64_t outputPadding);

/// The size of dimension `dim` sliced by ONNX `Slice` with `start`, `end`
/// and `step` (`step != 0`), after ONNX's clamping. Dynamic if `dim` is.
int64_t getSliceSize(int64_t dim, int64_t start, int64_t end, int64_t step);

/// The first index a slice reads after ONNX's clamping (see getSliceSize).
int64_t getSliceStart(int64_t dim, int64_t start, int64_t step);

/// The result shape of numpy `matmul(a, b)`, or failure with a reason.
mlir::FailureOr<Shape> inferMatMulShape(llvm::ArrayRef<int64_t> a,
                                        llvm::ArrayRef<int64_t> b,
                                        std::string &reason);

/// Formats a shape as `[2, ?, 4]`.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Checks that `actual` is compatible with `expected`, dimension by
/// dimension, and reports a mismatch on `op` naming `what`.
mlir::LogicalResult verifyCompatibleShape(mlir::Operation *op,
                                          llvm::StringRef what,
                                          llvm::ArrayRef<int64_t> actual,
                                          llvm::ArrayRef<int64_t> expected);

/// Checks `0 <= axis < rank` for the attribute `name` of `op`.
mlir::LogicalResult verifyAxis(mlir::Operation *op, int64_t axis, int64_t rank,
                               llvm::StringRef name = "axis");

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_IR_SHAPEINFERENCE_H
