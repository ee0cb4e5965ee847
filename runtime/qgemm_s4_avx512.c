/*===- qgemm_s4_avx512.c - 4-bit weight kernel with AVX-512 VNNI ---------===//
//
// quantc_qgemm_u8s4_f32 with vpdpbusd. A 64-byte block of nibble panels
// unpacks in registers into two groups of 16 columns x 4 k of s8 weights
// (the low nibbles, and the high ones shifted down; each minus 8), which
// vpdpbusd multiplies by 4 broadcast activation bytes as the 8-bit matmul
// does. The i32 sums of a group of k convert to binary32 and add into a
// binary32 accumulator with one fused multiply-add by the group's scales,
// in the order quantc_kernels.h states, so the result equals the portable
// kernel's bit for bit.
//
// Register tile: MR rows times NV panels, each an i32 accumulator for the
// group and a binary32 one for the sum over groups. A GEMV (one row) takes
// four panels, so that four chains of vpdpbusd hide its latency.
//
// This file is compiled with -mavx512f -mavx512bw -mavx512vnni; qgemm_s4.c
// calls it only on CPUs that have them.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <immintrin.h>
#include <string.h>

#define MR 4
#define NV 4
#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE __mmask16 lane_mask(int64_t lanes) {
  return lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1);
}

/* acc[r][v] += one block of 8 k: the first `low` (1 to 4) and the next
 * `high` (0 to 4) activation bytes of each row at `a` times the block of
 * each of the nv panels at `b`. A single row (a GEMV, which streams the
 * weights) prefetches the panels ahead. */
ALWAYS_INLINE void s4_block(const int mr, const int nv, __m512i acc[MR][NV],
                            const uint8_t *a, int64_t lda, const int low,
                            const int high, const uint8_t *b,
                            int64_t panel_bytes) {
  const __m512i nibble = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8);
  __m512i lo[NV], hi[NV];
  if (mr == 1)
    quantc_prefetch_panels(nv, b, panel_bytes);
#pragma GCC unroll 8
  for (int v = 0; v < nv; ++v) {
    __m512i w = _mm512_loadu_si512(b + v * panel_bytes);
    lo[v] = _mm512_sub_epi8(_mm512_and_si512(w, nibble), eight);
    hi[v] = _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(w, 4), nibble),
                            eight);
  }
#pragma GCC unroll 8
  for (int r = 0; r < mr; ++r) {
    __m512i av =
        _mm512_set1_epi32((int32_t)quantc_load_bytes(a + r * lda, low));
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v)
      acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, lo[v]);
    if (high) {
      av = _mm512_set1_epi32((int32_t)quantc_load_bytes(a + r * lda + 4, high));
#pragma GCC unroll 8
      for (int v = 0; v < nv; ++v)
        acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, hi[v]);
    }
  }
}

/* Rows r0..r0+mr of C, the nv panels from `b` (columns from c), `last`
 * the lanes of the last panel to store. */
ALWAYS_INLINE void s4_tile(const int mr, const int nv, const quantc_s4_args *p,
                           int64_t r0, const uint8_t *b, int64_t column,
                           int64_t last) {
  int64_t k = p->k, panel_bytes = quantc_ceil_div(k, 8) * 64;
  int64_t full_blocks = k / 8, tail = k % 8, group_blocks = p->group / 8;
  const uint8_t *a = p->a + r0 * p->lda;
  __mmask16 last_mask = lane_mask(last);
  __m512 sum[MR][NV];
#pragma GCC unroll 8
  for (int r = 0; r < mr; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v)
      sum[r][v] = _mm512_setzero_ps();
  for (int64_t g = 0, b0 = 0; b0 * 8 < k; ++g, b0 += group_blocks) {
    __m512i acc[MR][NV];
#pragma GCC unroll 8
    for (int r = 0; r < mr; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < nv; ++v)
        acc[r][v] = _mm512_setzero_si512();
    int64_t b1 =
        b0 + group_blocks < full_blocks ? b0 + group_blocks : full_blocks;
    for (int64_t blk = b0; blk < b1; ++blk)
      s4_block(mr, nv, acc, a + blk * 8, p->lda, 4, 4, b + blk * 64,
               panel_bytes);
    /* The last group holds the block of the last k % 8; its activation
     * bytes past K are not read. */
    if (tail && b0 + group_blocks > full_blocks) {
      const uint8_t *at = a + full_blocks * 8;
      const uint8_t *bt = b + full_blocks * 64;
      switch (tail) {
      case 1:
        s4_block(mr, nv, acc, at, p->lda, 1, 0, bt, panel_bytes);
        break;
      case 2:
        s4_block(mr, nv, acc, at, p->lda, 2, 0, bt, panel_bytes);
        break;
      case 3:
        s4_block(mr, nv, acc, at, p->lda, 3, 0, bt, panel_bytes);
        break;
      case 4:
        s4_block(mr, nv, acc, at, p->lda, 4, 0, bt, panel_bytes);
        break;
      case 5:
        s4_block(mr, nv, acc, at, p->lda, 4, 1, bt, panel_bytes);
        break;
      case 6:
        s4_block(mr, nv, acc, at, p->lda, 4, 2, bt, panel_bytes);
        break;
      default:
        s4_block(mr, nv, acc, at, p->lda, 4, 3, bt, panel_bytes);
        break;
      }
    }
    const float *scale = p->scale + g * p->ldscale + column;
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v) {
      __m512 s = v == nv - 1 ? _mm512_maskz_loadu_ps(last_mask, scale + 16 * v)
                             : _mm512_loadu_ps(scale + 16 * v);
#pragma GCC unroll 8
      for (int r = 0; r < mr; ++r)
        sum[r][v] =
            _mm512_fmadd_ps(s, _mm512_cvtepi32_ps(acc[r][v]), sum[r][v]);
    }
  }
#pragma GCC unroll 8
  for (int v = 0; v < nv; ++v) {
    __mmask16 mask = v == nv - 1 ? last_mask : (__mmask16)0xFFFF;
    __m512 col_sum = _mm512_maskz_loadu_ps(mask, p->col_sum + column + 16 * v);
    __m512 bias = p->bias
                      ? _mm512_maskz_loadu_ps(mask, p->bias + column + 16 * v)
                      : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int r = 0; r < mr; ++r) {
      int64_t row = (r0 + r) * p->a_step;
      __m512 u = _mm512_fmadd_ps(_mm512_set1_ps(-(float)p->a_zero[row]),
                                 col_sum, sum[r][v]);
      __m512 y = _mm512_fmadd_ps(_mm512_set1_ps(p->a_scale[row]), u, bias);
      _mm512_mask_storeu_ps(p->c + (r0 + r) * p->ldc + column + 16 * v, mask,
                            y);
    }
  }
}

#define S4_TILE(R, V)                                                          \
  static __attribute__((noinline)) void s4_##R##x##V(                          \
      const quantc_s4_args *p, int64_t r0, const uint8_t *b, int64_t column,   \
      int64_t last) {                                                          \
    s4_tile(R, V, p, r0, b, column, last);                                     \
  }
S4_TILE(1, 1)
S4_TILE(1, 2)
S4_TILE(1, 3)
S4_TILE(1, 4)
S4_TILE(2, 1)
S4_TILE(2, 2)
S4_TILE(3, 1)
S4_TILE(3, 2)
S4_TILE(4, 1)
S4_TILE(4, 2)

#define S4_CASE(R, V)                                                          \
  case (R)*8 + (V):                                                            \
    s4_##R##x##V(p, m0, b, p0 * 16, last);                                     \
    break;

QUANTC_RUNTIME void quantc_qgemm_u8s4_avx512vnni(const quantc_s4_args *p,
                                                 int64_t m, int64_t n) {
  int64_t panels = quantc_ceil_div(n, 16);
  int64_t panel_bytes = quantc_ceil_div(p->k, 8) * 64;
  /* One row: four panels a tile. More: two panels, the weights of which
   * stay in the cache while every row passes over them. */
  int64_t step = m == 1 ? 4 : 2;
  for (int64_t p0 = 0; p0 < panels; p0 += step) {
    int64_t nv = panels - p0 < step ? panels - p0 : step;
    int64_t last = n - (p0 + nv - 1) * 16;
    const uint8_t *b = p->b_panels + p0 * panel_bytes;
    for (int64_t m0 = 0; m0 < m; m0 += MR) {
      int64_t mr = m - m0 < MR ? m - m0 : MR;
      switch (mr * 8 + nv) {
        S4_CASE(1, 1)
        S4_CASE(1, 2)
        S4_CASE(1, 3)
        S4_CASE(1, 4)
        S4_CASE(2, 1)
        S4_CASE(2, 2)
        S4_CASE(3, 1)
        S4_CASE(3, 2)
        S4_CASE(4, 1)
        S4_CASE(4, 2)
      }
    }
  }
}
