/* qsync — the exact steady state of one parameter point together with its
 * synchronization measure.
 *
 * Omega (two-qubit-oscillator paper, Eq. 11) needs two steady states: the
 * driven one, rho, and the undriven one, rho_u (the model type's
 * drive_param set to 0), whose eigenbasis defines rho_diag.  R (Eq. 13)
 * needs Omega again with the coupling (coupling_param) set to 0; the
 * caller forms R = omega / omega at that reference point, because it is
 * the same for a whole line of points.
 *
 * Thread safety: reentrant (each call builds its own models).
 */
#ifndef QSYNC_SYNC_H
#define QSYNC_SYNC_H

#include "qsync/ensemble.h"
#include "qsync/lindblad.h"

#define QS_STEADY_POINT_MAX_OBS 64

typedef struct {
  int n_obs;
  double complex obs[QS_STEADY_POINT_MAX_OBS]; /* model observables, table order */
  double omega;        /* Eq. 11; NAN if the model has no drive or no U(1) */
  double omega_blocks; /* Appendix B: best partially coherent limit cycle */
  double residual;     /* ||L rho|| / ||rho|| of the driven steady state */
} qs_steady_point;

/* Build the model of `values`, solve its steady state (rho, if not NULL,
 * receives it: dim*dim column-major) and evaluate the observables and the
 * synchronization measures.  Model-building errors are QS_ERR_INVALID
 * with the reason in msg. */
qs_status qs_steady_point_eval(const qs_model_type *type, const double *values,
                               qs_steady_method method, qs_steady_point *pt,
                               double complex *rho, char *msg, size_t msglen);

/* The same with every solver option (method, tol, max_iter, restart,
 * memory_limit; NULL = defaults).  The options apply to both steady
 * states, the driven and the undriven one; opt->guess warm-starts the
 * driven one only, and opt->progress follows both. */
qs_status qs_steady_point_eval_ex(const qs_model_type *type, const double *values,
                                  const qs_steady_options *opt, qs_steady_point *pt,
                                  double complex *rho, char *msg, size_t msglen);

/* Does `model` have the synchronization measure: a drive parameter (its
 * type's drive_param) and a U(1) symmetry of the undriven model
 * (u1_charge)? */
int qs_sync_has_measure(const qs_model *model);

/* The measures of one parameter point, in this order:
 * QS_SYNC_OMEGA (Eq. 11), QS_SYNC_OMEGA_BLOCKS (Appendix B) and QS_SYNC_R =
 * Omega / Omega at the type's coupling_param = 0 (Eq. 13; NAN without a
 * coupling parameter, and NAN when Omega at coupling 0 is not above
 * QS_SYNC_R_MIN_REFERENCE: e.g. without a drive it is 0 and the ratio is
 * undefined).  opt as in qs_steady_point_eval_ex.  Errors of
 * qs_steady_point_eval_ex with its message. */
enum { QS_SYNC_OMEGA, QS_SYNC_OMEGA_BLOCKS, QS_SYNC_R, QS_SYNC_N };

/* Smallest Omega(coupling = 0) (nats) that R divides by: entropies from
 * eigenvalues carry rounding errors of order 1e-15 per level, so a
 * smaller reference is zero within rounding and the ratio is noise. */
#define QS_SYNC_R_MIN_REFERENCE 1e-12
qs_status qs_sync_point_measures(const qs_model_type *type, const double *values,
                                 const qs_steady_options *opt, double measures[QS_SYNC_N],
                                 char *msg, size_t msglen);

/* Omega of a trajectory ensemble's time-averaged density matrix (needs
 * store_rho), with the bias correction and error bar of the delete-a-group
 * jackknife (qs_ensemble_jackknife); rho_u is the exact undriven steady
 * state of `model`.  *groups receives the number of non-empty jackknife
 * groups (the jackknife z is Student-t with groups - 1 degrees of freedom).
 * QS_ERR_INVALID if the model has no synchronization measure, rho was not
 * stored, or there are fewer than two groups. */
qs_status qs_sync_omega_jackknife(const qs_model *model, const qs_ensemble_result *res,
                                  qs_steady_method method, double *plain,
                                  double *corrected, double *se, int *groups,
                                  char *msg, size_t msglen);

/* The same with every solver option of rho_u's steady state (NULL =
 * defaults; opt->guess is not used). */
qs_status qs_sync_omega_jackknife_ex(const qs_model *model, const qs_ensemble_result *res,
                                     const qs_steady_options *opt, double *plain,
                                     double *corrected, double *se, int *groups,
                                     char *msg, size_t msglen);

/* values_out := values with the model's coupling parameter set to 0 (the
 * reference of R).  QS_ERR_INVALID if the type has no coupling parameter. */
qs_status qs_sync_reference_values(const qs_model_type *type, const double *values,
                                   double *values_out);

#endif
