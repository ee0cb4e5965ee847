/*===- qgemm.c - int8 matmul and convolution kernels ---------------------===//
//
// Packing, the portable kernels, the convolution driver (im2col into
// panels, a block of pixels at a time) and the calls of the kernels of
// qgemm_avx512.c and qgemm_neon.c where isa.c chose them. See
// quantc_kernels.h.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"
#include "quantc_threads.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
      dst[quantc_panel_byte(groups, 4, kk, nn)] =
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

/*===- Entry points -------------------------------------------------------===*/

static void qgemm_range(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                        int64_t lda, int a_signed, const int8_t *b_panels,
                        const int32_t *col_offset, int32_t *c, int64_t ldc) {
#if defined(__x86_64__)
  switch (quantc_select_isa()) {
  case QUANTC_ISA_AMX:
    quantc_qgemm_u8s8_amx(m, n, k, a, lda, a_signed, b_panels, col_offset, c,
                          ldc);
    return;
  case QUANTC_ISA_AVX512VNNI:
  case QUANTC_ISA_AVX512VBMI:
    quantc_qgemm_u8s8_avx512vnni(m, n, k, a, lda, a_signed, b_panels,
                                 col_offset, c, ldc);
    return;
  case QUANTC_ISA_AVX2:
    quantc_qgemm_u8s8_avx2(m, n, k, a, lda, a_signed, b_panels, col_offset, c,
                           ldc);
    return;
  }
#elif defined(__aarch64__)
  switch (quantc_select_isa()) {
  case QUANTC_ISA_NEON_DOTPROD:
    quantc_qgemm_u8s8_dotprod(m, n, k, a, lda, a_signed, b_panels, col_offset,
                              c, ldc);
    return;
  case QUANTC_ISA_NEON_I8MM:
    quantc_qgemm_u8s8_i8mm(m, n, k, a, lda, a_signed, b_panels, col_offset, c,
                           ldc);
    return;
  }
#endif
  qgemm_generic(m, n, k, a, lda, a_signed, b_panels, col_offset, c, ldc);
}

typedef struct {
  int64_t m, n, k, lda, ldc;
  int a_signed;
  const uint8_t *a;
  const int8_t *b_panels;
  const int32_t *col_offset;
  int32_t *c;
} qgemm_job;

/* Columns [64 * begin, 64 * end): whole panels, the weights a part reads. */
static void qgemm_columns(void *argument, int64_t begin, int64_t end) {
  const qgemm_job *j = (const qgemm_job *)argument;
  int64_t first = begin * 64, last = end * 64 < j->n ? end * 64 : j->n;
  int64_t panel_bytes = quantc_ceil_div(j->k, 4) * 64;
  qgemm_range(j->m, last - first, j->k, j->a, j->lda, j->a_signed,
              j->b_panels + (first / 16) * panel_bytes, j->col_offset + first,
              j->c + first, j->ldc);
}

/* Rows [begin, end). */
static void qgemm_rows(void *argument, int64_t begin, int64_t end) {
  const qgemm_job *j = (const qgemm_job *)argument;
  qgemm_range(end - begin, j->n, j->k, j->a + begin * j->lda, j->lda,
              j->a_signed, j->b_panels, j->col_offset, j->c + begin * j->ldc,
              j->ldc);
}

QUANTC_RUNTIME void quantc_qgemm_u8s8(int64_t m, int64_t n, int64_t k,
                                      const uint8_t *a, int64_t lda,
                                      int a_signed, const int8_t *b_panels,
                                      const int32_t *col_offset, int32_t *c,
                                      int64_t ldc) {
  if (m <= 0 || n <= 0)
    return;
  qgemm_job job = {m, n, k, lda, ldc, a_signed, a, b_panels, col_offset, c};
  quantc_run_product(m, n, k, 64 * k, qgemm_columns, qgemm_rows, &job);
}

/* quantc_qgemm_u8s8_f32's job: the i32 sums of a block go into the float
 * output's own memory (both are 4 bytes), then become floats in place
 * while they are in cache. */
typedef struct {
  qgemm_job sums;
  const int32_t *col_sum;
  const float *a_scale;
  const int32_t *a_zero;
  int64_t a_step;
  const float *b_scale, *bias;
} qgemm_f32_job;

/* Columns a block of `rows` rows covers: some 64K sums (256 KiB), whole
 * blocks of 64 columns. */
static int64_t f32_block_columns(int64_t rows) {
  int64_t columns = (65536 / (rows > 0 ? rows : 1)) / 64 * 64;
  return columns < 64 ? 64 : columns;
}

/* The epilogue of quantc_qgemm_u8s8_f32 for `count` sums of one row, in
 * place: each i32 becomes its binary32 result, rounded one operation at a
 * time (the runtime is built with -ffp-contract=off). */
static void dequantize_row(int32_t *line, int64_t count,
                           const int32_t *restrict col_sum,
                           const float *restrict b_scale,
                           const float *restrict bias, float a_scale,
                           uint32_t a_zero) {
  for (int64_t t = 0; t < count; ++t) {
    int32_t acc;
    memcpy(&acc, &line[t], 4);
    acc = (int32_t)((uint32_t)acc - a_zero * (uint32_t)col_sum[t]);
    float multiplier = a_scale * b_scale[t];
    float value = (float)acc * multiplier;
    if (bias)
      value = value + bias[t];
    memcpy(&line[t], &value, 4);
  }
}

/* Rows [row, row + rows) x columns [first, last) of the job's output:
 * the kernel's sums, then the epilogue, in blocks of columns. */
static void qgemm_f32_block(const qgemm_f32_job *j, int64_t row, int64_t rows,
                            int64_t first, int64_t last) {
  const qgemm_job *g = &j->sums;
  int64_t panel_bytes = quantc_ceil_div(g->k, 4) * 64;
  int64_t step = f32_block_columns(rows);
  for (int64_t begin = first; begin < last; begin += step) {
    int64_t end = begin + step < last ? begin + step : last;
    int32_t *sums = g->c + row * g->ldc + begin;
    qgemm_range(rows, end - begin, g->k, g->a + row * g->lda, g->lda,
                g->a_signed, g->b_panels + (begin / 16) * panel_bytes,
                g->col_offset + begin, sums, g->ldc);
    for (int64_t i = 0; i < rows; ++i) {
      int64_t r = (row + i) * j->a_step;
      dequantize_row(sums + i * g->ldc, end - begin, j->col_sum + begin,
                     j->b_scale + begin, j->bias ? j->bias + begin : NULL,
                     j->a_scale[r], j->a_zero ? (uint32_t)j->a_zero[r] : 0);
    }
  }
}

/* Columns [64 * begin, 64 * end), every row. */
static void qgemm_f32_columns(void *argument, int64_t begin, int64_t end) {
  const qgemm_f32_job *j = (const qgemm_f32_job *)argument;
  int64_t last = end * 64 < j->sums.n ? end * 64 : j->sums.n;
  qgemm_f32_block(j, 0, j->sums.m, begin * 64, last);
}

/* Rows [begin, end), every column. */
static void qgemm_f32_rows(void *argument, int64_t begin, int64_t end) {
  const qgemm_f32_job *j = (const qgemm_f32_job *)argument;
  qgemm_f32_block(j, begin, end - begin, 0, j->sums.n);
}

QUANTC_RUNTIME void
quantc_qgemm_u8s8_f32(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                      int64_t lda, int a_signed, const int8_t *b_panels,
                      const int32_t *col_offset, const int32_t *col_sum,
                      const float *a_scale, const int32_t *a_zero,
                      int64_t a_step, const float *b_scale, const float *bias,
                      float *c, int64_t ldc) {
  if (m <= 0 || n <= 0)
    return;
  qgemm_f32_job job = {{m, n, k, lda, ldc, a_signed, a, b_panels, col_offset,
                        (int32_t *)(void *)c},
                       col_sum,
                       a_scale,
                       a_zero,
                       a_step,
                       b_scale,
                       bias};
  quantc_run_product(m, n, k, 64 * k, qgemm_f32_columns, qgemm_f32_rows, &job);
}

/* The 16 bytes tap `kk` (< K) reads for the pixels `first` to `first + 15`
 * of the im2col matrix (the lanes past `lanes` are zero), flipped to u8.
 * The pixels are taken a run of one output row at a time: all padding when
 * the tap's input row is outside the input, one load when the whole run
 * reads inside it with a stride of 1 (or, with SSE2, 2: the even bytes of
 * 32), else byte by byte with the column stepping by the stride. */
static void load_tap(const quantc_conv_shape *s, const uint8_t *x,
                     int64_t x_channel_stride, int64_t kk, int64_t first,
                     int64_t lanes, uint8_t flip, uint8_t pad,
                     uint8_t out[16]) {
  int64_t taps = s->kernel_h * s->kernel_w;
  int64_t c = kk / taps, i = (kk % taps) / s->kernel_w, j = kk % s->kernel_w;
  const uint8_t *channel = x + c * x_channel_stride;
  int64_t oh = first / s->out_w, ow = first % s->out_w;
  int64_t l = 0;
  while (l < lanes) {
    int64_t run = s->out_w - ow < lanes - l ? s->out_w - ow : lanes - l;
    int64_t r = oh * s->stride_h - s->pad_top + i * s->dilation_h;
    int64_t col = ow * s->stride_w - s->pad_left + j * s->dilation_w;
    uint8_t *dst = out + l;
    if (r < 0 || r >= s->height) {
      memset(dst, pad, (size_t)run);
    } else {
      const uint8_t *in = channel + r * s->width;
      int64_t last = col + (run - 1) * s->stride_w;
      if (run == 16 && s->stride_w == 1 && col >= 0 && last < s->width) {
#if defined(__SSE2__)
        /* One store: the packing's 16-byte load of `out` then forwards
         * from it instead of waiting for 16 byte stores. */
        _mm_storeu_si128(
            (__m128i *)dst,
            _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + col)),
                          _mm_set1_epi8((char)flip)));
#else
        for (int t = 0; t < 16; ++t)
          dst[t] = in[col + t] ^ flip;
#endif
#if defined(__SSE2__)
      } else if (run == 16 && s->stride_w == 2 && col >= 0 &&
                 col + 32 <= s->width) {
        __m128i even = _mm_set1_epi16(0xFF);
        __m128i lo =
            _mm_and_si128(_mm_loadu_si128((const __m128i *)(in + col)), even);
        __m128i hi = _mm_and_si128(
            _mm_loadu_si128((const __m128i *)(in + col + 16)), even);
        __m128i bytes =
            _mm_xor_si128(_mm_packus_epi16(lo, hi), _mm_set1_epi8((char)flip));
        _mm_storeu_si128((__m128i *)dst, bytes);
#endif
      } else {
        for (int64_t t = 0; t < run; ++t, col += s->stride_w)
          dst[t] = col >= 0 && col < s->width ? (uint8_t)(in[col] ^ flip) : pad;
      }
    }
    l += run;
    ow = 0;
    ++oh;
  }
  if (lanes < 16)
    memset(out + lanes, 0, (size_t)(16 - lanes));
}

/* Interleaves four rows of 16 bytes into the 64 bytes of a panel's group:
 * byte 4 * l + t is row t's byte l. */
static void interleave4(const uint8_t rows[4][16], uint8_t *group) {
#if defined(__SSE2__)
  __m128i r0 = _mm_loadu_si128((const __m128i *)rows[0]);
  __m128i r1 = _mm_loadu_si128((const __m128i *)rows[1]);
  __m128i r2 = _mm_loadu_si128((const __m128i *)rows[2]);
  __m128i r3 = _mm_loadu_si128((const __m128i *)rows[3]);
  __m128i a = _mm_unpacklo_epi8(r0, r1), b = _mm_unpackhi_epi8(r0, r1);
  __m128i c = _mm_unpacklo_epi8(r2, r3), d = _mm_unpackhi_epi8(r2, r3);
  _mm_storeu_si128((__m128i *)group, _mm_unpacklo_epi16(a, c));
  _mm_storeu_si128((__m128i *)(group + 16), _mm_unpackhi_epi16(a, c));
  _mm_storeu_si128((__m128i *)(group + 32), _mm_unpacklo_epi16(b, d));
  _mm_storeu_si128((__m128i *)(group + 48), _mm_unpackhi_epi16(b, d));
#else
  for (int l = 0; l < 16; ++l)
    for (int t = 0; t < 4; ++t)
      group[4 * l + t] = rows[t][l];
#endif
}

/* Packs pixels [first, first + columns) of the im2col matrix of `shape`
 * (K = C * kh * kw rows) as panels at `dst`, `groups` = ceil(K / 4)
 * groups a panel. Taps past K are zero; pixels past `columns` in the last
 * panel are zero too (their outputs are not stored). */
/* Whether the im2col matrix of `s` is its input: a 1x1 convolution with
 * stride 1 and no padding. */
static int is_pointwise(const quantc_conv_shape *s) {
  return s->kernel_h == 1 && s->kernel_w == 1 && s->stride_h == 1 &&
         s->stride_w == 1 && s->pad_top == 0 && s->pad_left == 0 &&
         s->out_w == s->width && s->out_h == s->height;
}

static void pack_im2col(const quantc_conv_shape *s, const uint8_t *x,
                        int64_t x_channel_stride, int64_t first,
                        int64_t columns, int64_t groups, uint8_t *dst) {
  int64_t k = s->channels * s->kernel_h * s->kernel_w;
  uint8_t flip = s->x_signed ? 0x80 : 0;
  uint8_t pad = (uint8_t)s->pad_value ^ flip;
  int pointwise = is_pointwise(s);
  uint8_t rows[4][16];
  for (int64_t q = 0; q * 16 < columns; ++q) {
    uint8_t *panel = dst + q * groups * 64;
    int64_t lanes = columns - q * 16 < 16 ? columns - q * 16 : 16;
    int64_t start = first + q * 16;
    for (int64_t g = 0; g < groups; ++g) {
      for (int t = 0; t < 4; ++t) {
        int64_t kk = 4 * g + t;
        if (kk >= k) {
          memset(rows[t], 0, 16);
        } else if (pointwise && lanes == 16) {
          /* The pixels of a 1x1 convolution are the input's. */
          const uint8_t *in = x + kk * x_channel_stride + start;
#if defined(__SSE2__)
          _mm_storeu_si128((__m128i *)rows[t],
                           _mm_xor_si128(_mm_loadu_si128((const __m128i *)in),
                                         _mm_set1_epi8((char)flip)));
#else
          for (int l = 0; l < 16; ++l)
            rows[t][l] = in[l] ^ flip;
#endif
        } else {
          load_tap(s, x, x_channel_stride, kk, start, lanes, flip, pad,
                   rows[t]);
        }
      }
      interleave4((const uint8_t(*)[16])rows, panel + g * 64);
    }
  }
}

/* Pixels packed at a time: four panels, the width of the vector kernel. */
#define QUANTC_CONV_BLOCK 64

/* The arguments of quantc_qconv_s8u8 and quantc_qdepthwise_s8u8, for the
 * parts of their jobs. */
typedef struct {
  const quantc_conv_shape *shape;
  const int8_t *w_rows;
  const int32_t *offset;
  const uint8_t *x;
  int64_t x_channel_stride;
  int32_t *y;
} conv_job;

/* Blocks [begin, end) of QUANTC_CONV_BLOCK output pixels, each packed into
 * the part's own buffer and multiplied by every filter. */
static void qconv_blocks(void *argument, int64_t begin, int64_t end) {
  const conv_job *j = (const conv_job *)argument;
  const quantc_conv_shape *shape = j->shape;
  int64_t k = shape->channels * shape->kernel_h * shape->kernel_w;
  int64_t groups = quantc_ceil_div(k, 4);
  int64_t pixels = shape->out_h * shape->out_w;
  uint8_t *block = (uint8_t *)aligned_alloc(
      64, (size_t)(groups * 64 * (QUANTC_CONV_BLOCK / 16)));
  if (!block)
    abort();
  int isa = quantc_select_isa();
  for (int64_t b = begin; b < end; ++b) {
    int64_t first = b * QUANTC_CONV_BLOCK;
    int64_t columns =
        pixels - first < QUANTC_CONV_BLOCK ? pixels - first : QUANTC_CONV_BLOCK;
    int64_t panels = quantc_ceil_div(columns, 16);
#if defined(__x86_64__)
    if (quantc_isa_has_vnni(isa) && columns == QUANTC_CONV_BLOCK &&
        is_pointwise(shape))
      quantc_pack_pointwise_avx512(j->x, j->x_channel_stride, shape->channels,
                                   first, groups, shape->x_signed, block);
    else
#endif
      pack_im2col(shape, j->x, j->x_channel_stride, first, columns, groups,
                  block);
#if defined(__x86_64__)
    if (quantc_isa_has_vnni(isa)) {
      quantc_qpanels_s8u8_avx512vnni(shape->filters, panels, groups, j->w_rows,
                                     j->offset, block, columns, j->y + first,
                                     pixels);
      continue;
    }
    if (isa == QUANTC_ISA_AVX2) {
      quantc_qpanels_s8u8_avx2(shape->filters, panels, groups, j->w_rows,
                               j->offset, block, columns, j->y + first, pixels);
      continue;
    }
#elif defined(__aarch64__)
    if (isa == QUANTC_ISA_NEON_DOTPROD || isa == QUANTC_ISA_NEON_I8MM) {
      quantc_qpanels_s8u8_neon(isa == QUANTC_ISA_NEON_I8MM, shape->filters,
                               panels, groups, j->w_rows, j->offset, block,
                               columns, j->y + first, pixels);
      continue;
    }
#endif
    (void)isa;
    qpanels_generic(shape->filters, panels, groups, j->w_rows, j->offset, block,
                    columns, j->y + first, pixels);
  }
  free(block);
}

QUANTC_RUNTIME void quantc_qconv_s8u8(const quantc_conv_shape *shape,
                                      const int8_t *w_rows,
                                      const int32_t *row_offset,
                                      const uint8_t *x,
                                      int64_t x_channel_stride, int32_t *y) {
  int64_t k = shape->channels * shape->kernel_h * shape->kernel_w;
  int64_t pixels = shape->out_h * shape->out_w;
  if (pixels <= 0 || shape->filters <= 0)
    return;
  conv_job job = {shape, w_rows, row_offset, x, x_channel_stride, y};
  quantc_parallel_for(quantc_ceil_div(pixels, QUANTC_CONV_BLOCK),
                      quantc_min_items(shape->filters * k * QUANTC_CONV_BLOCK),
                      qconv_blocks, &job);
}

/*===- Depthwise convolution ----------------------------------------------===*/

QUANTC_RUNTIME size_t quantc_depthwise_size(int64_t filters, int64_t kernel_h,
                                            int64_t kernel_w) {
  return (size_t)(filters * kernel_h * quantc_ceil_div(kernel_w, 4) * 4);
}

QUANTC_RUNTIME void quantc_pack_depthwise_s8(int64_t filters, int64_t kernel_h,
                                             int64_t kernel_w,
                                             const int8_t *src, int8_t *dst) {
  int64_t row = quantc_ceil_div(kernel_w, 4) * 4;
  memset(dst, 0, quantc_depthwise_size(filters, kernel_h, kernel_w));
  for (int64_t f = 0; f < filters; ++f)
    for (int64_t i = 0; i < kernel_h; ++i)
      for (int64_t j = 0; j < kernel_w; ++j)
        dst[(f * kernel_h + i) * row + j] =
            src[(f * kernel_h + i) * kernel_w + j];
}

/* One filter over a padded plane (see quantc_depthwise_plane_avx512vnni). */
static void depthwise_plane_generic(const quantc_conv_shape *s,
                                    const uint8_t *plane, int64_t row_bytes,
                                    const int8_t *w, int32_t offset,
                                    int32_t *y) {
  int64_t row = quantc_ceil_div(s->kernel_w, 4) * 4;
  for (int64_t oh = 0; oh < s->out_h; ++oh)
    for (int64_t ow = 0; ow < s->out_w; ++ow) {
      uint32_t sum = (uint32_t)offset;
      for (int64_t i = 0; i < s->kernel_h; ++i) {
        const uint8_t *in = plane +
                            (oh * s->stride_h + i * s->dilation_h) * row_bytes +
                            ow * s->stride_w;
        for (int64_t j = 0; j < s->kernel_w; ++j)
          sum += (uint32_t)((int32_t)w[i * row + j] *
                            (int32_t)in[j * s->dilation_w]);
      }
      y[oh * s->out_w + ow] = (int32_t)sum;
    }
}

/* Input channels [begin, end), through the part's own padded plane. */
static void qdepthwise_channels(void *argument, int64_t begin, int64_t end) {
  const conv_job *job = (const conv_job *)argument;
  const quantc_conv_shape *s = job->shape;
  int64_t multiplier = s->filters / s->channels;
  int64_t pixels = s->out_h * s->out_w;
  /* The padded plane: every tap of every output inside it, and 64 bytes
   * plus a vector's reach past the last one on each row, for the vector
   * kernel's loads. */
  int64_t rows =
      (s->out_h - 1) * s->stride_h + (s->kernel_h - 1) * s->dilation_h + 1;
  if (rows < s->pad_top + s->height)
    rows = s->pad_top + s->height;
  int64_t columns =
      (s->out_w - 1) * s->stride_w + (s->kernel_w - 1) * s->dilation_w + 1;
  if (columns < s->pad_left + s->width)
    columns = s->pad_left + s->width;
  int64_t row_bytes = (columns + 16 * s->stride_w + 96 + 63) / 64 * 64;
  uint8_t *plane = (uint8_t *)aligned_alloc(64, (size_t)(rows * row_bytes));
  if (!plane)
    abort();
  uint8_t flip = s->x_signed ? 0x80 : 0;
  uint8_t pad = (uint8_t)s->pad_value ^ flip;
  int64_t filter_bytes = s->kernel_h * quantc_ceil_div(s->kernel_w, 4) * 4;
  int vector = 0;
#if defined(__x86_64__)
  vector = quantc_isa_has_vnni(quantc_select_isa()) && s->dilation_w == 1 &&
           (s->stride_w == 1 || s->stride_w == 2) &&
           s->kernel_h * quantc_ceil_div(s->kernel_w, 4) <= 16;
  int vbmi = vector && quantc_isa_has_vbmi(quantc_select_isa());
  int avx2 =
      quantc_select_isa() == QUANTC_ISA_AVX2 && quantc_depthwise_fits_avx2(s);
#elif defined(__aarch64__)
  int isa = quantc_select_isa();
  int neon = (isa == QUANTC_ISA_NEON_DOTPROD || isa == QUANTC_ISA_NEON_I8MM) &&
             quantc_depthwise_fits_neon(s);
#endif
  /* The padding around the input stays; only the input's part of the
   * plane changes from channel to channel. */
  memset(plane, pad, (size_t)(rows * row_bytes));
  for (int64_t c = begin; c < end; ++c) {
    const uint8_t *in = job->x + c * job->x_channel_stride;
    for (int64_t r = 0; r < s->height; ++r) {
      uint8_t *out = plane + (s->pad_top + r) * row_bytes + s->pad_left;
      if (flip) {
        for (int64_t col = 0; col < s->width; ++col)
          out[col] = in[r * s->width + col] ^ flip;
      } else {
        memcpy(out, in + r * s->width, (size_t)s->width);
      }
    }
    for (int64_t f = c * multiplier; f < (c + 1) * multiplier; ++f) {
#if defined(__x86_64__)
      if (vector) {
        quantc_depthwise_plane_avx512vnni(
            s, plane, row_bytes, job->w_rows + f * filter_bytes, job->offset[f],
            job->y + f * pixels, vbmi);
        continue;
      }
      if (avx2) {
        quantc_depthwise_plane_avx2(s, plane, row_bytes,
                                    job->w_rows + f * filter_bytes,
                                    job->offset[f], job->y + f * pixels);
        continue;
      }
#elif defined(__aarch64__)
      if (neon) {
        quantc_depthwise_plane_neon(isa == QUANTC_ISA_NEON_I8MM, s, plane,
                                    row_bytes, job->w_rows + f * filter_bytes,
                                    job->offset[f], job->y + f * pixels);
        continue;
      }
#endif
      depthwise_plane_generic(s, plane, row_bytes,
                              job->w_rows + f * filter_bytes, job->offset[f],
                              job->y + f * pixels);
    }
  }
  (void)vector;
  free(plane);
}

QUANTC_RUNTIME void
quantc_qdepthwise_s8u8(const quantc_conv_shape *s, const int8_t *w_rows,
                       const int32_t *offset, const uint8_t *x,
                       int64_t x_channel_stride, int32_t *y) {
  int64_t pixels = s->out_h * s->out_w;
  if (pixels <= 0 || s->filters <= 0)
    return;
  conv_job job = {s, w_rows, offset, x, x_channel_stride, y};
  int64_t per_channel =
      (s->filters / s->channels) * pixels * s->kernel_h * s->kernel_w;
  quantc_parallel_for(s->channels, quantc_min_items(per_channel),
                      qdepthwise_channels, &job);
}

/*===- Entry points of compiled models ------------------------------------===//
//
// Compiled models call the kernels through MLIR's C interface
// (llvm.emit_c_interface): each buffer is a pointer to the descriptor of a
// one-dimensional memref, then the shape as 64-bit integers
// (lib/Conversion/QNNToLinalg/RuntimeKernels.cpp writes the calls).
//
//===----------------------------------------------------------------------===*/

/* A batch of NCHW convolutions in `groups` groups: x [batch, groups *
 * channels, height, width] u8 or s8, y [batch, groups * filters, out_h,
 * out_w] i32; w the rows of all groups' filters, offsets one per filter. */
QUANTC_RUNTIME void _mlir_ciface_quantc_conv2d_u8s8_i32(
    quantc_buffer *x, quantc_buffer *w, quantc_buffer *offsets,
    quantc_buffer *y, int64_t batch, int64_t groups, int64_t channels,
    int64_t height, int64_t width, int64_t filters, int64_t kernel_h,
    int64_t kernel_w, int64_t stride_h, int64_t stride_w, int64_t dilation_h,
    int64_t dilation_w, int64_t pad_top, int64_t pad_left, int64_t out_h,
    int64_t out_w, int64_t pad_value, int64_t x_signed) {
  quantc_conv_shape shape = {
      channels,         height,   width,    filters,    kernel_h,
      kernel_w,         stride_h, stride_w, dilation_h, dilation_w,
      pad_top,          pad_left, out_h,    out_w,      (int32_t)pad_value,
      (int32_t)x_signed};
  const uint8_t *input = QUANTC_DATA(const uint8_t, x);
  const int8_t *rows = QUANTC_DATA(const int8_t, w);
  const int32_t *offset = QUANTC_DATA(const int32_t, offsets);
  int32_t *output = QUANTC_DATA(int32_t, y);
  int64_t row_bytes = quantc_ceil_div(channels * kernel_h * kernel_w, 4) * 4;
  int64_t in_plane = height * width, out_plane = out_h * out_w;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t g = 0; g < groups; ++g)
      quantc_qconv_s8u8(
          &shape, rows + g * filters * row_bytes, offset + g * filters,
          input + (n * groups + g) * channels * in_plane, in_plane,
          output + (n * groups + g) * filters * out_plane);
}

/* a [m, k] u8 or s8 rows, b packed panels of [k, n], c [m, n] i32. */
QUANTC_RUNTIME void _mlir_ciface_quantc_matmul_u8s8_i32(
    quantc_buffer *a, quantc_buffer *b, quantc_buffer *offsets,
    quantc_buffer *c, int64_t m, int64_t n, int64_t k, int64_t a_signed) {
  quantc_qgemm_u8s8(m, n, k, QUANTC_DATA(const uint8_t, a), k, (int)a_signed,
                    QUANTC_DATA(const int8_t, b),
                    QUANTC_DATA(const int32_t, offsets),
                    QUANTC_DATA(int32_t, c), n);
}

/*===- Products of two activations ----------------------------------------===*/

QUANTC_RUNTIME void quantc_qbatch_matmul_8(int64_t batch, int64_t m, int64_t n,
                                           int64_t k, const uint8_t *a,
                                           int a_signed, int32_t a_zero,
                                           const uint8_t *b, int b_signed,
                                           int32_t b_zero, int32_t *c) {
  if (batch <= 0 || m <= 0 || n <= 0)
    return;
  if (k <= 0) { /* empty sums */
    memset(c, 0, (size_t)(batch * m * n) * sizeof(int32_t));
    return;
  }
  /* With a(t, i, k) = u - (a_signed ? 128 : 0) for the unsigned byte u the
   * kernel reads, and b = s + (b_signed ? 0 : 128) for the packed s8 byte
   * s: (a - a_zero) (b - b_zero) = (u - a0) (s - b0), summed
   * sum u s - a0 sum s - b0 sum u + k a0 b0. */
  uint32_t a0 = (uint32_t)a_zero + (a_signed ? 128u : 0u);
  uint32_t b0 = (uint32_t)b_zero - (b_signed ? 0u : 128u);
  uint8_t b_flip = b_signed ? 0 : 0x80, a_flip = a_signed ? 0x80 : 0;
  size_t panel_bytes = quantc_panels_size(k, n);
  int8_t *panels = (int8_t *)aligned_alloc(64, (panel_bytes + 63) / 64 * 64);
  uint32_t *offset = (uint32_t *)malloc((size_t)n * sizeof(uint32_t));
  if (!panels || !offset)
    abort();
  int64_t groups = quantc_ceil_div(k, 4);
  for (int64_t t = 0; t < batch; ++t) {
    const uint8_t *at = a + t * m * k, *bt = b + t * k * n;
    int32_t *ct = c + t * m * n;
    memset(panels, 0, panel_bytes);
    for (int64_t j = 0; j < n; ++j)
      offset[j] = 0;
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < n; ++j) {
        int8_t s = (int8_t)(bt[kk * n + j] ^ b_flip);
        panels[quantc_panel_byte(groups, 4, kk, j)] = s;
        offset[j] += (uint32_t)(int32_t)s;
      }
    for (int64_t j = 0; j < n; ++j)
      offset[j] = (uint32_t)k * a0 * b0 - a0 * offset[j];
    quantc_qgemm_u8s8(m, n, k, at, k, a_signed, panels, (const int32_t *)offset,
                      ct, n);
    if (b0 == 0)
      continue;
    for (int64_t i = 0; i < m; ++i) {
      uint32_t row = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        row += (uint8_t)(at[i * k + kk] ^ a_flip);
      for (int64_t j = 0; j < n; ++j)
        ct[i * n + j] = (int32_t)((uint32_t)ct[i * n + j] - b0 * row);
    }
  }
  free(panels);
  free(offset);
}

/* a [batch, m, k] and b [batch, k, n], each u8 or s8 with its zero point,
 * c [batch, m, n] i32: quantc_qbatch_matmul_8. */
QUANTC_RUNTIME void _mlir_ciface_quantc_batch_matmul_q8_i32(
    quantc_buffer *a, quantc_buffer *b, quantc_buffer *c, int64_t batch,
    int64_t m, int64_t n, int64_t k, int64_t a_zero, int64_t b_zero,
    int64_t a_signed, int64_t b_signed) {
  quantc_qbatch_matmul_8(batch, m, n, k, QUANTC_DATA(const uint8_t, a),
                         (int)a_signed, (int32_t)a_zero,
                         QUANTC_DATA(const uint8_t, b), (int)b_signed,
                         (int32_t)b_zero, QUANTC_DATA(int32_t, c));
}

/* a [m, k] u8 or s8 rows, b packed panels of [k, n], offsets and col_sum
 * (i32) and b_scale [n], a_scale and a_zero one per row (a_step 1) or one
 * (a_step 0), bias [n] if has_bias, c [m, n] binary32. */
QUANTC_RUNTIME void _mlir_ciface_quantc_matmul_u8s8_f32(
    quantc_buffer *a, quantc_buffer *b, quantc_buffer *offsets,
    quantc_buffer *col_sum, quantc_buffer *a_scale, quantc_buffer *a_zero,
    quantc_buffer *b_scale, quantc_buffer *bias, quantc_buffer *c, int64_t m,
    int64_t n, int64_t k, int64_t a_signed, int64_t a_step, int64_t has_bias) {
  quantc_qgemm_u8s8_f32(
      m, n, k, QUANTC_DATA(const uint8_t, a), k, (int)a_signed,
      QUANTC_DATA(const int8_t, b), QUANTC_DATA(const int32_t, offsets),
      QUANTC_DATA(const int32_t, col_sum), QUANTC_DATA(const float, a_scale),
      QUANTC_DATA(const int32_t, a_zero), a_step,
      QUANTC_DATA(const float, b_scale),
      has_bias ? QUANTC_DATA(const float, bias) : NULL, QUANTC_DATA(float, c),
      n);
}

/* A batch of depthwise convolutions: the arguments of
 * quantc_conv2d_u8s8_i32 with `groups` input channels of one channel each
 * and `filters` filters for each (the channel multiplier); w packed as
 * depthwise rows. */
QUANTC_RUNTIME void _mlir_ciface_quantc_depthwise2d_u8s8_i32(
    quantc_buffer *x, quantc_buffer *w, quantc_buffer *offsets,
    quantc_buffer *y, int64_t batch, int64_t groups, int64_t channels,
    int64_t height, int64_t width, int64_t filters, int64_t kernel_h,
    int64_t kernel_w, int64_t stride_h, int64_t stride_w, int64_t dilation_h,
    int64_t dilation_w, int64_t pad_top, int64_t pad_left, int64_t out_h,
    int64_t out_w, int64_t pad_value, int64_t x_signed) {
  (void)channels;
  quantc_conv_shape shape = {groups,
                             height,
                             width,
                             groups * filters,
                             kernel_h,
                             kernel_w,
                             stride_h,
                             stride_w,
                             dilation_h,
                             dilation_w,
                             pad_top,
                             pad_left,
                             out_h,
                             out_w,
                             (int32_t)pad_value,
                             (int32_t)x_signed};
  const uint8_t *input = QUANTC_DATA(const uint8_t, x);
  int32_t *output = QUANTC_DATA(int32_t, y);
  for (int64_t n = 0; n < batch; ++n)
    quantc_qdepthwise_s8u8(&shape, QUANTC_DATA(const int8_t, w),
                           QUANTC_DATA(const int32_t, offsets),
                           input + n * groups * height * width, height * width,
                           output + n * groups * filters * out_h * out_w);
}
