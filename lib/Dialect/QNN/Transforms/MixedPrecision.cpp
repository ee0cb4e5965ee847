//===- MixedPrecision.cpp - The qnn-mixed-precision pass ------------------===//
//
// Marks each contraction with its precision, from a plan file or from the
// search over a sensitivity analysis (quantc/Support/Precision.h). See
// Passes.td for the rules.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/GlobPattern.h"

namespace quantc {
#define GEN_PASS_DEF_MIXEDPRECISION
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;
using llvm::Expected;
using llvm::GlobPattern;

StringRef quantc::getContractionOpType(Operation *op) {
  if (isa<qnn::ConvOp>(op))
    return "Conv";
  if (isa<qnn::GemmOp>(op))
    return "Gemm";
  return "MatMul";
}

SmallVector<Operation *> quantc::getWeightedContractions(func::FuncOp func,
                                                         bool withConv) {
  SmallVector<Operation *> contractions;
  func.walk([&](Operation *op) {
    if (!isa<qnn::MatMulOp, qnn::GemmOp>(op) &&
        !(withConv && isa<qnn::ConvOp>(op)))
      return;
    DenseElementsAttr weight;
    if (cast<ShapedType>(op->getOperand(0).getType())
            .getElementType()
            .isF32() &&
        matchPattern(op->getOperand(1), m_Constant(&weight)) &&
        weight.getElementType().isF32())
      contractions.push_back(op);
  });
  return contractions;
}

namespace {
struct MixedPrecisionPass final
    : quantc::impl::MixedPrecisionBase<MixedPrecisionPass> {
  using MixedPrecisionBase::MixedPrecisionBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (planFile.empty() == analysisFile.empty()) {
      func.emitError("qnn-mixed-precision takes a plan or an analysis");
      return signalPassFailure();
    }
    SmallVector<Operation *> contractions = getWeightedContractions(func);
    if (failed(planFile.empty() ? applySearch(func, contractions)
                                : applyPlan(func, contractions)))
      signalPassFailure();
  }

  LogicalResult applyPlan(func::FuncOp func,
                          ArrayRef<Operation *> contractions) {
    Expected<PrecisionPlan> plan = readPrecisionPlan(planFile);
    if (!plan)
      return func.emitError(llvm::toString(plan.takeError()));
    SmallVector<Precision> chosen(contractions.size(), plan->defaultPrecision);
    for (auto [i, entry] : llvm::enumerate(plan->entries)) {
      std::optional<GlobPattern> pattern;
      if (!entry.node.empty()) {
        Expected<GlobPattern> compiled = GlobPattern::create(entry.node);
        if (!compiled)
          return func.emitError(planFile)
                 << ": layers[" << i << "]: the node pattern '" << entry.node
                 << "' is malformed: " << llvm::toString(compiled.takeError());
        pattern = std::move(*compiled);
      }
      bool matched = false;
      for (auto [op, precision] : llvm::zip(contractions, chosen)) {
        bool matches = pattern ? pattern->match(getNodeName(op->getLoc()))
                               : (entry.op == getContractionOpType(op) ||
                                  entry.op == op->getName().getStringRef());
        if (matches) {
          precision = entry.precision;
          matched = true;
        }
      }
      if (!matched)
        return func.emitError(planFile)
               << ": layers[" << i << "] ("
               << (pattern ? "node '" + entry.node + "'"
                           : "op '" + entry.op + "'")
               << ") matches no Conv, MatMul or Gemm with a constant weight";
    }
    for (auto [op, precision] : llvm::zip(contractions, chosen))
      setPrecision(op, precision);
    return success();
  }

  LogicalResult applySearch(func::FuncOp func,
                            ArrayRef<Operation *> contractions) {
    Expected<Analysis> analysis = readAnalysisJSON(analysisFile);
    if (!analysis)
      return func.emitError(llvm::toString(analysis.takeError()));
    SmallVector<Precision> allowed;
    for (const std::string &name : precisions) {
      std::optional<Precision> precision = parsePrecision(name);
      if (!precision)
        return func.emitError("precisions takes fp32, int8 and int4, not '")
               << name << "'";
      allowed.push_back(*precision);
    }
    if (allowed.empty())
      allowed = {Precision::Float, Precision::Int8, Precision::Int4};
    if (objective != "size" && objective != "latency")
      return func.emitError("objective must be size or latency, not '")
             << objective << "'";
    // The analysis's layers are this function's contractions, by node.
    llvm::StringMap<Operation *> byNode;
    for (Operation *op : contractions)
      byNode[getNodeName(op->getLoc())] = op;
    for (const LayerSensitivity &layer : analysis->layers)
      if (!byNode.count(layer.node))
        return func.emitError(analysisFile)
               << ": the analysis names the contraction '" << layer.node
               << "', which this model does not have";
    if (analysis->layers.size() != contractions.size())
      return func.emitError(analysisFile)
             << ": the analysis has " << analysis->layers.size()
             << " contractions, this model " << contractions.size();
    Expected<PrecisionChoice> choice = searchPrecisions(
        *analysis, allowed, minSQNR,
        objective == "size" ? Objective::Size : Objective::Latency);
    if (!choice)
      return func.emitError(llvm::toString(choice.takeError()));
    for (auto [layer, precision] :
         llvm::zip(analysis->layers, choice->precisions))
      setPrecision(byNode[layer.node], precision);
    return success();
  }
};
} // namespace
