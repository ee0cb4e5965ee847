//===- QNNToLinalgPass.cpp - The convert-qnn-to-linalg pass --------------===//
//
// Runs the qnn-to-linalg patterns as a partial dialect conversion: every qnn
// op must be rewritten, and one the patterns cannot lower is reported at the
// op. Quantized ops are refused up front with a message saying what to run
// first.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/TypeUtilities.h"

namespace quantc {
#define GEN_PASS_DEF_CONVERTQNNTOLINALG
#include "quantc/Conversion/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

void quantc::populateQNNToLinalgPatterns(RewritePatternSet &patterns) {
  qnn_to_linalg::populateElementwisePatterns(patterns);
  qnn_to_linalg::populateLinearPatterns(patterns);
  qnn_to_linalg::populateNormalizationPatterns(patterns);
  qnn_to_linalg::populateReductionPatterns(patterns);
  qnn_to_linalg::populateResizePatterns(patterns);
  qnn_to_linalg::populateShapePatterns(patterns);
}

namespace {
struct ConvertQNNToLinalgPass final
    : quantc::impl::ConvertQNNToLinalgBase<ConvertQNNToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    WalkResult quantized = func.walk([](Operation *op) {
      if (!isa<qnn::QNNDialect>(op->getDialect()))
        return WalkResult::advance();
      auto isQuantized = [](Type type) {
        return isa<quant::QuantizedType>(getElementTypeOrSelf(type));
      };
      if (llvm::any_of(op->getOperandTypes(), isQuantized) ||
          llvm::any_of(op->getResultTypes(), isQuantized)) {
        op->emitError("quantized ops are lowered by the quantization "
                      "passes, not by convert-qnn-to-linalg");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (quantized.wasInterrupted())
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addIllegalDialect<qnn::QNNDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    RewritePatternSet patterns(&getContext());
    populateQNNToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
