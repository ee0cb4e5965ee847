//===- MemrefCopyTest.cpp - The runtime's strided copy -------------------===//
//
// memrefCopy (runtime/quantc_runtime.c) copies between strided buffers, as
// the code MLIR generates calls it (a concatenation writes each input into
// a view of the result). Large copies split over the run's threads; the
// result must be the same at every thread count.
//
//===----------------------------------------------------------------------===//

#include "quantc_threads.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

namespace {

/// A ranked memref descriptor of rank 3, as MLIR lays it out.
struct Descriptor3 {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

struct Unranked {
  int64_t rank;
  void *descriptor;
};

} // namespace

extern "C" void memrefCopy(int64_t elementSize, Unranked *src, Unranked *dst);

namespace {

/// Copies a [d0, d1, d2] float buffer read with `srcStrides` (from element
/// `srcOffset` of `src`) into `dst` with `dstStrides` (from `dstOffset`),
/// with memrefCopy on `threads` threads.
void copy(std::vector<float> &src, int64_t srcOffset,
          std::array<int64_t, 3> srcStrides, std::vector<float> &dst,
          int64_t dstOffset, std::array<int64_t, 3> dstStrides,
          std::array<int64_t, 3> sizes, int threads) {
  Descriptor3 s{reinterpret_cast<char *>(src.data()),
                reinterpret_cast<char *>(src.data()),
                srcOffset,
                {sizes[0], sizes[1], sizes[2]},
                {srcStrides[0], srcStrides[1], srcStrides[2]}};
  Descriptor3 d{reinterpret_cast<char *>(dst.data()),
                reinterpret_cast<char *>(dst.data()),
                dstOffset,
                {sizes[0], sizes[1], sizes[2]},
                {dstStrides[0], dstStrides[1], dstStrides[2]}};
  Unranked us{3, &s}, ud{3, &d};
  quantc_set_threads(threads);
  memrefCopy(sizeof(float), &us, &ud);
  quantc_set_threads(1);
}

// The past keys of a cache [16 heads, 300 positions, 70] written into a
// view of a longer cache [16, 310, 70] at position 5: 16 runs of 300 x 70
// contiguous floats (84 KB), enough to split over threads, while the
// elements outside the view stay untouched.
TEST(MemrefCopyTest, ConcatenationViewAtEveryThreadCount) {
  const int64_t heads = 16, past = 300, longer = 310, width = 70;
  std::vector<float> src(heads * past * width);
  std::iota(src.begin(), src.end(), 1.0f);
  for (int threads : {1, 2, 4}) {
    std::vector<float> dst(heads * longer * width, -1.0f);
    copy(src, 0, {past * width, width, 1}, dst, 5 * width,
         {longer * width, width, 1}, {heads, past, width}, threads);
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t p = 0; p < longer; ++p)
        for (int64_t w = 0; w < width; ++w) {
          float want = p >= 5 && p < 5 + past
                           ? src[(h * past + p - 5) * width + w]
                           : -1.0f;
          ASSERT_EQ(dst[(h * longer + p) * width + w], want)
              << "threads " << threads << " at " << h << ", " << p << ", " << w;
        }
  }
}

// A transpose of the last two dimensions: no contiguous run longer than
// one element, the copy element by element (800 KB), split over threads
// too.
TEST(MemrefCopyTest, TransposeAtEveryThreadCount) {
  const int64_t a = 8, b = 96, c = 260;
  std::vector<float> src(a * b * c);
  std::iota(src.begin(), src.end(), 0.0f);
  for (int threads : {1, 2, 4}) {
    std::vector<float> dst(a * b * c, -1.0f);
    // dst[i, k, j] = src[i, j, k], viewed as [a, b, c] with dst strides
    // [b * c, 1, b].
    copy(src, 0, {b * c, c, 1}, dst, 0, {b * c, 1, b}, {a, b, c}, threads);
    for (int64_t i = 0; i < a; ++i)
      for (int64_t j = 0; j < b; ++j)
        for (int64_t k = 0; k < c; ++k)
          ASSERT_EQ(dst[i * b * c + k * b + j], src[(i * b + j) * c + k])
              << "threads " << threads;
  }
}

// Empty and scalar-like copies.
TEST(MemrefCopyTest, EmptyAndSingleElement) {
  std::vector<float> src = {3.5f}, dst = {0.0f};
  copy(src, 0, {1, 1, 1}, dst, 0, {1, 1, 1}, {1, 1, 1}, 2);
  EXPECT_EQ(dst[0], 3.5f);
  std::vector<float> untouched = {7.0f};
  copy(src, 0, {1, 1, 1}, untouched, 0, {1, 1, 1}, {1, 0, 1}, 2);
  EXPECT_EQ(untouched[0], 7.0f);
}

} // namespace
