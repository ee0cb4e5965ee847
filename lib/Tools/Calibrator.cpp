//===- Calibrator.cpp - Activation statistics from a compiled model ------===//
//
// See include/quantc/Tools/Calibrator.h.
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/Calibrator.h"
#include "quantc/Tools/TensorFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace quantc;
using llvm::createStringError;
using llvm::Expected;
using llvm::StringRef;

Expected<std::vector<std::string>>
quantc::listCalibrationSamples(StringRef dir, size_t numInputs) {
  if (!llvm::sys::fs::is_directory(dir))
    return createStringError("%s: not a folder of calibration samples",
                             dir.str().c_str());
  std::vector<std::string> folders, files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef path = it->path();
    if (llvm::sys::fs::is_directory(path))
      folders.push_back(path.str());
    else if (path.ends_with(".npy") || path.ends_with(".pb"))
      files.push_back(path.str());
  }
  if (ec)
    return createStringError("%s: %s", dir.str().c_str(), ec.message().c_str());
  std::vector<std::string> samples = !folders.empty() ? folders : files;
  if (folders.empty() && !files.empty() && numInputs != 1)
    return createStringError(
        "%s: the model has %zu inputs, so each sample must be a folder of "
        "input_N files, not a single file",
        dir.str().c_str(), numInputs);
  if (samples.empty())
    return createStringError("%s: no calibration samples (folders of "
                             "input_N.pb/.npy, or .npy/.pb files)",
                             dir.str().c_str());
  std::sort(samples.begin(), samples.end());
  return samples;
}

/// The inputs of one sample.
static Expected<std::vector<HostTensor>> readSample(StringRef sample) {
  if (llvm::sys::fs::is_directory(sample))
    return readTensorFolder(sample, "input");
  Expected<HostTensor> tensor = readTensorFile(sample);
  if (!tensor)
    return tensor.takeError();
  std::vector<HostTensor> inputs;
  inputs.push_back(std::move(*tensor));
  return inputs;
}

/// "[1, 3, ?, 192]".
static std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, size] : llvm::enumerate(shape))
    text +=
        (i ? ", " : "") + (size < 0 ? std::string("?") : std::to_string(size));
  return text + "]";
}

Expected<std::vector<HostTensor>>
quantc::readCalibrationSample(StringRef sample,
                              llvm::ArrayRef<LoadedModel::TensorInfo> inputs) {
  Expected<std::vector<HostTensor>> given = readSample(sample);
  if (!given)
    return createStringError("%s: %s", sample.str().c_str(),
                             llvm::toString(given.takeError()).c_str());
  if (given->size() != inputs.size())
    return createStringError("%s: holds %zu inputs, the model takes %zu",
                             sample.str().c_str(), given->size(),
                             inputs.size());
  for (auto [info, tensor] : llvm::zip_equal(inputs, *given))
    if (tensor.dtype != info.dtype)
      return createStringError("%s: input '%s' is %s %s, the model takes %s %s",
                               sample.str().c_str(), info.name.c_str(),
                               getDTypeName(tensor.dtype).str().c_str(),
                               formatShape(tensor.shape).c_str(),
                               getDTypeName(info.dtype).str().c_str(),
                               formatShape(info.shape).c_str());
  return given;
}

Expected<CalibrationResult>
quantc::calibrate(LoadedModel &model, size_t numOutputs,
                  const std::vector<std::string> &samples,
                  const std::function<void(int, size_t, size_t)> &progress,
                  const llvm::StringMap<int64_t> &channelAxes,
                  const llvm::StringSet<> &maskedKeys) {
  const std::vector<LoadedModel::TensorInfo> &inputs = model.getInputs();
  const std::vector<LoadedModel::TensorInfo> &outputs = model.getOutputs();
  CalibrationResult result;
  result.samples = samples.size();
  // The float model inputs first, keyed "input:NAME", then the activations.
  std::vector<size_t> floatInputs;
  for (auto [i, info] : llvm::enumerate(inputs)) {
    if (info.dtype != 1)
      continue;
    floatInputs.push_back(i);
    result.names.push_back("input:" + info.name);
    result.stats.emplace_back();
  }
  size_t firstActivation = result.names.size();
  for (size_t i = numOutputs; i < outputs.size(); ++i) {
    result.names.push_back(outputs[i].name);
    result.stats.emplace_back();
  }

  for (const std::string &name : result.names) {
    auto axis = channelAxes.find(name);
    result.channels.push_back(axis == channelAxes.end()
                                  ? std::nullopt
                                  : std::optional(ChannelStats(axis->second)));
  }
  // Per-channel statistics, gathered in the first pass.
  auto addChannels = [&](size_t k, const HostTensor &tensor,
                         StringRef sample) -> llvm::Error {
    if (!result.channels[k])
      return llvm::Error::success();
    if (llvm::Error error = result.channels[k]->add(
            reinterpret_cast<const float *>(tensor.data.data()), tensor.shape))
      return createStringError("%s: tensor '%s' %s", sample.str().c_str(),
                               result.names[k].c_str(),
                               llvm::toString(std::move(error)).c_str());
    return llvm::Error::success();
  };

  // The outputs of the previous run: the next run writes into their buffers
  // (NAME_run), which spares the instrumented model's many large outputs an
  // allocation and a copy per sample. An output that no longer fits (other
  // input shapes) makes it run once more into buffers of its own.
  std::vector<HostTensor> ran;
  auto runSample = [&](const std::vector<HostTensor> &given) -> llvm::Error {
    if (!ran.empty()) {
      if (llvm::Error error = model.runInto(given, ran))
        llvm::consumeError(std::move(error));
      else
        return llvm::Error::success();
    }
    Expected<std::vector<HostTensor>> fresh = model.run(given);
    if (!fresh)
      return fresh.takeError();
    ran = std::move(*fresh);
    return llvm::Error::success();
  };

  for (int pass = 1; pass <= 2; ++pass) {
    for (auto [index, sample] : llvm::enumerate(samples)) {
      Expected<std::vector<HostTensor>> given =
          readCalibrationSample(sample, inputs);
      if (!given)
        return given.takeError();
      for (auto [k, i] : llvm::enumerate(floatInputs)) {
        const HostTensor &input = (*given)[i];
        const float *values =
            reinterpret_cast<const float *>(input.data.data());
        size_t count = input.getNumElements();
        if (pass == 2) {
          result.stats[k].addHistogram(values, count);
          continue;
        }
        if (std::optional<size_t> bad = result.stats[k].addRange(values, count))
          return createStringError(
              "%s: input '%s' holds %s at element %zu", sample.c_str(),
              inputs[i].name.c_str(),
              std::isnan(values[*bad]) ? "NaN" : "an infinity", *bad);
        if (llvm::Error error = addChannels(k, input, sample))
          return error;
      }
      if (llvm::Error error = runSample(*given))
        return createStringError("%s: %s", sample.c_str(),
                                 llvm::toString(std::move(error)).c_str());
      for (size_t i = numOutputs; i < ran.size(); ++i) {
        const HostTensor &activation = ran[i];
        if (activation.dtype != 1)
          continue;
        const float *values =
            reinterpret_cast<const float *>(activation.data.data());
        size_t count = activation.getNumElements();
        size_t k = firstActivation + i - numOutputs;
        TensorStats &stats = result.stats[k];
        if (pass == 1) {
          bool masked = maskedKeys.contains(result.names[k]);
          if (std::optional<size_t> bad =
                  stats.addRange(values, count, /*allowInfinity=*/masked))
            return createStringError(
                "%s: activation '%s' holds %s at element %zu", sample.c_str(),
                outputs[i].name.c_str(),
                std::isnan(values[*bad]) ? "NaN" : "an infinity", *bad);
          if (llvm::Error error = addChannels(k, activation, sample))
            return error;
        } else {
          stats.addHistogram(values, count);
        }
      }
      if (progress)
        progress(pass, index + 1, samples.size());
    }
  }
  return result;
}

void quantc::writeCalibrationJSON(llvm::raw_ostream &os,
                                  const CalibrationResult &result,
                                  StringRef modelPath, double percentile) {
  llvm::json::Object tensors;
  for (auto [name, stats, channels] :
       llvm::zip_equal(result.names, result.stats, result.channels)) {
    llvm::json::Object ranges;
    for (CalibrationMethod method :
         {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
          CalibrationMethod::Entropy, CalibrationMethod::MSE}) {
      RealRange range = chooseRange(stats, method, 256, percentile);
      ranges[getCalibrationMethodName(method)] =
          llvm::json::Array{range.min, range.max};
    }
    llvm::json::Array histogram;
    for (uint64_t count : stats.getCounts())
      histogram.push_back(int64_t(count));
    llvm::json::Object tensor{
        {"min", stats.getMin()},
        {"max", stats.getMax()},
        {"count", int64_t(stats.getTotal())},
        {"ranges_8bit", std::move(ranges)},
        {"histogram", std::move(histogram)},
    };
    if (channels)
      tensor["channels"] = llvm::json::Object{
          {"axis", channels->getAxis()},
          {"min", llvm::json::Array(channels->getMin())},
          {"max", llvm::json::Array(channels->getMax())},
          {"mean", llvm::json::Array(channels->getMean())},
      };
    tensors[name] = std::move(tensor);
  }
  llvm::json::Object root{
      {"format", "quantc-calibration-1"},
      {"model", modelPath.str()},
      {"samples", int64_t(result.samples)},
      {"bins", int64_t(TensorStats::kDefaultBins)},
      {"percentile", percentile},
      {"tensors", std::move(tensors)},
  };
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}
