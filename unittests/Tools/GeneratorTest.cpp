//===- GeneratorTest.cpp - The sampler of quantc generate ----------------===//

#include "quantc/Tools/Generator.h"

#include <gtest/gtest.h>

#include <map>

using namespace quantc;

namespace {

TEST(SampleToken, GreedyTakesTheLargestLogitAndTheLowestIndexOnTies) {
  GenerateOptions options;
  uint64_t state = 0;
  std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(sampleToken(logits, options, state), 1u);
  options.topK = 1;
  EXPECT_EQ(sampleToken(logits, options, state), 1u);
  // Greedy draws no random numbers.
  EXPECT_EQ(state, 0u);
}

TEST(SampleToken, TopKSamplesOnlyAmongTheKLargest) {
  GenerateOptions options;
  options.topK = 2;
  uint64_t state = 7;
  std::vector<float> logits = {0.0f, 3.0f, 1.0f, 2.9f, -5.0f};
  std::map<size_t, int> counts;
  for (int i = 0; i < 4000; ++i)
    ++counts[sampleToken(logits, options, state)];
  ASSERT_EQ(counts.size(), 2u);
  // exp(3) : exp(2.9) is 0.525 : 0.475.
  double share = counts[1] / 4000.0;
  EXPECT_NEAR(share, 0.525, 0.03);
  EXPECT_GT(counts[3], 0);
}

TEST(SampleToken, TemperatureSharpensAndTheSeedRepeats) {
  GenerateOptions options;
  options.topK = 3;
  options.temperature = 0.05;
  std::vector<float> logits = {1.0f, 0.0f, 0.5f};
  uint64_t state = 1;
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(sampleToken(logits, options, state), 0u);
  options.temperature = 1.0;
  uint64_t a = 42, b = 42;
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(sampleToken(logits, options, a), sampleToken(logits, options, b));
}

} // namespace
