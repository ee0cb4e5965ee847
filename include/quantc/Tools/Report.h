//===- Report.h - The quantization report ----------------------*- C++ -*-===//
//
// `quantc report`: per layer, how it was quantized (precision, input scale
// and zero point, the clipping range against the calibrated histogram of
// its input, weight scales), what that cost (SQNR from `quantc analyze`)
// and its weight bytes; overall, the model's weight bytes and its
// predicted and measured latency. Written as one self-contained HTML page
// (the histograms inline SVG), and summarized on the terminal.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_REPORT_H
#define QUANTC_TOOLS_REPORT_H

#include "quantc/Support/Precision.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace quantc {

struct ReportLayer {
  /// The analysis's record: node, op, sizes and errors.
  LayerSensitivity layer;
  Precision precision = Precision::Float;
  /// How the input is quantized: "float", "static u8", "static s8" or "at
  /// run time".
  std::string input = "float";
  /// A static input's scale, zero point and the range it represents.
  std::optional<double> inputScale;
  std::optional<int64_t> inputZeroPoint;
  std::optional<std::pair<double, double>> clipRange;
  /// The smallest and largest weight scale (one per channel or group).
  std::optional<std::pair<double, double>> weightScales;
  /// The calibrated histogram of the input over [min, max], if recorded.
  std::vector<uint64_t> histogram;
  double histogramMin = 0, histogramMax = 0;
};

struct Report {
  std::string model, quantize;
  std::vector<ReportLayer> layers;
  /// The plan's SQNR, predicted from the analysis and, when the plan file
  /// records it, measured.
  double predictedSQNR = 0;
  std::optional<double> measuredSQNR;
  /// Weight bytes of the contractions as reported, and all in fp32.
  double bytes = 0, floatBytes = 0;
  /// The library's bytes, when it was compiled.
  std::optional<uint64_t> libraryBytes;
  /// The predicted time of a run (Support/Precision.h, predictSeconds):
  /// the contractions' roofline estimates, scaled to the whole model by
  /// measured uniform runs when `latencyMeasured`; and a measured run of
  /// the whole model (median), in seconds.
  double predictedSeconds = 0;
  bool latencyMeasured = false;
  std::optional<double> measuredSeconds;
  size_t samples = 0;
};

/// Writes `report` as a self-contained HTML page. The layer table has id
/// "layers" and one row per layer with attribute data-node; numbers are
/// printed with enough digits to compare with the analysis file.
void writeReportHTML(llvm::raw_ostream &os, const Report &report);

/// A short summary for the terminal: the totals and the `count` layers
/// with the lowest SQNR alone at their precision.
void writeReportSummary(llvm::raw_ostream &os, const Report &report,
                        size_t count = 8);

} // namespace quantc

#endif // QUANTC_TOOLS_REPORT_H
