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

/// The calibrated range of `value`: `qnn.range` (`qnn.range_i` for result
/// i > 0) on its defining op, or the argument attribute `qnn.range`.
std::optional<std::pair<double, double>> getCalibratedRange(mlir::Value value);

/// Sets the calibrated range of `value`, where getCalibratedRange reads it.
void setCalibratedRange(mlir::Value value, double min, double max);

/// A float weight quantized symmetrically to narrow-range s8 ([-127, 127],
/// zero point 0), `scale = max|w| / 127` per output channel or per tensor.
struct QuantizedWeight {
  /// The weight's quantized tensor type (per axis or per tensor).
  mlir::RankedTensorType type;
  /// The stored integers (i8).
  mlir::DenseElementsAttr stored;
  /// One scale per channel, or one.
  llvm::SmallVector<double> scales;
};

/// Quantizes the constant f32 weight `values` of type `type` per channel
/// along `channelAxis` when given, else per tensor. Fails on a NaN or an
/// infinity.
mlir::FailureOr<QuantizedWeight>
quantizeWeight(mlir::DenseElementsAttr values, mlir::RankedTensorType type,
               std::optional<int64_t> channelAxis);

/// The name of the function attribute holding the number of results a
/// function had before qnn-instrument.
inline constexpr const char *kInstrumentedAttrName = "qnn.instrumented";

} // namespace quantc

#endif // QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H
