// ZTHAtomics: the few atomic operations the kernels' worker pool needs (WorkerPool.swift), as
// inline wrappers over the compiler's __atomic builtins on plain 64-bit integers. Swift's own
// `Atomic` (module Synchronization) needs macOS 15; these compile with any Clang or GCC, on every
// platform the package builds for, and inline into the Swift caller.
#ifndef ZTH_ATOMICS_H
#define ZTH_ATOMICS_H

#include <stdint.h>

/// Loads `*p` with acquire ordering (later reads see what the writer wrote before its release).
static inline int64_t zth_atomic_load_acquire(const int64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

/// Loads `*p` with sequentially consistent ordering (the sleep/wake handshake needs it).
static inline int64_t zth_atomic_load_seq_cst(const int64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }

/// Stores `value` into `*p` with release ordering (earlier writes become visible first).
static inline void zth_atomic_store_release(int64_t *p, int64_t value) { __atomic_store_n(p, value, __ATOMIC_RELEASE); }

/// Stores `value` into `*p` with sequentially consistent ordering.
static inline void zth_atomic_store_seq_cst(int64_t *p, int64_t value) { __atomic_store_n(p, value, __ATOMIC_SEQ_CST); }

/// Adds `delta` to `*p` (acquire-release) and returns the value before the addition.
static inline int64_t zth_atomic_fetch_add(int64_t *p, int64_t delta) { return __atomic_fetch_add(p, delta, __ATOMIC_ACQ_REL); }

/// Adds `delta` to `*p` (sequentially consistent) and returns the value before the addition.
static inline int64_t zth_atomic_fetch_add_seq_cst(int64_t *p, int64_t delta) { return __atomic_fetch_add(p, delta, __ATOMIC_SEQ_CST); }

/// Replaces `*p` by `desired` if it holds `expected` (acquire-release); returns 1 if it did.
static inline int zth_atomic_compare_exchange(int64_t *p, int64_t expected, int64_t desired) {
  return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/// Tells the core this thread is spinning on a flag (x86 `pause`, arm64 `yield`): it frees
/// execution resources and avoids a pipeline flush when the flag changes.
static inline void zth_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm64__)
  __asm__ __volatile__("yield");
#endif
}

#endif
