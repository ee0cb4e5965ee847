//===- QNNTypes.h - Queries on qnn tensor element types ---------*- C++ -*-===//
//
// Helpers that read the upstream quantized types the way qnn uses them: the
// expressed type of an element, the fit of quantization parameters to a
// shape, and how a permutation moves quantized axes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNTYPES_H
#define QUANTC_DIALECT_QNN_IR_QNNTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

namespace quantc::qnn {

/// The type an element expresses: a quantized type's expressed type, and any
/// other type itself.
mlir::Type getExpressedType(mlir::Type elementType);

/// Checks that the quantization parameters of `type`'s element, if it is
/// per-axis or sub-channel quantized, fit `type`'s shape (rule T2).
mlir::LogicalResult verifyQuantizedTypeFitsShape(
    llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
    mlir::RankedTensorType type);

/// The element type of the transpose by `perm` of a tensor with element
/// `elementType`: per-axis parameters move with their axis. Fails for
/// sub-channel types, whose scale tensors would have to be transposed.
mlir::FailureOr<mlir::Type>
getTransposedElementType(mlir::Type elementType, llvm::ArrayRef<int64_t> perm);

} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_IR_QNNTYPES_H
