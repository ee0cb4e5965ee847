//===- TensorConversion.h - ONNX tensors and types as MLIR ------*- C++ -*-===//
//
// Maps ONNX data types to MLIR element types and ONNX TensorProtos, inline or
// in external data files, to dense attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_IMPORT_ONNX_TENSORCONVERSION_H
#define QUANTC_IMPORT_ONNX_TENSORCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include "onnx/onnx_pb.h"

namespace quantc::onnx_import {

/// The name of an ONNX TensorProto data type, such as "FLOAT".
llvm::StringRef getDataTypeName(int32_t dataType);

/// The element type of an ONNX data type: f32, f16, bf16, f64, i1, and
/// signless (signed ONNX types) or unsigned (unsigned ONNX types) integers.
mlir::FailureOr<mlir::Type> getElementType(int32_t dataType,
                                           mlir::MLIRContext *context);

/// Converts `tensor` to a dense attribute, reading external data relative to
/// `baseDir`. Errors are reported at `loc` and name the tensor. Shared by the
/// importer and by the tools that read tensors in ONNX's `.pb` format.
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensor(const onnx::TensorProto &tensor, llvm::StringRef baseDir,
              mlir::Location loc);

} // namespace quantc::onnx_import

#endif // QUANTC_IMPORT_ONNX_TENSORCONVERSION_H
