/*===- qgemm.c - int8 matmul and convolution kernels ---------------------===//
//
// Packing, the portable kernels, the convolution driver (im2col into
// panels, a block of pixels at a time) and the choice between the portable
// kernels and those of qgemm_avx512.c. See quantc_kernels.h.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <stdlib.h>
#include <string.h>

/*===- Packing ------------------------------------------------------------===*/

QUANTC_RUNTIME size_t quantc_panels_size(int64_t k, int64_t n) {
  return (size_t)(quantc_ceil_div(n, 16) * quantc_ceil_div(k, 4) * 64);
}

QUANTC_RUNTIME void quantc_pack_panels_s8(int64_t k, int64_t n,
                                          const int8_t *src, int64_t stride_k,
                                          int64_t stride_n, int8_t *dst) {
  int64_t groups = quantc_ceil_div(k, 4);
  memset(dst, 0, quantc_panels_size(k, n));
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn)
      dst[((nn / 16) * groups + kk / 4) * 64 + (nn % 16) * 4 + kk % 4] =
          src[kk * stride_k + nn * stride_n];
}

QUANTC_RUNTIME size_t quantc_rows_size(int64_t m, int64_t k) {
  return (size_t)(m * quantc_ceil_div(k, 4) * 4);
}

QUANTC_RUNTIME void quantc_pack_rows_s8(int64_t m, int64_t k, const int8_t *src,
                                        int64_t stride_m, int64_t stride_k,
                                        int8_t *dst) {
  int64_t row = quantc_ceil_div(k, 4) * 4;
  memset(dst, 0, quantc_rows_size(m, k));
  for (int64_t mm = 0; mm < m; ++mm)
    for (int64_t kk = 0; kk < k; ++kk)
      dst[mm * row + kk] = src[mm * stride_m + kk * stride_k];
}

/*===- Portable kernels ---------------------------------------------------===*/

static void qgemm_generic(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                          int64_t lda, int a_signed, const int8_t *b_panels,
                          const int32_t *col_offset, int32_t *c, int64_t ldc) {
  int64_t groups = quantc_ceil_div(k, 4);
  int32_t shift = a_signed ? 128 : 0;
  for (int64_t i = 0; i < m; ++i) {
    const uint8_t *row = a + i * lda;
    for (int64_t j = 0; j < n; ++j) {
      const int8_t *panel = b_panels + (j / 16) * groups * 64 + (j % 16) * 4;
      uint32_t sum = (uint32_t)col_offset[j];
      for (int64_t kk = 0; kk < k; ++kk) {
        int32_t av =
            a_signed ? (int32_t)(int8_t)row[kk] + shift : (int32_t)row[kk];
        sum += (uint32_t)(av * (int32_t)panel[(kk / 4) * 64 + kk % 4]);
      }
      c[i * ldc + j] = (int32_t)sum;
    }
  }
}

/* y[f * ldy + p] = row_offset[f] + sum_g W(f, g) . X(g, p) for the
 * `columns` pixels of `panels` panels of X (u8), W rows (s8). */
static void qpanels_generic(int64_t filters, int64_t panels, int64_t groups,
                            const int8_t *w_rows, const int32_t *row_offset,
                            const uint8_t *x_panels, int64_t columns,
                            int32_t *y, int64_t ldy) {
  (void)panels;
  for (int64_t f = 0; f < filters; ++f) {
    const int8_t *w = w_rows + f * groups * 4;
    for (int64_t p = 0; p < columns; ++p) {
      const uint8_t *x = x_panels + (p / 16) * groups * 64 + (p % 16) * 4;
      uint32_t sum = (uint32_t)row_offset[f];
      for (int64_t g = 0; g < groups; ++g)
        for (int t = 0; t < 4; ++t)
          sum += (uint32_t)((int32_t)w[g * 4 + t] * (int32_t)x[g * 64 + t]);
      y[f * ldy + p] = (int32_t)sum;
    }
  }
}

/*===- Choice of instruction set ------------------------------------------===*/

enum { QUANTC_ISA_UNKNOWN = -1, QUANTC_ISA_GENERIC, QUANTC_ISA_AVX512VNNI };

static int quantc_isa = QUANTC_ISA_UNKNOWN;

static int select_isa(void) {
  int isa = __atomic_load_n(&quantc_isa, __ATOMIC_RELAXED);
  if (isa != QUANTC_ISA_UNKNOWN)
    return isa;
  isa = QUANTC_ISA_GENERIC;
  const char *forced = getenv("QUANTC_KERNELS");
  if (!forced || strcmp(forced, "generic") != 0) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vnni"))
      isa = QUANTC_ISA_AVX512VNNI;
#endif
  }
  __atomic_store_n(&quantc_isa, isa, __ATOMIC_RELAXED);
  return isa;
}

QUANTC_RUNTIME const char *quantc_kernels_isa(void) {
  return select_isa() == QUANTC_ISA_AVX512VNNI ? "avx512-vnni" : "generic";
}

QUANTC_RUNTIME int quantc_kernels_use(const char *isa) {
  int wanted;
  if (strcmp(isa, "generic") == 0) {
    wanted = QUANTC_ISA_GENERIC;
  } else if (strcmp(isa, "avx512-vnni") == 0) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") ||
        !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512vnni"))
      return 0;
    wanted = QUANTC_ISA_AVX512VNNI;
#else
    return 0;
#endif
  } else {
    return 0;
  }
  __atomic_store_n(&quantc_isa, wanted, __ATOMIC_RELAXED);
  return 1;
}

/*===- Entry points -------------------------------------------------------===*/

QUANTC_RUNTIME void quantc_qgemm_u8s8(int64_t m, int64_t n, int64_t k,
                                      const uint8_t *a, int64_t lda,
                                      int a_signed, const int8_t *b_panels,
                                      const int32_t *col_offset, int32_t *c,
                                      int64_t ldc) {
  if (m <= 0 || n <= 0)
    return;
#if defined(__x86_64__)
  if (select_isa() == QUANTC_ISA_AVX512VNNI) {
    quantc_qgemm_u8s8_avx512vnni(m, n, k, a, lda, a_signed, b_panels,
                                 col_offset, c, ldc);
    return;
  }
#endif
  qgemm_generic(m, n, k, a, lda, a_signed, b_panels, col_offset, c, ldc);
}

/* Packs pixels [first, first + columns) of the im2col matrix of `shape`
 * (K = C * kh * kw rows) as panels at `dst`, `groups` = ceil(K / 4)
 * groups a panel. Taps past K are zero; pixels past `columns` in the last
 * panel are left as they are (their outputs are not stored). */
static void pack_im2col(const quantc_conv_shape *s, const uint8_t *x,
                        int64_t x_channel_stride, int64_t first,
                        int64_t columns, int64_t groups, uint8_t *dst) {
  int64_t taps = s->kernel_h * s->kernel_w;
  int64_t k = s->channels * taps;
  uint8_t flip = s->x_signed ? 0x80 : 0;
  uint8_t pad = (uint8_t)s->pad_value ^ flip;
  int pointwise = s->kernel_h == 1 && s->kernel_w == 1 && s->stride_h == 1 &&
                  s->stride_w == 1 && s->pad_top == 0 && s->pad_left == 0 &&
                  s->out_w == s->width;
  for (int64_t q = 0; q * 16 < columns; ++q) {
    uint8_t *panel = dst + q * groups * 64;
    int64_t lanes = columns - q * 16 < 16 ? columns - q * 16 : 16;
    if (pointwise) {
      const uint8_t *base = x + first + q * 16;
      for (int64_t kk = 0; kk < groups * 4; ++kk) {
        uint8_t *out = panel + (kk / 4) * 64 + kk % 4;
        if (kk >= k) {
          for (int64_t l = 0; l < 16; ++l)
            out[l * 4] = 0;
          continue;
        }
        const uint8_t *in = base + kk * x_channel_stride;
        for (int64_t l = 0; l < lanes; ++l)
          out[l * 4] = in[l] ^ flip;
      }
      continue;
    }
    int64_t row0[16], col0[16];
    for (int64_t l = 0; l < lanes; ++l) {
      int64_t p = first + q * 16 + l;
      row0[l] = (p / s->out_w) * s->stride_h - s->pad_top;
      col0[l] = (p % s->out_w) * s->stride_w - s->pad_left;
    }
    for (int64_t kk = 0; kk < groups * 4; ++kk) {
      uint8_t *out = panel + (kk / 4) * 64 + kk % 4;
      if (kk >= k) {
        for (int64_t l = 0; l < 16; ++l)
          out[l * 4] = 0;
        continue;
      }
      int64_t c = kk / taps, i = (kk % taps) / s->kernel_w,
              j = kk % s->kernel_w;
      const uint8_t *channel = x + c * x_channel_stride;
      for (int64_t l = 0; l < lanes; ++l) {
        int64_t r = row0[l] + i * s->dilation_h;
        int64_t col = col0[l] + j * s->dilation_w;
        out[l * 4] = (r >= 0 && r < s->height && col >= 0 && col < s->width)
                         ? channel[r * s->width + col] ^ flip
                         : pad;
      }
    }
  }
}

/* Pixels packed at a time: four panels, the width of the vector kernel. */
#define QUANTC_CONV_BLOCK 64

QUANTC_RUNTIME void quantc_qconv_s8u8(const quantc_conv_shape *shape,
                                      const int8_t *w_rows,
                                      const int32_t *row_offset,
                                      const uint8_t *x,
                                      int64_t x_channel_stride, int32_t *y) {
  int64_t k = shape->channels * shape->kernel_h * shape->kernel_w;
  int64_t groups = quantc_ceil_div(k, 4);
  int64_t pixels = shape->out_h * shape->out_w;
  if (pixels <= 0 || shape->filters <= 0)
    return;
  uint8_t *block = (uint8_t *)aligned_alloc(
      64, (size_t)(groups * 64 * (QUANTC_CONV_BLOCK / 16)));
  if (!block)
    abort();
  int isa = select_isa();
  for (int64_t first = 0; first < pixels; first += QUANTC_CONV_BLOCK) {
    int64_t columns =
        pixels - first < QUANTC_CONV_BLOCK ? pixels - first : QUANTC_CONV_BLOCK;
    int64_t panels = quantc_ceil_div(columns, 16);
    pack_im2col(shape, x, x_channel_stride, first, columns, groups, block);
#if defined(__x86_64__)
    if (isa == QUANTC_ISA_AVX512VNNI) {
      quantc_qpanels_s8u8_avx512vnni(shape->filters, panels, groups, w_rows,
                                     row_offset, block, columns, y + first,
                                     pixels);
      continue;
    }
#endif
    (void)isa;
    qpanels_generic(shape->filters, panels, groups, w_rows, row_offset, block,
                    columns, y + first, pixels);
  }
  free(block);
}
