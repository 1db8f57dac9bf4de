// Run-time CPU identification for CKernelsISA.h (x86-64 only; other CPUs report nothing).
#include "CKernelsISA.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long zth_xgetbv0(void) {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

unsigned zth_cpu_features(void) {
  unsigned a, b, c, d, out = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  if (c & bit_SSE4_2) out |= ZTH_CPU_SSE42;
  int osxsave = (c & bit_OSXSAVE) != 0;
  unsigned long long xcr0 = osxsave ? zth_xgetbv0() : 0;
  int ymm = (xcr0 & 0x6) == 0x6;           // SSE and AVX state saved by the OS
  int zmm = ymm && (xcr0 & 0xe0) == 0xe0;  // opmask and both zmm halves saved
  if (ymm && (c & bit_AVX)) out |= ZTH_CPU_AVX;
  if (ymm && (c & bit_FMA)) out |= ZTH_CPU_FMA;
  if (ymm && (c & bit_F16C)) out |= ZTH_CPU_F16C;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    if (ymm && (b & bit_AVX2)) out |= ZTH_CPU_AVX2;
    if (zmm && (b & bit_AVX512F)) out |= ZTH_CPU_AVX512F;
    if (zmm && (b & bit_AVX512BW)) out |= ZTH_CPU_AVX512BW;
    if (zmm && (b & bit_AVX512VL)) out |= ZTH_CPU_AVX512VL;
    if (zmm && (c & (1u << 11))) out |= ZTH_CPU_AVX512VNNI;
    if (zmm && __get_cpuid_count(7, 1, &a, &b, &c, &d) && (a & (1u << 5))) out |= ZTH_CPU_AVX512BF16;
  }
  return out;
}

int zth_cpu_brand(char *out, int capacity) {
  if (capacity <= 0) return 0;
  out[0] = 0;
  unsigned regs[12];
  if (__get_cpuid_max(0x80000000, 0) < 0x80000004) return 0;
  for (unsigned i = 0; i < 3; i++) {
    __get_cpuid(0x80000002 + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
  }
  char text[49];
  memcpy(text, regs, 48);
  text[48] = 0;
  const char *start = text;
  while (*start == ' ') start++;
  size_t length = strlen(start);
  while (length > 0 && start[length - 1] == ' ') length--;
  if ((int)length >= capacity) length = (size_t)capacity - 1;
  memcpy(out, start, length);
  out[length] = 0;
  return 1;
}

int zth_cpu_signature(int out[3]) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int family = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
  if (family == 0xf) family += (a >> 20) & 0xff;
  if (family == 0x6 || family >= 0xf) model += ((a >> 16) & 0xf) << 4;
  out[0] = family; out[1] = model; out[2] = a & 0xf;
  return 1;
}

#else

unsigned zth_cpu_features(void) { return 0; }
int zth_cpu_brand(char *out, int capacity) {
  if (capacity > 0) out[0] = 0;
  return 0;
}
int zth_cpu_signature(int out[3]) {
  out[0] = out[1] = out[2] = 0;
  return 0;
}

#endif
