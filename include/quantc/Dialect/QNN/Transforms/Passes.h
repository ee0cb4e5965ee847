//===- Passes.h - Passes on the qnn dialect ---------------------*- C++ -*-===//
//
// Declares and registers the passes of
// include/quantc/Dialect/QNN/Transforms/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace quantc {

#define GEN_PASS_DECL
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"

/// The float activations of `func` that calibration records, with their
/// keys, in program order: see qnn-instrument.
llvm::SmallVector<std::pair<mlir::OpResult, std::string>>
getActivationKeys(mlir::func::FuncOp func);

/// The ONNX node name in `loc` (its NameLoc, also inside a FusedLoc), or
/// an empty string.
std::string getNodeName(mlir::Location loc);

/// The name of the function attribute holding the number of results a
/// function had before qnn-instrument.
inline constexpr const char *kInstrumentedAttrName = "qnn.instrumented";

} // namespace quantc

#endif // QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H
