//===- Calibration.cpp - Activation statistics and range choice ----------===//
//
// See include/quantc/Support/Calibration.h and docs/numerics.md.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Calibration.h"

#include "llvm/ADT/StringSwitch.h"

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

std::optional<size_t> TensorStats::addRange(const float *values, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      return i;
  for (size_t i = 0; i < count; ++i) {
    double v = values[i];
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
  for (size_t i = 0; i < count; ++i) {
    size_t bin = 0;
    if (width > 0) {
      double at = (double(values[i]) - min) / width;
      bin = at <= 0 ? 0 : std::min(size_t(at), bins - 1);
    }
    ++counts[bin];
  }
  total += count;
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
