/* qsync — the Lindblad master equation: Liouvillian, exact steady state,
 * exact time evolution for small systems.
 *
 * Vectorization is column stacking, vec(A rho B) = (B^T kron A) vec(rho),
 * so vec(rho)[i + j*N] = rho_ij and a density matrix is stored as a dense
 * column-major N x N array.  The Liouvillian of a model with Hamiltonian H
 * and collapse operators c_k is
 *   L = -i (I kron H - H^T kron I)
 *       + sum_k [ conj(c_k) kron c_k - (1/2) I kron c_k^dag c_k
 *                 - (1/2) (c_k^dag c_k)^T kron I ].
 *
 * Thread safety: reentrant.
 */
#ifndef QSYNC_LINDBLAD_H
#define QSYNC_LINDBLAD_H

#include <stddef.h>

#include "qsync/model.h"

typedef enum {
  QS_STEADY_AUTO,       /* choose by size and memory, see qs_steady_state_ex */
  QS_STEADY_DENSE,      /* LAPACK zgesv on the dense N^2 x N^2 system */
  QS_STEADY_SPARSE_LU,  /* UMFPACK on the sparse N^2 x N^2 system */
  QS_STEADY_SYLVESTER,  /* fixed point rho <- L0^{-1} L1 rho (splitting below) */
  QS_STEADY_KRYLOV,     /* GMRES preconditioned by L0^{-1} (splitting below) */
  QS_STEADY_RATE_SERIES,     /* weak-damping series (R), rateeq.h */
  QS_STEADY_RATE_SERIES_STAR /* dressed series (R)*, rateeq.h */
} qs_steady_method;

/* Largest Hilbert-space dimension N for which AUTO picks the dense solver
 * (dense memory 16 N^4 bytes: 16 MiB at N = 32). */
#define QS_STEADY_DENSE_MAX_DIM 32

/* Largest N for which AUTO picks the sparse LU solver (if its memory
 * estimate fits); above it the preconditioned Krylov solver is faster
 * (measured on the driven cavity with 2 qubits, N = 160: UMFPACK 3.3 s
 * and 0.5 GiB, GMRES 5.5 s; the LU memory grows like N^2 exp(0.53 r) with
 * r the nonzeros per Liouvillian row, the splitting solvers' like N^2). */
#define QS_STEADY_SPARSE_MAX_DIM 256

/* Largest dense Liouvillian the dense methods accept, in bytes. */
#define QS_DENSE_MAX_BYTES ((double)(2u << 30))

/* Build the Liouvillian (dimension N^2) of the time-independent part of
 * `model`.  QS_ERR_INVALID if the model has time-dependent terms. */
qs_status qs_liouvillian_build(const qs_model *model, qs_op **L);

/* ---- steady state ----------------------------------------------------
 *
 * Direct methods.  DENSE and SPARSE_LU solve L vec(rho) = 0 with the row of
 * L for rho_00 replaced by the trace condition Tr rho = 1 (valid because the
 * diagonal rows of L sum to zero by trace preservation).  They build the
 * N^2 x N^2 Liouvillian; their tol, max_iter and guess are ignored.
 *
 * Splitting methods (driven-resonator paper).  L = -L0 + L1 with
 *   L0 rho = A rho + rho A^dag,  A = iH + (1/2) sum_k c_k^dag c_k,
 *   L1 rho = sum_k c_k rho c_k^dag,
 * so L rho = 0 <=> rho = L0^{-1} L1 rho.  L0^{-1} C is applied by
 * Bartels-Stewart: the Schur form A = Q T Q^dag is computed once (zgees,
 * ~10 s at N = 1600), then C~ = Q^dag C Q, T Y + Y T^dag = C~ (a recursive
 * blocked triangular solver on level-3 BLAS, qs_sylvester_triangular's
 * Hermitian variant), rho = Q Y Q^dag: ~3.5 N^3 complex multiply-adds per
 * application.  L1 and the residual use the sparse c_k and A (sparse times
 * dense products); the N^2 x N^2 Liouvillian is never formed.  L0 must be
 * invertible: every eigenvalue of A needs Re > 0 (some damping reaches
 * every state), else QS_ERR_SINGULAR.
 *   SYLVESTER: rho_{k+1} = L0^{-1} L1 rho_k, Hermitized and scaled to
 *     trace 1.  Converges linearly at the rate of the second eigenvalue of
 *     L0^{-1} L1 (slow when the Liouvillian gap is small).
 *   KRYLOV: all vectors are Hermitian matrices and the algorithm is real
 *     GMRES(restart) in the inner product Re Tr(X^dag Y) (L maps Hermitian
 *     matrices to Hermitian matrices).  Right preconditioning: for the
 *     current x0 (trace 1), solve B z = L x0 with B = I - L1 L0^{-1} and set
 *     x = x0 + L0^{-1} z, since L x = L x0 - B z; so the GMRES residual is
 *     the true residual L x.  B is singular (B L0 rho_ss = 0) but the system
 *     is consistent (L x0 lies in range(L) = range(B), the traceless
 *     matrices) and range(B) meets null(B) only in 0 when
 *     Tr(L0 rho_ss) = sum_k Tr(c_k^dag c_k rho_ss) != 0 (the steady state is
 *     not dark), so GMRES converges to a solution (Brown & Walker 1997).
 *     After each restart cycle x is Hermitized, scaled to trace 1 and its
 *     residual recomputed; L0^{-1} is applied once per Arnoldi step plus
 *     once per cycle.
 * Both stop when ||L vec(rho)||_2 / ||vec(rho)||_2 <= tol and start from
 * opt->guess (a neighbouring sweep point's steady state: far fewer
 * iterations) or from I/N.
 *
 * Approximations (driven-resonator paper, Sec. 2.2; include/qsync/rateeq.h).
 *   RATE_SERIES, RATE_SERIES_STAR: qs_rate_series with star = 0 or 1,
 *     tol and series_max_order; max_iter, restart, guess and progress are
 *     ignored.  They are approximations with a known residual, not exact
 *     solvers: a series that does not reach tol still returns QS_OK with
 *     the partial sum of smallest residual and info->converged = 0 (the
 *     caller warns); info->order is the order summed.
 *
 * AUTO picks DENSE for N <= QS_STEADY_DENSE_MAX_DIM, SPARSE_LU for
 * N <= QS_STEADY_SPARSE_MAX_DIM if its memory estimate fits the limit,
 * otherwise KRYLOV, and falls back when that method fails, so that it
 * fails only when every method it may use fails (or none fits the memory
 * limit).  The chain after the first choice, each step only if its memory
 * estimate fits the limit:
 *   1. KRYLOV (opt->restart), if not the first choice;
 *   2. KRYLOV again with the restart length QS_STEADY_AUTO_RESTART (or the
 *      largest that fits), started from the last iterate of the failed
 *      solve (restarted GMRES forgets the slow modes at every restart: on
 *      the driven cavity, N = 80, GMRES(30) needs 570 iterations,
 *      GMRES(100) 372 and unrestarted GMRES 255), with a fresh max_iter;
 *   3. SPARSE_LU at any N, then DENSE, if not tried yet.
 * AUTO's Krylov attempts also stop early, as unconverged, when GMRES
 * stagnates: when the true residual has not halved over
 * QS_STEADY_AUTO_STALL_CYCLES restart cycles (measured on the benchmark
 * cavity with 4 qubits and ncav = 100, N = 1600: GMRES(30) reaches 1.2e-2
 * after 50 iterations and stays there), so that the next method starts
 * without spending max_iter first.
 * SYLVESTER is never in the chain: GMRES with the same preconditioner
 * minimizes the residual over a space that contains the fixed-point
 * iterate, so it converges whenever the fixed point does.  info says
 * which method gave the state, how many were tried and, in info->note,
 * why the earlier ones failed. */

/* GMRES restart length of AUTO's second Krylov attempt (memory
 * (QS_STEADY_AUTO_RESTART + 7) N^2 16 bytes: 0.4 GiB at N = 400). */
#define QS_STEADY_AUTO_RESTART 150

/* Restart cycles without halving the residual after which AUTO gives up
 * a Krylov attempt (see above). */
#define QS_STEADY_AUTO_STALL_CYCLES 5

/* Size of qs_steady_info.note. */
#define QS_STEADY_NOTE_LEN 512

/* Where the iterative methods start when no guess is given. */
typedef enum {
  QS_STEADY_START_IDENTITY,     /* I/N */
  QS_STEADY_START_SEMICLASSICAL /* the product state |alpha><alpha| (x) rho_1
                                   (x) ... of the lowest minimum of the
                                   semiclassical functional (semiclassical.h;
                                   models of one boson and spins 1/2, e.g.
                                   cavity_qubits, also displaced), as the
                                   paper starts its Sylvester iteration from
                                   an approximate state */,
  QS_STEADY_START_RATE_SERIES_STAR /* the partial sum of the dressed rate
                                   series (R)* of smallest residual
                                   (rateeq.h, default options with
                                   opt->tol), the paper's usual start */
} qs_steady_start;

/* Options of qs_steady_state_ex; qs_steady_default_options() fills the
 * defaults. */
typedef struct {
  qs_steady_method method;      /* Default: QS_STEADY_AUTO */
  double tol;                   /* splitting methods: stop at relative residual
                                   ||L rho|| / ||rho|| <= tol; > 0.
                                   Default: 1e-10 */
  int max_iter;                 /* splitting methods: most fixed-point steps or
                                   GMRES steps, >= 1.  Default: 1000 */
  int restart;                  /* KRYLOV: GMRES restart length m (memory
                                   (m + 7) N^2 16 bytes), >= 1.  Default: 30 */
  const double complex *guess;  /* splitting methods: warm start, N*N
                                   column-major (Hermitized and scaled to
                                   trace 1 internally), NULL = I/N.
                                   Default: NULL */
  double memory_limit;          /* bytes the method may use; 0 = MemAvailable
                                   of /proc/meminfo (no limit if unreadable).
                                   Default: 0 */
  void (*progress)(int iteration, double residual, void *data);
                                /* splitting methods: called on the calling
                                   thread after every fixed-point step or
                                   GMRES iteration with the (GMRES: estimated)
                                   relative residual, or NULL.  Default: NULL */
  void *progress_data;          /* passed to progress.  Default: NULL */
  int series_max_order;         /* RATE_SERIES(_STAR): highest order summed,
                                   0 .. 10000.  Default: 60 */
  qs_steady_start start;        /* splitting methods without a guess: the
                                   first iterate.  A model the start does not
                                   fit is QS_ERR_INVALID with a message.
                                   Default: QS_STEADY_START_IDENTITY */
} qs_steady_options;

/* What a solve did. */
typedef struct {
  qs_steady_method method;  /* method used (AUTO resolved) */
  int iterations;           /* SYLVESTER: fixed-point steps; KRYLOV: GMRES
                               (Arnoldi) steps; 0 for the direct methods */
  double residual;          /* ||L vec(rho)||_2 / ||vec(rho)||_2 */
  double memory_estimate;   /* bytes, qs_steady_memory_estimate of the method */
  double seconds;           /* wall-clock time of the solve (all attempts) */
  int attempts;             /* methods tried: 1, or more when AUTO fell back */
  int total_iterations;     /* iterations over all attempts */
  char note[QS_STEADY_NOTE_LEN]; /* AUTO: the methods that failed before
                               `method` and why ("" when the first one
                               succeeded) */
  int order;                /* RATE_SERIES(_STAR): order of the returned
                               partial sum; 0 for the other methods */
  int converged;            /* 1 when the residual met tol (always for a
                               successful exact method), 0 when a rate
                               series stopped above it (a warning) */
} qs_steady_info;

/* The defaults listed in qs_steady_options. */
qs_steady_options qs_steady_default_options(void);

/* Steady state rho (N*N entries, column-major, trace 1) of `model` with
 * options `opt` (NULL = defaults).  info and msg (msglen bytes) may be
 * NULL; info is filled as far as the solve got, also on failure.
 * Errors (msg says which value and what is allowed):
 *   QS_ERR_INVALID   NULL model/rho, time-dependent terms (n_td > 0), or an
 *                    option out of range;
 *   QS_ERR_TOO_LARGE the method's memory estimate exceeds the limit (msg
 *                    names the method, the estimate and the limit in MiB);
 *                    nothing is allocated;
 *   QS_ERR_SINGULAR  no unique steady state (direct methods), or L0 not
 *                    invertible (splitting methods);
 *   QS_ERR_NUMERIC   non-finite result;
 *   QS_ERR_NOT_CONVERGED  a splitting method did not reach tol within
 *                    max_iter (rho holds the last iterate);
 *   QS_ERR_NOMEM, QS_ERR_LAPACK, QS_ERR_UMFPACK.
 * Thread safety: reentrant; the splitting methods use the BLAS threads
 * (OPENBLAS_NUM_THREADS). */
qs_status qs_steady_state_ex(const qs_model *model, const qs_steady_options *opt,
                             double complex *rho, qs_steady_info *info, char *msg,
                             size_t msglen);

/* Thin wrapper: qs_steady_state_ex with the defaults and `method`;
 * residual (may be NULL) receives ||L vec(rho)||_2 / ||vec(rho)||_2. */
qs_status qs_steady_state(const qs_model *model, qs_steady_method method,
                          double complex *rho, double *residual);

/* Estimated peak bytes `method` allocates for `model` (AUTO: the method
 * AUTO would pick with the default memory limit):
 *   DENSE      16 N^4 (the dense N^2 x N^2 matrix);
 *   SPARSE_LU  Liouvillian, its copy and build temporaries (160 bytes per nonzero) plus
 *              UMFPACK's peak, fitted to measurements on the driven cavity
 *              with 0..3 qubits: 77 N^2 exp(0.53 r) bytes, r = nonzeros per
 *              Liouvillian row (bounds all measured cases, N = 10..160);
 *   SYLVESTER  5 N^2 16 (Q, T, 3 scratch; rho excluded);
 *   KRYLOV     (restart + 7) N^2 16 with the default restart (Q, T,
 *              3 scratch, GMRES basis restart + 1, 2 vectors);
 *   RATE_SERIES(_STAR)  qs_rate_series_memory.
 * Returns -1 for a NULL model or an unknown method. */
double qs_steady_memory_estimate(const qs_model *model, qs_steady_method method);

/* Solve A Y + Y B^H = C for Y (overwriting C), A (m x m) and B (n x n)
 * upper triangular, column-major with leading dimensions lda, ldb, ldc.
 * The triangular step of Bartels-Stewart: recursive halving of the larger
 * dimension with zgemm updates, blocks <= 48 by substitution.  (LAPACK
 * ztrsyl of the OpenBLAS 0.3.21 build segfaults from m = n = 150 on.)
 * Errors: QS_ERR_INVALID (NULL, negative size, ld too small),
 * QS_ERR_TOO_LARGE (m or n > 46340), QS_ERR_SINGULAR (A_ii + conj(B_jj) = 0
 * for some i, j; C is then partly overwritten).  Thread safe. */
qs_status qs_sylvester_triangular(qs_index m, qs_index n, const double complex *A,
                                  qs_index lda, const double complex *B, qs_index ldb,
                                  double complex *C, qs_index ldc);

/* Exact rho(t) = exp(L t) rho0 for small systems, by scaling and squaring
 * of a Taylor series of the dense Liouvillian (error ~1e-14 relative).
 * rho0: N*N; rho_t: n_times*N*N, times >= 0 in any order. */
qs_status qs_lindblad_evolve_dense(const qs_model *model,
                                   const double complex *rho0, int n_times,
                                   const double *times, double complex *rho_t);

/* Name of a method ("auto", "dense", "sparse_lu", "sylvester", "krylov",
 * "rate_series", "rate_series_star")
 * and its inverse (case-insensitive;
 * returns -1 for an unknown name). */
const char *qs_steady_method_name(qs_steady_method method);
int qs_steady_method_parse(const char *name);

#endif
