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

/// A positive real multiplier as `multiplier * 2^-shift`, with a 31-bit
/// `multiplier` in [2^30, 2^31) (0 when the real is too small to matter)
/// and `shift` in [1, 62]: fixed-point requantization (docs/numerics.md).
struct FixedPointMultiplier {
  int64_t multiplier;
  int64_t shift;
};

/// `m` (> 0, finite) in fixed point: exact for a binary32 `m` (24 bits of
/// mantissa fit in 31), else rounded half to even to 31 bits. A multiplier
/// below 2^-32 becomes 0 (shift 1): |x| < 2^31 times it rounds to 0 anyway.
/// Fails for `m >= 2^30`, which no requantization needs.
llvm::FailureOr<FixedPointMultiplier> getFixedPointMultiplier(double m);

/// `round_half_even(x * fp.multiplier / 2^fp.shift)` in 64-bit integers,
/// the rule the generated code follows; for |x| < 2^32.
int64_t applyFixedPoint(int64_t x, FixedPointMultiplier fp);

} // namespace quantc

#endif // QUANTC_SUPPORT_QUANTPARAMS_H
