//===- Passes.h - quantc conversion passes ----------------------*- C++ -*-===//
//
// Declares and registers the passes of include/quantc/Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_H
#define QUANTC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace quantc {

#define GEN_PASS_DECL
#include "quantc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Conversion/Passes.h.inc"

} // namespace quantc

#endif // QUANTC_CONVERSION_PASSES_H
