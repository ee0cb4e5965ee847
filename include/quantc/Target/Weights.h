//===- Weights.h - Model weights outside the generated code -----*- C++ -*-===//
//
// Large constants of a lowered model (its weights) leave the LLVM module
// for one blob of bytes, which the shared library embeds as raw data or
// reads from a side file mapped at load. The generated code reaches them
// through one pointer, `quantc_weights_base`, which the library's C glue
// defines. LLVM then never sees the weights as IR constants, which keeps
// compile times short for real models.
//
// The side file (`NAME.weights`) is a 64-byte header followed by the blob:
//   bytes 0-7    "QUANTCW" and a zero byte
//   bytes 8-15   format version (1), little endian
//   bytes 16-23  blob size in bytes
//   bytes 24-31  FNV-1a 64-bit hash of the blob
//   bytes 32-63  zero
// The library knows the size and hash it was compiled with and refuses a
// file that does not carry both.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_WEIGHTS_H
#define QUANTC_TARGET_WEIGHTS_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace quantc {

/// The weights taken out of a module.
struct WeightsBlob {
  /// The bytes, each constant at a 64-byte aligned offset.
  std::vector<char> data;
  /// FNV-1a 64-bit hash of `data`.
  uint64_t hash() const;
};

/// Name of the pointer global the generated code reads the weights from.
inline constexpr const char *kWeightsBaseSymbol = "quantc_weights_base";
/// Bytes before the blob in a weights file.
inline constexpr uint64_t kWeightsHeaderBytes = 64;

/// Moves every constant global of the LLVM-dialect `module` that holds at
/// least `minBytes` bytes of non-splat integer or float data into `blob`,
/// and rewrites each of its uses into `quantc_weights_base` plus its
/// offset. Declares `quantc_weights_base` if anything moved.
void outlineWeights(mlir::ModuleOp module, WeightsBlob &blob,
                    uint64_t minBytes = 64);

/// The contents of a weights file for `blob`.
std::string serializeWeightsFile(const WeightsBlob &blob);

} // namespace quantc

#endif // QUANTC_TARGET_WEIGHTS_H
