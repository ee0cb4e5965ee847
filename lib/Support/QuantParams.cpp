//===- QuantParams.cpp - Scale, zero point and rounding rules ------------===//
//
// Implements the scalar quantization rules of docs/numerics.md in binary32,
// the precision ONNX's reference uses for scales and quotients.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/QuantParams.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace quantc;

// x - floor(x) is exact in binary floating point, so the comparison with one
// half decides ties without relying on the rounding mode.
template <typename T> static T roundTiesToEven(T x) {
  if (!std::isfinite(x))
    return x;
  T lower = std::floor(x);
  T frac = x - lower;
  if (frac > T(0.5))
    return lower + 1;
  if (frac < T(0.5))
    return lower;
  return std::fmod(lower, T(2)) == 0 ? lower : lower + 1;
}

float quantc::roundHalfToEven(float x) { return roundTiesToEven(x); }
double quantc::roundHalfToEven(double x) { return roundTiesToEven(x); }

StorageRange StorageRange::forBits(unsigned bits, bool isSigned, bool narrow) {
  assert(bits >= 2 && bits <= 32 && "unsupported storage width");
  if (!isSigned)
    return {0, (int64_t(1) << bits) - 1};
  int64_t max = (int64_t(1) << (bits - 1)) - 1;
  return {narrow ? -max : -max - 1, max};
}

/// Rounds a binary32 value and clamps it to `range`, mapping NaN to `nan`.
static int64_t roundAndClamp(float x, StorageRange range, int64_t nan) {
  if (std::isnan(x))
    return nan;
  float r = roundHalfToEven(x);
  if (r <= float(range.min))
    return range.min;
  if (r >= float(range.max))
    return range.max;
  return static_cast<int64_t>(r);
}

llvm::FailureOr<QuantParams> quantc::chooseQuantParams(float rmin, float rmax,
                                                       StorageRange range,
                                                       bool symmetric) {
  if (!std::isfinite(rmin) || !std::isfinite(rmax) || rmin > rmax)
    return llvm::failure();
  float qmin = float(range.min), qmax = float(range.max);
  rmin = std::min(rmin, 0.0f);
  rmax = std::max(rmax, 0.0f);

  if (symmetric) {
    float absMax = std::max(std::fabs(rmin), std::fabs(rmax));
    int64_t zeroPoint =
        static_cast<int64_t>(roundHalfToEven((qmax + qmin) / 2.0f));
    if (absMax == 0.0f)
      return QuantParams{1.0f, zeroPoint};
    return QuantParams{(absMax - -absMax) / (qmax - qmin), zeroPoint};
  }

  if (rmax == rmin)
    return QuantParams{1.0f, range.clamp(0)};
  float scale = (rmax - rmin) / (qmax - qmin);
  return QuantParams{scale,
                     roundAndClamp(qmin - rmin / scale, range, range.clamp(0))};
}

int64_t quantc::quantizeValue(float x, QuantParams params, StorageRange range) {
  float q = roundHalfToEven(x / params.scale);
  if (std::isnan(q))
    return range.clamp(params.zeroPoint);
  // Add the zero point in double: exact for every q that does not saturate.
  double shifted = double(q) + double(params.zeroPoint);
  if (shifted <= double(range.min))
    return range.min;
  if (shifted >= double(range.max))
    return range.max;
  return static_cast<int64_t>(shifted);
}

float quantc::dequantizeValue(int64_t q, QuantParams params) {
  return (float(q) - float(params.zeroPoint)) * params.scale;
}

llvm::FailureOr<FixedPointMultiplier>
quantc::getFixedPointMultiplier(double m) {
  if (!(m > 0.0) || !std::isfinite(m) || m >= std::ldexp(1.0, 30))
    return llvm::failure();
  int exponent;
  double fraction = std::frexp(m, &exponent); // m = fraction * 2^exponent
  double multiplier = roundHalfToEven(std::ldexp(fraction, 31));
  if (multiplier == std::ldexp(1.0, 31)) { // rounded up to the next power
    multiplier = std::ldexp(1.0, 30);
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  // With shift 63 or more, |x| <= 2^31 times the multiplier is at most 1/2,
  // which rounds to 0 (even).
  if (shift > 62)
    return FixedPointMultiplier{0, 1};
  return FixedPointMultiplier{static_cast<int64_t>(multiplier), shift};
}

int64_t quantc::applyFixedPoint(int64_t x, FixedPointMultiplier fp) {
  int64_t product = x * fp.multiplier;
  // Half minus one, plus the truncated quotient's lowest bit: a tie rounds
  // up exactly when that quotient is odd (half to even).
  int64_t bias =
      (int64_t(1) << (fp.shift - 1)) - 1 + ((product >> fp.shift) & 1);
  return (product + bias) >> fp.shift;
}
