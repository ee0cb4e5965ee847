//===- Calibrate.cpp - The qnn-calibrate pass ----------------------------===//
//
// Reads the statistics of `quantc calibrate` and attaches the range the
// chosen method picks to each activation, as `qnn.range`.
//
//===----------------------------------------------------------------------===//

#include "quantc/Dialect/QNN/Transforms/Passes.h"
#include "quantc/Support/Calibration.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace quantc {
#define GEN_PASS_DEF_CALIBRATE
#include "quantc/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace quantc

using namespace mlir;
using namespace quantc;

/// The statistics of one tensor in the file, or an error message.
static FailureOr<TensorStats> readStats(const llvm::json::Object &tensor,
                                        std::string &error) {
  std::optional<double> min = tensor.getNumber("min");
  std::optional<double> max = tensor.getNumber("max");
  const llvm::json::Array *histogram = tensor.getArray("histogram");
  if (!min || !max || !histogram || histogram->empty()) {
    error = "needs min, max and a histogram";
    return failure();
  }
  std::vector<uint64_t> counts;
  for (const llvm::json::Value &count : *histogram) {
    std::optional<int64_t> n = count.getAsInteger();
    if (!n || *n < 0) {
      error = "has a histogram count that is not a count";
      return failure();
    }
    counts.push_back(uint64_t(*n));
  }
  return TensorStats::fromParts(*min, *max, std::move(counts));
}

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
    auto buffer = llvm::MemoryBuffer::getFile(statsFile);
    if (!buffer) {
      func.emitError("cannot read the statistics file '")
          << statsFile << "': " << buffer.getError().message();
      return signalPassFailure();
    }
    llvm::Expected<llvm::json::Value> parsed =
        llvm::json::parse((*buffer)->getBuffer());
    if (!parsed) {
      func.emitError("the statistics file '")
          << statsFile << "' is not JSON: " << toString(parsed.takeError());
      return signalPassFailure();
    }
    const llvm::json::Object *root = parsed->getAsObject();
    const llvm::json::Object *tensors =
        root ? root->getObject("tensors") : nullptr;
    if (!root || root->getString("format") != "quantc-calibration-1" ||
        !tensors) {
      func.emitError("'") << statsFile
                          << "' is not a statistics file of quantc calibrate";
      return signalPassFailure();
    }

    OpBuilder builder(&getContext());
    unsigned levels = 1u << bits;
    // Model inputs, keyed "input:NAME", are optional.
    for (BlockArgument arg : func.getArguments()) {
      auto name =
          func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "qnn.name");
      const llvm::json::Object *tensor =
          name ? tensors->getObject(("input:" + name.getValue()).str())
               : nullptr;
      if (!tensor)
        continue;
      std::string error;
      FailureOr<TensorStats> stats = readStats(*tensor, error);
      if (failed(stats)) {
        func.emitError("input '")
            << name.getValue() << "' in '" << statsFile << "' " << error;
        return signalPassFailure();
      }
      RealRange range = chooseRange(*stats, *chosen, levels, percentile);
      func.setArgAttr(arg.getArgNumber(), "qnn.range",
                      builder.getDenseF64ArrayAttr({range.min, range.max}));
    }
    for (auto &[result, key] : getActivationKeys(func)) {
      const llvm::json::Object *tensor = tensors->getObject(key);
      if (!tensor) {
        result.getOwner()->emitError("the statistics file '")
            << statsFile << "' has no activation '" << key << "'";
        return signalPassFailure();
      }
      std::string error;
      FailureOr<TensorStats> stats = readStats(*tensor, error);
      if (failed(stats)) {
        result.getOwner()->emitError("activation '")
            << key << "' in '" << statsFile << "' " << error;
        return signalPassFailure();
      }
      RealRange range = chooseRange(*stats, *chosen, levels, percentile);
      unsigned i = result.getResultNumber();
      std::string name =
          i == 0 ? "qnn.range" : "qnn.range_" + std::to_string(i);
      result.getOwner()->setAttr(
          name, builder.getDenseF64ArrayAttr({range.min, range.max}));
    }
  }
};
} // namespace
