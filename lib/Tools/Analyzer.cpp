//===- Analyzer.cpp - Per-layer sensitivity from one compiled model -------===//

#include "quantc/Tools/Analyzer.h"
#include "quantc/Tools/Calibrator.h"

using namespace quantc;
using namespace llvm;

Expected<std::vector<OutputError>>
quantc::measureSettings(LoadedModel &model,
                        const std::vector<std::string> &samples,
                        const std::vector<SwitchSetting> &settings,
                        const std::function<void(size_t, size_t)> &progress) {
  const std::vector<LoadedModel::TensorInfo> &inputs = model.getInputs();
  const std::vector<LoadedModel::TensorInfo> &outputs = model.getOutputs();
  if (inputs.empty() || inputs.back().name != "qnn_precision" ||
      inputs.back().shape.size() != 1)
    return createStringError("the model has no precision input "
                             "(qnn-precision-switches)");
  size_t layers = inputs.back().shape[0];
  ArrayRef<LoadedModel::TensorInfo> dataInputs = ArrayRef(inputs).drop_back();
  std::vector<OutputErrorAccumulator> accumulators(settings.size());
  size_t done = 0, total = samples.size() * (settings.size() + 1);
  auto setSelect = [&](HostTensor &select, const SwitchSetting &setting) {
    std::memcpy(select.data.data(), setting.data(), 4 * layers);
  };
  for (const std::string &sample : samples) {
    Expected<std::vector<HostTensor>> args =
        readCalibrationSample(sample, dataInputs);
    if (!args)
      return args.takeError();
    HostTensor select;
    select.dtype = 6; // INT32
    select.shape = {int64_t(layers)};
    select.data.assign(4 * layers, 0);
    args->push_back(select);
    Expected<std::vector<HostTensor>> reference = model.run(*args);
    if (!reference)
      return createStringError("%s: %s", sample.c_str(),
                               toString(reference.takeError()).c_str());
    if (progress)
      progress(++done, total);
    std::vector<HostTensor> results;
    for (auto [setting, accumulator] : llvm::zip(settings, accumulators)) {
      if (setting.size() != layers)
        return createStringError("a setting for %zu contractions; the model "
                                 "has %zu",
                                 setting.size(), layers);
      setSelect(args->back(), setting);
      Expected<std::vector<HostTensor>> run = model.run(*args);
      if (!run)
        return createStringError("%s: %s", sample.c_str(),
                                 toString(run.takeError()).c_str());
      for (auto [info, expected, actual] :
           llvm::zip_equal(outputs, *reference, *run)) {
        if (info.dtype != 1)
          continue;
        if (expected.shape != actual.shape)
          return createStringError("%s: output '%s' changes shape with the "
                                   "precisions",
                                   sample.c_str(), info.name.c_str());
        size_t n = expected.getNumElements();
        accumulator.add(
            ArrayRef(reinterpret_cast<const float *>(expected.data.data()), n),
            ArrayRef(reinterpret_cast<const float *>(actual.data.data()), n));
      }
      if (progress)
        progress(++done, total);
    }
  }
  std::vector<OutputError> errors;
  for (const OutputErrorAccumulator &accumulator : accumulators)
    errors.push_back(accumulator.get());
  return errors;
}

SwitchSetting quantc::getSetting(const Analysis &analysis,
                                 ArrayRef<Precision> precisions) {
  SwitchSetting setting;
  for (Precision precision : precisions) {
    auto it = llvm::find(analysis.precisions, precision);
    setting.push_back(it == analysis.precisions.end()
                          ? 0
                          : int32_t(it - analysis.precisions.begin()) + 1);
  }
  return setting;
}

Error quantc::analyzeLayers(
    LoadedModel &model, const std::vector<std::string> &samples,
    Analysis &analysis, const std::function<void(size_t, size_t)> &progress) {
  size_t n = analysis.layers.size();
  size_t copies = analysis.precisions.size();
  std::vector<SwitchSetting> settings;
  // Each layer alone at each precision.
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 1; k <= copies; ++k) {
      SwitchSetting setting(n, 0);
      setting[i] = k;
      settings.push_back(setting);
    }
  // Every layer at each precision.
  for (size_t k = 1; k <= copies; ++k)
    settings.push_back(SwitchSetting(n, k));
  // Every layer at the first precision but one.
  for (size_t i = 0; i < n; ++i) {
    SwitchSetting setting(n, 1);
    setting[i] = 0;
    settings.push_back(setting);
  }
  Expected<std::vector<OutputError>> errors =
      measureSettings(model, samples, settings, progress);
  if (!errors)
    return errors.takeError();
  auto next = errors->begin();
  for (LayerSensitivity &layer : analysis.layers)
    for (Precision precision : analysis.precisions)
      layer.alone[precision] = *next++;
  for (Precision precision : analysis.precisions)
    analysis.uniform[precision] = *next++;
  for (LayerSensitivity &layer : analysis.layers)
    layer.allButThis = *next++;
  if (!errors->empty())
    analysis.signalPower = errors->front().signalPower;
  analysis.samples = samples.size();
  return Error::success();
}
