/*===- isa.c - The instruction set of the kernels -------------------------===//
//
// Chooses, once, the instruction set the kernels of qgemm*.c use: the most
// capable one this CPU has, unless QUANTC_KERNELS names another one it
// has (generic, avx2, avx512-vnni, avx512-vbmi, amx, neon-dotprod,
// neon-i8mm), or the one
// quantc_kernels_use sets. A file of its own, so that a model that calls
// no kernel links none for NAME_kernels().
//
//===---------------------------------------------------------------------===*/

#include "qgemm_internal.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

static int quantc_isa = QUANTC_ISA_UNKNOWN;

/* The names of the instruction sets, by QUANTC_ISA_* value. */
static const char *const isa_names[] = {
    "generic",   "avx2",        "avx512-vnni", "neon-dotprod",
    "neon-i8mm", "avx512-vbmi", "amx"};

#if defined(__x86_64__)
/* Whether this process may use the AMX tile data: Linux grants it on
 * request (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA), once
 * for all threads. */
static int amx_permitted(void) {
  static int permitted = -1;
  int known = __atomic_load_n(&permitted, __ATOMIC_RELAXED);
  if (known < 0) {
    known = syscall(SYS_arch_prctl, 0x1023 /* ARCH_REQ_XCOMP_PERM */,
                    18 /* XFEATURE_XTILEDATA */) == 0;
    __atomic_store_n(&permitted, known, __ATOMIC_RELAXED);
  }
  return known;
}
#endif

/* Whether this CPU (and this build) runs the kernels of `isa`. */
static int cpu_has(int isa) {
  switch (isa) {
  case QUANTC_ISA_GENERIC:
    return 1;
#if defined(__x86_64__)
  case QUANTC_ISA_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
  case QUANTC_ISA_AVX512VNNI:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
  case QUANTC_ISA_AVX512VBMI:
    return cpu_has(QUANTC_ISA_AVX512VNNI) &&
           __builtin_cpu_supports("avx512vbmi");
  case QUANTC_ISA_AMX:
    return cpu_has(QUANTC_ISA_AVX512VBMI) &&
           __builtin_cpu_supports("amx-tile") &&
           __builtin_cpu_supports("amx-int8") && amx_permitted();
#elif defined(__aarch64__)
  case QUANTC_ISA_NEON_DOTPROD:
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
  case QUANTC_ISA_NEON_I8MM:
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0 &&
           (getauxval(AT_HWCAP2) & HWCAP2_I8MM) != 0;
#endif
  default:
    return 0;
  }
}

QUANTC_RUNTIME int quantc_select_isa(void) {
  int isa = __atomic_load_n(&quantc_isa, __ATOMIC_RELAXED);
  if (isa != QUANTC_ISA_UNKNOWN)
    return isa;
  /* The set QUANTC_KERNELS names, if the CPU has it; else the most
   * capable set the CPU has. */
  isa = QUANTC_ISA_UNKNOWN;
  const char *forced = getenv("QUANTC_KERNELS");
  for (int wanted = 0; forced && wanted < QUANTC_ISA_COUNT; ++wanted)
    if (strcmp(forced, isa_names[wanted]) == 0 && cpu_has(wanted))
      isa = wanted;
  for (int candidate = QUANTC_ISA_COUNT - 1;
       isa == QUANTC_ISA_UNKNOWN && candidate >= 0; --candidate)
    if (cpu_has(candidate))
      isa = candidate;
  __atomic_store_n(&quantc_isa, isa, __ATOMIC_RELAXED);
  return isa;
}

QUANTC_RUNTIME const char *quantc_kernels_isa(void) {
  return isa_names[quantc_select_isa()];
}

QUANTC_RUNTIME int quantc_kernels_use(const char *isa) {
  for (int wanted = 0; wanted < QUANTC_ISA_COUNT; ++wanted)
    if (strcmp(isa, isa_names[wanted]) == 0) {
      if (!cpu_has(wanted))
        return 0;
      __atomic_store_n(&quantc_isa, wanted, __ATOMIC_RELAXED);
      return 1;
    }
  return 0;
}
