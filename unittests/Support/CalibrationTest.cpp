//===- CalibrationTest.cpp - Activation statistics and range choice ------===//
//
// TensorStats over known data, and each range method on distributions whose
// right answer is known: the ranges of minmax and percentile exactly (to a
// bin), and for mse and entropy that they clip outliers when that pays
// while the bulk of the values stays inside.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Calibration.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>
#include <vector>

using namespace quantc;

namespace {

/// Statistics of `values` after the two passes, fed in chunks of `chunk`.
TensorStats collect(const std::vector<float> &values, size_t chunk = 1000) {
  TensorStats stats;
  for (size_t i = 0; i < values.size(); i += chunk)
    EXPECT_FALSE(
        stats.addRange(values.data() + i, std::min(chunk, values.size() - i)));
  for (size_t i = 0; i < values.size(); i += chunk)
    stats.addHistogram(values.data() + i, std::min(chunk, values.size() - i));
  return stats;
}

std::vector<float> gaussianWithOutliers(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.5f, 1.0f);
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i)
    values.push_back(normal(rng));
  // A few large outliers on both sides.
  for (float v : {40.0f, 35.0f, -30.0f, 50.0f})
    values.push_back(v);
  return values;
}

TEST(CalibrationTest, MethodNames) {
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE})
    EXPECT_EQ(parseCalibrationMethod(getCalibrationMethodName(m)), m);
  EXPECT_FALSE(parseCalibrationMethod("kl"));
}

TEST(CalibrationTest, StatsCountEveryValueOnce) {
  std::vector<float> values;
  for (int i = 0; i < 10000; ++i)
    values.push_back(float(i % 100) - 20.0f);
  TensorStats stats = collect(values, 333);
  EXPECT_EQ(stats.getMin(), -20.0);
  EXPECT_EQ(stats.getMax(), 79.0);
  EXPECT_EQ(stats.getTotal(), 10000u);
  uint64_t sum = 0;
  for (uint64_t c : stats.getCounts())
    sum += c;
  EXPECT_EQ(sum, 10000u);
  // The maximum lands in the last bin, the minimum in the first.
  EXPECT_EQ(stats.getCounts().front(), 100u);
  EXPECT_EQ(stats.getCounts().back(), 100u);
}

TEST(CalibrationTest, NonFiniteValuesAreReported) {
  TensorStats stats;
  std::vector<float> values = {1.0f, 2.0f, NAN, 3.0f};
  std::optional<size_t> bad = stats.addRange(values.data(), values.size());
  ASSERT_TRUE(bad);
  EXPECT_EQ(*bad, 2u);
  EXPECT_FALSE(stats.hasRange());
  values[2] = INFINITY;
  EXPECT_EQ(stats.addRange(values.data(), values.size()), size_t(2));
}

TEST(CalibrationTest, MinMaxContainsZero) {
  TensorStats positive = collect({1.0f, 2.0f, 3.0f});
  RealRange range = chooseRange(positive, CalibrationMethod::MinMax);
  EXPECT_EQ(range.min, 0.0);
  EXPECT_EQ(range.max, 3.0);
  TensorStats negative = collect({-5.0f, -1.0f});
  range = chooseRange(negative, CalibrationMethod::MinMax);
  EXPECT_EQ(range.min, -5.0);
  EXPECT_EQ(range.max, 0.0);
}

TEST(CalibrationTest, ConstantAndEmptyTensors) {
  TensorStats zeros = collect(std::vector<float>(64, 0.0f));
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE}) {
    RealRange range = chooseRange(zeros, m);
    EXPECT_EQ(range.min, 0.0);
    EXPECT_EQ(range.max, 0.0);
  }
  TensorStats empty;
  EXPECT_EQ(chooseRange(empty, CalibrationMethod::MSE).max, 0.0);
}

TEST(CalibrationTest, PercentileCutsBothTails) {
  // 0, 1, ..., 99999: the 99th percentile range is about [1000, 99000].
  std::vector<float> values;
  for (int i = 0; i < 100000; ++i)
    values.push_back(float(i));
  TensorStats stats = collect(values);
  RealRange range = chooseRange(stats, CalibrationMethod::Percentile, 256, 99);
  double bin = 99999.0 / TensorStats::kDefaultBins;
  // The low end contains zero; the high end is within a bin of 99000.
  EXPECT_EQ(range.min, 0.0);
  EXPECT_NEAR(range.max, 99000.0, 1.5 * bin);

  // Shifted so that the low cut is not zero.
  for (float &v : values)
    v -= 50000.0f;
  TensorStats shifted = collect(values);
  range = chooseRange(shifted, CalibrationMethod::Percentile, 256, 99);
  EXPECT_NEAR(range.min, -49000.0, 1.5 * bin);
  EXPECT_NEAR(range.max, 49000.0, 1.5 * bin);
}

TEST(CalibrationTest, EntropyClipsOutliers) {
  std::vector<float> values = gaussianWithOutliers(1);
  TensorStats stats = collect(values);
  RealRange full = chooseRange(stats, CalibrationMethod::MinMax);
  EXPECT_EQ(full.min, -30.0);
  EXPECT_EQ(full.max, 50.0);
  RealRange range = chooseRange(stats, CalibrationMethod::Entropy);
  // The outliers are clipped, and the bulk of a N(0.5, 1) stays inside.
  EXPECT_LT(range.max, 30.0);
  EXPECT_GT(range.min, -25.0);
  EXPECT_GT(range.max, 3.0);
  EXPECT_LT(range.min, -1.5);
}

TEST(CalibrationTest, EntropyKeepsTheRangeOfUniformData) {
  // Without outliers, clipping loses mass that P keeps in its end bins:
  // entropy keeps nearly the whole range.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uniform(-1.0f, 3.0f);
  std::vector<float> values;
  for (int i = 0; i < 200000; ++i)
    values.push_back(uniform(rng));
  RealRange range = chooseRange(collect(values), CalibrationMethod::Entropy);
  EXPECT_GT(range.max, 2.7);
  EXPECT_LT(range.min, -0.9);
}

TEST(CalibrationTest, MseWeighsClippingAgainstResolution) {
  TensorStats stats = collect(gaussianWithOutliers(1));
  // At 8 bits, four outliers in 100000 values cost more clipped than the
  // resolution they take from the bulk: mse keeps most of the range.
  RealRange eight = chooseRange(stats, CalibrationMethod::MSE, 256);
  EXPECT_GT(eight.max, 30.0);
  // At 4 bits the step over the full range is too coarse for the bulk:
  // mse clips the outliers and keeps the bulk.
  RealRange four = chooseRange(stats, CalibrationMethod::MSE, 16);
  EXPECT_LT(four.max, 30.0);
  EXPECT_GT(four.min, -25.0);
  EXPECT_GT(four.max, 2.0);
  EXPECT_LT(four.min, -1.0);
}

TEST(CalibrationTest, MseKeepsTheFullRangeOfUniformData) {
  // Without outliers, clipping only adds error: mse keeps about all of it.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(-1.0f, 3.0f);
  std::vector<float> values;
  for (int i = 0; i < 50000; ++i)
    values.push_back(uniform(rng));
  TensorStats stats = collect(values);
  RealRange range = chooseRange(stats, CalibrationMethod::MSE);
  EXPECT_GT(range.max, 2.9);
  EXPECT_LT(range.min, -0.95);
}

TEST(CalibrationTest, RestoredStatsChooseTheSameRange) {
  TensorStats stats = collect(gaussianWithOutliers(4));
  TensorStats restored =
      TensorStats::fromParts(stats.getMin(), stats.getMax(), stats.getCounts());
  for (CalibrationMethod m :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile,
        CalibrationMethod::Entropy, CalibrationMethod::MSE}) {
    RealRange a = chooseRange(stats, m), b = chooseRange(restored, m);
    EXPECT_EQ(a.min, b.min);
    EXPECT_EQ(a.max, b.max);
  }
}

TEST(CalibrationTest, ChannelStatsAlongAnAxis) {
  // Two samples of shape [2, 3, 2], channels along axis 1: channel c holds
  // the elements [o][c][i].
  ChannelStats stats(1);
  std::vector<float> first = {1, 2, -3, 4, 5, 6, 7, -8, 9, 10, 11, 12};
  std::vector<float> second(12, 0.0f);
  second[2] = -20.0f; // channel 1
  ASSERT_FALSE(bool(stats.add(first.data(), {2, 3, 2})));
  ASSERT_FALSE(bool(stats.add(second.data(), {2, 3, 2})));
  ASSERT_EQ(stats.getNumChannels(), 3u);
  EXPECT_EQ(stats.getMin(), (std::vector<double>{-8, -20, 0}));
  EXPECT_EQ(stats.getMax(), (std::vector<double>{7, 10, 12}));
  // Channel 0 holds 1, 2, 7, -8 and four zeros.
  EXPECT_DOUBLE_EQ(stats.getMean()[0], 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(stats.getMean()[1], (-3 + 4 + 9 + 10 - 20) / 8.0);
  EXPECT_EQ(stats.getAbsMax(), (std::vector<double>{8, 20, 12}));
}

TEST(CalibrationTest, ChannelStatsRefuseOtherShapes) {
  ChannelStats stats(2);
  std::vector<float> values(12, 1.0f);
  llvm::Error noAxis = stats.add(values.data(), {12});
  EXPECT_TRUE(bool(noAxis));
  llvm::consumeError(std::move(noAxis));
  ASSERT_FALSE(bool(stats.add(values.data(), {1, 3, 4})));
  llvm::Error other = stats.add(values.data(), {1, 4, 3});
  ASSERT_TRUE(bool(other));
  EXPECT_EQ(llvm::toString(std::move(other)),
            "has 3 channels along axis 2, earlier samples had 4");
  EXPECT_EQ(stats.getNumChannels(), 4u);
}

TEST(CalibrationTest, RestoredChannelStats) {
  llvm::Expected<ChannelStats> stats =
      ChannelStats::fromParts(1, {-1.0, 0.0}, {2.0, 3.0}, {0.5, 1.0});
  ASSERT_TRUE(bool(stats));
  EXPECT_EQ(stats->getMean(), (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(stats->getAbsMax(), (std::vector<double>{2.0, 3.0}));
  llvm::Expected<ChannelStats> inverted =
      ChannelStats::fromParts(1, {4.0}, {2.0}, {3.0});
  EXPECT_FALSE(bool(inverted));
  llvm::consumeError(inverted.takeError());
  llvm::Expected<ChannelStats> uneven =
      ChannelStats::fromParts(1, {0.0, 1.0}, {2.0}, {1.0});
  EXPECT_FALSE(bool(uneven));
  llvm::consumeError(uneven.takeError());
}

} // namespace
