//===- QNNOps.cpp - qnn op definitions -----------------------------------===//
//
// Instantiates the op classes generated from QNNOps.td. Verifiers and
// folders live beside their feature, in QNN<Feature>Ops.cpp.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace quantc::qnn;

#define GET_OP_CLASSES
#include "quantc/Dialect/QNN/IR/QNNOps.cpp.inc"
