/* Serial N_Vector compiled with the project's flags; see nvector_qs_impl.h.
 *
 * Every operation mirrors NVECTOR_SERIAL of SUNDIALS 6.4 (same special
 * cases, same expressions, reductions summed in index order), and the
 * fused / vector-array operations mirror SUNDIALS' generic fallbacks
 * (N_VLinearCombination = N_VScale + N_VLinearSum(c_i, X_i, 1, z, z), ...),
 * which is what CVODE runs with NVECTOR_SERIAL's default settings.  So the
 * results are bitwise those of NVECTOR_SERIAL.  (The Makefile compiles in
 * ISO C mode, where GCC does not contract a*x + y into an FMA.)
 *
 * Element-wise loops carry `omp simd` (the project builds with -fopenmp):
 * GCC's -O2 cost model does not vectorize loops of unknown trip count, and
 * each element is computed independently with the same expression, so
 * vectorizing does not change any result.  Reductions are left in index
 * order (no reassociation).  Operands are either the same vector or
 * disjoint arrays, so in-place operations are element-wise safe.
 */
#include "nvector_qs_impl.h"
#include "simd_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  sunindextype length;
  sunbooleantype own_data; /* data is freed by N_VDestroy */
  sunrealtype *data;
} qs_nvector_content;

#define QS_NV(v) ((qs_nvector_content *)(v)->content)
#define LEN(v) (QS_NV(v)->length)
#define DAT(v) (QS_NV(v)->data)

#define ZERO 0.0
#define HALF 0.5
#define ONE 1.0
#define ONEPT5 1.5

#define SIMD _Pragma("omp simd")

/* The element-wise kernels are written once as bodies (always inlined)
 * and compiled twice: for AVX2 and for the baseline (simd_impl.h; the
 * same operations on each element, so the same bits).  NAME(params)
 * calls the AVX2 copy when the CPU has it. */
#define BODY static inline __attribute__((always_inline))
#define TWO_TARGETS(name, params, args)                                        \
  QS_TARGET_AVX2 static void name##_avx2 params { name##_body args; }          \
  static void name##_base params { name##_body args; }                        \
  static void name params                                                      \
  {                                                                            \
    if (qs_simd_avx2())                                                        \
      name##_avx2 args;                                                        \
    else                                                                       \
      name##_base args;                                                        \
  }

/* Elements per block of the single-pass fused operations (2 KiB of each
 * vector, so a block of every operand stays in the L1 cache), and most
 * vectors they take in one pass (CVODE passes at most q + 1 <= 13). */
enum { FUSE_BLOCK = 256, FUSE_MAX = 16 };

/* ------------------------------------------------------------------ */
/* element-wise kernels (n elements)                                   */

/* y <- a x + y, as NVECTOR_SERIAL's Vaxpy */
BODY void k_axpy_body(sunindextype n, sunrealtype a, const sunrealtype *x,
                          sunrealtype *y)
{
  if (a == ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) y[i] += x[i];
  } else if (a == -ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) y[i] -= x[i];
  } else {
    SIMD for (sunindextype i = 0; i < n; i++) y[i] += a * x[i];
  }
}

/* z <- a x + b y with NVECTOR_SERIAL's case analysis (N_VLinearSum_Serial).
 * The cases matter for bitwise results only for a == +-b (c (x +- y)). */
BODY void k_linearsum_body(sunindextype n, sunrealtype a, const sunrealtype *x,
                          sunrealtype b, const sunrealtype *y, sunrealtype *z,
                          int z_is_x, int z_is_y)
{
  if (b == ONE && z_is_y) {
    k_axpy_body(n, a, x, z);
  } else if (a == ONE && z_is_x) {
    k_axpy_body(n, b, y, z);
  } else if (a == ONE && b == ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = x[i] + y[i];
  } else if (a == ONE && b == -ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = x[i] - y[i];
  } else if (a == -ONE && b == ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = y[i] - x[i];
  } else if (a == ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = (b * y[i]) + x[i];
  } else if (b == ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = (a * x[i]) + y[i];
  } else if (a == -ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = (b * y[i]) - x[i];
  } else if (b == -ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = (a * x[i]) - y[i];
  } else if (a == b) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = a * (x[i] + y[i]);
  } else if (a == -b) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = a * (x[i] - y[i]);
  } else {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = (a * x[i]) + (b * y[i]);
  }
}

/* z <- c x, as N_VScale_Serial (c = +-1 copy / negate, both exact) */
BODY void k_scale_body(sunindextype n, sunrealtype c, const sunrealtype *x,
                       sunrealtype *z)
{
  if (z == x) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] *= c;
  } else if (c == ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = x[i];
  } else if (c == -ONE) {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = -x[i];
  } else {
    SIMD for (sunindextype i = 0; i < n; i++) z[i] = c * x[i];
  }
}

/* z = c_0 X_0 + c_1 X_1 + ... as N_VScale then axpys, in one pass over
 * blocks: each element sees the same operations in the same order. */
BODY void k_lincomb_body(sunindextype n, int nvec, const sunrealtype *c,
                         const sunrealtype *const *X, sunrealtype *z)
{
  for (sunindextype e = 0; e < n; e += FUSE_BLOCK) {
    sunindextype m = n - e < FUSE_BLOCK ? n - e : FUSE_BLOCK;
    k_scale_body(m, c[0], X[0] + e, z + e);
    for (int i = 1; i < nvec; i++)
      k_axpy_body(m, c[i], X[i] + e, z + e);
  }
}

/* Z_i = a_i x + Y_i (N_VLinearSum(a_i, x, 1, Y_i, Z_i)) for i in order,
 * in one pass over blocks. */
BODY void k_scaleaddmulti_body(sunindextype n, int nvec, const sunrealtype *a,
                               const sunrealtype *x, const sunrealtype *const *Y,
                               sunrealtype *const *Z)
{
  for (sunindextype e = 0; e < n; e += FUSE_BLOCK) {
    sunindextype m = n - e < FUSE_BLOCK ? n - e : FUSE_BLOCK;
    for (int i = 0; i < nvec; i++)
      k_linearsum_body(m, a[i], x + e, ONE, Y[i] + e, Z[i] + e, Z[i] == x, Z[i] == Y[i]);
  }
}

BODY void k_const_body(sunindextype n, sunrealtype c, sunrealtype *z)
{
  SIMD for (sunindextype i = 0; i < n; i++) z[i] = c;
}

BODY void k_abs_body(sunindextype n, const sunrealtype *x, sunrealtype *z)
{
  SIMD for (sunindextype i = 0; i < n; i++) z[i] = fabs(x[i]);
}

BODY void k_inv_body(sunindextype n, const sunrealtype *x, sunrealtype *z)
{
  SIMD for (sunindextype i = 0; i < n; i++) z[i] = ONE / x[i];
}

BODY void k_addconst_body(sunindextype n, const sunrealtype *x, sunrealtype b,
                          sunrealtype *z)
{
  SIMD for (sunindextype i = 0; i < n; i++) z[i] = x[i] + b;
}

TWO_TARGETS(k_axpy, (sunindextype n, sunrealtype a, const sunrealtype *x, sunrealtype *y),
            (n, a, x, y))
TWO_TARGETS(k_linearsum,
            (sunindextype n, sunrealtype a, const sunrealtype *x, sunrealtype b,
             const sunrealtype *y, sunrealtype *z, int z_is_x, int z_is_y),
            (n, a, x, b, y, z, z_is_x, z_is_y))
TWO_TARGETS(k_scale, (sunindextype n, sunrealtype c, const sunrealtype *x, sunrealtype *z),
            (n, c, x, z))
TWO_TARGETS(k_lincomb,
            (sunindextype n, int nvec, const sunrealtype *c, const sunrealtype *const *X,
             sunrealtype *z),
            (n, nvec, c, X, z))
TWO_TARGETS(k_scaleaddmulti,
            (sunindextype n, int nvec, const sunrealtype *a, const sunrealtype *x,
             const sunrealtype *const *Y, sunrealtype *const *Z),
            (n, nvec, a, x, Y, Z))
TWO_TARGETS(k_const, (sunindextype n, sunrealtype c, sunrealtype *z), (n, c, z))
TWO_TARGETS(k_abs, (sunindextype n, const sunrealtype *x, sunrealtype *z), (n, x, z))
TWO_TARGETS(k_inv, (sunindextype n, const sunrealtype *x, sunrealtype *z), (n, x, z))
TWO_TARGETS(k_addconst, (sunindextype n, const sunrealtype *x, sunrealtype b, sunrealtype *z),
            (n, x, b, z))

/* sum (x_i w_i)^2 in index order */
static inline sunrealtype k_wsqrsum(sunindextype n, const sunrealtype *x,
                                    const sunrealtype *w)
{
  sunrealtype sum = ZERO;
  for (sunindextype i = 0; i < n; i++) {
    sunrealtype p = x[i] * w[i];
    sum += p * p;
  }
  return sum;
}

static inline sunrealtype k_wsqrsum_mask(sunindextype n, const sunrealtype *x,
                                         const sunrealtype *w,
                                         const sunrealtype *id)
{
  sunrealtype sum = ZERO;
  for (sunindextype i = 0; i < n; i++) {
    if (id[i] > ZERO) {
      sunrealtype p = x[i] * w[i];
      sum += p * p;
    }
  }
  return sum;
}

static inline sunrealtype k_dot(sunindextype n, const sunrealtype *x,
                                const sunrealtype *y)
{
  sunrealtype sum = ZERO;
  for (sunindextype i = 0; i < n; i++) sum += x[i] * y[i];
  return sum;
}

/* ------------------------------------------------------------------ */
/* constructors, destructor, utilities                                 */

static N_Vector qs_nv_alloc(sunindextype length, SUNContext ctx,
                            N_Vector ops_from);
static void qs_nv_set_ops(N_Vector v, int fused);

static N_Vector_ID qs_nv_getvectorid(N_Vector v)
{
  (void)v;
  return SUNDIALS_NVEC_CUSTOM;
}

static N_Vector qs_nv_cloneempty(N_Vector w)
{
  if (!w || !w->content)
    return NULL;
  return qs_nv_alloc(LEN(w), w->sunctx, w);
}

static N_Vector qs_nv_clone(N_Vector w)
{
  N_Vector v = qs_nv_cloneempty(w);
  if (!v)
    return NULL;
  sunindextype n = LEN(w);
  if (n > 0) {
    sunrealtype *data = malloc((size_t)n * sizeof *data);
    if (!data) {
      N_VDestroy(v);
      return NULL;
    }
    QS_NV(v)->data = data;
    QS_NV(v)->own_data = SUNTRUE;
  }
  return v;
}

static void qs_nv_destroy(N_Vector v)
{
  if (!v)
    return;
  qs_nvector_content *c = v->content;
  if (c) {
    if (c->own_data)
      free(c->data);
    free(c);
    v->content = NULL;
  }
  N_VFreeEmpty(v); /* ops and the vector itself */
}

static void qs_nv_space(N_Vector v, sunindextype *lrw, sunindextype *liw)
{
  *lrw = LEN(v);
  *liw = 1;
}

static sunrealtype *qs_nv_getarraypointer(N_Vector v) { return DAT(v); }

static void qs_nv_setarraypointer(sunrealtype *v_data, N_Vector v)
{
  /* as NVECTOR_SERIAL: ownership is unchanged */
  if (LEN(v) > 0)
    DAT(v) = v_data;
}

static sunindextype qs_nv_getlength(N_Vector v) { return LEN(v); }

static void qs_nv_printfile(N_Vector v, FILE *f)
{
  for (sunindextype i = 0; i < LEN(v); i++)
    fprintf(f, "%.16g\n", DAT(v)[i]);
  fprintf(f, "\n");
}

static void qs_nv_print(N_Vector v) { qs_nv_printfile(v, stdout); }

/* ------------------------------------------------------------------ */
/* standard operations                                                 */

static void qs_nv_linearsum(sunrealtype a, N_Vector x, sunrealtype b,
                            N_Vector y, N_Vector z)
{
  k_linearsum(LEN(x), a, DAT(x), b, DAT(y), DAT(z), z == x, z == y);
}

static void qs_nv_const(sunrealtype c, N_Vector z)
{
  sunindextype n = LEN(z);
  k_const(n, c, DAT(z));
}

static void qs_nv_prod(N_Vector x, N_Vector y, N_Vector z)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x), *yd = DAT(y);
  sunrealtype *zd = DAT(z);
  SIMD for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] * yd[i];
}

static void qs_nv_div(N_Vector x, N_Vector y, N_Vector z)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x), *yd = DAT(y);
  sunrealtype *zd = DAT(z);
  SIMD for (sunindextype i = 0; i < n; i++) zd[i] = xd[i] / yd[i];
}

static void qs_nv_scale(sunrealtype c, N_Vector x, N_Vector z)
{
  k_scale(LEN(x), c, DAT(x), DAT(z));
}

static void qs_nv_abs(N_Vector x, N_Vector z)
{
  sunindextype n = LEN(x);
  k_abs(n, DAT(x), DAT(z));
}

static void qs_nv_inv(N_Vector x, N_Vector z)
{
  sunindextype n = LEN(x);
  k_inv(n, DAT(x), DAT(z));
}

static void qs_nv_addconst(N_Vector x, sunrealtype b, N_Vector z)
{
  sunindextype n = LEN(x);
  k_addconst(n, DAT(x), b, DAT(z));
}

static sunrealtype qs_nv_dotprod(N_Vector x, N_Vector y)
{
  return k_dot(LEN(x), DAT(x), DAT(y));
}

static sunrealtype qs_nv_maxnorm(N_Vector x)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x);
  sunrealtype max = ZERO;
  for (sunindextype i = 0; i < n; i++)
    if (fabs(xd[i]) > max)
      max = fabs(xd[i]);
  return max;
}

static sunrealtype qs_nv_wsqrsumlocal(N_Vector x, N_Vector w)
{
  return k_wsqrsum(LEN(x), DAT(x), DAT(w));
}

static sunrealtype qs_nv_wsqrsummasklocal(N_Vector x, N_Vector w, N_Vector id)
{
  return k_wsqrsum_mask(LEN(x), DAT(x), DAT(w), DAT(id));
}

static sunrealtype qs_nv_wrmsnorm(N_Vector x, N_Vector w)
{
  sunindextype n = LEN(x);
  return sqrt(k_wsqrsum(n, DAT(x), DAT(w)) / (sunrealtype)n);
}

static sunrealtype qs_nv_wrmsnormmask(N_Vector x, N_Vector w, N_Vector id)
{
  sunindextype n = LEN(x);
  return sqrt(k_wsqrsum_mask(n, DAT(x), DAT(w), DAT(id)) / (sunrealtype)n);
}

static sunrealtype qs_nv_min(N_Vector x)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x);
  if (n <= 0)
    return SUN_BIG_REAL;
  sunrealtype min = xd[0];
  for (sunindextype i = 1; i < n; i++)
    if (xd[i] < min)
      min = xd[i];
  return min;
}

static sunrealtype qs_nv_wl2norm(N_Vector x, N_Vector w)
{
  return sqrt(k_wsqrsum(LEN(x), DAT(x), DAT(w)));
}

static sunrealtype qs_nv_l1norm(N_Vector x)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x);
  sunrealtype sum = ZERO;
  for (sunindextype i = 0; i < n; i++)
    sum += fabs(xd[i]);
  return sum;
}

static void qs_nv_compare(sunrealtype c, N_Vector x, N_Vector z)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x);
  sunrealtype *zd = DAT(z);
  SIMD for (sunindextype i = 0; i < n; i++) zd[i] = (fabs(xd[i]) >= c) ? ONE : ZERO;
}

static sunbooleantype qs_nv_invtest(N_Vector x, N_Vector z)
{
  sunindextype n = LEN(x);
  const sunrealtype *xd = DAT(x);
  sunrealtype *zd = DAT(z);
  sunbooleantype no_zero_found = SUNTRUE;
  for (sunindextype i = 0; i < n; i++) {
    if (xd[i] == ZERO)
      no_zero_found = SUNFALSE;
    else
      zd[i] = ONE / xd[i];
  }
  return no_zero_found;
}

static sunbooleantype qs_nv_constrmask(N_Vector c, N_Vector x, N_Vector m)
{
  sunindextype n = LEN(x);
  const sunrealtype *cd = DAT(c), *xd = DAT(x);
  sunrealtype *md = DAT(m);
  int violated = 0;
  for (sunindextype i = 0; i < n; i++) {
    md[i] = ZERO;
    if (cd[i] == ZERO)
      continue;
    if ((fabs(cd[i]) > ONEPT5 && xd[i] * cd[i] <= ZERO) ||
        (fabs(cd[i]) > HALF && xd[i] * cd[i] < ZERO)) {
      md[i] = ONE;
      violated = 1;
    }
  }
  return violated ? SUNFALSE : SUNTRUE;
}

static sunrealtype qs_nv_minquotient(N_Vector num, N_Vector denom)
{
  sunindextype n = LEN(num);
  const sunrealtype *nd = DAT(num), *dd = DAT(denom);
  int found = 0;
  sunrealtype min = SUN_BIG_REAL;
  for (sunindextype i = 0; i < n; i++) {
    if (dd[i] == ZERO)
      continue;
    sunrealtype q = nd[i] / dd[i];
    if (!found) {
      min = q;
      found = 1;
    } else if (!(min < q)) { /* SUNMIN(min, q) = (min < q) ? min : q */
      min = q;
    }
  }
  return min;
}

/* ------------------------------------------------------------------ */
/* fused operations: exactly SUNDIALS' generic fallbacks               */

/* z = c_0 X_0 (N_VScale), then z += c_i X_i for i = 1.. in order
 * (N_VLinearSum(c_i, X_i, 1, z, z) is an axpy), in one pass. */
static int qs_nv_linearcombination(int nvec, sunrealtype *c, N_Vector *X,
                                   N_Vector z)
{
  if (nvec < 1)
    return -1;
  sunindextype n = LEN(z);
  sunrealtype *zd = DAT(z);
  if (nvec > FUSE_MAX) {
    k_scale(n, c[0], DAT(X[0]), zd);
    for (int i = 1; i < nvec; i++)
      k_axpy(n, c[i], DAT(X[i]), zd);
    return 0;
  }
  const sunrealtype *xd[FUSE_MAX];
  for (int i = 0; i < nvec; i++)
    xd[i] = DAT(X[i]);
  k_lincomb(n, nvec, c, xd, zd);
  return 0;
}

/* Z_i = a_i x + Y_i, i = 0.. in order (N_VLinearSum(a_i, x, 1, Y_i, Z_i);
 * all of its cases give a_i x + Y_i bitwise here since b = 1), in one
 * pass. */
static int qs_nv_scaleaddmulti(int nvec, sunrealtype *a, N_Vector x,
                               N_Vector *Y, N_Vector *Z)
{
  if (nvec < 1)
    return -1;
  sunindextype n = LEN(x);
  if (nvec > FUSE_MAX) {
    for (int i = 0; i < nvec; i++)
      k_linearsum(n, a[i], DAT(x), ONE, DAT(Y[i]), DAT(Z[i]), Z[i] == x, Z[i] == Y[i]);
    return 0;
  }
  const sunrealtype *yd[FUSE_MAX];
  sunrealtype *zd[FUSE_MAX];
  for (int i = 0; i < nvec; i++) {
    yd[i] = DAT(Y[i]);
    zd[i] = DAT(Z[i]);
  }
  k_scaleaddmulti(n, nvec, a, DAT(x), yd, zd);
  return 0;
}

static int qs_nv_dotprodmulti(int nvec, N_Vector x, N_Vector *Y,
                              sunrealtype *dotprods)
{
  if (nvec < 1)
    return -1;
  for (int i = 0; i < nvec; i++)
    dotprods[i] = k_dot(LEN(x), DAT(x), DAT(Y[i]));
  return 0;
}

/* ------------------------------------------------------------------ */
/* vector array operations: the generic fallbacks, without the calls   */

static int qs_nv_linearsumvectorarray(int nvec, sunrealtype a, N_Vector *X,
                                      sunrealtype b, N_Vector *Y, N_Vector *Z)
{
  if (nvec < 1)
    return -1;
  for (int i = 0; i < nvec; i++)
    k_linearsum(LEN(Z[i]), a, DAT(X[i]), b, DAT(Y[i]), DAT(Z[i]), Z[i] == X[i],
                Z[i] == Y[i]);
  return 0;
}

static int qs_nv_scalevectorarray(int nvec, sunrealtype *c, N_Vector *X,
                                  N_Vector *Z)
{
  if (nvec < 1)
    return -1;
  for (int i = 0; i < nvec; i++)
    k_scale(LEN(Z[i]), c[i], DAT(X[i]), DAT(Z[i]));
  return 0;
}

static int qs_nv_constvectorarray(int nvec, sunrealtype c, N_Vector *Z)
{
  if (nvec < 1)
    return -1;
  for (int i = 0; i < nvec; i++)
    qs_nv_const(c, Z[i]);
  return 0;
}

static int qs_nv_wrmsnormvectorarray(int nvec, N_Vector *X, N_Vector *W,
                                     sunrealtype *nrm)
{
  if (nvec < 1)
    return -1;
  for (int i = 0; i < nvec; i++)
    nrm[i] = qs_nv_wrmsnorm(X[i], W[i]);
  return 0;
}

static int qs_nv_wrmsnormmaskvectorarray(int nvec, N_Vector *X, N_Vector *W,
                                         N_Vector id, sunrealtype *nrm)
{
  if (nvec < 1)
    return -1;
  for (int i = 0; i < nvec; i++)
    nrm[i] = qs_nv_wrmsnormmask(X[i], W[i], id);
  return 0;
}

/* Z[j][i] = a_j X_i + Y[j][i], for i, then j, in order */
static int qs_nv_scaleaddmultivectorarray(int nvec, int nsum, sunrealtype *a,
                                          N_Vector *X, N_Vector **Y,
                                          N_Vector **Z)
{
  if (nvec < 1 || nsum < 1)
    return -1;
  for (int i = 0; i < nvec; i++) {
    sunindextype n = LEN(X[i]);
    for (int j = 0; j < nsum; j++)
      k_linearsum(n, a[j], DAT(X[i]), ONE, DAT(Y[j][i]), DAT(Z[j][i]),
                  Z[j][i] == X[i], Z[j][i] == Y[j][i]);
  }
  return 0;
}

/* Z_i = c_0 X[0][i] + c_1 X[1][i] + ... (as N_VLinearCombination) */
static int qs_nv_linearcombinationvectorarray(int nvec, int nsum,
                                              sunrealtype *c, N_Vector **X,
                                              N_Vector *Z)
{
  if (nvec < 1 || nsum < 1)
    return -1;
  for (int i = 0; i < nvec; i++) {
    sunindextype n = LEN(Z[i]);
    sunrealtype *zd = DAT(Z[i]);
    k_scale(n, c[0], DAT(X[0][i]), zd);
    for (int j = 1; j < nsum; j++)
      k_axpy(n, c[j], DAT(X[j][i]), zd);
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* XBraid buffer operations (cheap to provide)                         */

static int qs_nv_bufsize(N_Vector x, sunindextype *size)
{
  *size = LEN(x) * (sunindextype)sizeof(sunrealtype);
  return 0;
}

static int qs_nv_bufpack(N_Vector x, void *buf)
{
  if (!buf)
    return -1;
  sunrealtype *bd = buf;
  for (sunindextype i = 0; i < LEN(x); i++)
    bd[i] = DAT(x)[i];
  return 0;
}

static int qs_nv_bufunpack(N_Vector x, void *buf)
{
  if (!buf)
    return -1;
  const sunrealtype *bd = buf;
  for (sunindextype i = 0; i < LEN(x); i++)
    DAT(x)[i] = bd[i];
  return 0;
}

/* ------------------------------------------------------------------ */

static void qs_nv_set_ops(N_Vector v, int fused)
{
  N_Vector_Ops o = v->ops;
  o->nvgetvectorid = qs_nv_getvectorid;
  o->nvclone = qs_nv_clone;
  o->nvcloneempty = qs_nv_cloneempty;
  o->nvdestroy = qs_nv_destroy;
  o->nvspace = qs_nv_space;
  o->nvgetarraypointer = qs_nv_getarraypointer;
  o->nvsetarraypointer = qs_nv_setarraypointer;
  o->nvgetlength = qs_nv_getlength;
  o->nvgetlocallength = qs_nv_getlength;

  o->nvlinearsum = qs_nv_linearsum;
  o->nvconst = qs_nv_const;
  o->nvprod = qs_nv_prod;
  o->nvdiv = qs_nv_div;
  o->nvscale = qs_nv_scale;
  o->nvabs = qs_nv_abs;
  o->nvinv = qs_nv_inv;
  o->nvaddconst = qs_nv_addconst;
  o->nvdotprod = qs_nv_dotprod;
  o->nvmaxnorm = qs_nv_maxnorm;
  o->nvwrmsnorm = qs_nv_wrmsnorm;
  o->nvwrmsnormmask = qs_nv_wrmsnormmask;
  o->nvmin = qs_nv_min;
  o->nvwl2norm = qs_nv_wl2norm;
  o->nvl1norm = qs_nv_l1norm;
  o->nvcompare = qs_nv_compare;
  o->nvinvtest = qs_nv_invtest;
  o->nvconstrmask = qs_nv_constrmask;
  o->nvminquotient = qs_nv_minquotient;

  o->nvlinearcombination = fused ? qs_nv_linearcombination : NULL;
  o->nvscaleaddmulti = fused ? qs_nv_scaleaddmulti : NULL;
  o->nvdotprodmulti = fused ? qs_nv_dotprodmulti : NULL;
  o->nvlinearsumvectorarray = fused ? qs_nv_linearsumvectorarray : NULL;
  o->nvscalevectorarray = fused ? qs_nv_scalevectorarray : NULL;
  o->nvconstvectorarray = fused ? qs_nv_constvectorarray : NULL;
  o->nvwrmsnormvectorarray = fused ? qs_nv_wrmsnormvectorarray : NULL;
  o->nvwrmsnormmaskvectorarray = fused ? qs_nv_wrmsnormmaskvectorarray : NULL;
  o->nvscaleaddmultivectorarray = fused ? qs_nv_scaleaddmultivectorarray : NULL;
  o->nvlinearcombinationvectorarray =
      fused ? qs_nv_linearcombinationvectorarray : NULL;

  o->nvdotprodlocal = qs_nv_dotprod;
  o->nvmaxnormlocal = qs_nv_maxnorm;
  o->nvminlocal = qs_nv_min;
  o->nvl1normlocal = qs_nv_l1norm;
  o->nvinvtestlocal = qs_nv_invtest;
  o->nvconstrmasklocal = qs_nv_constrmask;
  o->nvminquotientlocal = qs_nv_minquotient;
  o->nvwsqrsumlocal = qs_nv_wsqrsumlocal;
  o->nvwsqrsummasklocal = qs_nv_wsqrsummasklocal;
  o->nvdotprodmultilocal = fused ? qs_nv_dotprodmulti : NULL;

  o->nvbufsize = qs_nv_bufsize;
  o->nvbufpack = qs_nv_bufpack;
  o->nvbufunpack = qs_nv_bufunpack;

  o->nvprint = qs_nv_print;
  o->nvprintfile = qs_nv_printfile;
}

/* Vector without data; operations copied from ops_from (a clone) or the
 * defaults. */
static N_Vector qs_nv_alloc(sunindextype length, SUNContext ctx,
                            N_Vector ops_from)
{
  if (length < 0)
    return NULL;
  N_Vector v = N_VNewEmpty(ctx);
  if (!v)
    return NULL;
  if (ops_from) {
    if (N_VCopyOps(ops_from, v) != 0) {
      N_VFreeEmpty(v);
      return NULL;
    }
  } else {
    qs_nv_set_ops(v, 1);
  }
  qs_nvector_content *c = malloc(sizeof *c);
  if (!c) {
    N_VFreeEmpty(v);
    return NULL;
  }
  c->length = length;
  c->own_data = SUNFALSE;
  c->data = NULL;
  v->content = c;
  return v;
}

N_Vector qs_nvector_new(sunindextype length, SUNContext ctx)
{
  if (!ctx)
    return NULL;
  N_Vector v = qs_nv_alloc(length, ctx, NULL);
  if (!v)
    return NULL;
  if (length > 0) {
    sunrealtype *data = malloc((size_t)length * sizeof *data);
    if (!data) {
      qs_nv_destroy(v);
      return NULL;
    }
    QS_NV(v)->data = data;
    QS_NV(v)->own_data = SUNTRUE;
  }
  return v;
}

int qs_nvector_enable_fused_ops(N_Vector v, int enable)
{
  if (!v || !v->ops)
    return -1;
  qs_nv_set_ops(v, enable != 0);
  return 0;
}
