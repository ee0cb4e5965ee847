/*===- qgemm_amx.c - The int8 matmul with AMX tiles -----------------------===//
//
// tdpbusd multiplies a tile of 16 rows of 64 unsigned bytes (A: 16 rows of
// the activations, 64 k each) by a tile of 16 rows of 16 x 4 signed bytes
// (B: 16 groups of 4 k for 16 columns, which is exactly 16 consecutive
// groups of one of the weight panels) and adds, for each of the 16 x 16
// outputs, the 64 products to an i32 lane: the same exact sums of four
// products as vpdpbusd, added with the same wrapping i32 additions, so the
// result equals the other kernels' bit for bit.
//
// Blocks of 32 x 32 outputs (four C tiles, two A tiles, two B tiles) cover
// the rows and columns that fill whole tiles; the AVX-512 VNNI kernel does
// the rows and columns past them, and signed activations (it flips them to
// unsigned in registers, which tile loads cannot). A block of rows of A is
// first copied into whole tiles (zero past K); the panels' last groups past
// K, when K is not a multiple of 64, into a zero-padded scratch tile.
//
// This file is compiled with -mamx-tile -mamx-int8; qgemm.c calls it only
// on CPUs that have AMX and a kernel that allows this process to use it
// (isa.c).
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

/* The tile configuration (palette 1): tiles 0 to 3 the C blocks, 4 and 5
 * the A rows, 6 and 7 the B panels; all 16 rows of 64 bytes. */
typedef struct {
  uint8_t palette;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} amx_config;

static void configure_tiles(void) {
  amx_config config;
  memset(&config, 0, sizeof config);
  config.palette = 1;
  for (int t = 0; t < 8; ++t) {
    config.colsb[t] = 64;
    config.rows[t] = 16;
  }
  _tile_loadconfig(&config);
}

/* The products of one 64-k step: tiles 4 and 5 times 6 and 7 into 0 to 3,
 * for `row_tiles` and `column_tiles` of 1 or 2. */
static inline void multiply(int row_tiles, int column_tiles) {
  _tile_dpbusd(0, 4, 6);
  if (column_tiles > 1)
    _tile_dpbusd(1, 4, 7);
  if (row_tiles > 1) {
    _tile_dpbusd(2, 5, 6);
    if (column_tiles > 1)
      _tile_dpbusd(3, 5, 7);
  }
}

/* One block: rows m0 to m0 + 16 * row_tiles (packed: ceil(K / 64) steps
 * of two 16 x 64 tiles, zero past K), columns n0 to n0 + 16 *
 * column_tiles, all of K. */
static void amx_block(int row_tiles, int column_tiles, int64_t m0, int64_t n0,
                      int64_t k, const uint8_t *packed, const int8_t *b_panels,
                      int64_t panel_bytes, const int32_t *col_offset,
                      int32_t *c, int64_t ldc) {
  /* C starts at the column offsets: every row of a tile loads the same 16
   * (a stride of 0). */
  _tile_loadd(0, col_offset + n0, 0);
  _tile_loadd(2, col_offset + n0, 0);
  if (column_tiles > 1) {
    _tile_loadd(1, col_offset + n0 + 16, 0);
    _tile_loadd(3, col_offset + n0 + 16, 0);
  }
  const int8_t *b0 = b_panels + (n0 / 16) * panel_bytes, *b1 = b0 + panel_bytes;
  int64_t full = k / 64 * 64;
  for (int64_t kk = 0; kk < full; kk += 64) {
    const uint8_t *step = packed + (kk / 64) * 2048;
    _tile_loadd(4, step, 64);
    if (row_tiles > 1)
      _tile_loadd(5, step + 1024, 64);
    _tile_loadd(6, b0 + kk * 16, 64);
    if (column_tiles > 1)
      _tile_loadd(7, b1 + kk * 16, 64);
    multiply(row_tiles, column_tiles);
  }
  if (full < k) {
    /* The last k: the panels' groups past K are zero in scratch (a tile
     * read from the panel itself would pass its end). */
    int8_t b_tail[2][16][64];
    int64_t groups = quantc_ceil_div(k - full, 4);
    for (int t = 0; t < column_tiles; ++t) {
      memcpy(b_tail[t], (t ? b1 : b0) + full * 16, (size_t)(groups * 64));
      memset(b_tail[t][groups], 0, (size_t)((16 - groups) * 64));
    }
    const uint8_t *step = packed + (full / 64) * 2048;
    _tile_loadd(4, step, 64);
    if (row_tiles > 1)
      _tile_loadd(5, step + 1024, 64);
    _tile_loadd(6, b_tail[0], 64);
    if (column_tiles > 1)
      _tile_loadd(7, b_tail[1], 64);
    multiply(row_tiles, column_tiles);
  }
  int32_t *c0 = c + m0 * ldc + n0;
  _tile_stored(0, c0, ldc * 4);
  if (column_tiles > 1)
    _tile_stored(1, c0 + 16, ldc * 4);
  if (row_tiles > 1) {
    _tile_stored(2, c0 + 16 * ldc, ldc * 4);
    if (column_tiles > 1)
      _tile_stored(3, c0 + 16 * ldc + 16, ldc * 4);
  }
}

/* Rows m0 to m0 + 16 * row_tiles of A as the tiles of amx_block. */
static void pack_rows(int row_tiles, int64_t m0, int64_t k, const uint8_t *a,
                      int64_t lda, uint8_t *packed) {
  for (int64_t kk = 0; kk < k; kk += 64) {
    int64_t bytes = k - kk < 64 ? k - kk : 64;
    for (int t = 0; t < row_tiles; ++t)
      for (int r = 0; r < 16; ++r) {
        uint8_t *dst = packed + (kk / 64) * 2048 + t * 1024 + r * 64;
        memcpy(dst, a + (m0 + 16 * t + r) * lda + kk, (size_t)bytes);
        if (bytes < 64)
          memset(dst + bytes, 0, (size_t)(64 - bytes));
      }
  }
}

QUANTC_RUNTIME void quantc_qgemm_u8s8_amx(int64_t m, int64_t n, int64_t k,
                                          const uint8_t *a, int64_t lda,
                                          int a_signed, const int8_t *b_panels,
                                          const int32_t *col_offset, int32_t *c,
                                          int64_t ldc) {
  int64_t rows = a_signed ? 0 : m / 16 * 16;
  int64_t columns = a_signed ? 0 : n / 16 * 16;
  int64_t panel_bytes = quantc_ceil_div(k, 4) * 64;
  if (rows > 0 && columns > 0 && k > 0) {
    configure_tiles();
    /* A block of rows is packed once (32 KiB at K = 1024, in the L1
     * cache) and meets every column block; the two panels of a column
     * block come from the L2 cache. */
    uint8_t *packed =
        (uint8_t *)aligned_alloc(64, (size_t)(quantc_ceil_div(k, 64) * 2048));
    if (!packed)
      abort();
    for (int64_t m0 = 0; m0 < rows; m0 += 32) {
      int row_tiles = rows - m0 >= 32 ? 2 : 1;
      pack_rows(row_tiles, m0, k, a, lda, packed);
      for (int64_t n0 = 0; n0 < columns; n0 += 32)
        amx_block(row_tiles, columns - n0 >= 32 ? 2 : 1, m0, n0, k, packed,
                  b_panels, panel_bytes, col_offset, c, ldc);
    }
    free(packed);
    _tile_release();
  } else {
    rows = columns = 0;
  }
  /* The columns past the whole tiles, for the rows of the blocks; then the
   * rows past them, for every column. */
  if (rows > 0 && columns < n)
    quantc_qgemm_u8s8_avx512vnni(rows, n - columns, k, a, lda, a_signed,
                                 b_panels + (columns / 16) * panel_bytes,
                                 col_offset + columns, c + columns, ldc);
  if (rows < m)
    quantc_qgemm_u8s8_avx512vnni(m - rows, n, k, a + rows * lda, lda, a_signed,
                                 b_panels, col_offset, c + rows * ldc, ldc);
}
