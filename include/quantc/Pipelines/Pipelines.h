//===- Pipelines.h - quantc's registered pass pipelines ---------*- C++ -*-===//
//
// The pipelines that take qnn to lower levels, built in one place and
// registered by name so that quant-opt can run each one alone.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_PIPELINES_PIPELINES_H
#define QUANTC_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace quantc {

/// qnn to the LLVM dialect: convert-qnn-to-linalg, one-shot bufferization
/// with identity-layout function boundaries, buffer deallocation, linalg to
/// loops, and the conversions to LLVM. Registered as
/// `quantc-lower-to-llvm`.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers quantc's pipelines with MLIR's pass registry.
void registerQuantcPipelines();

} // namespace quantc

#endif // QUANTC_PIPELINES_PIPELINES_H
