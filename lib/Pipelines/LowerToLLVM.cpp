//===- LowerToLLVM.cpp - The quantc-lower-to-llvm pipeline ---------------===//
//
// From qnn to the LLVM dialect: qnn-fold-qdq (quantize/dequantize pairs
// into quantized ops), qnn-expand-quantized (quantized ops without an
// integer lowering run in float), convert-qnn-to-linalg, bufferization
// (each buffer freed after its last use: quantc-early-dealloc),
// quantc-vectorize-contractions for matmul and convolution, scalar loops
// for the other linalg ops (which LLVM's loop vectorizer may still
// vectorize; quantc-parallelize-loops hands the large ones to the runtime's
// threads), and upstream conversions to LLVM.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Conversion/QNNToLinalg/RuntimeKernels.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Pipelines/Pipelines.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void quantc::buildLowerToLLVMPipeline(OpPassManager &pm,
                                      const LowerToLLVMOptions &options) {
  pm.addNestedPass<func::FuncOp>(createFoldQDQ());
  if (options.integerOnly)
    pm.addNestedPass<func::FuncOp>(createIntegerOnly());
  pm.addNestedPass<func::FuncOp>(createExpandQuantized());
  // Integer matmuls with a float epilogue become one op, which the
  // runtime's kernel computes without an i32 buffer.
  pm.addNestedPass<func::FuncOp>(createFuseScaledMatMul());
  // Quantized contractions call the runtime's int8 kernels where they
  // suit them; declarations left unused go.
  if (options.runtimeKernels)
    pm.addPass(createDeclareRuntimeKernels());
  pm.addNestedPass<func::FuncOp>(createConvertQNNToLinalg());
  if (options.runtimeKernels)
    pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Chains of elementwise ops become one loop nest: one pass over memory.
  pm.addNestedPass<func::FuncOp>(createFuseElementwise());
  pm.addPass(createCanonicalizerPass());

  // Function arguments and results become identity-layout memrefs, which
  // the C interface hands over as plain descriptors.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Deallocation clones results it does not own (an argument or a constant
  // returned as it is): the caller always receives a fresh buffer.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Each buffer goes back to the pool after its last use, not at the
  // function's end.
  pm.addNestedPass<func::FuncOp>(createEarlyDealloc());

  if (options.vectorBits > 0) {
    VectorizeContractionsOptions vectorize;
    vectorize.vectorBits = options.vectorBits;
    pm.addNestedPass<func::FuncOp>(createVectorizeContractions(vectorize));
    pm.addPass(createCanonicalizerPass());
  }
  // Loops over enough elements run on the runtime's threads, in functions
  // whose int8 contractions do too.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  ParallelizeLoopsOptions parallelize;
  for (quantc::RuntimeKernel kernel : quantc::kRuntimeKernels)
    parallelize.threadedCallees.push_back(
        quantc::getRuntimeKernelName(kernel).str());
  pm.addPass(createParallelizeLoops(parallelize));
  // exp as arithmetic that vectorizes, not a libm call per element.
  pm.addPass(createApproximateMath());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  // Buffers come from the runtime's pool (runtime/quantc_runtime.c).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertMathToLLVMPass());
  // Math without an LLVM intrinsic (erf) calls libm.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void quantc::registerQuantcPipelines() {
  PassPipelineRegistration<LowerToLLVMOptions>(
      "quantc-lower-to-llvm",
      "Lower qnn to the LLVM dialect, with vector kernels for contractions",
      [](OpPassManager &pm, const LowerToLLVMOptions &options) {
        buildLowerToLLVMPipeline(pm, options);
      });
}
