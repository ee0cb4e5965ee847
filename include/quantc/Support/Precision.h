//===- Precision.h - Layer precisions and plans ---------------*- C++ -*-===//
//
// Mixed precision (docs/mixed-precision.md): every contraction of a model
// (Conv, MatMul, Gemm with a constant weight) gets one of fp32, int8 or
// int4 weights. `quantc analyze` measures how much each one's quantization
// costs the model's outputs (an Analysis, written as JSON); the search
// here picks the precisions that make the model smallest (or fastest, by a
// roofline cost model) while the predicted output SQNR stays within a
// budget; the choice is a PrecisionPlan, a JSON file users can read and
// edit, which qnn-mixed-precision applies. No MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_PRECISION_H
#define QUANTC_SUPPORT_PRECISION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quantc {

/// The precision of a contraction's weights. Default: as the quantization
/// options say.
enum class Precision { Default, Float, Int8, Int4 };

/// "fp32", "int8", "int4" ("default" for Default), and back; parsing fails
/// on any other name.
llvm::StringRef getPrecisionName(Precision precision);
std::optional<Precision> parsePrecision(llvm::StringRef name);

/// How far a model's float outputs moved, over a data set: powers are
/// means over every output element of every sample.
struct OutputError {
  /// Mean square of the reference (float) outputs.
  double signalPower = 0;
  /// Mean square of the difference.
  double noisePower = 0;
  /// Cosine similarity of all outputs, concatenated, with the reference.
  double cosine = 1;
  /// Largest absolute difference.
  double maxError = 0;
  /// 10 log10(signal / noise), in dB; infinite for identical outputs.
  double getSQNR() const;
};

/// Accumulates an OutputError one output tensor at a time.
class OutputErrorAccumulator {
public:
  /// Adds `actual` against `reference` (the same number of elements).
  void add(llvm::ArrayRef<float> reference, llvm::ArrayRef<float> actual);
  OutputError get() const;

private:
  double sumReference2 = 0, sumActual2 = 0, sumProduct = 0, sumNoise2 = 0;
  double maxError = 0;
  size_t count = 0;
};

/// One contraction of an analysed model.
struct LayerSensitivity {
  /// Its ONNX node name and op type.
  std::string node, op;
  /// Weight elements, output channels, scale groups of its int4 weights
  /// (channels without groups), and multiply-accumulates per run.
  int64_t weights = 0, channels = 1, int4Groups = 1, macs = 0;
  /// The output error with this contraction alone quantized to each
  /// precision, the rest float.
  std::map<Precision, OutputError> alone;
  /// The output error with every contraction at the first analysed
  /// precision but this one, which stays float.
  std::optional<OutputError> allButThis;
};

/// What `quantc analyze` measured.
struct Analysis {
  std::string model, quantize;
  size_t samples = 0;
  /// The quantized precisions analysed, the first the reference for
  /// allButThis.
  std::vector<Precision> precisions;
  /// Every contraction at one precision.
  std::map<Precision, OutputError> uniform;
  std::vector<LayerSensitivity> layers;
  /// Mean square of the float outputs.
  double signalPower = 0;
  /// With --measure-latency: the median time of one run of the model
  /// compiled with every layer at each precision (fp32 too), on one
  /// thread, in seconds.
  std::map<Precision, double> measuredSeconds;
};

/// Writes and reads an Analysis as JSON. Reading names the file and the
/// field in its errors.
void writeAnalysisJSON(llvm::raw_ostream &os, const Analysis &analysis);
llvm::Expected<Analysis> readAnalysisJSON(llvm::StringRef path);

/// The bytes `layer`'s weights take at `precision`: 4 per fp32 weight; 1
/// per int8 weight plus a binary32 scale per channel; half a byte per
/// int4 weight plus a scale per group.
double getWeightBytes(const LayerSensitivity &layer, Precision precision);

/// A roofline estimate of `layer`'s run time at `precision`, in seconds:
/// the larger of its multiply-accumulates over the core's rate for the
/// precision's arithmetic (int8: VNNI; fp32 and int4, which computes in
/// float: FMA) and its weight bytes over the memory bandwidth. The rates
/// are one core of the machine docs/performance.md describes.
double estimateSeconds(const LayerSensitivity &layer, Precision precision);

/// The factor that turns the roofline estimates of the layers at
/// `precision` into measured time: the measured time of the model with
/// every layer at `precision` over the sum of their estimates (which makes
/// it carry the time of the other ops too, in proportion). 1 without a
/// measurement.
double getLatencyScale(const Analysis &analysis, Precision precision);

/// The predicted run time of the model with `precisions` (one per layer):
/// each layer's roofline estimate times its precision's latency scale.
double predictSeconds(const Analysis &analysis,
                      llvm::ArrayRef<Precision> precisions);

enum class Objective { Size, Latency };

/// A choice of precision per layer of an Analysis.
struct PrecisionChoice {
  std::vector<Precision> precisions;
  /// The output SQNR predicted by adding the layers' noise powers
  /// (independent errors), in dB.
  double predictedSQNR = 0;
  /// Total weight bytes and predicted seconds (predictSeconds).
  double bytes = 0, seconds = 0;
};

/// The output SQNR predicted for `precisions` (one per layer).
double predictSQNR(const Analysis &analysis,
                   llvm::ArrayRef<Precision> precisions);

/// Fills `choice`'s predicted SQNR, bytes and seconds from its precisions.
void evaluateChoice(const Analysis &analysis, PrecisionChoice &choice);

/// The precisions, each one of `allowed`, that minimize the objective's
/// total (bytes or seconds) while the predicted SQNR is at least `minSQNR`:
/// a multiple-choice knapsack solved by dynamic programming over the noise
/// budget in 10^4 steps (each layer's noise rounded up a step, so that the
/// result is within the budget and its cost within the rounding of the
/// best), after which any layer that can still be lowered within the
/// budget is, the largest saving first. When no choice reaches the budget,
/// the error names the highest SQNR one reaches.
llvm::Expected<PrecisionChoice>
searchPrecisions(const Analysis &analysis, llvm::ArrayRef<Precision> allowed,
                 double minSQNR, Objective objective);

/// A precision plan: precisions by ONNX node name or op type. Entries
/// apply in order, a later one overriding an earlier; contractions no entry
/// names get `defaultPrecision`.
struct PrecisionPlan {
  struct Entry {
    /// An ONNX node name, or a pattern with `*` and `?`; or, when `node` is
    /// empty, an op type (Conv, MatMul, Gemm).
    std::string node, op;
    Precision precision = Precision::Default;
  };
  Precision defaultPrecision = Precision::Default;
  std::vector<Entry> entries;
};

/// Reads a plan file:
///   {"default": "int8",
///    "layers": [{"node": "conv_1", "precision": "fp32"},
///               {"op": "MatMul", "precision": "int4"}]}
/// Other fields (what `quantc analyze` adds for the reader) are ignored.
llvm::Expected<PrecisionPlan> readPrecisionPlan(llvm::StringRef path);

/// Writes `choice` for the layers of `analysis` as a plan file, with each
/// layer's op, its SQNR alone at its precision and its weight bytes, and
/// the budget (with the margin it was searched with) and the prediction
/// overall.
void writePrecisionPlan(llvm::raw_ostream &os, const Analysis &analysis,
                        const PrecisionChoice &choice, double minSQNR,
                        std::optional<double> measuredSQNR,
                        std::optional<double> measuredSeconds = std::nullopt,
                        double margin = 0);

} // namespace quantc

#endif // QUANTC_SUPPORT_PRECISION_H
