//===- RuntimeKernels.h - Calls to the runtime's int8 kernels ---*- C++ -*-===//
//
// The int8 kernels of runtime/quantc_kernels.h as compiled code calls them:
// their declarations (quantc-declare-runtime-kernels adds them to a module)
// and the lowering of a quantized contraction to a call.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QNNTOLINALG_RUNTIMEKERNELS_H
#define QUANTC_CONVERSION_QNNTOLINALG_RUNTIMEKERNELS_H

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace quantc {

/// The kernels compiled code calls.
enum class RuntimeKernel {
  Conv2D,
  Depthwise2D,
  MatMul,
  ScaledMatMul,
  GroupedMatMulS4,
  FloatMatMulS4,
  FloatMatMulS8,
  FloatMatMulC4,
  FloatMatMulC8,
  BatchMatMul8
};

/// Every kernel, in the order their declarations are added.
inline constexpr RuntimeKernel kRuntimeKernels[] = {
    RuntimeKernel::Conv2D,          RuntimeKernel::Depthwise2D,
    RuntimeKernel::MatMul,          RuntimeKernel::ScaledMatMul,
    RuntimeKernel::GroupedMatMulS4, RuntimeKernel::FloatMatMulS4,
    RuntimeKernel::FloatMatMulS8,   RuntimeKernel::FloatMatMulC4,
    RuntimeKernel::FloatMatMulC8,   RuntimeKernel::BatchMatMul8};

/// The kernel's function name (its C entry point is `_mlir_ciface_` and the
/// name, through `llvm.emit_c_interface`).
llvm::StringRef getRuntimeKernelName(RuntimeKernel kernel);

/// The kernel's signature: for the 8-bit kernels input, weights, offsets
/// and output as memref<?xi8>, memref<?xi8>, memref<?xi32>, memref<?xi32>;
/// for ScaledMatMul input, weights, offsets, column sums (i32), the input's
/// scales (f32) and zero points (i32), the weights' scales and bias and the
/// output (f32);
/// for GroupedMatMulS4 input (i8), its scales (f32) and zero points (i32),
/// weights (i8), their scales, column sums and bias (f32) and output (f32);
/// for FloatMatMulS4 and FloatMatMulS8 input (f32), weights (i8), their
/// scales and output (f32); for FloatMatMulC4 input, weights, their codebooks
/// and output; then i64 scalars (runtime/qgemm.c, runtime/qgemm_s4.c and
/// runtime/qgemm_f32s4.c document them).
mlir::FunctionType getRuntimeKernelType(mlir::MLIRContext *context,
                                        RuntimeKernel kernel);

namespace qnn_to_linalg {

/// The i32 accumulator of a quantized 2-D convolution (NCHW) of `input`
/// (stored 8-bit integers, zero point `inputZeroPoint`, s8 if
/// `inputSigned`) with the constant stored s8 `weight` (zero point 0) and
/// the optional constant i32 `bias`, as a call to the runtime's kernel.
/// A depthwise conv (one input channel a group) calls the depthwise
/// kernel. Fails, creating nothing, if the module does not declare the
/// kernel or the conv does not suit it (dynamic sizes other than the
/// batch, a narrow conv: fewer than 8 taps or 4 filters a group); `op` is
/// the op being lowered. With `runtimeZeroPoint` (the input's zero point
/// known only at run time: a tensor of its stored integer, a scalar for a
/// conv, one per row or a scalar for a matmul; `inputZeroPoint` then 0),
/// the padding holds that zero point's byte and the call is followed by
/// the subtraction of the zero point times the weights' sums (per filter
/// or per column), so the result is still sum (x - z) * w (+ bias).
mlir::FailureOr<mlir::Value> createConvKernelCall(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
    mlir::Value input, mlir::DenseElementsAttr weight,
    mlir::DenseElementsAttr bias, const ConvAttributes &attributes,
    int64_t inputZeroPoint, bool inputSigned, mlir::RankedTensorType accType,
    mlir::Value runtimeZeroPoint = {});

/// The same for `lhs x weight` (weight [K, N], or [N, K] if `transposed`),
/// lhs of rank 2 or more with the weight shared by every row.
mlir::FailureOr<mlir::Value> createMatMulKernelCall(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
    mlir::Value lhs, mlir::DenseElementsAttr weight, bool transposed,
    mlir::DenseElementsAttr bias, int64_t inputZeroPoint, bool inputSigned,
    mlir::RankedTensorType accType, mlir::Value runtimeZeroPoint = {});

/// A qnn.scaled_matmul_integer (its lowered operands: `lhs` 8-bit, s8 if
/// `inputSigned`, `lhsScale` and `lhsZeroPoint` a scalar or per row, the
/// constant s8 `weight` [K, N] with zero point 0, `rhsScale` a scalar or
/// [N], the optional `bias` [N]) as a call to the runtime's matmul kernel
/// with a binary32 result. Fails, creating nothing, if the module does not
/// declare it or K or N is dynamic.
mlir::FailureOr<mlir::Value> createScaledMatMulKernelCall(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
    mlir::Value lhs, mlir::Value lhsScale, mlir::Value lhsZeroPoint,
    bool inputSigned, mlir::DenseElementsAttr weight, mlir::Value rhsScale,
    mlir::Value bias, mlir::RankedTensorType resultType);

/// A qnn.grouped_matmul (its lowered operands: `lhs` u8 as i8, `lhsScale`,
/// `lhsZeroPoint` u8 as i8, then the constant `weight` and the rhs scales,
/// column sums and bias) as a call to the runtime's 4-bit kernel. Fails,
/// creating nothing, if the module does not declare it, a weight is
/// outside [-8, 7], K or N is dynamic, or the group is not a multiple of 8
/// shorter than K.
mlir::FailureOr<mlir::Value> createGroupedMatMulKernelCall(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
    mlir::Value lhs, mlir::Value lhsScale, mlir::Value lhsZeroPoint,
    mlir::DenseElementsAttr weight, mlir::Value rhsScale, mlir::Value columnSum,
    mlir::Value bias, int64_t group, mlir::RankedTensorType resultType);

/// The i32 accumulator of a product of two 8-bit activations (stored
/// integers), per tensor with zero points `lhsZeroPoint` and
/// `rhsZeroPoint`: sum (lhs - zl) * (rhs - zr), as a call to the runtime's
/// kernel for products of two activations. Both of the same rank (2 or
/// more) with static, equal batch dimensions and a static K. Fails,
/// creating nothing, otherwise or if the module does not declare the
/// kernel.
mlir::FailureOr<mlir::Value> createActivationMatMulKernelCall(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
    mlir::Value lhs, mlir::Value rhs, int64_t lhsZeroPoint, bool lhsSigned,
    int64_t rhsZeroPoint, bool rhsSigned, mlir::RankedTensorType accType);

/// A float product of `lhs` (f32, rank 2 or more, K static) by `rhs`,
/// the qnn.dequantize of a constant 4- or 8-bit weight [K, N] with zero
/// point 0 and one scale per column (or per column and group of a multiple
/// of 8 rows), as weight-only quantization writes it, or a
/// qnn.codebook_constant
/// [K, N] of 4- or 8-bit indices with one codebook per column (or one for
/// all),
/// as a call to the runtime's kernel that unpacks the weights in
/// registers. With `transposed` the weight is [N, K] (a gemm's trans_b):
/// its scales or codebooks are per row, its groups along its rows, and the
/// packing reads it transposed. Fails, creating nothing, otherwise or if
/// the module does not declare the kernel.
mlir::FailureOr<mlir::Value>
createFloatMatMulS4KernelCall(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Operation *op, mlir::Value lhs,
                              mlir::Value rhs, bool transposed,
                              mlir::RankedTensorType resultType);

} // namespace qnn_to_linalg
} // namespace quantc

#endif // QUANTC_CONVERSION_QNNTOLINALG_RUNTIMEKERNELS_H
