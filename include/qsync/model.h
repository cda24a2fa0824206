/* qsync — models: Hilbert space, Hamiltonian, collapse operators,
 * observables, and the built-in model constructors.
 *
 * A model is the complete input of both the trajectory engine and the
 * Lindblad solvers:
 *   H(t) = H0 + sum_k f_k(t) H_k,   collapse operators c_j,
 *   d rho/dt = -i[H, rho] + sum_j D[c_j] rho,
 *   D[c] rho = c rho c^dag - (c^dag c rho + rho c^dag c)/2   (hbar = 1).
 * Fields of qs_model are read-only for users; create it with
 * qs_model_create() and free it with qs_model_destroy().
 *
 * Built-in model "qubit_osc" (two-qubit-oscillator paper, Eq. 4 and C1):
 * two spins A, B of size S (subsystem 0 is A, 1 is B), frequencies and
 * rates in units of the total relaxation rate Gamma = w + gamma, drive frame:
 *   H = delta_d SzA + (delta_d + delta_q) SzB + (g/2)(S+A S-B + S-A S+B)
 *       + (eps/2)(S+A + S-A)
 *   c = sqrt(w_A) S+A, sqrt(gamma_A) S-A, sqrt(w_B) S+B, sqrt(gamma_B) S-B,
 *       sqrt(2 gamma_phi) SzA, sqrt(2 gamma_phi) SzB   (zero rates dropped).
 * Observables: Sp_A = <S+A>, Sp_B = <S+B>, Sz_A, Sz_B, and the
 * phase-sensitive spherical tensors Tk_q_A, Tk_q_B (k = 1..2S, q = 1..k;
 * T1_1 = -S+ for qubits; see qs_op_spin_tensor).  The undriven model
 * (eps = 0) conserves the total S^z: u1_charge.
 * Initial state of trajectories: both spins down (m = -S).
 *
 * Thread safety: a built model is immutable and may be shared by threads.
 */
#ifndef QSYNC_MODEL_H
#define QSYNC_MODEL_H

#include <stddef.h>

#include "qsync/op.h"

/* Coefficient f_k(t) of a time-dependent Hamiltonian term. */
typedef double complex (*qs_coeff_fn)(double t, const void *data);

/* One tunable model parameter as the run file sees it. */
typedef struct {
  const char *key;      /* run-file key in section [model], e.g. "w_A" */
  const char *unit;     /* unit, e.g. "Gamma" */
  double default_value;
  double min, max;      /* allowed closed range */
  const char *help;     /* one-line meaning */
} qs_param_spec;

/* A model type: its parameter table and its constructor. */
typedef struct qs_model qs_model;
typedef struct {
  const char *name;             /* value of [model] name */
  const char *summary;
  int n_params;
  const qs_param_spec *params;  /* n_params entries */
  const char *drive_param;      /* the weak drive's strength (Omega: drive
                                   off = this parameter set to 0), or NULL */
  const char *coupling_param;   /* the coupling whose effect R = Omega(g) /
                                   Omega(0) measures, or NULL */
} qs_model_type;

#define QS_MODEL_MAX_NAME 32
#define QS_MODEL_MAX_PARAMS 64

struct qs_model {
  const qs_model_type *type;
  double *param_values;     /* type->n_params values, table order */
  qs_space space;
  qs_op *H;                 /* time-independent part H0 */
  int n_td;                 /* number of time-dependent terms (0 for qubit_osc) */
  qs_op **H_td;             /* H_k */
  qs_coeff_fn *f_td;        /* f_k */
  const void *f_data;       /* passed to every f_k */
  int n_c;                  /* collapse operators */
  qs_op **c;
  char (*c_names)[QS_MODEL_MAX_NAME];
  int n_obs;                /* observables: complex <O> */
  qs_op **obs;
  char (*obs_names)[QS_MODEL_MAX_NAME];
  double complex *psi0;     /* initial pure state, normalized, space.total */
  int *u1_charge;           /* space.total U(1) labels of the basis states
                               (qubit_osc: total S^z = m_A + m_B = 2S - iA
                               - iB), or NULL if the undriven model has no
                               such symmetry */
};

/* Number of built-in model types and the i-th of them (NULL outside
 * 0..count-1). */
int qs_model_type_count(void);
const qs_model_type *qs_model_type_get(int i);

/* The model type called `name` (case-insensitive), NULL if none. */
const qs_model_type *qs_model_type_find(const char *name);

/* Index of `key` (case-insensitive) in type->params, or -1. */
int qs_model_param_index(const qs_model_type *type, const char *key);

/* Fill values[] (type->n_params) with the defaults. */
void qs_model_defaults(const qs_model_type *type, double *values);

/* Build a model of `type` from parameter values in table order.
 * Values are checked against their ranges and the model's own constraints
 * (e.g. 2S integer); on QS_ERR_INVALID, msg (if not NULL) says which
 * parameter and what is allowed.  *out is NULL on failure. */
qs_status qs_model_create(const qs_model_type *type, const double *values,
                          qs_model **out, char *msg, size_t msglen);

/* Free; accepts NULL and NULLs *model. */
void qs_model_destroy(qs_model **model);

/* Index of the observable `name` or -1. */
int qs_model_obs_index(const qs_model *model, const char *name);

/* Value of parameter `key` of a built model (NaN if unknown key). */
double qs_model_param(const qs_model *model, const char *key);

#endif
