//===- FuseElementwise.cpp - Fuse chains of elementwise generics ---------===//
//
// The quantc-fuse-elementwise pass: upstream's elementwise fusion patterns,
// limited to what pays on quantc's path. A producer is fused only into an
// all-parallel consumer and only when the consumer is its one user, so that
//
// - a chain of activations becomes one pass over memory;
// - no value is computed twice;
// - a contraction keeps its multiply-accumulate body, which
//   quantc-vectorize-contractions recognizes (fusing a producer into a
//   matmul would recompute it once per reduction step and hide the
//   contraction);
// - a table lookup (a loop LLVM does not vectorize) stays apart from the
//   arithmetic around it, which then vectorizes.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace quantc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "quantc/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;

namespace {

/// Whether `op`'s body reads a tensor at a computed index (a table lookup):
/// LLVM does not vectorize such a loop, so it stays apart from the
/// arithmetic around it, which then does vectorize.
bool hasLookup(Operation *op) {
  return op->walk([](tensor::ExtractOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

bool isAllParallel(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumLoops() == linalgOp.getNumParallelLoops();
}

struct FuseElementwisePass final
    : quantc::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *fused) {
          Operation *producer = fused->get().getDefiningOp();
          return producer && producer->hasOneUse() &&
                 isAllParallel(fused->getOwner()) && !hasLookup(producer) &&
                 !hasLookup(fused->getOwner());
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
