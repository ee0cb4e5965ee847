/*===- qgemm_neon.c - int8 matmul kernel for AArch64 (dotprod, i8mm) -----===//
//
// quantc_qgemm_u8s8 with the dot-product instructions of AArch64. A group
// of a weight panel (16 columns x 4 k, 64 bytes) is four q registers of 4
// columns each, the layout `sdot` takes: each 32-bit lane of the result
// adds the products of the 4 bytes of a weight lane and the 4 activation
// bytes of a row, broadcast to every lane.
//
// - dotprod (`sdot`, signed x signed): the activation byte u (as the
//   portable kernel reads it, u8) enters as u - 128 (its top bit flipped)
//   and the kernel adds 128 * sum_k w(k, n) back, summing the weights with
//   one more `sdot` by a vector of ones. All sums wrap in i32 as the
//   portable kernel's do, so the result is the same bit for bit.
// - i8mm (`usdot`, unsigned x signed): the activation byte enters as it
//   is, no correction needed.
//
// Register tile: up to 4 rows x 16 columns, 16 accumulators (plus 4 for
// the weight sums). The file is compiled with -march=armv8.2-a+dotprod+i8mm
// and qgemm.c calls each variant only when the CPU reports it.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <arm_neon.h>
#include <string.h>

#define MR 4
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Rows m0..m0+mr of C over one panel (`b`, its groups), columns
 * n0..n0+last of C. `flip` is XORed into the activation bytes: for sdot it
 * turns the u8 value u into u - 128 (so it is 0x80808080 for u8
 * activations, 0 for s8 ones, whose stored byte is already u - 128); for
 * usdot it turns s8 activations into u (0x80808080 for s8, 0 for u8). */
ALWAYS_INLINE void neon_tile(const int mr, const int use_usdot, int64_t k,
                             const uint8_t *a, int64_t lda, uint32_t flip,
                             const int8_t *b, const int32_t *col_offset,
                             int32_t *c, int64_t ldc, int64_t last) {
  int32x4_t acc[MR][4], sums[4];
  for (int j = 0; j < 4; ++j) {
    sums[j] = vdupq_n_s32(0);
    for (int r = 0; r < mr; ++r)
      acc[r][j] = vdupq_n_s32(0);
  }
  const int8x16_t ones = vdupq_n_s8(1);
  int64_t groups = quantc_ceil_div(k, 4);
  for (int64_t g = 0; g < groups; ++g) {
    int64_t bytes = k - 4 * g < 4 ? k - 4 * g : 4;
    int8x16_t w[4];
    for (int j = 0; j < 4; ++j)
      w[j] = vld1q_s8(b + g * 64 + 16 * j);
    if (!use_usdot)
      for (int j = 0; j < 4; ++j)
        sums[j] = vdotq_s32(sums[j], w[j], ones);
    for (int r = 0; r < mr; ++r) {
      uint32_t word = quantc_load_bytes(a + r * lda + 4 * g, bytes) ^ flip;
      if (bytes < 4) /* the bytes past K: 0 as the portable kernel reads */
        word &= (1u << (8 * bytes)) - 1u;
      uint32x4_t av = vdupq_n_u32(word);
      for (int j = 0; j < 4; ++j) {
#if defined(__ARM_FEATURE_MATMUL_INT8)
        if (use_usdot) {
          acc[r][j] = vusdotq_s32(acc[r][j], vreinterpretq_u8_u32(av), w[j]);
          continue;
        }
#endif
        acc[r][j] = vdotq_s32(acc[r][j], vreinterpretq_s8_u32(av), w[j]);
      }
    }
  }
  for (int r = 0; r < mr; ++r) {
    int32_t out[16];
    for (int j = 0; j < 4; ++j) {
      int32x4_t v = acc[r][j];
      if (!use_usdot) /* + 128 * sum of the weights, wrapping */
        v = vreinterpretq_s32_u32(
            vaddq_u32(vreinterpretq_u32_s32(v),
                      vshlq_n_u32(vreinterpretq_u32_s32(sums[j]), 7)));
      vst1q_s32(out + 4 * j, v);
    }
    for (int64_t n = 0; n < last; ++n)
      c[r * ldc + n] = (int32_t)((uint32_t)out[n] + (uint32_t)col_offset[n]);
  }
}

#define NEON_TILE(R, U)                                                        \
  static __attribute__((noinline)) void neon_##R##_##U(                        \
      int64_t k, const uint8_t *a, int64_t lda, uint32_t flip,                 \
      const int8_t *b, const int32_t *col_offset, int32_t *c, int64_t ldc,     \
      int64_t last) {                                                          \
    neon_tile(R, U, k, a, lda, flip, b, col_offset, c, ldc, last);             \
  }
NEON_TILE(1, 0)
NEON_TILE(2, 0)
NEON_TILE(3, 0)
NEON_TILE(4, 0)
NEON_TILE(1, 1)
NEON_TILE(2, 1)
NEON_TILE(3, 1)
NEON_TILE(4, 1)

static void qgemm_neon(int use_usdot, int64_t m, int64_t n, int64_t k,
                       const uint8_t *a, int64_t lda, int a_signed,
                       const int8_t *b_panels, const int32_t *col_offset,
                       int32_t *c, int64_t ldc) {
  int64_t panel_bytes = quantc_ceil_div(k, 4) * 64;
  uint32_t flip = (a_signed != 0) == (use_usdot != 0) ? 0x80808080u : 0u;
  for (int64_t p = 0; p * 16 < n; ++p) {
    int64_t last = n - p * 16 < 16 ? n - p * 16 : 16;
    const int8_t *b = b_panels + p * panel_bytes;
    for (int64_t m0 = 0; m0 < m; m0 += MR) {
      int64_t mr = m - m0 < MR ? m - m0 : MR;
      const uint8_t *rows = a + m0 * lda;
      int32_t *out = c + m0 * ldc + p * 16;
      const int32_t *offset = col_offset + p * 16;
      switch (mr * 2 + use_usdot) {
      case 2:
        neon_1_0(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      case 4:
        neon_2_0(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      case 6:
        neon_3_0(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      case 8:
        neon_4_0(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      case 3:
        neon_1_1(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      case 5:
        neon_2_1(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      case 7:
        neon_3_1(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      default:
        neon_4_1(k, rows, lda, flip, b, offset, out, ldc, last);
        break;
      }
    }
  }
}

QUANTC_RUNTIME void
quantc_qgemm_u8s8_dotprod(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                          int64_t lda, int a_signed, const int8_t *b_panels,
                          const int32_t *col_offset, int32_t *c, int64_t ldc) {
  qgemm_neon(0, m, n, k, a, lda, a_signed, b_panels, col_offset, c, ldc);
}

QUANTC_RUNTIME void quantc_qgemm_u8s8_i8mm(int64_t m, int64_t n, int64_t k,
                                           const uint8_t *a, int64_t lda,
                                           int a_signed, const int8_t *b_panels,
                                           const int32_t *col_offset,
                                           int32_t *c, int64_t ldc) {
  qgemm_neon(1, m, n, k, a, lda, a_signed, b_panels, col_offset, c, ldc);
}
