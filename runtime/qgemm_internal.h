/*===- qgemm_internal.h - Shared by the kernel files of the runtime -----===//
//
// The instruction-set variants of the int8 kernels, called by the entry
// points of qgemm.c once the CPU is known to have their instructions.
//
//===---------------------------------------------------------------------===*/

#ifndef QUANTC_QGEMM_INTERNAL_H
#define QUANTC_QGEMM_INTERNAL_H

#include "quantc_kernels.h"
#include "quantc_threads.h"

#include <string.h>

/* Calls from the model's code bind within its own library. */
#define QUANTC_RUNTIME __attribute__((visibility("hidden")))

/* The instruction sets of the kernels, from the least capable up within
 * each architecture: isa.c picks the last one the CPU has. */
enum {
  QUANTC_ISA_UNKNOWN = -1,
  QUANTC_ISA_GENERIC,
  QUANTC_ISA_AVX2,
  QUANTC_ISA_AVX512VNNI,
  QUANTC_ISA_NEON_DOTPROD,
  QUANTC_ISA_NEON_I8MM,
  /* x86-64: AVX-512 VNNI with VBMI (vpermb for the depthwise taps), and
   * then AMX tiles for the matmul (every CPU with AMX has VBMI). */
  QUANTC_ISA_AVX512VBMI,
  QUANTC_ISA_AMX,
  QUANTC_ISA_COUNT
};

/* Whether `isa` runs the AVX-512 VNNI kernels (AMX adds its matmul to
 * them). */
static inline int quantc_isa_has_vnni(int isa) {
  return isa == QUANTC_ISA_AVX512VNNI || isa == QUANTC_ISA_AVX512VBMI ||
         isa == QUANTC_ISA_AMX;
}

/* Whether `isa` has AVX512-VBMI besides. */
static inline int quantc_isa_has_vbmi(int isa) {
  return isa == QUANTC_ISA_AVX512VBMI || isa == QUANTC_ISA_AMX;
}

/* The instruction set the kernels use, chosen on the first call from the
 * CPU and QUANTC_KERNELS (or set by quantc_kernels_use). */
QUANTC_RUNTIME int quantc_select_isa(void);

/* The `bytes` (1 to 4) bytes at p as a little-endian word, zero above:
 * a group of 4 k of a row, or the partial group at the end of K. */
static inline __attribute__((always_inline)) uint32_t
quantc_load_bytes(const uint8_t *p, int64_t bytes) {
  uint32_t v = 0;
  if (bytes == 4) {
    memcpy(&v, p, 4);
    return v;
  }
  for (int64_t i = 0; i < bytes; ++i)
    v |= (uint32_t)p[i] << (8 * i);
  return v;
}

/* Bytes a matrix-vector kernel reads ahead in each weight panel it
 * streams. A GEMV reads every weight once, at memory speed; a decoder's
 * panels are short (K of 768 is 6 KiB of a 4-bit panel), and the hardware
 * prefetcher, which starts over at each one, left a tenth of the
 * bandwidth unused. */
#define QUANTC_PANEL_PREFETCH 1024

/* Asks for the line QUANTC_PANEL_PREFETCH bytes past `at` in each of `nv`
 * panels `panel_bytes` apart. */
static inline __attribute__((always_inline)) void
quantc_prefetch_panels(int nv, const void *at, int64_t panel_bytes) {
  for (int v = 0; v < nv; ++v)
    __builtin_prefetch(
        (const char *)at + v * panel_bytes + QUANTC_PANEL_PREFETCH, 0, 3);
}

static inline int64_t quantc_ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

/* The byte of packed panels (quantc_kernels.h) that holds element (k, n):
 * `blocks` blocks of `per_block` k to a panel of 16 columns, 4 for 8-bit
 * panels (a byte each) and 8 for nibble panels (k and k + 4 share a byte). */
static inline int64_t quantc_panel_byte(int64_t blocks, int per_block,
                                        int64_t k, int64_t n) {
  return ((n / 16) * blocks + k / per_block) * 64 + (n % 16) * 4 + k % 4;
}

/* Multiply-adds a part of a job should have at least: waking a worker
 * costs a few microseconds. */
#define QUANTC_MIN_PART_WORK ((int64_t)1 << 20)

/* Weight bytes a part of a matrix-vector product (a few rows, bound by
 * memory, not by multiply-adds) reads at least: about ten microseconds of
 * one core's bandwidth. With QUANTC_MIN_PART_WORK instead, a decoder's
 * 768 x 2304 projection ran on one thread. */
#define QUANTC_MIN_PART_BYTES ((int64_t)128 << 10)

/* Items a part of a job takes at least: 1, or enough for
 * QUANTC_MIN_PART_WORK. */
static inline int64_t quantc_min_items(int64_t work_per_item) {
  return work_per_item > 0
             ? quantc_ceil_div(QUANTC_MIN_PART_WORK, work_per_item)
             : 1;
}

/* Fewer rows than this make a matrix-vector-like product, which streams
 * its weights once: it splits its columns by weight bytes. */
#define QUANTC_FEW_ROWS 8

/* Column blocks a part of a product of `m` rows takes at least, each
 * block `bytes_per_block` weight bytes: few rows stream the weights once,
 * and a part needs QUANTC_MIN_PART_BYTES of them; more rows compute, and
 * a part needs QUANTC_MIN_PART_WORK multiply-adds. */
static inline int64_t quantc_min_column_blocks(int64_t m, int64_t macs_per_row,
                                               int64_t bytes_per_block) {
  if (m < QUANTC_FEW_ROWS)
    return bytes_per_block > 0
               ? quantc_ceil_div(QUANTC_MIN_PART_BYTES, bytes_per_block)
               : 1;
  return quantc_min_items(m * macs_per_row);
}

/* Runs a product of `m` rows and N columns, `k` deep, on the threads:
 * over its ceil(N / 64) blocks of 64 columns (`columns`) when there are
 * enough for the threads, so that each part reads only its own weights,
 * or when it has few rows; else over its rows (`rows`). A block holds
 * `bytes_per_block` weight bytes. */
static inline void quantc_run_product(int64_t m, int64_t n, int64_t k,
                                      int64_t bytes_per_block,
                                      quantc_task columns, quantc_task rows,
                                      void *job) {
  int64_t blocks = quantc_ceil_div(n, 64);
  if (blocks >= 2 * quantc_get_threads() || m < QUANTC_FEW_ROWS)
    quantc_parallel_for(blocks,
                        quantc_min_column_blocks(m, 64 * k, bytes_per_block),
                        columns, job);
  else
    quantc_parallel_for(m, quantc_min_items(n * k), rows, job);
}

/* The memref descriptor of a one-dimensional buffer, as the compiled code
 * passes it to the C-interface entry points (_mlir_ciface_*). */
typedef struct {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
} quantc_buffer;

#define QUANTC_DATA(type, buffer) ((type *)(buffer)->aligned + (buffer)->offset)

/* The operands of quantc_qgemm_u8s4_f32 but M and N (see there); `scale`
 * has rows `ldscale` floats apart. */
typedef struct {
  int64_t k, group;
  const uint8_t *a;
  int64_t lda;
  const float *a_scale;
  const int32_t *a_zero;
  int64_t a_step;
  const uint8_t *b_panels;
  const float *scale;
  int64_t ldscale;
  const float *col_sum, *bias;
  float *c;
  int64_t ldc;
} quantc_s4_args;

/* Bytes of one panel (16 columns) of a product `k` deep whose weights have
 * `bits` bits (quantc_f32s4_args). */
static inline int64_t quantc_f32s4_panel_bytes(int bits, int64_t k) {
  return (bits == 8 ? quantc_ceil_div(k, 4) : quantc_ceil_div(k, 8)) * 64;
}

/* The operands of quantc_qgemm_f32s4_f32 but M and N (see there); `scale`
 * has rows `ldscale` floats apart. With `tables` a weight stands for an
 * entry of its column's table, and `scale` is null: one group, no scale.
 * 4 bits (quantc_qgemm_f32c4_f32): a nibble i is tables[16 n + i];
 * 8 bits (quantc_qgemm_f32c8_f32): an s8 q is
 * tables[n * table_step + q + 128], table_step 256 (a table per column) or
 * 0 (one for all). */
typedef struct {
  int64_t k, group;
  /* 4: nibble panels; 8: the 8-bit panels of quantc_qgemm_f32s8_f32. */
  int bits;
  const float *a;
  int64_t lda;
  const uint8_t *b_panels;
  const float *scale;
  int64_t ldscale;
  const float *tables;
  int64_t table_step;
  float *c;
  int64_t ldc;
} quantc_f32s4_args;

#if defined(__x86_64__)
/* quantc_qgemm_u8s8 and quantc_qpanels_s8u8_avx512vnni's job with AVX2
 * (16-bit products, exact). */
QUANTC_RUNTIME void quantc_qgemm_u8s8_avx2(int64_t m, int64_t n, int64_t k,
                                           const uint8_t *a, int64_t lda,
                                           int a_signed, const int8_t *b_panels,
                                           const int32_t *col_offset,
                                           int32_t *c, int64_t ldc);
/* Whether quantc_depthwise_plane_avx2 takes the convolution `s`: unit
 * dilation and a stride of 1 or 2 along the width, at most 32 pairs of
 * taps. */
QUANTC_RUNTIME int quantc_depthwise_fits_avx2(const quantc_conv_shape *s);
/* quantc_depthwise_plane_avx512vnni with AVX2 (see qgemm_avx2.c). */
QUANTC_RUNTIME void quantc_depthwise_plane_avx2(const quantc_conv_shape *s,
                                                const uint8_t *plane,
                                                int64_t row_bytes,
                                                const int8_t *w, int32_t offset,
                                                int32_t *y);
QUANTC_RUNTIME void
quantc_qpanels_s8u8_avx2(int64_t filters, int64_t panels, int64_t groups,
                         const int8_t *w_rows, const int32_t *row_offset,
                         const uint8_t *x_panels, int64_t columns, int32_t *y,
                         int64_t ldy);

/* quantc_qgemm_u8s4_f32 with AVX-512 VNNI, for m rows and n columns. */
QUANTC_RUNTIME void quantc_qgemm_u8s4_avx512vnni(const quantc_s4_args *p,
                                                 int64_t m, int64_t n);

/* quantc_qgemm_f32s4_f32 (and f32c4) with AVX2 and FMA, for m rows and n
 * columns; f32s8 for the 8-bit panels (quantc_qgemm_f32s8_f32, f32c8). */
QUANTC_RUNTIME void quantc_qgemm_f32s4_avx2(const quantc_f32s4_args *p,
                                            int64_t m, int64_t n);
QUANTC_RUNTIME void quantc_qgemm_f32s8_avx2(const quantc_f32s4_args *p,
                                            int64_t m, int64_t n);

/* The same with AVX-512. */
QUANTC_RUNTIME void quantc_qgemm_f32s4_avx512(const quantc_f32s4_args *p,
                                              int64_t m, int64_t n);
QUANTC_RUNTIME void quantc_qgemm_f32s8_avx512(const quantc_f32s4_args *p,
                                              int64_t m, int64_t n);

/* quantc_qgemm_u8s8 with AVX-512 VNNI (vpdpbusd). */
QUANTC_RUNTIME void quantc_qgemm_u8s8_avx512vnni(int64_t m, int64_t n,
                                                 int64_t k, const uint8_t *a,
                                                 int64_t lda, int a_signed,
                                                 const int8_t *b_panels,
                                                 const int32_t *col_offset,
                                                 int32_t *c, int64_t ldc);

/* Packs the 64 pixels from `first` of a 1x1, stride-1, unpadded
 * convolution's input (channels x_channel_stride bytes apart) as the four
 * im2col panels of `groups` groups at `dst`, with AVX-512. */
QUANTC_RUNTIME void quantc_pack_pointwise_avx512(const uint8_t *x,
                                                 int64_t x_channel_stride,
                                                 int64_t channels,
                                                 int64_t first, int64_t groups,
                                                 int x_signed, uint8_t *dst);

/* quantc_qgemm_u8s8 with AMX tiles (tdpbusd) where whole 16 x 16 tiles of
 * u8 activations fit, AVX-512 VNNI elsewhere. */
QUANTC_RUNTIME void quantc_qgemm_u8s8_amx(int64_t m, int64_t n, int64_t k,
                                          const uint8_t *a, int64_t lda,
                                          int a_signed, const int8_t *b_panels,
                                          const int32_t *col_offset, int32_t *c,
                                          int64_t ldc);

/* y[f * ldy + p] = row_offset[f] + sum_k W(f, k) X(k, p) for f < filters
 * and p < columns (at most 16 * panels): W s8 rows, X u8 panels of
 * `groups` groups. */
QUANTC_RUNTIME void
quantc_qpanels_s8u8_avx512vnni(int64_t filters, int64_t panels, int64_t groups,
                               const int8_t *w_rows, const int32_t *row_offset,
                               const uint8_t *x_panels, int64_t columns,
                               int32_t *y, int64_t ldy);

/* One filter of a depthwise convolution over a padded plane: `plane` holds
 * the input channel as u8 (flipped if s8), with `pad_top` rows and
 * `pad_left` columns of padding before the input, rows `row_bytes` apart
 * and readable 64 bytes past every output's last tap; `w` the filter's
 * depthwise rows; y the filter's output plane. `vbmi`: use AVX512-VBMI
 * (the instruction set has it). */
QUANTC_RUNTIME void quantc_depthwise_plane_avx512vnni(
    const quantc_conv_shape *shape, const uint8_t *plane, int64_t row_bytes,
    const int8_t *w, int32_t offset, int32_t *y, int vbmi);

#endif

#if defined(__aarch64__)
/* quantc_qgemm_u8s8 with sdot (dotprod) and with usmmla and usdot (i8mm). */
QUANTC_RUNTIME void
quantc_qgemm_u8s8_dotprod(int64_t m, int64_t n, int64_t k, const uint8_t *a,
                          int64_t lda, int a_signed, const int8_t *b_panels,
                          const int32_t *col_offset, int32_t *c, int64_t ldc);
QUANTC_RUNTIME void quantc_qgemm_u8s8_i8mm(int64_t m, int64_t n, int64_t k,
                                           const uint8_t *a, int64_t lda,
                                           int a_signed, const int8_t *b_panels,
                                           const int32_t *col_offset,
                                           int32_t *c, int64_t ldc);
/* Whether quantc_depthwise_plane_neon takes the convolution `s`: unit
 * dilation and a stride of 1 or 2 along the width, at most 16 groups of
 * 4 taps. */
QUANTC_RUNTIME int quantc_depthwise_fits_neon(const quantc_conv_shape *s);
/* quantc_depthwise_plane_avx512vnni with sdot, or usdot if `use_usdot`
 * (see qgemm_neon.c). */
QUANTC_RUNTIME void
quantc_depthwise_plane_neon(int use_usdot, const quantc_conv_shape *s,
                            const uint8_t *plane, int64_t row_bytes,
                            const int8_t *w, int32_t offset, int32_t *y);
/* The convolution's product of quantc_qpanels_s8u8_avx2 (filters' rows by
 * an im2col block of panels) with sdot, or with usdot if `use_usdot`
 * (i8mm). */
QUANTC_RUNTIME void
quantc_qpanels_s8u8_neon(int use_usdot, int64_t filters, int64_t panels,
                         int64_t groups, const int8_t *w_rows,
                         const int32_t *row_offset, const uint8_t *x_panels,
                         int64_t columns, int32_t *y, int64_t ldy);
#endif

#endif /* QUANTC_QGEMM_INTERNAL_H */
