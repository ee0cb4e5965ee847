/*===- quantc_kernels.h - int8 kernels of the runtime ------------------===//
//
// The int8 matrix kernels that compiled models call for their quantized
// contractions, the packing of their operands, and the choice of the
// instruction set. The rules are in docs/numerics.md ("Integer kernels"):
// every product of a u8 (or s8) activation and an s8 weight is summed
// exactly in i32, so every variant gives the same result, bit for bit.
//
// Two layouts carry the operands:
//
// - Panels: a K x N matrix of bytes as ceil(N / 16) panels of 16 columns,
//   each ceil(K / 4) groups of 16 columns x 4 consecutive k (64 bytes: a
//   zmm register, two ymm, four NEON registers), zero-padded in k and n.
//   Element (k, n) is at byte
//     ((n / 16) * ceil(K / 4) + k / 4) * 64 + (n % 16) * 4 + k % 4.
// - Rows: an M x K matrix of bytes, each row zero-padded to a multiple of 4
//   bytes (ceil(K / 4) * 4 bytes a row).
//
// In a matmul (quantc_qgemm_u8s8) the weights are panels, packed once when
// the model is compiled, and the activations rows of the caller's own
// buffer. In a convolution (quantc_qconv_s8u8) the weights are rows and the
// activations are packed into panels as the kernel goes (im2col).
//
//===---------------------------------------------------------------------===*/

#ifndef QUANTC_KERNELS_H
#define QUANTC_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a K x N matrix packed as panels. */
size_t quantc_panels_size(int64_t k, int64_t n);

/* Packs the K x N s8 matrix whose element (k, n) is src[k * stride_k +
 * n * stride_n] into panels at `dst` (quantc_panels_size bytes). */
void quantc_pack_panels_s8(int64_t k, int64_t n, const int8_t *src,
                           int64_t stride_k, int64_t stride_n, int8_t *dst);

/* Bytes of an M x K matrix packed as rows. */
size_t quantc_rows_size(int64_t m, int64_t k);

/* Packs the M x K s8 matrix whose element (m, k) is src[m * stride_m +
 * k * stride_k] into rows at `dst` (quantc_rows_size bytes). */
void quantc_pack_rows_s8(int64_t m, int64_t k, const int8_t *src,
                         int64_t stride_m, int64_t stride_k, int8_t *dst);

/* C[m * ldc + n] = col_offset[n] + sum_k a(m, k) * B(k, n) for m < M,
 * n < N, in i32 (wrapping, as two's complement sums do). a(m, k) is the
 * byte A[m * lda + k], unsigned, or, if `a_signed`, signed and shifted by
 * +128 (so that it is unsigned too: the caller's col_offset then holds
 * -128 * sum_k B(k, n) more). B is K x N, packed as panels.
 *
 * A quantized matmul y = (a - za) * w + bias passes col_offset[n] =
 * bias[n] - za * sum_k w(k, n) (with za + 128 for s8 activations). */
void quantc_qgemm_u8s8(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                       int64_t lda, int a_signed, const int8_t *b_panels,
                       const int32_t *col_offset, int32_t *c, int64_t ldc);

/* quantc_qgemm_u8s8's sums made binary32, for dynamic quantization's
 * matmuls (qnn.scaled_matmul_integer):
 *
 *   acc = col_offset[n] + sum_k a(m, k) * B(k, n)
 *         - a_zero[m * a_step] * col_sum[n]                (i32, wrapping)
 *   C[m * ldc + n] = (float)acc * (a_scale[m * a_step] * b_scale[n])
 *                    (+ bias[n])
 *
 * each binary32 operation rounded once, in this order. a_zero may be NULL
 * (no zero point known only at run time: col_offset holds the constant
 * one's term), and bias NULL (none). a_step is 1 for one scale and zero
 * point per row, 0 for one in all. */
void quantc_qgemm_u8s8_f32(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                           int64_t lda, int a_signed, const int8_t *b_panels,
                           const int32_t *col_offset, const int32_t *col_sum,
                           const float *a_scale, const int32_t *a_zero,
                           int64_t a_step, const float *b_scale,
                           const float *bias, float *c, int64_t ldc);

/* Products of two activations (attention's), `batch` of them:
 *
 *   C[t, i, j] = sum_k (a(t, i, k) - a_zero) * (b(t, k, j) - b_zero)
 *
 * in i32 (wrapping, as two's complement sums do), with A [batch, m, k] and
 * B [batch, k, n] contiguous, each u8, or s8 if `a_signed` / `b_signed`,
 * and C [batch, m, n]. Each B is packed into panels as it comes (its bytes
 * as s8: b - 128 for u8), multiplied by quantc_qgemm_u8s8, and the zero
 * points' terms added through the column offsets and the rows' sums, so
 * the result is the direct sum's, bit for bit. */
void quantc_qbatch_matmul_8(int64_t batch, int64_t m, int64_t n, int64_t k,
                            const uint8_t *a, int a_signed, int32_t a_zero,
                            const uint8_t *b, int b_signed, int32_t b_zero,
                            int32_t *c);

/* A 2-D convolution of one image and one group, NCHW: */
typedef struct {
  int64_t channels;      /* input channels C (of the group) */
  int64_t height, width; /* input H, W (unpadded) */
  int64_t filters;       /* output channels M (of the group) */
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  int64_t pad_top, pad_left; /* the bottom and right pads follow from: */
  int64_t out_h, out_w;
  /* The activation's zero point, the value of padding, as stored. */
  int32_t pad_value;
  /* Whether the activation bytes are s8 (shifted by +128 as in qgemm). */
  int32_t x_signed;
} quantc_conv_shape;

/* y[f * out_h * out_w + p] = row_offset[f] + sum_k W(f, k) * x(k, p) in
 * i32, with k = (c * kernel_h + i) * kernel_w + j the taps of filter f
 * (ONNX's weight layout, the filter's row), and x(k, p) the input byte
 * that tap reads for output pixel p, or pad_value outside the input. x is
 * [C, H, W] with unit width stride, `x_channel_stride` bytes between
 * channels; y is [M, out_h * out_w] contiguous. W is M x (C * kh * kw),
 * packed as rows. Activations are u8 (or s8 shifted by +128, x_signed), W
 * s8; row_offset as col_offset of quantc_qgemm_u8s8, per filter. */
void quantc_qconv_s8u8(const quantc_conv_shape *shape, const int8_t *w_rows,
                       const int32_t *row_offset, const uint8_t *x,
                       int64_t x_channel_stride, int32_t *y);

/* Bytes of `filters` depthwise filters of kernel_h x kernel_w taps packed
 * as depthwise rows: each filter's kernel rows, each zero-padded to a
 * multiple of 4 taps. */
size_t quantc_depthwise_size(int64_t filters, int64_t kernel_h,
                             int64_t kernel_w);

/* Packs the depthwise filters src[f * kernel_h * kernel_w + i * kernel_w +
 * j] (ONNX's [M, 1, kh, kw]) as depthwise rows at `dst`. */
void quantc_pack_depthwise_s8(int64_t filters, int64_t kernel_h,
                              int64_t kernel_w, const int8_t *src, int8_t *dst);

/* A depthwise 2-D convolution of one image, NCHW: input channel c feeds
 * filters c * m to c * m + m - 1, m = shape->filters / shape->channels:
 *   y[f * out_h * out_w + p] = offset[f] + sum_ij W(f, i, j) * x(c, i, j, p)
 * with x as in quantc_qconv_s8u8 (pad_value outside the input, u8 or s8
 * shifted by +128). W is packed as depthwise rows. */
void quantc_qdepthwise_s8u8(const quantc_conv_shape *shape,
                            const int8_t *w_rows, const int32_t *offset,
                            const uint8_t *x, int64_t x_channel_stride,
                            int32_t *y);

/*===- 4-bit weights ---------------------------------------------------===//
//
// Nibble panels hold a K x N matrix of 4-bit values q in [-8, 7], stored as
// q + 8 in [0, 15]: ceil(N / 16) panels of 16 columns, each ceil(K / 8)
// blocks of 64 bytes. A block holds 8 consecutive k of the panel's 16
// columns: the low nibbles are the 4 k of its first half laid out as a
// group of the (8-bit) panels above, the high nibbles the 4 k of its
// second half. Element (k, n) is in byte
//   ((n / 16) * ceil(K / 8) + k / 8) * 64 + (n % 16) * 4 + k % 4,
// the low nibble if k % 8 < 4, the high one otherwise; the padding past K
// and N holds q = 0.
//
// The kernel unpacks the nibbles in registers (a mask and a shift, then
// -8) and multiplies them by u8 activations as the 8-bit kernels do. Its
// weights carry one binary32 scale per column and group of `group`
// consecutive k (group-wise quantization), and its result is binary32.
//
//===--------------------------------------------------------------------===*/

/* Bytes of a K x N matrix of 4-bit values packed as nibble panels. */
size_t quantc_panels_s4_size(int64_t k, int64_t n);

/* Packs the K x N matrix whose element (k, n) is src[k * stride_k +
 * n * stride_n], each in [-8, 7], into nibble panels at `dst`
 * (quantc_panels_s4_size bytes). */
void quantc_pack_panels_s4(int64_t k, int64_t n, const int8_t *src,
                           int64_t stride_k, int64_t stride_n, uint8_t *dst);

/* Quantized activations times group-wise 4-bit weights, in binary32:
 *
 *   acc_g(m, n) = sum over k of group g of A[m * lda + k] * q(k, n)   (i32)
 *   t = 0; t = fmaf(scale[g * n_total + n], (float)acc_g, t) for g = 0, 1, ...
 *   u = fmaf(-(float)a_zero[m], col_sum[n], t)
 *   C[m * ldc + n] = fmaf(a_scale[m], u, bias ? bias[n] : 0.0f)
 *
 * for m < M, n < N, with groups of `group` consecutive k (a multiple of 8;
 * the last may be shorter), A u8 rows of the caller, q nibble panels, and
 * `scale` ceil(K / group) rows of N binary32 scales. The activation's
 * scale and zero point are a_scale[m * a_step] and a_zero[m * a_step]:
 * a_step 1 for one per row (per token), 0 for one per tensor. col_sum[n]
 * is the column's sum_g scale(g, n) * sum over k of group g of q(k, n),
 * which the caller computes once with the weights. Every variant performs
 * exactly these operations in this order, so all agree bit for bit. */
void quantc_qgemm_u8s4_f32(int64_t m, int64_t n, int64_t k, int64_t group,
                           const uint8_t *a, int64_t lda, const float *a_scale,
                           const int32_t *a_zero, int64_t a_step,
                           const uint8_t *b_panels, const float *scale,
                           const float *col_sum, const float *bias, float *c,
                           int64_t ldc);

/* Binary32 activations times group-wise 4-bit weights (weight-only
 * quantization), in binary32:
 *
 *   for each group g of `group` consecutive k, padded with zeros to a
 *   multiple of 8 k (A past K reads as 0, q as 0):
 *     p_j = 0 (j = 0 to 3);
 *     p_(k % 4) = fmaf(A[m * lda + k], (float)q(k, n), p_(k % 4)), k in order
 *     u_g = (p_0 + p_1) + (p_2 + p_3)
 *   t = 0; t = fmaf(scale[g * N + n], u_g, t) for g = 0, 1, ...
 *   C[m * ldc + n] = t
 *
 * for m < M, n < N, with q the nibble panels' values and `group` a multiple
 * of 8 (the last group may be shorter). Every variant performs exactly
 * these operations in this order, so all agree bit for bit. */
void quantc_qgemm_f32s4_f32(int64_t m, int64_t n, int64_t k, int64_t group,
                            const float *a, int64_t lda,
                            const uint8_t *b_panels, const float *scale,
                            float *c, int64_t ldc);

/* Binary32 activations times group-wise 8-bit weights (weight-only int8):
 * the arithmetic of quantc_qgemm_f32s4_f32 with q the s8 values of
 * panels (quantc_pack_panels_s8); `group` a multiple of 8 (the last group
 * may be shorter), each group padded with zeros to a multiple of 8 k. */
void quantc_qgemm_f32s8_f32(int64_t m, int64_t n, int64_t k, int64_t group,
                            const float *a, int64_t lda, const int8_t *b_panels,
                            const float *scale, float *c, int64_t ldc);

/* Binary32 activations times weights from 4-bit codebooks (weight
 * sharing): the weight (k, n) is tables[n * 16 + i] for the index i in
 * [0, 15] held as the nibble panels' value q = i - 8 (pack them with
 * quantc_pack_panels_s4 from i - 8), each column's 16 entries in a row of
 * `tables`, which has ceil(N / 16) * 16 rows (those past N unread but
 * there). The arithmetic of quantc_qgemm_f32s4_f32 with that weight for
 * float(q), one group of all K padded to a multiple of 8, and no scale:
 *
 *   p_(k % 4) = fmaf(A[m * lda + k], w(k, n), p_(k % 4)), k in order
 *   C[m * ldc + n] = (p_0 + p_1) + (p_2 + p_3) */
void quantc_qgemm_f32c4_f32(int64_t m, int64_t n, int64_t k, const float *a,
                            int64_t lda, const uint8_t *b_panels,
                            const float *tables, float *c, int64_t ldc);

/* Binary32 activations times weights from 8-bit codebooks: the weight
 * (k, n) is tables[n * 256 + i] (`per_column`: a table per column, with
 * ceil(N / 16) * 16 rows, those past N unread but there) or tables[i] (one
 * table of 256 for all) for the index i in [0, 255], held in 8-bit panels
 * (quantc_pack_panels_s8) as q = i - 128. The arithmetic of
 * quantc_qgemm_f32c4_f32 with that weight, one group of all K padded to a
 * multiple of 8 (k past the panels' groups of 4 reads as 0). */
void quantc_qgemm_f32c8_f32(int64_t m, int64_t n, int64_t k, const float *a,
                            int64_t lda, const int8_t *b_panels,
                            const float *tables, int per_column, float *c,
                            int64_t ldc);

/* The instruction set the kernels use: "amx" (AMX tiles for the matmul,
 * AVX-512 VNNI with VBMI for the rest), "avx512-vbmi" (AVX-512 VNNI, and
 * vpermb for the depthwise convolution's taps), "avx512-vnni" or "avx2"
 * (x86-64;
 * with AVX2 the matmul, the convolution's panels and the depthwise
 * convolution),
 * "neon-dotprod" or "neon-i8mm" (AArch64), or
 * "generic". Set QUANTC_KERNELS to one of these names in the environment
 * to use that set instead, if the CPU has it (generic: the portable code). */
const char *quantc_kernels_isa(void);

/* Makes the kernels use `isa` (a name quantc_kernels_isa gives) from now on,
 * for tests and benchmarks that compare them. Returns 0, and changes
 * nothing, if this CPU or build lacks it. */
int quantc_kernels_use(const char *isa);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_KERNELS_H */
