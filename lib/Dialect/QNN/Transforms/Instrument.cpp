//===- Instrument.cpp - The qnn-instrument pass --------------------------===//
//
// Returns every float activation a qnn op computes, named by the ONNX node
// it came from, so that calibration can run the compiled function and
// record each one. See Passes.td for the naming rule.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/IR/QNNDialect.h"
#include "quantc/Dialect/QNN/IR/QNNOps.h"
#include "quantc/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace quantc {
#define GEN_PASS_DEF_INSTRUMENT
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

std::string quantc::getNodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = getNodeName(inner); !name.empty())
        return name;
  return "";
}

void quantc::getNodeNames(Location loc, SmallVectorImpl<std::string> &names) {
  if (auto name = dyn_cast<NameLoc>(loc))
    names.push_back(name.getName().str());
  else if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      getNodeNames(inner, names);
}

SmallVector<std::pair<OpResult, std::string>>
quantc::getActivationKeys(func::FuncOp func) {
  SmallVector<std::pair<OpResult, std::string>> keys;
  llvm::StringMap<unsigned> opsPerNode;
  unsigned unnamed = 0;
  func.walk([&](Operation *op) {
    if (!isa<qnn::QNNDialect>(op->getDialect()) ||
        isa<qnn::ConstantOp, qnn::ShapeOp>(op))
      return;
    std::string node = getNodeName(op->getLoc());
    if (node.empty())
      node = "op" + std::to_string(unnamed++);
    unsigned k = opsPerNode[node]++;
    if (k > 0)
      node += "/" + std::to_string(k);
    for (OpResult result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !isa<FloatType>(type.getElementType()))
        continue;
      unsigned i = result.getResultNumber();
      keys.emplace_back(result, i == 0 ? node : node + ":" + std::to_string(i));
    }
  });
  return keys;
}

/// The axis along which contraction `op` reduces its data input, if it is
/// a contraction with a constant weight.
static std::optional<int64_t> getReducedInputAxis(Operation *op) {
  if (op->getNumOperands() < 2 ||
      !matchPattern(op->getOperand(1), m_Constant()))
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!type)
    return std::nullopt;
  if (isa<qnn::ConvOp>(op))
    return 1;
  if (isa<qnn::MatMulOp>(op))
    return type.getRank() - 1;
  if (auto gemm = dyn_cast<qnn::GemmOp>(op))
    return gemm.getTransA() ? 0 : 1;
  return std::nullopt;
}

llvm::DenseMap<Value, std::string>
quantc::getCalibrationKeys(func::FuncOp func) {
  llvm::DenseMap<Value, std::string> keys;
  for (auto &[result, key] : getActivationKeys(func))
    keys[result] = key;
  for (BlockArgument arg : func.getArguments())
    if (auto name =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "qnn.name"))
      keys[arg] = ("input:" + name.getValue()).str();
  return keys;
}

llvm::StringMap<int64_t> quantc::getChannelStatAxes(func::FuncOp func) {
  llvm::StringMap<int64_t> axes;
  llvm::DenseMap<Value, std::string> keys = getCalibrationKeys(func);
  func.walk([&](Operation *op) {
    std::optional<int64_t> axis = getReducedInputAxis(op);
    if (!axis)
      return;
    auto key = keys.find(op->getOperand(0));
    if (key != keys.end())
      axes[key->second] = *axis;
  });
  return axes;
}

llvm::StringSet<> quantc::getMaskedKeys(func::FuncOp func) {
  llvm::StringSet<> masked;
  llvm::DenseMap<Value, std::string> keys = getCalibrationKeys(func);
  func.walk([&](Operation *op) {
    bool infinite = llvm::any_of(op->getOperands(), [](Value operand) {
      DenseElementsAttr value;
      if (!matchPattern(operand, m_Constant(&value)) ||
          !isa<FloatType>(value.getElementType()))
        return false;
      return llvm::any_of(value.getValues<APFloat>(),
                          [](const APFloat &v) { return v.isInfinity(); });
    });
    if (!infinite)
      return;
    for (Value result : op->getResults())
      if (auto key = keys.find(result); key != keys.end())
        masked.insert(key->second);
  });
  return masked;
}

namespace {
struct InstrumentPass final : quantc::impl::InstrumentBase<InstrumentPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (func->hasAttr(kInstrumentedAttrName)) {
      func.emitError("the function is already instrumented");
      return signalPassFailure();
    }
    auto returnOp =
        dyn_cast<func::ReturnOp>(func.getBody().back().getTerminator());
    if (!returnOp || !func.getBody().hasOneBlock()) {
      func.emitError("qnn-instrument needs a single-block function");
      return signalPassFailure();
    }

    SmallVector<Value> values;
    SmallVector<std::string> names;
    for (auto &[result, key] : getActivationKeys(func)) {
      values.push_back(result);
      names.push_back(key);
    }

    unsigned original = func.getNumResults();
    SmallVector<DictionaryAttr> resultAttrs;
    for (unsigned i = 0; i < original; ++i)
      resultAttrs.push_back(func.getResultAttrDict(i)
                                ? func.getResultAttrDict(i)
                                : DictionaryAttr::get(&getContext()));
    SmallVector<Value> results(returnOp.getOperands());
    results.append(values);
    OpBuilder builder(returnOp);
    func::ReturnOp::create(builder, returnOp.getLoc(), results);
    returnOp.erase();
    SmallVector<Type> types(func.getResultTypes());
    for (Value v : values)
      types.push_back(v.getType());
    func.setFunctionType(
        builder.getFunctionType(func.getArgumentTypes(), types));
    for (const std::string &name : names)
      resultAttrs.push_back(builder.getDictionaryAttr(
          builder.getNamedAttr("qnn.name", builder.getStringAttr(name))));
    func.setAllResultAttrs(resultAttrs);
    func->setAttr(kInstrumentedAttrName, builder.getI64IntegerAttr(original));
  }
};
} // namespace
