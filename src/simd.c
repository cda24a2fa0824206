/* Run-time choice of the vector kernels; see simd_impl.h. */
#include "simd_impl.h"

/* The one process-wide switch: written before main and by tests only. */
int qs_simd_use_avx2;

static int cpu_has_avx2(void)
{
#if QS_HAVE_AVX2_KERNELS
  __builtin_cpu_init(); /* constructors may run before libgcc's own */
  return __builtin_cpu_supports("avx2");
#else
  return 0;
#endif
}

__attribute__((constructor)) static void choose_kernels(void)
{
  qs_simd_use_avx2 = cpu_has_avx2();
}

void qs_simd_force_portable(int on)
{
  qs_simd_use_avx2 = !on && cpu_has_avx2();
}
