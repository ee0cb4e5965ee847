/*===- threads.c - The runtime's worker threads
----------------------------===//
//
// One pool of worker threads per compiled library, started on first use and
// joined when the library is unloaded. A kernel splits its work into parts
// (quantc_parallel_for); the calling thread and the workers take parts until
// none is left, and the call returns when every part is done. Which thread
// runs a part never changes what the part computes, so results are the same
// for every thread count.
//
// The number of threads a run may use is per calling thread: the model's
// glue sets it from its context before each run (quantc_set_threads). One
// job runs on the pool at a time; a kernel that finds the pool busy (another
// context running on another thread) does all its parts itself.
//
//===---------------------------------------------------------------------===*/

#include "quantc_threads.h"

#include <pthread.h>
#include <unistd.h>

#define QUANTC_RUNTIME __attribute__((visibility("hidden")))
#define QUANTC_MAX_WORKERS 63
/* Pauses a thread spins through, waiting for work or for the other parts,
 * before it sleeps: some tens of microseconds. */
#define QUANTC_SPIN 20000

static inline void quantc_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static __thread int quantc_thread_budget;

QUANTC_RUNTIME void quantc_set_threads(int threads) {
  quantc_thread_budget = threads > 0 ? threads : 0;
}

/* The online cores, read once: glibc's sysconf reads a sysfs file on every
 * call, which costs more than a small kernel. */
static int quantc_online_cores(void) {
  static int cores;
  int known = __atomic_load_n(&cores, __ATOMIC_RELAXED);
  if (known > 0)
    return known;
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  known = online > 0 ? (int)online : 1;
  __atomic_store_n(&cores, known, __ATOMIC_RELAXED);
  return known;
}

QUANTC_RUNTIME int quantc_get_threads(void) {
  int threads = quantc_thread_budget;
  if (threads <= 0)
    threads = quantc_online_cores();
  return threads > QUANTC_MAX_WORKERS + 1 ? QUANTC_MAX_WORKERS + 1 : threads;
}

static struct {
  pthread_mutex_t lock;
  pthread_cond_t wake, finished;
  pthread_t workers[QUANTC_MAX_WORKERS];
  int started;
  int stopping;
  /* The job: `parts` parts of `count` items, handed out in order. */
  unsigned generation;
  quantc_task task;
  void *argument;
  int64_t count;
  int parts, next, pending;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .wake = PTHREAD_COND_INITIALIZER,
          .finished = PTHREAD_COND_INITIALIZER};

/* Held by the thread whose job is on the pool. */
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER;

/* Takes and runs parts of the current job until none is left; called and
 * returns with pool.lock held. */
static void run_parts(void) {
  while (pool.next < pool.parts) {
    int part = pool.next++;
    quantc_task task = pool.task;
    void *argument = pool.argument;
    int64_t begin = pool.count * part / pool.parts;
    int64_t end = pool.count * (part + 1) / pool.parts;
    pthread_mutex_unlock(&pool.lock);
    task(argument, begin, end);
    pthread_mutex_lock(&pool.lock);
    if (__atomic_sub_fetch(&pool.pending, 1, __ATOMIC_RELEASE) == 0)
      pthread_cond_broadcast(&pool.finished);
  }
}

static void *worker_main(void *unused) {
  (void)unused;
  pthread_mutex_lock(&pool.lock);
  unsigned seen = pool.generation;
  for (;;) {
    /* Kernels come in quick succession: watch for the next job for a
     * while before sleeping, since waking a sleeping thread costs more
     * than most parts take. */
    pthread_mutex_unlock(&pool.lock);
    for (int spin = 0;
         spin < QUANTC_SPIN &&
         __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE) == seen &&
         !__atomic_load_n(&pool.stopping, __ATOMIC_ACQUIRE);
         ++spin)
      quantc_pause();
    pthread_mutex_lock(&pool.lock);
    while (pool.generation == seen && !pool.stopping)
      pthread_cond_wait(&pool.wake, &pool.lock);
    if (pool.stopping)
      break;
    seen = pool.generation;
    run_parts();
  }
  pthread_mutex_unlock(&pool.lock);
  return NULL;
}

QUANTC_RUNTIME void quantc_parallel_for(int64_t count, int64_t min_per_part,
                                        quantc_task task, void *argument) {
  if (count <= 0)
    return;
  int64_t parts = quantc_get_threads();
  if (min_per_part > 0 && parts > count / min_per_part)
    parts = count / min_per_part;
  if (parts > count)
    parts = count;
  if (parts <= 1 || pthread_mutex_trylock(&pool_owner) != 0) {
    task(argument, 0, count);
    return;
  }
  pthread_mutex_lock(&pool.lock);
  while (pool.started < parts - 1 &&
         pthread_create(&pool.workers[pool.started], NULL, worker_main, NULL) ==
             0)
    ++pool.started;
  pool.task = task;
  pool.argument = argument;
  pool.count = count;
  pool.parts = (int)parts;
  pool.next = 0;
  __atomic_store_n(&pool.pending, (int)parts, __ATOMIC_RELEASE);
  __atomic_add_fetch(&pool.generation, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool.wake);
  run_parts();
  /* The other parts are running: wait for them, spinning first. */
  pthread_mutex_unlock(&pool.lock);
  for (int spin = 0;
       spin < QUANTC_SPIN && __atomic_load_n(&pool.pending, __ATOMIC_ACQUIRE);
       ++spin)
    quantc_pause();
  pthread_mutex_lock(&pool.lock);
  while (pool.pending > 0)
    pthread_cond_wait(&pool.finished, &pool.lock);
  pthread_mutex_unlock(&pool.lock);
  pthread_mutex_unlock(&pool_owner);
}

/* Workers must not outlive the library's code. */
__attribute__((destructor)) static void quantc_threads_stop(void) {
  pthread_mutex_lock(&pool.lock);
  __atomic_store_n(&pool.stopping, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool.wake);
  int started = pool.started;
  pthread_mutex_unlock(&pool.lock);
  for (int i = 0; i < started; ++i)
    pthread_join(pool.workers[i], NULL);
}
