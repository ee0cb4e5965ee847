//===- Codebook.h - Non-uniform weight codebooks ---------------*- C++ -*-===//
//
// Builds the small tables that non-uniform weight quantization stores a
// weight as: every weight becomes the index of a codebook entry. Two ways
// to build one: k-means (weight sharing, 1-D Lloyd iterations from evenly
// spaced starting points) and power-of-two (log) levels. docs/numerics.md,
// "Codebook weights", states both. No MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_CODEBOOK_H
#define QUANTC_SUPPORT_CODEBOOK_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace quantc {

/// A codebook and the entry each value maps to.
struct Codebook {
  /// The entries, strictly increasing.
  llvm::SmallVector<float> entries;
  /// For each value, the index of its nearest entry.
  llvm::SmallVector<uint8_t> indices;
};

/// At most `maxEntries` (2 to 256) entries for `values` (finite, at least
/// one) by k-means: the distinct values themselves when there are no more
/// than `maxEntries`; otherwise Lloyd iterations (nearest entry, then each
/// entry the mean of its values, in binary64) from `k` evenly spaced
/// points from the least to the greatest value, until no entry moves or
/// after `iterations` rounds. An entry that wins no values keeps its place
/// and is dropped from the result.
Codebook buildKMeansCodebook(llvm::ArrayRef<float> values, unsigned maxEntries,
                             unsigned iterations = 1000);

/// Power-of-two levels for `values` with `bits`-bit indices: 0 and
/// `+-2^(e - j)` for `j = 0 .. 2^(bits-1) - 2`, where `2^e` is the power of
/// two nearest `max |v|` in the log domain (`e = round(log2 max |v|)`).
/// Levels below binary32's smallest subnormal are dropped.
Codebook buildPowerOfTwoCodebook(llvm::ArrayRef<float> values, unsigned bits);

/// The index of the entry of the increasing `entries` nearest `value`; of
/// two equally near, the lower.
unsigned nearestEntry(llvm::ArrayRef<float> entries, float value);

} // namespace quantc

#endif // QUANTC_SUPPORT_CODEBOOK_H
