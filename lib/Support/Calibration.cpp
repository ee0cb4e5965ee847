//===- Calibration.cpp - Activation statistics and range choice ----------===//
//
// See include/quantc/Support/Calibration.h and docs/numerics.md.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Calibration.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace quantc;

std::optional<CalibrationMethod>
quantc::parseCalibrationMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<CalibrationMethod>>(name)
      .Case("minmax", CalibrationMethod::MinMax)
      .Case("percentile", CalibrationMethod::Percentile)
      .Case("entropy", CalibrationMethod::Entropy)
      .Case("mse", CalibrationMethod::MSE)
      .Default(std::nullopt);
}

llvm::StringRef quantc::getCalibrationMethodName(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::MSE:
    return "mse";
  }
  return "";
}

std::optional<size_t> TensorStats::addRange(const float *values, size_t count,
                                            bool allowInfinity) {
  for (size_t i = 0; i < count; ++i)
    if (std::isnan(values[i]) || (!allowInfinity && std::isinf(values[i])))
      return i;
  for (size_t i = 0; i < count; ++i) {
    double v = values[i];
    if (std::isinf(v))
      continue;
    if (!seen) {
      min = max = v;
      seen = true;
    }
    min = std::min(min, v);
    max = std::max(max, v);
  }
  return std::nullopt;
}

void TensorStats::addHistogram(const float *values, size_t count) {
  size_t bins = counts.size();
  double width = (max - min) / double(bins);
  uint64_t added = 0;
  for (size_t i = 0; i < count; ++i) {
    // Only infinities addRange was told to leave out get here.
    if (std::isinf(values[i]))
      continue;
    ++added;
    size_t bin = 0;
    if (width > 0) {
      double at = (double(values[i]) - min) / width;
      bin = at <= 0 ? 0 : std::min(size_t(at), bins - 1);
    }
    ++counts[bin];
  }
  total += added;
}

llvm::Error ChannelStats::add(const float *values,
                              llvm::ArrayRef<int64_t> shape) {
  if (axis < 0 || axis >= int64_t(shape.size()))
    return llvm::createStringError("has rank %zu, no channel axis %lld",
                                   shape.size(), (long long)axis);
  int64_t channels = shape[axis];
  if (!min.empty() && int64_t(min.size()) != channels)
    return llvm::createStringError(
        "has %lld channels along axis %lld, earlier samples had %zu",
        (long long)channels, (long long)axis, min.size());
  int64_t inner = 1, outer = 1;
  for (int64_t i = axis + 1; i < int64_t(shape.size()); ++i)
    inner *= shape[i];
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  if (min.empty()) {
    min.assign(channels, std::numeric_limits<double>::infinity());
    max.assign(channels, -std::numeric_limits<double>::infinity());
    sum.assign(channels, 0.0);
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const float *row = values + (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) {
        double v = row[i];
        min[c] = std::min(min[c], v);
        max[c] = std::max(max[c], v);
        sum[c] += v;
      }
    }
  perChannel += uint64_t(outer * inner);
  return llvm::Error::success();
}

std::vector<double> ChannelStats::getMean() const {
  std::vector<double> mean(sum.size(), 0.0);
  if (perChannel)
    for (size_t c = 0; c < sum.size(); ++c)
      mean[c] = sum[c] / double(perChannel);
  return mean;
}

std::vector<double> ChannelStats::getAbsMax() const {
  std::vector<double> absMax(min.size(), 0.0);
  if (perChannel)
    for (size_t c = 0; c < min.size(); ++c)
      absMax[c] = std::max(std::abs(min[c]), std::abs(max[c]));
  return absMax;
}

llvm::Expected<ChannelStats> ChannelStats::fromParts(int64_t axis,
                                                     std::vector<double> min,
                                                     std::vector<double> max,
                                                     std::vector<double> mean) {
  if (axis < 0 || min.empty() || min.size() != max.size() ||
      min.size() != mean.size())
    return llvm::createStringError(
        "no channel axis, or min, max and mean of different sizes");
  for (size_t c = 0; c < min.size(); ++c)
    if (!(min[c] <= max[c]) || !std::isfinite(min[c]) ||
        !std::isfinite(max[c]) || !std::isfinite(mean[c]))
      return llvm::createStringError(
          "channel %zu has a minimum above its maximum, or a value that is "
          "not finite",
          c);
  ChannelStats stats(axis);
  stats.min = std::move(min);
  stats.max = std::move(max);
  // One element per channel reproduces the means.
  stats.sum = std::move(mean);
  stats.perChannel = 1;
  return stats;
}

/// A JSON array of numbers, or nothing.
static std::optional<std::vector<double>>
getNumbers(const llvm::json::Object &object, llvm::StringRef key) {
  const llvm::json::Array *array = object.getArray(key);
  if (!array)
    return std::nullopt;
  std::vector<double> numbers;
  for (const llvm::json::Value &value : *array) {
    std::optional<double> number = value.getAsNumber();
    if (!number)
      return std::nullopt;
    numbers.push_back(*number);
  }
  return numbers;
}

/// One tensor's entry of a statistics file.
static llvm::Expected<CalibratedTensor>
readCalibratedTensor(const llvm::json::Object &tensor) {
  std::optional<double> min = tensor.getNumber("min");
  std::optional<double> max = tensor.getNumber("max");
  const llvm::json::Array *histogram = tensor.getArray("histogram");
  if (!min || !max || !histogram || histogram->empty())
    return llvm::createStringError("needs min, max and a histogram");
  std::vector<uint64_t> counts;
  for (const llvm::json::Value &count : *histogram) {
    std::optional<int64_t> n = count.getAsInteger();
    if (!n || *n < 0)
      return llvm::createStringError(
          "has a histogram count that is not a count");
    counts.push_back(uint64_t(*n));
  }
  CalibratedTensor result{TensorStats::fromParts(*min, *max, std::move(counts)),
                          std::nullopt};
  if (const llvm::json::Value *entry = tensor.get("channels")) {
    const llvm::json::Object *channels = entry->getAsObject();
    std::optional<int64_t> axis =
        channels ? channels->getInteger("axis") : std::nullopt;
    auto chMin = channels ? getNumbers(*channels, "min") : std::nullopt;
    auto chMax = channels ? getNumbers(*channels, "max") : std::nullopt;
    auto chMean = channels ? getNumbers(*channels, "mean") : std::nullopt;
    if (!axis || !chMin || !chMax || !chMean)
      return llvm::createStringError(
          "has channels without an axis and arrays min, max and mean");
    llvm::Expected<ChannelStats> stats = ChannelStats::fromParts(
        *axis, std::move(*chMin), std::move(*chMax), std::move(*chMean));
    if (!stats)
      return llvm::createStringError("has bad per-channel statistics: " +
                                     llvm::toString(stats.takeError()));
    result.channels = std::move(*stats);
  }
  return result;
}

llvm::Expected<llvm::StringMap<CalibratedTensor>>
quantc::readCalibrationFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError("cannot read the statistics file '%s': %s",
                                   path.str().c_str(),
                                   buffer.getError().message().c_str());
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return llvm::createStringError("the statistics file '%s' is not JSON: %s",
                                   path.str().c_str(),
                                   llvm::toString(parsed.takeError()).c_str());
  const llvm::json::Object *root = parsed->getAsObject();
  const llvm::json::Object *tensors =
      root ? root->getObject("tensors") : nullptr;
  if (!root || root->getString("format") != "quantc-calibration-1" || !tensors)
    return llvm::createStringError(
        "'%s' is not a statistics file of quantc calibrate",
        path.str().c_str());
  llvm::StringMap<CalibratedTensor> result;
  for (const auto &[name, value] : *tensors) {
    const llvm::json::Object *tensor = value.getAsObject();
    if (!tensor)
      return llvm::createStringError("tensor '%s' in '%s' is not an object",
                                     name.str().c_str(), path.str().c_str());
    llvm::Expected<CalibratedTensor> entry = readCalibratedTensor(*tensor);
    if (!entry)
      return llvm::createStringError(
          "%s '%s' in '%s' %s",
          llvm::StringRef(name).starts_with("input:") ? "input" : "activation",
          llvm::StringRef(name).starts_with("input:")
              ? name.str().substr(6).c_str()
              : name.str().c_str(),
          path.str().c_str(), llvm::toString(entry.takeError()).c_str());
    result.try_emplace(name.str(), std::move(*entry));
  }
  return result;
}

TensorStats TensorStats::fromParts(double min, double max,
                                   std::vector<uint64_t> counts) {
  TensorStats stats(counts.empty() ? 1 : counts.size());
  stats.seen = true;
  stats.min = min;
  stats.max = max;
  if (!counts.empty())
    stats.counts = std::move(counts);
  for (uint64_t c : stats.counts)
    stats.total += c;
  return stats;
}

namespace {

/// The histogram in real terms: bin i covers [lo + i w, lo + (i + 1) w).
struct Histogram {
  double lo, width;
  const std::vector<uint64_t> &counts;

  double center(size_t i) const { return lo + (double(i) + 0.5) * width; }
  size_t size() const { return counts.size(); }
};

/// Widens `range` to contain zero.
RealRange withZero(RealRange range) {
  return {std::min(range.min, 0.0), std::max(range.max, 0.0)};
}

/// Mean squared error over the histogram of quantizing to `levels` levels
/// on [a, b] (containing zero) with an integer zero point, clipping
/// included, values taken at bin centers.
double quantizationError(const Histogram &h, double a, double b,
                         unsigned levels) {
  double scale = (b - a) / double(levels - 1);
  if (scale <= 0)
    return std::numeric_limits<double>::infinity();
  double zeroPoint = std::nearbyint(-a / scale);
  double error = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    if (!h.counts[i])
      continue;
    double x = h.center(i);
    double q = std::clamp(std::nearbyint(x / scale) + zeroPoint, 0.0,
                          double(levels - 1));
    double back = (q - zeroPoint) * scale;
    error += double(h.counts[i]) * (x - back) * (x - back);
  }
  return error;
}

/// Kullback-Leibler divergence between the histogram clipped to bins
/// [first, last), outliers folded into the end bins (P), and the
/// quantization of the bins inside to `levels` buckets, each spread evenly
/// over its non-empty bins (Q). Q is built without the outliers, so that
/// clipping them costs what their mass in P's end bins does.
double clippedDivergence(const Histogram &h, size_t first, size_t last,
                         unsigned levels) {
  size_t n = last - first;
  std::vector<double> p(n);
  for (size_t i = 0; i < n; ++i)
    p[i] = double(h.counts[first + i]);
  for (size_t i = 0; i < first; ++i)
    p.front() += double(h.counts[i]);
  for (size_t i = last; i < h.size(); ++i)
    p.back() += double(h.counts[i]);

  std::vector<double> q(n, 0.0);
  for (unsigned j = 0; j < levels; ++j) {
    size_t begin = j * n / levels, end = (j + 1) * n / levels;
    double sum = 0;
    size_t nonEmpty = 0;
    for (size_t i = begin; i < end; ++i) {
      sum += double(h.counts[first + i]);
      nonEmpty += h.counts[first + i] != 0;
    }
    for (size_t i = begin; i < end; ++i)
      if (h.counts[first + i] != 0)
        q[i] = sum / double(nonEmpty);
  }
  double pTotal = 0, qTotal = 0;
  for (size_t i = 0; i < n; ++i) {
    pTotal += p[i];
    qTotal += q[i];
  }
  if (pTotal == 0 || qTotal == 0)
    return std::numeric_limits<double>::infinity();
  double divergence = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == 0)
      continue;
    double pi = p[i] / pTotal;
    double qi = std::max(q[i] / qTotal, 1e-12);
    divergence += pi * std::log(pi / qi);
  }
  return divergence;
}

} // namespace

RealRange quantc::chooseRange(const TensorStats &stats,
                              CalibrationMethod method, unsigned levels,
                              double percentile) {
  if (!stats.hasRange() || stats.getTotal() == 0)
    return {0.0, 0.0};
  RealRange full = withZero({stats.getMin(), stats.getMax()});
  if (method == CalibrationMethod::MinMax || stats.getMax() == stats.getMin())
    return full;

  Histogram h{stats.getMin(),
              (stats.getMax() - stats.getMin()) /
                  double(stats.getCounts().size()),
              stats.getCounts()};

  if (method == CalibrationMethod::Percentile) {
    double p = std::clamp(percentile, 50.0, 100.0) / 100.0;
    double total = double(stats.getTotal());
    double lowCut = total * (1.0 - p), highCut = total * p;
    double cumulative = 0;
    size_t lowBin = 0, highBin = h.size() - 1;
    bool lowFound = false;
    for (size_t i = 0; i < h.size(); ++i) {
      cumulative += double(h.counts[i]);
      if (!lowFound && cumulative > lowCut) {
        lowBin = i;
        lowFound = true;
      }
      if (cumulative >= highCut) {
        highBin = i;
        break;
      }
    }
    return withZero({h.lo + double(lowBin) * h.width,
                     h.lo + double(highBin + 1) * h.width});
  }

  // mse and entropy: candidates [min f, max f] for f from 1 down, in 128
  // steps (entropy only while the range spans at least `levels` bins).
  constexpr unsigned kCandidates = 128;
  RealRange best = full;
  double bestScore = std::numeric_limits<double>::infinity();
  for (unsigned k = 0; k < kCandidates; ++k) {
    double f = double(kCandidates - k) / double(kCandidates);
    RealRange candidate{full.min * f, full.max * f};
    double score;
    if (method == CalibrationMethod::MSE) {
      score = quantizationError(h, candidate.min, candidate.max, levels);
    } else {
      auto binOf = [&](double v) {
        return size_t(std::clamp(std::round((v - h.lo) / h.width), 0.0,
                                 double(h.size())));
      };
      size_t first = binOf(candidate.min), last = binOf(candidate.max);
      if (last <= first || last - first < levels)
        break;
      score = clippedDivergence(h, first, last, levels);
    }
    // Ties keep the wider range.
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}
