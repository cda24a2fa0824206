/* qsync — private: which vector instructions the kernels use.
 *
 * The default build targets baseline x86-64 (SSE2); kernels that profit
 * from AVX2 (src/op_banded.c, src/nvector_qs.c) carry a second copy
 * compiled with __attribute__((target("avx2"))) and choose per call.  The
 * two copies perform the same floating-point operations in the same order
 * on every element (no FMA: the Makefile compiles them with
 * -ffp-contract=off and the target is AVX2 only), so the choice never
 * changes a result; it exists for speed and, forced, for testing both.
 */
#ifndef QSYNC_SIMD_IMPL_H
#define QSYNC_SIMD_IMPL_H

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define QS_HAVE_AVX2_KERNELS 1
#define QS_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define QS_HAVE_AVX2_KERNELS 0
#define QS_TARGET_AVX2
#endif

/* 1 when the AVX2 kernels run: the CPU has AVX2 and the portable path
 * is not forced.  Set once before main (a constructor in simd.c) and read
 * per kernel call, so inline. */
extern int qs_simd_use_avx2;
static inline int qs_simd_avx2(void)
{
  return qs_simd_use_avx2;
}

/* Tests only: force the portable kernels (on != 0) or go back to the run
 * time choice.  Not thread-safe: call while no kernel runs. */
void qs_simd_force_portable(int on);

#endif
