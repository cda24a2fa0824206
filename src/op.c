/* Sparse complex operators in CSR form; see include/qsync/op.h. */
#include "qsync/op.h"
#include "op_banded_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

qs_status qs_space_init(qs_space *space, int n_sub, const qs_index *dims)
{
  if (!space || !dims || n_sub < 1 || n_sub > QS_MAX_SUBSYSTEMS)
    return QS_ERR_INVALID;
  memset(space, 0, sizeof *space);
  space->n_sub = n_sub;
  space->total = 1;
  for (int k = 0; k < n_sub; k++) {
    if (dims[k] < 1)
      return QS_ERR_INVALID;
    space->dims[k] = dims[k];
    space->total *= dims[k];
  }
  return QS_OK;
}

static qs_op *op_alloc(qs_index dim, qs_index nnz)
{
  qs_op *op = calloc(1, sizeof *op);
  if (!op)
    return NULL;
  op->dim = dim;
  op->nnz = nnz;
  op->row_start = calloc((size_t)dim + 1, sizeof *op->row_start);
  op->col = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *op->col);
  op->val = malloc((size_t)(nnz > 0 ? nnz : 1) * sizeof *op->val);
  if (!op->row_start || !op->col || !op->val)
    qs_op_destroy(&op);
  return op;
}

void qs_op_destroy(qs_op **op)
{
  if (!op || !*op)
    return;
  qs_op_banded_free(&(*op)->banded);
  free((*op)->row_start);
  free((*op)->col);
  free((*op)->val);
  free(*op);
  *op = NULL;
}

qs_status qs_op_prepare_banded(qs_op *op)
{
  if (!op)
    return QS_ERR_INVALID;
  qs_op_banded_free(&op->banded);
  return qs_op_banded_build(op, &op->banded);
}

typedef struct {
  qs_index col;
  double complex val;
} col_entry;

static int compare_col(const void *a, const void *b)
{
  qs_index ca = ((const col_entry *)a)->col, cb = ((const col_entry *)b)->col;
  return (ca > cb) - (ca < cb);
}

qs_status qs_op_from_triplets(qs_index dim, qs_index n, const qs_index *row,
                              const qs_index *col, const double complex *val,
                              qs_op **out)
{
  if (!out || dim < 1 || n < 0 || (n > 0 && (!row || !col || !val)))
    return QS_ERR_INVALID;
  *out = NULL;
  for (qs_index k = 0; k < n; k++)
    if (row[k] < 0 || row[k] >= dim || col[k] < 0 || col[k] >= dim)
      return QS_ERR_INVALID;

  /* Bucket the triplets by row (counting sort), then sort each row by
   * column and merge duplicates in place. */
  qs_index *count = calloc((size_t)dim + 1, sizeof *count);
  col_entry *bucket = malloc((size_t)(n > 0 ? n : 1) * sizeof *bucket);
  if (!count || !bucket) {
    free(count);
    free(bucket);
    return QS_ERR_NOMEM;
  }
  for (qs_index k = 0; k < n; k++)
    count[row[k] + 1]++;
  for (qs_index r = 0; r < dim; r++)
    count[r + 1] += count[r];
  qs_index *fill = malloc((size_t)dim * sizeof *fill);
  if (!fill) {
    free(count);
    free(bucket);
    return QS_ERR_NOMEM;
  }
  memcpy(fill, count, (size_t)dim * sizeof *fill);
  for (qs_index k = 0; k < n; k++)
    bucket[fill[row[k]]++] = (col_entry){col[k], val[k]};
  free(fill);

  qs_index nnz = 0;
  for (qs_index r = 0; r < dim; r++) {
    col_entry *first = bucket + count[r];
    qs_index len = count[r + 1] - count[r];
    qsort(first, (size_t)len, sizeof *first, compare_col);
    qs_index row_nnz_start = nnz;
    for (qs_index k = 0; k < len; k++) {
      if (nnz > row_nnz_start && bucket[nnz - 1].col == first[k].col)
        bucket[nnz - 1].val += first[k].val;
      else
        bucket[nnz++] = first[k];
    }
    /* Drop entries that summed to exactly zero. */
    qs_index kept = row_nnz_start;
    for (qs_index k = row_nnz_start; k < nnz; k++)
      if (bucket[k].val != 0.0)
        bucket[kept++] = bucket[k];
    nnz = kept;
    count[r] = row_nnz_start; /* reuse as the row start */
  }

  qs_op *op = op_alloc(dim, nnz);
  if (!op) {
    free(count);
    free(bucket);
    return QS_ERR_NOMEM;
  }
  for (qs_index r = 0; r < dim; r++)
    op->row_start[r] = count[r];
  op->row_start[dim] = nnz;
  for (qs_index k = 0; k < nnz; k++) {
    op->col[k] = bucket[k].col;
    op->val[k] = bucket[k].val;
  }
  free(count);
  free(bucket);
  *out = op;
  return QS_OK;
}

/* Growable triplet list used by the builders below. */
typedef struct {
  qs_index n, cap;
  qs_index *row, *col;
  double complex *val;
} triplets;

static void triplets_free(triplets *t)
{
  free(t->row);
  free(t->col);
  free(t->val);
  memset(t, 0, sizeof *t);
}

static qs_status triplets_reserve(triplets *t, qs_index cap)
{
  memset(t, 0, sizeof *t);
  t->cap = cap > 0 ? cap : 1;
  t->row = malloc((size_t)t->cap * sizeof *t->row);
  t->col = malloc((size_t)t->cap * sizeof *t->col);
  t->val = malloc((size_t)t->cap * sizeof *t->val);
  if (!t->row || !t->col || !t->val) {
    triplets_free(t);
    return QS_ERR_NOMEM;
  }
  return QS_OK;
}

/* Capacity is reserved exactly by every caller, so push cannot overflow. */
static void triplets_push(triplets *t, qs_index r, qs_index c, double complex v)
{
  t->row[t->n] = r;
  t->col[t->n] = c;
  t->val[t->n] = v;
  t->n++;
}

static qs_status triplets_build(triplets *t, qs_index dim, qs_op **out)
{
  qs_status st = qs_op_from_triplets(dim, t->n, t->row, t->col, t->val, out);
  triplets_free(t);
  return st;
}

qs_status qs_op_from_dense(qs_index dim, const double complex *dense,
                           qs_op **out)
{
  if (!dense || !out || dim < 1)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, dim * dim) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index c = 0; c < dim; c++)
    for (qs_index r = 0; r < dim; r++)
      if (dense[r + c * dim] != 0.0)
        triplets_push(&t, r, c, dense[r + c * dim]);
  return triplets_build(&t, dim, out);
}

void qs_op_to_dense(const qs_op *op, double complex *dense)
{
  qs_index dim = op->dim;
  memset(dense, 0, (size_t)(dim * dim) * sizeof *dense);
  for (qs_index r = 0; r < dim; r++)
    for (qs_index k = op->row_start[r]; k < op->row_start[r + 1]; k++)
      dense[r + op->col[k] * dim] += op->val[k];
}

qs_status qs_op_identity(qs_index dim, qs_op **out)
{
  if (!out || dim < 1)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, dim) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index i = 0; i < dim; i++)
    triplets_push(&t, i, i, 1.0);
  return triplets_build(&t, dim, out);
}

qs_status qs_op_destroy_boson(qs_index n_levels, qs_op **out)
{
  if (!out || n_levels < 1)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, n_levels) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index n = 1; n < n_levels; n++)
    triplets_push(&t, n - 1, n, sqrt((double)n));
  return triplets_build(&t, n_levels, out);
}

qs_status qs_op_number(qs_index n_levels, qs_op **out)
{
  if (!out || n_levels < 1)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, n_levels) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index n = 1; n < n_levels; n++)
    triplets_push(&t, n, n, (double)n);
  return triplets_build(&t, n_levels, out);
}

qs_status qs_op_spin(int two_s, qs_spin_component which, qs_op **out)
{
  if (!out || two_s < 1)
    return QS_ERR_INVALID;
  qs_index dim = two_s + 1;
  double s = 0.5 * two_s;
  triplets t;
  if (triplets_reserve(&t, 2 * dim) != QS_OK)
    return QS_ERR_NOMEM;
  /* index i holds m = S - i; S+ maps index i to i-1 (m -> m+1). */
  for (qs_index i = 0; i < dim; i++) {
    double m = s - (double)i;
    double up = sqrt((s - m) * (s + m + 1.0));   /* <m+1|S+|m> */
    double down = sqrt((s + m) * (s - m + 1.0)); /* <m-1|S-|m> */
    switch (which) {
    case QS_SPIN_Z:
      triplets_push(&t, i, i, m);
      break;
    case QS_SPIN_PLUS:
      if (i > 0)
        triplets_push(&t, i - 1, i, up);
      break;
    case QS_SPIN_MINUS:
      if (i + 1 < dim)
        triplets_push(&t, i + 1, i, down);
      break;
    case QS_SPIN_X: /* (S+ + S-)/2 */
      if (i > 0)
        triplets_push(&t, i - 1, i, 0.5 * up);
      if (i + 1 < dim)
        triplets_push(&t, i + 1, i, 0.5 * down);
      break;
    case QS_SPIN_Y: /* (S+ - S-)/(2i) */
      if (i > 0)
        triplets_push(&t, i - 1, i, -0.5 * I * up);
      if (i + 1 < dim)
        triplets_push(&t, i + 1, i, 0.5 * I * down);
      break;
    default:
      triplets_free(&t);
      return QS_ERR_INVALID;
    }
  }
  return triplets_build(&t, dim, out);
}

qs_status qs_op_pauli(char which, qs_op **out)
{
  qs_spin_component comp;
  switch (which) {
  case 'x':
    comp = QS_SPIN_X;
    break;
  case 'y':
    comp = QS_SPIN_Y;
    break;
  case 'z':
    comp = QS_SPIN_Z;
    break;
  default:
    return QS_ERR_INVALID;
  }
  qs_op *half = NULL;
  qs_status st = qs_op_spin(1, comp, &half);
  if (st != QS_OK)
    return st;
  st = qs_op_scale(2.0, half, out);
  qs_op_destroy(&half);
  return st;
}

qs_status qs_op_kron(const qs_op *a, const qs_op *b, qs_op **out)
{
  if (!a || !b || !out)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, a->nnz * b->nnz) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index ra = 0; ra < a->dim; ra++)
    for (qs_index ka = a->row_start[ra]; ka < a->row_start[ra + 1]; ka++)
      for (qs_index rb = 0; rb < b->dim; rb++)
        for (qs_index kb = b->row_start[rb]; kb < b->row_start[rb + 1]; kb++)
          triplets_push(&t, ra * b->dim + rb, a->col[ka] * b->dim + b->col[kb],
                        a->val[ka] * b->val[kb]);
  return triplets_build(&t, a->dim * b->dim, out);
}

qs_status qs_op_embed(const qs_space *space, int which, const qs_op *local,
                      qs_op **out)
{
  if (!space || !local || !out || which < 0 || which >= space->n_sub)
    return QS_ERR_INVALID;
  if (local->dim != space->dims[which])
    return QS_ERR_DIMENSION;
  qs_index left = 1, right = 1;
  for (int k = 0; k < which; k++)
    left *= space->dims[k];
  for (int k = which + 1; k < space->n_sub; k++)
    right *= space->dims[k];
  triplets t;
  if (triplets_reserve(&t, left * right * local->nnz) != QS_OK)
    return QS_ERR_NOMEM;
  qs_index d = local->dim;
  for (qs_index l = 0; l < left; l++)
    for (qs_index r = 0; r < d; r++)
      for (qs_index k = local->row_start[r]; k < local->row_start[r + 1]; k++)
        for (qs_index m = 0; m < right; m++)
          triplets_push(&t, (l * d + r) * right + m,
                        (l * d + local->col[k]) * right + m, local->val[k]);
  return triplets_build(&t, space->total, out);
}

qs_status qs_op_add(double complex alpha, const qs_op *a, double complex beta,
                    const qs_op *b, qs_op **out)
{
  if (!a || !b || !out)
    return QS_ERR_INVALID;
  if (a->dim != b->dim)
    return QS_ERR_DIMENSION;
  triplets t;
  if (triplets_reserve(&t, a->nnz + b->nnz) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index r = 0; r < a->dim; r++) {
    for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++)
      triplets_push(&t, r, a->col[k], alpha * a->val[k]);
    for (qs_index k = b->row_start[r]; k < b->row_start[r + 1]; k++)
      triplets_push(&t, r, b->col[k], beta * b->val[k]);
  }
  return triplets_build(&t, a->dim, out);
}

qs_status qs_op_mul(const qs_op *a, const qs_op *b, qs_op **out)
{
  if (!a || !b || !out)
    return QS_ERR_INVALID;
  if (a->dim != b->dim)
    return QS_ERR_DIMENSION;
  qs_index n = 0;
  for (qs_index r = 0; r < a->dim; r++)
    for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++) {
      qs_index c = a->col[k];
      n += b->row_start[c + 1] - b->row_start[c];
    }
  triplets t;
  if (triplets_reserve(&t, n) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index r = 0; r < a->dim; r++)
    for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++) {
      qs_index c = a->col[k];
      for (qs_index j = b->row_start[c]; j < b->row_start[c + 1]; j++)
        triplets_push(&t, r, b->col[j], a->val[k] * b->val[j]);
    }
  return triplets_build(&t, a->dim, out);
}

qs_status qs_op_adjoint(const qs_op *a, qs_op **out)
{
  if (!a || !out)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, a->nnz) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index r = 0; r < a->dim; r++)
    for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++)
      triplets_push(&t, a->col[k], r, conj(a->val[k]));
  return triplets_build(&t, a->dim, out);
}

qs_status qs_op_scale(double complex alpha, const qs_op *a, qs_op **out)
{
  if (!a || !out)
    return QS_ERR_INVALID;
  triplets t;
  if (triplets_reserve(&t, a->nnz) != QS_OK)
    return QS_ERR_NOMEM;
  for (qs_index r = 0; r < a->dim; r++)
    for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++)
      triplets_push(&t, r, a->col[k], alpha * a->val[k]);
  return triplets_build(&t, a->dim, out);
}

qs_status qs_op_copy(const qs_op *a, qs_op **out)
{
  return qs_op_scale(1.0, a, out);
}

/* Row r of a times x.  Written in real arithmetic: C's complex product
 * carries an Annex G infinity/NaN fix-up branch (a libgcc call) that
 * costs more than the product itself in these loops; the values are the
 * same as the complex product's fast path. */
static inline double complex row_times(const qs_op *a, qs_index r, const double complex *x)
{
  const double *val = (const double *)a->val, *xv = (const double *)x;
  double sr = 0.0, si = 0.0;
  for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++) {
    const double ar = val[2 * k], ai = val[2 * k + 1];
    const double xr = xv[2 * a->col[k]], xi = xv[2 * a->col[k] + 1];
    sr += ar * xr - ai * xi;
    si += ar * xi + ai * xr;
  }
  return CMPLX(sr, si);
}

/* Rows handed from the banded kernel to the callers below at a time (a
 * stack buffer of 1 KiB). */
enum { ROW_CHUNK = 64 };

/* Each product below loops over the rows once, either over CSR rows or
 * over chunks of banded row sums (the same values, op_banded_impl.h),
 * and finishes every row with the same expression. */
#define FOR_EACH_ROW_SUM(a, x, r, row, ...)                                    \
  do {                                                                         \
    if (!qs_op_banded_usable((a)->banded)) {                                   \
      for (qs_index r = 0; r < (a)->dim; r++) {                                \
        const double complex row = row_times((a), r, (x));                     \
        __VA_ARGS__;                                                           \
      }                                                                        \
      break;                                                                   \
    }                                                                          \
    double complex chunk_[ROW_CHUNK];                                          \
    for (qs_index r0_ = 0; r0_ < (a)->dim; r0_ += ROW_CHUNK) {                 \
      qs_index r1_ = r0_ + ROW_CHUNK < (a)->dim ? r0_ + ROW_CHUNK : (a)->dim;  \
      qs_op_banded_rows((a)->banded, (x), r0_, r1_, chunk_);                   \
      for (qs_index r = r0_; r < r1_; r++) {                                   \
        const double complex row = chunk_[r - r0_];                            \
        __VA_ARGS__;                                                           \
      }                                                                        \
    }                                                                          \
  } while (0)

void qs_op_apply(const qs_op *a, const double complex *x, double complex *y)
{
  if (qs_op_banded_usable(a->banded)) /* the row sums straight into y */
    qs_op_banded_rows(a->banded, x, 0, a->dim, y);
  else
    for (qs_index r = 0; r < a->dim; r++)
      y[r] = row_times(a, r, x);
}

void qs_op_apply_acc(const qs_op *a, const double complex *x, double complex *y)
{
  FOR_EACH_ROW_SUM(a, x, r, row, y[r] += row);
}

void qs_op_apply_add(double complex alpha, const qs_op *a,
                     const double complex *x, double complex *y)
{
  FOR_EACH_ROW_SUM(a, x, r, row, y[r] += alpha * row);
}

double complex qs_op_expect(const qs_op *a, const double complex *x)
{
  double sr = 0.0, si = 0.0;
  FOR_EACH_ROW_SUM(a, x, r, row, {
    double xr = creal(x[r]), xi = cimag(x[r]); /* conj(x_r) * row */
    sr += xr * creal(row) + xi * cimag(row);
    si += xr * cimag(row) - xi * creal(row);
  });
  return CMPLX(sr, si);
}

double complex qs_op_trace_with(const qs_op *a, const double complex *rho)
{
  /* Tr(A rho) = sum_{r,c} A_rc rho_cr, rho column-major: rho_cr = rho[c + r*dim]. */
  double complex s = 0.0;
  qs_index dim = a->dim;
  for (qs_index r = 0; r < dim; r++)
    for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++)
      s += a->val[k] * rho[a->col[k] + r * dim];
  return s;
}

/* n! in double: exact up to 22!, relative error ~1e-16 beyond. */
static double factorial(int n)
{
  double f = 1.0;
  for (int i = 2; i <= n; i++)
    f *= i;
  return f;
}

static int imax3(int a, int b, int c)
{
  int m = a > b ? a : b;
  return m > c ? m : c;
}

static int imin3(int a, int b, int c)
{
  int m = a < b ? a : b;
  return m < c ? m : c;
}

/* Clebsch-Gordan coefficient <j1 m1; j2 m2 | J M> (Condon-Shortley) by
 * Racah's formula.  Every argument is twice the angular momentum; the
 * caller guarantees integer half-differences, |m| <= j and the triangle
 * |j1 - j2| <= J <= j1 + j2. */
static double clebsch_gordan(int tj1, int tm1, int tj2, int tm2, int tJ, int tM)
{
  if (tm1 + tm2 != tM)
    return 0.0;
  /* Racah's sum runs over s with these six factorial arguments >= 0:
   * s, a - s, b - s, c - s, d + s, e + s. */
  int a = (tj1 + tj2 - tJ) / 2, b = (tj1 - tm1) / 2, c = (tj2 + tm2) / 2;
  int d = (tJ - tj2 + tm1) / 2, e = (tJ - tj1 - tm2) / 2;
  double triangle = factorial(a) * factorial((tj1 - tj2 + tJ) / 2) *
                    factorial((tj2 - tj1 + tJ) / 2) /
                    factorial((tj1 + tj2 + tJ) / 2 + 1);
  double projections = factorial((tJ + tM) / 2) * factorial((tJ - tM) / 2) *
                       factorial(b) * factorial((tj1 + tm1) / 2) *
                       factorial((tj2 - tm2) / 2) * factorial(c);
  double sum = 0.0;
  for (int s = imax3(0, -d, -e); s <= imin3(a, b, c); s++)
    sum += (s % 2 ? -1.0 : 1.0) /
           (factorial(s) * factorial(a - s) * factorial(b - s) *
            factorial(c - s) * factorial(d + s) * factorial(e + s));
  return sqrt((tJ + 1) * triangle * projections) * sum;
}

qs_status qs_op_spin_tensor(int two_s, int k, int q, qs_op **out)
{
  if (!out || two_s < 1 || two_s > QS_SPIN_TENSOR_MAX_TWO_S || k < 0 ||
      k > two_s || q < -k || q > k)
    return QS_ERR_INVALID;
  qs_index dim = two_s + 1;
  triplets t;
  if (triplets_reserve(&t, dim) != QS_OK)
    return QS_ERR_NOMEM;
  /* Row i is m = S - i, column j is m' = S - j; only m - m' = q, i.e.
   * j = i + q, is nonzero.  The phase (-1)^{S-m'} is (-1)^j. */
  for (int i = 0; i < dim; i++) {
    int j = i + q;
    if (j < 0 || j >= dim)
      continue;
    double cg = clebsch_gordan(two_s, two_s - 2 * i, two_s, 2 * j - two_s,
                               2 * k, 2 * q);
    triplets_push(&t, i, j, (j % 2 ? -1.0 : 1.0) * cg);
  }
  return triplets_build(&t, dim, out);
}
