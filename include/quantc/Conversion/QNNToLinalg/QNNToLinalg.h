//===- QNNToLinalg.h - Lower float qnn ops to linalg ------------*- C++ -*-===//
//
// The patterns of the convert-qnn-to-linalg pass, for use in other
// pipelines, and the helpers the pattern files share.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace quantc {

/// Adds the patterns that lower each kind of float qnn op.
void populateQNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

namespace qnn_to_linalg {

// One function per pattern file.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateLinearPatterns(mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
void populateResizePatterns(mlir::RewritePatternSet &patterns);
void populateShapePatterns(mlir::RewritePatternSet &patterns);

/// Builds arithmetic on scalars of one element type: float ops for float
/// types, signed or unsigned integer ops for integer types.
class ScalarBuilder {
public:
  ScalarBuilder(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type)
      : b(b), loc(loc), type(type) {}

  bool isFloat() const { return llvm::isa<mlir::FloatType>(type); }
  bool isUnsigned() const { return type.isUnsignedInteger(); }
  mlir::Value constant(double value);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value max(mlir::Value x, mlir::Value y);
  mlir::Value min(mlir::Value x, mlir::Value y);
  /// max(0, min(1, x)).
  mlir::Value clampUnit(mlir::Value x);

  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Type type;
};

/// The sizes of `type`'s dynamic dimensions, read from `value` (of the same
/// rank) with tensor.dim.
llvm::SmallVector<mlir::Value>
getDynamicSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// A tensor.empty of `type`, with dynamic sizes `dynamicSizes`.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynamicSizes);

/// A scalar constant of element type `type` with value `value`.
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);

/// Builds a linalg.generic computing `body` elementwise over `inputs`,
/// numpy-broadcast to `resultType`. `body` receives one scalar per input.
/// The result's dynamic sizes are `dynamicSizes` if given, else read from
/// inputs that have those dimensions unbroadcast.
mlir::Value createElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange inputs,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body,
    std::optional<mlir::ValueRange> dynamicSizes = std::nullopt);

/// Builds a linalg.generic with no inputs that fills a tensor of `type`
/// element by element with `body`, given the element's coordinates as
/// indices (for gathers, index maps and interpolation).
mlir::Value createFromCoordinates(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
    mlir::ValueRange dynamicSizes,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// Reduces `input` over the sorted `axes` with `kind` into `resultType`,
/// which keeps the reduced dimensions as size 1 or drops them.
mlir::Value createReduction(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value input, llvm::ArrayRef<int64_t> axes,
                            qnn::ReduceKind kind,
                            mlir::RankedTensorType resultType);

} // namespace qnn_to_linalg
} // namespace quantc

#endif // QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
