/* qsync — private serial N_Vector, compiled with the project's flags.
 *
 * For the small systems qsync integrates (2N reals, N = 4..640) the serial
 * N_Vector kernels dominate CVODE's cost, and NVECTOR_SERIAL's loops stay
 * scalar even at -O2 (13-44% more instructions per trajectory than these
 * simd kernels: docs/benchmarks.md, "Optimised SUNDIALS").  This is a
 * drop-in replacement for NVECTOR_SERIAL: the data is one contiguous
 * array of `length` reals
 * (N_VGetArrayPointer), every operation uses the same formulas and the
 * same order of floating-point operations as NVECTOR_SERIAL with its
 * default settings (fused operations off, i.e. SUNDIALS' generic
 * fallbacks), so trajectories are bitwise identical.
 *
 * The fused and vector-array operations are enabled by default; they
 * reproduce the generic fallbacks exactly (not NVECTOR_SERIAL's own fused
 * kernels, which e.g. evaluate c*(x+y) where the fallback evaluates
 * c*x + c*y), so enabling or disabling them does not change results.
 *
 * Vectors passed to one operation must be either the same vector or
 * non-overlapping arrays (as for every SUNDIALS vector).
 */
#ifndef QSYNC_NVECTOR_QS_IMPL_H
#define QSYNC_NVECTOR_QS_IMPL_H

#include <sundials/sundials_context.h>
#include <sundials/sundials_nvector.h>

/* New vector of `length` reals (uninitialized), owning its data; clones
 * (N_VClone, e.g. CVODE's and the nonlinear solver's work vectors) get
 * the same operations.  NULL on failure.  Free with N_VDestroy. */
N_Vector qs_nvector_new(sunindextype length, SUNContext ctx);

/* Attach (enable != 0) or detach the fused and vector-array operations
 * of v (affects v and vectors cloned from it afterwards).  Results are
 * the same either way; this exists for testing.  0 on success, -1 if v
 * is NULL. */
int qs_nvector_enable_fused_ops(N_Vector v, int enable);

#endif
