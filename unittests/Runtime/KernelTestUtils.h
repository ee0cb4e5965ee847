//===- KernelTestUtils.h - Shared by the runtime kernels' gtests -*- C++
//-*-===//
//
// The instruction sets to run the kernels with, and random operands.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_UNITTESTS_RUNTIME_KERNELTESTUTILS_H
#define QUANTC_UNITTESTS_RUNTIME_KERNELTESTUTILS_H

#include "quantc_kernels.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace quantc::test {

/// The instruction sets this CPU runs; the kernels are switched to each.
inline std::vector<std::string> getIsas() {
  std::vector<std::string> isas = {"generic"};
  for (const char *isa : {"avx2", "avx512-vnni", "avx512-vbmi", "amx",
                          "neon-dotprod", "neon-i8mm"})
    if (quantc_kernels_use(isa))
      isas.push_back(isa);
  quantc_kernels_use(isas.back().c_str());
  return isas;
}

/// `count` random bytes and s8 weights in [-127, 127].
inline std::vector<uint8_t> randomBytes(std::mt19937 &rng, size_t count) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> v(count);
  for (uint8_t &b : v)
    b = uint8_t(byte(rng));
  return v;
}

inline std::vector<int8_t> randomWeights(std::mt19937 &rng, size_t count) {
  std::uniform_int_distribution<int> weight(-127, 127);
  std::vector<int8_t> v(count);
  for (int8_t &w : v)
    w = int8_t(weight(rng));
  return v;
}

} // namespace quantc::test

#endif // QUANTC_UNITTESTS_RUNTIME_KERNELTESTUTILS_H
