/*===- qgemm_f32s4_avx2.c - Float times 4-bit weights with AVX2 -----------===//
//
// quantc_qgemm_f32s4_f32, quantc_qgemm_f32s8_f32 and quantc_qgemm_f32c4_f32
// with AVX2 and FMA, for x86-64 CPUs without AVX-512. The arithmetic and the
// lanes of qgemm_f32s4_avx512.c at half the width: 8 bytes of a nibble
// panel's block (2 columns x 4 k) widen to 8 dwords, lane (column, k % 4);
// the low and the high nibbles become binary32 weights, q - 8 converted
// exactly (8-bit weights: the bytes of two groups of 4 k, sign-extended),
// or each lane's column's codebook entry (a gather). Fused multiply-adds
// by the row's 4 activations, broadcast to both 128-bit halves, keep the
// four sums p_j of each column, which two in-lane permutes add as
// (p_0 + p_1) + (p_2 + p_3) at the end of a group. So the result equals
// the portable kernel's bit for bit.
//
// One row at a time: 8 accumulators (16 columns) and the 16 registers of
// AVX2 leave no room for a second row. With several rows, a panel is
// unpacked once into binary32 and every row loads its weights from there.
//
// This file is compiled with -mavx2 -mfma; qgemm_f32s4.c calls it only on
// CPUs that have both.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* The 4 activations of `row` at k0 (0 past K), in both 128-bit halves. */
ALWAYS_INLINE __m256 row_quad(const float *row, int64_t k0, int64_t k) {
  if (k0 + 4 <= k)
    return _mm256_broadcast_ps((const __m128 *)(row + k0));
  float quad[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int64_t i = 0; k0 + i < k && i < 4; ++i)
    quad[i] = row[k0 + i];
  return _mm256_broadcast_ps((const __m128 *)quad);
}

/* The 8 weights of the low (`high` 0) or high nibbles of bytes 8h to
 * 8h + 7 of `block` (columns 2h and 2h + 1 of its 16), lane (column,
 * k % 4): q, or with `tables` (the panel's columns' entries) the entry. */
ALWAYS_INLINE __m256 unpack(const uint8_t *block, int h, int high,
                            const float *tables) {
  __m256i bytes =
      _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(block + 8 * h)));
  __m256i index = high ? _mm256_srli_epi32(bytes, 4)
                       : _mm256_and_si256(bytes, _mm256_set1_epi32(15));
  if (!tables)
    return _mm256_cvtepi32_ps(_mm256_sub_epi32(index, _mm256_set1_epi32(8)));
  /* Lanes 0-3 read column 2h's row, lanes 4-7 column 2h + 1's. */
  __m256i rows = _mm256_setr_epi32(0, 0, 0, 0, 16, 16, 16, 16);
  return _mm256_i32gather_ps(tables + 32 * h, _mm256_add_epi32(index, rows), 4);
}

/* The 8 weights of half h (columns 2h and 2h + 1) of the low (k = kb to
 * kb + 3) or the high half of the 8-k block at kb of a panel of `bits`-bit
 * weights with `groups` groups of 4 k (8 bits: a group past them reads as
 * 0), as binary32, lane (column, k % 4). */
ALWAYS_INLINE __m256 weights_at(const int bits, const uint8_t *panel,
                                int64_t groups, int64_t kb, int h, int high,
                                const float *tables, int64_t step) {
  if (bits == 8) {
    int64_t group = kb / 4 + high;
    if (group >= groups)
      return _mm256_setzero_ps();
    __m256i v = _mm256_cvtepi8_epi32(
        _mm_loadl_epi64((const __m128i *)(panel + group * 64 + 8 * h)));
    if (!tables)
      return _mm256_cvtepi32_ps(v);
    /* Lanes 0-3 read column 2h's table at q + 128, lanes 4-7 column
     * 2h + 1's. */
    __m256i column = _mm256_setr_epi32(2 * h, 2 * h, 2 * h, 2 * h, 2 * h + 1,
                                       2 * h + 1, 2 * h + 1, 2 * h + 1);
    __m256i index = _mm256_add_epi32(
        _mm256_add_epi32(v, _mm256_set1_epi32(128)),
        _mm256_mullo_epi32(column, _mm256_set1_epi32((int)step)));
    return _mm256_i32gather_ps(tables, index, 4);
  }
  return unpack(panel + (kb / 8) * 64, h, high, tables);
}

/* Row `a` times one panel (`cols` of its 16 columns): its nibbles
 * unpacked as the row goes, or, with `from_unpacked`, read from the panel
 * unpacked beforehand (16 vectors a block: the low and the high nibbles
 * of h = 0 to 7), the same values. */
ALWAYS_INLINE void f32s4_row(const int bits, const int from_unpacked,
                             const quantc_f32s4_args *p, const float *a,
                             const uint8_t *panel, const float *unpacked,
                             const float *tables, const float *scale,
                             int64_t cols, float *c) {
  float total[64];
  memset(total, 0, sizeof total);
  const int64_t groups = quantc_ceil_div(p->k, 4);
  int64_t k = p->k;
  for (int64_t k0 = 0, g = 0; k0 < k; k0 += p->group, ++g) {
    int64_t end = k0 + p->group < k ? k0 + p->group : k;
    __m256 part[8];
    for (int h = 0; h < 8; ++h)
      part[h] = _mm256_setzero_ps();
    for (int64_t kb = k0; kb < end; kb += 8) {
      __m256 low_a = row_quad(a, kb, k), high_a = row_quad(a, kb + 4, k);
      if (from_unpacked) {
        const float *v = unpacked + (kb / 8) * 128;
#pragma GCC unroll 8
        for (int h = 0; h < 8; ++h) {
          part[h] =
              _mm256_fmadd_ps(low_a, _mm256_loadu_ps(v + 16 * h), part[h]);
          part[h] =
              _mm256_fmadd_ps(high_a, _mm256_loadu_ps(v + 16 * h + 8), part[h]);
        }
        continue;
      }
      quantc_prefetch_panels(1, panel + (kb / 8) * 64 * (bits / 4), 0);
#pragma GCC unroll 8
      for (int h = 0; h < 8; ++h) {
        part[h] = _mm256_fmadd_ps(
            low_a,
            weights_at(bits, panel, groups, kb, h, 0, tables, p->table_step),
            part[h]);
        part[h] = _mm256_fmadd_ps(
            high_a,
            weights_at(bits, panel, groups, kb, h, 1, tables, p->table_step),
            part[h]);
      }
    }
    for (int h = 0; h < 8; ++h) {
      /* Lane 4c of each column: (p_0 + p_1) + (p_2 + p_3). */
      __m256 pairs = _mm256_add_ps(part[h], _mm256_permute_ps(part[h], 0xB1));
      __m256 sum = _mm256_add_ps(pairs, _mm256_permute_ps(pairs, 0x4E));
      if (!scale) {
        _mm256_storeu_ps(total + 8 * h, sum);
        continue;
      }
      float s0 = 2 * h < cols ? scale[g * p->ldscale + 2 * h] : 0.0f;
      float s1 = 2 * h + 1 < cols ? scale[g * p->ldscale + 2 * h + 1] : 0.0f;
      __m256 s = _mm256_setr_ps(s0, s0, s0, s0, s1, s1, s1, s1);
      _mm256_storeu_ps(total + 8 * h,
                       _mm256_fmadd_ps(s, sum, _mm256_loadu_ps(total + 8 * h)));
    }
  }
  for (int64_t col = 0; col < cols; ++col)
    c[col] = total[4 * col];
}

static __attribute__((noinline)) void
packed_row(const quantc_f32s4_args *p, const float *a, const uint8_t *panel,
           const float *tables, const float *scale, int64_t cols, float *c) {
  f32s4_row(4, 0, p, a, panel, NULL, tables, scale, cols, c);
}

static __attribute__((noinline)) void
packed_row8(const quantc_f32s4_args *p, const float *a, const uint8_t *panel,
            const float *tables, const float *scale, int64_t cols, float *c) {
  f32s4_row(8, 0, p, a, panel, NULL, tables, scale, cols, c);
}

static __attribute__((noinline)) void
unpacked_row(const quantc_f32s4_args *p, const float *a, const float *unpacked,
             const float *scale, int64_t cols, float *c) {
  f32s4_row(4, 1, p, a, NULL, unpacked, NULL, scale, cols, c);
}

/* Rows of a panel at which unpacking it once beforehand, into binary32
 * (64 bytes a k), pays. */
#define UNPACK_ROWS 4

/* The driver for `bits` (4 or 8, a constant where it is inlined), so that
 * each entry point below refers to its own packed kernel only and a library
 * that multiplies by one width keeps only that one's code. */
static inline __attribute__((always_inline)) void
f32s4_driver(const int bits, const quantc_f32s4_args *p, int64_t m, int64_t n) {
  int64_t blocks = quantc_ceil_div(p->k, 8);
  int64_t panel_bytes = quantc_f32s4_panel_bytes(bits, p->k);
  int64_t groups = quantc_ceil_div(p->k, 4);
  float *unpacked = NULL;
  if (m >= UNPACK_ROWS)
    unpacked = malloc((size_t)blocks * 128 * sizeof(float));
  for (int64_t col0 = 0; col0 < n; col0 += 16) {
    int64_t cols = n - col0 < 16 ? n - col0 : 16;
    const uint8_t *panel = p->b_panels + (col0 / 16) * panel_bytes;
    const float *tables = p->tables ? p->tables + col0 * p->table_step : NULL;
    const float *scale = p->scale ? p->scale + col0 : NULL;
    if (unpacked)
      for (int64_t b = 0; b < blocks; ++b)
        for (int h = 0; h < 8; ++h)
          for (int high = 0; high < 2; ++high)
            _mm256_storeu_ps(unpacked + b * 128 + 16 * h + 8 * high,
                             weights_at(bits, panel, groups, 8 * b, h, high,
                                        tables, p->table_step));
    for (int64_t r = 0; r < m; ++r) {
      if (unpacked)
        unpacked_row(p, p->a + r * p->lda, unpacked, scale, cols,
                     p->c + r * p->ldc + col0);
      else if (bits == 8)
        packed_row8(p, p->a + r * p->lda, panel, tables, scale, cols,
                    p->c + r * p->ldc + col0);
      else
        packed_row(p, p->a + r * p->lda, panel, tables, scale, cols,
                   p->c + r * p->ldc + col0);
    }
  }
  free(unpacked);
}

QUANTC_RUNTIME void quantc_qgemm_f32s4_avx2(const quantc_f32s4_args *p,
                                            int64_t m, int64_t n) {
  f32s4_driver(4, p, m, n);
}

QUANTC_RUNTIME void quantc_qgemm_f32s8_avx2(const quantc_f32s4_args *p,
                                            int64_t m, int64_t n) {
  f32s4_driver(8, p, m, n);
}
