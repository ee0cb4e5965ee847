//===- Rewrites.cpp - Helpers of the rewriting passes ---------------------===//
//
// What the pattern-based passes on qnn share.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

LogicalResult
quantc::applyPatternsWithoutFolding(Operation *op,
                                    RewritePatternSet &&patterns) {
  GreedyRewriteConfig config;
  config.enableFolding(false);
  return applyPatternsGreedily(op, std::move(patterns), config);
}
