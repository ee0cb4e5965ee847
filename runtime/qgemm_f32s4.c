/*===- qgemm_f32s4.c - Float activations times 4-bit weights -------------===//
//
// Weight-only quantization's products: binary32 activations times the
// group-wise 4-bit weights of nibble panels (quantc_kernels.h), or times
// 4-bit codebook weights, unpacked in registers, with the exact arithmetic
// quantc_kernels.h states for quantc_qgemm_f32s4_f32 and
// quantc_qgemm_f32c4_f32. The portable kernel, the split over threads and
// the entry point of compiled models; qgemm_f32s4_avx512.c and
// qgemm_f32s4_avx2.c have the AVX-512 and the AVX2 kernels.
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <math.h>

/* The weight element (k, n) of the job's panels stands for: q (4 or 8
 * bits), or with `tables` its column's entry; 0 past the panels' groups
 * (K padded to 8 is past them for 8 bits when ceil(K / 4) is odd). */
static inline float weight_value(const quantc_f32s4_args *p, int64_t k,
                                 int64_t n) {
  if (p->bits == 8) {
    int64_t groups = quantc_ceil_div(p->k, 4);
    if (k / 4 >= groups)
      return 0.0f;
    int8_t q = (int8_t)p->b_panels[quantc_panel_byte(groups, 4, k, n)];
    return p->tables ? p->tables[n * p->table_step + q + 128] : (float)q;
  }
  int64_t blocks = quantc_ceil_div(p->k, 8);
  uint8_t byte = p->b_panels[quantc_panel_byte(blocks, 8, k, n)];
  int nibble = k % 8 < 4 ? byte & 15 : byte >> 4;
  return p->tables ? p->tables[n * 16 + nibble] : (float)(nibble - 8);
}

static void f32s4_generic(const quantc_f32s4_args *p, int64_t m, int64_t n) {
  for (int64_t r = 0; r < m; ++r) {
    const float *a = p->a + r * p->lda;
    for (int64_t col = 0; col < n; ++col) {
      float t = 0.0f;
      for (int64_t k0 = 0, g = 0; k0 < p->k; k0 += p->group, ++g) {
        int64_t end = k0 + p->group < p->k ? k0 + p->group : p->k;
        int64_t padded = k0 + quantc_ceil_div(end - k0, 8) * 8;
        float part[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int64_t kk = k0; kk < padded; ++kk) {
          float av = kk < p->k ? a[kk] : 0.0f;
          part[kk % 4] = fmaf(av, weight_value(p, kk, col), part[kk % 4]);
        }
        float u = (part[0] + part[1]) + (part[2] + part[3]);
        t = p->scale ? fmaf(p->scale[g * p->ldscale + col], u, t) : u;
      }
      p->c[r * p->ldc + col] = t;
    }
  }
}

/* A product of m rows and n columns on this thread, with the kernel of the
 * CPU, for the nibble panels (4) or the 8-bit ones (8). Each width has its
 * own function, which only its entry points below name, so that a library
 * keeps the kernels of the widths it multiplies by. */
typedef void (*f32s4_range_fn)(const quantc_f32s4_args *, int64_t, int64_t);

/* Runs on the CPU's kernel: `avx512` or `avx2` (x86-64), else portable
 * code. */
static inline void f32s4_dispatch(const quantc_f32s4_args *p, int64_t m,
                                  int64_t n, f32s4_range_fn avx512,
                                  f32s4_range_fn avx2) {
#if defined(__x86_64__)
  int isa = quantc_select_isa();
  if (quantc_isa_has_vnni(isa)) {
    avx512(p, m, n);
    return;
  }
  if (isa == QUANTC_ISA_AVX2 && __builtin_cpu_supports("fma")) {
    avx2(p, m, n);
    return;
  }
#else
  (void)avx512;
  (void)avx2;
#endif
  f32s4_generic(p, m, n);
}

#if defined(__x86_64__)
#define F32S4_KERNELS(BITS)                                                    \
  quantc_qgemm_f32s##BITS##_avx512, quantc_qgemm_f32s##BITS##_avx2
#else
#define F32S4_KERNELS(BITS) NULL, NULL
#endif

static void f32s4_range4(const quantc_f32s4_args *p, int64_t m, int64_t n) {
  f32s4_dispatch(p, m, n, F32S4_KERNELS(4));
}

static void f32s4_range8(const quantc_f32s4_args *p, int64_t m, int64_t n) {
  f32s4_dispatch(p, m, n, F32S4_KERNELS(8));
}

typedef struct {
  quantc_f32s4_args args;
  int64_t m, n;
  f32s4_range_fn range;
} f32s4_job;

/* Columns [64 * begin, 64 * end). */
static void f32s4_columns(void *argument, int64_t begin, int64_t end) {
  const f32s4_job *j = (const f32s4_job *)argument;
  int64_t first = begin * 64, last = end * 64 < j->n ? end * 64 : j->n;
  quantc_f32s4_args p = j->args;
  p.b_panels += (first / 16) * quantc_f32s4_panel_bytes(p.bits, p.k);
  if (p.scale)
    p.scale += first;
  if (p.tables)
    p.tables += first * p.table_step;
  p.c += first;
  j->range(&p, j->m, last - first);
}

/* Rows [begin, end). */
static void f32s4_rows(void *argument, int64_t begin, int64_t end) {
  const f32s4_job *j = (const f32s4_job *)argument;
  quantc_f32s4_args p = j->args;
  p.a += begin * p.lda;
  p.c += begin * p.ldc;
  j->range(&p, end - begin, j->n);
}

/* Runs the product `p` of m rows and n columns on the threads, each part
 * with `range` (the width's); a block of 64 columns holds 8 * bits * K
 * weight bytes. */
static void run_f32s4(quantc_f32s4_args p, int64_t m, int64_t n,
                      f32s4_range_fn range) {
  if (m <= 0 || n <= 0)
    return;
  f32s4_job job = {p, m, n, range};
  quantc_run_product(m, n, p.k, 8 * p.bits * p.k, f32s4_columns, f32s4_rows,
                     &job);
}

QUANTC_RUNTIME void quantc_qgemm_f32s4_f32(int64_t m, int64_t n, int64_t k,
                                           int64_t group, const float *a,
                                           int64_t lda, const uint8_t *b_panels,
                                           const float *scale, float *c,
                                           int64_t ldc) {
  quantc_f32s4_args p = {k,     group, 4,    a, lda, b_panels,
                         scale, n,     NULL, 0, c,   ldc};
  run_f32s4(p, m, n, f32s4_range4);
}

QUANTC_RUNTIME void quantc_qgemm_f32s8_f32(int64_t m, int64_t n, int64_t k,
                                           int64_t group, const float *a,
                                           int64_t lda, const int8_t *b_panels,
                                           const float *scale, float *c,
                                           int64_t ldc) {
  quantc_f32s4_args p = {k,     group, 8,    a, lda, (const uint8_t *)b_panels,
                         scale, n,     NULL, 0, c,   ldc};
  run_f32s4(p, m, n, f32s4_range8);
}

QUANTC_RUNTIME void quantc_qgemm_f32c4_f32(int64_t m, int64_t n, int64_t k,
                                           const float *a, int64_t lda,
                                           const uint8_t *b_panels,
                                           const float *tables, float *c,
                                           int64_t ldc) {
  /* One group of all K, padded to 8. */
  quantc_f32s4_args p = {k,      quantc_ceil_div(k, 8) * 8,
                         4,      a,
                         lda,    b_panels,
                         NULL,   n,
                         tables, 16,
                         c,      ldc};
  run_f32s4(p, m, n, f32s4_range4);
}

QUANTC_RUNTIME void quantc_qgemm_f32c8_f32(int64_t m, int64_t n, int64_t k,
                                           const float *a, int64_t lda,
                                           const int8_t *b_panels,
                                           const float *tables, int per_column,
                                           float *c, int64_t ldc) {
  /* One group of all K, padded to 8. */
  quantc_f32s4_args p = {k,      quantc_ceil_div(k, 8) * 8, 8,    a,
                         lda,    (const uint8_t *)b_panels, NULL, n,
                         tables, per_column ? 256 : 0,      c,    ldc};
  run_f32s4(p, m, n, f32s4_range8);
}

/* The entry point of compiled models for quantc_qgemm_f32c8_f32: a [m, k]
 * binary32 rows, b 8-bit panels of [k, n] (index - 128), tables
 * [ceil(n / 16) * 16, 256] if per_column, else [256], c [m, n] binary32. */
QUANTC_RUNTIME void _mlir_ciface_quantc_matmul_f32c8_f32(
    quantc_buffer *a, quantc_buffer *b, quantc_buffer *tables, quantc_buffer *c,
    int64_t m, int64_t n, int64_t k, int64_t per_column) {
  quantc_qgemm_f32c8_f32(m, n, k, QUANTC_DATA(const float, a), k,
                         QUANTC_DATA(const int8_t, b),
                         QUANTC_DATA(const float, tables), (int)per_column,
                         QUANTC_DATA(float, c), n);
}

/* The entry point of compiled models for quantc_qgemm_f32s8_f32: a [m, k]
 * binary32 rows, b 8-bit panels of [k, n], scale [ceil(k / group), n], c
 * [m, n] binary32. */
QUANTC_RUNTIME void _mlir_ciface_quantc_matmul_f32s8_f32(
    quantc_buffer *a, quantc_buffer *b, quantc_buffer *scale, quantc_buffer *c,
    int64_t m, int64_t n, int64_t k, int64_t group) {
  quantc_qgemm_f32s8_f32(m, n, k, group, QUANTC_DATA(const float, a), k,
                         QUANTC_DATA(const int8_t, b),
                         QUANTC_DATA(const float, scale), QUANTC_DATA(float, c),
                         n);
}

/* The entry point of compiled models for quantc_qgemm_f32c4_f32: a [m, k]
 * binary32 rows, b nibble panels of [k, n], tables [ceil(n / 16) * 16, 16],
 * c [m, n] binary32. */
QUANTC_RUNTIME void
_mlir_ciface_quantc_matmul_f32c4_f32(quantc_buffer *a, quantc_buffer *b,
                                     quantc_buffer *tables, quantc_buffer *c,
                                     int64_t m, int64_t n, int64_t k) {
  quantc_qgemm_f32c4_f32(
      m, n, k, QUANTC_DATA(const float, a), k, QUANTC_DATA(const uint8_t, b),
      QUANTC_DATA(const float, tables), QUANTC_DATA(float, c), n);
}

/* The entry point of compiled models (see qgemm.c's): a [m, k] binary32
 * rows, b nibble panels of [k, n], scale [ceil(k / group), n], c [m, n]
 * binary32. */
QUANTC_RUNTIME void _mlir_ciface_quantc_matmul_f32s4_f32(
    quantc_buffer *a, quantc_buffer *b, quantc_buffer *scale, quantc_buffer *c,
    int64_t m, int64_t n, int64_t k, int64_t group) {
  quantc_qgemm_f32s4_f32(m, n, k, group, QUANTC_DATA(const float, a), k,
                         QUANTC_DATA(const uint8_t, b),
                         QUANTC_DATA(const float, scale), QUANTC_DATA(float, c),
                         n);
}
