/*===- concurrent_kernels.c - The int8 kernels from several threads -----===//
//
// Several threads, each with its own thread budget (as contexts of a model
// running at once have), call the runtime's matmul, convolution and
// depthwise kernels over and over on shapes large enough to be split over
// the worker pool. Every result must equal the one computed first on a
// single thread. Built with -fsanitize=thread, the run also reports any
// data race in the pool.
//
//===---------------------------------------------------------------------===*/

#include "quantc_kernels.h"
#include "quantc_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  M = 32,
  N = 512,
  K = 256,
  C = 32,
  H = 24,
  W = 40,
  CALLERS = 3,
  ROUNDS = 6
};

static uint8_t a[M * K], x[C * H * W];
static int8_t panels[(N / 16) * (K / 4) * 64], rows[C * C * 9],
    depthwise_rows[C * 3 * 4];
static int32_t offsets[N];
static quantc_conv_shape conv, depthwise;

#define RESULTS (M * N + 2 * C * H * W)

static void compute(int32_t *out) {
  quantc_qgemm_u8s8(M, N, K, a, K, 0, panels, offsets, out, N);
  quantc_qconv_s8u8(&conv, rows, offsets, x, H * W, out + M * N);
  quantc_qdepthwise_s8u8(&depthwise, depthwise_rows, offsets, x, H * W,
                         out + M * N + C * H * W);
}

static int32_t expected[RESULTS];

static void *caller(void *argument) {
  int index = (int)(intptr_t)argument;
  quantc_set_threads(index + 1);
  int32_t *out = malloc(sizeof(int32_t) * RESULTS);
  intptr_t failures = 0;
  for (int round = 0; round < ROUNDS; ++round) {
    memset(out, 0, sizeof(int32_t) * RESULTS);
    compute(out);
    failures += memcmp(out, expected, sizeof(int32_t) * RESULTS) != 0;
  }
  free(out);
  return (void *)failures;
}

int main(void) {
  unsigned seed = 7;
  for (size_t i = 0; i < sizeof a; ++i)
    a[i] = (uint8_t)(seed = seed * 1103515245u + 12345u) >> 3;
  for (size_t i = 0; i < sizeof x; ++i)
    x[i] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 5);
  int8_t weights[N * K];
  for (size_t i = 0; i < sizeof weights; ++i)
    weights[i] = (int8_t)((seed = seed * 1103515245u + 12345u) >> 7);
  quantc_pack_panels_s8(K, N, weights, N, 1, panels);
  quantc_pack_rows_s8(C, C * 9, weights, C * 9, 1, rows);
  quantc_pack_depthwise_s8(C, 3, 3, weights, depthwise_rows);
  for (int i = 0; i < N; ++i)
    offsets[i] = i - 100;
  conv = (quantc_conv_shape){C, H, W, C, 3, 3, 1, 1, 1, 1, 1, 1, H, W, 5, 0};
  depthwise = conv;

  quantc_set_threads(1);
  compute(expected);

  pthread_t threads[CALLERS];
  for (int i = 0; i < CALLERS; ++i)
    pthread_create(&threads[i], NULL, caller, (void *)(intptr_t)i);
  intptr_t failures = 0;
  for (int i = 0; i < CALLERS; ++i) {
    void *result;
    pthread_join(threads[i], &result);
    failures += (intptr_t)result;
  }
  printf("%s: %d callers, %d rounds, %s\n", quantc_kernels_isa(), CALLERS,
         ROUNDS, failures ? "RESULTS DIFFER" : "same results");
  return failures != 0;
}
