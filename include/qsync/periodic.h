/* qsync — the periodic steady state of a master equation with a
 * T-periodic Hamiltonian, H(t + T) = H(t).
 *
 * The one-period propagator P: rho(0) -> rho(T) (one qs_me integrator of
 * mesolve.h, made once per call and started again from each rho at t = 0:
 * CVodeReInit, not a new CVODE per period) is
 * a linear map; the periodic steady state is its fixed point, P rho = rho
 * with Tr rho = 1 (unique when the Lindbladian has one steady state).
 * Integrating until the transients have died out costs t ~ 10 / (slowest
 * relaxation rate); the fixed point is found here instead by restarted
 * GMRES on (I - P) delta = P x0 - x0 (x = x0 + delta), in the real inner
 * product Re Tr(X^dag Y) on Hermitian matrices, with one application of P
 * (one period of integration) per iteration.  The spectrum of I - P is
 * 1 - exp(lambda T) over the Floquet exponents lambda of the Lindbladian:
 * modes that decay within a period sit near 1, and only the few slow modes
 * (rates |Re lambda| T << 1) need Krylov directions, so the number of
 * iterations follows the number of slow modes rather than the relaxation
 * time.  (Example: the transmon model, T = 20 ns, slowest rate ~0.5 / us:
 * a few tens of periods instead of ~1000 of plain integration.)
 *
 * Accuracy: P is applied by CVODE with the tolerances of opt, so the
 * residual ||P rho - rho||_F / ||rho||_F cannot go much below opt->rtol;
 * the state error is about residual / (|Re lambda_slow| T).
 *
 * The model's reporting frame (frame_rate) is not applied here: rho is the
 * state in the integration frame at t = 0 (mod T).
 *
 * Thread safety: reentrant (as qs_mesolve).
 */
#ifndef QSYNC_PERIODIC_H
#define QSYNC_PERIODIC_H

#include <stddef.h>

#include "qsync/mesolve.h"

typedef struct {
  double period;   /* T > 0 of H(t); required */
  double tol;      /* stop at ||P rho - rho||_F / ||rho||_F <= tol. Default 1e-8 */
  int max_iter;    /* most GMRES iterations (periods integrated). Default 300 */
  int restart;     /* GMRES restart length. Default 40 */
  int relax_periods; /* periods integrated from the initial state before
                      GMRES starts (lets fast transients die). Default 0 */
  void (*progress)(int iteration, double residual, void *data); /* or NULL */
  void *progress_data;
} qs_periodic_options;

typedef struct {
  int iterations;   /* GMRES iterations (= one-period integrations) */
  double residual;  /* ||P rho - rho||_F / ||rho||_F of the result */
  long steps;       /* CVODE steps in all */
} qs_periodic_info;

/* Defaults of everything but period (0: must be set). */
qs_periodic_options qs_periodic_default_options(void);

/* Periodic steady state rho (N*N column-major, N = model->space.total) at
 * t = 0 mod T.  rho0: initial guess (Hermitian, trace 1) or NULL for the
 * model's psi0.  me: the integrator options (NULL: defaults).  Returns
 * QS_OK; QS_ERR_INVALID (bad options: period, tol, max_iter, restart);
 * QS_ERR_NOMEM; QS_ERR_NOT_CONVERGED (residual > tol after max_iter; rho
 * holds the best iterate and info the residual); the errors of
 * master-equation integrator (qs_me_create, qs_me_start, qs_me_evolve_to). */
qs_status qs_mesolve_periodic(const qs_model *model, const double complex *rho0,
                              const qs_periodic_options *popt, const qs_mesolve_options *me,
                              double complex *rho, qs_periodic_info *info, char *msg,
                              size_t msglen);

#endif
