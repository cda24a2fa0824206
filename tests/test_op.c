/* Sparse operators against dense reference arithmetic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

enum { MAXD = 36 };

/* A random sparse-ish matrix with a fixed seed. */
static qs_op *random_op(int n, uint64_t seed, double complex *dense)
{
  qs_rng rng;
  qs_rng_seed(&rng, seed, 0);
  for (int i = 0; i < n * n; i++) {
    double keep = qs_rng_uniform(&rng);
    double re = qs_rng_uniform(&rng) - 0.5, im = qs_rng_uniform(&rng) - 0.5;
    dense[i] = keep < 0.4 ? CMPLX(re, im) : 0.0;
  }
  qs_op *op = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_op_from_dense(n, dense, &op), QS_OK);
  return op;
}

static void test_arithmetic_matches_dense(void)
{
  int n = 6;
  double complex da[MAXD], db[MAXD], ref[MAXD], got[MAXD];
  qs_op *a = random_op(n, 11, da), *b = random_op(n, 12, db), *c = NULL;

  CU_ASSERT_EQUAL(qs_op_mul(a, b, &c), QS_OK);
  test_dense_mul(n, da, db, ref);
  qs_op_to_dense(c, got);
  CU_ASSERT(test_max_diff(ref, got, n * n) < 1e-14);
  qs_op_destroy(&c);

  CU_ASSERT_EQUAL(qs_op_add(2.0, a, -1.0 * I, b, &c), QS_OK);
  for (int i = 0; i < n * n; i++)
    ref[i] = 2.0 * da[i] - I * db[i];
  qs_op_to_dense(c, got);
  CU_ASSERT(test_max_diff(ref, got, n * n) < 1e-15);
  qs_op_destroy(&c);

  CU_ASSERT_EQUAL(qs_op_adjoint(a, &c), QS_OK);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      ref[i + j * n] = conj(da[j + i * n]);
  qs_op_to_dense(c, got);
  CU_ASSERT(test_max_diff(ref, got, n * n) < 1e-16);
  qs_op_destroy(&c);

  double complex x[6], y[6], yref[6];
  for (int i = 0; i < n; i++)
    x[i] = CMPLX(i + 1, -0.5 * i);
  qs_op_apply(a, x, y);
  for (int i = 0; i < n; i++) {
    yref[i] = 0;
    for (int k = 0; k < n; k++)
      yref[i] += da[i + k * n] * x[k];
  }
  CU_ASSERT(test_max_diff(yref, y, n) < 1e-14);
  qs_op_apply_add(0.5, a, x, y);
  for (int i = 0; i < n; i++)
    yref[i] *= 1.5;
  CU_ASSERT(test_max_diff(yref, y, n) < 1e-14);

  double complex e = 0;
  for (int i = 0; i < n; i++)
    e += conj(x[i]) * yref[i] / 1.5;
  CU_ASSERT(cabs(qs_op_expect(a, x) - e) < 1e-13);

  /* Tr(A rho) with rho = x x^dag equals <x|A|x>. */
  double complex rho[MAXD];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      rho[i + j * n] = x[i] * conj(x[j]);
  CU_ASSERT(cabs(qs_op_trace_with(a, rho) - e) < 1e-13);
  qs_op_destroy(&a);
  qs_op_destroy(&b);
}

static void test_kron_and_embed(void)
{
  double complex da[4], db[9], ref[MAXD], got[MAXD];
  qs_op *a = random_op(2, 21, da), *b = random_op(3, 22, db), *c = NULL;
  CU_ASSERT_EQUAL(qs_op_kron(a, b, &c), QS_OK);
  test_dense_kron(2, da, 3, db, ref);
  qs_op_to_dense(c, got);
  CU_ASSERT(test_max_diff(ref, got, 36) < 1e-16);
  qs_op_destroy(&c);

  /* embed(b, subsystem 1 of (2,3)) = I_2 (x) b; embed(a, 0) = a (x) I_3 */
  qs_space space;
  qs_index dims[2] = {2, 3};
  CU_ASSERT_EQUAL(qs_space_init(&space, 2, dims), QS_OK);
  CU_ASSERT_EQUAL(space.total, 6);
  double complex id2[4] = {1, 0, 0, 1}, id3[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  CU_ASSERT_EQUAL(qs_op_embed(&space, 1, b, &c), QS_OK);
  test_dense_kron(2, id2, 3, db, ref);
  qs_op_to_dense(c, got);
  CU_ASSERT(test_max_diff(ref, got, 36) < 1e-16);
  qs_op_destroy(&c);
  CU_ASSERT_EQUAL(qs_op_embed(&space, 0, a, &c), QS_OK);
  test_dense_kron(2, da, 3, id3, ref);
  qs_op_to_dense(c, got);
  CU_ASSERT(test_max_diff(ref, got, 36) < 1e-16);
  qs_op_destroy(&c);
  /* Wrong local dimension. */
  CU_ASSERT_EQUAL(qs_op_embed(&space, 0, b, &c), QS_ERR_DIMENSION);
  CU_ASSERT_EQUAL(qs_op_embed(&space, 2, b, &c), QS_ERR_INVALID);
  qs_op_destroy(&a);
  qs_op_destroy(&b);
}

/* Spin algebra for S = 1/2 .. 5/2: [S+, S-] = 2 Sz, [Sz, S+] = S+,
 * S^2 = S(S+1), Sx, Sy from S+-. */
static void test_spin_algebra(void)
{
  for (int two_s = 1; two_s <= 5; two_s++) {
    int n = two_s + 1;
    double s = 0.5 * two_s;
    qs_op *sz, *sp, *sm, *sx, *sy;
    CU_ASSERT_EQUAL_FATAL(qs_op_spin(two_s, QS_SPIN_Z, &sz), QS_OK);
    qs_op_spin(two_s, QS_SPIN_PLUS, &sp);
    qs_op_spin(two_s, QS_SPIN_MINUS, &sm);
    qs_op_spin(two_s, QS_SPIN_X, &sx);
    qs_op_spin(two_s, QS_SPIN_Y, &sy);
    double complex z[MAXD], p[MAXD], m[MAXD], x[MAXD], y[MAXD], t1[MAXD], t2[MAXD];
    qs_op_to_dense(sz, z);
    qs_op_to_dense(sp, p);
    qs_op_to_dense(sm, m);
    qs_op_to_dense(sx, x);
    qs_op_to_dense(sy, y);
    test_dense_mul(n, p, m, t1);
    test_dense_mul(n, m, p, t2);
    double worst = 0;
    for (int i = 0; i < n * n; i++)
      worst = fmax(worst, cabs(t1[i] - t2[i] - 2.0 * z[i]));
    test_dense_mul(n, z, p, t1);
    test_dense_mul(n, p, z, t2);
    for (int i = 0; i < n * n; i++)
      worst = fmax(worst, cabs(t1[i] - t2[i] - p[i]));
    /* S^2 = Sx^2 + Sy^2 + Sz^2 */
    double complex c[MAXD] = {0};
    test_dense_mul(n, x, x, t1);
    for (int i = 0; i < n * n; i++)
      c[i] += t1[i];
    test_dense_mul(n, y, y, t1);
    for (int i = 0; i < n * n; i++)
      c[i] += t1[i];
    test_dense_mul(n, z, z, t1);
    for (int i = 0; i < n * n; i++)
      c[i] += t1[i];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        worst = fmax(worst, cabs(c[i + j * n] - (i == j ? s * (s + 1) : 0.0)));
    CU_ASSERT(worst < 1e-13);
    /* Index 0 is m = +S. */
    CU_ASSERT_DOUBLE_EQUAL(creal(z[0]), s, 1e-15);
    qs_op_destroy(&sz);
    qs_op_destroy(&sp);
    qs_op_destroy(&sm);
    qs_op_destroy(&sx);
    qs_op_destroy(&sy);
  }
}

static void test_pauli_and_boson(void)
{
  qs_op *px, *py, *pz, *prod;
  qs_op_pauli('x', &px);
  qs_op_pauli('y', &py);
  qs_op_pauli('z', &pz);
  /* sigma_x sigma_y = i sigma_z */
  CU_ASSERT_EQUAL(qs_op_mul(px, py, &prod), QS_OK);
  double complex a[4], b[4];
  qs_op_to_dense(prod, a);
  qs_op_to_dense(pz, b);
  for (int i = 0; i < 4; i++)
    b[i] *= I;
  CU_ASSERT(test_max_diff(a, b, 4) < 1e-15);
  CU_ASSERT_EQUAL(qs_op_pauli('q', &prod), QS_ERR_INVALID);
  qs_op_destroy(&prod);
  qs_op_destroy(&px);
  qs_op_destroy(&py);
  qs_op_destroy(&pz);

  /* a^dag a = number operator; [a, a^dag] = 1 except in the top level. */
  qs_op *an, *ad, *n_op, *num;
  qs_op_destroy_boson(5, &an);
  qs_op_adjoint(an, &ad);
  qs_op_mul(ad, an, &n_op);
  qs_op_number(5, &num);
  double complex d1[25], d2[25];
  qs_op_to_dense(n_op, d1);
  qs_op_to_dense(num, d2);
  CU_ASSERT(test_max_diff(d1, d2, 25) < 1e-14);
  CU_ASSERT_DOUBLE_EQUAL(creal(d2[3 + 3 * 5]), 3.0, 1e-15);
  qs_op_destroy(&an);
  qs_op_destroy(&ad);
  qs_op_destroy(&n_op);
  qs_op_destroy(&num);
}

static void test_triplets_and_errors(void)
{
  qs_index r[] = {0, 1, 0, 1, 2}, c[] = {1, 0, 1, 1, 2};
  double complex v[] = {1.0, 2.0, 3.0, 4.0, 0.0};
  qs_op *op = NULL;
  CU_ASSERT_EQUAL(qs_op_from_triplets(3, 5, r, c, v, &op), QS_OK);
  CU_ASSERT_EQUAL(op->nnz, 3); /* (0,1) summed to 4, the explicit zero dropped */
  double complex d[9];
  qs_op_to_dense(op, d);
  CU_ASSERT_DOUBLE_EQUAL(creal(d[0 + 1 * 3]), 4.0, 0);
  qs_op_destroy(&op);
  CU_ASSERT_PTR_NULL(op);
  qs_op_destroy(&op); /* NULL is fine */
  qs_index bad[] = {3};
  CU_ASSERT_EQUAL(qs_op_from_triplets(3, 1, bad, c, v, &op), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_from_triplets(0, 0, r, c, v, &op), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_spin(0, QS_SPIN_Z, &op), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_destroy_boson(0, &op), QS_ERR_INVALID);
  qs_op *a2, *a3;
  qs_op_identity(2, &a2);
  qs_op_identity(3, &a3);
  CU_ASSERT_EQUAL(qs_op_add(1, a2, 1, a3, &op), QS_ERR_DIMENSION);
  CU_ASSERT_EQUAL(qs_op_mul(a2, a3, &op), QS_ERR_DIMENSION);
  qs_op_destroy(&a2);
  qs_op_destroy(&a3);
  qs_space s;
  qs_index dims[] = {2, 0};
  CU_ASSERT_EQUAL(qs_space_init(&s, 2, dims), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_space_init(&s, 0, dims), QS_ERR_INVALID);
  CU_ASSERT_STRING_EQUAL(qs_status_name(QS_ERR_NOMEM), "QS_ERR_NOMEM");
  CU_ASSERT_STRING_EQUAL(qs_strerror(QS_OK), "success");
}

int qs_test_register_op(void)
{
  static const test_case cases[] = {
    {"add, mul, adjoint, apply, expect against dense", test_arithmetic_matches_dense},
    {"kron and embed against dense kron", test_kron_and_embed},
    {"spin-S algebra S=1/2..5/2", test_spin_algebra},
    {"Pauli products and boson ladder", test_pauli_and_boson},
    {"triplets merge duplicates; error paths", test_triplets_and_errors},
  };
  return test_add_suite("op", cases, (int)(sizeof cases / sizeof cases[0]));
}
