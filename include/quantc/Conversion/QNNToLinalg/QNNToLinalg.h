//===- QNNToLinalg.h - Lower float qnn ops to linalg ------------*- C++ -*-===//
//
// The patterns of the convert-qnn-to-linalg pass, for use in other
// pipelines, and the helpers the pattern files share.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <array>
#include <optional>
#include <string>

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

/// Maps a tensor of a quantized type to the tensor of its stored integers
/// (the signless storage type), and a tensor of signed or unsigned integers
/// to signless ones of the same width; other types stay.
void populateQuantizedTypeConversion(mlir::TypeConverter &converter);

/// The patterns that lower ops on quantized tensors (Quantized.cpp), and
/// the function signature and return conversions to stored integers.
void populateQuantizedPatterns(const mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);

/// Whether convert-qnn-to-linalg lowers `op` as it is: an op without
/// quantized operands or results, or one of the quantized ops the patterns
/// of Quantized.cpp handle. On failure, `reason` says why not.
mlir::LogicalResult checkQuantizedLowering(mlir::Operation *op,
                                           std::string &reason);

/// The patterns that lower ops on plain integers with quantization
/// parameters known at run time, and ops on signed or unsigned integer
/// tensors (IntegerQuant.cpp), which run on signless integers.
void populateIntegerQuantPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

/// Whether convert-qnn-to-linalg lowers `op`'s signed or unsigned integer
/// operands and results (the ops of IntegerQuant.cpp, casts, constants,
/// integer arithmetic and element moves); success for an op without them.
/// On failure, `reason` says why not.
mlir::LogicalResult checkSignedOrUnsignedLowering(mlir::Operation *op,
                                                  std::string &reason);

/// Extends (or truncates) the integer `q` to the integer `type`, with sign
/// or zero extension.
mlir::Value extendStored(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                         mlir::Type type, bool isSigned);

/// `clamp(r + zp)` of a rounded float `r` to [qmin, qmax], NaN to zp (a
/// float of `r`'s type), converted to the signless integer type `storage`.
mlir::Value storeRounded(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value rounded, mlir::Value zp, int64_t qmin,
                         int64_t qmax, mlir::Type storage);

//===----------------------------------------------------------------------===//
// Quantized tensors (Quantized.cpp, QuantizedElementwise.cpp)
//===----------------------------------------------------------------------===//

/// The scales and zero points of a per-tensor or per-axis quantized type.
struct AxisParams {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  /// The quantized dimension, for a per-axis type.
  std::optional<int64_t> axis;
  int64_t qmin = 0, qmax = 0;
  bool isSigned = true;
  unsigned width = 8;
  mlir::Type expressed;

  bool isPerTensor() const { return !axis; }
  /// Whether every zero point is `value`.
  bool allZeroPointsAre(int64_t value) const {
    return llvm::all_of(zeroPoints, [&](int64_t z) { return z == value; });
  }
  /// The scale of channel `c` (the only scale if per tensor).
  double scale(int64_t c) const { return scales[axis ? c : 0]; }
  int64_t zeroPoint(int64_t c) const { return zeroPoints[axis ? c : 0]; }
};

/// The parameters of a per-tensor or per-axis quantized (tensor) type;
/// fails for other types.
llvm::FailureOr<AxisParams> getAxisParams(mlir::Type type);

/// A parameter that varies along at most one axis of a linalg.generic's
/// result: a constant in the body, or a constant tensor of shape
/// [1, ..., C, ..., 1] broadcast over the other dimensions.
class AxisConstant {
public:
  AxisConstant(mlir::Type type, llvm::ArrayRef<double> values,
               std::optional<int64_t> axis, int64_t rank);

  /// Appends the constant tensor to `inputs` when there is one.
  void addInput(mlir::OpBuilder &b, mlir::Location loc,
                llvm::SmallVectorImpl<mlir::Value> &inputs);

  /// The parameter inside the body, whose block arguments are `args`.
  mlir::Value get(mlir::OpBuilder &b, mlir::Location loc,
                  mlir::ValueRange args) const;

private:
  mlir::Type type;
  llvm::SmallVector<double> values;
  std::optional<int64_t> axis;
  int64_t rank;
  int64_t inputIndex = -1;
};

/// Whether qnn-integer-only asked for a fixed-point rescale of `op`.
bool isFixedPoint(mlir::Operation *op);

/// The reason a pattern gives when a multiplier has no fixed-point form.
extern const char *const kNoFixedPoint;

/// The i64 constant `v`.
mlir::Value createI64(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// round_half_even(x * multiplier / 2^shift) of i64 values
/// (docs/numerics.md, "Fixed-point requantization").
mlir::Value createFixedPointRescale(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value x, mlir::Value multiplier,
                                    mlir::Value shift);

/// The i64 `q` plus the zero point, clamped to [qmin, qmax], as `storage`.
mlir::Value storeInteger(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                         int64_t zp, int64_t qmin, int64_t qmax,
                         mlir::Type storage);

/// Why the quantized elementwise op, global average pool or unary op `op`
/// (QuantizedElementwise.cpp) cannot lower, or success; failure with an
/// empty `reason` if `op` is none of those.
mlir::LogicalResult checkQuantizedElementwise(mlir::Operation *op,
                                              std::string &reason);

/// The patterns of QuantizedElementwise.cpp.
void populateQuantizedElementwisePatterns(const mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);

/// Builds arithmetic on scalars of one element type: float ops for float
/// types, signed or unsigned integer ops for integer types. Values are
/// signless integers; `isUnsignedInteger` makes them unsigned.
class ScalarBuilder {
public:
  ScalarBuilder(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                bool isUnsignedInteger = false)
      : b(b), loc(loc), type(type), unsignedInteger(isUnsignedInteger) {}

  bool isFloat() const { return llvm::isa<mlir::FloatType>(type); }
  bool isUnsigned() const { return unsignedInteger; }
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
  bool unsignedInteger;
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

/// A pooling window reduction of the NC[spatial] tensor `input` (padded so
/// that every window lies inside) into `init`: loops n, c, o_1..o_s
/// (parallel) and k_1..k_s (reduction), the input read at o_i * strides[i]
/// + k_i * dilations[i], each element folded in as `combine(acc, x)`.
mlir::Value createWindowReduction(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value input, mlir::Value init,
    llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
    llvm::ArrayRef<int64_t> dilations,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::Value acc, mlir::Value x)>
        combine);

/// How a contraction's body reads its two operands. Float operands multiply
/// as they are. Integer operands (the stored integers of quantized tensors)
/// are first extended to the accumulator's type, with zero extension if
/// `isUnsigned`, and shifted by their zero points.
struct ContractionOperands {
  std::array<int64_t, 2> zeroPoints = {0, 0};
  std::array<bool, 2> isUnsigned = {false, false};
};

/// `lhs x rhs` as qnn.matmul defines it, accumulated in `resultType`'s
/// element type. With `rhsTransposed`, `rhs` holds the right operand with
/// its last two dimensions swapped (columns by rows), and is read so.
mlir::Value createMatMul(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value lhs, mlir::Value rhs,
                         mlir::RankedTensorType resultType,
                         const ContractionOperands &operands = {},
                         bool rhsTransposed = false);

/// `op(A) x op(B)` of qnn.gemm, without alpha, beta and C.
mlir::Value createGemmProduct(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value a, mlir::Value bMatrix, bool transA,
                              bool transB, mlir::RankedTensorType resultType,
                              const ContractionOperands &operands = {});

/// The dynamic sizes of a gemm's result.
llvm::SmallVector<mlir::Value> getGemmSizes(mlir::OpBuilder &b,
                                            mlir::Location loc, mlir::Value a,
                                            mlir::Value bMatrix, bool transA,
                                            bool transB,
                                            mlir::RankedTensorType resultType);

/// The attributes of a qnn.conv.
struct ConvAttributes {
  llvm::SmallVector<int64_t> strides, dilations, pads;
  int64_t group;
  static ConvAttributes of(qnn::ConvOp op);
  static ConvAttributes of(qnn::ConvIntegerOp op);
};

/// qnn.conv of `input` and `weight` (with static channel counts), starting
/// from `bias` broadcast over the output (in the accumulator's type) or from
/// zeros. Padding holds the input's zero point, the stored integer of 0.
mlir::Value createConv(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, mlir::Value weight, mlir::Value bias,
                       const ConvAttributes &attributes,
                       mlir::RankedTensorType resultType,
                       const ContractionOperands &operands = {});

} // namespace qnn_to_linalg
} // namespace quantc

#endif // QUANTC_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
