/* The banded layout of an operator and its products; see op_banded_impl.h. */
#include "op_banded_impl.h"
#include "simd_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if QS_HAVE_AVX2_KERNELS
#include <immintrin.h>
#endif

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
  b->dim_pad = (op->dim + 3) & ~(qs_index)3;
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
  size_t n = (size_t)b->n_diag * (size_t)b->dim_pad;
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
      size_t at = (size_t)diagonal_of(b, op->col[e] - r) * (size_t)b->dim_pad +
                  (size_t)qs_banded_slot(r);
      b->re[at] = creal(op->val[e]);
      b->im[at] = cimag(op->val[e]);
    }
  *out = b;
  return QS_OK;
}

/* Row r's sum into s[0..1]: the diagonals in ascending order with the CSR
 * loop's expression (the AVX2 kernel's rows outside its 8-row blocks). */
static void row_scalar(const struct qs_op_banded *b, const double *x, qs_index r, double *s)
{
  const qs_index slot = qs_banded_slot(r);
  double sr = 0.0, si = 0.0;
  for (int k = 0; k < b->n_diag; k++) {
    if (r < b->lo[k] || r >= b->hi[k])
      continue; /* no entry: the zero term changes no bit */
    const size_t at = (size_t)k * (size_t)b->dim_pad + (size_t)slot;
    const double ar = b->re[at], ai = b->im[at];
    const double *xc = x + 2 * (r + b->offset[k]);
    sr += ar * xc[0] - ai * xc[1];
    si += ar * xc[1] + ai * xc[0];
  }
  s[0] = sr;
  s[1] = si;
}

#if QS_HAVE_AVX2_KERNELS
/* Four rows r .. r + 3 (r a multiple of 4) on one diagonal: x_lo, x_hi
 * hold (Re, Im) of x for rows r, r+1 and r+2, r+3; unpacking them gives
 * Re x and Im x in the row order 0, 2, 1, 3 of the stored values, and
 * sr + (ar xr - ai xi), si + (ar xi + ai xr) is the scalar expression. */
QS_TARGET_AVX2 static inline void mac4(__m256d *sr, __m256d *si, const double *re,
                                       const double *im, __m256d x_lo, __m256d x_hi)
{
  const __m256d xr = _mm256_unpacklo_pd(x_lo, x_hi), xi = _mm256_unpackhi_pd(x_lo, x_hi);
  const __m256d ar = _mm256_loadu_pd(re), ai = _mm256_loadu_pd(im);
  *sr = _mm256_add_pd(*sr, _mm256_sub_pd(_mm256_mul_pd(ar, xr), _mm256_mul_pd(ai, xi)));
  *si = _mm256_add_pd(*si, _mm256_add_pd(_mm256_mul_pd(ar, xi), _mm256_mul_pd(ai, xr)));
}

/* Load (Re, Im) of x at rows i, i + 1 of a diagonal, zero for rows outside
 * lo <= row < hi (masked lanes are not read, so the address may lie
 * outside x; it is formed in integers). */
QS_TARGET_AVX2 static inline __m256d load_masked(const double *x, qs_index col, qs_index i,
                                                 qs_index lo, qs_index hi)
{
  const __m256i rows = _mm256_set_epi64x(i + 1, i + 1, i, i);
  const __m256i in = _mm256_and_si256(_mm256_cmpgt_epi64(rows, _mm256_set1_epi64x(lo - 1)),
                                      _mm256_cmpgt_epi64(_mm256_set1_epi64x(hi), rows));
  const double *at = (const double *)((uintptr_t)x + (uintptr_t)(2 * col) * sizeof *x);
  return _mm256_maskload_pd(at, in);
}

/* Eight rows from r (a multiple of 4) into s (pairs re, im). */
QS_TARGET_AVX2 static void block8(const struct qs_op_banded *b, const double *x, qs_index r,
                                  double *s)
{
  __m256d sr0 = _mm256_setzero_pd(), si0 = sr0, sr1 = sr0, si1 = sr0;
  for (int k = 0; k < b->n_diag; k++) {
    const qs_index lo = b->lo[k], hi = b->hi[k], off = b->offset[k];
    if (r + 8 <= lo || r >= hi)
      continue; /* no entry of this diagonal in these rows */
    const double *re = b->re + (size_t)k * (size_t)b->dim_pad + r;
    const double *im = b->im + (size_t)k * (size_t)b->dim_pad + r;
    if (lo <= r && r + 8 <= hi) {
      const double *xc = x + 2 * (r + off);
      mac4(&sr0, &si0, re, im, _mm256_loadu_pd(xc), _mm256_loadu_pd(xc + 4));
      mac4(&sr1, &si1, re + 4, im + 4, _mm256_loadu_pd(xc + 8), _mm256_loadu_pd(xc + 12));
    } else { /* rows outside: x read as 0, times the stored 0 */
      mac4(&sr0, &si0, re, im, load_masked(x, r + off, r, lo, hi),
           load_masked(x, r + 2 + off, r + 2, lo, hi));
      mac4(&sr1, &si1, re + 4, im + 4, load_masked(x, r + 4 + off, r + 4, lo, hi),
           load_masked(x, r + 6 + off, r + 6, lo, hi));
    }
  }
  _mm256_storeu_pd(s, _mm256_unpacklo_pd(sr0, si0));
  _mm256_storeu_pd(s + 4, _mm256_unpackhi_pd(sr0, si0));
  _mm256_storeu_pd(s + 8, _mm256_unpacklo_pd(sr1, si1));
  _mm256_storeu_pd(s + 12, _mm256_unpackhi_pd(sr1, si1));
}

QS_TARGET_AVX2 static void rows_avx2(const struct qs_op_banded *b, const double *x,
                                     qs_index r0, qs_index r1, double *s)
{
  qs_index r = r0;
  for (; r < r1 && (r & 3); r++) /* up to a group of four */
    row_scalar(b, x, r, s + 2 * (r - r0));
  for (; r + 8 <= r1; r += 8)
    block8(b, x, r, s + 2 * (r - r0));
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
  /* Not reached through qs_op_banded_usable; correct all the same. */
  for (qs_index r = r0; r < r1; r++)
    row_scalar(b, xd, r, sd + 2 * (r - r0));
}
