//===- Codebook.cpp - Non-uniform weight codebooks -----------------------===//
//
// k-means in one dimension works on the sorted values: every cluster is a
// contiguous run of them, cut at the midpoints between neighbouring
// entries, so one round is a binary search per entry and a difference of
// prefix sums, not a pass over every value.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Codebook.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace quantc;

unsigned quantc::nearestEntry(ArrayRef<float> entries, float value) {
  const float *upper = std::lower_bound(entries.begin(), entries.end(), value);
  if (upper == entries.begin())
    return 0;
  if (upper == entries.end())
    return entries.size() - 1;
  unsigned above = upper - entries.begin();
  // Ties go to the lower entry.
  return double(value) - double(entries[above - 1]) <=
                 double(entries[above]) - double(value)
             ? above - 1
             : above;
}

/// Maps every value to its nearest entry.
static void assignIndices(ArrayRef<float> values, Codebook &codebook) {
  codebook.indices.clear();
  codebook.indices.reserve(values.size());
  for (float v : values)
    codebook.indices.push_back(nearestEntry(codebook.entries, v));
}

Codebook quantc::buildKMeansCodebook(ArrayRef<float> values,
                                     unsigned maxEntries, unsigned iterations) {
  SmallVector<float> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  SmallVector<float> distinct(sorted);
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  Codebook codebook;
  if (distinct.size() <= maxEntries) {
    codebook.entries = distinct;
    assignIndices(values, codebook);
    return codebook;
  }

  size_t n = sorted.size();
  unsigned k = maxEntries;
  SmallVector<double> prefix(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i)
    prefix[i + 1] = prefix[i] + sorted[i];
  // Linear starting points over [min, max], which keep entries for the
  // rare large weights (Han et al., Deep Compression, found them best for
  // weights).
  SmallVector<double> centers(k);
  for (unsigned j = 0; j < k; ++j)
    centers[j] =
        sorted.front() + (double(sorted.back()) - sorted.front()) * j / (k - 1);

  for (unsigned round = 0; round < iterations; ++round) {
    bool moved = false;
    size_t begin = 0;
    for (unsigned j = 0; j < k; ++j) {
      size_t end = n;
      if (j + 1 < k) {
        // Values up to the midpoint, ties to the lower entry.
        double cut = (centers[j] + centers[j + 1]) / 2;
        end = std::upper_bound(sorted.begin() + begin, sorted.end(), cut,
                               [](double c, float v) { return c < v; }) -
              sorted.begin();
      }
      if (end > begin) {
        double mean = (prefix[end] - prefix[begin]) / double(end - begin);
        moved |= mean != centers[j];
        centers[j] = mean;
      }
      begin = end;
    }
    if (!moved)
      break;
  }
  for (double c : centers)
    codebook.entries.push_back(float(c));
  std::sort(codebook.entries.begin(), codebook.entries.end());
  codebook.entries.erase(
      std::unique(codebook.entries.begin(), codebook.entries.end()),
      codebook.entries.end());
  assignIndices(values, codebook);
  // Entries no value maps to are dropped; no value's nearest entry changes.
  SmallVector<bool> used(codebook.entries.size(), false);
  for (uint8_t index : codebook.indices)
    used[index] = true;
  if (llvm::is_contained(used, false)) {
    SmallVector<float> kept;
    for (auto [entry, isUsed] : llvm::zip(codebook.entries, used))
      if (isUsed)
        kept.push_back(entry);
    codebook.entries = kept;
    assignIndices(values, codebook);
  }
  return codebook;
}

Codebook quantc::buildPowerOfTwoCodebook(ArrayRef<float> values,
                                         unsigned bits) {
  float maxAbs = 0.0f;
  for (float v : values)
    maxAbs = std::max(maxAbs, std::fabs(v));
  Codebook codebook;
  SmallVector<float> magnitudes;
  if (maxAbs > 0.0f) {
    int top = int(std::lround(std::log2(double(maxAbs))));
    int levels = (1 << (bits - 1)) - 1;
    for (int j = 0; j < levels; ++j) {
      float level = std::ldexp(1.0f, top - j);
      if (level == 0.0f)
        break;
      magnitudes.push_back(level);
    }
  }
  for (float m : llvm::reverse(magnitudes))
    codebook.entries.push_back(-m);
  codebook.entries.push_back(0.0f);
  for (float m : magnitudes)
    codebook.entries.push_back(m);
  std::sort(codebook.entries.begin(), codebook.entries.end());
  assignIndices(values, codebook);
  return codebook;
}
