/* qsync — Hilbert spaces and sparse complex operators.
 *
 * An operator is a square complex matrix in compressed sparse row (CSR)
 * form.  Operators are immutable once built: every function that "changes"
 * an operator builds a new one.  The fields of qs_op are readable by any
 * code (the trajectory engine and the Liouvillian builder loop over them);
 * only the functions here create or free them.
 *
 * Thread safety: all functions are reentrant; an operator may be read by
 * many threads at once.
 */
#ifndef QSYNC_OP_H
#define QSYNC_OP_H

#include <complex.h>
#include <stdint.h>

#include "qsync/error.h"

/* Signed index type for dimensions and counts (like CVODE's sunindextype). */
typedef int64_t qs_index;

/* Most subsystems in one tensor-product space. */
#define QS_MAX_SUBSYSTEMS 16

/* What a subsystem is physically, so that generic code (the truncation
 * check, semiclassical ansatzes) can pick subsystems without knowing the
 * model.  qs_space_init leaves every role QS_ROLE_UNSET; every model
 * constructor sets each one (qs_model_create refuses a model that does not). */
typedef enum {
  QS_ROLE_UNSET = 0,
  QS_ROLE_BOSON, /* a harmonic mode truncated to its dims lowest number
                    states (index n = n quanta): its levels are a numerical
                    truncation to be checked for convergence */
  QS_ROLE_SPIN,  /* a spin S with dims = 2S + 1, index i <-> m = S - i
                    (index 0 = up) */
  QS_ROLE_OTHER  /* anything else (e.g. a transmon's anharmonic levels) */
} qs_role;

/* A tensor-product Hilbert space: dims[0] is the leftmost (slowest-varying)
 * factor, so basis index = ((i0 * d1 + i1) * d2 + i2) ... */
typedef struct {
  int n_sub;                         /* number of subsystems, 1..QS_MAX_SUBSYSTEMS */
  qs_index dims[QS_MAX_SUBSYSTEMS];  /* dimension of each subsystem, >= 1 */
  qs_index total;                    /* product of dims */
  qs_role role[QS_MAX_SUBSYSTEMS];   /* role of each subsystem */
} qs_space;

/* Private second layout of an operator (qs_op_prepare_banded). */
struct qs_op_banded;

/* CSR operator of size dim x dim.  Column indices are sorted within a row
 * and unique; explicit zeros are dropped by the builders. */
typedef struct {
  qs_index dim;
  qs_index nnz;
  qs_index *row_start; /* dim + 1 entries */
  qs_index *col;       /* nnz entries */
  double complex *val; /* nnz entries */
  struct qs_op_banded *banded; /* NULL, or a copy by diagonals that the
                                  products use (qs_op_prepare_banded); the
                                  builders leave it NULL */
} qs_op;

/* Fill *space from n_sub dimensions (roles QS_ROLE_UNSET).  QS_ERR_INVALID
 * if n_sub is out of 1..QS_MAX_SUBSYSTEMS or any dimension is < 1. */
qs_status qs_space_init(qs_space *space, int n_sub, const qs_index *dims);

/* Free an operator made by any builder here; accepts NULL and NULLs *op. */
void qs_op_destroy(qs_op **op);

/* Give op a copy of its values stored by diagonal, which qs_op_apply,
 * qs_op_apply_acc, qs_op_apply_add and qs_op_expect then use on a CPU with
 * AVX2 (chosen at run time; elsewhere they keep the CSR loop): no index
 * load per non-zero, four rows per instruction.  Worth it for the
 * products in a time loop, e.g. the trajectory's -i H_eff.  Made only when op fits it: at most 24
 * diagonals (offsets col - row), at least half of their slots non-zero,
 * dim >= 16; otherwise op is left as it is (QS_OK).
 * Bits: every row is still summed in ascending column order with the CSR
 * loop's expression (the added zeros change no bit of a sum), so for a
 * finite x the results are bitwise the CSR ones; for an x holding an
 * infinity or NaN a row may come out NaN where the CSR loop gives a number.
 * The copy is not updated: call after the last change of op->val.  Not
 * thread-safe with other users of op (call before sharing it); freed by
 * qs_op_destroy.  QS_ERR_INVALID for op == NULL, QS_ERR_NOMEM. */
qs_status qs_op_prepare_banded(qs_op *op);

/* Build from n (row, col, value) triplets; duplicates are summed, zeros
 * dropped.  QS_ERR_INVALID for an index outside 0..dim-1 or dim < 1. */
qs_status qs_op_from_triplets(qs_index dim, qs_index n, const qs_index *row,
                              const qs_index *col, const double complex *val,
                              qs_op **out);

/* Build from a dense column-major dim x dim matrix (entries with |a| <= 0
 * are dropped). */
qs_status qs_op_from_dense(qs_index dim, const double complex *dense,
                           qs_op **out);

/* Write the operator as a dense column-major dim x dim matrix. */
void qs_op_to_dense(const qs_op *op, double complex *dense);

/* Identity of size dim. */
qs_status qs_op_identity(qs_index dim, qs_op **out);

/* Boson annihilation operator a on levels 0..n_levels-1:
 * a|n> = sqrt(n)|n-1>.  n_levels >= 1. */
qs_status qs_op_destroy_boson(qs_index n_levels, qs_op **out);

/* Boson number operator a^dag a. */
qs_status qs_op_number(qs_index n_levels, qs_op **out);

/* Spin-S operators, S = two_s / 2 (two_s >= 1), in the basis
 * |S,m>, m = S, S-1, ..., -S (index 0 is m = +S, the "up" state):
 * S^z|S,m> = m|S,m>, S^{+-}|S,m> = sqrt((S -+ m)(S +- m + 1))|S,m+-1>. */
typedef enum { QS_SPIN_Z, QS_SPIN_PLUS, QS_SPIN_MINUS, QS_SPIN_X, QS_SPIN_Y } qs_spin_component;
qs_status qs_op_spin(int two_s, qs_spin_component which, qs_op **out);

/* Largest 2S accepted by qs_op_spin_tensor (S = 10).  The Clebsch-Gordan
 * coefficients come from the Racah sum in double precision; up to this
 * size the tensors are orthonormal to ~1e-15 (checked in the tests). */
#define QS_SPIN_TENSOR_MAX_TWO_S 20

/* Orthonormal spherical tensor operator T^k_q of spin S = two_s / 2, in the
 * basis of qs_op_spin (index i is m = S - i):
 *   T^k_q = sum_{m,m'} (-1)^{S-m'} <S m; S -m' | k q> |S,m><S,m'|,
 * with Condon-Shortley Clebsch-Gordan coefficients (Racah's formula).
 * Properties: Tr(T^k_q^dag T^k'_q') = delta_kk' delta_qq';
 * T^k_q^dag = (-1)^q T^k_{-q}; [S^z, T^k_q] = q T^k_q and
 * [S^+-, T^k_q] = sqrt(k(k+1) - q(q+-1)) T^k_{q+-1} (standard tensors).
 * For S = 1/2: T^0_0 = I/sqrt2, T^1_0 = sqrt2 S^z, T^1_1 = -S^+,
 * T^1_-1 = S^-; for any S, T^1_0 = S^z / sqrt(Tr S^z^2) and
 * T^1_{+1} = -S^+ / sqrt(2 Tr S^z^2), Tr S^z^2 = S(S+1)(2S+1)/3.
 *   two_s: 1..QS_SPIN_TENSOR_MAX_TWO_S;  k: 0..two_s;  q: -k..k.
 * QS_ERR_INVALID for any other value or out == NULL; QS_ERR_NOMEM. */
qs_status qs_op_spin_tensor(int two_s, int k, int q, qs_op **out);

/* Pauli matrices in the basis (up, down): which = 'x', 'y' or 'z'
 * (sigma = 2 S for spin 1/2). */
qs_status qs_op_pauli(char which, qs_op **out);

/* Kronecker product a (x) b. */
qs_status qs_op_kron(const qs_op *a, const qs_op *b, qs_op **out);

/* Embed a local operator acting on subsystem `which` of `space`:
 * I (x) ... (x) local (x) ... (x) I.  QS_ERR_DIMENSION if local->dim
 * differs from space->dims[which]. */
qs_status qs_op_embed(const qs_space *space, int which, const qs_op *local,
                      qs_op **out);

/* alpha a + beta b. */
qs_status qs_op_add(double complex alpha, const qs_op *a, double complex beta,
                    const qs_op *b, qs_op **out);

/* Product a b. */
qs_status qs_op_mul(const qs_op *a, const qs_op *b, qs_op **out);

/* Hermitian adjoint a^dag. */
qs_status qs_op_adjoint(const qs_op *a, qs_op **out);

/* alpha a. */
qs_status qs_op_scale(double complex alpha, const qs_op *a, qs_op **out);

/* Copy of a. */
qs_status qs_op_copy(const qs_op *a, qs_op **out);

/* y = a x (x and y of length dim, must not overlap). Never fails. */
void qs_op_apply(const qs_op *a, const double complex *x, double complex *y);

/* y += a x (no scalar factor: the master equation's column products).
 * Never fails. */
void qs_op_apply_acc(const qs_op *a, const double complex *x, double complex *y);

/* y += alpha a x. Never fails. */
void qs_op_apply_add(double complex alpha, const qs_op *a,
                     const double complex *x, double complex *y);

/* <x| a |x> (x need not be normalized). */
double complex qs_op_expect(const qs_op *a, const double complex *x);

/* Tr(a rho) for a dense column-major density matrix rho. */
double complex qs_op_trace_with(const qs_op *a, const double complex *rho);

#endif
