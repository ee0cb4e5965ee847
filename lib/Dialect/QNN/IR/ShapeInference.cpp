//===- ShapeInference.cpp - Result shapes of qnn ops ---------------------===//
//
// Shape arithmetic with dynamic dimensions, shared by verifiers and
// builders of qnn ops.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/ShapeInference.h"

#include "mlir/IR/Operation.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace quantc;
using namespace quantc::qnn;

bool qnn::areCompatibleDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

bool qnn::areCompatibleShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (!areCompatibleDims(x, y))
      return false;
  return true;
}

FailureOr<Shape> qnn::broadcastShapes(ArrayRef<int64_t> a,
                                      ArrayRef<int64_t> b) {
  if (a.size() < b.size())
    std::swap(a, b);
  Shape result(a.begin(), a.end());
  size_t offset = a.size() - b.size();
  for (size_t i = 0; i < b.size(); ++i) {
    int64_t x = a[offset + i], y = b[i];
    if (x == 1) {
      result[offset + i] = y;
    } else if (y == 1 || x == y) {
      result[offset + i] = x;
    } else if (ShapedType::isDynamic(x)) {
      // A dynamic size broadcast against a static one is that size (or the
      // program is wrong at run time).
      result[offset + i] = y;
    } else if (!ShapedType::isDynamic(y)) {
      return failure();
    }
  }
  return result;
}

int64_t qnn::getWindowedOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                   int64_t dilation, int64_t padBegin,
                                   int64_t padEnd, bool ceilMode) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  int64_t span = in + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  int64_t out = span / stride + 1;
  if (ceilMode && span % stride != 0) {
    // The extra window must start inside the input or the begin padding.
    if (out * stride < in + padBegin)
      ++out;
  }
  return out;
}

int64_t qnn::getTransposedWindowSize(int64_t in, int64_t kernel, int64_t stride,
                                     int64_t dilation, int64_t padBegin,
                                     int64_t padEnd, int64_t outputPadding) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  return stride * (in - 1) + outputPadding + dilation * (kernel - 1) + 1 -
         padBegin - padEnd;
}

int64_t qnn::getSliceStart(int64_t dim, int64_t start, int64_t step) {
  if (start < 0)
    start += dim;
  return step > 0 ? std::clamp<int64_t>(start, 0, dim)
                  : std::clamp<int64_t>(start, 0, dim - 1);
}

int64_t qnn::getSliceSize(int64_t dim, int64_t start, int64_t end,
                          int64_t step) {
  if (ShapedType::isDynamic(dim))
    return ShapedType::kDynamic;
  start = getSliceStart(dim, start, step);
  if (end < 0)
    end += dim;
  if (step > 0) {
    end = std::clamp<int64_t>(end, 0, dim);
    return end > start ? (end - start + step - 1) / step : 0;
  }
  end = std::clamp<int64_t>(end, -1, dim - 1);
  return start > end ? (start - end - step - 1) / -step : 0;
}

FailureOr<Shape> qnn::inferMatMulShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                                       std::string &reason) {
  if (a.empty() || b.empty()) {
    reason = "operands must have rank 1 or more";
    return failure();
  }
  Shape lhs(a.begin(), a.end()), rhs(b.begin(), b.end());
  bool lhsVector = lhs.size() == 1, rhsVector = rhs.size() == 1;
  if (lhsVector)
    lhs.insert(lhs.begin(), 1);
  if (rhsVector)
    rhs.push_back(1);
  int64_t k1 = lhs.back(), k2 = rhs[rhs.size() - 2];
  if (!areCompatibleDims(k1, k2)) {
    reason = "contracting dimensions " + std::to_string(k1) + " and " +
             std::to_string(k2) + " differ";
    return failure();
  }
  FailureOr<Shape> batch = broadcastShapes(ArrayRef<int64_t>(lhs).drop_back(2),
                                           ArrayRef<int64_t>(rhs).drop_back(2));
  if (failed(batch)) {
    reason = "batch dimensions " +
             formatShape(ArrayRef<int64_t>(lhs).drop_back(2)) + " and " +
             formatShape(ArrayRef<int64_t>(rhs).drop_back(2)) +
             " do not broadcast";
    return failure();
  }
  Shape result = *batch;
  if (!lhsVector)
    result.push_back(lhs[lhs.size() - 2]);
  if (!rhsVector)
    result.push_back(rhs.back());
  return result;
}

std::string qnn::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << '?';
    else
      os << dim;
  });
  os << ']';
  return text;
}

LogicalResult qnn::verifyCompatibleShape(Operation *op, StringRef what,
                                         ArrayRef<int64_t> actual,
                                         ArrayRef<int64_t> expected) {
  if (areCompatibleShapes(actual, expected))
    return success();
  return op->emitOpError() << what << " shape " << formatShape(actual)
                           << " does not match the expected "
                           << formatShape(expected);
}

LogicalResult qnn::verifyAxis(Operation *op, int64_t axis, int64_t rank,
                              StringRef name) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError()
           << name << " " << axis << " is out of range for rank " << rank;
  return success();
}
