//===- PrecisionTest.cpp - Output errors, the plan search and its files ---===//
//
// The output error against values worked by hand; the search against an
// exhaustive one on random analyses (it meets the budget, cannot lower any
// layer further, and costs next to nothing more than the best choice); the
// files it reads and writes, through a round trip and malformed plans.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Precision.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace quantc;

namespace {

TEST(OutputErrorTest, MatchesHandWorkedValues) {
  OutputErrorAccumulator accumulator;
  accumulator.add({1, 2}, {1, 2});
  accumulator.add({3, 4}, {3, 5});
  OutputError error = accumulator.get();
  EXPECT_DOUBLE_EQ(error.signalPower, 30.0 / 4);
  EXPECT_DOUBLE_EQ(error.noisePower, 1.0 / 4);
  EXPECT_NEAR(error.getSQNR(), 10 * std::log10(30.0), 1e-12);
  EXPECT_NEAR(error.cosine, 34 / (std::sqrt(30.0) * std::sqrt(39.0)), 1e-12);
  EXPECT_DOUBLE_EQ(error.maxError, 1);
  OutputErrorAccumulator same;
  same.add({1, -1}, {1, -1});
  EXPECT_TRUE(std::isinf(same.get().getSQNR()));
  EXPECT_DOUBLE_EQ(same.get().cosine, 1);
}

Analysis makeAnalysis(std::mt19937 &random, size_t layers) {
  std::uniform_real_distribution<double> exponent(-6, -1);
  std::uniform_int_distribution<int64_t> size(64, 65536);
  Analysis analysis;
  analysis.signalPower = 1;
  analysis.precisions = {Precision::Int8, Precision::Int4};
  for (size_t i = 0; i < layers; ++i) {
    LayerSensitivity layer;
    layer.node = "layer" + std::to_string(i);
    layer.weights = size(random);
    layer.channels = 16;
    layer.int4Groups = layer.weights / 32;
    layer.macs = layer.weights * 8;
    double int8 = std::pow(10.0, exponent(random));
    layer.alone[Precision::Int8].noisePower = int8;
    // int4 adds 10 to 30 dB of noise.
    layer.alone[Precision::Int4].noisePower =
        int8 * std::pow(10.0, 1 + 2 * (exponent(random) + 6) / 5);
    analysis.layers.push_back(layer);
  }
  return analysis;
}

TEST(PrecisionSearchTest, MeetsTheBudgetNearTheBestChoice) {
  std::mt19937 random(7);
  const std::vector<Precision> allowed = {Precision::Float, Precision::Int8,
                                          Precision::Int4};
  double worstRatio = 1;
  for (int trial = 0; trial < 50; ++trial) {
    Analysis analysis = makeAnalysis(random, 6);
    double budget = 15 + trial % 30;
    llvm::Expected<PrecisionChoice> choice =
        searchPrecisions(analysis, allowed, budget, Objective::Size);
    ASSERT_TRUE(bool(choice)) << llvm::toString(choice.takeError());
    EXPECT_GE(choice->predictedSQNR, budget);
    // No single layer can be lowered within the budget.
    for (size_t i = 0; i < analysis.layers.size(); ++i)
      for (Precision precision : allowed) {
        if (getWeightBytes(analysis.layers[i], precision) >=
            getWeightBytes(analysis.layers[i], choice->precisions[i]))
          continue;
        std::vector<Precision> lowered = choice->precisions;
        lowered[i] = precision;
        EXPECT_LT(predictSQNR(analysis, lowered), budget);
      }
    // Every choice, exhaustively: the cheapest that meets the budget.
    double best = INFINITY;
    std::vector<Precision> precisions(6);
    for (int code = 0; code < 729; ++code) {
      double bytes = 0;
      for (int i = 0, c = code; i < 6; ++i, c /= 3) {
        precisions[i] = allowed[c % 3];
        bytes += getWeightBytes(analysis.layers[i], precisions[i]);
      }
      if (predictSQNR(analysis, precisions) >= budget)
        best = std::min(best, bytes);
    }
    ASSERT_LE(best, choice->bytes);
    worstRatio = std::max(worstRatio, choice->bytes / best);
  }
  // The steps of the budget round each layer's noise up by at most 1e-4
  // of the budget: the cost stays within a hair of the best.
  EXPECT_LE(worstRatio, 1.01);
}

TEST(PrecisionSearchTest, InfeasibleBudgetNamesTheHighestReached) {
  std::mt19937 random(3);
  Analysis analysis = makeAnalysis(random, 4);
  std::vector<Precision> int8(4, Precision::Int8);
  double highest = predictSQNR(analysis, int8);
  llvm::Expected<PrecisionChoice> choice =
      searchPrecisions(analysis, {Precision::Int8, Precision::Int4},
                       highest + 1, Objective::Size);
  ASSERT_FALSE(bool(choice));
  std::string message = llvm::toString(choice.takeError());
  char expected[32];
  std::snprintf(expected, sizeof(expected), "%.2f dB (predicted)", highest);
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  // The highest itself is reachable.
  EXPECT_TRUE(
      bool(searchPrecisions(analysis, {Precision::Int8, Precision::Int4},
                            highest - 1e-9, Objective::Size)));
}

TEST(LatencyModelTest, MeasuredUniformRunsScaleTheRooflines) {
  std::mt19937 random(5);
  Analysis analysis = makeAnalysis(random, 3);
  std::vector<Precision> int8(3, Precision::Int8), int4(3, Precision::Int4);
  // Without measurements: the roofline sum.
  double roofline8 = 0;
  for (const LayerSensitivity &layer : analysis.layers)
    roofline8 += estimateSeconds(layer, Precision::Int8);
  EXPECT_DOUBLE_EQ(predictSeconds(analysis, int8), roofline8);
  // A uniform run measured: predicting it gives the measurement back.
  analysis.measuredSeconds[Precision::Int8] = 0.004;
  analysis.measuredSeconds[Precision::Int4] = 0.009;
  EXPECT_NEAR(predictSeconds(analysis, int8), 0.004, 1e-15);
  EXPECT_NEAR(predictSeconds(analysis, int4), 0.009, 1e-15);
  // A mix: each layer at its own precision's scale.
  std::vector<Precision> mixed = {Precision::Int8, Precision::Int4,
                                  Precision::Int4};
  double expected = getLatencyScale(analysis, Precision::Int8) *
                        estimateSeconds(analysis.layers[0], Precision::Int8) +
                    getLatencyScale(analysis, Precision::Int4) *
                        (estimateSeconds(analysis.layers[1], Precision::Int4) +
                         estimateSeconds(analysis.layers[2], Precision::Int4));
  EXPECT_NEAR(predictSeconds(analysis, mixed), expected, 1e-15);
  // fp32 was not measured: scale 1.
  EXPECT_DOUBLE_EQ(getLatencyScale(analysis, Precision::Float), 1);
}

/// A file in a fresh temporary folder, removed with it.
struct TemporaryFile {
  llvm::SmallString<128> dir, path;
  explicit TemporaryFile(llvm::StringRef name) {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("precision-test", dir));
    path = dir;
    path += "/";
    path += name;
  }
  ~TemporaryFile() { llvm::sys::fs::remove_directories(dir); }
  void write(llvm::StringRef text) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << text;
  }
};

TEST(PrecisionFilesTest, AnalysisRoundTrips) {
  std::mt19937 random(1);
  Analysis analysis = makeAnalysis(random, 3);
  analysis.model = "model.onnx";
  analysis.quantize = "static";
  analysis.samples = 5;
  for (LayerSensitivity &layer : analysis.layers)
    layer.allButThis = layer.alone[Precision::Int4];
  analysis.uniform[Precision::Int8].noisePower = 0.5;
  analysis.measuredSeconds[Precision::Float] = 0.25;
  TemporaryFile file("analysis.json");
  std::string text;
  llvm::raw_string_ostream os(text);
  writeAnalysisJSON(os, analysis);
  file.write(text);
  llvm::Expected<Analysis> read = readAnalysisJSON(file.path);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->model, "model.onnx");
  EXPECT_EQ(read->samples, 5u);
  ASSERT_EQ(read->layers.size(), 3u);
  for (auto [a, b] : llvm::zip(analysis.layers, read->layers)) {
    EXPECT_EQ(a.node, b.node);
    EXPECT_EQ(a.weights, b.weights);
    EXPECT_EQ(a.int4Groups, b.int4Groups);
    EXPECT_DOUBLE_EQ(a.alone[Precision::Int4].noisePower,
                     b.alone[Precision::Int4].noisePower);
    ASSERT_TRUE(b.allButThis.has_value());
  }
  EXPECT_DOUBLE_EQ(read->uniform[Precision::Int8].noisePower, 0.5);
  EXPECT_DOUBLE_EQ(read->measuredSeconds[Precision::Float], 0.25);
}

TEST(PrecisionFilesTest, PlansAndTheirErrors) {
  TemporaryFile file("plan.json");
  file.write(R"({"default": "int8", "layers": [
      {"node": "conv*", "precision": "fp32"},
      {"op": "MatMul", "precision": "int4"}]})");
  llvm::Expected<PrecisionPlan> plan = readPrecisionPlan(file.path);
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  EXPECT_EQ(plan->defaultPrecision, Precision::Int8);
  ASSERT_EQ(plan->entries.size(), 2u);
  EXPECT_EQ(plan->entries[0].node, "conv*");
  EXPECT_EQ(plan->entries[1].op, "MatMul");
  EXPECT_EQ(plan->entries[1].precision, Precision::Int4);

  auto errorOf = [&](llvm::StringRef text) {
    file.write(text);
    llvm::Expected<PrecisionPlan> bad = readPrecisionPlan(file.path);
    EXPECT_FALSE(bool(bad));
    return bad ? std::string() : llvm::toString(bad.takeError());
  };
  EXPECT_NE(errorOf(R"({"layers": [{"node": "a", "precision": "int2"}]})")
                .find("layers[0].precision must be \"fp32\", \"int8\" or "
                      "\"int4\""),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"layers": [{"precision": "int8"}]})")
                .find("layers[0] names neither a node nor an op"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"default": "int8"})").find("needs \"layers\""),
            std::string::npos);
  EXPECT_NE(errorOf("{").find("not JSON"), std::string::npos);
}

} // namespace
