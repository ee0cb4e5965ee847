//===- Passes.h - quantc transformation passes ------------------*- C++ -*-===//
//
// Declares and registers the passes of include/quantc/Transforms/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_PASSES_H
#define QUANTC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace quantc {

#define GEN_PASS_DECL
#include "quantc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Transforms/Passes.h.inc"

} // namespace quantc

#endif // QUANTC_TRANSFORMS_PASSES_H
