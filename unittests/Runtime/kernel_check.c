/*===- kernel_check.c - The runtime's int8 matmul on another machine ------===//
//
// A plain C check of quantc_qgemm_u8s8 (and the float epilogue of
// quantc_qgemm_u8s8_f32) on every instruction set of the runtime that the
// CPU has, against direct sums in 64-bit integers, over shapes with every
// kind of edge: one to nine rows (whole and partial register tiles and
// pairs of rows), columns past a panel, K not a multiple of 4 or 8, u8 and
// s8 activations. The AArch64 build runs under qemu-aarch64
// (test/Runtime/aarch64-kernels.test), where the gtest suite does not.
// Prints one line per instruction set; exits 1 on any difference.
//
//===---------------------------------------------------------------------===*/

#include "quantc_kernels.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345u;

static uint32_t next_random(void) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

/* The differences between the kernel and the direct sums for one shape
 * (and its gap after each row of C, which must stay as it was). */
static int check_matmul(int64_t m, int64_t n, int64_t k, int a_signed) {
  int64_t lda = k + 3, ldc = n + 2;
  uint8_t *a = malloc((size_t)(m * lda));
  int8_t *w = malloc((size_t)(k * n));
  int8_t *panels = malloc(quantc_panels_size(k, n));
  int32_t *bias = malloc((size_t)n * 4), *offset = malloc((size_t)n * 4);
  int32_t *c = malloc((size_t)(m * ldc) * 4);
  for (int64_t i = 0; i < m * lda; ++i)
    a[i] = (uint8_t)next_random();
  for (int64_t i = 0; i < k * n; ++i)
    w[i] = (int8_t)next_random();
  int32_t zero = a_signed ? -7 : 131;
  for (int64_t j = 0; j < n; ++j) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < k; ++kk)
      sum += w[kk * n + j];
    bias[j] = (int32_t)(next_random() % 20001) - 10000;
    offset[j] =
        (int32_t)(bias[j] - (int64_t)(a_signed ? zero + 128 : zero) * sum);
  }
  quantc_pack_panels_s8(k, n, w, n, 1, panels);
  for (int64_t i = 0; i < m * ldc; ++i)
    c[i] = 0x5a5a5a5a;
  quantc_qgemm_u8s8(m, n, k, a, lda, a_signed, panels, offset, c, ldc);
  int failures = 0;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      int64_t want = bias[j];
      for (int64_t kk = 0; kk < k; ++kk) {
        int64_t x = a_signed ? (int8_t)a[i * lda + kk] : a[i * lda + kk];
        want += (x - zero) * w[kk * n + j];
      }
      failures += c[i * ldc + j] != (int32_t)want;
    }
    for (int64_t j = n; j < ldc; ++j)
      failures += c[i * ldc + j] != 0x5a5a5a5a;
  }
  if (failures)
    printf("  %lld x %lld x %lld (%s): %d differences\n", (long long)m,
           (long long)n, (long long)k, a_signed ? "s8" : "u8", failures);
  free(a);
  free(w);
  free(panels);
  free(bias);
  free(offset);
  free(c);
  return failures;
}

/* quantc_qgemm_u8s8_f32 against its steps, each rounded once: the
 * intermediates are volatile, so that no multiply and add fuse here
 * either. */
static int check_scaled(int64_t m, int64_t n, int64_t k) {
  uint8_t *a = malloc((size_t)(m * k));
  int8_t *w = malloc((size_t)(k * n));
  int8_t *panels = malloc(quantc_panels_size(k, n));
  int32_t *zeros = calloc((size_t)n, 4), *col_sum = malloc((size_t)n * 4);
  int32_t *a_zero = malloc((size_t)m * 4);
  float *a_scale = malloc((size_t)m * 4), *b_scale = malloc((size_t)n * 4);
  float *bias = malloc((size_t)n * 4), *c = malloc((size_t)(m * n) * 4);
  for (int64_t i = 0; i < m * k; ++i)
    a[i] = (uint8_t)next_random();
  for (int64_t i = 0; i < k * n; ++i)
    w[i] = (int8_t)next_random();
  for (int64_t i = 0; i < m; ++i) {
    a_zero[i] = (int32_t)(next_random() % 256);
    a_scale[i] = 0.01f + (float)(next_random() % 1000) * 1e-5f;
  }
  for (int64_t j = 0; j < n; ++j) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < k; ++kk)
      sum += w[kk * n + j];
    col_sum[j] = (int32_t)sum;
    b_scale[j] = 0.001f + (float)(next_random() % 1000) * 1e-6f;
    bias[j] = (float)((int32_t)(next_random() % 2001) - 1000) * 1e-3f;
  }
  quantc_pack_panels_s8(k, n, w, n, 1, panels);
  quantc_qgemm_u8s8_f32(m, n, k, a, k, 0, panels, zeros, col_sum, a_scale,
                        a_zero, 1, b_scale, bias, c, n);
  int failures = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t acc = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        acc += ((int64_t)a[i * k + kk] - a_zero[i]) * w[kk * n + j];
      volatile float multiplier = a_scale[i] * b_scale[j];
      volatile float product = (float)(int32_t)acc * multiplier;
      volatile float want = product + bias[j];
      failures += memcmp(&c[i * n + j], (const void *)&want, 4) != 0;
    }
  if (failures)
    printf("  float result %lld x %lld x %lld: %d differences\n", (long long)m,
           (long long)n, (long long)k, failures);
  free(a);
  free(w);
  free(panels);
  free(zeros);
  free(col_sum);
  free(a_zero);
  free(a_scale);
  free(b_scale);
  free(bias);
  free(c);
  return failures;
}

int main(void) {
  const char *isas[] = {"generic", "avx2",         "avx512-vnni",
                        "amx",     "neon-dotprod", "neon-i8mm"};
  const int64_t ns[] = {1, 15, 16, 17, 40};
  const int64_t ks[] = {1, 3, 4, 7, 8, 9, 12, 17, 64, 67};
  int total = 0;
  for (size_t t = 0; t < sizeof isas / sizeof isas[0]; ++t) {
    if (!quantc_kernels_use(isas[t]))
      continue;
    int failures = 0, count = 0;
    for (int64_t m = 1; m <= 9; ++m)
      for (size_t in = 0; in < sizeof ns / sizeof ns[0]; ++in)
        for (size_t ik = 0; ik < sizeof ks / sizeof ks[0]; ++ik)
          for (int a_signed = 0; a_signed < 2; ++a_signed, ++count)
            failures += check_matmul(m, ns[in], ks[ik], a_signed) != 0;
    failures += check_scaled(1, 70, 38) != 0;
    failures += check_scaled(5, 33, 64) != 0;
    count += 2;
    printf("%s: %d matmuls, %s\n", isas[t], count,
           failures ? "DIFFERENT from the direct sums"
                    : "identical to the direct sums");
    total += failures;
  }
  return total ? 1 : 0;
}
