//===- DeclareRuntimeKernels.cpp - quantc-declare-runtime-kernels ---------===//
//
// Declares the runtime's int8 kernels in the module, so that
// convert-qnn-to-linalg lowers quantized contractions to calls to them.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Conversion/QNNToLinalg/RuntimeKernels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace quantc {
#define GEN_PASS_DEF_DECLARERUNTIMEKERNELS
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {
struct DeclareRuntimeKernelsPass final
    : quantc::impl::DeclareRuntimeKernelsBase<DeclareRuntimeKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    for (RuntimeKernel kernel : kRuntimeKernels) {
      StringRef name = getRuntimeKernelName(kernel);
      FunctionType type = getRuntimeKernelType(module.getContext(), kernel);
      if (auto existing = symbols.lookup<func::FuncOp>(name)) {
        if (existing.getFunctionType() == type)
          continue;
        existing.emitError("quantc-declare-runtime-kernels: '")
            << name << "' is taken by a function of another type";
        return signalPassFailure();
      }
      if (symbols.lookup(name)) {
        module.emitError("quantc-declare-runtime-kernels: the symbol '")
            << name << "' is taken";
        return signalPassFailure();
      }
      auto func = func::FuncOp::create(b, module.getLoc(), name, type);
      func.setPrivate();
      func->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    }
  }
};
} // namespace
