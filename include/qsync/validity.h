/* qsync — validity maps: at one parameter point, how far each approximate
 * picture of the driven-resonator paper is from the exact RWA steady state.
 *
 * For a model whose space is one boson and N spin-1/2 subsystems (model
 * cavity_qubits; Sections 4, 5 and 7 of the driven-resonator paper), the
 * exact steady state rho of the time-independent (RWA) model is compared
 * with
 *   (a) the semiclassical product state |alpha><alpha| (x) rho_1 (x) ...
 *       (x) rho_N of the lowest minimum of S = Tr[L(rho)^dag L(rho)]
 *       (semiclassical.h; Sec. 2.3, Appendix A), with the number of minima
 *       and eps = sqrt(S);
 *   (b) the dressed rate-equation series (R)* (rateeq.h; Sec. 2.2, Eqs.
 *       28-30) summed in the model's basis (the best partial sum when it
 *       does not converge), with its convergence flag, order and residual;
 *   (c) the period-averaged state of the master equation without RWA
 *       (the model's `frame` key set to lab, integrated from rho with the
 *       options' mesolve_points settings; every value is already in the
 *       drive frame), where the model has a lab frame;
 * plus the Liouvillian gap |Re mu_1| (gap.h).  Each comparison is the
 * trace distance D(rho, sigma) = ||rho - sigma||_1 / 2 (0 .. 1) and the
 * differences of <a>, <n> = <a^dag a>, S_x and S_z summed over the qubits
 * (S = sigma / 2), all in the truncated (possibly displaced) basis of the
 * model.  A comparison that is off, or not possible for the model, is
 * marked not done and its numbers are NaN.
 *
 * Units: those of the model (cavity_qubits: the coupling lambda = 1; the
 * gap and eps in lambda, eps / gamma and D dimensionless).
 *
 * Thread safety: reentrant; the points of qs_validity_points_run are
 * independent and run through the task farm (farm.h).
 */
#ifndef QSYNC_VALIDITY_H
#define QSYNC_VALIDITY_H

#include <stddef.h>

#include "qsync/farm.h"
#include "qsync/gap.h"
#include "qsync/lindblad.h"
#include "qsync/mesolve_points.h"
#include "qsync/model.h"
#include "qsync/rateeq.h"
#include "qsync/semiclassical.h"

/* The observables every comparison reports (model observables a, n, Sx,
 * Sz; those the model lacks are NaN). */
typedef struct {
  double complex a;  /* <a> */
  double n;          /* <a^dag a> */
  double sx, sz;     /* sum_l <S_x,l>, sum_l <S_z,l> */
} qs_validity_obs;

/* One approximate state against the exact one. */
typedef struct {
  int done;                 /* 1: computed; 0: off, not applicable or failed */
  double trace_distance;    /* D(rho_exact, rho_approx), 0 .. 1 */
  qs_validity_obs value;    /* the approximate state's observables */
  double d_a;               /* |<a>_approx - <a>_exact| */
  double d_n, d_sx, d_sz;   /* approx - exact (signed) */
  char note[160];           /* why not done, or "" */
} qs_validity_diff;

/* Which comparisons qs_validity_point_run makes (flags). */
enum {
  QS_VALIDITY_SEMICLASSICAL = 1u << 0,
  QS_VALIDITY_SERIES = 1u << 1,
  QS_VALIDITY_LAB = 1u << 2,
  QS_VALIDITY_GAP = 1u << 3,
  QS_VALIDITY_ALL = 0xfu
};

typedef struct {
  unsigned compare;          /* QS_VALIDITY_* flags.  Default:
                                SEMICLASSICAL | SERIES | GAP (the lab
                                frame's integration is the expensive one) */
  qs_steady_options steady;  /* exact RWA steady state.  Default:
                                qs_steady_default_options() */
  qs_mesolve_point_options lab; /* the lab-frame integration (t_end,
                                n_times, avg_periods, integrator; its start
                                and farm are ignored: every point starts
                                from its exact RWA state).  Default:
                                qs_mesolve_point_default_options() with
                                t_end = 10, avg_periods = 8 */
  qs_semiclassical_options semiclassical; /* the minimizer's starts, seed,
                                tolerances.  Default:
                                qs_semiclassical_default_options() */
  qs_rateeq_options series;  /* the series (R)* (summed in the model's own
                                basis: with a displaced cavity that is the
                                series of the displaced Hamiltonian, not
                                Eq. 3's; use displace = off for the paper's).
                                Default: qs_rateeq_default_options() */
  qs_gap_options gap;        /* the Liouvillian gap.  Default:
                                qs_gap_options_default() */
  qs_farm_options farm;      /* workers of qs_validity_points_run (progress
                                counts points).  Default: one thread.  With
                                farm.distribute the points spread over the MPI
                                ranks and their results reach rank 0 alone
                                (farm.h; the codec is this module's) */
} qs_validity_options;

/* Defaults as listed above. */
qs_validity_options qs_validity_default_options(void);

/* Results of one point. */
typedef struct {
  qs_validity_obs exact;     /* observables of the exact RWA steady state */
  double exact_residual;     /* ||L rho|| / ||rho|| of it */
  double p_top;              /* population of the top cavity level (the
                                truncation check), NaN if none */
  double gamma;              /* the model's cavity loss rate (key "gamma"),
                                NaN if none */
  /* (a) semiclassical */
  qs_validity_diff semiclassical;
  int n_minima;              /* local minima of S found (0: not done) */
  double eps;                /* sqrt(S) at the lowest minimum */
  double eps_over_gamma;     /* eps / gamma (Appendix A.3, Fig. A5) */
  double eps_over_gap;       /* eps / gap: Appendix A.3's bound on the part of
                                the semiclassical state orthogonal to rho
                                (NaN without the gap) */
  /* (b) rate series (R)* */
  qs_validity_diff series;
  int series_converged;      /* 1 when the series converged */
  int series_order;          /* order reached */
  double series_residual;    /* ||L rho_R|| / ||rho_R|| */
  /* (c) lab frame, period-averaged */
  qs_validity_diff lab;
  /* Liouvillian gap |Re mu_1| of the RWA model (gap.h; NaN: not done) */
  double gap;
  char gap_note[160];
  double seconds;            /* wall-clock time of the point */
  char msg[256];             /* the error of a failed point */
} qs_validity_point;

/* Observables of rho (dim*dim column-major) in `model` (NaN where the
 * model has no such observable). */
void qs_validity_observables(const qs_model *model, const double complex *rho,
                             qs_validity_obs *out);

/* Compare rho_approx with rho_exact (both dim*dim column-major, Hermitian)
 * into *d (done = 1).  QS_ERR_LAPACK (eigenvalues), QS_ERR_NOMEM. */
qs_status qs_validity_compare(const qs_model *model, const double complex *rho_exact,
                              const double complex *rho_approx, qs_validity_diff *d);

/* The product state |alpha><alpha| (x) (1 + b_1 . sigma)/2 (x) ... (x)
 * (1 + b_N . sigma)/2 in the basis of `model` (one QS_ROLE_BOSON subsystem
 * first, then N QS_ROLE_SPIN subsystems of dimension 2, basis index 0 =
 * up; alpha is the photon amplitude <a>; a displaced basis is handled
 * through the model's observable "a" = alpha0 + b, so |alpha> is the
 * coherent state of b with amplitude alpha - alpha0).  The truncated
 * coherent state is renormalized; *truncation (may be NULL) receives the
 * weight it lost, 1 - sum_{n < levels} |<n|alpha>|^2.  bloch: N rows of
 * (b_x, b_y, b_z), |b| <= 1.  rho: dim*dim column-major (written).
 * QS_ERR_INVALID when the space is not of that form or the model has no
 * observable "a"; QS_ERR_NOMEM. */
qs_status qs_validity_product_state(const qs_model *model, double complex alpha,
                                    const double (*bloch)[3], double complex *rho,
                                    double *truncation, char *msg, size_t msglen);

/* Everything listed above at one point: the model of `type` at `values`
 * (its time-independent RWA form; the lab comparison builds the same
 * values with the key "frame" set to lab).  Fills *out.  Returns QS_OK
 * when the exact steady state was found (comparisons that fail are marked
 * not done with a note, they do not fail the point); the errors of
 * qs_model_create and qs_steady_state_ex otherwise, with out->msg. */
qs_status qs_validity_point_run(const qs_validity_options *opt, const qs_model_type *type,
                                const double *values, qs_validity_point *out);

/* qs_validity_point_run at n points: values[p * QS_MODEL_MAX_PARAMS ...]
 * are point p's parameters, results in out[p].  The points run through
 * the farm with opt->farm; returns the status of the lowest failing point
 * (its index in *failed, may be NULL; -1 when all succeeded). */
qs_status qs_validity_points_run(const qs_validity_options *opt, const qs_model_type *type,
                                 const double *values, long n, qs_validity_point *out,
                                 long *failed);

#endif
