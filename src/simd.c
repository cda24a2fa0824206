/* Run-time choice of the vector kernels; see simd_impl.h. */
#include "simd_impl.h"

/* The one process-wide switch, written only by tests (simd_impl.h). */
static int force_portable;

int qs_simd_avx2(void)
{
#if QS_HAVE_AVX2_KERNELS
  return !force_portable && __builtin_cpu_supports("avx2");
#else
  return 0;
#endif
}

void qs_simd_force_portable(int on)
{
  force_portable = on != 0;
}
