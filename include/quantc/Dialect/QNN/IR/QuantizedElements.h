//===- QuantizedElements.h - Quantize and dequantize constants --*- C++ -*-===//
//
// Applies the scalar rules of quantc/Support/QuantParams.h to whole constant
// tensors of any upstream uniform quantized type: per tensor, per axis and
// sub-channel. The qnn folders use these to turn quantize(constant) into a
// quantized constant at compile time.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QUANTIZEDELEMENTS_H
#define QUANTC_DIALECT_QNN_IR_QUANTIZEDELEMENTS_H

#include "quantc/Support/QuantParams.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace quantc::qnn {

/// The scale and zero point of every element of a statically shaped tensor
/// whose element is a uniform quantized type with f32 expressed type.
class ElementQuantParams {
public:
  /// Fails for dynamic shapes, non-uniform or non-f32 quantized types.
  static llvm::FailureOr<ElementQuantParams> get(mlir::RankedTensorType type);

  /// The parameters of the element at row-major position `index`.
  QuantParams at(int64_t index) const;

  StorageRange getStorageRange() const { return range; }

  /// Per tensor dimension, how many consecutive elements share a parameter.
  llvm::ArrayRef<int64_t> getBlockSizes() const { return blockSizes; }
  /// The shape of the parameter tensor: the tensor's shape over the block
  /// sizes.
  llvm::ArrayRef<int64_t> getParamShape() const { return paramShape; }
  /// The scales and zero points, row-major over the parameter tensor.
  llvm::ArrayRef<float> getScales() const { return scales; }
  llvm::ArrayRef<int64_t> getZeroPoints() const { return zeroPoints; }

private:
  StorageRange range{0, 0};
  llvm::SmallVector<float> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  /// Per tensor dimension: the row-major stride of the data, the block size
  /// that shares one parameter, and the stride in the parameter tensor.
  llvm::SmallVector<int64_t> dataStrides, blockSizes, paramStrides;
  llvm::SmallVector<int64_t> dims, paramShape;
};

/// Quantizes float `values` to `quantizedType`; the result holds the stored
/// integers in the storage type.
llvm::FailureOr<mlir::DenseElementsAttr>
quantizeElements(mlir::DenseElementsAttr values,
                 mlir::RankedTensorType quantizedType);

/// Dequantizes the stored integers `stored` of a `quantizedType` tensor to
/// f32.
llvm::FailureOr<mlir::DenseElementsAttr>
dequantizeElements(mlir::ElementsAttr stored,
                   mlir::RankedTensorType quantizedType);

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_IR_QUANTIZEDELEMENTS_H
