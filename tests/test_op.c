/* Sparse operators against dense reference arithmetic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "../src/simd_impl.h"

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

/* Row r of a times x by the CSR loop's expression, written out here: the
 * reference the banded kernels must match bit for bit. */
static double complex reference_row(const qs_op *a, qs_index r, const double complex *x)
{
  double sr = 0.0, si = 0.0;
  for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++) {
    double ar = creal(a->val[k]), ai = cimag(a->val[k]);
    double xr = creal(x[a->col[k]]), xi = cimag(x[a->col[k]]);
    sr += ar * xr - ai * xi;
    si += ar * xi + ai * xr;
  }
  return CMPLX(sr, si);
}

/* A random operator on the given diagonals (offsets col - row) of a dim x
 * dim matrix: each slot kept with probability `fill`, rows in `empty`
 * (every 7th row when set) left without entries; values with exact zero
 * real or imaginary parts now and then and wide magnitudes, so sums
 * cancel, round and underflow differently in every order. */
static qs_op *random_banded(qs_index dim, const qs_index *offsets, int n_off, double fill,
                            int empty_rows, uint64_t seed)
{
  qs_rng rng;
  qs_rng_seed(&rng, seed, 1);
  qs_index n = 0, cap = dim * n_off;
  qs_index *row = malloc((size_t)cap * sizeof *row), *col = malloc((size_t)cap * sizeof *col);
  double complex *val = malloc((size_t)cap * sizeof *val);
  for (qs_index r = 0; r < dim; r++)
    for (int k = 0; k < n_off; k++) {
      qs_index c = r + offsets[k];
      if (c < 0 || c >= dim || (empty_rows && r % 7 == 3) || qs_rng_uniform(&rng) >= fill)
        continue;
      double u = qs_rng_uniform(&rng), scale = ldexp(1.0, (int)(40 * u) - 20);
      double re = (qs_rng_uniform(&rng) - 0.5) * scale, im = (qs_rng_uniform(&rng) - 0.5) * scale;
      if (u < 0.1)
        re = 0.0;
      else if (u > 0.9)
        im = 0.0;
      row[n] = r;
      col[n] = c;
      val[n++] = CMPLX(re, im);
    }
  qs_op *op = NULL;
  CU_ASSERT_EQUAL(qs_op_from_triplets(dim, n, row, col, val, &op), QS_OK);
  free(row);
  free(col);
  free(val);
  return op;
}

/* x with random entries, exact zeros and negative zeros. */
static void random_state(qs_index dim, uint64_t seed, double complex *x)
{
  qs_rng rng;
  qs_rng_seed(&rng, seed, 2);
  for (qs_index i = 0; i < dim; i++) {
    double u = qs_rng_uniform(&rng);
    double re = qs_rng_uniform(&rng) - 0.5, im = qs_rng_uniform(&rng) - 0.5;
    x[i] = u < 0.15 ? CMPLX(-0.0, 0.0) : u < 0.25 ? CMPLX(0.0, -0.0) : CMPLX(re, im);
  }
}

/* Every product of the banded copy against the reference rows, bitwise,
 * on the kernel path in force. */
static void check_products_bitwise(const qs_op *banded, qs_index dim, uint64_t seed)
{
  double complex *x = calloc((size_t)dim, sizeof *x), *y = calloc((size_t)dim, sizeof *y);
  double complex *ref = calloc((size_t)dim, sizeof *ref);
  random_state(dim, seed, x);
  qs_op_apply(banded, x, y);
  for (qs_index r = 0; r < dim; r++)
    ref[r] = reference_row(banded, r, x);
  CU_ASSERT(memcmp(y, ref, (size_t)dim * sizeof *y) == 0);

  random_state(dim, seed + 1, y);
  memcpy(ref, y, (size_t)dim * sizeof *ref);
  qs_op_apply_acc(banded, x, y);
  for (qs_index r = 0; r < dim; r++)
    ref[r] += reference_row(banded, r, x);
  CU_ASSERT(memcmp(y, ref, (size_t)dim * sizeof *y) == 0);

  double complex alpha = CMPLX(0.3, -1.7);
  qs_op_apply_add(alpha, banded, x, y);
  for (qs_index r = 0; r < dim; r++)
    ref[r] += alpha * reference_row(banded, r, x);
  CU_ASSERT(memcmp(y, ref, (size_t)dim * sizeof *y) == 0);

  double sr = 0.0, si = 0.0;
  for (qs_index r = 0; r < dim; r++) {
    double complex row = reference_row(banded, r, x);
    sr += creal(x[r]) * creal(row) + cimag(x[r]) * cimag(row);
    si += creal(x[r]) * cimag(row) - cimag(x[r]) * creal(row);
  }
  double complex e = qs_op_expect(banded, x), e_ref = CMPLX(sr, si);
  CU_ASSERT(memcmp(&e, &e_ref, sizeof e) == 0);
  free(x);
  free(y);
  free(ref);
}

/* The banded layout gives the CSR loop's bits, through the AVX2 kernel
 * and through the portable path (which multiplies by the CSR rows): dims
 * that are and are not multiples of the 8-row block, diagonals reaching
 * into the blocks at the edges (masked loads), empty rows. */
static void test_banded_matches_csr_bitwise(void)
{
  static const qs_index ladder[] = {-3, -2, 0, 2, 3};          /* cavity (x) qubit */
  static const qs_index spread[] = {-27, -18, -3, -2, 0, 2, 3, 18, 27}; /* transmon-like */
  static const qs_index one_side[] = {1, 5, 9};
  static const qs_index wide[] = {-40, -1, 0, 1, 40};
  struct {
    qs_index dim;
    const qs_index *off;
    int n_off;
    double fill;
    int empty_rows;
  } cases[] = {
      {16, ladder, 5, 1.0, 0},  {17, ladder, 5, 0.9, 1},  {80, ladder, 5, 0.8, 0},
      {81, spread, 9, 0.9, 0},  {85, spread, 9, 0.7, 1},  {23, one_side, 3, 1.0, 0},
      {100, one_side, 3, 0.8, 1}, {41, wide, 5, 1.0, 0}, {203, ladder, 5, 0.95, 1},
  };
  int n_cases = (int)(sizeof cases / sizeof cases[0]);
  for (int path = 0; path < 2; path++) {
    qs_simd_force_portable(path == 1);
    for (int c = 0; c < n_cases; c++) {
      qs_op *op = random_banded(cases[c].dim, cases[c].off, cases[c].n_off, cases[c].fill,
                                cases[c].empty_rows, 100 + (uint64_t)c);
      CU_ASSERT_EQUAL(qs_op_prepare_banded(op), QS_OK);
      CU_ASSERT_PTR_NOT_NULL(op->banded); /* else this test would test CSR */
      for (uint64_t s = 0; s < 3; s++)
        check_products_bitwise(op, cases[c].dim, 1000 * (uint64_t)c + s);
      qs_op_destroy(&op);
    }
  }
  qs_simd_force_portable(0);
}

/* Operators that do not fit the layout stay CSR (and still multiply). */
static void test_banded_declined(void)
{
  static const qs_index ladder[] = {-3, -2, 0, 2, 3};
  qs_index many[30];
  for (int k = 0; k < 30; k++)
    many[k] = k - 15; /* more diagonals than QS_BANDED_MAX_DIAGS = 24 */
  qs_op *small = random_banded(8, ladder, 5, 1.0, 0, 1);  /* dim < 16 */
  qs_op *sparse = random_banded(64, ladder, 5, 0.2, 0, 2); /* fill 0.2 < 0.5 */
  qs_op *crowded = random_banded(64, many, 30, 1.0, 0, 3);
  qs_op *ops[] = {small, sparse, crowded};
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(qs_op_prepare_banded(ops[i]), QS_OK);
    CU_ASSERT_PTR_NULL(ops[i]->banded);
    check_products_bitwise(ops[i], ops[i]->dim, 7 + (uint64_t)i);
    qs_op_destroy(&ops[i]);
  }
  CU_ASSERT_EQUAL(qs_op_prepare_banded(NULL), QS_ERR_INVALID);
}

/* The trajectory's operator of the benchmark models takes the layout. */
static void test_banded_cavity_hamiltonian(void)
{
  const char *keys[] = {"ncav", NULL};
  const double values[] = {40};
  qs_model *m = test_cavity(keys, values);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_op *h = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_model_effective_hamiltonian(m, &h), QS_OK);
  CU_ASSERT_EQUAL(qs_op_prepare_banded(h), QS_OK);
  CU_ASSERT_PTR_NOT_NULL(h->banded);
  for (int path = 0; path < 2; path++) {
    qs_simd_force_portable(path == 1);
    check_products_bitwise(h, h->dim, 42);
  }
  qs_simd_force_portable(0);
  qs_op_destroy(&h);
  qs_model_destroy(&m);
}

int qs_test_register_op(void)
{
  static const test_case cases[] = {
    {"add, mul, adjoint, apply, expect against dense", test_arithmetic_matches_dense},
    {"kron and embed against dense kron", test_kron_and_embed},
    {"spin-S algebra S=1/2..5/2", test_spin_algebra},
    {"Pauli products and boson ladder", test_pauli_and_boson},
    {"triplets merge duplicates; error paths", test_triplets_and_errors},
    {"banded products bitwise the CSR rows, AVX2 and portable path", test_banded_matches_csr_bitwise},
    {"banded layout declined: small, sparse, too many diagonals", test_banded_declined},
    {"cavity H_eff takes the banded layout, bitwise", test_banded_cavity_hamiltonian},
  };
  return test_add_suite("op", cases, (int)(sizeof cases / sizeof cases[0]));
}
