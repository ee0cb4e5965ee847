/*===- qgemm_f32s4_avx512.c - Float times 4-bit weights with AVX-512 ------===//
//
// quantc_qgemm_f32s4_f32, quantc_qgemm_f32s8_f32 (whose 8-bit weights
// widen with vpmovsxbd) and quantc_qgemm_f32c4_f32 with AVX-512. 16
// bytes of a nibble panel's block (4 columns x 4 k, each byte two k four
// apart) widen to 16 dwords; the low and the high nibbles index a table of
// the 16 values -8 to 7 (vpermps), or the 4 columns' codebooks (a masked
// vpermps each), giving 16 binary32 weights each, lane (column, k % 4). A
// fused multiply-add by the row's 4 activations of those k, broadcast to
// every column, adds them into accumulator lanes that each sum one
// column's k of one residue mod 4, in order: the p_j of quantc_kernels.h.
// At the end of a group, two in-lane permutes add each column's four lanes
// as (p_0 + p_1) + (p_2 + p_3), and one fused multiply-add by the group's
// scales (each repeated over its column's lanes) adds the group into the
// sum over groups (a codebook has one group and no scale). So the result
// equals the portable kernel's bit for bit.
//
// Register tile: MR rows times one panel of 16 columns: 4 accumulators a
// row for the group; the sums over groups stay in memory. With many rows, a
// panel is unpacked once into binary32 (64 bytes a k, in L2 for K up to
// some thousands) and every tile loads its weights from there.
//
// This file is compiled with -mavx512f -mavx512bw -mavx512vnni;
// qgemm_f32s4.c calls it only on CPUs that have them.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define MR 4
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* The 4 activations of `row` at k0 (0 past K), in every 128-bit lane. */
ALWAYS_INLINE __m512 row_quad(const float *row, int64_t k0, int64_t k) {
  if (k0 + 4 <= k)
    return _mm512_broadcast_f32x4(_mm_loadu_ps(row + k0));
  float quad[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int64_t i = 0; k0 + i < k && i < 4; ++i)
    quad[i] = row[k0 + i];
  return _mm512_broadcast_f32x4(_mm_loadu_ps(quad));
}

/* The 16 weights of the low (`high` 0) or high nibbles of bytes 16q to
 * 16q + 15 of `block`, as binary32, lane (column, k % 4): q, or with
 * `tables` (the panel's 16 columns' entries) each lane's column's entry,
 * one masked permute for each of the 4 columns. */
ALWAYS_INLINE __m512 unpack(const uint8_t *block, int q, int high,
                            const float *tables) {
  const __m512 values =
      _mm512_setr_ps(-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);
  __m512i bytes =
      _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(block + 16 * q)));
  __m512i index = high ? _mm512_srli_epi32(bytes, 4)
                       : _mm512_and_si512(bytes, _mm512_set1_epi32(15));
  if (!tables)
    return _mm512_permutexvar_ps(index, values);
  __m512 w = _mm512_permutexvar_ps(index, _mm512_loadu_ps(tables + 64 * q));
  for (int c = 1; c < 4; ++c)
    w = _mm512_mask_permutexvar_ps(w, (__mmask16)(0xF << (4 * c)), index,
                                   _mm512_loadu_ps(tables + 64 * q + 16 * c));
  return w;
}

/* The 16 weights of chunk q (columns 4q to 4q + 3) of the low (k = kb to
 * kb + 3) or the high half of the 8-k block at kb of a panel of `bits`-bit
 * weights with `groups` groups of 4 k (8 bits: a group past them reads as
 * 0), as binary32, lane (column, k % 4). 8 bits with `tables` (the panel's
 * tables, `step` entries apart): each lane's entry, gathered. */
ALWAYS_INLINE __m512 weights_at(const int bits, const uint8_t *panel,
                                int64_t groups, int64_t kb, int q, int high,
                                const float *tables, int64_t step) {
  if (bits == 8) {
    int64_t group = kb / 4 + high;
    if (group >= groups)
      return _mm512_setzero_ps();
    __m512i v = _mm512_cvtepi8_epi32(
        _mm_loadu_si128((const __m128i *)(panel + group * 64 + 16 * q)));
    if (!tables)
      return _mm512_cvtepi32_ps(v);
    /* Lane l reads column 4q + l / 4's table at q + 128. */
    __m512i column = _mm512_add_epi32(
        _mm512_set1_epi32(4 * q),
        _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3));
    __m512i index = _mm512_add_epi32(
        _mm512_add_epi32(v, _mm512_set1_epi32(128)),
        _mm512_mullo_epi32(column, _mm512_set1_epi32((int)step)));
    return _mm512_i32gather_ps(index, tables, 4);
  }
  return unpack(panel + (kb / 8) * 64, q, high, tables);
}

/* Rows [0, mr) of `a` times one panel (`cols` of its 16 columns): its
 * nibbles unpacked as the tile goes, or, with `unpacked`, read from the
 * panel unpacked beforehand (8 vectors a block: the low and the high
 * nibbles of q = 0 to 3), the same values. */
ALWAYS_INLINE void f32s4_tile(const int mr, const int bits,
                              const int from_unpacked,
                              const quantc_f32s4_args *p, const float *a,
                              const uint8_t *panel, const float *unpacked,
                              const float *tables, const float *scale,
                              int64_t cols, float *c) {
  const __mmask16 col_mask =
      cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
  const int64_t groups = quantc_ceil_div(p->k, 4);
  /* The sums over groups, in memory: a group's accumulators take the
   * registers. */
  float total[MR][64];
  memset(total, 0, sizeof total);
  int64_t k = p->k;
  for (int64_t k0 = 0, g = 0; k0 < k; k0 += p->group, ++g) {
    int64_t end = k0 + p->group < k ? k0 + p->group : k;
    __m512 part[MR][4];
    for (int r = 0; r < mr; ++r)
      for (int q = 0; q < 4; ++q)
        part[r][q] = _mm512_setzero_ps();
    for (int64_t kb = k0; kb < end; kb += 8) {
      const uint8_t *block =
          from_unpacked ? NULL : panel + (kb / 8) * 64 * (bits / 4);
      /* A single row (a GEMV) streams the weights: ask for them ahead. */
      if (!from_unpacked && mr == 1)
        quantc_prefetch_panels(1, block, 0);
      __m512 low_a[MR], high_a[MR];
      if (kb + 8 <= k) {
        for (int r = 0; r < mr; ++r) {
          low_a[r] = _mm512_broadcast_f32x4(_mm_loadu_ps(a + r * p->lda + kb));
          high_a[r] =
              _mm512_broadcast_f32x4(_mm_loadu_ps(a + r * p->lda + kb + 4));
        }
      } else {
        for (int r = 0; r < mr; ++r) {
          low_a[r] = row_quad(a + r * p->lda, kb, k);
          high_a[r] = row_quad(a + r * p->lda, kb + 4, k);
        }
      }
#pragma GCC unroll 4
      for (int q = 0; q < 4; ++q) {
        __m512 lo, hi;
        if (from_unpacked) {
          const float *v = unpacked + ((kb / 8) * 8 + 2 * q) * 16;
          lo = _mm512_loadu_ps(v);
          hi = _mm512_loadu_ps(v + 16);
        } else {
          lo = weights_at(bits, panel, groups, kb, q, 0, tables, p->table_step);
          hi = weights_at(bits, panel, groups, kb, q, 1, tables, p->table_step);
        }
        for (int r = 0; r < mr; ++r) {
          part[r][q] = _mm512_fmadd_ps(low_a[r], lo, part[r][q]);
          part[r][q] = _mm512_fmadd_ps(high_a[r], hi, part[r][q]);
        }
      }
    }
    /* The group's scales, each repeated over its column's 4 lanes (no
     * scale: a codebook's one group). */
    __m512 group_scale =
        scale ? _mm512_maskz_loadu_ps(col_mask, scale + g * p->ldscale)
              : _mm512_setzero_ps();
    for (int q = 0; q < 4; ++q) {
      __m512i spread = _mm512_setr_epi32(
          4 * q, 4 * q, 4 * q, 4 * q, 4 * q + 1, 4 * q + 1, 4 * q + 1,
          4 * q + 1, 4 * q + 2, 4 * q + 2, 4 * q + 2, 4 * q + 2, 4 * q + 3,
          4 * q + 3, 4 * q + 3, 4 * q + 3);
      __m512 s = _mm512_permutexvar_ps(spread, group_scale);
      for (int r = 0; r < mr; ++r) {
        /* Lane 4c of each column: (p_0 + p_1) + (p_2 + p_3). */
        __m512 pairs = _mm512_add_ps(
            part[r][q], _mm512_permute_ps(part[r][q], 0xB1)); /* 1 0 3 2 */
        __m512 sum =
            _mm512_add_ps(pairs, _mm512_permute_ps(pairs, 0x4E)); /* 2 3 0 1 */
        _mm512_storeu_ps(
            total[r] + 16 * q,
            scale ? _mm512_fmadd_ps(s, sum, _mm512_loadu_ps(total[r] + 16 * q))
                  : sum);
      }
    }
  }
  for (int r = 0; r < mr; ++r)
    for (int64_t col = 0; col < cols; ++col)
      c[r * p->ldc + col] = total[r][4 * col];
}

#define F32S4_TILE(R)                                                          \
  static __attribute__((noinline)) void f32s4_##R(                             \
      const quantc_f32s4_args *p, const float *a, const uint8_t *panel,        \
      const float *tables, const float *scale, int64_t cols, float *c) {       \
    f32s4_tile(R, 4, 0, p, a, panel, NULL, tables, scale, cols, c);            \
  }                                                                            \
  static __attribute__((noinline)) void f32s8_##R(                             \
      const quantc_f32s4_args *p, const float *a, const uint8_t *panel,        \
      const float *tables, const float *scale, int64_t cols, float *c) {       \
    f32s4_tile(R, 8, 0, p, a, panel, NULL, tables, scale, cols, c);            \
  }                                                                            \
  static __attribute__((noinline)) void f32s4_unpacked_##R(                    \
      const quantc_f32s4_args *p, const float *a, const float *unpacked,       \
      const float *scale, int64_t cols, float *c) {                            \
    f32s4_tile(R, 4, 1, p, a, NULL, unpacked, NULL, scale, cols, c);           \
  }
F32S4_TILE(1)
F32S4_TILE(2)
F32S4_TILE(3)
F32S4_TILE(4)

/* Rows of a panel at which unpacking it once beforehand, into binary32
 * (64 bytes a k), pays: each tile then loads the weights instead of
 * unpacking them again. */
#define UNPACK_ROWS 8

/* The driver for `bits` (4 or 8, a constant where it is inlined), so that
 * each entry point below refers to its own packed tiles only and a library
 * that multiplies by one width keeps only that one's code. */
ALWAYS_INLINE void f32s4_driver(const int bits, const quantc_f32s4_args *p,
                                int64_t m, int64_t n) {
  typedef void (*tile_fn)(const quantc_f32s4_args *, const float *,
                          const uint8_t *, const float *, const float *,
                          int64_t, float *);
  typedef void (*unpacked_fn)(const quantc_f32s4_args *, const float *,
                              const float *, const float *, int64_t, float *);
  static const tile_fn tiles4[MR] = {f32s4_1, f32s4_2, f32s4_3, f32s4_4};
  static const tile_fn tiles8[MR] = {f32s8_1, f32s8_2, f32s8_3, f32s8_4};
  const tile_fn *tiles = bits == 8 ? tiles8 : tiles4;
  static const unpacked_fn unpacked_tiles[MR] = {
      f32s4_unpacked_1, f32s4_unpacked_2, f32s4_unpacked_3, f32s4_unpacked_4};
  int64_t blocks = quantc_ceil_div(p->k, 8);
  int64_t panel_bytes = quantc_f32s4_panel_bytes(bits, p->k);
  int64_t groups = quantc_ceil_div(p->k, 4);
  float *unpacked = NULL;
  if (m >= UNPACK_ROWS)
    unpacked = malloc((size_t)blocks * 8 * 16 * sizeof(float));
  for (int64_t col0 = 0; col0 < n; col0 += 16) {
    int64_t cols = n - col0 < 16 ? n - col0 : 16;
    const uint8_t *panel = p->b_panels + (col0 / 16) * panel_bytes;
    const float *tables = p->tables ? p->tables + col0 * p->table_step : NULL;
    const float *scale = p->scale ? p->scale + col0 : NULL;
    if (unpacked)
      for (int64_t b = 0; b < blocks; ++b)
        for (int q = 0; q < 4; ++q)
          for (int h = 0; h < 2; ++h)
            _mm512_storeu_ps(unpacked + (b * 8 + 2 * q + h) * 16,
                             weights_at(bits, panel, groups, 8 * b, q, h,
                                        tables, p->table_step));
    for (int64_t m0 = 0; m0 < m; m0 += MR) {
      int64_t mr = m - m0 < MR ? m - m0 : MR;
      if (unpacked)
        unpacked_tiles[mr - 1](p, p->a + m0 * p->lda, unpacked, scale, cols,
                               p->c + m0 * p->ldc + col0);
      else
        tiles[mr - 1](p, p->a + m0 * p->lda, panel, tables, scale, cols,
                      p->c + m0 * p->ldc + col0);
    }
  }
  free(unpacked);
}

QUANTC_RUNTIME void quantc_qgemm_f32s4_avx512(const quantc_f32s4_args *p,
                                              int64_t m, int64_t n) {
  f32s4_driver(4, p, m, n);
}

QUANTC_RUNTIME void quantc_qgemm_f32s8_avx512(const quantc_f32s4_args *p,
                                              int64_t m, int64_t n) {
  f32s4_driver(8, p, m, n);
}
