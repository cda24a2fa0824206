/* qsync — scans along one parameter (usually the coupling g): zero
 * crossings of the phase responses <S+_A>, <S+_B>, and the extrema of the
 * synchronization ratio R = Omega / Omega(g = 0) (two-qubit-oscillator
 * paper, Figs. 3-8).
 *
 * A line is first sampled on a grid; brackets found on the grid are then
 * refined: roots by Brent's method to `tol` in the scanned parameter,
 * extrema by Brent's parabolic minimization (to ~1e-7 relative in the
 * parameter: an extremum is only quadratically sensitive to its position).
 *
 * Which quantity changes sign: <S+_j> is complex.  Its phase axis u_j is
 * taken at the grid point where |<S+_j>| is largest, and the real
 * quantity Re(<S+_j> conj(u_j)) is searched for sign changes.  A sign change
 * is a zero crossing only if |<S+_j>| itself vanishes there (below 1e-6 of
 * its largest value on the line); otherwise the phase merely slips past
 * the axis (a detuned drive, Fig. 5a) and it is counted as a phase slip.
 *
 * Method: exact (Liouvillian steady states at the run's eps, Omega and R
 * available) or first_order (Appendix C, qubits, eps -> 0; the phase
 * responses only, hundreds of times faster: maps of g_0, Fig. 4).
 *
 * The phase responses are the model's observables named Sp_A and Sp_B
 * (looked up by name; a model without them is refused with a message).
 *
 * Thread safety: reentrant; lines are independent and may run in parallel
 * (qs_scan_grid_run runs them through the task farm).
 */
#ifndef QSYNC_SCAN_H
#define QSYNC_SCAN_H

#include "qsync/farm.h"
#include "qsync/sweep.h"
#include "qsync/sync.h"

#define QS_SCAN_MAX_ROOTS 8

typedef struct {
  const qs_model_type *type;
  double values[QS_MODEL_MAX_PARAMS]; /* the point the line goes through */
  int along;                 /* index of the scanned parameter */
  qs_steady_method method;   /* exact steady-state solver */
  int first_order;           /* 1: Appendix C instead of exact steady states */
  double tol;                /* root tolerance in the scanned parameter */
  const qs_steady_options *steady; /* tol, max_iter, restart, memory_limit of
                                the exact solves, or NULL (defaults); its
                                method and guess are ignored (`method` wins) */
} qs_scan_problem;

/* One point of a line. */
typedef struct {
  double x;                  /* scanned parameter */
  double complex sp[2];      /* <S+_A>, <S+_B> by the problem's method */
  double complex sp_first[2];/* eps <S+_j>_1 of Appendix C (NAN unless qubits) */
  qs_steady_point exact;     /* observables, Omega (exact method only) */
  double r;                  /* Omega / Omega(coupling = 0); NAN if unavailable */
} qs_scan_sample;

typedef struct {
  int n_roots[2];                        /* true zero crossings of <S+_A>, <S+_B> */
  double roots[2][QS_SCAN_MAX_ROOTS];    /* ascending */
  int n_slips[2];                        /* sign changes that are not zeros */
  double min_abs_ratio[2];               /* min |<S+_j>| / max |<S+_j>| on the line */
  double omega0;                         /* Omega at coupling 0 (R's reference) */
  double r_max, x_r_max;                 /* largest R on the line (refined) */
  double r_min, x_r_min;                 /* deepest interior local minimum of R;
                                            NAN if R has none */
  int n_max, n_min;                      /* interior local maxima / minima of R */
} qs_scan_features;

/* Can the problem be scanned?  QS_ERR_INVALID with a message when the
 * model cannot be built at pb->values or has no observable Sp_A or Sp_B
 * (the message names the missing one).  Every function below does this
 * check itself; it is public so that a caller can refuse before any work. */
qs_status qs_scan_check(const qs_scan_problem *pb, char *msg, size_t msglen);

/* Evaluate the problem's model with the scanned parameter at x. */
qs_status qs_scan_sample_at(const qs_scan_problem *pb, double x, qs_scan_sample *s,
                            char *msg, size_t msglen);

/* Sample the line at xs[0..n-1] (ascending, n >= 3) into samples (n
 * entries) and find its features. */
qs_status qs_scan_line(const qs_scan_problem *pb, const double *xs, int n,
                       qs_scan_sample *samples, qs_scan_features *f, char *msg,
                       size_t msglen);

/* Fig. 5c: tune a second parameter (index `restore`, searched over
 * ys[0..ny-1]) together with the scanned one so that <S+_A> vanishes:
 * a coarse search over the grid xs x ys, then Newton's method on
 * (Re, Im) <S+_A> = 0.  On success *x0, *y0 hold the point and *ratio
 * |<S+_A>| there over the largest |<S+_A>| of the coarse grid;
 * QS_ERR_NUMERIC if Newton does not converge. */
qs_status qs_scan_restore(const qs_scan_problem *pb, int restore, const double *xs,
                          int nx, const double *ys, int ny, double *x0, double *y0,
                          double *ratio, char *msg, size_t msglen);

/* ---- many lines: one through each point of a parameter grid ------------- */

/* What qs_scan_grid_run finds on one line. */
typedef struct {
  double sweep_x[2];         /* the grid point's axis values (NAN: inactive axis) */
  qs_scan_features f;
  double restore_x, restore_y; /* qs_scan_restore's point; NAN without a restore
                                  search or when it finds none */
  double restore_ratio;      /* its ratio (set by the search even when it then
                                fails its zero test); NAN without a search */
  qs_status st;              /* the line's status (qs_scan_line) */
  char msg[256];             /* its message on failure */
} qs_scan_line_result;

typedef struct {
  const qs_sweep_axis *sweep; /* two axes (sweep.h, axes[0] inner) whose grid
                                 over pb->values gives the lines' points, or
                                 NULL for one line through pb->values */
  const double *xs;          /* the line's samples (qs_scan_line), ascending */
  int nx;                    /* >= 3 */
  int restore;               /* parameter of qs_scan_restore per line, -1: none */
  const double *ys;          /* its search grid (restore >= 0) */
  int ny;
  qs_farm_options farm;      /* workers and progress (counts lines); with
                                farm.distribute the lines spread over the MPI
                                ranks and lines/samples reach rank 0 alone
                                (farm.h; the codec is this module's) */
} qs_scan_grid;

/* Scan every line of the grid through the task farm.  lines receives
 * qs_sweep_grid_count(grid->sweep) results (1 without a sweep); samples,
 * if not NULL, that many times nx samples (line p at samples + p * nx).
 * A failed restore search is not an error (NAN in the result).  Returns
 * QS_OK or the status of the lowest failing line (its index in *failed,
 * may be NULL; its message in lines[*failed].msg); QS_ERR_INVALID for bad
 * arguments, QS_ERR_NOMEM. */
qs_status qs_scan_grid_run(const qs_scan_problem *pb, const qs_scan_grid *grid,
                           qs_scan_line_result *lines, qs_scan_sample *samples,
                           long *failed);

/* Brent's root finder on [a, b] with f(a) f(b) <= 0 (fa, fb given). */
typedef qs_status (*qs_scalar_fn)(double x, double *fx, void *data);
qs_status qs_root_brent(qs_scalar_fn f, void *data, double a, double b, double fa,
                        double fb, double tol, double *root);

/* Brent's minimizer of f on [a, b] (f should have one local minimum in
 * it); *x and *fx receive the minimum. */
qs_status qs_minimize_brent(qs_scalar_fn f, void *data, double a, double b, double tol,
                            double *x, double *fx);

#endif
