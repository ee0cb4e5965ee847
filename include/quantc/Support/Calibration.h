//===- Calibration.h - Activation statistics and range choice ---*- C++ -*-===//
//
// What calibration records per tensor, and how a quantization range is
// chosen from it. A tensor's statistics are its minimum, its maximum and a
// histogram of its values over [min, max], accumulated over the whole
// calibration set: their size does not grow with the number of samples.
// The histogram is built in a second pass over the data, once the range is
// known (TensorStats::addRange, then TensorStats::addHistogram).
//
// The range methods (docs/numerics.md, "Calibration"):
// - minmax: [min, max];
// - percentile: the quantiles (1 - p) and p of the values, for p close to 1;
// - mse: the range, among [min, max] shrunk toward zero in steps, whose
//   uniform quantization to `levels` levels has the least mean squared error
//   over the histogram, clipping included;
// - entropy: the range, among the same candidates, whose quantized
//   distribution is closest to the clipped one in Kullback-Leibler
//   divergence (TensorRT's method, on a range that may be asymmetric).
// Every chosen range contains zero, as affine quantization needs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_CALIBRATION_H
#define QUANTC_SUPPORT_CALIBRATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quantc {

enum class CalibrationMethod { MinMax, Percentile, Entropy, MSE };

/// The method named `name` (minmax, percentile, entropy, mse), if any.
std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);
llvm::StringRef getCalibrationMethodName(CalibrationMethod method);

/// A real range [min, max].
struct RealRange {
  double min = 0.0;
  double max = 0.0;
};

/// Statistics of one tensor over a calibration set.
class TensorStats {
public:
  static constexpr unsigned kDefaultBins = 2048;

  explicit TensorStats(unsigned bins = kDefaultBins) : counts(bins, 0) {}

  /// First pass: widens [min, max] to cover `values`. Returns the index of
  /// the first value that is NaN or infinite, if any, and then adds nothing.
  /// With `allowInfinity`, infinities are left out of the range instead
  /// (and out of the histogram): an attention mask's. NaN never is.
  std::optional<size_t> addRange(const float *values, size_t count,
                                 bool allowInfinity = false);

  /// Second pass: counts `values` into the histogram over the range of the
  /// first pass (values outside it, which a second pass over the same data
  /// does not have, go to the end bins).
  void addHistogram(const float *values, size_t count);

  bool hasRange() const { return seen; }
  double getMin() const { return min; }
  double getMax() const { return max; }
  const std::vector<uint64_t> &getCounts() const { return counts; }
  uint64_t getTotal() const { return total; }

  /// Restores statistics read back from a file.
  static TensorStats fromParts(double min, double max,
                               std::vector<uint64_t> counts);

private:
  bool seen = false;
  double min = 0.0, max = 0.0;
  std::vector<uint64_t> counts;
  uint64_t total = 0;
};

/// Per-channel minimum, maximum and mean of a tensor along one axis over a
/// calibration set, recorded for the data input of a contraction (Conv's
/// axis 1, the reduction axis of MatMul and Gemm): what SmoothQuant and
/// bias correction read. Its size is the channel count, whatever the number
/// of samples.
class ChannelStats {
public:
  explicit ChannelStats(int64_t axis = 0) : axis(axis) {}

  /// Adds a tensor of `shape` (row-major values, all finite). Fails, adding
  /// nothing, if the shape has no axis `axis` or its size along it differs
  /// from the tensors added before.
  llvm::Error add(const float *values, llvm::ArrayRef<int64_t> shape);

  int64_t getAxis() const { return axis; }
  size_t getNumChannels() const { return min.size(); }
  const std::vector<double> &getMin() const { return min; }
  const std::vector<double> &getMax() const { return max; }
  /// The means (0 for a tensor with no elements).
  std::vector<double> getMean() const;
  /// max(|min|, |max|) per channel.
  std::vector<double> getAbsMax() const;

  /// Restores statistics read back from a file: all three of one size.
  static llvm::Expected<ChannelStats> fromParts(int64_t axis,
                                                std::vector<double> min,
                                                std::vector<double> max,
                                                std::vector<double> mean);

private:
  int64_t axis;
  std::vector<double> min, max, sum;
  uint64_t perChannel = 0;
};

/// What a statistics file of `quantc calibrate` holds for one tensor.
struct CalibratedTensor {
  TensorStats stats;
  std::optional<ChannelStats> channels;
};

/// Reads a statistics file of `quantc calibrate` (format
/// "quantc-calibration-1"): its tensors by name. Errors name the file and,
/// for a malformed entry, the tensor.
llvm::Expected<llvm::StringMap<CalibratedTensor>>
readCalibrationFile(llvm::StringRef path);

/// The quantization range that `method` picks from `stats`, for `levels`
/// quantization levels (256 for 8 bits). `percentile` is in (50, 100], in
/// percent, and only read by the percentile method. The range always
/// contains zero; a tensor that is constant zero gets [0, 0].
RealRange chooseRange(const TensorStats &stats, CalibrationMethod method,
                      unsigned levels = 256, double percentile = 99.99);

} // namespace quantc

#endif // QUANTC_SUPPORT_CALIBRATION_H
