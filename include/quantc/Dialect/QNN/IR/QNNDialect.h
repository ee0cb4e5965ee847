//===- QNNDialect.h - The qnn dialect ---------------------------*- C++ -*-===//
//
// Declares the qnn dialect and its enum attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNDIALECT_H
#define QUANTC_DIALECT_QNN_IR_QNNDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Dialect.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h.inc"
#include "quantc/Dialect/QNN/IR/QNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "quantc/Dialect/QNN/IR/QNNAttrs.h.inc"

namespace quantc::qnn {
/// The unit attribute qnn-integer-only sets on a quantized conv, matmul,
/// gemm or requantize: its result is rescaled in fixed point (a 31-bit
/// multiplier and a shift) rather than in floating point.
inline constexpr llvm::StringLiteral kFixedPointAttrName = "qnn.fixed_point";
} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_IR_QNNDIALECT_H
