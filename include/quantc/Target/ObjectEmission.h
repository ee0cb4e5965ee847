//===- ObjectEmission.h - LLVM IR and object code ---------------*- C++ -*-===//
//
// Turns a module in the LLVM dialect into LLVM IR, optimizes it for a
// target machine, and emits position-independent object code.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_OBJECTEMISSION_H
#define QUANTC_TARGET_OBJECTEMISSION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace quantc {

/// The machine code is generated for.
struct TargetSpec {
  /// LLVM target triple; empty means the host's.
  std::string triple;
  /// CPU name; "native" means the host's CPU and features.
  std::string cpu = "native";
  std::string features;
  /// Optimize for code size (LLVM's Os pipeline) rather than speed (O3).
  bool optimizeSize = false;
};

/// Translates `module` (LLVM dialect) into LLVM IR in `context`.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context);

/// Optimizes `module` at O3 (Os with `target.optimizeSize`) for `target`
/// and writes its object code to `os`.
mlir::LogicalResult emitObject(llvm::Module &module, const TargetSpec &target,
                               llvm::raw_pwrite_stream &os, std::string &error);

/// Optimizes `module` as emitObject does, without emitting code, for
/// inspection as LLVM IR.
mlir::LogicalResult optimize(llvm::Module &module, const TargetSpec &target,
                             std::string &error);

} // namespace quantc

#endif // QUANTC_TARGET_OBJECTEMISSION_H
