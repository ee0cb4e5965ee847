//===- Passes.h - Passes on the qnn dialect ---------------------*- C++ -*-===//
//
// Declares and registers the passes of
// include/quantc/Dialect/QNN/Transforms/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "quantc/Support/Precision.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace quantc {

#define GEN_PASS_DECL
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"

/// The float activations of `func` that calibration records, with their
/// keys, in program order: see qnn-instrument.
llvm::SmallVector<std::pair<mlir::OpResult, std::string>>
getActivationKeys(mlir::func::FuncOp func);

/// The calibration key of every float activation (as getActivationKeys)
/// and of every named model input ("input:NAME").
llvm::DenseMap<mlir::Value, std::string>
getCalibrationKeys(mlir::func::FuncOp func);

/// The calibration keys of the values that are the data input of a
/// contraction with a constant weight, with the axis along which the
/// contraction reduces them (Conv: 1; MatMul: the last; Gemm: 1, or 0 with
/// transA). Calibration records their per-channel statistics along that
/// axis. Model inputs are keyed "input:NAME".
llvm::StringMap<int64_t> getChannelStatAxes(mlir::func::FuncOp func);

/// The calibration keys of the activations that may hold infinities by
/// construction: results of ops with a constant float operand that holds
/// an infinity, as an attention mask applied with Where or Add has.
/// Calibration leaves their infinities out of their statistics; an
/// infinity anywhere else is an error.
llvm::StringSet<> getMaskedKeys(mlir::func::FuncOp func);

/// The ONNX node name in `loc` (its NameLoc, also inside a FusedLoc), or
/// an empty string.
std::string getNodeName(mlir::Location loc);

/// Every ONNX node name in `loc`, in order: one for an op imported from a
/// node, several for an op that folded others in (their locations fused,
/// the op whose key it keeps first).
void getNodeNames(mlir::Location loc,
                  llvm::SmallVectorImpl<std::string> &names);

/// The calibrated range of `value`: `qnn.range` (`qnn.range_i` for result
/// i > 0) on its defining op, or the argument attribute `qnn.range`.
std::optional<std::pair<double, double>> getCalibratedRange(mlir::Value value);

/// Sets the calibrated range of `value`, where getCalibratedRange reads it.
void setCalibratedRange(mlir::Value value, double min, double max);

/// The calibrated per-channel means of `value` along the axis its
/// contraction reduces (`qnn.channel_mean`, `qnn.channel_mean_i` for
/// result i > 0, or the argument attribute), which bias correction reads.
std::optional<llvm::SmallVector<double>> getChannelMeans(mlir::Value value);

/// Sets what getChannelMeans reads.
void setChannelMeans(mlir::Value value, llvm::ArrayRef<double> means);

/// The `qnn.conv` (if `withConv`), `qnn.matmul` and `qnn.gemm` ops of
/// `func` in program order, except those whose ONNX node name or op name
/// `keepFloat` lists and those whose precision (getPrecision) is fp32: the
/// contractions a quantization pass rewrites.
llvm::SmallVector<mlir::Operation *>
getContractionsToQuantize(mlir::func::FuncOp func,
                          llvm::ArrayRef<std::string> keepFloat,
                          bool withConv = true);

/// The name of the attribute that gives a contraction its precision.
inline constexpr llvm::StringLiteral kPrecisionAttr = "qnn.precision";

/// The precision a contraction is marked with (attribute `qnn.precision`,
/// set by qnn-mixed-precision and qnn-precision-switches; Support/
/// Precision.h): a quantization pass leaves a contraction marked fp32 in
/// float, gives one marked int8 or int4 weights of that many bits, and
/// applies its own options to an unmarked one (Default).
Precision getPrecision(mlir::Operation *op);

/// Marks `op` with `precision` (Default removes the mark).
void setPrecision(mlir::Operation *op, Precision precision);

/// The `qnn.conv` (if `withConv`), `qnn.matmul` and `qnn.gemm` ops of
/// `func` with an f32 input and a constant f32 weight, in program order:
/// those qnn-mixed-precision and qnn-precision-switches give precisions.
llvm::SmallVector<mlir::Operation *>
getWeightedContractions(mlir::func::FuncOp func, bool withConv = true);

/// The weight bits a quantization pass gives `op`: 8 or 4 as its mark
/// says, else `defaultBits`.
unsigned getWeightBits(mlir::Operation *op, unsigned defaultBits);

/// The ONNX op type of a `qnn.conv`, `qnn.gemm` or `qnn.matmul`: Conv, Gemm
/// or MatMul.
llvm::StringRef getContractionOpType(mlir::Operation *op);

/// The axes of a contraction's weight (operand 1): its output channels
/// (Conv: 0; MatMul: the last, for a weight of rank 2 or more; Gemm: 0
/// with trans_b, else 1) and its reduction (Conv: 1; MatMul: the one
/// before the last, or 0 for a vector; Gemm: 1 with trans_b, else 0).
struct WeightAxes {
  std::optional<int64_t> channel, reduction;
};
WeightAxes getWeightAxes(mlir::Operation *op);

/// How a float weight is quantized: symmetrically, to the narrow signed
/// range of `bits` bits ([-127, 127] for 8, [-7, 7] for 4; zero point 0),
/// with `scale = max|w| / qmax` over each block of elements that shares a
/// scale. Blocks are the whole tensor; or one slice per channel along
/// `channelAxis`; and, with `groupSize` > 0, further split into runs of
/// `groupSize` along `reductionAxis` (group-wise, a sub-channel type).
struct WeightQuantization {
  unsigned bits = 8;
  std::optional<int64_t> channelAxis;
  std::optional<int64_t> reductionAxis;
  int64_t groupSize = 0;
};

/// A float weight quantized as a WeightQuantization says.
struct QuantizedWeight {
  /// The weight's quantized tensor type (per tensor, per axis or
  /// sub-channel).
  mlir::RankedTensorType type;
  /// The stored integers (of `bits`-wide storage).
  mlir::DenseElementsAttr stored;
  /// The scales, row-major over the blocks: one per channel, or one.
  llvm::SmallVector<double> scales;
};

/// Quantizes the constant f32 weight `values` of type `type` as `how` says.
/// Fails on a NaN or an infinity, or when `groupSize` does not divide the
/// size of `reductionAxis`.
mlir::FailureOr<QuantizedWeight> quantizeWeight(mlir::DenseElementsAttr values,
                                                mlir::RankedTensorType type,
                                                const WeightQuantization &how);

/// Applies `patterns` greedily to `op` without folding, so that constants
/// stay the qnn.constant ops the patterns match (the graph simplification
/// passes).
mlir::LogicalResult
applyPatternsWithoutFolding(mlir::Operation *op,
                            mlir::RewritePatternSet &&patterns);

/// The rewrites of qnn-fold-qdq on `func`. With `integerOnly` (as
/// qnn-integer-only runs them) a quantize also moves up through a max pool
/// or a move of a dequantized value of another type, making a requantize,
/// and activations, adds, subs, muls and global average pools between
/// dequantizes and a quantize become quantized ops.
mlir::LogicalResult foldQDQ(mlir::func::FuncOp func, bool integerOnly);

/// The name of the function attribute holding the number of results a
/// function had before qnn-instrument.
inline constexpr const char *kInstrumentedAttrName = "qnn.instrumented";

} // namespace quantc

#endif // QUANTC_DIALECT_QNN_TRANSFORMS_PASSES_H
