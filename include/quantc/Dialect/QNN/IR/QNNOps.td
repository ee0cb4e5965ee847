//===- QNNOps.td - All qnn ops --------------------------------*- tablegen -*-===//
//
// The qnn op set, one file per feature. Adding an op means adding it to the
// file of its feature, giving it a verifier for every constraint its
// description names, a round-trip line in test/Dialect/QNN/ops.mlir and a
// failing case per constraint in invalid.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNOPS_TD
#define QUANTC_DIALECT_QNN_IR_QNNOPS_TD

include "quantc/Dialect/QNN/IR/QNNQuantOps.td"
include "quantc/Dialect/QNN/IR/QNNLinearOps.td"
include "quantc/Dialect/QNN/IR/QNNElementwiseOps.td"
include "quantc/Dialect/QNN/IR/QNNNormalizationOps.td"
include "quantc/Dialect/QNN/IR/QNNReductionOps.td"
include "quantc/Dialect/QNN/IR/QNNShapeOps.td"

#endif // QUANTC_DIALECT_QNN_IR_QNNOPS_TD
