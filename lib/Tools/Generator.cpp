//===- Generator.cpp - Text generation with a compiled decoder -----------===//
//
// Finds the decoder's token input, its cache inputs and their outputs by
// name (docs/llm.md), then runs the prefill and decode loop, timing each
// phase on its own.
//
//===----------------------------------------------------------------------===//

#include "quantc/Tools/Generator.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>

using namespace quantc;
using llvm::createStringError;

namespace {
// ONNX's element type codes.
constexpr int kFloat = 1, kInt32 = 6, kInt64 = 7;

/// Where a decoder keeps its tokens, cache and logits among the library's
/// inputs and outputs.
struct Interface {
  size_t tokens = 0;
  size_t logits = 0;
  struct Cache {
    size_t input, output;
    /// The input's dimension that grows with the cache.
    size_t axis;
  };
  std::vector<Cache> caches;
  size_t vocabulary = 0;
};

llvm::Expected<Interface> findInterface(const LoadedModel &model) {
  const auto &inputs = model.getInputs();
  const auto &outputs = model.getOutputs();
  Interface result;
  std::vector<size_t> tokenInputs;
  for (auto [i, input] : llvm::enumerate(inputs))
    if (input.dtype == kInt64 || input.dtype == kInt32)
      tokenInputs.push_back(i);
  if (tokenInputs.size() != 1)
    return createStringError("the model needs exactly one integer input (the "
                             "tokens), it has %zu",
                             tokenInputs.size());
  result.tokens = tokenInputs.front();
  if (inputs[result.tokens].shape.size() != 2)
    return createStringError("the token input '%s' must have rank 2 "
                             "([1, sequence])",
                             inputs[result.tokens].name.c_str());
  std::vector<bool> isCacheOutput(outputs.size(), false);
  for (auto [i, input] : llvm::enumerate(inputs)) {
    if (i == result.tokens)
      continue;
    size_t at = input.name.find("past");
    if (at == std::string::npos || input.dtype != kFloat)
      return createStringError("input '%s' is neither the tokens nor a float "
                               "cache input named past...",
                               input.name.c_str());
    std::string present = input.name;
    present.replace(at, 4, "present");
    auto found = llvm::find_if(outputs, [&](const LoadedModel::TensorInfo &o) {
      return o.name == present;
    });
    if (found == outputs.end())
      return createStringError("cache input '%s' has no output '%s'",
                               input.name.c_str(), present.c_str());
    std::vector<size_t> dynamic;
    for (auto [d, size] : llvm::enumerate(input.shape))
      if (size < 0)
        dynamic.push_back(d);
    if (dynamic.size() != 1)
      return createStringError("cache input '%s' must have exactly one "
                               "dynamic dimension (its length), it has %zu",
                               input.name.c_str(), dynamic.size());
    size_t output = found - outputs.begin();
    isCacheOutput[output] = true;
    result.caches.push_back({i, output, dynamic.front()});
  }
  // Without a cache, a decode step would see its one token alone.
  if (result.caches.empty())
    return createStringError("the model has no cache input (past...): "
                             "generation needs a key/value cache");
  auto logits = llvm::find_if(outputs, [](const LoadedModel::TensorInfo &o) {
    return o.name == "logits";
  });
  if (logits == outputs.end()) {
    std::vector<size_t> others;
    for (size_t o = 0; o < outputs.size(); ++o)
      if (!isCacheOutput[o])
        others.push_back(o);
    if (others.size() != 1)
      return createStringError("the model has no output 'logits' and %zu "
                               "outputs besides its cache",
                               others.size());
    result.logits = others.front();
  } else {
    result.logits = logits - outputs.begin();
  }
  const auto &info = outputs[result.logits];
  if (info.dtype != kFloat || info.shape.size() != 3 || info.shape[2] < 0)
    return createStringError("the logits '%s' must be float [1, sequence, "
                             "vocabulary] with a static vocabulary",
                             info.name.c_str());
  result.vocabulary = info.shape[2];
  if (result.vocabulary != 256)
    return createStringError("quantc generate reads and writes bytes: the "
                             "logits '%s' must have 256 entries, not %zu",
                             info.name.c_str(), result.vocabulary);
  return result;
}

/// The next 64 random bits of SplitMix64.
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
} // namespace

size_t quantc::sampleToken(llvm::ArrayRef<float> logits,
                           const GenerateOptions &options, uint64_t &state) {
  std::vector<size_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  // Larger logits first, lower indices first on ties.
  auto better = [&](size_t a, size_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  size_t k = std::clamp<size_t>(options.topK, 1, logits.size());
  std::partial_sort(order.begin(), order.begin() + k, order.end(), better);
  if (k == 1)
    return order.front();
  double top = logits[order.front()];
  std::vector<double> weights;
  double total = 0;
  for (size_t i = 0; i < k; ++i) {
    weights.push_back(std::exp((logits[order[i]] - top) / options.temperature));
    total += weights.back();
  }
  // A uniform draw in [0, 1) from the top 53 bits.
  double u = double(nextRandom(state) >> 11) * 0x1.0p-53 * total;
  for (size_t i = 0; i < k; ++i) {
    if (u < weights[i])
      return order[i];
    u -= weights[i];
  }
  return order[k - 1];
}

llvm::Expected<GenerateResult>
quantc::generate(LoadedModel &model, const GenerateOptions &options,
                 llvm::function_ref<void(char)> onToken) {
  llvm::Expected<Interface> found = findInterface(model);
  if (!found)
    return found.takeError();
  const Interface &interface = *found;
  if (options.prompt.empty())
    return createStringError("the prompt is empty");
  if (options.context < 2)
    return createStringError("the context must hold 2 tokens or more");
  if (options.topK > 1 && !(options.temperature > 0))
    return createStringError("the temperature must be positive");
  const auto &inputs = model.getInputs();
  const auto &outputs = model.getOutputs();

  // The next tokens, and each cache input: the cache output of the
  // previous run, in the buffer the model left it in (no copy).
  HostTensor tokenTensor;
  std::vector<LoadedModel::Output> caches(inputs.size());
  // Feeds `tokens` as the next ones.
  auto setTokens = [&](llvm::ArrayRef<unsigned char> tokens) {
    HostTensor &t = tokenTensor;
    t.dtype = inputs[interface.tokens].dtype;
    t.shape = {1, int64_t(tokens.size())};
    size_t bytes = t.dtype == kInt64 ? 8 : 4;
    t.data.assign(tokens.size() * bytes, 0);
    for (auto [i, token] : llvm::enumerate(tokens)) {
      if (bytes == 8) {
        int64_t v = token;
        std::memcpy(t.data.data() + i * 8, &v, 8);
      } else {
        int32_t v = token;
        std::memcpy(t.data.data() + i * 4, &v, 4);
      }
    }
  };
  // Empties the cache.
  auto clearCache = [&] {
    for (const Interface::Cache &cache : interface.caches) {
      LoadedModel::Output &c = caches[cache.input];
      c.dtype = kFloat;
      c.shape = llvm::SmallVector<int64_t>(inputs[cache.input].shape);
      c.shape[cache.axis] = 0;
      c.buffer.reset();
    }
  };

  GenerateResult result;
  std::vector<unsigned char> history(options.prompt.begin(),
                                     options.prompt.end());
  uint64_t state = options.seed;
  size_t cached = 0; // tokens in the cache
  // Runs the model on the tokens in args; returns the last row's logits.
  auto step = [&](bool prefill) -> llvm::Expected<std::vector<float>> {
    size_t count = tokenTensor.shape[1];
    std::vector<LoadedModel::TensorView> args(inputs.size());
    args[interface.tokens] = LoadedModel::TensorView::of(tokenTensor);
    for (const Interface::Cache &cache : interface.caches)
      args[cache.input] = caches[cache.input].view();
    auto start = std::chrono::steady_clock::now();
    llvm::Expected<std::vector<LoadedModel::Output>> results =
        model.runOwned(args);
    auto end = std::chrono::steady_clock::now();
    if (!results)
      return results.takeError();
    double seconds = std::chrono::duration<double>(end - start).count();
    (prefill ? result.prefillSeconds : result.decodeSeconds) += seconds;
    (prefill ? result.prefillTokens : result.decodeTokens) += count;
    const LoadedModel::Output &logits = (*results)[interface.logits];
    if (logits.shape.size() != 3 || logits.shape[1] != int64_t(count) ||
        logits.shape[2] != int64_t(interface.vocabulary))
      return createStringError("the logits '%s' came out with the wrong shape",
                               outputs[interface.logits].name.c_str());
    std::vector<float> row(interface.vocabulary);
    std::memcpy(row.data(),
                static_cast<const float *>(logits.buffer.get()) +
                    (count - 1) * interface.vocabulary,
                interface.vocabulary * sizeof(float));
    for (const Interface::Cache &cache : interface.caches)
      caches[cache.input] = std::move((*results)[cache.output]);
    cached += count;
    return row;
  };
  // Runs `tokens` after an empty cache.
  auto prefill = [&](llvm::ArrayRef<unsigned char> tokens) {
    setTokens(tokens);
    clearCache();
    cached = 0;
    return step(/*prefill=*/true);
  };

  llvm::Expected<std::vector<float>> logits =
      prefill(llvm::ArrayRef(history).take_back(
          std::min<size_t>(history.size(), options.context)));
  if (!logits)
    return logits.takeError();
  for (unsigned n = 0; n < options.maxTokens; ++n) {
    auto token = (unsigned char)sampleToken(*logits, options, state);
    history.push_back(token);
    result.text.push_back(char(token));
    onToken(char(token));
    if (n + 1 == options.maxTokens)
      break;
    if (cached + 1 > options.context) {
      // The cache is full: rebuild it from the latest half context.
      logits = prefill(llvm::ArrayRef(history).take_back(options.context / 2));
    } else {
      unsigned char next[] = {token};
      setTokens(next);
      logits = step(/*prefill=*/false);
    }
    if (!logits)
      return logits.takeError();
  }
  return result;
}
