//===- Analyzer.h - Layer sensitivity from a model -------------*- C++ -*-===//
//
// `quantc analyze`: the model is compiled once with qnn-precision-switches,
// so that its last input chooses, per contraction, float or one of the
// quantized copies. The analyzer runs it over a data set once per
// configuration of that input and measures how far the float outputs move
// from the all-float configuration's (Support/Precision.h, OutputError).
// Samples are read one at a time; memory holds one sample, its reference
// outputs and one accumulator per configuration.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_ANALYZER_H
#define QUANTC_TOOLS_ANALYZER_H

#include "quantc/Support/Precision.h"
#include "quantc/Tools/ModelRunner.h"

#include <functional>
#include <string>
#include <vector>

namespace quantc {

/// One value of the switched model's precision input: per contraction, 0
/// for float or k for the k-th quantized copy.
using SwitchSetting = std::vector<int32_t>;

/// Runs `model`, whose last input is the precision input of
/// qnn-precision-switches, over `samples` (calibration-set layout, without
/// that input) with each of `settings`, and returns for each the error of
/// the model's float outputs against the all-float setting's.
/// `progress(done, total)` is called after each run.
llvm::Expected<std::vector<OutputError>>
measureSettings(LoadedModel &model, const std::vector<std::string> &samples,
                const std::vector<SwitchSetting> &settings,
                const std::function<void(size_t, size_t)> &progress = {});

/// Fills the measurements of `analysis` (whose layers, precisions and the
/// rest are set) from the switched `model`: each layer alone at each
/// precision, every layer at each precision (uniform), and every layer at
/// the first precision but one float (allButThis).
llvm::Error
analyzeLayers(LoadedModel &model, const std::vector<std::string> &samples,
              Analysis &analysis,
              const std::function<void(size_t, size_t)> &progress = {});

/// The setting of the switched model that computes `precisions` (one per
/// layer of `analysis`).
SwitchSetting getSetting(const Analysis &analysis,
                         llvm::ArrayRef<Precision> precisions);

} // namespace quantc

#endif // QUANTC_TOOLS_ANALYZER_H
