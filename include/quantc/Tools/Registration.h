//===- Registration.h - What quantc's tools register ------------*- C++ -*-===//
//
// The dialects the quantc tools parse, named once so that quant-opt and the
// compiler driver agree. Only what the tools use is registered, never every
// upstream dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_REGISTRATION_H
#define QUANTC_TOOLS_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace quantc {

/// Registers qnn and the upstream dialects qnn programs are written with
/// (quant, func, arith, math, tensor, linalg), the dialects the lowering
/// pipelines produce (bufferization, memref, scf, cf, llvm), and the
/// bufferization models of the upstream ops.
void registerQuantcDialects(mlir::DialectRegistry &registry);

/// Registers quantc's passes and pipelines with MLIR's pass registry.
void registerQuantcPasses();

} // namespace quantc

#endif // QUANTC_TOOLS_REGISTRATION_H
