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

/// Maps the elements of a static shape to the blocks that share one
/// quantization parameter: `blockSizes[d]` consecutive elements along each
/// dimension `d`. The element at (i0, ..., in) lies in block
/// (i0 / b0, ..., in / bn) of the block shape `shape[d] / blockSizes[d]`.
class BlockIndexer {
public:
  BlockIndexer(llvm::ArrayRef<int64_t> shape,
               llvm::ArrayRef<int64_t> blockSizes);

  /// The row-major position in the block shape of the block holding the
  /// element at row-major position `index`.
  int64_t blockOf(int64_t index) const;

  llvm::ArrayRef<int64_t> getBlockSizes() const { return blockSizes; }
  llvm::ArrayRef<int64_t> getBlockShape() const { return blockShape; }
  int64_t getNumBlocks() const;

private:
  llvm::SmallVector<int64_t> dims, blockSizes, blockShape;
  /// Per dimension, the row-major stride of the elements and of the blocks.
  llvm::SmallVector<int64_t> dataStrides, blockStrides;
};

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
  llvm::ArrayRef<int64_t> getBlockSizes() const {
    return blocks.getBlockSizes();
  }
  /// The shape of the parameter tensor: the tensor's shape over the block
  /// sizes.
  llvm::ArrayRef<int64_t> getParamShape() const {
    return blocks.getBlockShape();
  }
  /// The scales and zero points, row-major over the parameter tensor.
  llvm::ArrayRef<float> getScales() const { return scales; }
  llvm::ArrayRef<int64_t> getZeroPoints() const { return zeroPoints; }

private:
  ElementQuantParams(StorageRange range, BlockIndexer blocks)
      : range(range), blocks(std::move(blocks)) {}

  StorageRange range;
  BlockIndexer blocks;
  llvm::SmallVector<float> scales;
  llvm::SmallVector<int64_t> zeroPoints;
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
