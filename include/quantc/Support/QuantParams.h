//===- QuantParams.h - Scale, zero point and rounding rules -----*- C++ -*-===//
//
// The scalar rules of affine quantization that every part of quantc shares:
// choosing a scale and zero point from a real range, quantizing and
// dequantizing one value, and rounding half to even. docs/numerics.md states
// each rule; the arithmetic is binary32, as in ONNX's QuantizeLinear,
// DequantizeLinear and DynamicQuantizeLinear, so that results match ONNX bit
// for bit.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_QUANTPARAMS_H
#define QUANTC_SUPPORT_QUANTPARAMS_H

#include "llvm/Support/LogicalResult.h"

#include <cstdint>

namespace quantc {

/// Rounds to the nearest integer, ties to the even neighbour (IEEE 754
/// roundTiesToEven), whatever the floating-point environment's mode.
float roundHalfToEven(float x);
double roundHalfToEven(double x);

/// The closed range of a storage integer type.
struct StorageRange {
  int64_t min;
  int64_t max;

  /// The range of a `bits`-wide integer. `narrow` drops the most negative
  /// value of a signed type ([-127, 127] for 8 bits), which makes the range
  /// symmetric about zero.
  static StorageRange forBits(unsigned bits, bool isSigned,
                              bool narrow = false);

  int64_t clamp(int64_t v) const { return v < min ? min : v > max ? max : v; }
};

/// An affine map between reals and integers: `real = (q - zeroPoint) * scale`.
struct QuantParams {
  float scale;
  int64_t zeroPoint;
};

/// Chooses parameters that cover `[rmin, rmax]` on `range`.
///
/// The real range is first widened to contain 0, so that 0 is exact.
/// Asymmetric: `scale = (rmax - rmin) / (qmax - qmin)` and
/// `zeroPoint = clamp(round(qmin - rmin / scale))`, as ONNX's
/// DynamicQuantizeLinear. Symmetric: the range becomes `[-a, a]` with
/// `a = max(|rmin|, |rmax|)`, so `scale = 2a / (qmax - qmin)` and
/// `zeroPoint = round((qmin + qmax) / 2)`, as onnxruntime's quantizer.
/// An empty range (all zeros) gets scale 1. Fails if a bound is not finite
/// or `rmin > rmax`.
llvm::FailureOr<QuantParams>
chooseQuantParams(float rmin, float rmax, StorageRange range, bool symmetric);

/// `clamp(round_half_even(x / scale) + zeroPoint)`. NaN maps to the zero
/// point; infinities saturate.
int64_t quantizeValue(float x, QuantParams params, StorageRange range);

/// `(q - zeroPoint) * scale`, each step in binary32.
float dequantizeValue(int64_t q, QuantParams params);

} // namespace quantc

#endif // QUANTC_SUPPORT_QUANTPARAMS_H
