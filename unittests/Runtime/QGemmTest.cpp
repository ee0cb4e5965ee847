//===- QGemmTest.cpp - The runtime's int8 kernels against plain loops -----===//
//
// Every instruction set's matmul and convolution kernel against a direct
// evaluation of (x - zx) * w + bias in 64-bit integers, over shapes with
// every kind of edge: rows past a register tile, columns past a panel, K
// not a multiple of 4, padding, strides, dilations, s8 and u8 activations.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"
#include "quantc_kernels.h"
#include "quantc_threads.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace quantc::test;

namespace {

/// The shape of a convolution with padding pt, pl, pb, pr, its outputs
/// computed as ONNX does, padding holding the zero point `zero`.
quantc_conv_shape makeShape(int64_t channels, int64_t filters, int64_t height,
                            int64_t width, int64_t kh, int64_t kw, int64_t sh,
                            int64_t sw, int64_t dh, int64_t dw, int64_t pt,
                            int64_t pl, int64_t pb, int64_t pr, int32_t zero,
                            bool xSigned) {
  quantc_conv_shape shape = {};
  shape.channels = channels;
  shape.height = height;
  shape.width = width;
  shape.filters = filters;
  shape.kernel_h = kh;
  shape.kernel_w = kw;
  shape.stride_h = sh;
  shape.stride_w = sw;
  shape.dilation_h = dh;
  shape.dilation_w = dw;
  shape.pad_top = pt;
  shape.pad_left = pl;
  shape.out_h = (height + pt + pb - dh * (kh - 1) - 1) / sh + 1;
  shape.out_w = (width + pl + pr - dw * (kw - 1) - 1) / sw + 1;
  shape.pad_value = xSigned ? int32_t(uint8_t(int8_t(zero))) : zero;
  shape.x_signed = xSigned;
  return shape;
}

/// The kernels' offsets for filters of `taps` weights each (rows of `w`):
/// bias - z' * sum of the filter, z' = zero + 128 for s8 activations.
std::vector<int32_t> getOffsets(const std::vector<int8_t> &w,
                                const std::vector<int32_t> &bias, int64_t taps,
                                int32_t zero, bool xSigned) {
  std::vector<int32_t> offset(bias.size());
  for (size_t f = 0; f < bias.size(); ++f) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t)
      sum += w[f * taps + t];
    offset[f] = int32_t(bias[f] - int64_t(xSigned ? zero + 128 : zero) * sum);
  }
  return offset;
}

/// The activation at row r, column col of channel c, or the zero point
/// outside the input.
int64_t inputAt(const std::vector<uint8_t> &x, int64_t channelStride,
                const quantc_conv_shape &shape, int64_t c, int64_t r,
                int64_t col, int32_t zero) {
  if (r < 0 || r >= shape.height || col < 0 || col >= shape.width)
    return zero;
  uint8_t stored = x[c * channelStride + r * shape.width + col];
  return shape.x_signed ? int64_t(int8_t(stored)) : int64_t(stored);
}

struct Matmul {
  int64_t m, n, k;
  bool aSigned;
};

class QGemmTest : public ::testing::TestWithParam<Matmul> {};

TEST_P(QGemmTest, MatchesDirectSum) {
  const Matmul &shape = GetParam();
  std::mt19937 rng(shape.m * 1000003 + shape.n * 1009 + shape.k);
  int64_t lda = shape.k + 3; // rows with a gap after them
  std::vector<uint8_t> a = randomBytes(rng, shape.m * lda);
  std::vector<int8_t> w = randomWeights(rng, shape.k * shape.n);
  std::vector<int32_t> bias(shape.n);
  for (int32_t &v : bias)
    v = int32_t(rng() % 20001) - 10000;
  int32_t zero = shape.aSigned ? -7 : 131;

  // The kernel's offsets: bias - zx' * colsum, zx' = zx + 128 for s8.
  std::vector<int32_t> offset(shape.n);
  for (int64_t j = 0; j < shape.n; ++j) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < shape.k; ++kk)
      sum += w[kk * shape.n + j];
    offset[j] =
        int32_t(bias[j] - int64_t(shape.aSigned ? zero + 128 : zero) * sum);
  }
  std::vector<int8_t> panels(quantc_panels_size(shape.k, shape.n));
  quantc_pack_panels_s8(shape.k, shape.n, w.data(), shape.n, 1, panels.data());

  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    int64_t ldc = shape.n + 5;
    std::vector<int32_t> c(shape.m * ldc, 0x5a5a5a5a);
    quantc_qgemm_u8s8(shape.m, shape.n, shape.k, a.data(), lda, shape.aSigned,
                      panels.data(), offset.data(), c.data(), ldc);
    for (int64_t i = 0; i < shape.m; ++i) {
      for (int64_t j = 0; j < shape.n; ++j) {
        int64_t want = bias[j];
        for (int64_t kk = 0; kk < shape.k; ++kk) {
          int64_t x = shape.aSigned ? int8_t(a[i * lda + kk]) : a[i * lda + kk];
          want += (x - zero) * w[kk * shape.n + j];
        }
        ASSERT_EQ(c[i * ldc + j], int32_t(want))
            << isa << " at (" << i << ", " << j << ")";
      }
      // The gap after each row of C is left alone.
      for (int64_t j = shape.n; j < ldc; ++j)
        ASSERT_EQ(c[i * ldc + j], 0x5a5a5a5a) << isa << " wrote past N";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QGemmTest,
    ::testing::Values(Matmul{1, 1, 1, false}, Matmul{1, 16, 4, false},
                      Matmul{1, 17, 3, false}, Matmul{5, 64, 64, false},
                      Matmul{6, 65, 67, true}, Matmul{7, 100, 5, false},
                      Matmul{13, 130, 129, true}, Matmul{40, 33, 120, false},
                      Matmul{2, 200, 1024, true},
                      // AMX: blocks of one and two tiles each way, whole
                      // steps of 64 k and a tail, edges past the tiles,
                      // and s8 activations (left to AVX-512 VNNI)
                      Matmul{50, 70, 200, false}, Matmul{16, 16, 64, false},
                      Matmul{48, 48, 64, true}));

/// quantc_qgemm_u8s8_f32: the sums of quantc_qgemm_u8s8 less a zero point
/// known at run time (per row or one), made binary32 as its comment states,
/// against the same steps in plain C++ (each rounded once), at 1 and 3
/// threads; the gap after each row of C is left alone.
struct ScaledMatmul {
  int64_t m, n, k;
  bool aSigned, perRow, bias;
};

class QGemmF32Test : public ::testing::TestWithParam<ScaledMatmul> {};

TEST_P(QGemmF32Test, MatchesSteps) {
  const ScaledMatmul &shape = GetParam();
  std::mt19937 rng(shape.m * 7001 + shape.n * 13 + shape.k);
  int64_t lda = shape.k + 1;
  std::vector<uint8_t> a = randomBytes(rng, shape.m * lda);
  std::vector<int8_t> w = randomWeights(rng, shape.k * shape.n);
  int64_t rows = shape.perRow ? shape.m : 1;
  std::vector<float> aScale(rows), bScale(shape.n), bias(shape.n);
  std::vector<int32_t> aZero(rows);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (int64_t r = 0; r < rows; ++r) {
    aScale[r] = 0.01f + std::abs(unit(rng)) * 0.05f;
    aZero[r] = shape.aSigned ? int32_t(rng() % 255) - 127 : rng() % 256;
  }
  for (int64_t j = 0; j < shape.n; ++j) {
    bScale[j] = 0.001f + std::abs(unit(rng)) * 0.01f;
    bias[j] = unit(rng);
  }
  // Offsets of a zero point 0 (the +128 of s8 activations), column sums.
  std::vector<int32_t> offset(shape.n), colSum(shape.n);
  for (int64_t j = 0; j < shape.n; ++j) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < shape.k; ++kk)
      sum += w[kk * shape.n + j];
    colSum[j] = int32_t(sum);
    offset[j] = int32_t(-(shape.aSigned ? 128 : 0) * sum);
  }
  std::vector<int8_t> panels(quantc_panels_size(shape.k, shape.n));
  quantc_pack_panels_s8(shape.k, shape.n, w.data(), shape.n, 1, panels.data());

  int64_t ldc = shape.n + 2;
  std::vector<float> want(shape.m * ldc, -3.0f);
  for (int64_t i = 0; i < shape.m; ++i) {
    int64_t r = shape.perRow ? i : 0;
    for (int64_t j = 0; j < shape.n; ++j) {
      int64_t acc = 0;
      for (int64_t kk = 0; kk < shape.k; ++kk) {
        int64_t x = shape.aSigned ? int8_t(a[i * lda + kk]) : a[i * lda + kk];
        acc += (x - aZero[r]) * w[kk * shape.n + j];
      }
      volatile float multiplier = aScale[r] * bScale[j];
      volatile float value = float(int32_t(acc)) * multiplier;
      if (shape.bias)
        value = value + bias[j];
      want[i * ldc + j] = value;
    }
  }
  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    for (int threads : {1, 3}) {
      quantc_set_threads(threads);
      std::vector<float> c(shape.m * ldc, -3.0f);
      quantc_qgemm_u8s8_f32(shape.m, shape.n, shape.k, a.data(), lda,
                            shape.aSigned, panels.data(), offset.data(),
                            colSum.data(), aScale.data(), aZero.data(),
                            shape.perRow ? 1 : 0, bScale.data(),
                            shape.bias ? bias.data() : nullptr, c.data(), ldc);
      for (int64_t i = 0; i < shape.m * ldc; ++i)
        ASSERT_EQ(c[i], want[i])
            << isa << " with " << threads << " threads at (" << i / ldc << ", "
            << i % ldc << ")";
    }
  }
  quantc_set_threads(0);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QGemmF32Test,
    ::testing::Values(ScaledMatmul{1, 70, 38, false, true, true},
                      ScaledMatmul{3, 17, 5, true, false, false},
                      ScaledMatmul{20, 100, 67, false, true, false},
                      ScaledMatmul{40, 2100, 64, false, true, true},
                      ScaledMatmul{64, 48, 128, true, true, true},
                      ScaledMatmul{2, 5000, 96, false, false, true}));

struct Conv {
  int64_t channels, height, width, filters, kh, kw, sh, sw, dh, dw, pt, pl, pb,
      pr;
  bool xSigned;
};

class QConvTest : public ::testing::TestWithParam<Conv> {};

TEST_P(QConvTest, MatchesDirectSum) {
  const Conv &s = GetParam();
  std::mt19937 rng(s.channels * 7919 + s.filters * 31 + s.kh);
  int64_t channelStride = s.height * s.width + 11;
  std::vector<uint8_t> x = randomBytes(rng, s.channels * channelStride);
  int64_t k = s.channels * s.kh * s.kw;
  std::vector<int8_t> w = randomWeights(rng, s.filters * k);
  std::vector<int32_t> bias(s.filters);
  for (int32_t &v : bias)
    v = int32_t(rng() % 2001) - 1000;
  int32_t zero = s.xSigned ? 5 : 120;
  quantc_conv_shape shape =
      makeShape(s.channels, s.filters, s.height, s.width, s.kh, s.kw, s.sh,
                s.sw, s.dh, s.dw, s.pt, s.pl, s.pb, s.pr, zero, s.xSigned);
  int64_t pixels = shape.out_h * shape.out_w;
  std::vector<int32_t> offset = getOffsets(w, bias, k, zero, s.xSigned);
  std::vector<int8_t> rows(quantc_rows_size(s.filters, k));
  quantc_pack_rows_s8(s.filters, k, w.data(), k, 1, rows.data());

  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    std::vector<int32_t> y(s.filters * pixels, 0x5a5a5a5a);
    quantc_qconv_s8u8(&shape, rows.data(), offset.data(), x.data(),
                      channelStride, y.data());
    for (int64_t f = 0; f < s.filters; ++f)
      for (int64_t p = 0; p < pixels; ++p) {
        int64_t oh = p / shape.out_w, ow = p % shape.out_w;
        int64_t want = bias[f];
        for (int64_t c = 0; c < s.channels; ++c)
          for (int64_t i = 0; i < s.kh; ++i)
            for (int64_t j = 0; j < s.kw; ++j) {
              int64_t v = inputAt(x, channelStride, shape, c,
                                  oh * s.sh + i * s.dh - s.pt,
                                  ow * s.sw + j * s.dw - s.pl, zero);
              want += (v - zero) * w[f * k + (c * s.kh + i) * s.kw + j];
            }
        ASSERT_EQ(y[f * pixels + p], int32_t(want))
            << isa << " at filter " << f << ", pixel " << p;
      }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QConvTest,
    ::testing::Values(
        // pointwise, pixels past a block of 64, K not a multiple of 4
        Conv{3, 9, 10, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false},
        Conv{16, 8, 20, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, true},
        // 3x3 with padding, stride 2, a tall first layer
        Conv{3, 12, 30, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false},
        Conv{5, 7, 9, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true},
        // asymmetric stride and padding, dilation
        Conv{4, 11, 13, 6, 3, 2, 2, 1, 2, 1, 2, 0, 1, 1, false},
        // 5x5, more filters than a tile
        Conv{8, 6, 6, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, false},
        // wide rows: runs of 16 pixels inside the input, with stride 1 and
        // 2 (whole loads), and runs that cross output rows
        Conv{3, 5, 83, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true},
        Conv{3, 9, 101, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false},
        Conv{2, 6, 70, 5, 3, 3, 1, 2, 1, 1, 0, 0, 0, 0, true},
        // more filters than two register tiles and a partial one, K past
        // a multiple of 64, a partial last panel, 3x3 taps
        Conv{130, 10, 10, 52, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false},
        Conv{70, 9, 7, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, true},
        Conv{20, 8, 24, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false}));

} // namespace

namespace {

struct Depthwise {
  int64_t channels, multiplier, height, width, kh, kw, sh, sw, dh, dw, pt, pl,
      pb, pr;
  bool xSigned;
};

class QDepthwiseTest : public ::testing::TestWithParam<Depthwise> {};

TEST_P(QDepthwiseTest, MatchesDirectSum) {
  const Depthwise &s = GetParam();
  std::mt19937 rng(s.channels * 131 + s.kh * 7 + s.sw);
  int64_t channelStride = s.height * s.width + 5;
  std::vector<uint8_t> x = randomBytes(rng, s.channels * channelStride);
  int64_t filters = s.channels * s.multiplier, taps = s.kh * s.kw;
  std::vector<int8_t> w = randomWeights(rng, filters * taps);
  std::vector<int32_t> bias(filters);
  for (int32_t &v : bias)
    v = int32_t(rng() % 2001) - 1000;
  int32_t zero = s.xSigned ? -9 : 77;
  quantc_conv_shape shape =
      makeShape(s.channels, filters, s.height, s.width, s.kh, s.kw, s.sh, s.sw,
                s.dh, s.dw, s.pt, s.pl, s.pb, s.pr, zero, s.xSigned);
  int64_t pixels = shape.out_h * shape.out_w;
  std::vector<int32_t> offset = getOffsets(w, bias, taps, zero, s.xSigned);
  std::vector<int8_t> packed(quantc_depthwise_size(filters, s.kh, s.kw));
  quantc_pack_depthwise_s8(filters, s.kh, s.kw, w.data(), packed.data());

  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    std::vector<int32_t> y(filters * pixels, 0x5a5a5a5a);
    quantc_qdepthwise_s8u8(&shape, packed.data(), offset.data(), x.data(),
                           channelStride, y.data());
    for (int64_t f = 0; f < filters; ++f)
      for (int64_t p = 0; p < pixels; ++p) {
        int64_t c = f / s.multiplier;
        int64_t oh = p / shape.out_w, ow = p % shape.out_w;
        int64_t want = bias[f];
        for (int64_t i = 0; i < s.kh; ++i)
          for (int64_t j = 0; j < s.kw; ++j) {
            int64_t v =
                inputAt(x, channelStride, shape, c, oh * s.sh + i * s.dh - s.pt,
                        ow * s.sw + j * s.dw - s.pl, zero);
            want += (v - zero) * w[f * taps + i * s.kw + j];
          }
        ASSERT_EQ(y[f * pixels + p], int32_t(want))
            << isa << " at filter " << f << ", pixel " << p;
      }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QDepthwiseTest,
    ::testing::Values(
        // 3x3 stride 1, padding 1; widths below, at and past 16 pixels
        Depthwise{5, 1, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false},
        Depthwise{3, 1, 6, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true},
        // stride 2 both ways, and 2 by 1 as PP-OCR rec has
        Depthwise{4, 1, 12, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false},
        Depthwise{4, 1, 12, 40, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, true},
        // 5x5 (two groups of taps a row), a channel multiplier of 2
        Depthwise{6, 2, 9, 21, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, false},
        // rows of 64 pixels and more (four accumulators), stride 2 too
        Depthwise{3, 1, 5, 150, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false},
        Depthwise{2, 1, 6, 260, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, true},
        // 7x7 (AVX2's most pairs of taps, 28) and a 1x5 row filter
        Depthwise{3, 1, 10, 37, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3, true},
        Depthwise{2, 1, 4, 23, 1, 5, 1, 2, 1, 1, 0, 2, 0, 2, false},
        // width dilation and stride 3: the portable plane code
        Depthwise{2, 1, 8, 17, 3, 3, 1, 3, 1, 2, 0, 1, 2, 0, false}));

} // namespace

namespace {

/// The kernels split large jobs over threads; every thread count gives the
/// same integers.
// Products of two activations: every signedness of either operand, zero
// points at the ends of their ranges and in between, batches of shapes
// with partial panels and register tiles, K not a multiple of 4, and K 0
// (empty sums).
TEST(QBatchMatMulTest, MatchesDirectSum) {
  struct Case {
    int64_t batch, m, n, k;
  };
  const Case cases[] = {{1, 1, 1, 1},
                        {3, 5, 17, 7},
                        {2, 9, 40, 64},
                        {4, 16, 8, 33},
                        {2, 3, 5, 0}};
  std::mt19937 rng(17);
  for (const Case &s : cases)
    for (int aSigned = 0; aSigned < 2; ++aSigned)
      for (int bSigned = 0; bSigned < 2; ++bSigned) {
        std::vector<uint8_t> a = randomBytes(rng, s.batch * s.m * s.k);
        std::vector<uint8_t> b = randomBytes(rng, s.batch * s.k * s.n);
        const int32_t aZeros[2][3] = {{0, 255, 131}, {-128, 127, -3}};
        const int32_t bZeros[2][3] = {{128, 0, 255}, {0, -128, 101}};
        for (int z = 0; z < 3; ++z) {
          int32_t aZero = aZeros[aSigned][z], bZero = bZeros[bSigned][z];
          for (const std::string &isa : getIsas()) {
            ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
            std::vector<int32_t> c(s.batch * s.m * s.n, 0x5a5a5a5a);
            quantc_qbatch_matmul_8(s.batch, s.m, s.n, s.k, a.data(), aSigned,
                                   aZero, b.data(), bSigned, bZero, c.data());
            for (int64_t t = 0; t < s.batch; ++t)
              for (int64_t i = 0; i < s.m; ++i)
                for (int64_t j = 0; j < s.n; ++j) {
                  int64_t want = 0;
                  for (int64_t kk = 0; kk < s.k; ++kk) {
                    uint8_t x = a[(t * s.m + i) * s.k + kk];
                    uint8_t y = b[(t * s.k + kk) * s.n + j];
                    int64_t xv = aSigned ? int8_t(x) : x;
                    int64_t yv = bSigned ? int8_t(y) : y;
                    want += (xv - aZero) * (yv - bZero);
                  }
                  ASSERT_EQ(c[(t * s.m + i) * s.n + j], int32_t(want))
                      << isa << " batch " << t << " at " << i << ", " << j
                      << " (a " << (aSigned ? "s8" : "u8") << " zero " << aZero
                      << ", b " << (bSigned ? "s8" : "u8") << " zero " << bZero
                      << ")";
                }
          }
        }
      }
}

TEST(QKernelThreads, SameResultsForEveryThreadCount) {
  std::mt19937 rng(99);
  auto bytes = [&](size_t count) { return randomBytes(rng, count); };
  auto weights = [&](size_t count) { return randomWeights(rng, count); };
  // A matmul split by columns (wide) and by rows (tall), a convolution, a
  // depthwise convolution: each well past the work a part needs.
  const int64_t m = 64, n = 1024, k = 256, tallM = 512, tallN = 64;
  std::vector<uint8_t> a = bytes(tallM * k);
  std::vector<int8_t> wide = weights(k * n), tall = weights(k * tallN);
  std::vector<int8_t> widePanels(quantc_panels_size(k, n)),
      tallPanels(quantc_panels_size(k, tallN));
  quantc_pack_panels_s8(k, n, wide.data(), n, 1, widePanels.data());
  quantc_pack_panels_s8(k, tallN, tall.data(), tallN, 1, tallPanels.data());
  std::vector<int32_t> offsets(n, 17);

  quantc_conv_shape conv =
      makeShape(64, 64, 40, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 9, false);
  std::vector<uint8_t> x = bytes(64 * 40 * 48);
  std::vector<int8_t> convWeights = weights(64 * 64 * 9);
  std::vector<int8_t> rows(quantc_rows_size(64, 64 * 9));
  quantc_pack_rows_s8(64, 64 * 9, convWeights.data(), 64 * 9, 1, rows.data());
  quantc_conv_shape depthwise = conv;
  depthwise.filters = 64;
  std::vector<int8_t> depthwiseWeights = weights(64 * 9);
  std::vector<int8_t> depthwiseRows(quantc_depthwise_size(64, 3, 3));
  quantc_pack_depthwise_s8(64, 3, 3, depthwiseWeights.data(),
                           depthwiseRows.data());

  auto runAll = [&](int threads) {
    quantc_set_threads(threads);
    std::vector<int32_t> out(m * n + tallM * tallN + 2 * 64 * 40 * 48);
    int32_t *next = out.data();
    quantc_qgemm_u8s8(m, n, k, a.data(), k, 0, widePanels.data(),
                      offsets.data(), next, n);
    next += m * n;
    quantc_qgemm_u8s8(tallM, tallN, k, a.data(), k, 1, tallPanels.data(),
                      offsets.data(), next, tallN);
    next += tallM * tallN;
    quantc_qconv_s8u8(&conv, rows.data(), offsets.data(), x.data(), 40 * 48,
                      next);
    next += 64 * 40 * 48;
    quantc_qdepthwise_s8u8(&depthwise, depthwiseRows.data(), offsets.data(),
                           x.data(), 40 * 48, next);
    return out;
  };
  for (const std::string &isa : getIsas()) {
    ASSERT_TRUE(quantc_kernels_use(isa.c_str()));
    std::vector<int32_t> one = runAll(1);
    for (int threads : {2, 3, 4})
      ASSERT_EQ(runAll(threads), one)
          << isa << " with " << threads << " threads";
  }
  quantc_set_threads(0);
}

} // namespace
