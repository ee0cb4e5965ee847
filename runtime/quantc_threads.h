/*===- quantc_threads.h - The runtime's worker threads ------------------===//
//
// Splits a kernel's work over the threads a run may use (runtime/threads.c).
//
//===---------------------------------------------------------------------===*/

#ifndef QUANTC_THREADS_H
#define QUANTC_THREADS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sets how many threads the runs of the calling thread may use: 0 for one
 * a core. Compiled models call it from their context before each run. */
void quantc_set_threads(int threads);

/* The threads the calling thread's runs may use (at least 1). */
int quantc_get_threads(void);

/* Part of a job: the items [begin, end). */
typedef void (*quantc_task)(void *argument, int64_t begin, int64_t end);

/* Runs task(argument, begin, end) over contiguous parts of [0, count) on
 * up to quantc_get_threads() threads, the caller's included, each part at
 * least `min_per_part` items (0: no minimum), and returns when every part
 * is done. */
void quantc_parallel_for(int64_t count, int64_t min_per_part, quantc_task task,
                         void *argument);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_THREADS_H */
