/* qsync — private: the banded layout of an operator (qs_op.banded).
 *
 * The Hamiltonians of these models are a boson ladder (x) spins: their
 * non-zeros lie on a few diagonals (offsets col - row), e.g. 5 at dim 80
 * and 11 at dim 640 with four qubits.  Stored by diagonal, a product needs
 * no per-non-zero index load and runs over several rows at once (AVX2:
 * four rows per register, eight per block).
 *
 * Bits: each row still sums its entries in ascending column order, i.e.
 * in CSR order, with the CSR loop's expression; the layout adds explicit
 * zeros where a diagonal has no entry in a row.  A running sum that starts
 * at +0 is never -0 (round to nearest: x + y = -0 only for -0 + -0), and
 * adding +-0 to it changes no bit, so for finite x every row sum is
 * bitwise the CSR one.  (For x holding an infinity or NaN, 0 * x is NaN:
 * a row may come out NaN where the CSR loop gives a number.)
 */
#ifndef QSYNC_OP_BANDED_IMPL_H
#define QSYNC_OP_BANDED_IMPL_H

#include "qsync/op.h"
#include "simd_impl.h"

/* Most diagonals a banded layout holds (more: the operator stays CSR). */
#define QS_BANDED_MAX_DIAGS 24
/* Smallest dimension worth a banded layout (below, CSR is as fast). */
#define QS_BANDED_MIN_DIM 16
/* Least fraction of the stored diagonal slots that must be non-zeros (the
 * zeros cost flops). */
#define QS_BANDED_MIN_FILL 0.5

struct qs_op_banded {
  qs_index dim;
  qs_index dim_pad;                     /* dim rounded up to a multiple of 4 */
  int n_diag;
  qs_index offset[QS_BANDED_MAX_DIAGS]; /* ascending col - row */
  qs_index lo[QS_BANDED_MAX_DIAGS];     /* rows lo <= r < hi have column r + offset */
  qs_index hi[QS_BANDED_MAX_DIAGS];     /* inside the matrix */
  /* Re and Im of A(r, r + offset[k]) (0 where the entry is absent) at
   * re[k dim_pad + qs_banded_slot(r)], im likewise.  Within each group of
   * four rows the order is 0, 2, 1, 3: the order in which AVX2's in-lane
   * unpack of two registers of (Re x, Im x) pairs yields the real and the
   * imaginary parts. */
  double *re, *im;
};

/* Where row r's value of a diagonal is stored (see re above). */
static inline qs_index qs_banded_slot(qs_index r)
{
  qs_index j = r & 3;
  return (r & ~(qs_index)3) | (j >> 1) | ((j & 1) << 1);
}

/* The banded layout of op into *out, or *out = NULL when op does not fit
 * it (more than QS_BANDED_MAX_DIAGS diagonals, fill below
 * QS_BANDED_MIN_FILL, dim < QS_BANDED_MIN_DIM).  QS_OK or QS_ERR_NOMEM. */
qs_status qs_op_banded_build(const qs_op *op, struct qs_op_banded **out);

/* Free; accepts NULL and NULLs *b. */
void qs_op_banded_free(struct qs_op_banded **b);

/* 1 when the products of an operator with layout b (may be NULL) go
 * through it: only with the AVX2 kernel.  Without AVX2 the CSR loop is the
 * portable path (a scalar loop over the diagonals was measured slower than
 * it: the layout's added zeros cost more than the index loads it saves). */
static inline int qs_op_banded_usable(const struct qs_op_banded *b)
{
  return b && qs_simd_avx2();
}

/* s[i] = row r0 + i of the operator times x, for r0 <= r0 + i < r1 (the
 * CSR row sums bitwise, for finite x).  s must not overlap x.  Call when
 * qs_op_banded_usable. */
void qs_op_banded_rows(const struct qs_op_banded *b, const double complex *x,
                       qs_index r0, qs_index r1, double complex *s);

#endif
