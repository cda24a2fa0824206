/* qsync — the semiclassical variational steady state (driven-resonator
 * paper, Sec. 2.3 and Appendix A).
 *
 * For a Liouvillian of one bosonic mode a and N spins 1/2,
 *   H = omega a^dag a + sum_l (eps_l/2) sz_l + sum_l (g_l a s+_l + conj(g_l) a^dag s-_l)
 *       + f a^dag + conj(f) a,
 *   collapse operators sqrt(gamma) a, sqrt(gamma_s,l) s-_l,
 * the trial state is the product
 *   rho = |alpha><alpha| (x) rho_1 (x) ... (x) rho_N,   rho_l = (1 + b_l . sigma)/2,
 * with a coherent amplitude alpha and independent Bloch vectors |b_l| <= 1
 * (the paper's Eq. 41/A3 print one common b_z for two qubits: a typo, the
 * functional it minimises, Eq. A12, has independent ones).  The functional
 *   S(alpha, b) = Tr[L(rho)^dag L(rho)]     (Eq. 31)
 * is evaluated exactly: every cavity factor of L(rho) lies in the span of
 * D(alpha)|0> and D(alpha)|1>, so S is a closed form of alpha and the b_l
 * (docs/methods.md, "Semiclassical functional"); no Fock space is truncated.
 * Its minima are the semiclassical steady states; eps = sqrt(S) measures
 * how far the product state is from a steady state (Appendix A.3:
 * ||rho_perp|| <= eps / |lambda_1|, lambda_1 the Liouvillian eigenvalue of
 * smallest nonzero modulus).
 *
 * Model "cavity_qubits" (frame = rwa, displace = off) has omega = -domega,
 * eps_l = Delta_l - domega, g_l = 1, f = F (units of lambda); any model
 * whose space is one QS_ROLE_BOSON and N two-level QS_ROLE_SPIN subsystems
 * and whose operators have this form is accepted by
 * qs_semiclassical_problem_from_model.
 *
 * Thread safety: reentrant (no shared state; NLopt objects are per call).
 */
#ifndef QSYNC_SEMICLASSICAL_H
#define QSYNC_SEMICLASSICAL_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "qsync/model.h"

/* Most spins in one problem (the subsystem limit of qs_space). */
#define QS_SEMICLASSICAL_MAX_SPINS (QS_MAX_SUBSYSTEMS - 1)

/* The Liouvillian's coefficients (hbar = 1; frequencies and rates in the
 * model's unit, lambda for cavity_qubits). */
typedef struct {
  int n_spins;                  /* N, 0..QS_SEMICLASSICAL_MAX_SPINS */
  double cavity_frequency;      /* omega, coefficient of a^dag a */
  double complex drive;         /* f, coefficient of a^dag */
  double cavity_loss;           /* gamma >= 0 */
  double spin_frequency[QS_SEMICLASSICAL_MAX_SPINS];  /* eps_l, of sz_l / 2 */
  double complex coupling[QS_SEMICLASSICAL_MAX_SPINS]; /* g_l, of a s+_l */
  double spin_loss[QS_SEMICLASSICAL_MAX_SPINS];       /* gamma_s,l >= 0 */
} qs_semiclassical_problem;

/* A trial state: alpha and the Bloch vectors (x, y, z) of spins 1..N. */
typedef struct {
  double complex alpha;
  double bloch[QS_SEMICLASSICAL_MAX_SPINS][3];
} qs_semiclassical_point;

/* Read the coefficients from a built model: one QS_ROLE_BOSON subsystem
 * (at least 2 levels) and N QS_ROLE_SPIN subsystems of dimension 2, in any
 * order, a time-independent H of the form above (plus a multiple of the
 * identity) and collapse operators each proportional to a or to one s-_l
 * (rates of the same operator add).  The coefficients are read from matrix
 * elements between the lowest states and H and every c_k are then
 * rebuilt from them and compared with the model's (relative 1e-12).
 * QS_ERR_INVALID with a message when the space, the Hamiltonian (e.g. a
 * displaced cavity's drive on the qubits), a collapse operator or a
 * time-dependent term (frame = lab) does not fit; QS_ERR_NOMEM. */
qs_status qs_semiclassical_problem_from_model(const qs_model *model,
                                              qs_semiclassical_problem *out,
                                              char *msg, size_t msglen);

/* The same problem read from the model's parameters: from a copy built
 * with the displacement off and at most a few cavity levels (the
 * coefficients are matrix elements between the lowest states), so that
 * displaced and large models are read too.  A model without registered
 * parameters is read as qs_semiclassical_problem_from_model reads it. */
qs_status qs_semiclassical_problem_from_parameters(const qs_model *model,
                                                   qs_semiclassical_problem *out,
                                                   char *msg, size_t msglen);

/* S(alpha, b) of Eq. 31 in closed form, and its gradient when grad is not
 * NULL: creal/cimag(grad->alpha) = dS/d(Re alpha), dS/d(Im alpha),
 * grad->bloch[l][i] = dS/db_l,i (the b_l taken as free coordinates; S is a
 * rational function of them, defined for any b).  Never fails. */
double qs_semiclassical_functional(const qs_semiclassical_problem *problem,
                                   const qs_semiclassical_point *point,
                                   qs_semiclassical_point *grad);

/* Expectation values of the trial state: <a> = alpha, <n> = |alpha|^2,
 * S_l = b_l / 2 per spin and the sums S_x, S_y, S_z. */
typedef struct {
  double complex a;
  double n;
  double spin[QS_SEMICLASSICAL_MAX_SPINS][3];
  double total[3];
} qs_semiclassical_observables;

void qs_semiclassical_observables_of(const qs_semiclassical_problem *problem,
                                     const qs_semiclassical_point *point,
                                     qs_semiclassical_observables *out);

/* Options of the multistart minimisation. */
typedef struct {
  int starts;          /* number of starts, >= 1.  Default 64.  Start 0 is
                          the empty cavity's amplitude -f/(omega - i gamma/2)
                          with every spin down, start 1 the same with every
                          spin up, start k >= 2 draws alpha uniformly in a
                          disc around it (radius 0.5 + 0.75 sum_l |g_l| /
                          |omega - i gamma/2|, at most 1e4: the mean-field
                          pull of the spins) and each b_l uniformly in the
                          ball, from PCG64 stream k of `seed` */
  double tol;          /* NLopt relative parameter tolerance xtol_rel of
                          each local minimisation, in (0, 1e-2].  Default 1e-10 */
  uint64_t seed;       /* seed of the start streams.  Default 1 */
  int max_eval;        /* evaluations per local run, >= 10.  Default 20000 */
  double merge;        /* two end points closer than merge (max over
                          |d alpha| / (1 + |alpha|) and |d b_l|) are one
                          minimum; farther ones too when S along the
                          segment joining them never exceeds the larger end
                          value (no barrier: one basin).  Default 1e-5 */
} qs_semiclassical_options;

qs_semiclassical_options qs_semiclassical_default_options(void);

/* One local minimum. */
typedef struct {
  qs_semiclassical_point point;
  double S;            /* functional at the minimum */
  double epsilon;      /* sqrt(S) */
  double grad_norm;    /* norm of the gradient projected on the feasible
                          directions (tangential at |b_l| = 1): ~0 at a
                          converged minimum */
  int hits;            /* starts that ended here */
} qs_semiclassical_minimum;

typedef struct {
  int n_minima;                     /* >= 1 on success */
  qs_semiclassical_minimum *minima; /* sorted by S, then Re alpha */
  int n_starts;                     /* local minimisations run */
} qs_semiclassical_result;

/* Minimise S from options->starts starts (NULL: defaults) with NLopt's
 * LD_LBFGS and a second LD_LBFGS run from each end point (the polish: a
 * fresh Hessian model), on the unconstrained coordinates w_l with
 * b_l = sin(|w_l|) w_l / |w_l| (a smooth map of R^3 onto the closed ball,
 * without the poles of spherical angles where the spin-down minima sit);
 * an end point where the difference Hessian in these coordinates has a
 * negative eigenvalue (a saddle) is pushed along it and minimised again
 * (at most 3 times).  Every distinct end point is reported.  *out is filled (free it with
 * qs_semiclassical_result_free).  QS_ERR_INVALID (bad problem or options,
 * with a message), QS_ERR_NOMEM, QS_ERR_NUMERIC (S not finite at a start). */
qs_status qs_semiclassical_minimize(const qs_semiclassical_problem *problem,
                                    const qs_semiclassical_options *options,
                                    qs_semiclassical_result *out, char *msg,
                                    size_t msglen);

/* Free the minima; accepts NULL and an empty result. */
void qs_semiclassical_result_free(qs_semiclassical_result *result);

/* Appendix A.3's bound on the part of the trial state orthogonal to the
 * steady state, epsilon / rate.  The paper divides by |lambda_1|, the
 * smallest nonzero |mu| of L; pass the gap |Re mu_1| of gap.h
 * (qs_gap_result.gap), which is <= |lambda_1|, for the larger and safer
 * bound.  NaN when rate is not finite and > 0. */
double qs_semiclassical_error_bound(double epsilon, double rate);

#endif
