//===- PrecisionSwitches.cpp - The qnn-precision-switches pass ------------===//
//
// For sensitivity analysis: one copy of each contraction per precision,
// the result chosen at run time by a new argument, so that one library
// computes the model with any contraction at any precision. See Passes.td
// for the rules.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace quantc {
#define GEN_PASS_DEF_PRECISIONSWITCHES
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {
struct PrecisionSwitchesPass final
    : quantc::impl::PrecisionSwitchesBase<PrecisionSwitchesPass> {
  using PrecisionSwitchesBase::PrecisionSwitchesBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = func.getContext();
    SmallVector<Precision> copies;
    for (const std::string &name : precisions) {
      std::optional<Precision> precision = parsePrecision(name);
      if (!precision || precision == Precision::Float) {
        func.emitError("precisions takes int8 and int4, not '") << name << "'";
        return signalPassFailure();
      }
      copies.push_back(*precision);
    }
    if (copies.empty())
      copies = {Precision::Int8, Precision::Int4};

    SmallVector<Operation *> contractions = getWeightedContractions(func, conv);
    int64_t count = contractions.size();
    auto i32 = IntegerType::get(context, 32);
    auto selectType = RankedTensorType::get({count}, i32);
    unsigned argIndex = func.getNumArguments();
    OpBuilder b(context);
    if (failed(func.insertArgument(
            argIndex, selectType,
            b.getDictionaryAttr(
                b.getNamedAttr("qnn.name", b.getStringAttr("qnn_precision"))),
            func.getLoc()))) {
      func.emitError("cannot add the precision argument");
      return signalPassFailure();
    }
    Value select = func.getArgument(argIndex);
    auto scalarType = RankedTensorType::get({1}, i32);
    auto conditionType = RankedTensorType::get({1}, b.getI1Type());
    SmallVector<Attribute> nodes;
    for (auto [i, op] : llvm::enumerate(contractions)) {
      nodes.push_back(b.getStringAttr(getNodeName(op->getLoc())));
      Location loc = op->getLoc();
      Value original = op->getResult(0);
      b.setInsertionPointAfter(op);
      Value selected = qnn::SliceOp::create(
          b, loc, scalarType, select, b.getDenseI64ArrayAttr({int64_t(i)}),
          b.getDenseI64ArrayAttr({int64_t(i) + 1}),
          b.getDenseI64ArrayAttr({1}));
      Value result = original;
      SmallPtrSet<Operation *, 4> chain;
      for (auto [k, precision] : llvm::enumerate(copies)) {
        Operation *copy = b.clone(*op);
        setPrecision(copy, precision);
        int32_t code = k + 1;
        Value codeValue = qnn::ConstantOp::create(
            b, loc, scalarType,
            DenseElementsAttr::get(scalarType, ArrayRef<int32_t>(code)));
        Value condition = qnn::CompareOp::create(
            b, loc, conditionType, selected, codeValue,
            qnn::ComparePredicateAttr::get(context, qnn::ComparePredicate::Eq));
        auto where = qnn::WhereOp::create(b, loc, original.getType(), condition,
                                          copy->getResult(0), result);
        chain.insert(where);
        result = where;
      }
      original.replaceAllUsesExcept(result, chain);
      // The chosen result is what the consumers quantize: it keeps the
      // calibrated range and channel means of the original's.
      if (std::optional<std::pair<double, double>> range =
              getCalibratedRange(original))
        setCalibratedRange(result, range->first, range->second);
      if (std::optional<SmallVector<double>> means = getChannelMeans(original))
        setChannelMeans(result, *means);
      setPrecision(op, Precision::Float);
    }
    func->setAttr("qnn.precision_layers", b.getArrayAttr(nodes));
  }
};
} // namespace
