//===- Report.cpp - The quantization report -------------------------------===//

#include "quantc/Tools/Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace quantc;
using namespace llvm;

/// `text` with the HTML special characters escaped.
static std::string escape(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A number as the tables print it: "inf" for an infinite SQNR, else
/// enough significant digits to compare with the analysis file.
static std::string number(double value, int digits = 6) {
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  return formatv("{0}", format("%.*g", digits, value)).str();
}

static double getAloneSQNR(const ReportLayer &layer) {
  if (layer.precision == Precision::Float)
    return std::numeric_limits<double>::infinity();
  auto it = layer.layer.alone.find(layer.precision);
  return it == layer.layer.alone.end()
             ? std::numeric_limits<double>::quiet_NaN()
             : it->second.getSQNR();
}

/// The calibrated histogram of a layer's input on a log scale, with the
/// clipping range shaded: counts outside it saturate.
static void writeHistogramSVG(raw_ostream &os, const ReportLayer &layer) {
  if (layer.histogram.empty()) {
    os << "no histogram";
    return;
  }
  constexpr int width = 240, height = 56, columns = 120;
  double lo = layer.histogramMin, hi = layer.histogramMax;
  if (layer.clipRange) {
    lo = std::min(lo, layer.clipRange->first);
    hi = std::max(hi, layer.clipRange->second);
  }
  if (!(hi > lo))
    hi = lo + 1;
  auto x = [&](double value) { return (value - lo) / (hi - lo) * width; };
  // The histogram's bins summed into columns over [lo, hi].
  std::vector<double> sums(columns, 0);
  size_t bins = layer.histogram.size();
  double binWidth = (layer.histogramMax - layer.histogramMin) / bins;
  for (size_t i = 0; i < bins; ++i) {
    double center = layer.histogramMin + (i + 0.5) * binWidth;
    int column = std::clamp(int(x(center) / width * columns), 0, columns - 1);
    sums[column] += layer.histogram[i];
  }
  double top = std::log1p(*std::max_element(sums.begin(), sums.end()));
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
     << "\" height=\"" << height + 12 << "\">";
  if (layer.clipRange)
    os << formatv("<rect x=\"{0:F1}\" y=\"0\" width=\"{1:F1}\" height=\"{2}\" "
                  "fill=\"#e8f0fe\"/>",
                  x(layer.clipRange->first),
                  x(layer.clipRange->second) - x(layer.clipRange->first),
                  height);
  for (int c = 0; c < columns; ++c) {
    if (sums[c] == 0)
      continue;
    double h = top > 0 ? std::log1p(sums[c]) / top * height : 0;
    os << formatv("<rect x=\"{0:F1}\" y=\"{1:F1}\" width=\"{2:F1}\" "
                  "height=\"{3:F1}\" fill=\"#3367d6\"/>",
                  double(c) * width / columns, height - h,
                  double(width) / columns, h);
  }
  if (layer.clipRange)
    for (double edge : {layer.clipRange->first, layer.clipRange->second})
      os << formatv("<line x1=\"{0:F1}\" y1=\"0\" x2=\"{0:F1}\" y2=\"{1}\" "
                    "stroke=\"#d93025\"/>",
                    x(edge), height);
  os << formatv("<text x=\"0\" y=\"{0}\" font-size=\"9\">{1}</text>",
                height + 10, escape(number(lo, 3)));
  os << formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"9\" "
                "text-anchor=\"end\">{2}</text>",
                width, height + 10, escape(number(hi, 3)));
  os << "</svg>";
}

void quantc::writeReportHTML(raw_ostream &os, const Report &report) {
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>"
     << "quantc report: " << escape(report.model) << "</title>\n<style>\n"
     << "body { font-family: sans-serif; margin: 2em; }\n"
     << "table { border-collapse: collapse; }\n"
     << "td, th { border: 1px solid #ccc; padding: 2px 6px; "
        "font-size: 13px; text-align: right; }\n"
     << "td.name, th { text-align: left; }\n"
     << "tr.fp32 { background: #f4f4f4; }\n"
     << "</style></head><body>\n";
  os << "<h1>Quantization report</h1>\n<p>Model <code>" << escape(report.model)
     << "</code>, <code>--quantize " << escape(report.quantize)
     << "</code>; errors measured by "
     << "<code>quantc analyze</code> on " << report.samples
     << " samples, as the output SQNR against float with each layer "
        "alone at its precision (the rest float) and with every layer at "
        "int8 but this one (all but).</p>\n";

  os << "<h2>Overall</h2>\n<table id=\"overall\">\n";
  auto row = [&](StringRef name, StringRef key, const std::string &value) {
    os << "<tr data-key=\"" << key << "\"><td class=\"name\">" << name
       << "</td><td>" << value << "</td></tr>\n";
  };
  std::map<Precision, int> counts;
  for (const ReportLayer &layer : report.layers)
    ++counts[layer.precision];
  std::string mix;
  for (auto [precision, count] : counts)
    mix += (mix.empty() ? "" : ", ") + std::to_string(count) + " " +
           getPrecisionName(precision).str();
  row("layers", "layers", mix);
  row("weight bytes of the contractions", "bytes", number(report.bytes, 10));
  row("the same in fp32", "float_bytes", number(report.floatBytes, 10));
  if (report.libraryBytes)
    row("library bytes", "library_bytes", std::to_string(*report.libraryBytes));
  row("output SQNR, predicted (dB)", "predicted_sqnr",
      number(report.predictedSQNR));
  if (report.measuredSQNR)
    row("output SQNR, measured (dB)", "measured_sqnr",
        number(*report.measuredSQNR));
  row(report.latencyMeasured
          ? "latency of the model, predicted from the layers' rooflines "
            "scaled by measured uniform runs (ms)"
          : "latency of the contractions, roofline estimate (ms)",
      "predicted_ms", number(1e3 * report.predictedSeconds, 4));
  if (report.measuredSeconds)
    row("latency of the model, measured, 1 thread (ms)", "measured_ms",
        number(1e3 * *report.measuredSeconds, 4));
  os << "</table>\n";

  os << "<h2>Layers</h2>\n<p>The histogram is the calibrated distribution "
        "of the layer's input (log scale); the shaded band between the red "
        "lines is the range its quantization represents, and values "
        "outside it saturate.</p>\n<table id=\"layers\">\n<tr><th>layer</th>"
        "<th>op</th><th>precision</th><th>input</th><th>input scale</th>"
        "<th>zero point</th><th>clipping range</th><th>weight scales</th>"
        "<th>SQNR alone (dB)</th><th>SQNR all but (dB)</th>"
        "<th>weight bytes</th><th>input histogram</th></tr>\n";
  for (const ReportLayer &layer : report.layers) {
    os << "<tr data-node=\"" << escape(layer.layer.node) << "\" class=\""
       << getPrecisionName(layer.precision) << "\"><td class=\"name\">"
       << escape(layer.layer.node) << "</td><td class=\"name\">"
       << escape(layer.layer.op) << "</td><td class=\"name\">"
       << getPrecisionName(layer.precision) << "</td><td class=\"name\">"
       << escape(layer.input) << "</td><td>"
       << (layer.inputScale ? number(*layer.inputScale) : "-") << "</td><td>"
       << (layer.inputZeroPoint ? std::to_string(*layer.inputZeroPoint) : "-")
       << "</td><td>"
       << (layer.clipRange ? "[" + number(layer.clipRange->first, 4) + ", " +
                                 number(layer.clipRange->second, 4) + "]"
                           : "-")
       << "</td><td>"
       << (layer.weightScales ? number(layer.weightScales->first, 3) + " to " +
                                    number(layer.weightScales->second, 3)
                              : "-")
       << "</td><td>" << number(getAloneSQNR(layer)) << "</td><td>"
       << (layer.layer.allButThis ? number(layer.layer.allButThis->getSQNR())
                                  : "-")
       << "</td><td>"
       << number(getWeightBytes(layer.layer, layer.precision), 10)
       << "</td><td>";
    writeHistogramSVG(os, layer);
    os << "</td></tr>\n";
  }
  os << "</table>\n</body></html>\n";
}

void quantc::writeReportSummary(raw_ostream &os, const Report &report,
                                size_t count) {
  os << formatv("weights {0:F0} bytes ({1:F2}x fp32); output SQNR "
                "predicted {2} dB",
                report.bytes, report.bytes / report.floatBytes,
                number(report.predictedSQNR, 4));
  if (report.measuredSQNR)
    os << ", measured " << number(*report.measuredSQNR, 4) << " dB";
  os << formatv("; latency estimate {0:F3} ms", 1e3 * report.predictedSeconds);
  if (report.measuredSeconds)
    os << formatv(", measured {0:F3} ms", 1e3 * *report.measuredSeconds);
  os << "\n";
  std::vector<const ReportLayer *> order;
  for (const ReportLayer &layer : report.layers)
    if (layer.precision != Precision::Float)
      order.push_back(&layer);
  llvm::stable_sort(order, [](const ReportLayer *a, const ReportLayer *b) {
    return getAloneSQNR(*a) < getAloneSQNR(*b);
  });
  if (order.size() > count)
    order.resize(count);
  if (order.empty())
    return;
  os << "most sensitive quantized layers:\n";
  os << formatv("  {0,-32} {1,-6} {2,-9} {3,9} {4,12}\n", "layer", "op",
                "precision", "SQNR dB", "clip range");
  for (const ReportLayer *layer : order) {
    std::string clip = layer->clipRange
                           ? number(layer->clipRange->first, 3) + ".." +
                                 number(layer->clipRange->second, 3)
                           : "-";
    os << formatv("  {0,-32} {1,-6} {2,-9} {3,9} {4,12}\n",
                  StringRef(layer->layer.node).take_back(32), layer->layer.op,
                  getPrecisionName(layer->precision),
                  number(getAloneSQNR(*layer), 4), clip);
  }
}
