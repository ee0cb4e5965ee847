/*===- qgemm_avx512.c - int8 kernels with AVX-512 VNNI -------------------===//
//
// vpdpbusd multiplies 4 unsigned bytes by 4 signed bytes and adds the four
// products to an i32 lane, exactly: the sum of four products of at most
// 255 * 128 never overflows i32 before the lane's (wrapping) addition,
// so the result equals the portable kernels' bit for bit.
//
// Register tile: MR rows times NV vectors of 16 i32, MR * NV = 16 of the 32
// zmm registers accumulate, NV hold the panel's group, one the broadcast
// bytes. The matmul broadcasts 4 activation bytes of a row (unsigned) and
// multiplies them by a group of the weight panels (signed); the
// convolution broadcasts 4 weight bytes of a filter (signed) and multiplies
// them by a group of the packed activation panels (unsigned).
//
// This file is compiled with -mavx512f -mavx512bw -mavx512vnni; qgemm.c
// calls it only on CPUs that have them.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <immintrin.h>
#include <string.h>

/* The tile functions below exist for 1 to MR rows and 1 to NV vectors. */
#define MR 4
#define NV 4
#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE __mmask16 lane_mask(int64_t lanes) {
  return lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1);
}

/* acc[r][v] += the products of one group of 4 k: the `bytes` (4, or 1 to
 * 3 at the end of K) bytes of each row of A at `a`, flipped to u8 if
 * `flipped`, and group `b` of each of the nv panels. A single row (a
 * GEMV, which streams the weights) prefetches the panels ahead. */
ALWAYS_INLINE void gemm_group(const int mr, const int nv, __m512i acc[MR][NV],
                              const uint8_t *a, int64_t lda, int64_t bytes,
                              const int flipped, __m512i flips, const int8_t *b,
                              int64_t panel_bytes) {
  __m512i bv[NV];
  if (mr == 1)
    quantc_prefetch_panels(nv, b, panel_bytes);
#pragma GCC unroll 8
  for (int v = 0; v < nv; ++v)
    bv[v] = _mm512_loadu_si512(b + v * panel_bytes);
#pragma GCC unroll 8
  for (int r = 0; r < mr; ++r) {
    __m512i av =
        _mm512_set1_epi32((int32_t)quantc_load_bytes(a + r * lda, bytes));
    if (flipped)
      av = _mm512_xor_si512(av, flips);
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v)
      acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
  }
}

/* One mr x nv tile of the matmul: C rows m..m+mr, panels of b (each
 * `panel_bytes` apart), `last` the lanes of the last panel to store. */
ALWAYS_INLINE void gemm_tile(const int mr, const int nv, int64_t full_groups,
                             int64_t tail, const uint8_t *a, int64_t lda,
                             int32_t flip, const int8_t *b, int64_t panel_bytes,
                             int first, const int32_t *col_offset, int32_t *c,
                             int64_t ldc, int64_t last) {
  __m512i acc[MR][NV];
  __mmask16 last_mask = lane_mask(last);
  if (first) {
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v) {
      __m512i offset =
          v == nv - 1 ? _mm512_maskz_loadu_epi32(last_mask, col_offset + 16 * v)
                      : _mm512_loadu_si512(col_offset + 16 * v);
#pragma GCC unroll 8
      for (int r = 0; r < mr; ++r)
        acc[r][v] = offset;
    }
  } else { /* A later block of K adds to what C holds. */
#pragma GCC unroll 8
    for (int r = 0; r < mr; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < nv; ++v)
        acc[r][v] = v == nv - 1 ? _mm512_maskz_loadu_epi32(last_mask,
                                                           c + r * ldc + 16 * v)
                                : _mm512_loadu_si512(c + r * ldc + 16 * v);
  }
  /* u8 activations broadcast straight from memory; s8 ones are flipped
   * to u8 in the register. Separate loops keep the test out of them. */
  __m512i flips = _mm512_set1_epi32(flip);
  if (flip) {
    for (int64_t g = 0; g < full_groups; ++g)
      gemm_group(mr, nv, acc, a + 4 * g, lda, 4, 1, flips, b + g * 64,
                 panel_bytes);
  } else {
    for (int64_t g = 0; g < full_groups; ++g)
      gemm_group(mr, nv, acc, a + 4 * g, lda, 4, 0, flips, b + g * 64,
                 panel_bytes);
  }
  /* The bytes past K meet zero weights: any value of them adds 0. */
  if (tail)
    gemm_group(mr, nv, acc, a + 4 * full_groups, lda, tail, flip != 0, flips,
               b + full_groups * 64, panel_bytes);
#pragma GCC unroll 8
  for (int r = 0; r < mr; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v) {
      if (v == nv - 1)
        _mm512_mask_storeu_epi32(c + r * ldc + 16 * v, last_mask, acc[r][v]);
      else
        _mm512_storeu_si512(c + r * ldc + 16 * v, acc[r][v]);
    }
}

/* Each tile shape is a function of its own, so that its accumulators
 * live in registers. */
#define GEMM_TILE(R, V)                                                        \
  static __attribute__((noinline)) void gemm_##R##x##V(                        \
      int64_t full_groups, int64_t tail, const uint8_t *a, int64_t lda,        \
      int32_t flip, const int8_t *b, int64_t panel_bytes, int first,           \
      const int32_t *col_offset, int32_t *c, int64_t ldc, int64_t last) {      \
    gemm_tile(R, V, full_groups, tail, a, lda, flip, b, panel_bytes, first,    \
              col_offset, c, ldc, last);                                       \
  }
#define GEMM_TILES(R)                                                          \
  GEMM_TILE(R, 1) GEMM_TILE(R, 2) GEMM_TILE(R, 3) GEMM_TILE(R, 4)
GEMM_TILES(1)
GEMM_TILES(2)
GEMM_TILES(3)
GEMM_TILES(4)

#define GEMM_CASE(R, V)                                                        \
  case (R)*8 + (V):                                                            \
    gemm_##R##x##V(block_groups, block_tail, a + m0 * lda + k0, lda, flip,     \
                   b_panels + p0 * panel_bytes + k0 * 16, panel_bytes,         \
                   k0 == 0, col_offset + p0 * 16, c + m0 * ldc + p0 * 16, ldc, \
                   last);                                                      \
    break;
#define GEMM_ROW(R)                                                            \
  GEMM_CASE(R, 1) GEMM_CASE(R, 2) GEMM_CASE(R, 3) GEMM_CASE(R, 4)

/* Bytes of K a block: the block's groups of four panels (16 KiB) stay in
 * the L1 cache while every row of A passes over them. */
#define KC 512

QUANTC_RUNTIME void quantc_qgemm_u8s8_avx512vnni(int64_t m, int64_t n,
                                                 int64_t k, const uint8_t *a,
                                                 int64_t lda, int a_signed,
                                                 const int8_t *b_panels,
                                                 const int32_t *col_offset,
                                                 int32_t *c, int64_t ldc) {
  int64_t groups = quantc_ceil_div(k, 4);
  int64_t panel_bytes = groups * 64;
  int64_t panels = quantc_ceil_div(n, 16);
  int32_t flip = a_signed ? (int32_t)0x80808080u : 0;
  for (int64_t p0 = 0; p0 < panels; p0 += NV) {
    int64_t nv = panels - p0 < NV ? panels - p0 : NV;
    int64_t last = n - (p0 + nv - 1) * 16;
    for (int64_t k0 = 0; k0 < k; k0 += KC) {
      int64_t block = k - k0 < KC ? k - k0 : KC;
      int64_t block_groups = block / 4, block_tail = block % 4;
      for (int64_t m0 = 0; m0 < m; m0 += MR) {
        int64_t mr = m - m0 < MR ? m - m0 : MR;
        switch (mr * 8 + nv) {
          GEMM_ROW(1)
          GEMM_ROW(2)
          GEMM_ROW(3)
          GEMM_ROW(4)
        }
      }
    }
  }
}

/* One mr x nv tile of the convolution: filters f..f+mr (rows of w, `ldw`
 * bytes apart), panels of x. */
ALWAYS_INLINE void panels_tile(const int mr, const int nv, int64_t groups,
                               const int8_t *w, int64_t ldw,
                               const int32_t *row_offset, const uint8_t *x,
                               int64_t panel_bytes, int32_t *y, int64_t ldy,
                               int64_t last) {
  __m512i acc[MR][NV];
  __mmask16 last_mask = lane_mask(last);
#pragma GCC unroll 8
  for (int r = 0; r < mr; ++r) {
    __m512i offset = _mm512_set1_epi32(row_offset[r]);
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v)
      acc[r][v] = offset;
  }
  for (int64_t g = 0; g < groups; ++g) {
    __m512i xv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v)
      xv[v] = _mm512_loadu_si512(x + v * panel_bytes + g * 64);
#pragma GCC unroll 8
    for (int r = 0; r < mr; ++r) {
      __m512i wv = _mm512_set1_epi32(
          (int32_t)quantc_load_bytes((const uint8_t *)w + r * ldw + 4 * g, 4));
#pragma GCC unroll 8
      for (int v = 0; v < nv; ++v)
        acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], xv[v], wv);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < mr; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < nv; ++v) {
      if (v == nv - 1)
        _mm512_mask_storeu_epi32(y + r * ldy + 16 * v, last_mask, acc[r][v]);
      else
        _mm512_storeu_si512(y + r * ldy + 16 * v, acc[r][v]);
    }
}

#define PANELS_TILE(R, V)                                                      \
  static __attribute__((noinline)) void panels_##R##x##V(                      \
      int64_t groups, const int8_t *w, int64_t ldw, const int32_t *row_offset, \
      const uint8_t *x, int64_t panel_bytes, int32_t *y, int64_t ldy,          \
      int64_t last) {                                                          \
    panels_tile(R, V, groups, w, ldw, row_offset, x, panel_bytes, y, ldy,      \
                last);                                                         \
  }
#define PANELS_TILES(R)                                                        \
  PANELS_TILE(R, 1) PANELS_TILE(R, 2) PANELS_TILE(R, 3) PANELS_TILE(R, 4)
PANELS_TILES(1)
PANELS_TILES(2)
PANELS_TILES(3)
PANELS_TILES(4)

#define PANELS_CASE(R, V)                                                      \
  case (R)*8 + (V):                                                            \
    panels_##R##x##V(groups, w_rows + f0 * ldw, ldw, row_offset + f0,          \
                     x_panels, panel_bytes, y + f0 * ldy, ldy, last);          \
    break;
#define PANELS_ROW(R)                                                          \
  PANELS_CASE(R, 1) PANELS_CASE(R, 2) PANELS_CASE(R, 3) PANELS_CASE(R, 4)

QUANTC_RUNTIME void
quantc_qpanels_s8u8_avx512vnni(int64_t filters, int64_t panels, int64_t groups,
                               const int8_t *w_rows, const int32_t *row_offset,
                               const uint8_t *x_panels, int64_t columns,
                               int32_t *y, int64_t ldy) {
  int64_t ldw = groups * 4, panel_bytes = groups * 64;
  int64_t nv = panels < NV ? panels : NV;
  int64_t last = columns - (nv - 1) * 16;
  for (int64_t f0 = 0; f0 < filters; f0 += MR) {
    int64_t mr = filters - f0 < MR ? filters - f0 : MR;
    switch (mr * 8 + nv) {
      PANELS_ROW(1)
      PANELS_ROW(2)
      PANELS_ROW(3)
      PANELS_ROW(4)
    }
  }
}

/* The 16 lanes of taps 4g to 4g + 3 for 16 pixels of a row whose first
 * reads `base` (see quantc_depthwise_plane_avx512vnni). */
ALWAYS_INLINE __m512i depthwise_taps(const uint8_t *base, int64_t stride,
                                     __m512i pattern) {
  __m512i bytes =
      _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)base));
  bytes = _mm512_inserti32x4(
      bytes, _mm_loadu_si128((const __m128i *)(base + 4 * stride)), 1);
  bytes = _mm512_inserti32x4(
      bytes, _mm_loadu_si128((const __m128i *)(base + 8 * stride)), 2);
  bytes = _mm512_inserti32x4(
      bytes, _mm_loadu_si128((const __m128i *)(base + 12 * stride)), 3);
  return _mm512_shuffle_epi8(bytes, pattern);
}

/* Most weight vectors a filter keeps in registers: kernel rows times
 * groups of 4 taps (7x7 has 14). */
#define DEPTHWISE_MAX_VECTORS 16

/* vpermb (AVX512-VBMI): byte p of the result is byte index[p] % 64 of
 * `bytes`. Written as assembly so that this file, compiled for AVX-512 VNNI
 * CPUs that may lack VBMI, can hold it; it runs only where isa.c's check
 * found VBMI. */
ALWAYS_INLINE __m512i permute_bytes(__m512i index, __m512i bytes) {
  __m512i out;
  __asm__("vpermb %2, %1, %0" : "=v"(out) : "v"(index), "v"(bytes));
  return out;
}

/* The taps of 16 pixels from `base`: with VBMI one 64-byte load and one
 * vpermb by `index` (lane p, byte j: byte s * p + j); else four 16-byte
 * loads and a shuffle by `pattern` (depthwise_taps). */
ALWAYS_INLINE __m512i depthwise_taps_of(const int vbmi, const uint8_t *base,
                                        int64_t stride, __m512i pattern,
                                        __m512i index) {
  if (vbmi)
    return permute_bytes(index, _mm512_loadu_si512(base));
  return depthwise_taps(base, stride, pattern);
}

/* A depthwise filter over a padded plane, 64 output pixels of a row at a
 * time in four independent accumulators. For each kernel row and each
 * group of 4 taps, lane p of a vector holds the 4 input bytes those taps
 * read for pixel p: with stride s they start at s * p, so four 16-byte
 * loads (pixels 4q to 4q + 3 read bytes 4qs to 4qs + 3s + 3) and one byte
 * shuffle within each 128-bit lane build it, or, on CPUs with VBMI, one
 * 64-byte load and one vpermb (16 pixels read at most 16 s + 3 < 64
 * bytes); vpdpbusd multiplies it by the 4 weights. Taps past the kernel's
 * width have zero weights. Needs unit dilation along the width, a stride
 * of 1 or 2 there, and at most DEPTHWISE_MAX_VECTORS groups of taps;
 * qgemm.c checks, and leaves 64 bytes past a row's reach in the plane. */
ALWAYS_INLINE void depthwise_plane(const int vbmi, const quantc_conv_shape *s,
                                   const uint8_t *plane, int64_t row_bytes,
                                   const int8_t *w, int32_t offset,
                                   int32_t *y) {
  int64_t stride = s->stride_w;
  int64_t groups = quantc_ceil_div(s->kernel_w, 4);
  int64_t vectors = s->kernel_h * groups;
  __m512i pattern = _mm512_broadcast_i32x4(
      stride == 1
          ? _mm_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6)
          : _mm_setr_epi8(0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9));
  uint8_t indices[64];
  for (int p = 0; p < 16; ++p)
    for (int j = 0; j < 4; ++j)
      indices[4 * p + j] = (uint8_t)(stride * p + j);
  __m512i index = _mm512_loadu_si512(indices);
  __m512i weights[DEPTHWISE_MAX_VECTORS];
  for (int64_t v = 0; v < vectors; ++v)
    weights[v] = _mm512_set1_epi32(
        (int32_t)quantc_load_bytes((const uint8_t *)w + v * 4, 4));
  __m512i start = _mm512_set1_epi32(offset);
  for (int64_t oh = 0; oh < s->out_h; ++oh) {
    const uint8_t *top = plane + oh * s->stride_h * row_bytes;
    int32_t *out = y + oh * s->out_w;
    int64_t ow = 0;
    for (; ow + 64 <= s->out_w; ow += 64) {
      __m512i acc0 = start, acc1 = start, acc2 = start, acc3 = start;
      for (int64_t i = 0; i < s->kernel_h; ++i) {
        const uint8_t *row = top + i * s->dilation_h * row_bytes + ow * stride;
        for (int64_t g = 0; g < groups; ++g) {
          const uint8_t *base = row + 4 * g;
          __m512i wv = weights[i * groups + g];
          acc0 = _mm512_dpbusd_epi32(
              acc0, depthwise_taps_of(vbmi, base, stride, pattern, index), wv);
          acc1 = _mm512_dpbusd_epi32(acc1,
                                     depthwise_taps_of(vbmi, base + 16 * stride,
                                                       stride, pattern, index),
                                     wv);
          acc2 = _mm512_dpbusd_epi32(acc2,
                                     depthwise_taps_of(vbmi, base + 32 * stride,
                                                       stride, pattern, index),
                                     wv);
          acc3 = _mm512_dpbusd_epi32(acc3,
                                     depthwise_taps_of(vbmi, base + 48 * stride,
                                                       stride, pattern, index),
                                     wv);
        }
      }
      _mm512_storeu_si512(out + ow, acc0);
      _mm512_storeu_si512(out + ow + 16, acc1);
      _mm512_storeu_si512(out + ow + 32, acc2);
      _mm512_storeu_si512(out + ow + 48, acc3);
    }
    for (; ow < s->out_w; ow += 16) {
      __m512i acc = start;
      for (int64_t i = 0; i < s->kernel_h; ++i) {
        const uint8_t *row = top + i * s->dilation_h * row_bytes + ow * stride;
        for (int64_t g = 0; g < groups; ++g)
          acc = _mm512_dpbusd_epi32(
              acc, depthwise_taps_of(vbmi, row + 4 * g, stride, pattern, index),
              weights[i * groups + g]);
      }
      _mm512_mask_storeu_epi32(out + ow, lane_mask(s->out_w - ow), acc);
    }
  }
}

QUANTC_RUNTIME void quantc_depthwise_plane_avx512vnni(
    const quantc_conv_shape *s, const uint8_t *plane, int64_t row_bytes,
    const int8_t *w, int32_t offset, int32_t *y, int vbmi) {
  if (vbmi)
    depthwise_plane(1, s, plane, row_bytes, w, offset, y);
  else
    depthwise_plane(0, s, plane, row_bytes, w, offset, y);
}

/* The 64 pixels [first, first + 64) of a 1x1 convolution (stride 1, no
 * padding: the pixels are the input's) as four panels of `groups` groups:
 * per group, the four channels' 64 bytes are interleaved byte by byte and
 * then in pairs within each 128-bit lane (lane L then holds the four
 * channels of pixels 16 L to 16 L + 15 in four quarters of the registers),
 * and a 4 x 4 transpose of the lanes puts panel L's 64 bytes in one
 * register. Channels past K are zero; s8 inputs are flipped to u8. */
QUANTC_RUNTIME void quantc_pack_pointwise_avx512(const uint8_t *x,
                                                 int64_t x_channel_stride,
                                                 int64_t channels,
                                                 int64_t first, int64_t groups,
                                                 int x_signed, uint8_t *dst) {
  __m512i flip = _mm512_set1_epi8(x_signed ? (char)0x80 : 0);
  int64_t panel_bytes = groups * 64;
  for (int64_t g = 0; g < groups; ++g) {
    __m512i c[4];
    for (int t = 0; t < 4; ++t) {
      int64_t channel = 4 * g + t;
      c[t] = channel < channels
                 ? _mm512_xor_si512(_mm512_loadu_si512(
                                        x + channel * x_channel_stride + first),
                                    flip)
                 : _mm512_setzero_si512();
    }
    __m512i lo01 = _mm512_unpacklo_epi8(c[0], c[1]);
    __m512i hi01 = _mm512_unpackhi_epi8(c[0], c[1]);
    __m512i lo23 = _mm512_unpacklo_epi8(c[2], c[3]);
    __m512i hi23 = _mm512_unpackhi_epi8(c[2], c[3]);
    /* Per lane L: pixels 16 L + 0..3, 4..7, 8..11, 12..15. */
    __m512i q0 = _mm512_unpacklo_epi16(lo01, lo23);
    __m512i q1 = _mm512_unpackhi_epi16(lo01, lo23);
    __m512i q2 = _mm512_unpacklo_epi16(hi01, hi23);
    __m512i q3 = _mm512_unpackhi_epi16(hi01, hi23);
    /* Transpose the 4 x 4 lanes: panel L = lane L of q0, q1, q2, q3. */
    __m512i t0 = _mm512_shuffle_i32x4(q0, q1, 0x44); /* q0 L0 L1, q1 L0 L1 */
    __m512i t1 = _mm512_shuffle_i32x4(q2, q3, 0x44); /* q2 L0 L1, q3 L0 L1 */
    __m512i t2 = _mm512_shuffle_i32x4(q0, q1, 0xEE); /* q0 L2 L3, q1 L2 L3 */
    __m512i t3 = _mm512_shuffle_i32x4(q2, q3, 0xEE); /* q2 L2 L3, q3 L2 L3 */
    __m512i p0 = _mm512_shuffle_i32x4(t0, t1, 0x88); /* L0 of q0 q1 q2 q3 */
    __m512i p1 = _mm512_shuffle_i32x4(t0, t1, 0xDD); /* L1 */
    __m512i p2 = _mm512_shuffle_i32x4(t2, t3, 0x88); /* L2 */
    __m512i p3 = _mm512_shuffle_i32x4(t2, t3, 0xDD); /* L3 */
    _mm512_storeu_si512(dst + g * 64, p0);
    _mm512_storeu_si512(dst + panel_bytes + g * 64, p1);
    _mm512_storeu_si512(dst + 2 * panel_bytes + g * 64, p2);
    _mm512_storeu_si512(dst + 3 * panel_bytes + g * 64, p3);
  }
}
