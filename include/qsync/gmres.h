/* qsync — restarted GMRES(m) with matrix-free callbacks, shared by the
 * steady-state Krylov solver (lindblad.h, method krylov) and the periodic
 * steady state (periodic.h).
 *
 * Vectors are n complex numbers (for the solvers: N x N matrices, n = N^2)
 * with the REAL inner product <x, y> = Re(x^H y), i.e. GMRES on R^{2n}.
 * This is what maps on Hermitian matrices need: they are linear over the
 * reals only (L(i X) = i L(X) does not keep X Hermitian), and Re Tr(X^H Y)
 * is the Frobenius inner product of the real vector space of Hermitian
 * matrices.  Every vector operation is one BLAS call over the 2n reals
 * (ddot, daxpy, dnrm2; zdscal for scalings).
 *
 * Right preconditioning: the system A x = b is solved as
 * (A M^{-1}) z = r with x = x0 + M^{-1} z.  The operator callback applies
 * the preconditioned operator A M^{-1} itself, because a caller can often
 * apply it more cheaply and more accurately in one piece than as A after
 * M^{-1} (the Sylvester splitting: A M^{-1} = I - L1 L0^{-1}, where
 * L0 L0^{-1} = I is exact instead of rounded).  The preconditioner
 * callback maps the Krylov correction back, once per cycle.
 *
 * Restarts and the true residual: after every cycle the caller's residual
 * callback sees the corrected x, may project it (e.g. Hermitize and scale
 * to unit trace: the steady-state problems are homogeneous, L x = 0, with
 * the trace fixed separately), and computes the true residual r = b - A x
 * and its scalar measure res, which decides convergence (res <= tol).
 * Within a cycle the Givens recurrence estimates the residual norm; a
 * cycle ends early when that estimate falls to QS_GMRES_CYCLE_MARGIN *
 * tol * ||x|| (x at the start of the cycle), so that the true residual,
 * which differs from the estimate by rounding and by the projection, is
 * still below tol.  Residuals are relative to ||x|| (homogeneous problems
 * have no right-hand side to measure against).
 *
 * The Arnoldi basis is orthogonalized by modified Gram-Schmidt done twice
 * (the basis stays orthogonal to ~1e-15, needed for residuals of 1e-10
 * and below).  A cycle also ends on a breakdown (the new basis vector is
 * zero: the Krylov space is invariant and the cycle's solution exact).
 * In exact arithmetic GMRES solves a system whose matrix has d distinct
 * eigenvalues (diagonalizable) in at most d iterations.
 *
 * Memory: (restart + 2) vectors of n complex numbers, allocated once by
 * qs_gmres_create; nothing is allocated while solving.  The caller's
 * residual vector r is read only at the start of each cycle: the apply
 * and precond callbacks may use it as scratch (one N^2 matrix fewer for
 * the steady-state solver) until the residual callback rewrites it.
 *
 * Thread safety: a qs_gmres is used by one thread at a time; the
 * callbacks are called on the calling thread.
 */
#ifndef QSYNC_GMRES_H
#define QSYNC_GMRES_H

#include <complex.h>

#include "qsync/error.h"
#include "qsync/op.h"

/* Fraction of tol the in-cycle residual estimate must reach (see above). */
#define QS_GMRES_CYCLE_MARGIN 0.5

/* Stagnation (qs_gmres_options.stall_cycles): the true residual must fall
 * below this fraction of its value stall_cycles cycles earlier. */
#define QS_GMRES_STALL_FACTOR 0.5

/* w = A M^{-1} v (n complex numbers each; v and w do not alias).  A status
 * other than QS_OK stops the solve and is returned by qs_gmres_solve. */
typedef qs_status (*qs_gmres_apply_fn)(const double complex *v, double complex *w,
                                       void *data);

/* z <- M^{-1} z in place. */
typedef qs_status (*qs_gmres_precond_fn)(double complex *z, void *data);

/* After a cycle changed x: optionally project x (in place), then set
 * r = b - A x and *res = the relative residual that is compared with tol
 * (e.g. ||r|| / ||x||). */
typedef qs_status (*qs_gmres_residual_fn)(double complex *x, double complex *r, double *res,
                                          void *data);

/* Called after every iteration with the total iteration count and the
 * estimated residual |g_k| / ||x||. */
typedef void (*qs_gmres_progress_fn)(int iteration, double residual, void *data);

/* The problem: callbacks and the data passed to them. */
typedef struct {
  qs_gmres_apply_fn apply;       /* required */
  qs_gmres_precond_fn precond;   /* NULL: no preconditioner (M = I) */
  qs_gmres_residual_fn residual; /* required */
  void *data;                    /* passed to the three callbacks */
} qs_gmres_problem;

/* Stopping rule and progress. */
typedef struct {
  double tol;      /* stop at res <= tol; > 0.  Default 1e-10 */
  int max_iter;    /* most iterations (operator applications) over all
                      cycles, >= 1.  Default 1000 */
  qs_gmres_progress_fn progress; /* or NULL.  Default NULL */
  void *progress_data;           /* passed to progress.  Default NULL */
  int stall_cycles;  /* > 0: also stop when the true residual has not
                        fallen below QS_GMRES_STALL_FACTOR times its value
                        stall_cycles cycles earlier (restarted GMRES can
                        stagnate when the restart length is too short for
                        the spectrum; a caller with a better remedy stops
                        early).  0: never.  Default 0 */
} qs_gmres_options;

typedef struct qs_gmres qs_gmres;

/* Defaults documented in qs_gmres_options. */
qs_gmres_options qs_gmres_default_options(void);

/* Workspace for vectors of n >= 1 complex numbers (2n must fit in an int:
 * the vector operations are BLAS calls) and restart length >= 1.
 * QS_ERR_INVALID for bad sizes, QS_ERR_TOO_LARGE above the BLAS limit,
 * QS_ERR_NOMEM. */
qs_status qs_gmres_create(qs_index n, int restart, qs_gmres **out);

/* Free; accepts NULL and NULLs *gmres. */
void qs_gmres_destroy(qs_gmres **gmres);

/* Restarted GMRES from the caller's x, r = b - A x and *res (the caller
 * computes the first residual: it may need a projection of its own).
 * Cycles while res is finite, res > tol, fewer than max_iter
 * iterations were done and (with stall_cycles) res keeps falling; after each cycle x += M^{-1} z and the residual
 * callback updates x, r and *res.  *iterations (may be NULL) receives the
 * number of iterations.  Returns QS_OK whether or not res reached tol
 * (the caller judges *res: its message knows the problem); QS_ERR_INVALID
 * for missing callbacks or options out of range; otherwise the first
 * failing callback's status (x and *res then hold the last complete
 * cycle's values; r may have served as the callbacks' scratch). */
qs_status qs_gmres_solve(qs_gmres *gmres, const qs_gmres_problem *problem,
                         const qs_gmres_options *opt, double complex *x, double complex *r,
                         double *res, int *iterations);

#endif
