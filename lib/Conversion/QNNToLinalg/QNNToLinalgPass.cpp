//===- QNNToLinalgPass.cpp - The convert-qnn-to-linalg pass --------------===//
//
// Runs the qnn-to-linalg patterns as a partial dialect conversion: every qnn
// op must be rewritten, and one the patterns cannot lower is reported at the
// op, with the ONNX node it came from and the reason its pattern gave.
// Quantized ops lower to integer code on their stored integers
// (Quantized.cpp); one without such a lowering is refused up front with a
// message saying what to run first.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Diagnostics.h"
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
/// Keeps the last reason a pattern gave for not matching.
struct ReasonRecorder final : RewriterBase::Listener {
  void
  notifyMatchFailure(Location loc,
                     function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    reason = diag.str();
  }
  std::string reason;
};

/// Reports each op the conversion left illegal, at its location: the ONNX
/// node it came from (its NameLoc), the op, and the reason its patterns
/// give. Dialect conversion drops those reasons outside debug builds, so
/// the op's patterns are asked again, with a rewriter that records them.
/// (The function is being abandoned: if a pattern does match, its rewrite
/// is harmless.)
void reportIllegal(func::FuncOp func,
                   ArrayRef<std::pair<Location, std::string>> illegal) {
  MLIRContext *context = func.getContext();
  RewritePatternSet probes(context);
  populateQNNToLinalgPatterns(probes);
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<qnn::QNNDialect>(op->getDialect()))
      ops.push_back(op);
  });
  for (auto &[loc, opName] : illegal) {
    std::string reason = "no lowering pattern applies";
    for (Operation *op : ops) {
      if (op->getLoc() != loc || op->getName().getStringRef() != opName)
        continue;
      ReasonRecorder recorder;
      PatternRewriter rewriter(context);
      rewriter.setListener(&recorder);
      rewriter.setInsertionPoint(op);
      for (const std::unique_ptr<RewritePattern> &pattern :
           probes.getNativePatterns()) {
        if (pattern->getRootKind() != op->getName())
          continue;
        if (succeeded(pattern->matchAndRewrite(op, rewriter))) {
          recorder.reason = "an op it lowers to cannot be lowered";
          break;
        }
      }
      if (!recorder.reason.empty())
        reason = recorder.reason;
      break;
    }
    InFlightDiagnostic error = emitError(loc);
    if (auto name = dyn_cast<NameLoc>(loc))
      error << "node '" << name.getName().getValue() << "': ";
    error << "cannot lower " << opName << ": " << reason;
  }
}

struct ConvertQNNToLinalgPass final
    : quantc::impl::ConvertQNNToLinalgBase<ConvertQNNToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Quantized ops without an integer lowering, and ops on signed or
    // unsigned integers without a lowering, are reported up front.
    WalkResult quantized = func.walk([](Operation *op) {
      if (!isa<qnn::QNNDialect>(op->getDialect()))
        return WalkResult::advance();
      std::string reason;
      bool quantized =
          failed(qnn_to_linalg::checkQuantizedLowering(op, reason));
      if (!quantized &&
          succeeded(qnn_to_linalg::checkSignedOrUnsignedLowering(op, reason)))
        return WalkResult::advance();
      InFlightDiagnostic error = op->emitError();
      // The ONNX node: the location's name, or the first name of a fused
      // location (an op that folded others in).
      Location loc = op->getLoc();
      if (auto fused = dyn_cast<FusedLoc>(loc))
        for (Location inner : fused.getLocations())
          if (isa<NameLoc>(inner)) {
            loc = inner;
            break;
          }
      if (auto name = dyn_cast<NameLoc>(loc))
        error << "node '" << name.getName().getValue() << "': ";
      error << "cannot lower " << (quantized ? "quantized " : "")
            << op->getName() << ": " << reason;
      return WalkResult::interrupt();
    });
    if (quantized.wasInterrupted())
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addIllegalDialect<qnn::QNNDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    // Calls to the runtime's kernels and the buffers they take.
    target.addLegalDialect<bufferization::BufferizationDialect,
                           memref::MemRefDialect>();
    target.addLegalOp<func::CallOp>();
    // Quantized tensors become their stored integers, at the function's
    // boundary too.
    TypeConverter converter;
    qnn_to_linalg::populateQuantizedTypeConversion(converter);
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });
    RewritePatternSet patterns(&getContext());
    populateQNNToLinalgPatterns(patterns);
    qnn_to_linalg::populateQuantizedPatterns(converter, patterns);

    // The ops left illegal, reported once the conversion has given up (and
    // rolled back), each with the reason its patterns give.
    SmallVector<std::pair<Location, std::string>> illegal;
    LogicalResult converted = success();
    {
      ScopedDiagnosticHandler handler(&getContext(), [&](Diagnostic &diag) {
        std::string message = diag.str();
        StringRef text(message);
        if (diag.getSeverity() != DiagnosticSeverity::Error ||
            !text.consume_front("failed to legalize operation '"))
          return failure();
        illegal.emplace_back(
            diag.getLocation(),
            text.take_until([](char c) { return c == '\''; }).str());
        return success();
      });
      // Patterns before folders: a dequantized constant weight must stay
      // stored integers, dequantized by the code, not become a float
      // constant.
      ConversionConfig config;
      config.foldingMode = DialectConversionFoldingMode::AfterPatterns;
      converted =
          applyPartialConversion(func, target, std::move(patterns), config);
    }
    if (failed(converted)) {
      reportIllegal(func, illegal);
      signalPassFailure();
    }
  }
};
} // namespace
