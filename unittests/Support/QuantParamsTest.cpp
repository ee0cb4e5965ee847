//===- QuantParamsTest.cpp - Scale, zero point and rounding rules --------===//
//
// Checks the scalar rules of docs/numerics.md. The vectors come from ONNX's
// backend test data (/usr/share/libonnx-testdata/data/node/test_*): ONNX's
// outputs, not values computed by this code.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/QuantParams.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace quantc;
using llvm::failed;
using llvm::FailureOr;
using llvm::succeeded;

namespace {

const StorageRange kU8 = StorageRange::forBits(8, /*isSigned=*/false);
const StorageRange kS8 = StorageRange::forBits(8, /*isSigned=*/true);

TEST(RoundHalfToEven, TiesGoToEven) {
  EXPECT_EQ(roundHalfToEven(0.5f), 0.0f);
  EXPECT_EQ(roundHalfToEven(1.5f), 2.0f);
  EXPECT_EQ(roundHalfToEven(2.5f), 2.0f);
  EXPECT_EQ(roundHalfToEven(-0.5f), 0.0f);
  EXPECT_EQ(roundHalfToEven(-1.5f), -2.0f);
  EXPECT_EQ(roundHalfToEven(-2.5f), -2.0f);
  EXPECT_EQ(roundHalfToEven(2.5), 2.0);
  EXPECT_EQ(roundHalfToEven(3.5), 4.0);
}

TEST(RoundHalfToEven, NonTiesGoToNearest) {
  EXPECT_EQ(roundHalfToEven(2.4999998f), 2.0f);
  EXPECT_EQ(roundHalfToEven(2.5000002f), 3.0f);
  EXPECT_EQ(roundHalfToEven(-7.75f), -8.0f);
  // Above 2^23 every float is an integer.
  EXPECT_EQ(roundHalfToEven(16777217.0f), 16777217.0f);
  EXPECT_TRUE(std::isinf(roundHalfToEven(INFINITY)));
  EXPECT_TRUE(std::isnan(roundHalfToEven(NAN)));
}

TEST(StorageRange, Widths) {
  EXPECT_EQ(kU8.min, 0);
  EXPECT_EQ(kU8.max, 255);
  EXPECT_EQ(kS8.min, -128);
  EXPECT_EQ(kS8.max, 127);
  StorageRange narrow = StorageRange::forBits(8, true, /*narrow=*/true);
  EXPECT_EQ(narrow.min, -127);
  StorageRange s4 = StorageRange::forBits(4, true);
  EXPECT_EQ(s4.min, -8);
  EXPECT_EQ(s4.max, 7);
  StorageRange s32 = StorageRange::forBits(32, true);
  EXPECT_EQ(s32.min, std::numeric_limits<int32_t>::min());
}

// ONNX test_quantizelinear: scale 2, zero point 128, uint8.
TEST(QuantizeValue, OnnxQuantizeLinear) {
  QuantParams params{2.0f, 128};
  std::vector<float> x = {0, 2, 3, 1000, -254, -1000};
  std::vector<int64_t> expected = {128, 129, 130, 255, 1, 0};
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(quantizeValue(x[i], params, kU8), expected[i]) << x[i];
}

TEST(QuantizeValue, NanAndInfinity) {
  QuantParams params{0.5f, -3};
  EXPECT_EQ(quantizeValue(NAN, params, kS8), -3);
  EXPECT_EQ(quantizeValue(INFINITY, params, kS8), 127);
  EXPECT_EQ(quantizeValue(-INFINITY, params, kS8), -128);
}

// ONNX test_dequantizelinear: scale 2, zero point 128, uint8.
TEST(DequantizeValue, OnnxDequantizeLinear) {
  QuantParams params{2.0f, 128};
  std::vector<int64_t> q = {0, 3, 128, 255};
  std::vector<float> expected = {-256, -250, 0, 254};
  for (size_t i = 0; i < q.size(); ++i)
    EXPECT_EQ(dequantizeValue(q[i], params), expected[i]);
}

struct DynamicCase {
  const char *name;
  std::vector<float> x;
  float scale;
  int64_t zeroPoint;
  std::vector<int64_t> y;
};

// ONNX DynamicQuantizeLinear: uint8, range widened to contain 0, asymmetric.
TEST(ChooseQuantParams, OnnxDynamicQuantizeLinear) {
  std::vector<DynamicCase> cases = {
      {"test_dynamicquantizelinear",
       {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f},
       0.019607843831181526f,
       153,
       {153, 255, 0, 26, 221, 179}},
      {"test_dynamicquantizelinear_min_adjusted",
       {1.0f, 2.1f, 1.3f, 2.5f, 3.34f, 4.0f, 1.5f, 2.6f, 3.9f, 4.0f, 3.0f,
        2.345f},
       0.01568627543747425f,
       0,
       {64, 134, 83, 159, 213, 255, 96, 166, 249, 255, 191, 149}},
      {"test_dynamicquantizelinear_max_adjusted",
       {-1.0f, -2.1f, -1.3f, -2.5f, -3.34f, -4.0f},
       0.01568627543747425f,
       255,
       {191, 121, 172, 96, 42, 0}},
  };
  for (const DynamicCase &c : cases) {
    float lo = *std::min_element(c.x.begin(), c.x.end());
    float hi = *std::max_element(c.x.begin(), c.x.end());
    llvm::FailureOr<QuantParams> params =
        chooseQuantParams(lo, hi, kU8, /*symmetric=*/false);
    ASSERT_TRUE(succeeded(params)) << c.name;
    EXPECT_EQ(params->scale, c.scale) << c.name;
    EXPECT_EQ(params->zeroPoint, c.zeroPoint) << c.name;
    for (size_t i = 0; i < c.x.size(); ++i)
      EXPECT_EQ(quantizeValue(c.x[i], *params, kU8), c.y[i])
          << c.name << " element " << i;
  }
}

TEST(ChooseQuantParams, ZeroIsExact) {
  for (auto [lo, hi] : {std::pair{-1.7f, 9.3f}, std::pair{0.3f, 5.0f},
                        std::pair{-4.0f, -0.1f}}) {
    llvm::FailureOr<QuantParams> params =
        chooseQuantParams(lo, hi, kS8, /*symmetric=*/false);
    ASSERT_TRUE(succeeded(params));
    EXPECT_EQ(dequantizeValue(quantizeValue(0.0f, *params, kS8), *params),
              0.0f);
  }
}

// onnxruntime's symmetric weights: int8 narrowed to [-127, 127], zero point
// 0, scale max|w| / 127.
TEST(ChooseQuantParams, SymmetricNarrowInt8) {
  StorageRange narrow = StorageRange::forBits(8, true, /*narrow=*/true);
  llvm::FailureOr<QuantParams> params =
      chooseQuantParams(-0.5f, 1.27f, narrow, /*symmetric=*/true);
  ASSERT_TRUE(succeeded(params));
  EXPECT_EQ(params->zeroPoint, 0);
  EXPECT_EQ(params->scale, 2.54f / 254.0f);
  EXPECT_EQ(quantizeValue(1.27f, *params, narrow), 127);
  EXPECT_EQ(quantizeValue(-1.27f, *params, narrow), -127);
}

// Symmetric uint8 centres the zero point: round(255 / 2) = 128 (half to even).
TEST(ChooseQuantParams, SymmetricUint8) {
  llvm::FailureOr<QuantParams> params =
      chooseQuantParams(-2.0f, 1.0f, kU8, /*symmetric=*/true);
  ASSERT_TRUE(succeeded(params));
  EXPECT_EQ(params->zeroPoint, 128);
  EXPECT_EQ(params->scale, 4.0f / 255.0f);
}

TEST(ChooseQuantParams, DegenerateAndInvalidRanges) {
  llvm::FailureOr<QuantParams> zeros =
      chooseQuantParams(0.0f, 0.0f, kU8, /*symmetric=*/false);
  ASSERT_TRUE(succeeded(zeros));
  EXPECT_EQ(zeros->scale, 1.0f);
  EXPECT_EQ(zeros->zeroPoint, 0);
  EXPECT_TRUE(failed(chooseQuantParams(NAN, 1.0f, kU8, false)));
  EXPECT_TRUE(failed(chooseQuantParams(0.0f, INFINITY, kU8, false)));
  EXPECT_TRUE(failed(chooseQuantParams(2.0f, 1.0f, kU8, false)));
}

} // namespace

namespace {

/// round_half_even(x * m) for a binary32 `m`, exactly: x (32 bits) times
/// m (24 bits) fits the 64-bit mantissa of x87's long double.
int64_t exactRescale(int64_t x, float m) {
  long double product = static_cast<long double>(x) * m;
  long double floor = std::floor(product);
  long double fraction = product - floor;
  int64_t q = static_cast<int64_t>(floor);
  if (fraction > 0.5L || (fraction == 0.5L && (q & 1)))
    ++q;
  return q;
}

} // namespace

TEST(FixedPoint, Binary32MultipliersAreExact) {
  for (float m :
       {1.0f, 0.5f, 0.75f, 3.0e-4f, 0.0123456f, 7.5f, 1.0e-9f, 6.1e-5f}) {
    FailureOr<FixedPointMultiplier> fp = getFixedPointMultiplier(m);
    ASSERT_TRUE(succeeded(fp)) << m;
    EXPECT_GE(fp->multiplier, int64_t(1) << 30) << m;
    EXPECT_LT(fp->multiplier, int64_t(1) << 31) << m;
    EXPECT_EQ(std::ldexp(double(fp->multiplier), -int(fp->shift)), double(m));
  }
}

TEST(FixedPoint, RoundsHalfToEvenExactly) {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int64_t> acc(-(int64_t(1) << 31), int64_t(1)
                                                                      << 31);
  for (float m : {0.5f, 0.25f, 1.0f / 3.0f, 3.0e-4f, 0.0123456f, 2.5f}) {
    FixedPointMultiplier fp = *getFixedPointMultiplier(m);
    // Ties first: odd multiples of half a step, both signs.
    for (int64_t x : {1, 3, 5, -1, -3, -5, 7, 0})
      EXPECT_EQ(applyFixedPoint(x, fp), exactRescale(x, m)) << x << " " << m;
    for (int i = 0; i < 20000; ++i) {
      int64_t x = acc(rng);
      ASSERT_EQ(applyFixedPoint(x, fp), exactRescale(x, m)) << x << " " << m;
    }
  }
}

TEST(FixedPoint, TinyAndHugeMultipliers) {
  // Below 2^-32 everything rounds to 0.
  FixedPointMultiplier tiny = *getFixedPointMultiplier(1.0e-12);
  EXPECT_EQ(applyFixedPoint(int64_t(1) << 31, tiny), 0);
  EXPECT_EQ(applyFixedPoint(-(int64_t(1) << 31), tiny), 0);
  // A double that needs rounding to 31 bits.
  FixedPointMultiplier third = *getFixedPointMultiplier(1.0 / 3.0);
  EXPECT_EQ(third.multiplier, 1431655765); // round(2^32 / 3 / 2)
  EXPECT_TRUE(failed(getFixedPointMultiplier(0.0)));
  EXPECT_TRUE(failed(getFixedPointMultiplier(-1.0)));
  EXPECT_TRUE(failed(getFixedPointMultiplier(std::ldexp(1.0, 30))));
}
