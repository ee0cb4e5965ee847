//===- Pipelines.h - quantc's registered pass pipelines ---------*- C++ -*-===//
//
// The pipelines that take qnn to lower levels, built in one place and
// registered by name so that quant-opt can run each one alone.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_PIPELINES_PIPELINES_H
#define QUANTC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace quantc {

/// Options of the quantc-lower-to-llvm pipeline.
struct LowerToLLVMOptions
    : public mlir::PassPipelineOptions<LowerToLLVMOptions> {
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width of the target in bits; 0 leaves "
                     "contractions as scalar loops"),
      llvm::cl::init(256)};
  Option<bool> runtimeKernels{
      *this, "runtime-kernels",
      llvm::cl::desc("Lower quantized contractions with constant s8 weights "
                     "to calls to the runtime's int8 kernels "
                     "(quantc-declare-runtime-kernels)"),
      llvm::cl::init(true)};
  Option<bool> integerOnly{
      *this, "integer-only",
      llvm::cl::desc("Run qnn-integer-only after qnn-fold-qdq: fixed-point "
                     "requantization, and an error for any op left in "
                     "float"),
      llvm::cl::init(false)};
};

/// qnn to the LLVM dialect: qnn-fold-qdq (and qnn-integer-only with
/// `options.integerOnly`), qnn-expand-quantized, the runtime's kernels
/// declared (unless
/// `options.runtimeKernels` is false), convert-qnn-to-linalg, the
/// declarations no call uses removed, one-shot bufferization
/// with identity-layout function boundaries, buffer deallocation,
/// quantc-vectorize-contractions (unless `options.vectorBits` is 0), linalg
/// to loops, and the conversions to LLVM. Registered as
/// `quantc-lower-to-llvm`.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &options = {});

/// Registers quantc's pipelines with MLIR's pass registry.
void registerQuantcPipelines();

} // namespace quantc

#endif // QUANTC_PIPELINES_PIPELINES_H
