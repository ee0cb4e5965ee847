//===- CodebookTest.cpp - k-means and power-of-two codebooks -------------===//
//
// Codebooks on data whose right answer is known: k-means recovers well
// separated clusters exactly, never does worse than its quantile starting
// point, and keeps few distinct values as they are; power-of-two levels
// are the powers the rule names, and every value maps to its nearest
// entry.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Codebook.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>
#include <vector>

using namespace quantc;

namespace {

double squaredError(const std::vector<float> &values, const Codebook &book) {
  double error = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double d = double(values[i]) - book.entries[book.indices[i]];
    error += d * d;
  }
  return error;
}

TEST(CodebookTest, NearestEntryTiesGoLow) {
  std::vector<float> entries = {-1.0f, 0.0f, 2.0f};
  EXPECT_EQ(nearestEntry(entries, -5.0f), 0u);
  EXPECT_EQ(nearestEntry(entries, -0.5f), 0u);
  EXPECT_EQ(nearestEntry(entries, -0.4f), 1u);
  EXPECT_EQ(nearestEntry(entries, 1.0f), 1u);
  EXPECT_EQ(nearestEntry(entries, 1.01f), 2u);
  EXPECT_EQ(nearestEntry(entries, 9.0f), 2u);
}

TEST(CodebookTest, FewDistinctValuesAreKept) {
  std::vector<float> values = {0.5f, -1.0f, 0.5f, 3.0f, -1.0f};
  Codebook book = buildKMeansCodebook(values, 16);
  EXPECT_EQ(book.entries, (llvm::SmallVector<float>{-1.0f, 0.5f, 3.0f}));
  EXPECT_EQ(squaredError(values, book), 0.0);
}

TEST(CodebookTest, KMeansFindsSeparatedClusters) {
  // Four tight clusters of unequal sizes and spacing: every cluster, the
  // small ones too, gets its own entry.
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 0.01f);
  std::vector<float> centers = {-4.0f, -1.0f, 2.0f, 7.0f};
  std::vector<int> counts = {700, 20, 200, 80};
  std::vector<float> values;
  for (size_t c = 0; c < centers.size(); ++c)
    for (int i = 0; i < counts[c]; ++i)
      values.push_back(centers[c] + noise(rng));
  Codebook book = buildKMeansCodebook(values, 4);
  ASSERT_EQ(book.entries.size(), 4u);
  for (size_t c = 0; c < centers.size(); ++c)
    EXPECT_NEAR(book.entries[c], centers[c], 0.01f);
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(book.indices[i], nearestEntry(book.entries, values[i]));
}

TEST(CodebookTest, KMeansBeatsUniformLevels) {
  // Gaussian weights: 16 k-means entries have well under the squared error
  // of 16 evenly spaced levels over the range, the int4 grid's shape
  // (Lloyd-Max levels for a Gaussian have about half of it).
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(4096);
  for (float &v : values)
    v = normal(rng);
  Codebook book = buildKMeansCodebook(values, 16);
  EXPECT_EQ(book.entries.size(), 16u);
  float lo = *std::min_element(values.begin(), values.end());
  float hi = *std::max_element(values.begin(), values.end());
  Codebook uniform;
  for (int j = 0; j < 16; ++j)
    uniform.entries.push_back(lo + (hi - lo) * j / 15);
  for (float v : values)
    uniform.indices.push_back(nearestEntry(uniform.entries, v));
  EXPECT_LT(squaredError(values, book), 0.6 * squaredError(values, uniform));
}

TEST(CodebookTest, PowerOfTwoLevels) {
  // max |v| = 3 is nearest 2^2 in the log domain (log2 3 = 1.58 rounds
  // to 2): levels 0 and +-4, 2, 1, 1/2, ..., 1/16 for 4-bit indices; 3
  // lies halfway between 2 and 4 and takes the lower.
  std::vector<float> values = {3.0f, -0.3f, 0.0f, 0.05f, -9.0f / 8};
  Codebook book = buildPowerOfTwoCodebook(values, 4);
  llvm::SmallVector<float> expected;
  for (int e = 2; e >= -4; --e)
    expected.push_back(-std::ldexp(1.0f, e));
  expected.push_back(0.0f);
  for (int e = -4; e <= 2; ++e)
    expected.push_back(std::ldexp(1.0f, e));
  EXPECT_EQ(book.entries, expected);
  std::vector<float> mapped;
  for (uint8_t index : book.indices)
    mapped.push_back(book.entries[index]);
  EXPECT_EQ(mapped, (std::vector<float>{2.0f, -0.25f, 0.0f, 0.0625f, -1.0f}));
}

TEST(CodebookTest, PowerOfTwoOfZeros) {
  std::vector<float> values = {0.0f, 0.0f};
  Codebook book = buildPowerOfTwoCodebook(values, 8);
  EXPECT_EQ(book.entries, (llvm::SmallVector<float>{0.0f}));
  EXPECT_EQ(book.indices, (llvm::SmallVector<uint8_t>{0, 0}));
}

} // namespace
