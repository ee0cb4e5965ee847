/*===- kernel_check.c - The runtime's int8 matmul on another machine ------===//
//
// A plain C check of quantc_qgemm_u8s8 (and the float epilogue of
// quantc_qgemm_u8s8_f32), of the convolution quantc_qconv_s8u8 and of the
// depthwise convolution quantc_qdepthwise_s8u8 on every
// instruction set of the runtime that the CPU has, against direct sums in
// 64-bit integers, over shapes with every kind of edge: one to nine rows
// or filters (whole and partial register tiles and pairs of rows), columns
// or pixels past a panel and a block, K not a multiple of 4 or 8, padding,
// strides and dilations, u8 and s8 activations. The AArch64 build runs under
qemu-aarch64
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

/* quantc_qconv_s8u8 on one image of `channels` x h x w against the direct
 * sums of its definition (pad_value outside the input). */
static int check_conv(int64_t channels, int64_t h, int64_t w, int64_t filters,
                      int64_t kernel, int64_t stride, int64_t pad,
                      int64_t dilation, int x_signed) {
  int64_t reach = (kernel - 1) * dilation + 1;
  int64_t out_h = (h + 2 * pad - reach) / stride + 1;
  int64_t out_w = (w + 2 * pad - reach) / stride + 1;
  if (out_h <= 0 || out_w <= 0)
    return 0;
  int64_t k = channels * kernel * kernel, pixels = out_h * out_w;
  int64_t stride_c = h * w + 5; /* a gap between channels */
  uint8_t *x = malloc((size_t)(channels * stride_c));
  int8_t *weights = malloc((size_t)(filters * k));
  int8_t *rows = malloc(quantc_rows_size(filters, k));
  int32_t *offset = malloc((size_t)filters * 4);
  int32_t *y = malloc((size_t)(filters * pixels) * 4);
  for (int64_t i = 0; i < channels * stride_c; ++i)
    x[i] = (uint8_t)next_random();
  for (int64_t i = 0; i < filters * k; ++i)
    weights[i] = (int8_t)next_random();
  for (int64_t f = 0; f < filters; ++f)
    offset[f] = (int32_t)(next_random() % 200001) - 100000;
  quantc_pack_rows_s8(filters, k, weights, k, 1, rows);
  int32_t pad_value = x_signed ? -5 : 133;
  quantc_conv_shape shape = {
      channels, h,        w,   filters, kernel, kernel, stride,    stride,
      dilation, dilation, pad, pad,     out_h,  out_w,  pad_value, x_signed};
  quantc_qconv_s8u8(&shape, rows, offset, x, stride_c, y);
  /* The byte a tap reads, as an unsigned value (s8 shifted by +128). */
  int failures = 0;
  for (int64_t f = 0; f < filters; ++f)
    for (int64_t p = 0; p < pixels; ++p) {
      int64_t want = offset[f];
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < kernel; ++i)
          for (int64_t j = 0; j < kernel; ++j) {
            int64_t ih = (p / out_w) * stride - pad + i * dilation;
            int64_t iw = (p % out_w) * stride - pad + j * dilation;
            int64_t v = ih >= 0 && ih < h && iw >= 0 && iw < w
                            ? (x_signed ? (int8_t)x[c * stride_c + ih * w + iw]
                                        : x[c * stride_c + ih * w + iw])
                            : pad_value;
            if (x_signed)
              v += 128;
            want += v * weights[f * k + (c * kernel + i) * kernel + j];
          }
      failures += y[f * pixels + p] != (int32_t)want;
    }
  if (failures)
    printf("  conv %lld x %lld x %lld, %lld filters of %lldx%lld, stride "
           "%lld, pad %lld, dilation %lld (%s): %d differences\n",
           (long long)channels, (long long)h, (long long)w, (long long)filters,
           (long long)kernel, (long long)kernel, (long long)stride,
           (long long)pad, (long long)dilation, x_signed ? "s8" : "u8",
           failures);
  free(x);
  free(weights);
  free(rows);
  free(offset);
  free(y);
  return failures;
}

/* quantc_qdepthwise_s8u8 (`multiplier` filters per channel, kernel_h x
 * kernel_w) against the direct sums of its definition. */
static int check_depthwise(int64_t channels, int64_t multiplier, int64_t h,
                           int64_t w, int64_t kernel_h, int64_t kernel_w,
                           int64_t stride, int64_t pad, int64_t dilation,
                           int x_signed) {
  int64_t out_h = (h + 2 * pad - (kernel_h - 1) * dilation - 1) / stride + 1;
  int64_t out_w = (w + 2 * pad - (kernel_w - 1) * dilation - 1) / stride + 1;
  if (out_h <= 0 || out_w <= 0)
    return 0;
  int64_t filters = channels * multiplier, taps = kernel_h * kernel_w;
  int64_t pixels = out_h * out_w, stride_c = h * w + 3;
  uint8_t *x = malloc((size_t)(channels * stride_c));
  int8_t *weights = malloc((size_t)(filters * taps));
  int8_t *rows = malloc(quantc_depthwise_size(filters, kernel_h, kernel_w));
  int32_t *offset = malloc((size_t)filters * 4);
  int32_t *y = malloc((size_t)(filters * pixels) * 4);
  for (int64_t i = 0; i < channels * stride_c; ++i)
    x[i] = (uint8_t)next_random();
  for (int64_t i = 0; i < filters * taps; ++i)
    weights[i] = (int8_t)next_random();
  for (int64_t f = 0; f < filters; ++f)
    offset[f] = (int32_t)(next_random() % 200001) - 100000;
  quantc_pack_depthwise_s8(filters, kernel_h, kernel_w, weights, rows);
  int32_t pad_value = x_signed ? 11 : 70;
  quantc_conv_shape shape = {channels, h,        w,         filters,
                             kernel_h, kernel_w, stride,    stride,
                             dilation, dilation, pad,       pad,
                             out_h,    out_w,    pad_value, x_signed};
  quantc_qdepthwise_s8u8(&shape, rows, offset, x, stride_c, y);
  int failures = 0;
  for (int64_t f = 0; f < filters; ++f)
    for (int64_t p = 0; p < pixels; ++p) {
      int64_t c = f / multiplier, want = offset[f];
      for (int64_t i = 0; i < kernel_h; ++i)
        for (int64_t j = 0; j < kernel_w; ++j) {
          int64_t ih = (p / out_w) * stride - pad + i * dilation;
          int64_t iw = (p % out_w) * stride - pad + j * dilation;
          int64_t v = ih >= 0 && ih < h && iw >= 0 && iw < w
                          ? (x_signed ? (int8_t)x[c * stride_c + ih * w + iw]
                                      : x[c * stride_c + ih * w + iw])
                          : pad_value;
          if (x_signed)
            v += 128;
          want += v * weights[f * taps + i * kernel_w + j];
        }
      failures += y[f * pixels + p] != (int32_t)want;
    }
  if (failures)
    printf("  depthwise %lld x %lld x %lld (x%lld), %lldx%lld, stride %lld, "
           "pad %lld, dilation %lld (%s): %d differences\n",
           (long long)channels, (long long)h, (long long)w,
           (long long)multiplier, (long long)kernel_h, (long long)kernel_w,
           (long long)stride, (long long)pad, (long long)dilation,
           x_signed ? "s8" : "u8", failures);
  free(x);
  free(weights);
  free(rows);
  free(offset);
  free(y);
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
    /* Convolutions: 1x1 (the pointwise packing), 3x3 and 5x5, pixels
     * within a panel, past it and past a block of 64, 1 to 9 filters. */
    int convs = 0;
    const int64_t sizes[][2] = {{3, 5}, {7, 9}, {9, 20}};
    const int64_t channel_counts[] = {1, 3, 16};
    const int64_t filter_counts[] = {1, 4, 5, 9};
    for (size_t is = 0; is < sizeof sizes / sizeof sizes[0]; ++is)
      for (size_t ic = 0; ic < 3; ++ic)
        for (size_t iff = 0; iff < 4; ++iff)
          for (int64_t kernel = 1; kernel <= 5; kernel += 2)
            for (int64_t stride = 1; stride <= 2; ++stride)
              for (int x_signed = 0; x_signed < 2; ++x_signed, ++convs) {
                int64_t pad = kernel == 1 ? 0 : kernel / 2 + (stride - 1);
                int64_t dilation = kernel == 3 && stride == 1 ? 2 : 1;
                failures += check_conv(channel_counts[ic], sizes[is][0],
                                       sizes[is][1], filter_counts[iff], kernel,
                                       stride, pad, dilation, x_signed) != 0;
              }
    /* Depthwise: 3x3, 5x5, 7x7 and 1x5, stride 1 and 2, a dilation (the
     * portable code), widths within, at and past 16 pixels. */
    int depthwise = 0;
    const int64_t widths[] = {5, 16, 37};
    const int64_t kernels[][2] = {{3, 3}, {5, 5}, {7, 7}, {1, 5}};
    for (size_t iw = 0; iw < 3; ++iw)
      for (size_t ik = 0; ik < 4; ++ik)
        for (int64_t stride = 1; stride <= 2; ++stride)
          for (int64_t dilation = 1; dilation <= 2; ++dilation)
            for (int x_signed = 0; x_signed < 2; ++x_signed, ++depthwise)
              failures +=
                  check_depthwise(3, 1 + (int64_t)(ik % 2), 9, widths[iw],
                                  kernels[ik][0], kernels[ik][1], stride,
                                  kernels[ik][1] / 2, dilation, x_signed) != 0;
    printf("%s: %d matmuls, %d convolutions, %d depthwise, %s\n", isas[t],
           count, convs, depthwise,
           failures ? "DIFFERENT from the direct sums"
                    : "identical to the direct sums");
    total += failures;
  }
  return total ? 1 : 0;
}
