/* Long trajectories as signals (signals.h): chunking does not change the
 * record, a trajectory replays alone, the closed-form unitary limit, the
 * ensemble mean against the master equation, the photon averages against
 * the signals' own time averages, and every error path. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "qsync/signals.h"

/* A whole record gathered from the chunks, with the chunk bookkeeping
 * checked on the way. */
typedef struct {
  long n_samples, n_jumps, cap_samples, cap_jumps;
  int n_signals, chunks, last_seen, order_ok;
  double *values, *jump_time;
  int *jump_channel;
  long index;
} record;

static qs_status gather(const qs_signals_chunk *c, void *data)
{
  record *r = data;
  r->order_ok &= !r->last_seen && c->first_sample == r->n_samples &&
                 c->first_jump == r->n_jumps && c->trajectory == r->index;
  if (r->n_samples + c->n_samples > r->cap_samples || r->n_jumps + c->n_jumps > r->cap_jumps)
    return QS_ERR_NOMEM;
  memcpy(r->values + r->n_samples * c->n_signals, c->values,
         (size_t)(c->n_samples * c->n_signals) * sizeof *c->values);
  memcpy(r->jump_time + r->n_jumps, c->jump_time, (size_t)c->n_jumps * sizeof *c->jump_time);
  memcpy(r->jump_channel + r->n_jumps, c->jump_channel,
         (size_t)c->n_jumps * sizeof *c->jump_channel);
  r->n_samples += c->n_samples;
  r->n_jumps += c->n_jumps;
  r->n_signals = c->n_signals;
  r->chunks++;
  r->last_seen = c->last;
  return QS_OK;
}

static void record_init(record *r, long samples, int signals, long jumps, long index)
{
  memset(r, 0, sizeof *r);
  r->cap_samples = samples;
  r->cap_jumps = jumps;
  r->order_ok = 1;
  r->index = index;
  r->values = calloc((size_t)(samples * signals), sizeof *r->values);
  r->jump_time = calloc((size_t)jumps, sizeof *r->jump_time);
  r->jump_channel = calloc((size_t)jumps, sizeof *r->jump_channel);
}

static void record_free(record *r)
{
  free(r->values);
  free(r->jump_time);
  free(r->jump_channel);
}

static int records_equal(const record *a, const record *b)
{
  return a->n_samples == b->n_samples && a->n_jumps == b->n_jumps &&
         memcmp(a->values, b->values,
                (size_t)(a->n_samples * a->n_signals) * sizeof *a->values) == 0 &&
         memcmp(a->jump_time, b->jump_time, (size_t)a->n_jumps * sizeof *a->jump_time) == 0 &&
         memcmp(a->jump_channel, b->jump_channel,
                (size_t)a->n_jumps * sizeof *a->jump_channel) == 0;
}

/* A small bistable-looking cavity with a qubit, lossy: jumps happen. */
static qs_model *small_cavity(void)
{
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "domega", NULL};
  const double vals[] = {1, 8, 0.6, 0.5, 0.2};
  return test_cavity(keys, vals);
}

static qs_signals_options cavity_options(const qs_model *m)
{
  qs_signals_options o = qs_signals_default_options();
  o.burn_in = 2.0;
  o.t_end = 40.0;
  o.dt = 0.25;
  o.n_signals = 3;
  const char *names[] = {"n", "Sz_1", "Sx_1"};
  for (int s = 0; s < 3; s++)
    CU_ASSERT_EQUAL(qs_model_require_obs(m, names[s], &o.obs[s], NULL, 0), QS_OK);
  return o;
}

static void run_record(const qs_model *m, const qs_signals_options *o, long index,
                       record *r)
{
  qs_signals *s = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_signals_create(m, o, &s, NULL, 0), QS_OK);
  record_init(r, qs_signals_sample_count(o), o->n_signals, 100000, index);
  CU_ASSERT_EQUAL(qs_signals_run(s, 7, index, gather, r, NULL, 0), QS_OK);
  qs_signals_destroy(&s);
  CU_ASSERT_PTR_NULL(s);
}

/* The sample grid: floor(t_end / dt) + 1 points, robust to the rounding
 * of t_end / dt. */
static void test_sample_count(void)
{
  qs_signals_options o = qs_signals_default_options();
  o.t_end = 100.0;
  o.dt = 0.1; /* 100 / 0.1 = 999.9999999999999 in binary */
  CU_ASSERT_EQUAL(qs_signals_sample_count(&o), 1001);
  o.dt = 0.3; /* 333.33 -> 333 steps */
  CU_ASSERT_EQUAL(qs_signals_sample_count(&o), 334);
  o.dt = 0.0;
  CU_ASSERT_EQUAL(qs_signals_sample_count(&o), 0);
}

/* Chunks of 7 samples (and 7 jumps) concatenate to the one-chunk record,
 * bit for bit; every jump lies in the sampled window, in time order. */
static void test_chunks_concatenate(void)
{
  qs_model *m = small_cavity();
  qs_signals_options o = cavity_options(m);
  record whole, pieces;
  o.chunk = 1000000;
  run_record(m, &o, 3, &whole);
  o.chunk = 7;
  run_record(m, &o, 3, &pieces);
  CU_ASSERT_EQUAL(whole.chunks, 1);
  CU_ASSERT(pieces.chunks >= (qs_signals_sample_count(&o) + 6) / 7);
  CU_ASSERT(whole.order_ok && pieces.order_ok && whole.last_seen && pieces.last_seen);
  CU_ASSERT_EQUAL(whole.n_samples, qs_signals_sample_count(&o));
  CU_ASSERT(whole.n_jumps > 7); /* gamma <n> t_end: several chunks of jumps */
  CU_ASSERT(records_equal(&whole, &pieces));
  double t_last = o.burn_in + (double)(whole.n_samples - 1) * o.dt;
  for (long j = 0; j < whole.n_jumps; j++) {
    CU_ASSERT(whole.jump_time[j] >= o.burn_in && whole.jump_time[j] <= t_last);
    CU_ASSERT(j == 0 || whole.jump_time[j] >= whole.jump_time[j - 1]);
    CU_ASSERT(whole.jump_channel[j] >= 0 && whole.jump_channel[j] < m->n_c);
  }
  record_free(&whole);
  record_free(&pieces);
  qs_model_destroy(&m);
}

/* Trajectory 2 run alone equals trajectory 2 run after 0 and 1 on the
 * same object (the stream is selected by the index; nothing carries over). */
static void test_trajectory_replays_alone(void)
{
  qs_model *m = small_cavity();
  qs_signals_options o = cavity_options(m);
  o.photon = 1;
  record alone, after[3];
  run_record(m, &o, 2, &alone);
  qs_signals *s = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_signals_create(m, &o, &s, NULL, 0), QS_OK);
  for (long i = 0; i < 3; i++) {
    record_init(&after[i], qs_signals_sample_count(&o), 3, 100000, i);
    CU_ASSERT_EQUAL(qs_signals_run(s, 7, i, gather, &after[i], NULL, 0), QS_OK);
  }
  CU_ASSERT(records_equal(&alone, &after[2]));
  CU_ASSERT(!records_equal(&after[1], &after[2]));
  qs_signals_destroy(&s);
  record_free(&alone);
  for (int i = 0; i < 3; i++)
    record_free(&after[i]);
  qs_model_destroy(&m);
}

/* Without collapse operators no jump is recorded and the signal is the
 * closed-form Rabi oscillation: qubit A of qubit_osc (g = 0, no rates)
 * under H_A = delta Sz + eps Sx from spin down rotates its Bloch vector
 * about n = (eps, 0, delta) / Omega at Omega = sqrt(delta^2 + eps^2):
 *   <Sz_A>(t) = -(delta^2 + eps^2 cos(Omega t)) / (2 Omega^2). */
static void test_no_collapse_closed_form(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "delta_d", NULL};
  const double vals[] = {0, 0, 0, 0, 0, 0.9, 0.4};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_EQUAL_FATAL(m->n_c, 0);
  qs_signals_options o = qs_signals_default_options();
  o.burn_in = 0.5;
  o.t_end = 30.0;
  o.dt = 0.1;
  o.traj.rtol = 1e-10;
  o.traj.atol = 1e-12;
  CU_ASSERT_EQUAL(qs_model_require_obs(m, "Sz_A", &o.obs[0], NULL, 0), QS_OK);
  record r;
  run_record(m, &o, 0, &r);
  CU_ASSERT_EQUAL(r.n_jumps, 0);
  const double delta = 0.4, eps = 0.9, omega2 = delta * delta + eps * eps;
  double worst = 0.0;
  for (long k = 0; k < r.n_samples; k++) {
    double t = o.burn_in + (double)k * o.dt;
    double exact = -(delta * delta + eps * eps * cos(sqrt(omega2) * t)) / (2.0 * omega2);
    worst = fmax(worst, fabs(r.values[k] - exact));
  }
  CU_ASSERT(worst < 1e-7);
  record_free(&r);
  qs_model_destroy(&m);
}

/* With jumps, the mean over M trajectories of the signal at each sample
 * time is the master equation's Tr(rho(t) Sz_A) within z < 4 (standard
 * error from the trajectories' spread; about 10 times, so a false alarm
 * has probability below 1e-3). */
static void test_ensemble_mean_matches_master_equation(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "delta_d", NULL};
  const double vals[] = {0.3, 0.7, 0, 0, 0, 0.8, 0.3};
  qs_model *m = test_qubit_osc(keys, vals);
  qs_signals_options o = qs_signals_default_options();
  o.burn_in = 0.5;
  o.t_end = 4.5;
  o.dt = 0.5;
  CU_ASSERT_EQUAL(qs_model_require_obs(m, "Sz_A", &o.obs[0], NULL, 0), QS_OK);
  const long M = 800, n = qs_signals_sample_count(&o);
  CU_ASSERT_EQUAL_FATAL(n, 10);
  double sum[10] = {0}, sq[10] = {0};
  long jumps = 0;
  qs_signals *s = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_signals_create(m, &o, &s, NULL, 0), QS_OK);
  for (long i = 0; i < M; i++) {
    record r;
    record_init(&r, n, 1, 10000, i);
    CU_ASSERT_EQUAL(qs_signals_run(s, 11, i, gather, &r, NULL, 0), QS_OK);
    for (long k = 0; k < n; k++) {
      sum[k] += r.values[k];
      sq[k] += r.values[k] * r.values[k];
    }
    jumps += r.n_jumps;
    record_free(&r);
  }
  qs_signals_destroy(&s);
  CU_ASSERT(jumps > 0);
  double times[10];
  for (long k = 0; k < n; k++)
    times[k] = o.burn_in + (double)k * o.dt;
  double complex *obs = calloc((size_t)(n * m->n_obs), sizeof *obs);
  CU_ASSERT_EQUAL_FATAL(qs_mesolve(m, NULL, (int)n, times, NULL, NULL, obs, NULL, NULL, NULL,
                                   NULL, NULL, 0),
                        QS_OK);
  for (long k = 0; k < n; k++) {
    double mean = sum[k] / M, var = (sq[k] / M - mean * mean) * M / (M - 1);
    double se = sqrt(var / M);
    double exact = creal(obs[k * m->n_obs + o.obs[0]]);
    CU_ASSERT(se > 0.0);
    CU_ASSERT(fabs(mean - exact) < 4.0 * se);
  }
  free(obs);
  qs_model_destroy(&m);
}

/* The photon averages are the populations' split: Sum_n (P+ + P-) = 1 in
 * every batch, and their moments reproduce the signals' own time averages
 * (<n> = Sum_n n (P+ + P-), <Sz_1> = (Sum P+ - Sum P-) / 2), an
 * independent route through the observables' operators. */
static void test_photon_matches_signals(void)
{
  qs_model *m = small_cavity();
  qs_signals_options o = cavity_options(m);
  o.photon = 1;
  o.photon_batches = 6; /* 161 samples: 26 per batch, the last one 31 */
  record r;
  qs_signals *s = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_signals_create(m, &o, &s, NULL, 0), QS_OK);
  qs_index levels = qs_signals_photon_levels(s);
  CU_ASSERT_EQUAL_FATAL(levels, 8);
  record_init(&r, qs_signals_sample_count(&o), 3, 100000, 5);
  CU_ASSERT_EQUAL(qs_signals_run(s, 3, 5, gather, &r, NULL, 0), QS_OK);
  double up[8], down[8], n_avg = 0.0, sz_avg = 0.0;
  long total = 0;
  for (int b = 0; b < 6; b++) {
    long w = qs_signals_photon_batch_samples(s, b);
    CU_ASSERT_EQUAL(w, b < 5 ? 26 : 31);
    CU_ASSERT_EQUAL_FATAL(qs_signals_photon(s, b, up, down), QS_OK);
    double norm = 0.0;
    for (int k = 0; k < 8; k++) {
      norm += up[k] + down[k];
      n_avg += w * k * (up[k] + down[k]);
      sz_avg += w * 0.5 * (up[k] - down[k]);
    }
    CU_ASSERT(fabs(norm - 1.0) < 1e-12);
    total += w;
  }
  CU_ASSERT_EQUAL(total, r.n_samples);
  double n_sig = 0.0, sz_sig = 0.0;
  for (long k = 0; k < r.n_samples; k++) {
    n_sig += r.values[3 * k];
    sz_sig += r.values[3 * k + 1];
  }
  CU_ASSERT(fabs(n_avg - n_sig) < 1e-9 * r.n_samples);
  CU_ASSERT(fabs(sz_avg - sz_sig) < 1e-9 * r.n_samples);
  CU_ASSERT_EQUAL(qs_signals_photon(s, 6, up, down), QS_ERR_INVALID);
  qs_signals_destroy(&s);
  record_free(&r);
  qs_model_destroy(&m);
}

/* The projected probability against closed forms: for the photon number
 * (diagonal in the Fock basis) the tail sum of the diagonal; for Sx_1
 * (eigenvalues +-1/2) P(Sx >= 0) = 1/2 + <Sx>; all or nothing beyond
 * the spectrum. */
static void test_probability_above(void)
{
  qs_model *m = small_cavity();
  qs_index dim = m->space.total;
  double complex *rho = calloc((size_t)(dim * dim), sizeof *rho);
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_DENSE, rho, NULL), QS_OK);
  int n_obs = -1, sx = -1;
  CU_ASSERT_EQUAL(qs_model_require_obs(m, "n", &n_obs, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_model_require_obs(m, "Sx_1", &sx, NULL, 0), QS_OK);
  double p = -1.0, tail = 0.0;
  qs_index rest = dim / 8; /* cavity levels first: index = n * rest + r */
  for (qs_index i = 0; i < dim; i++)
    if (i / rest >= 3)
      tail += creal(rho[i + i * dim]);
  CU_ASSERT_EQUAL(qs_observable_probability_above(m->obs[n_obs], rho, 2.5, &p), QS_OK);
  CU_ASSERT(fabs(p - tail) < 1e-10);
  CU_ASSERT(tail > 0.01 && tail < 0.99); /* a test that can fail */
  double sx_mean = creal(qs_op_trace_with(m->obs[sx], rho));
  CU_ASSERT_EQUAL(qs_observable_probability_above(m->obs[sx], rho, 0.0, &p), QS_OK);
  CU_ASSERT(fabs(p - (0.5 + sx_mean)) < 1e-10);
  CU_ASSERT_EQUAL(qs_observable_probability_above(m->obs[n_obs], rho, -1.0, &p), QS_OK);
  CU_ASSERT(fabs(p - 1.0) < 1e-10);
  CU_ASSERT_EQUAL(qs_observable_probability_above(m->obs[n_obs], rho, 100.0, &p), QS_OK);
  CU_ASSERT(fabs(p) < 1e-15);
  CU_ASSERT_EQUAL(qs_observable_probability_above(NULL, rho, 0.0, &p), QS_ERR_INVALID);
  free(rho);
  qs_model_destroy(&m);
}

static qs_status stop_sink(const qs_signals_chunk *c, void *data)
{
  (void)c;
  (*(int *)data)++;
  return QS_ERR_IO;
}

/* Every refusal names what is wrong; a sink's error stops the run. */
static void test_errors(void)
{
  qs_model *m = small_cavity();
  qs_signals *s = NULL;
  char msg[256] = "";
  qs_signals_options o = cavity_options(m);
  o.dt = 0.0;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "dt"));
  o = cavity_options(m);
  o.dt = 2 * o.t_end;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  o = cavity_options(m);
  o.burn_in = -1.0;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "burn_in"));
  o = cavity_options(m);
  o.obs[1] = m->n_obs;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "observable"));
  o = cavity_options(m);
  o.n_signals = 0;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  o = cavity_options(m);
  o.chunk = 0;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  o = cavity_options(m);
  o.photon = 1;
  o.photon_batches = 100000;
  CU_ASSERT_EQUAL(qs_signals_create(m, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "photon_batches"));
  CU_ASSERT_PTR_NULL(s);
  /* a model without photon numbers */
  qs_model *osc = test_qubit_osc(NULL, NULL);
  o = qs_signals_default_options();
  o.photon = 1;
  CU_ASSERT_EQUAL(qs_signals_create(osc, &o, &s, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "photon"));
  qs_model_destroy(&osc);
  /* the sink's status stops the trajectory */
  o = cavity_options(m);
  o.chunk = 5;
  CU_ASSERT_EQUAL_FATAL(qs_signals_create(m, &o, &s, NULL, 0), QS_OK);
  int calls = 0;
  CU_ASSERT_EQUAL(qs_signals_run(s, 1, 0, stop_sink, &calls, NULL, 0), QS_ERR_IO);
  CU_ASSERT_EQUAL(calls, 1);
  CU_ASSERT_EQUAL(qs_signals_run(s, 1, -1, NULL, NULL, NULL, 0), QS_ERR_INVALID);
  double p[8];
  CU_ASSERT_EQUAL(qs_signals_photon(s, 0, p, p), QS_ERR_INVALID); /* photon off */
  qs_signals_destroy(&s);
  qs_signals_destroy(&s); /* NULL is fine */
  qs_model_destroy(&m);
}

int qs_test_register_signals(void)
{
  static const test_case cases[] = {
      {"sample count", test_sample_count},
      {"chunks concatenate to one record", test_chunks_concatenate},
      {"trajectory i replays alone", test_trajectory_replays_alone},
      {"no collapse: no jumps, closed-form signal", test_no_collapse_closed_form},
      {"ensemble mean = master equation (z < 4)", test_ensemble_mean_matches_master_equation},
      {"photon averages = signal averages", test_photon_matches_signals},
      {"probability above a threshold: closed forms", test_probability_above},
      {"errors", test_errors},
  };
  return test_add_suite("signals", cases, (int)(sizeof cases / sizeof cases[0]));
}
