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
// - i8mm: `usmmla` (unsigned x signed) for two rows or more: it
//   multiplies a 2 x 8 block of activations (two rows, 8 k) by an 8 x 2
//   block of weights (8 k, two columns) into the 2 x 2 sums of one register,
//   twice the products of a `usdot`. Two groups of a panel (k and k + 4)
//   become the weight blocks of its 16 columns with one zip per register:
//   lane j of the first group's register and lane j of the second's are
//   column j's 8 k. A single row (a matrix-vector product) uses `usdot`,
//   which wastes no half of the block. The activation byte enters as it is,
//   no correction needed.
//
// Register tile: up to 4 rows x 16 columns, 16 accumulators (plus 4 for
// the weight sums with sdot, 8 weight blocks with usmmla). The file is
// compiled with -march=armv8.2-a+dotprod+i8mm and qgemm.c calls each
// variant only when the CPU reports it.
//
// The convolution's product (quantc_qpanels_s8u8_neon) swaps the roles:
// the filters' rows (s8) are broadcast and the im2col panel holds the
// activations (u8). With sdot the activation byte enters as u - 128 and
// the kernel adds 128 * sum_k w(f, k), one sum per filter; with usdot it
// enters as it is.
//
// The depthwise convolution (quantc_depthwise_plane_neon) takes a kernel
// row's taps 4 at a time: lane p of a register holds the 4 input bytes
// those taps read for output pixel p, gathered from one 16-byte load by a
// table lookup (tbl), and one sdot or usdot by the 4 broadcast weights
// adds their products to the pixel's sum.
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

#if defined(__ARM_FEATURE_MATMUL_INT8)
/* The 8 bytes of `row` at k0 to k0 + 7 XOR `flip`, 0 past K (a load that
 * stays within the row). */
ALWAYS_INLINE uint8x8_t load_row8(const uint8_t *row, int64_t k0, int64_t k,
                                  uint8_t flip) {
  if (k0 + 8 <= k)
    return veor_u8(vld1_u8(row + k0), vdup_n_u8(flip));
  uint8_t bytes[8] = {0};
  for (int64_t i = 0; k0 + i < k; ++i)
    bytes[i] = row[k0 + i] ^ flip;
  return vld1_u8(bytes);
}

/* neon_tile's job with usmmla, for mr = 2 to 4 rows (pairs of rows, the
 * second row of the last pair empty for 3): acc[p][j] holds the 2 x 2 sums
 * of rows 2p, 2p + 1 and columns 2j, 2j + 1. `flip` is as for usdot. */
ALWAYS_INLINE void mmla_tile(const int mr, int64_t k, const uint8_t *a,
                             int64_t lda, uint8_t flip, const int8_t *b,
                             const int32_t *col_offset, int32_t *c, int64_t ldc,
                             int64_t last) {
  const int pairs = (mr + 1) / 2;
  int32x4_t acc[2][8];
  for (int p = 0; p < pairs; ++p)
    for (int j = 0; j < 8; ++j)
      acc[p][j] = vdupq_n_s32(0);
  int64_t groups = quantc_ceil_div(k, 4);
  for (int64_t g = 0; g < groups; g += 2) {
    int8x16_t w[8];
    for (int q = 0; q < 4; ++q) {
      int32x4_t lo = vreinterpretq_s32_s8(vld1q_s8(b + g * 64 + 16 * q));
      int32x4_t hi =
          g + 1 < groups
              ? vreinterpretq_s32_s8(vld1q_s8(b + (g + 1) * 64 + 16 * q))
              : vdupq_n_s32(0);
      w[2 * q] = vreinterpretq_s8_s32(vzip1q_s32(lo, hi));
      w[2 * q + 1] = vreinterpretq_s8_s32(vzip2q_s32(lo, hi));
    }
    for (int p = 0; p < pairs; ++p) {
      uint8x8_t first = load_row8(a + 2 * p * lda, 4 * g, k, flip);
      uint8x8_t second = 2 * p + 1 < mr
                             ? load_row8(a + (2 * p + 1) * lda, 4 * g, k, flip)
                             : vdup_n_u8(0);
      uint8x16_t rows = vcombine_u8(first, second);
      for (int j = 0; j < 8; ++j)
        acc[p][j] = vusmmlaq_s32(acc[p][j], rows, w[j]);
    }
  }
  for (int p = 0; p < pairs; ++p) {
    int32_t out[2][16];
    for (int q = 0; q < 4; ++q) {
      int64x2_t x = vreinterpretq_s64_s32(acc[p][2 * q]);
      int64x2_t y = vreinterpretq_s64_s32(acc[p][2 * q + 1]);
      vst1q_s32(out[0] + 4 * q, vreinterpretq_s32_s64(vzip1q_s64(x, y)));
      vst1q_s32(out[1] + 4 * q, vreinterpretq_s32_s64(vzip2q_s64(x, y)));
    }
    for (int r = 0; r < 2 && 2 * p + r < mr; ++r)
      for (int64_t n = 0; n < last; ++n)
        c[(2 * p + r) * ldc + n] =
            (int32_t)((uint32_t)out[r][n] + (uint32_t)col_offset[n]);
  }
}

#define MMLA_TILE(R)                                                           \
  static __attribute__((noinline)) void mmla_##R(                              \
      int64_t k, const uint8_t *a, int64_t lda, uint32_t flip,                 \
      const int8_t *b, const int32_t *col_offset, int32_t *c, int64_t ldc,     \
      int64_t last) {                                                          \
    mmla_tile(R, k, a, lda, (uint8_t)flip, b, col_offset, c, ldc, last);       \
  }
MMLA_TILE(2)
MMLA_TILE(3)
MMLA_TILE(4)
#endif

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
#if !defined(__ARM_FEATURE_MATMUL_INT8)
NEON_TILE(2, 1)
NEON_TILE(3, 1)
NEON_TILE(4, 1)
#endif

/* The tiles of 1 to MR rows: sdot's, and i8mm's (usdot for one row,
 * usmmla for more). */
typedef void (*neon_tile_fn)(int64_t k, const uint8_t *a, int64_t lda,
                             uint32_t flip, const int8_t *b,
                             const int32_t *col_offset, int32_t *c, int64_t ldc,
                             int64_t last);
static const neon_tile_fn tiles[2][MR] = {
    {neon_1_0, neon_2_0, neon_3_0, neon_4_0},
#if defined(__ARM_FEATURE_MATMUL_INT8)
    {neon_1_1, mmla_2, mmla_3, mmla_4},
#else
    {neon_1_1, neon_2_1, neon_3_1, neon_4_1},
#endif
};

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
      tiles[use_usdot][mr - 1](k, rows, lda, flip, b, offset, out, ldc, last);
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

/*===- Convolution --------------------------------------------------------===*/

/* `use_usdot`, if this build has usdot (i8mm); else 0: sdot. */
ALWAYS_INLINE int usdot_available(int use_usdot) {
#if defined(__ARM_FEATURE_MATMUL_INT8)
  return use_usdot;
#else
  (void)use_usdot;
  return 0;
#endif
}

/* Filters f0..f0+fr of y over one im2col panel of 16 output pixels (its
 * `groups` groups of 16 pixels x 4 k), the first `last` pixels stored. */
ALWAYS_INLINE void conv_tile(const int fr, const int use_usdot, int64_t groups,
                             const int8_t *w, int64_t ldw,
                             const int32_t *offset, const uint8_t *panel,
                             int32_t *y, int64_t ldy, int64_t last) {
  const int usdot = usdot_available(use_usdot);
  int32x4_t acc[MR][4];
  for (int r = 0; r < fr; ++r)
    for (int j = 0; j < 4; ++j)
      acc[r][j] = vdupq_n_s32(0);
  const uint8x16_t flip = vdupq_n_u8(0x80);
  for (int64_t g = 0; g < groups; ++g) {
    uint8x16_t x[4];
    for (int j = 0; j < 4; ++j)
      x[j] = vld1q_u8(panel + g * 64 + 16 * j);
    for (int r = 0; r < fr; ++r) {
      uint32_t word;
      memcpy(&word, w + r * ldw + 4 * g, 4);
      int8x16_t wv = vreinterpretq_s8_u32(vdupq_n_u32(word));
      for (int j = 0; j < 4; ++j) {
#if defined(__ARM_FEATURE_MATMUL_INT8)
        if (usdot) {
          acc[r][j] = vusdotq_s32(acc[r][j], x[j], wv);
          continue;
        }
#endif
        acc[r][j] =
            vdotq_s32(acc[r][j], vreinterpretq_s8_u8(veorq_u8(x[j], flip)), wv);
      }
    }
  }
  for (int r = 0; r < fr; ++r) {
    /* + 128 * the filter's weight sum with sdot, all wrapping as the
     * portable kernel's sums. */
    uint32_t add = (uint32_t)offset[r];
    if (!usdot) {
      uint32_t sum = 0;
      for (int64_t i = 0; i < groups * 4; ++i)
        sum += (uint32_t)(int32_t)w[r * ldw + i];
      add += sum << 7;
    }
    int32_t out[16];
    for (int j = 0; j < 4; ++j)
      vst1q_s32(out + 4 * j,
                vreinterpretq_s32_u32(vaddq_u32(
                    vreinterpretq_u32_s32(acc[r][j]), vdupq_n_u32(add))));
    for (int64_t p = 0; p < last; ++p)
      y[r * ldy + p] = out[p];
  }
}

#define CONV_TILE(FR, USDOT)                                                   \
  static void conv_##FR##_##USDOT(                                             \
      int64_t groups, const int8_t *w, int64_t ldw, const int32_t *offset,     \
      const uint8_t *panel, int32_t *y, int64_t ldy, int64_t last) {           \
    conv_tile(FR, USDOT, groups, w, ldw, offset, panel, y, ldy, last);         \
  }
CONV_TILE(1, 0)
CONV_TILE(2, 0)
CONV_TILE(3, 0)
CONV_TILE(4, 0)
CONV_TILE(1, 1)
CONV_TILE(2, 1)
CONV_TILE(3, 1)
CONV_TILE(4, 1)

typedef void (*conv_tile_fn)(int64_t groups, const int8_t *w, int64_t ldw,
                             const int32_t *offset, const uint8_t *panel,
                             int32_t *y, int64_t ldy, int64_t last);
static const conv_tile_fn conv_tiles[2][MR] = {
    {conv_1_0, conv_2_0, conv_3_0, conv_4_0},
    {conv_1_1, conv_2_1, conv_3_1, conv_4_1},
};

QUANTC_RUNTIME void
quantc_qpanels_s8u8_neon(int use_usdot, int64_t filters, int64_t panels,
                         int64_t groups, const int8_t *w_rows,
                         const int32_t *row_offset, const uint8_t *x_panels,
                         int64_t columns, int32_t *y, int64_t ldy) {
  int64_t ldw = groups * 4, panel_bytes = groups * 64;
  for (int64_t f0 = 0; f0 < filters; f0 += MR) {
    int64_t fr = filters - f0 < MR ? filters - f0 : MR;
    for (int64_t p = 0; p < panels; ++p) {
      int64_t last = columns - p * 16 < 16 ? columns - p * 16 : 16;
      conv_tiles[use_usdot][fr - 1](groups, w_rows + f0 * ldw, ldw,
                                    row_offset + f0, x_panels + p * panel_bytes,
                                    y + f0 * ldy + p * 16, ldy, last);
    }
  }
}

/*===- Depthwise convolution ----------------------------------------------===*/

/* Most groups of 4 taps a filter has: kernel rows times groups (7x7 has
 * 14). */
#define DEPTHWISE_MAX_GROUPS 16

/* The taps 4g to 4g + 3 of 4 pixels of a row whose first reads `base`:
 * pixel p's 4 bytes start at stride * p (stride 1: bytes 0 to 6, stride 2:
 * bytes 0 to 9 of the load). */
ALWAYS_INLINE uint8x16_t depthwise_taps(const uint8_t *base,
                                        uint8x16_t pattern) {
  return vqtbl1q_u8(vld1q_u8(base), pattern);
}

/* A depthwise filter over a padded plane, 16 output pixels of a row at a
 * time in four accumulators of 4. Taps past the kernel's width have zero
 * weights. Needs unit dilation along the width, a stride of 1 or 2 there
 * and at most DEPTHWISE_MAX_GROUPS groups of taps (qgemm.c checks); reads
 * at most 16 bytes past a row's last output's taps, within the plane's
 * margin. */
ALWAYS_INLINE void depthwise_plane(const int use_usdot,
                                   const quantc_conv_shape *s,
                                   const uint8_t *plane, int64_t row_bytes,
                                   const int8_t *w, int32_t offset,
                                   int32_t *y) {
  const int usdot = usdot_available(use_usdot);
  int64_t stride = s->stride_w;
  int64_t groups = quantc_ceil_div(s->kernel_w, 4);
  int64_t vectors = s->kernel_h * groups;
  uint8_t lanes[16];
  for (int p = 0; p < 4; ++p)
    for (int j = 0; j < 4; ++j)
      lanes[4 * p + j] = (uint8_t)(stride * p + j);
  uint8x16_t pattern = vld1q_u8(lanes);
  int8x16_t weights[DEPTHWISE_MAX_GROUPS];
  /* With sdot every byte enters as u - 128: 128 * the sum of the weights
   * goes back into the start, wrapping as the portable sum. */
  uint32_t start_value = (uint32_t)offset;
  for (int64_t v = 0; v < vectors; ++v) {
    uint32_t word;
    memcpy(&word, w + v * 4, 4);
    weights[v] = vreinterpretq_s8_u32(vdupq_n_u32(word));
    if (!usdot)
      for (int j = 0; j < 4; ++j)
        start_value += (uint32_t)(int32_t)w[v * 4 + j] << 7;
  }
  const uint8x16_t flip = vdupq_n_u8(0x80);
  int32x4_t start = vreinterpretq_s32_u32(vdupq_n_u32(start_value));
  for (int64_t oh = 0; oh < s->out_h; ++oh) {
    const uint8_t *top = plane + oh * s->stride_h * row_bytes;
    int32_t *out = y + oh * s->out_w;
    for (int64_t ow = 0; ow < s->out_w; ow += 16) {
      int32x4_t acc[4] = {start, start, start, start};
      for (int64_t i = 0; i < s->kernel_h; ++i) {
        const uint8_t *row = top + i * s->dilation_h * row_bytes + ow * stride;
        for (int64_t g = 0; g < groups; ++g) {
          int8x16_t wv = weights[i * groups + g];
          for (int q = 0; q < 4; ++q) {
            uint8x16_t taps =
                depthwise_taps(row + 4 * g + 4 * q * stride, pattern);
#if defined(__ARM_FEATURE_MATMUL_INT8)
            if (usdot) {
              acc[q] = vusdotq_s32(acc[q], taps, wv);
              continue;
            }
#endif
            acc[q] = vdotq_s32(acc[q],
                               vreinterpretq_s8_u8(veorq_u8(taps, flip)), wv);
          }
        }
      }
      int64_t left = s->out_w - ow;
      if (left >= 16) {
        for (int q = 0; q < 4; ++q)
          vst1q_s32(out + ow + 4 * q, acc[q]);
      } else {
        int32_t sums[16];
        for (int q = 0; q < 4; ++q)
          vst1q_s32(sums + 4 * q, acc[q]);
        memcpy(out + ow, sums, (size_t)left * 4);
      }
    }
  }
}

QUANTC_RUNTIME int quantc_depthwise_fits_neon(const quantc_conv_shape *s) {
  return s->dilation_w == 1 && (s->stride_w == 1 || s->stride_w == 2) &&
         s->kernel_h * quantc_ceil_div(s->kernel_w, 4) <= DEPTHWISE_MAX_GROUPS;
}

QUANTC_RUNTIME void
quantc_depthwise_plane_neon(int use_usdot, const quantc_conv_shape *s,
                            const uint8_t *plane, int64_t row_bytes,
                            const int8_t *w, int32_t offset, int32_t *y) {
  if (use_usdot)
    depthwise_plane(1, s, plane, row_bytes, w, offset, y);
  else
    depthwise_plane(0, s, plane, row_bytes, w, offset, y);
}
