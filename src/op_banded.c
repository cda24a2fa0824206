/* The banded layout of an operator and its products; see op_banded_impl.h. */
#include "op_banded_impl.h"
#include "simd_impl.h"

#include <stdlib.h>
#include <string.h>

#if QS_HAVE_AVX2_KERNELS
#include <immintrin.h>
#endif

/* Rows per block of the AVX2 kernel: four registers of two rows each, so
 * four independent chains of additions are in flight. */
enum { BLOCK = 8 }; /* rows_avx2 below is written out for 8 */

void qs_op_banded_free(struct qs_op_banded **b)
{
  if (!b || !*b)
    return;
  free((*b)->re);
  free((*b)->im);
  free(*b);
  *b = NULL;
}

/* Insert offset d into the ascending list off[0..*n); 0 if that would
 * exceed QS_BANDED_MAX_DIAGS. */
static int add_offset(qs_index *off, int *n, qs_index d)
{
  int i = 0;
  while (i < *n && off[i] < d)
    i++;
  if (i < *n && off[i] == d)
    return 1;
  if (*n == QS_BANDED_MAX_DIAGS)
    return 0;
  memmove(off + i + 1, off + i, (size_t)(*n - i) * sizeof *off);
  off[i] = d;
  (*n)++;
  return 1;
}

static int diagonal_of(const struct qs_op_banded *b, qs_index d)
{
  int k = 0;
  while (b->offset[k] != d)
    k++;
  return k;
}

qs_status qs_op_banded_build(const qs_op *op, struct qs_op_banded **out)
{
  *out = NULL;
  if (op->dim < QS_BANDED_MIN_DIM || op->nnz == 0)
    return QS_OK;
  struct qs_op_banded *b = calloc(1, sizeof *b);
  if (!b)
    return QS_ERR_NOMEM;
  b->dim = op->dim;
  for (qs_index r = 0; r < op->dim; r++)
    for (qs_index k = op->row_start[r]; k < op->row_start[r + 1]; k++)
      if (!add_offset(b->offset, &b->n_diag, op->col[k] - r)) {
        free(b);
        return QS_OK;
      }
  if ((double)op->nnz < QS_BANDED_MIN_FILL * (double)b->n_diag * (double)op->dim) {
    free(b);
    return QS_OK;
  }
  size_t n = (size_t)b->n_diag * 2 * (size_t)op->dim;
  b->re = calloc(n, sizeof *b->re);
  b->im = calloc(n, sizeof *b->im);
  if (!b->re || !b->im) {
    qs_op_banded_free(&b);
    return QS_ERR_NOMEM;
  }
  for (int k = 0; k < b->n_diag; k++) {
    b->lo[k] = b->offset[k] < 0 ? -b->offset[k] : 0;
    b->hi[k] = b->offset[k] > 0 ? op->dim - b->offset[k] : op->dim;
  }
  for (qs_index r = 0; r < op->dim; r++)
    for (qs_index e = op->row_start[r]; e < op->row_start[r + 1]; e++) {
      size_t at = (size_t)diagonal_of(b, op->col[e] - r) * 2 * (size_t)op->dim + 2 * (size_t)r;
      b->re[at] = b->re[at + 1] = creal(op->val[e]);
      b->im[at] = b->im[at + 1] = cimag(op->val[e]);
    }
  *out = b;
  return QS_OK;
}

/* s += A(r, c) x_c on (re, im) pairs, with the CSR loop's expression. */
static inline void mac_scalar(double *s, double ar, double ai, const double *x)
{
  s[0] += ar * x[0] - ai * x[1];
  s[1] += ar * x[1] + ai * x[0];
}

/* Row r's sum into s[0..1], diagonals in ascending order. */
static inline void row_scalar(const struct qs_op_banded *b, const double *x, qs_index r,
                              double *s)
{
  const size_t stride = 2 * (size_t)b->dim;
  s[0] = 0.0;
  s[1] = 0.0;
  for (int k = 0; k < b->n_diag; k++) {
    if (r < b->lo[k] || r >= b->hi[k])
      continue; /* no entry: the zero term changes no bit */
    size_t at = k * stride + 2 * (size_t)r;
    mac_scalar(s, b->re[at], b->im[at], x + 2 * (r + b->offset[k]));
  }
}

static void rows_portable(const struct qs_op_banded *b, const double *x, qs_index r0,
                          qs_index r1, double *s)
{
  for (qs_index r = r0; r < r1; r++)
    row_scalar(b, x, r, s + 2 * (r - r0));
}

#if QS_HAVE_AVX2_KERNELS
/* s + A x for two rows: [Re, Im] of each row's entry times its x, then
 * addsub gives (ar xr - ai xi, ar xi + ai xr), the scalar expression. */
QS_TARGET_AVX2 static inline __m256d mac2(__m256d s, const double *re, const double *im,
                                          const double *x)
{
  __m256d xv = _mm256_loadu_pd(x);
  __m256d swapped = _mm256_permute_pd(xv, 0x5);
  __m256d p1 = _mm256_mul_pd(_mm256_loadu_pd(re), xv);
  __m256d p2 = _mm256_mul_pd(_mm256_loadu_pd(im), swapped);
  return _mm256_add_pd(s, _mm256_addsub_pd(p1, p2));
}

/* Diagonal k on the rows r .. r + BLOCK - 1 of s (pairs re, im) where it
 * only partly covers them: each covered row takes its term. */
static void block_partial(const struct qs_op_banded *b, const double *x, int k, qs_index r,
                          double *s)
{
  const size_t stride = 2 * (size_t)b->dim;
  for (qs_index i = r; i < r + BLOCK; i++)
    if (i >= b->lo[k] && i < b->hi[k]) {
      size_t at = k * stride + 2 * (size_t)i;
      mac_scalar(s + 2 * (i - r), b->re[at], b->im[at], x + 2 * (i + b->offset[k]));
    }
}

QS_TARGET_AVX2 static void rows_avx2(const struct qs_op_banded *b, const double *x,
                                     qs_index r0, qs_index r1, double *s)
{
  const size_t stride = 2 * (size_t)b->dim;
  qs_index r = r0;
  for (; r + BLOCK <= r1; r += BLOCK) {
    double *out = s + 2 * (r - r0);
    /* Four named accumulators (rows r, r+1 | r+2, r+3 | ...) stay in
     * registers; an array whose address escapes would not. */
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < b->n_diag; k++) {
      if (r + BLOCK <= b->lo[k] || r >= b->hi[k])
        continue; /* the block has no entry on this diagonal */
      if (r < b->lo[k] || r + BLOCK > b->hi[k]) {
        _mm256_storeu_pd(out, a0);
        _mm256_storeu_pd(out + 4, a1);
        _mm256_storeu_pd(out + 8, a2);
        _mm256_storeu_pd(out + 12, a3);
        block_partial(b, x, k, r, out);
        a0 = _mm256_loadu_pd(out);
        a1 = _mm256_loadu_pd(out + 4);
        a2 = _mm256_loadu_pd(out + 8);
        a3 = _mm256_loadu_pd(out + 12);
        continue;
      }
      const double *re = b->re + k * stride + 2 * (size_t)r;
      const double *im = b->im + k * stride + 2 * (size_t)r;
      const double *xk = x + 2 * (r + b->offset[k]);
      a0 = mac2(a0, re, im, xk);
      a1 = mac2(a1, re + 4, im + 4, xk + 4);
      a2 = mac2(a2, re + 8, im + 8, xk + 8);
      a3 = mac2(a3, re + 12, im + 12, xk + 12);
    }
    _mm256_storeu_pd(out, a0);
    _mm256_storeu_pd(out + 4, a1);
    _mm256_storeu_pd(out + 8, a2);
    _mm256_storeu_pd(out + 12, a3);
  }
  for (; r < r1; r++)
    row_scalar(b, x, r, s + 2 * (r - r0));
}
#endif

void qs_op_banded_rows(const struct qs_op_banded *b, const double complex *x,
                       qs_index r0, qs_index r1, double complex *s)
{
  /* C11 6.2.5: double complex has the layout of double[2]. */
  const double *xd = (const double *)x;
  double *sd = (double *)s;
#if QS_HAVE_AVX2_KERNELS
  if (qs_simd_avx2()) {
    rows_avx2(b, xd, r0, r1, sd);
    return;
  }
#endif
  rows_portable(b, xd, r0, r1, sd);
}
