/* The project's N_Vector (src/nvector_qs.c): its single-pass fused
 * operations against SUNDIALS' generic fallbacks (the same vectors with
 * the fused operations detached), and the AVX2 copies of the element-wise
 * kernels against the portable ones, bit for bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "../src/nvector_qs_impl.h"
#include "../src/simd_impl.h"

enum { NVEC = 7 };

/* Lengths around the vector width (4) and the fused block (256). */
static const sunindextype lengths[] = {1, 3, 8, 161, 256, 257, 1283};
enum { N_LENGTHS = sizeof lengths / sizeof lengths[0] };

static void fill_random(N_Vector v, qs_rng *rng)
{
  sunrealtype *d = N_VGetArrayPointer(v);
  for (sunindextype i = 0; i < N_VGetLength(v); i++) {
    double u = qs_rng_uniform(rng);
    d[i] = (qs_rng_uniform(rng) - 0.5) * ldexp(1.0, (int)(30 * u) - 15);
  }
}

static int same(N_Vector a, N_Vector b)
{
  return memcmp(N_VGetArrayPointer(a), N_VGetArrayPointer(b),
                (size_t)N_VGetLength(a) * sizeof(sunrealtype)) == 0;
}

static void copy(N_Vector from, N_Vector to)
{
  memcpy(N_VGetArrayPointer(to), N_VGetArrayPointer(from),
         (size_t)N_VGetLength(to) * sizeof(sunrealtype));
}

/* Coefficients with the special cases of the fallbacks (+-1). */
static const sunrealtype coef[NVEC] = {1.0, -1.0, 0.37, -2.5e-3, 1.0, 7.25, -1.0};

/* N_VLinearCombination and N_VScaleAddMulti, fused (one pass) and by the
 * generic fallback, in place and not. */
static void check_fused(SUNContext ctx, sunindextype n, qs_rng *rng)
{
  N_Vector fused[NVEC], plain[NVEC], yf[NVEC], yp[NVEC];
  for (int i = 0; i < NVEC; i++) {
    fused[i] = qs_nvector_new(n, ctx);
    fill_random(fused[i], rng);
    plain[i] = N_VClone(fused[i]);
    qs_nvector_enable_fused_ops(plain[i], 0);
    copy(fused[i], plain[i]);
    yf[i] = N_VClone(fused[i]);
    fill_random(yf[i], rng);
    yp[i] = N_VClone(plain[i]);
    copy(yf[i], yp[i]);
  }
  N_Vector zf = N_VClone(fused[0]), zp = N_VClone(plain[0]);
  sunrealtype c[NVEC];
  memcpy(c, coef, sizeof c);
  for (int nvec = 1; nvec <= NVEC; nvec++) {
    CU_ASSERT_EQUAL(N_VLinearCombination(nvec, c, fused, zf), 0);
    CU_ASSERT_EQUAL(N_VLinearCombination(nvec, c, plain, zp), 0);
    CU_ASSERT(same(zf, zp));
  }
  /* z is X_0 (in place, as CVODE's interpolation may do) */
  CU_ASSERT_EQUAL(N_VLinearCombination(NVEC, c, fused, fused[0]), 0);
  CU_ASSERT_EQUAL(N_VLinearCombination(NVEC, c, plain, plain[0]), 0);
  CU_ASSERT(same(fused[0], plain[0]));
  /* Z_i = a_i x + Y_i: into other vectors, then in place (CVODE's zn) */
  CU_ASSERT_EQUAL(N_VScaleAddMulti(NVEC, c, fused[1], yf, fused), 0);
  CU_ASSERT_EQUAL(N_VScaleAddMulti(NVEC, c, plain[1], yp, plain), 0);
  for (int i = 0; i < NVEC; i++)
    CU_ASSERT(same(fused[i], plain[i]));
  CU_ASSERT_EQUAL(N_VScaleAddMulti(NVEC - 1, c, zf, yf, yf), 0);
  CU_ASSERT_EQUAL(N_VScaleAddMulti(NVEC - 1, c, zp, yp, yp), 0);
  for (int i = 0; i < NVEC; i++)
    CU_ASSERT(same(yf[i], yp[i]));
  for (int i = 0; i < NVEC; i++) {
    N_VDestroy(fused[i]);
    N_VDestroy(plain[i]);
    N_VDestroy(yf[i]);
    N_VDestroy(yp[i]);
  }
  N_VDestroy(zf);
  N_VDestroy(zp);
}

static void test_fused_match_fallbacks(void)
{
  SUNContext ctx = NULL;
  CU_ASSERT_EQUAL_FATAL(SUNContext_Create(NULL, &ctx), 0);
  qs_rng rng;
  qs_rng_seed(&rng, 5, 0);
  for (int path = 0; path < 2; path++) {
    qs_simd_force_portable(path == 1);
    for (int k = 0; k < N_LENGTHS; k++)
      check_fused(ctx, lengths[k], &rng);
  }
  qs_simd_force_portable(0);
  SUNContext_Free(&ctx);
}

/* z = a x + b y for every case of N_VLinearSum's analysis, and the other
 * element-wise operations: AVX2 copy and portable copy agree bitwise,
 * and the general case equals its formula. */
static void test_avx2_matches_portable(void)
{
  SUNContext ctx = NULL;
  CU_ASSERT_EQUAL_FATAL(SUNContext_Create(NULL, &ctx), 0);
  qs_rng rng;
  qs_rng_seed(&rng, 6, 0);
  static const sunrealtype ab[][2] = {{1, 1}, {1, -1}, {-1, 1}, {1, 0.3}, {0.3, 1},
                                      {-1, 0.3}, {0.3, -1}, {0.7, 0.7}, {0.7, -0.7},
                                      {0.3, -2.1}};
  for (int k = 0; k < N_LENGTHS; k++) {
    sunindextype n = lengths[k];
    N_Vector x = qs_nvector_new(n, ctx), y = N_VClone(x), z[2], w[2];
    fill_random(x, &rng);
    fill_random(y, &rng);
    for (int p = 0; p < 2; p++) {
      z[p] = N_VClone(x);
      w[p] = N_VClone(x);
    }
    for (size_t c = 0; c < sizeof ab / sizeof ab[0]; c++) {
      for (int p = 0; p < 2; p++) {
        qs_simd_force_portable(p);
        N_VLinearSum(ab[c][0], x, ab[c][1], y, z[p]);
        copy(y, w[p]); /* in place: z is y (the axpy case) */
        N_VLinearSum(ab[c][0], x, ab[c][1], w[p], w[p]);
      }
      CU_ASSERT(same(z[0], z[1]));
      CU_ASSERT(same(w[0], w[1]));
    }
    const sunrealtype *xd = N_VGetArrayPointer(x), *yd = N_VGetArrayPointer(y);
    int formula = 1;
    for (sunindextype i = 0; i < n; i++) {
      sunrealtype expect = (0.3 * xd[i]) + (-2.1 * yd[i]);
      formula &= memcmp(&expect, N_VGetArrayPointer(z[0]) + i, sizeof expect) == 0;
    }
    CU_ASSERT(formula);
    for (int p = 0; p < 2; p++) {
      qs_simd_force_portable(p);
      N_VScale(-0.37, x, z[p]);
      N_VAbs(z[p], w[p]);
      N_VInv(w[p], w[p]);
      N_VAddConst(w[p], 1e-8, w[p]);
    }
    CU_ASSERT(same(z[0], z[1]));
    CU_ASSERT(same(w[0], w[1]));
    N_VDestroy(x);
    N_VDestroy(y);
    for (int p = 0; p < 2; p++) {
      N_VDestroy(z[p]);
      N_VDestroy(w[p]);
    }
  }
  qs_simd_force_portable(0);
  SUNContext_Free(&ctx);
}

int qs_test_register_nvector(void)
{
  static const test_case cases[] = {
      {"fused operations bitwise the generic fallbacks, AVX2 and portable",
       test_fused_match_fallbacks},
      {"element-wise kernels: AVX2 copy bitwise the portable one", test_avx2_matches_portable},
  };
  return test_add_suite("nvector", cases, (int)(sizeof cases / sizeof cases[0]));
}
