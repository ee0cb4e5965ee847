//===- QGemmS4Test.cpp - The 4-bit weight kernel against plain loops ------===//
//
// quantc_qgemm_u8s4_f32 on every instruction set against the arithmetic
// quantc_kernels.h states, evaluated here from the unpacked weights: exact
// i32 sums per group, then the binary32 fused multiply-adds in their
// order. The results must agree bit for bit, over shapes with every kind
// of edge: one row and several, columns past a panel, K not a multiple of
// 8, a short last group, per-row and per-tensor activation parameters,
// with and without a bias.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"
#include "quantc_kernels.h"
#include "quantc_threads.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

using namespace quantc::test;

namespace {

struct S4Matmul {
  int64_t m, n, k, group;
  bool perRow, withBias;
};

/// A K x N matrix of random 4-bit values in [-8, 7].
std::vector<int8_t> randomNibbles(std::mt19937 &rng, size_t count) {
  std::uniform_int_distribution<int> value(-8, 7);
  std::vector<int8_t> v(count);
  for (int8_t &q : v)
    q = int8_t(value(rng));
  return v;
}

/// `count` random activations in [-4, 4].
std::vector<float> randomActivations(std::mt19937 &rng, size_t count) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float &x : v)
    x = unit(rng) * 4.0f;
  return v;
}

/// `count` codebook entries, the first `filled` random in [-0.3, 0.3] and
/// the rest 1e30, which a kernel reading them would make visible.
std::vector<float> randomTables(std::mt19937 &rng, size_t count,
                                size_t filled) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> v(count, 1e30f);
  for (size_t i = 0; i < filled; ++i)
    v[i] = unit(rng) * 0.3f;
  return v;
}

/// The operands of one matmul and the expected result.
struct S4Case {
  int64_t m, n, k, group, lda, groups;
  std::vector<uint8_t> a;
  std::vector<float> aScale;
  std::vector<int32_t> aZero;
  std::vector<int8_t> q;
  std::vector<uint8_t> panels;
  std::vector<float> scale, colSum, bias;

  S4Case(const S4Matmul &shape, unsigned seed)
      : m(shape.m), n(shape.n), k(shape.k), group(shape.group),
        lda(shape.k + 5), groups((shape.k + shape.group - 1) / shape.group) {
    std::mt19937 rng(seed);
    a = randomBytes(rng, m * lda);
    std::uniform_real_distribution<float> positive(1e-3f, 2e-2f);
    std::uniform_int_distribution<int> zero(0, 255);
    for (int64_t i = 0; i < (shape.perRow ? m : 1); ++i) {
      aScale.push_back(positive(rng));
      aZero.push_back(zero(rng));
    }
    q = randomNibbles(rng, k * n);
    panels.resize(quantc_panels_s4_size(k, n));
    quantc_pack_panels_s4(k, n, q.data(), n, 1, panels.data());
    for (int64_t i = 0; i < groups * n; ++i)
      scale.push_back(positive(rng));
    // sum_g scale(g, n) * sum of group g of column n, in binary64.
    for (int64_t col = 0; col < n; ++col) {
      double sum = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        sum += double(scale[(kk / group) * n + col]) * q[kk * n + col];
      colSum.push_back(float(sum));
    }
    if (shape.withBias) {
      std::uniform_real_distribution<float> b(-3.0f, 3.0f);
      for (int64_t col = 0; col < n; ++col)
        bias.push_back(b(rng));
    }
  }

  float expected(int64_t i, int64_t col) const {
    int64_t p = aScale.size() > 1 ? i : 0;
    float t = 0.0f;
    for (int64_t g = 0; g < groups; ++g) {
      int32_t acc = 0;
      for (int64_t kk = g * group; kk < std::min(k, (g + 1) * group); ++kk)
        acc += int32_t(a[i * lda + kk]) * q[kk * n + col];
      t = std::fmaf(scale[g * n + col], float(acc), t);
    }
    float u = std::fmaf(-float(aZero[p]), colSum[col], t);
    return std::fmaf(aScale[p], u, bias.empty() ? 0.0f : bias[col]);
  }

  /// The kernel's result, rows ldc = n + 3 apart.
  std::vector<float> run(int64_t ldc) const {
    std::vector<float> c(m * ldc, -777.0f);
    quantc_qgemm_u8s4_f32(m, n, k, group, a.data(), lda, aScale.data(),
                          aZero.data(), aScale.size() > 1 ? 1 : 0,
                          panels.data(), scale.data(), colSum.data(),
                          bias.empty() ? nullptr : bias.data(), c.data(), ldc);
    return c;
  }
};

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

class QGemmS4Test : public ::testing::TestWithParam<S4Matmul> {};

TEST_P(QGemmS4Test, MatchesStatedArithmetic) {
  const S4Matmul &shape = GetParam();
  S4Case c(shape, unsigned(shape.m * 7919 + shape.n * 31 + shape.k));
  int64_t ldc = shape.n + 3;
  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    std::vector<float> y = c.run(ldc);
    for (int64_t i = 0; i < shape.m; ++i) {
      for (int64_t col = 0; col < shape.n; ++col)
        ASSERT_EQ(bitsOf(y[i * ldc + col]), bitsOf(c.expected(i, col)))
            << isa << " at (" << i << ", " << col << "): " << y[i * ldc + col]
            << " against " << c.expected(i, col);
      for (int64_t col = shape.n; col < ldc; ++col)
        ASSERT_EQ(y[i * ldc + col], -777.0f) << isa << " wrote past N";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QGemmS4Test,
    ::testing::Values(S4Matmul{1, 1, 8, 8, false, false},
                      S4Matmul{1, 16, 16, 8, true, true},
                      S4Matmul{1, 17, 13, 8, false, true},
                      S4Matmul{1, 70, 64, 32, true, false},
                      S4Matmul{1, 130, 259, 64, true, true},
                      S4Matmul{2, 33, 100, 32, true, true},
                      S4Matmul{3, 65, 128, 128, false, true},
                      S4Matmul{5, 48, 200, 64, true, false},
                      S4Matmul{9, 100, 301, 16, true, true},
                      S4Matmul{4, 64, 1024, 128, false, false}));

/// The packing puts element (k, n) where quantc_kernels.h says.
TEST(QGemmS4Packing, NibblesWhereTheLayoutSays) {
  std::mt19937 rng(5);
  const int64_t k = 21, n = 19, blocks = 3;
  std::vector<int8_t> q = randomNibbles(rng, k * n);
  std::vector<uint8_t> panels(quantc_panels_s4_size(k, n));
  ASSERT_EQ(panels.size(), size_t(2 * blocks * 64));
  quantc_pack_panels_s4(k, n, q.data(), 1, k, panels.data()); // column-major
  for (int64_t kk = 0; kk < blocks * 8; ++kk)
    for (int64_t col = 0; col < 32; ++col) {
      uint8_t byte =
          panels[((col / 16) * blocks + kk / 8) * 64 + (col % 16) * 4 + kk % 4];
      int stored = kk % 8 < 4 ? byte & 15 : byte >> 4;
      int want = kk < k && col < n ? q[col * k + kk] : 0;
      ASSERT_EQ(stored - 8, want) << "(" << kk << ", " << col << ")";
    }
}

/// Split over threads by columns (one row) and by rows, the kernel gives
/// the same floats.
TEST(QGemmS4Threads, SameResultsForEveryThreadCount) {
  for (const S4Matmul &shape : {S4Matmul{1, 4096, 2048, 64, false, true},
                                S4Matmul{256, 64, 1024, 32, true, true}}) {
    S4Case c(shape, 11);
    for (const std::string &isa : getIsas()) {
      ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
      quantc_set_threads(1);
      std::vector<float> one = c.run(shape.n + 3);
      for (int threads : {2, 3, 4}) {
        quantc_set_threads(threads);
        ASSERT_EQ(c.run(shape.n + 3), one)
            << isa << " with " << threads << " threads";
      }
    }
  }
  quantc_set_threads(0);
}

} // namespace

namespace {

/// The arithmetic quantc_kernels.h states for float activations times
/// packed weights, evaluated here: per group of `group` k, padded to whole
/// blocks of 8, four fused multiply-add chains by k mod 4 of a(k) (0 past
/// K) times weight(k, col) (asked for every padded k), their sum as
/// (p0 + p1) + (p2 + p3), then t = fma(scale, u, t) over the groups, or
/// without `scale` (one group) u itself. C is m rows `ldc` apart, 7 in
/// the gaps.
std::vector<float>
floatWeightReference(const std::vector<float> &a, int64_t lda, int64_t m,
                     int64_t n, int64_t k, int64_t group, const float *scale,
                     int64_t ldc,
                     const std::function<float(int64_t, int64_t)> &weight) {
  int64_t groups = (k + group - 1) / group;
  std::vector<float> want(m * ldc, 7.0f);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t col = 0; col < n; ++col) {
      float t = 0.0f;
      for (int64_t g = 0; g < groups; ++g) {
        int64_t k0 = g * group, end = std::min(k0 + group, k);
        int64_t padded = k0 + (end - k0 + 7) / 8 * 8;
        float part[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int64_t kk = k0; kk < padded; ++kk) {
          float av = kk < k ? a[r * lda + kk] : 0.0f;
          part[kk % 4] = std::fma(av, weight(kk, col), part[kk % 4]);
        }
        volatile float low = part[0] + part[1], high = part[2] + part[3];
        volatile float u = low + high;
        t = scale ? std::fma(scale[g * n + col], u, t) : u;
      }
      want[r * ldc + col] = t;
    }
  return want;
}

/// Runs `run` (writing C, `ldc` apart, filled with 7 first) on every
/// instruction set at 1 and 3 threads and expects `want` bit for bit.
void expectOnEveryIsa(const std::vector<float> &want, int64_t ldc,
                      const std::function<void(float *)> &run) {
  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    for (int threads : {1, 3}) {
      quantc_set_threads(threads);
      std::vector<float> c(want.size(), 7.0f);
      run(c.data());
      for (size_t i = 0; i < want.size(); ++i)
        ASSERT_EQ(std::memcmp(&c[i], &want[i], 4), 0)
            << isa << " with " << threads << " threads at (" << i / ldc << ", "
            << i % ldc << "): " << c[i] << " against " << want[i];
    }
  }
  quantc_set_threads(0);
}

/// quantc_qgemm_f32s4_f32 (float activations, weight-only 4-bit weights)
/// on every instruction set, at 1 and 3 threads, against the arithmetic
/// quantc_kernels.h states evaluated here: per group four fused
/// multiply-add chains by k mod 4 over the group padded to whole blocks of
/// 8, their sum as (p0 + p1) + (p2 + p3), then a fused multiply-add by the
/// group's scale. Rows get negative and positive values and a -0.
struct F32S4Matmul {
  int64_t m, n, k, group;
};

class QGemmF32S4Test : public ::testing::TestWithParam<F32S4Matmul> {};

TEST_P(QGemmF32S4Test, MatchesStatedArithmetic) {
  const F32S4Matmul &s = GetParam();
  std::mt19937 rng(s.m * 131 + s.n * 17 + s.k * 3 + s.group);
  std::vector<int8_t> q = randomNibbles(rng, s.k * s.n);
  int64_t groups = (s.k + s.group - 1) / s.group;
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> scale(groups * s.n);
  for (float &v : scale)
    v = 0.01f + std::abs(unit(rng)) * 0.1f;
  int64_t lda = s.k + 3;
  std::vector<float> a = randomActivations(rng, s.m * lda);
  a[0] = -0.0f;
  std::vector<uint8_t> panels(quantc_panels_s4_size(s.k, s.n));
  quantc_pack_panels_s4(s.k, s.n, q.data(), s.n, 1, panels.data());

  int64_t ldc = s.n + 3;
  std::vector<float> want =
      floatWeightReference(a, lda, s.m, s.n, s.k, s.group, scale.data(), ldc,
                           [&](int64_t kk, int64_t col) {
                             return kk < s.k ? float(q[kk * s.n + col]) : 0.0f;
                           });
  expectOnEveryIsa(want, ldc, [&](float *c) {
    quantc_qgemm_f32s4_f32(s.m, s.n, s.k, s.group, a.data(), lda, panels.data(),
                           scale.data(), c, ldc);
  });
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QGemmF32S4Test,
    ::testing::Values(F32S4Matmul{1, 16, 8, 8}, F32S4Matmul{1, 70, 64, 32},
                      F32S4Matmul{1, 37, 45, 16}, F32S4Matmul{3, 33, 128, 128},
                      F32S4Matmul{5, 100, 200, 64}, F32S4Matmul{9, 20, 13, 16},
                      F32S4Matmul{2, 300, 256, 256},
                      F32S4Matmul{40, 50, 300, 64}));

} // namespace

namespace {

/// quantc_qgemm_f32c4_f32 (float activations, 4-bit codebook weights) on
/// every instruction set, at 1 and 3 threads, against the arithmetic
/// quantc_kernels.h states: four fused multiply-add chains by k mod 4 over
/// K padded to whole blocks of 8, summed as (p0 + p1) + (p2 + p3), with
/// each column's own 16 entries.
struct F32C4Matmul {
  int64_t m, n, k;
};

class QGemmF32C4Test : public ::testing::TestWithParam<F32C4Matmul> {};

TEST_P(QGemmF32C4Test, MatchesStatedArithmetic) {
  const F32C4Matmul &s = GetParam();
  std::mt19937 rng(s.m * 77 + s.n * 5 + s.k);
  std::uniform_int_distribution<int> entry(0, 15);
  std::vector<int8_t> index(s.k * s.n), stored(s.k * s.n);
  for (size_t i = 0; i < index.size(); ++i) {
    index[i] = int8_t(entry(rng));
    stored[i] = int8_t(index[i] - 8);
  }
  // Rows up to a whole panel; those past N are never read.
  std::vector<float> tables =
      randomTables(rng, (s.n + 15) / 16 * 16 * 16, s.n * 16);
  int64_t lda = s.k + 2;
  std::vector<float> a = randomActivations(rng, s.m * lda);
  std::vector<uint8_t> panels(quantc_panels_s4_size(s.k, s.n));
  quantc_pack_panels_s4(s.k, s.n, stored.data(), s.n, 1, panels.data());

  // One group of all K, no scale. Past K the panels hold index 8 (q = 0):
  // its entry, times an activation of 0.
  int64_t ldc = s.n + 1, padded = (s.k + 7) / 8 * 8;
  std::vector<float> want = floatWeightReference(
      a, lda, s.m, s.n, s.k, padded, nullptr, ldc,
      [&](int64_t kk, int64_t col) {
        return tables[col * 16 + (kk < s.k ? index[kk * s.n + col] : 8)];
      });
  expectOnEveryIsa(want, ldc, [&](float *c) {
    quantc_qgemm_f32c4_f32(s.m, s.n, s.k, a.data(), lda, panels.data(),
                           tables.data(), c, ldc);
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, QGemmF32C4Test,
                         ::testing::Values(F32C4Matmul{1, 16, 8},
                                           F32C4Matmul{1, 70, 45},
                                           F32C4Matmul{3, 33, 128},
                                           F32C4Matmul{9, 20, 13},
                                           F32C4Matmul{40, 50, 300}));

} // namespace

namespace {

/// quantc_qgemm_f32c8_f32 (float activations, 8-bit codebook indices) on
/// every instruction set, at 1 and 3 threads, against the arithmetic of
/// quantc_qgemm_f32c4_f32 with each weight its table's entry: a table per
/// column, or one for all.
struct F32C8Matmul {
  int64_t m, n, k;
  bool perColumn;
};

class QGemmF32C8Test : public ::testing::TestWithParam<F32C8Matmul> {};

TEST_P(QGemmF32C8Test, MatchesStatedArithmetic) {
  const F32C8Matmul &s = GetParam();
  std::mt19937 rng(s.m * 71 + s.n * 3 + s.k + s.perColumn);
  std::uniform_int_distribution<int> entry(0, 255);
  std::vector<int> index(s.k * s.n);
  std::vector<int8_t> stored(s.k * s.n);
  for (size_t i = 0; i < index.size(); ++i) {
    index[i] = entry(rng);
    stored[i] = int8_t(index[i] - 128);
  }
  // Rows up to a whole panel; those past N are never read.
  int64_t rows = s.perColumn ? (s.n + 15) / 16 * 16 : 1;
  std::vector<float> tables =
      randomTables(rng, rows * 256, (s.perColumn ? s.n : 1) * 256);
  int64_t lda = s.k + 3;
  std::vector<float> a = randomActivations(rng, s.m * lda);
  std::vector<int8_t> panels(quantc_panels_size(s.k, s.n));
  quantc_pack_panels_s8(s.k, s.n, stored.data(), s.n, 1, panels.data());

  // One group of all K padded to 8, no scale. Past K the panels' groups
  // hold q = 0 (index 128): its entry, times an activation of 0; past the
  // groups the weight is 0.
  int64_t ldc = s.n + 1, padded = (s.k + 7) / 8 * 8, groups = (s.k + 3) / 4;
  std::vector<float> want =
      floatWeightReference(a, lda, s.m, s.n, s.k, padded, nullptr, ldc,
                           [&](int64_t kk, int64_t col) {
                             if (kk / 4 >= groups)
                               return 0.0f;
                             int i = kk < s.k ? index[kk * s.n + col] : 128;
                             return tables[(s.perColumn ? col * 256 : 0) + i];
                           });
  expectOnEveryIsa(want, ldc, [&](float *c) {
    quantc_qgemm_f32c8_f32(s.m, s.n, s.k, a.data(), lda, panels.data(),
                           tables.data(), s.perColumn, c, ldc);
  });
}

INSTANTIATE_TEST_SUITE_P(Shapes, QGemmF32C8Test,
                         ::testing::Values(F32C8Matmul{1, 16, 8, true},
                                           F32C8Matmul{1, 70, 45, false},
                                           F32C8Matmul{1, 37, 12, true},
                                           F32C8Matmul{3, 33, 128, false},
                                           F32C8Matmul{9, 20, 13, true},
                                           F32C8Matmul{40, 50, 300, true},
                                           F32C8Matmul{10, 17, 4, false}));

} // namespace

namespace {

/// quantc_qgemm_f32s8_f32 (float activations, weight-only int8) on every
/// instruction set, at 1 and 3 threads, against the arithmetic of
/// quantc_qgemm_f32s4_f32 with q the s8 weights: K past the panels' groups
/// of 4 (ceil(K / 4) odd) reads as 0.
struct F32S8Matmul {
  int64_t m, n, k, group;
};

class QGemmF32S8Test : public ::testing::TestWithParam<F32S8Matmul> {};

TEST_P(QGemmF32S8Test, MatchesStatedArithmetic) {
  const F32S8Matmul &s = GetParam();
  std::mt19937 rng(s.m * 37 + s.n * 11 + s.k + s.group);
  std::vector<int8_t> q = randomWeights(rng, s.k * s.n);
  int64_t groups = (s.k + s.group - 1) / s.group;
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::vector<float> scale(groups * s.n);
  for (float &v : scale)
    v = 0.001f + std::abs(unit(rng)) * 0.01f;
  int64_t lda = s.k + 1;
  std::vector<float> a = randomActivations(rng, s.m * lda);
  std::vector<int8_t> panels(quantc_panels_size(s.k, s.n));
  quantc_pack_panels_s8(s.k, s.n, q.data(), s.n, 1, panels.data());

  int64_t ldc = s.n + 2;
  std::vector<float> want =
      floatWeightReference(a, lda, s.m, s.n, s.k, s.group, scale.data(), ldc,
                           [&](int64_t kk, int64_t col) {
                             return kk < s.k ? float(q[kk * s.n + col]) : 0.0f;
                           });
  expectOnEveryIsa(want, ldc, [&](float *c) {
    quantc_qgemm_f32s8_f32(s.m, s.n, s.k, s.group, a.data(), lda, panels.data(),
                           scale.data(), c, ldc);
  });
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QGemmF32S8Test,
    ::testing::Values(F32S8Matmul{1, 16, 8, 8}, F32S8Matmul{1, 70, 45, 48},
                      F32S8Matmul{1, 37, 12, 16}, F32S8Matmul{3, 33, 128, 64},
                      F32S8Matmul{9, 20, 13, 16}, F32S8Matmul{40, 50, 300, 300},
                      F32S8Matmul{5, 100, 4, 8}));

} // namespace
