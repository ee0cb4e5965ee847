//===- QNNOps.h - qnn op declarations ---------------------------*- C++ -*-===//
//
// Declares the qnn ops generated from QNNOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNOPS_H
#define QUANTC_DIALECT_QNN_IR_QNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/IR/QNNTraits.h"

#define GET_OP_CLASSES
#include "quantc/Dialect/QNN/IR/QNNOps.h.inc"

#endif // QUANTC_DIALECT_QNN_IR_QNNOPS_H
