/*===- qgemm_avx2.c - int8 kernels with AVX2 ------------------------------===//
//
// The matmul and the convolution's panel kernel for CPUs with AVX2 but not
// AVX-512 VNNI. AVX2's byte multiply-add, vpmaddubsw, adds two u8 x s8
// products into a saturating i16: 255 * 127 * 2 = 64770 overflows it, so a
// result would differ from the exact sum whenever it saturates. Reducing
// the weights to 7 bits would avoid that, at a cost in accuracy every
// quantized model would pay. These kernels instead widen both operands to
// i16 (vpmovzxbw / vpmovsxbw) and multiply with vpmaddwd, whose pairs of
// i16 products add exactly into i32 lanes: the sums are exact and equal
// the portable kernels' bit for bit, for half the products per instruction
// of the byte form.
//
// A group of a panel (16 columns x 4 k, 64 bytes) is four chunks of 4
// columns; a chunk widened to 16 i16 times the 4 broadcast bytes of a row
// gives 8 i32 lanes, two per column (k 0-1 and k 2-3). At the end vphaddd
// adds each column's two lanes and vpermq restores the column order.
//
// Register tile: 2 rows x 16 columns (8 accumulators, 4 chunks, 1
// broadcast). This file is compiled with -mavx2; isa.c chooses it only on
// CPUs that have AVX2.
//
// The depthwise convolution (quantc_depthwise_plane_avx2) multiplies pairs
// of taps the same way: lane p of a vector holds the two input bytes that
// taps j and j + 1 of a kernel row read for output pixel p, widened to
// i16, and vpmaddwd by the two weights adds both products exactly into
// pixel p's i32 sum.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <immintrin.h>
#include <string.h>

#define MR 2
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Four bytes widened to i16 (sign-extended if `is_signed`) and repeated
 * over the 16 lanes. */
ALWAYS_INLINE __m256i broadcast_group(uint32_t bytes, const int is_signed) {
  __m128i v = _mm_cvtsi32_si128((int)bytes);
  v = is_signed ? _mm_cvtepi8_epi16(v) : _mm_cvtepu8_epi16(v);
  return _mm256_broadcastq_epi64(v);
}

/* Rows r0..r0+mr times one panel: the broadcast operand has rows `ldb`
 * bytes apart, 4 bytes a group (`tail` bytes in a last partial group, 0
 * if none), XORed with `flip`; the panel's bytes are signed if
 * `panel_signed` (the broadcast bytes then unsigned), else the reverse.
 * out[r * ldo + n] = offset + sum, for n < last, with the offset per
 * column (`column_offset`) or per row (`row_offset`). */
ALWAYS_INLINE void
panel_tile(const int mr, const int panel_signed, int64_t full_groups,
           int64_t tail, const uint8_t *bcast, int64_t ldb, uint32_t flip,
           const uint8_t *panel, const int32_t *column_offset,
           const int32_t *row_offset, int32_t *out, int64_t ldo, int64_t last) {
  __m256i acc[MR][4];
  for (int r = 0; r < mr; ++r)
    for (int j = 0; j < 4; ++j)
      acc[r][j] = _mm256_setzero_si256();
  int64_t groups = full_groups + (tail ? 1 : 0);
  for (int64_t g = 0; g < groups; ++g) {
    int64_t bytes = g < full_groups ? 4 : tail;
    __m256i chunk[4];
    for (int j = 0; j < 4; ++j) {
      __m128i raw = _mm_loadu_si128((const __m128i *)(panel + g * 64 + 16 * j));
      chunk[j] =
          panel_signed ? _mm256_cvtepi8_epi16(raw) : _mm256_cvtepu8_epi16(raw);
    }
    for (int r = 0; r < mr; ++r) {
      uint32_t word = quantc_load_bytes(bcast + r * ldb + 4 * g, bytes) ^ flip;
      if (bytes < 4) /* the bytes past K meet zero weights; keep them 0 */
        word &= (1u << (8 * bytes)) - 1u;
      __m256i b = broadcast_group(word, !panel_signed);
      for (int j = 0; j < 4; ++j)
        acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(chunk[j], b));
    }
  }
  for (int r = 0; r < mr; ++r) {
    /* Columns 0-7 and 8-15, each column's two lanes added. */
    __m256i low =
        _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
    __m256i high =
        _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xD8);
    int32_t sums[16];
    _mm256_storeu_si256((__m256i *)sums, low);
    _mm256_storeu_si256((__m256i *)(sums + 8), high);
    int32_t *row = out + r * ldo;
    for (int64_t n = 0; n < last; ++n) {
      int32_t offset = column_offset ? column_offset[n] : row_offset[r];
      row[n] = (int32_t)((uint32_t)sums[n] + (uint32_t)offset);
    }
  }
}

#define AVX2_TILE(R, S)                                                        \
  static __attribute__((noinline)) void tile_##R##_##S(                        \
      int64_t full_groups, int64_t tail, const uint8_t *bcast, int64_t ldb,    \
      uint32_t flip, const uint8_t *panel, const int32_t *column_offset,       \
      const int32_t *row_offset, int32_t *out, int64_t ldo, int64_t last) {    \
    panel_tile(R, S, full_groups, tail, bcast, ldb, flip, panel,               \
               column_offset, row_offset, out, ldo, last);                     \
  }
AVX2_TILE(1, 0)
AVX2_TILE(2, 0)
AVX2_TILE(1, 1)
AVX2_TILE(2, 1)

QUANTC_RUNTIME void quantc_qgemm_u8s8_avx2(int64_t m, int64_t n, int64_t k,
                                           const uint8_t *a, int64_t lda,
                                           int a_signed, const int8_t *b_panels,
                                           const int32_t *col_offset,
                                           int32_t *c, int64_t ldc) {
  int64_t panel_bytes = quantc_ceil_div(k, 4) * 64;
  uint32_t flip = a_signed ? 0x80808080u : 0u;
  for (int64_t p = 0; p * 16 < n; ++p) {
    int64_t last = n - p * 16 < 16 ? n - p * 16 : 16;
    const uint8_t *panel = (const uint8_t *)b_panels + p * panel_bytes;
    for (int64_t m0 = 0; m0 < m; m0 += MR) {
      /* Activations broadcast (u8), weights in the panel (s8). */
      if (m - m0 >= 2)
        tile_2_1(k / 4, k % 4, a + m0 * lda, lda, flip, panel,
                 col_offset + p * 16, NULL, c + m0 * ldc + p * 16, ldc, last);
      else
        tile_1_1(k / 4, k % 4, a + m0 * lda, lda, flip, panel,
                 col_offset + p * 16, NULL, c + m0 * ldc + p * 16, ldc, last);
    }
  }
}

QUANTC_RUNTIME void
quantc_qpanels_s8u8_avx2(int64_t filters, int64_t panels, int64_t groups,
                         const int8_t *w_rows, const int32_t *row_offset,
                         const uint8_t *x_panels, int64_t columns, int32_t *y,
                         int64_t ldy) {
  int64_t ldw = groups * 4, panel_bytes = groups * 64;
  for (int64_t p = 0; p < panels; ++p) {
    int64_t last = columns - p * 16 < 16 ? columns - p * 16 : 16;
    const uint8_t *panel = x_panels + p * panel_bytes;
    for (int64_t f0 = 0; f0 < filters; f0 += MR) {
      /* Filters broadcast (s8), activations in the panel (u8). */
      const uint8_t *w = (const uint8_t *)w_rows + f0 * ldw;
      if (filters - f0 >= 2)
        tile_2_0(groups, 0, w, ldw, 0, panel, NULL, row_offset + f0,
                 y + f0 * ldy + p * 16, ldy, last);
      else
        tile_1_0(groups, 0, w, ldw, 0, panel, NULL, row_offset + f0,
                 y + f0 * ldy + p * 16, ldy, last);
    }
  }
}

/*===- Depthwise convolution ----------------------------------------------===*/

/* Most pairs of taps a filter has: kernel rows times pairs of its row
 * padded to a multiple of 4 taps (7x7 has 28). */
#define DEPTHWISE_MAX_PAIRS 32

/* The pairs of taps j, j + 1 of 16 pixels of a row whose first reads
 * `base`, as two vectors of 8 pixels x 2 u8 widened to i16: with stride 1
 * pixel p reads bytes p + j and p + j + 1 (the bytes of two loads one
 * apart, interleaved), with stride 2 bytes 2p + j and 2p + j + 1 (one
 * load's bytes, in order). */
ALWAYS_INLINE void depthwise_pairs(const int stride, const uint8_t *base,
                                   __m256i *lo, __m256i *hi) {
  __m128i a = _mm_loadu_si128((const __m128i *)base);
  if (stride == 1) {
    __m128i b = _mm_loadu_si128((const __m128i *)(base + 1));
    *lo = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(a, b));
    *hi = _mm256_cvtepu8_epi16(_mm_unpackhi_epi8(a, b));
  } else {
    *lo = _mm256_cvtepu8_epi16(a);
    *hi = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(base + 16)));
  }
}

/* A depthwise filter over a padded plane, 16 output pixels of a row at a
 * time in two accumulators of 8 (see depthwise_pairs): every pair of taps
 * of every kernel row is one vpmaddwd per 8 pixels. Taps past the kernel's
 * width have zero weights. Needs unit dilation along the width and a
 * stride of 1 or 2 there (qgemm.c checks); reads at most 48 bytes past a
 * row's last output's taps, within the plane's margin. */
ALWAYS_INLINE void depthwise_plane(const int stride, const quantc_conv_shape *s,
                                   const uint8_t *plane, int64_t row_bytes,
                                   const int8_t *w, int32_t offset,
                                   int32_t *y) {
  int64_t row = quantc_ceil_div(s->kernel_w, 4) * 4;
  int64_t pairs = row / 2;
  int32_t words[DEPTHWISE_MAX_PAIRS];
  for (int64_t i = 0; i < s->kernel_h; ++i)
    for (int64_t t = 0; t < pairs; ++t)
      words[i * pairs + t] =
          (int32_t)((uint32_t)(uint16_t)(int16_t)w[i * row + 2 * t] |
                    (uint32_t)(uint16_t)(int16_t)w[i * row + 2 * t + 1] << 16);
  __m256i start = _mm256_set1_epi32(offset);
  for (int64_t oh = 0; oh < s->out_h; ++oh) {
    const uint8_t *top = plane + oh * s->stride_h * row_bytes;
    int32_t *out = y + oh * s->out_w;
    for (int64_t ow = 0; ow < s->out_w; ow += 16) {
      __m256i acc0 = start, acc1 = start;
      for (int64_t i = 0; i < s->kernel_h; ++i) {
        const uint8_t *taps = top + i * s->dilation_h * row_bytes + ow * stride;
        for (int64_t t = 0; t < pairs; ++t) {
          __m256i wv = _mm256_set1_epi32(words[i * pairs + t]);
          __m256i lo, hi;
          depthwise_pairs(stride, taps + 2 * t, &lo, &hi);
          acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(lo, wv));
          acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(hi, wv));
        }
      }
      int64_t left = s->out_w - ow;
      if (left >= 16) {
        _mm256_storeu_si256((__m256i *)(out + ow), acc0);
        _mm256_storeu_si256((__m256i *)(out + ow + 8), acc1);
      } else {
        int32_t lanes[16];
        _mm256_storeu_si256((__m256i *)lanes, acc0);
        _mm256_storeu_si256((__m256i *)(lanes + 8), acc1);
        memcpy(out + ow, lanes, (size_t)left * 4);
      }
    }
  }
}

QUANTC_RUNTIME int quantc_depthwise_fits_avx2(const quantc_conv_shape *s) {
  return s->dilation_w == 1 && (s->stride_w == 1 || s->stride_w == 2) &&
         s->kernel_h * quantc_ceil_div(s->kernel_w, 4) * 2 <=
             DEPTHWISE_MAX_PAIRS;
}

QUANTC_RUNTIME void quantc_depthwise_plane_avx2(const quantc_conv_shape *s,
                                                const uint8_t *plane,
                                                int64_t row_bytes,
                                                const int8_t *w, int32_t offset,
                                                int32_t *y) {
  if (s->stride_w == 1)
    depthwise_plane(1, s, plane, row_bytes, w, offset, y);
  else
    depthwise_plane(2, s, plane, row_bytes, w, offset, y);
}
