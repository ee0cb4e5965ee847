//===- Calibrator.h - Activation statistics from a compiled model -*- C++
//-*-===//
//
// `quantc calibrate`: a model compiled with qnn-instrument returns every
// float activation after its own outputs; the calibrator runs it over a
// calibration set twice (ranges, then histograms; Support/Calibration.h)
// and writes the statistics as JSON. Samples are read from disk in each
// pass, so memory holds one sample and the per-tensor statistics.
//
// A calibration set is a folder holding either
// - one folder per sample, each in ONNX's test layout (input_N.pb or
//   input_N.npy, in the model's input order), or
// - for a model with one input, one .npy or .pb file per sample.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_CALIBRATOR_H
#define QUANTC_TOOLS_CALIBRATOR_H

#include "quantc/Support/Calibration.h"
#include "quantc/Tools/ModelRunner.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace quantc {

/// The samples of the calibration set in `dir`, as paths (a folder or a
/// file each), sorted. An empty set is an error.
llvm::Expected<std::vector<std::string>>
listCalibrationSamples(llvm::StringRef dir, size_t numInputs);

/// The inputs of one sample of a calibration set (a folder in ONNX's test
/// layout, or one tensor file), checked against `inputs`: their number and
/// element types. Errors name the sample.
llvm::Expected<std::vector<HostTensor>>
readCalibrationSample(llvm::StringRef sample,
                      llvm::ArrayRef<LoadedModel::TensorInfo> inputs);

/// The statistics of every float input of `model` (named "input:NAME") and
/// of every instrumented activation, the outputs after its first
/// `numOutputs`, which are the model's own.
struct CalibrationResult {
  std::vector<std::string> names;
  std::vector<TensorStats> stats;
  /// Per-channel statistics of the tensors calibrate() was asked for.
  std::vector<std::optional<ChannelStats>> channels;
  size_t samples = 0;
};

/// Runs `model` over `samples` twice. `progress(pass, done, total)` is
/// called after each run. Errors name the sample file and, for a bad input,
/// the expected name, shape and type; a NaN or infinite activation names
/// the tensor and the sample, except that the activations named in
/// `maskedKeys` (getMaskedKeys: attention masks) may hold infinities, which
/// their statistics leave out. The tensors named in `channelAxes` also get
/// per-channel statistics along the axis it gives.
llvm::Expected<CalibrationResult>
calibrate(LoadedModel &model, size_t numOutputs,
          const std::vector<std::string> &samples,
          const std::function<void(int, size_t, size_t)> &progress = {},
          const llvm::StringMap<int64_t> &channelAxes = {},
          const llvm::StringSet<> &maskedKeys = {});

/// Writes `result` as JSON: per tensor its min, max, histogram, the range
/// each method picks for 8 bits (`percentile` for that method) and, where
/// recorded, its per-channel min, max and mean.
void writeCalibrationJSON(llvm::raw_ostream &os,
                          const CalibrationResult &result,
                          llvm::StringRef modelPath, double percentile);

} // namespace quantc

#endif // QUANTC_TOOLS_CALIBRATOR_H
