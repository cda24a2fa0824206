/* Sweep grids: the parameter vector of every point of a two-axis grid
 * with keep_sum partners, against values worked out by hand from the
 * rules in sweep.h. */
#include <math.h>
#include <string.h>

#include "test_util.h"

static qs_sweep_axis axis(const char *key, const char *keep_sum, const double *values,
                          long n_values)
{
  qs_sweep_axis a;
  memset(&a, 0, sizeof a);
  snprintf(a.key, sizeof a.key, "%s", key);
  snprintf(a.keep_sum, sizeof a.keep_sum, "%s", keep_sum);
  a.n_values = n_values;
  for (long i = 0; i < n_values; i++)
    a.values[i] = values[i];
  return a;
}

static void base_values(const qs_model_type *t, double *base)
{
  qs_model_defaults(t, base);
  base[qs_model_param_index(t, "w_A")] = 0.6;
  base[qs_model_param_index(t, "gamma_A")] = 0.4;
}

/* Inner w_A (keep_sum gamma_A) over {0.2, 0.5, 0.8}, outer g over
 * {1, 3}: point p has w_A = W[p % 3], gamma_A = 1.0 - w_A (the base sum
 * 0.6 + 0.4), g = G[p / 3]. */
static void test_grid_two_axes_keep_sum(void)
{
  const qs_model_type *t = qs_model_type_find("qubit_osc");
  double base[QS_MODEL_MAX_PARAMS];
  base_values(t, base);
  const double W[3] = {0.2, 0.5, 0.8}, G[2] = {1.0, 3.0};
  qs_sweep_axis axes[2] = {axis("w_A", "gamma_A", W, 3), axis("g", "", G, 2)};
  char msg[256];
  for (int a = 0; a < 2; a++)
    CU_ASSERT_EQUAL_FATAL(qs_sweep_resolve(&axes[a], t, base, "test", msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_sweep_grid_count(axes), 6);
  int iw = qs_model_param_index(t, "w_A"), ig = qs_model_param_index(t, "gamma_A"),
      ic = qs_model_param_index(t, "g");
  for (long p = 0; p < 6; p++) {
    double v[QS_MODEL_MAX_PARAMS], x[2];
    qs_sweep_grid_point(axes, base, t->n_params, p, v, x);
    CU_ASSERT_EQUAL(v[iw], W[p % 3]);
    CU_ASSERT_DOUBLE_EQUAL(v[ig], 1.0 - W[p % 3], 1e-15);
    CU_ASSERT_EQUAL(v[ic], G[p / 3]);
    CU_ASSERT_EQUAL(x[0], W[p % 3]);
    CU_ASSERT_EQUAL(x[1], G[p / 3]);
    for (int k = 0; k < t->n_params; k++) /* nothing else moves */
      if (k != iw && k != ig && k != ic)
        CU_ASSERT_EQUAL(v[k], base[k]);
  }
}

/* Outer gamma_A over {0.1, 0.3}, inner w_A (keep_sum gamma_A) over
 * {0.2, 0.5}: the outer axis is applied first, so the inner pair keeps
 * the sum 0.6 + gamma_A(outer): gamma_A = 0.6 + G - w_A. */
static void test_grid_inner_partner_follows_outer(void)
{
  const qs_model_type *t = qs_model_type_find("qubit_osc");
  double base[QS_MODEL_MAX_PARAMS];
  base_values(t, base);
  const double W[2] = {0.2, 0.5}, G[2] = {0.1, 0.3};
  qs_sweep_axis axes[2] = {axis("w_A", "gamma_A", W, 2), axis("gamma_A", "", G, 2)};
  char msg[256];
  for (int a = 0; a < 2; a++)
    CU_ASSERT_EQUAL_FATAL(qs_sweep_resolve(&axes[a], t, base, "test", msg, sizeof msg), QS_OK);
  int iw = qs_model_param_index(t, "w_A"), ig = qs_model_param_index(t, "gamma_A");
  const double expect_gamma[4] = {0.6 + 0.1 - 0.2, 0.6 + 0.1 - 0.5, 0.6 + 0.3 - 0.2,
                                  0.6 + 0.3 - 0.5};
  for (long p = 0; p < 4; p++) {
    double v[QS_MODEL_MAX_PARAMS];
    qs_sweep_grid_point(axes, base, t->n_params, p, v, NULL);
    CU_ASSERT_EQUAL(v[iw], W[p % 2]);
    CU_ASSERT_DOUBLE_EQUAL(v[ig], expect_gamma[p], 1e-15);
  }
}

/* Without axes: one point, the base itself, NAN sweep values; one axis of
 * evenly spaced points hits both ends exactly. */
static void test_grid_degenerate(void)
{
  const qs_model_type *t = qs_model_type_find("qubit_osc");
  double base[QS_MODEL_MAX_PARAMS], v[QS_MODEL_MAX_PARAMS], x[2];
  base_values(t, base);
  qs_sweep_axis none[2];
  memset(none, 0, sizeof none);
  CU_ASSERT_EQUAL(qs_sweep_grid_count(none), 1);
  qs_sweep_grid_point(none, base, t->n_params, 0, v, x);
  CU_ASSERT(isnan(x[0]) && isnan(x[1]));
  CU_ASSERT_EQUAL(memcmp(v, base, (size_t)t->n_params * sizeof *v), 0);
  qs_sweep_axis line[2];
  memset(line, 0, sizeof line);
  snprintf(line[0].key, sizeof line[0].key, "g");
  line[0].from = 0.1;
  line[0].to = 0.7;
  line[0].points = 7;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_sweep_resolve(&line[0], t, base, "test", msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_sweep_grid_count(line), 7);
  qs_sweep_grid_point(line, base, t->n_params, 6, v, x);
  CU_ASSERT_EQUAL(x[0], 0.7);
  CU_ASSERT(isnan(x[1]));
  qs_sweep_grid_point(line, base, t->n_params, 3, v, x);
  CU_ASSERT_DOUBLE_EQUAL(v[qs_model_param_index(t, "g")], 0.4, 1e-15);
}

int qs_test_register_sweep(void)
{
  static const test_case cases[] = {
      {"two axes with keep_sum", test_grid_two_axes_keep_sum},
      {"inner keep_sum partner follows the outer axis", test_grid_inner_partner_follows_outer},
      {"no axis and one evenly spaced axis", test_grid_degenerate},
  };
  return test_add_suite("sweep", cases, (int)(sizeof cases / sizeof cases[0]));
}
