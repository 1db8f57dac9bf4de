// CKernelsISA: what instruction set the kernels were compiled for, and what the CPU reports.
//
// The ZTH_BUILT_FOR_* macros are evaluated by the Swift compiler's C importer in the importing
// module, with that module's target CPU (`-target-cpu native` for Kernels): they say which vector
// registers the Swift kernels were compiled to use, so `GEMMKernel.selected` is a compile-time
// choice. The functions read CPUID at run time, for the Benchmarks header (model and features).
#ifndef CKERNELSISA_H
#define CKERNELSISA_H

// The worker pool's atomics live beside the ISA macros: one small C target for all the C we need.
#include "ZTHAtomics.h"

#if defined(__AVX512F__)
#define ZTH_BUILT_FOR_AVX512F 1
#else
#define ZTH_BUILT_FOR_AVX512F 0
#endif

#if defined(__AVX2__) && defined(__FMA__)
#define ZTH_BUILT_FOR_AVX2_FMA 1
#else
#define ZTH_BUILT_FOR_AVX2_FMA 0
#endif

#if defined(__aarch64__) || defined(__arm64__)
#define ZTH_BUILT_FOR_ARM64 1
#else
#define ZTH_BUILT_FOR_ARM64 0
#endif

/// Asks the CPU to bring the cache line holding `p` into all cache levels ahead of a write (a
/// hint: never faults, no effect on results). Swift has no prefetch of its own; this inlines.
static inline void zth_prefetch_for_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// Asks the CPU to bring the cache line holding `p` into all cache levels ahead of a read.
static inline void zth_prefetch_for_read(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Asks the CPU to bring the cache line holding `p` into L2 (not yet L1) ahead of a read.
static inline void zth_prefetch_to_l2(const void *p) { __builtin_prefetch(p, 0, 2); }

/// Bits of `zth_cpu_features()`: what the CPU running the process supports (and the OS enables).
#define ZTH_CPU_SSE42 1
#define ZTH_CPU_AVX 2
#define ZTH_CPU_AVX2 4
#define ZTH_CPU_FMA 8
#define ZTH_CPU_AVX512F 16
#define ZTH_CPU_AVX512BW 32
#define ZTH_CPU_AVX512VL 64
#define ZTH_CPU_AVX512VNNI 128
#define ZTH_CPU_AVX512BF16 256
#define ZTH_CPU_F16C 512

/// The features of the running x86-64 CPU as `ZTH_CPU_*` bits (CPUID and XGETBV); 0 elsewhere.
unsigned zth_cpu_features(void);

/// Writes the CPU's brand string (CPUID 0x80000002–4, up to 48 characters, NUL-terminated) into
/// `out`, returning 1; returns 0 (and writes an empty string) when the CPU has none (not x86-64).
int zth_cpu_brand(char *out, int capacity);

/// CPUID family (with the extended family added), model (with the extended model) and stepping
/// of the running x86-64 CPU in `out[0...2]`; returns 0 elsewhere.
int zth_cpu_signature(int out[3]);

#endif
