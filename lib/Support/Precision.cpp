//===- Precision.cpp - Per-layer precisions, sensitivity and plans --------===//

#include "quantc/Support/Precision.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <limits>

using namespace quantc;
using namespace llvm;

StringRef quantc::getPrecisionName(Precision precision) {
  switch (precision) {
  case Precision::Default:
    return "default";
  case Precision::Float:
    return "fp32";
  case Precision::Int8:
    return "int8";
  case Precision::Int4:
    return "int4";
  }
  llvm_unreachable("unknown precision");
}

std::optional<Precision> quantc::parsePrecision(StringRef name) {
  return StringSwitch<std::optional<Precision>>(name)
      .Case("fp32", Precision::Float)
      .Case("int8", Precision::Int8)
      .Case("int4", Precision::Int4)
      .Default(std::nullopt);
}

double OutputError::getSQNR() const {
  if (noisePower == 0)
    return std::numeric_limits<double>::infinity();
  return 10 * std::log10(signalPower / noisePower);
}

void OutputErrorAccumulator::add(ArrayRef<float> reference,
                                 ArrayRef<float> actual) {
  assert(reference.size() == actual.size() && "outputs of different sizes");
  for (size_t i = 0; i < reference.size(); ++i) {
    double r = reference[i], a = actual[i], d = a - r;
    sumReference2 += r * r;
    sumActual2 += a * a;
    sumProduct += r * a;
    sumNoise2 += d * d;
    maxError = std::max(maxError, std::fabs(d));
  }
  count += reference.size();
}

OutputError OutputErrorAccumulator::get() const {
  OutputError error;
  if (count == 0)
    return error;
  error.signalPower = sumReference2 / count;
  error.noisePower = sumNoise2 / count;
  double norms = std::sqrt(sumReference2) * std::sqrt(sumActual2);
  error.cosine = norms > 0 ? sumProduct / norms : (sumNoise2 == 0 ? 1 : 0);
  error.maxError = maxError;
  return error;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

/// A number JSON can hold: an infinite SQNR is written as null.
static json::Value jsonNumber(double value) {
  if (std::isfinite(value))
    return value;
  return nullptr;
}

static json::Object toJSON(const OutputError &error) {
  return json::Object{{"sqnr_db", jsonNumber(error.getSQNR())},
                      {"noise_power", error.noisePower},
                      {"cosine", error.cosine},
                      {"max_error", error.maxError}};
}

void quantc::writeAnalysisJSON(raw_ostream &os, const Analysis &analysis) {
  json::Array precisions;
  for (Precision precision : analysis.precisions)
    precisions.push_back(getPrecisionName(precision));
  json::Object uniform;
  for (auto &[precision, error] : analysis.uniform)
    uniform[getPrecisionName(precision)] = toJSON(error);
  json::Array layers;
  for (const LayerSensitivity &layer : analysis.layers) {
    json::Object alone, bytes;
    for (auto &[precision, error] : layer.alone)
      alone[getPrecisionName(precision)] = toJSON(error);
    for (Precision precision :
         {Precision::Float, Precision::Int8, Precision::Int4})
      bytes[getPrecisionName(precision)] = getWeightBytes(layer, precision);
    json::Object object{{"node", layer.node},
                        {"op", layer.op},
                        {"weights", layer.weights},
                        {"channels", layer.channels},
                        {"int4_groups", layer.int4Groups},
                        {"macs", layer.macs},
                        {"weight_bytes", std::move(bytes)},
                        {"alone", std::move(alone)}};
    if (layer.allButThis)
      object["all_but_this"] = toJSON(*layer.allButThis);
    layers.push_back(std::move(object));
  }
  json::Object measured;
  for (auto &[precision, seconds] : analysis.measuredSeconds)
    measured[getPrecisionName(precision)] = seconds;
  json::Object root{{"model", analysis.model},
                    {"quantize", analysis.quantize},
                    {"samples", int64_t(analysis.samples)},
                    {"signal_power", analysis.signalPower},
                    {"precisions", std::move(precisions)},
                    {"uniform", std::move(uniform)},
                    {"layers", std::move(layers)}};
  if (!measured.empty())
    root["measured_seconds"] = std::move(measured);
  os << formatv("{0:2}", json::Value(std::move(root))) << "\n";
}

/// Reads a JSON file; errors name it.
static Expected<json::Value> readJSON(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(), "%s: cannot read: %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  Expected<json::Value> value = json::parse((*buffer)->getBuffer());
  if (!value)
    return createStringError(inconvertibleErrorCode(), "%s: not JSON: %s",
                             path.str().c_str(),
                             toString(value.takeError()).c_str());
  return value;
}

static Error malformed(StringRef path, const Twine &what) {
  return createStringError(inconvertibleErrorCode(), path + ": " + what.str());
}

static bool fromJSON(const json::Value &value, OutputError &error,
                     json::Path path) {
  json::ObjectMapper mapper(value, path);
  if (!mapper || !mapper.map("noise_power", error.noisePower) ||
      !mapper.map("cosine", error.cosine) ||
      !mapper.map("max_error", error.maxError))
    return false;
  return true;
}

static Expected<Precision> readPrecision(StringRef path, const json::Value &v,
                                         const Twine &where) {
  std::optional<StringRef> name = v.getAsString();
  std::optional<Precision> precision =
      name ? parsePrecision(*name) : std::nullopt;
  if (!precision)
    return malformed(path, where + " must be \"fp32\", \"int8\" or \"int4\"");
  return *precision;
}

Expected<Analysis> quantc::readAnalysisJSON(StringRef path) {
  Expected<json::Value> value = readJSON(path);
  if (!value)
    return value.takeError();
  const json::Object *root = value->getAsObject();
  if (!root)
    return malformed(path, "not an analysis of quantc analyze");
  Analysis analysis;
  if (std::optional<StringRef> model = root->getString("model"))
    analysis.model = model->str();
  if (std::optional<StringRef> quantize = root->getString("quantize"))
    analysis.quantize = quantize->str();
  if (std::optional<int64_t> samples = root->getInteger("samples"))
    analysis.samples = *samples;
  std::optional<double> signal = root->getNumber("signal_power");
  const json::Array *precisions = root->getArray("precisions");
  const json::Array *layers = root->getArray("layers");
  if (!signal || !precisions || !layers)
    return malformed(path, "an analysis needs signal_power, precisions and "
                           "layers");
  analysis.signalPower = *signal;
  for (const json::Value &name : *precisions) {
    Expected<Precision> precision = readPrecision(path, name, "precisions");
    if (!precision)
      return precision.takeError();
    analysis.precisions.push_back(*precision);
  }
  auto readErrors = [&](const json::Object *object,
                        std::map<Precision, OutputError> &errors,
                        const Twine &where) -> Error {
    if (!object)
      return Error::success();
    for (auto &[key, entry] : *object) {
      std::optional<Precision> precision = parsePrecision(key);
      json::Path::Root root;
      OutputError error;
      if (!precision || !fromJSON(entry, error, root))
        return malformed(path,
                         where + "." + key.str() + " is not an output error");
      error.signalPower = analysis.signalPower;
      errors[*precision] = error;
    }
    return Error::success();
  };
  if (const json::Object *measured = root->getObject("measured_seconds"))
    for (auto &[key, value] : *measured) {
      std::optional<Precision> precision = parsePrecision(key);
      std::optional<double> seconds = value.getAsNumber();
      if (!precision || !seconds)
        return malformed(path, "measured_seconds." + key.str() +
                                   " is not a time in seconds");
      analysis.measuredSeconds[*precision] = *seconds;
    }
  if (Error error =
          readErrors(root->getObject("uniform"), analysis.uniform, "uniform"))
    return error;
  for (auto [i, entry] : llvm::enumerate(*layers)) {
    const json::Object *object = entry.getAsObject();
    std::string where = "layers[" + std::to_string(i) + "]";
    if (!object)
      return malformed(path, where + " is not an object");
    LayerSensitivity layer;
    std::optional<StringRef> node = object->getString("node");
    std::optional<int64_t> weights = object->getInteger("weights");
    if (!node || !weights)
      return malformed(path, where + " needs a node and its weights");
    layer.node = node->str();
    layer.op = object->getString("op").value_or("").str();
    layer.weights = *weights;
    layer.channels = object->getInteger("channels").value_or(1);
    layer.int4Groups = object->getInteger("int4_groups").value_or(1);
    layer.macs = object->getInteger("macs").value_or(0);
    if (Error error =
            readErrors(object->getObject("alone"), layer.alone, where))
      return error;
    if (const json::Value *allBut = object->get("all_but_this")) {
      json::Path::Root root;
      OutputError error;
      if (!fromJSON(*allBut, error, root))
        return malformed(path, where + ".all_but_this is not an output error");
      error.signalPower = analysis.signalPower;
      layer.allButThis = error;
    }
    for (Precision precision : analysis.precisions)
      if (!layer.alone.count(precision))
        return malformed(path, where + " ('" + layer.node +
                                   "') has no error alone at " +
                                   getPrecisionName(precision));
    analysis.layers.push_back(std::move(layer));
  }
  return analysis;
}

//===----------------------------------------------------------------------===//
// Cost model and search
//===----------------------------------------------------------------------===//

double quantc::getWeightBytes(const LayerSensitivity &layer,
                              Precision precision) {
  switch (precision) {
  case Precision::Default:
  case Precision::Float:
    return 4.0 * layer.weights;
  case Precision::Int8:
    return layer.weights + 4.0 * layer.channels;
  case Precision::Int4:
    return std::ceil(layer.weights / 2.0) + 4.0 * layer.int4Groups;
  }
  llvm_unreachable("unknown precision");
}

double quantc::estimateSeconds(const LayerSensitivity &layer,
                               Precision precision) {
  // One core of the Xeon in docs/performance.md: 114 GFLOP/s of fp32 FMA
  // (57 G multiply-accumulates), 457 GOPS of int8 vpdpbusd, 16.6 GB/s
  // read.
  constexpr double floatMacs = 57e9, int8Macs = 228.5e9, bandwidth = 16.6e9;
  double rate = precision == Precision::Int8 ? int8Macs : floatMacs;
  return std::max(layer.macs / rate,
                  getWeightBytes(layer, precision) / bandwidth);
}

/// The noise power `layer` adds at `precision`: none in float.
static double getNoise(const LayerSensitivity &layer, Precision precision) {
  if (precision == Precision::Float || precision == Precision::Default)
    return 0;
  auto it = layer.alone.find(precision);
  assert(it != layer.alone.end() &&
         "a precision the layer was not measured at");
  return it->second.noisePower;
}

double quantc::predictSQNR(const Analysis &analysis,
                           ArrayRef<Precision> precisions) {
  double noise = 0;
  for (auto [layer, precision] : llvm::zip(analysis.layers, precisions))
    noise += getNoise(layer, precision);
  if (noise == 0)
    return std::numeric_limits<double>::infinity();
  return 10 * std::log10(analysis.signalPower / noise);
}

double quantc::getLatencyScale(const Analysis &analysis, Precision precision) {
  if (precision == Precision::Default)
    precision = Precision::Float;
  auto it = analysis.measuredSeconds.find(precision);
  if (it == analysis.measuredSeconds.end())
    return 1;
  double roofline = 0;
  for (const LayerSensitivity &layer : analysis.layers)
    roofline += estimateSeconds(layer, precision);
  return roofline > 0 ? it->second / roofline : 1;
}

double quantc::predictSeconds(const Analysis &analysis,
                              ArrayRef<Precision> precisions) {
  std::map<Precision, double> scales;
  double seconds = 0;
  for (auto [layer, precision] : llvm::zip(analysis.layers, precisions)) {
    auto [it, inserted] = scales.try_emplace(precision, 0.0);
    if (inserted)
      it->second = getLatencyScale(analysis, precision);
    seconds += it->second * estimateSeconds(layer, precision);
  }
  return seconds;
}

void quantc::evaluateChoice(const Analysis &analysis, PrecisionChoice &choice) {
  choice.predictedSQNR = predictSQNR(analysis, choice.precisions);
  choice.bytes = 0;
  for (auto [layer, precision] : llvm::zip(analysis.layers, choice.precisions))
    choice.bytes += getWeightBytes(layer, precision);
  choice.seconds = predictSeconds(analysis, choice.precisions);
}

Expected<PrecisionChoice> quantc::searchPrecisions(const Analysis &analysis,
                                                   ArrayRef<Precision> allowed,
                                                   double minSQNR,
                                                   Objective objective) {
  if (allowed.empty())
    return createStringError(inconvertibleErrorCode(),
                             "no precision to choose from");
  for (Precision precision : allowed)
    if (precision != Precision::Float &&
        !llvm::is_contained(analysis.precisions, precision))
      return createStringError(inconvertibleErrorCode(),
                               "the analysis did not measure %s",
                               getPrecisionName(precision).str().c_str());
  std::map<Precision, double> scales;
  for (Precision precision : allowed)
    scales[precision] = getLatencyScale(analysis, precision);
  auto cost = [&](const LayerSensitivity &layer, Precision precision) {
    return objective == Objective::Size
               ? getWeightBytes(layer, precision)
               : scales[precision] * estimateSeconds(layer, precision);
  };
  // The noise the budget allows, in `units` steps.
  double budget = analysis.signalPower / std::pow(10.0, minSQNR / 10);
  constexpr int64_t units = 10000;
  size_t n = analysis.layers.size();
  // The steps of noise a layer takes at a precision, rounded up (so that a
  // choice within the steps is within the budget); -1 over the budget.
  auto steps = [&](const LayerSensitivity &layer, Precision precision) {
    double noise = getNoise(layer, precision);
    if (noise == 0)
      return int64_t(0);
    if (!(noise <= budget))
      return int64_t(-1);
    return std::max<int64_t>(1, int64_t(std::ceil(noise / budget * units)));
  };
  // A multiple-choice knapsack, by dynamic programming over the steps:
  // cheapest[m], the least cost of the layers so far within m steps;
  // picks[i][m], the precision layer i takes there.
  const double infinity = std::numeric_limits<double>::infinity();
  std::vector<double> cheapest(units + 1, 0), next(units + 1);
  std::vector<std::vector<int8_t>> picks(n, std::vector<int8_t>(units + 1, -1));
  for (size_t i = 0; i < n; ++i) {
    const LayerSensitivity &layer = analysis.layers[i];
    std::fill(next.begin(), next.end(), infinity);
    for (auto [k, precision] : llvm::enumerate(allowed)) {
      int64_t taken = steps(layer, precision);
      if (taken < 0)
        continue;
      double added = cost(layer, precision);
      for (int64_t m = taken; m <= units; ++m)
        if (cheapest[m - taken] + added < next[m]) {
          next[m] = cheapest[m - taken] + added;
          picks[i][m] = k;
        }
    }
    std::swap(cheapest, next);
  }
  PrecisionChoice choice;
  choice.precisions.resize(n);
  double noise = 0;
  if (cheapest[units] == infinity) {
    // Every layer at its least noisy precision: the highest SQNR, which the
    // rounded steps may have missed.
    for (size_t i = 0; i < n; ++i) {
      choice.precisions[i] =
          *llvm::min_element(allowed, [&](Precision a, Precision b) {
            return getNoise(analysis.layers[i], a) <
                   getNoise(analysis.layers[i], b);
          });
      noise += getNoise(analysis.layers[i], choice.precisions[i]);
    }
  } else {
    for (int64_t i = n - 1, m = units; i >= 0; --i) {
      Precision precision = allowed[picks[i][m]];
      choice.precisions[i] = precision;
      noise += getNoise(analysis.layers[i], precision);
      m -= steps(analysis.layers[i], precision);
    }
  }
  if (noise > budget) {
    std::string names;
    for (auto [i, p] : llvm::enumerate(allowed))
      names += (i ? ", " : "") + getPrecisionName(p).str();
    return createStringError(
        inconvertibleErrorCode(),
        "no plan reaches an output SQNR of %.2f dB: the highest any reaches "
        "with %s is %.2f dB (predicted)",
        minSQNR, names.c_str(), predictSQNR(analysis, choice.precisions));
  }
  // Lower: the largest saving that keeps the budget, while there is one.
  for (;;) {
    double bestSaving = 0;
    size_t bestLayer = n;
    Precision bestPrecision = Precision::Default;
    for (size_t i = 0; i < n; ++i) {
      const LayerSensitivity &layer = analysis.layers[i];
      Precision current = choice.precisions[i];
      for (Precision precision : allowed) {
        double saving = cost(layer, current) - cost(layer, precision);
        double after =
            noise - getNoise(layer, current) + getNoise(layer, precision);
        if (saving > bestSaving && after <= budget) {
          bestSaving = saving;
          bestLayer = i;
          bestPrecision = precision;
        }
      }
    }
    if (bestLayer == n)
      break;
    noise += getNoise(analysis.layers[bestLayer], bestPrecision) -
             getNoise(analysis.layers[bestLayer], choice.precisions[bestLayer]);
    choice.precisions[bestLayer] = bestPrecision;
  }
  evaluateChoice(analysis, choice);
  return choice;
}

//===----------------------------------------------------------------------===//
// Plans
//===----------------------------------------------------------------------===//

Expected<PrecisionPlan> quantc::readPrecisionPlan(StringRef path) {
  Expected<json::Value> value = readJSON(path);
  if (!value)
    return value.takeError();
  const json::Object *root = value->getAsObject();
  if (!root)
    return malformed(path, "a precision plan is a JSON object with "
                           "\"layers\" (and \"default\")");
  PrecisionPlan plan;
  if (const json::Value *name = root->get("default")) {
    Expected<Precision> precision = readPrecision(path, *name, "default");
    if (!precision)
      return precision.takeError();
    plan.defaultPrecision = *precision;
  }
  const json::Array *layers = root->getArray("layers");
  if (!layers)
    return malformed(path, "a precision plan needs \"layers\", a list");
  for (auto [i, entry] : llvm::enumerate(*layers)) {
    std::string where = "layers[" + std::to_string(i) + "]";
    const json::Object *object = entry.getAsObject();
    const json::Value *precisionValue =
        object ? object->get("precision") : nullptr;
    if (!precisionValue)
      return malformed(path, where + " needs a precision");
    PrecisionPlan::Entry planEntry;
    Expected<Precision> precision =
        readPrecision(path, *precisionValue, where + ".precision");
    if (!precision)
      return precision.takeError();
    planEntry.precision = *precision;
    if (std::optional<StringRef> node = object->getString("node"))
      planEntry.node = node->str();
    else if (std::optional<StringRef> op = object->getString("op"))
      planEntry.op = op->str();
    else
      return malformed(path, where + " names neither a node nor an op");
    plan.entries.push_back(std::move(planEntry));
  }
  return plan;
}

void quantc::writePrecisionPlan(raw_ostream &os, const Analysis &analysis,
                                const PrecisionChoice &choice, double minSQNR,
                                std::optional<double> measuredSQNR,
                                std::optional<double> measuredSeconds,
                                double margin) {
  json::Array layers;
  for (auto [layer, precision] :
       llvm::zip(analysis.layers, choice.precisions)) {
    json::Object entry{{"node", layer.node},
                       {"op", layer.op},
                       {"precision", getPrecisionName(precision)},
                       {"weight_bytes", getWeightBytes(layer, precision)}};
    if (precision != Precision::Float)
      entry["sqnr_alone_db"] = jsonNumber(layer.alone.at(precision).getSQNR());
    layers.push_back(std::move(entry));
  }
  json::Object root{{"model", analysis.model},
                    {"quantize", analysis.quantize},
                    {"min_sqnr_db", minSQNR},
                    {"predicted_sqnr_db", jsonNumber(choice.predictedSQNR)},
                    {"weight_bytes", choice.bytes},
                    {"predicted_seconds", choice.seconds},
                    {"layers", std::move(layers)}};
  if (measuredSQNR)
    root["measured_sqnr_db"] = jsonNumber(*measuredSQNR);
  if (measuredSeconds)
    root["measured_seconds"] = *measuredSeconds;
  if (margin != 0)
    root["margin_db"] = margin;
  os << formatv("{0:2}", json::Value(std::move(root))) << "\n";
}
