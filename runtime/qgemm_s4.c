/*===- qgemm_s4.c - Activations times 4-bit group-wise weights -----------===//
//
// Packing into nibble panels, the portable kernel, the split over threads
// and the entry point of compiled models for quantc_qgemm_u8s4_f32. See
// quantc_kernels.h for the layout and the exact arithmetic.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"
#include "quantc_threads.h"

#include <math.h>
#include <string.h>

QUANTC_RUNTIME size_t quantc_panels_s4_size(int64_t k, int64_t n) {
  return (size_t)(quantc_ceil_div(n, 16) * quantc_ceil_div(k, 8) * 64);
}

QUANTC_RUNTIME void quantc_pack_panels_s4(int64_t k, int64_t n,
                                          const int8_t *src, int64_t stride_k,
                                          int64_t stride_n, uint8_t *dst) {
  int64_t blocks = quantc_ceil_div(k, 8);
  /* q = 0 everywhere first: both nibbles 8. */
  memset(dst, 0x88, quantc_panels_s4_size(k, n));
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      uint8_t *byte = dst + quantc_panel_byte(blocks, 8, kk, nn);
      uint8_t nibble = (uint8_t)(src[kk * stride_k + nn * stride_n] + 8) & 15;
      *byte = kk % 8 < 4 ? (uint8_t)((*byte & 0xF0) | nibble)
                         : (uint8_t)((*byte & 0x0F) | (nibble << 4));
    }
}

/* The value q of element (k, n) of nibble panels with `blocks` blocks. */
static inline int32_t nibble_at(const uint8_t *panels, int64_t blocks,
                                int64_t k, int64_t n) {
  uint8_t byte = panels[quantc_panel_byte(blocks, 8, k, n)];
  return (int32_t)(k % 8 < 4 ? byte & 15 : byte >> 4) - 8;
}

static void qgemm_s4_generic(const quantc_s4_args *p, int64_t m, int64_t n) {
  int64_t blocks = quantc_ceil_div(p->k, 8);
  for (int64_t r = 0; r < m; ++r) {
    const uint8_t *a = p->a + r * p->lda;
    float a_scale = p->a_scale[r * p->a_step];
    float a_zero = (float)p->a_zero[r * p->a_step];
    for (int64_t col = 0; col < n; ++col) {
      float t = 0.0f;
      for (int64_t k0 = 0, g = 0; k0 < p->k; k0 += p->group, ++g) {
        int64_t end = k0 + p->group < p->k ? k0 + p->group : p->k;
        int32_t acc = 0;
        for (int64_t kk = k0; kk < end; ++kk)
          acc += (int32_t)a[kk] * nibble_at(p->b_panels, blocks, kk, col);
        t = fmaf(p->scale[g * p->ldscale + col], (float)acc, t);
      }
      float u = fmaf(-a_zero, p->col_sum[col], t);
      p->c[r * p->ldc + col] = fmaf(a_scale, u, p->bias ? p->bias[col] : 0.0f);
    }
  }
}

static void qgemm_s4_range(const quantc_s4_args *p, int64_t m, int64_t n) {
#if defined(__x86_64__)
  if (quantc_isa_has_vnni(quantc_select_isa())) {
    quantc_qgemm_u8s4_avx512vnni(p, m, n);
    return;
  }
#endif
  qgemm_s4_generic(p, m, n);
}

typedef struct {
  quantc_s4_args args;
  int64_t m, n;
} qgemm_s4_job;

/* Columns [64 * begin, 64 * end). */
static void qgemm_s4_columns(void *argument, int64_t begin, int64_t end) {
  const qgemm_s4_job *j = (const qgemm_s4_job *)argument;
  int64_t first = begin * 64, last = end * 64 < j->n ? end * 64 : j->n;
  quantc_s4_args p = j->args;
  p.b_panels += (first / 16) * quantc_ceil_div(p.k, 8) * 64;
  p.scale += first;
  p.col_sum += first;
  if (p.bias)
    p.bias += first;
  p.c += first;
  qgemm_s4_range(&p, j->m, last - first);
}

/* Rows [begin, end). */
static void qgemm_s4_rows(void *argument, int64_t begin, int64_t end) {
  const qgemm_s4_job *j = (const qgemm_s4_job *)argument;
  quantc_s4_args p = j->args;
  p.a += begin * p.lda;
  p.a_scale += begin * p.a_step;
  p.a_zero += begin * p.a_step;
  p.c += begin * p.ldc;
  qgemm_s4_range(&p, end - begin, j->n);
}

QUANTC_RUNTIME void quantc_qgemm_u8s4_f32(
    int64_t m, int64_t n, int64_t k, int64_t group, const uint8_t *a,
    int64_t lda, const float *a_scale, const int32_t *a_zero, int64_t a_step,
    const uint8_t *b_panels, const float *scale, const float *col_sum,
    const float *bias, float *c, int64_t ldc) {
  if (m <= 0 || n <= 0)
    return;
  qgemm_s4_job job = {{k, group, a, lda, a_scale, a_zero, a_step, b_panels,
                       scale, n, col_sum, bias, c, ldc},
                      m,
                      n};
  quantc_run_product(m, n, k, 32 * k, qgemm_s4_columns, qgemm_s4_rows, &job);
}

/* The entry point of compiled models (see qgemm.c's): a [m, k] u8 rows,
 * a_scale and a_zero one per row (a_step 1) or one (a_step 0), b nibble
 * panels of [k, n], scale [ceil(k / group), n], col_sum and bias [n], c
 * [m, n] binary32. */
QUANTC_RUNTIME void _mlir_ciface_quantc_matmul_u8s4_f32(
    quantc_buffer *a, quantc_buffer *a_scale, quantc_buffer *a_zero,
    quantc_buffer *b, quantc_buffer *scale, quantc_buffer *col_sum,
    quantc_buffer *bias, quantc_buffer *c, int64_t m, int64_t n, int64_t k,
    int64_t group, int64_t a_step) {
  quantc_qgemm_u8s4_f32(
      m, n, k, group, QUANTC_DATA(const uint8_t, a), k,
      QUANTC_DATA(const float, a_scale), QUANTC_DATA(const int32_t, a_zero),
      a_step, QUANTC_DATA(const uint8_t, b), QUANTC_DATA(const float, scale),
      QUANTC_DATA(const float, col_sum), QUANTC_DATA(const float, bias),
      QUANTC_DATA(float, c), n);
}
