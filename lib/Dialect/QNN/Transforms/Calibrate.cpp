//===- Calibrate.cpp - The qnn-calibrate pass ----------------------------===//
//
// Reads the statistics of `quantc calibrate` and attaches the range the
// chosen method picks to each activation, as `qnn.range`.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/Calibration.h"

#include "mlir/IR/Builders.h"

namespace quantc {
#define GEN_PASS_DEF_CALIBRATE
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

namespace {
struct CalibratePass final : quantc::impl::CalibrateBase<CalibratePass> {
  using CalibrateBase::CalibrateBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::optional<CalibrationMethod> chosen = parseCalibrationMethod(method);
    if (!chosen || bits < 2 || bits > 16) {
      func.emitError("qnn-calibrate: method must be minmax, percentile, "
                     "entropy or mse, and bits 2 to 16");
      return signalPassFailure();
    }
    llvm::Expected<llvm::StringMap<CalibratedTensor>> tensors =
        readCalibrationFile(statsFile);
    if (!tensors) {
      func.emitError(llvm::toString(tensors.takeError()));
      return signalPassFailure();
    }

    OpBuilder builder(&getContext());
    unsigned levels = 1u << bits;
    // Model inputs, keyed "input:NAME", are optional.
    for (BlockArgument arg : func.getArguments()) {
      auto name =
          func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "qnn.name");
      auto tensor = name ? tensors->find(("input:" + name.getValue()).str())
                         : tensors->end();
      if (tensor == tensors->end())
        continue;
      RealRange range =
          chooseRange(tensor->second.stats, *chosen, levels, percentile);
      func.setArgAttr(arg.getArgNumber(), "qnn.range",
                      builder.getDenseF64ArrayAttr({range.min, range.max}));
      if (tensor->second.channels)
        setChannelMeans(arg, tensor->second.channels->getMean());
    }
    for (auto &[result, key] : getActivationKeys(func)) {
      auto tensor = tensors->find(key);
      if (tensor == tensors->end()) {
        result.getOwner()->emitError("the statistics file '")
            << statsFile << "' has no activation '" << key << "'";
        return signalPassFailure();
      }
      RealRange range =
          chooseRange(tensor->second.stats, *chosen, levels, percentile);
      unsigned i = result.getResultNumber();
      std::string name =
          i == 0 ? "qnn.range" : "qnn.range_" + std::to_string(i);
      result.getOwner()->setAttr(
          name, builder.getDenseF64ArrayAttr({range.min, range.max}));
      if (tensor->second.channels)
        setChannelMeans(result, tensor->second.channels->getMean());
    }
  }
};
} // namespace
