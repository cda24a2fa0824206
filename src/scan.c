/* Scans along one parameter; see include/qsync/scan.h. */
#include "qsync/scan.h"
#include "qsync/weakdrive.h"
#include "message_impl.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A sign change is a zero crossing if |<S+>| there is below this fraction
 * of its largest value on the line (the refined root is accurate to tol,
 * so the residual is ~ tol * slope, far below this). */
#define ZERO_RATIO 1e-6

qs_status qs_root_brent(qs_scalar_fn f, void *data, double a, double b, double fa,
                        double fb, double tol, double *root)
{
  if (fa * fb > 0.0)
    return QS_ERR_INVALID;
  double c = a, fc = fa, d = b - a, e = d;
  for (int iter = 0; iter < 200; iter++) {
    if (fb * fc > 0.0) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (fabs(fc) < fabs(fb)) {
      a = b, b = c, c = a;
      fa = fb, fb = fc, fc = fa;
    }
    double tol1 = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * tol, xm = 0.5 * (c - b);
    if (fabs(xm) <= tol1 || fb == 0.0) {
      *root = b;
      return QS_OK;
    }
    if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
      /* inverse quadratic interpolation (secant if only two points) */
      double s = fb / fa, p, q;
      if (a == c) {
        p = 2.0 * xm * s;
        q = 1.0 - s;
      } else {
        double qa = fa / fc, r = fb / fc;
        p = s * (2.0 * xm * qa * (qa - r) - (b - a) * (r - 1.0));
        q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0.0)
        q = -q;
      p = fabs(p);
      if (2.0 * p < fmin(3.0 * xm * q - fabs(tol1 * q), fabs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = e = xm; /* bisection */
      }
    } else {
      d = e = xm;
    }
    a = b;
    fa = fb;
    b += fabs(d) > tol1 ? d : copysign(tol1, xm);
    qs_status st = f(b, &fb, data);
    if (st != QS_OK)
      return st;
  }
  return QS_ERR_NUMERIC;
}

qs_status qs_minimize_brent(qs_scalar_fn f, void *data, double a, double b, double tol,
                            double *xmin, double *fmin_out)
{
  const double golden = 0.3819660112501051;
  double x = a + golden * (b - a), w = x, v = x, fx, d = 0.0, e = 0.0;
  qs_status st = f(x, &fx, data);
  double fw = fx, fv = fx;
  for (int iter = 0; st == QS_OK && iter < 200; iter++) {
    double xm = 0.5 * (a + b), tol1 = tol * fabs(x) + 1e-12, tol2 = 2.0 * tol1;
    if (fabs(x - xm) <= tol2 - 0.5 * (b - a))
      break;
    int golden_step = 1;
    if (fabs(e) > tol1) { /* try a parabola through x, w, v */
      double r = (x - w) * (fx - fv), q = (x - v) * (fx - fw);
      double p = (x - v) * q - (x - w) * r;
      q = 2.0 * (q - r);
      if (q > 0.0)
        p = -p;
      q = fabs(q);
      double etemp = e;
      e = d;
      if (!(fabs(p) >= fabs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
        d = p / q;
        double u = x + d;
        if (u - a < tol2 || b - u < tol2)
          d = copysign(tol1, xm - x);
        golden_step = 0;
      }
    }
    if (golden_step) {
      e = x >= xm ? a - x : b - x;
      d = golden * e;
    }
    double u = fabs(d) >= tol1 ? x + d : x + copysign(tol1, d), fu;
    st = f(u, &fu, data);
    if (st != QS_OK)
      break;
    if (fu <= fx) {
      if (u >= x)
        a = x;
      else
        b = x;
      v = w, fv = fw, w = x, fw = fx, x = u, fx = fu;
    } else {
      if (u < x)
        a = u;
      else
        b = u;
      if (fu <= fw || w == x) {
        v = w, fv = fw, w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  *xmin = x;
  *fmin_out = fx;
  return st;
}

/* A problem with what its samples need resolved once: the indices of the
 * observables Sp_A, Sp_B (by name: their position differs between models)
 * and the steady-state options. */
typedef struct {
  const qs_scan_problem *pb;
  int sp_obs[2];
  qs_steady_options steady;
} scan_ctx;

static qs_status resolve(const qs_scan_problem *pb, scan_ctx *c, char *msg, size_t msglen)
{
  static const char *const names[2] = {"Sp_A", "Sp_B"};
  c->pb = pb;
  c->steady = pb->steady ? *pb->steady : qs_steady_default_options();
  c->steady.method = pb->method;
  c->steady.guess = NULL;
  qs_model *m = NULL;
  qs_status st = qs_model_create(pb->type, pb->values, &m, msg, msglen);
  for (int j = 0; j < 2 && st == QS_OK; j++)
    st = qs_model_require_obs(m, names[j], &c->sp_obs[j], msg, msglen);
  qs_model_destroy(&m);
  return st;
}

qs_status qs_scan_check(const qs_scan_problem *pb, char *msg, size_t msglen)
{
  if (!pb || !pb->type)
    return QS_ERR_INVALID;
  scan_ctx c;
  return resolve(pb, &c, msg, msglen);
}

/* eps * <S+_j>_1 of Appendix C, or NAN if the model is not two qubits. */
static void first_order_sp(const qs_scan_problem *pb, const double *values,
                           double complex sp[2])
{
  qs_weakdrive_params p;
  double complex a1, b1;
  sp[0] = sp[1] = NAN;
  if (qs_weakdrive_params_from_model(pb->type, values, &p, NULL, 0) != QS_OK ||
      qs_weakdrive_first_order(&p, &a1, &b1) != QS_OK)
    return;
  double eps = values[qs_model_param_index(pb->type, pb->type->drive_param)];
  sp[0] = eps * a1;
  sp[1] = eps * b1;
}

/* Sample at an explicit parameter vector. */
static qs_status sample_values(const scan_ctx *c, const double *values, double x,
                               qs_scan_sample *s, char *msg, size_t msglen)
{
  const qs_scan_problem *pb = c->pb;
  memset(s, 0, sizeof *s);
  s->x = x;
  s->r = NAN;
  s->exact.omega = s->exact.omega_blocks = NAN;
  first_order_sp(pb, values, s->sp_first);
  if (pb->first_order) {
    if (isnan(creal(s->sp_first[0]))) {
      qs_set_message(msg, msglen, "[scan] method = first_order needs the qubit_osc model "
                     "with spin = 0.5 (Appendix C)");
      return QS_ERR_INVALID;
    }
    s->sp[0] = s->sp_first[0];
    s->sp[1] = s->sp_first[1];
    return QS_OK;
  }
  qs_status st = qs_steady_point_eval_ex(pb->type, values, &c->steady, &s->exact, NULL, msg,
                                         msglen);
  if (st != QS_OK)
    return st;
  s->sp[0] = s->exact.obs[c->sp_obs[0]];
  s->sp[1] = s->exact.obs[c->sp_obs[1]];
  return QS_OK;
}

static qs_status sample_at(const scan_ctx *c, double x, qs_scan_sample *s, char *msg,
                           size_t msglen)
{
  double values[QS_MODEL_MAX_PARAMS];
  memcpy(values, c->pb->values, sizeof values);
  values[c->pb->along] = x;
  return sample_values(c, values, x, s, msg, msglen);
}

qs_status qs_scan_sample_at(const qs_scan_problem *pb, double x, qs_scan_sample *s,
                            char *msg, size_t msglen)
{
  if (!pb || !s)
    return QS_ERR_INVALID;
  scan_ctx c;
  qs_status st = resolve(pb, &c, msg, msglen);
  return st == QS_OK ? sample_at(&c, x, s, msg, msglen) : st;
}

/* ---- zero crossings ------------------------------------------------------ */

typedef struct {
  const scan_ctx *c;
  int j;                /* 0: A, 1: B */
  double complex axis;  /* unit phase axis of <S+_j> */
  double sign;          /* extremum search: -1 maximizes Omega */
  double abs_sp;        /* |<S+_j>| at the last evaluation */
} line_fn_data;

static qs_status projected_sp(double x, double *fx, void *data)
{
  line_fn_data *d = data;
  qs_scan_sample s;
  qs_status st = sample_at(d->c, x, &s, NULL, 0);
  if (st == QS_OK) {
    *fx = creal(s.sp[d->j] * conj(d->axis));
    d->abs_sp = cabs(s.sp[d->j]);
  }
  return st;
}

static qs_status find_crossings(const scan_ctx *c, const qs_scan_sample *smp, int n, int j,
                                qs_scan_features *f)
{
  int top = 0;
  for (int i = 1; i < n; i++)
    if (cabs(smp[i].sp[j]) > cabs(smp[top].sp[j]))
      top = i;
  double largest = cabs(smp[top].sp[j]);
  f->min_abs_ratio[j] = largest > 0.0 ? INFINITY : NAN;
  for (int i = 0; i < n && largest > 0.0; i++)
    f->min_abs_ratio[j] = fmin(f->min_abs_ratio[j], cabs(smp[i].sp[j]) / largest);
  if (!(largest > 0.0))
    return QS_OK; /* identically zero (no drive): nothing crosses */
  line_fn_data d = {c, j, smp[top].sp[j] / largest, 0.0, 0.0};
  for (int i = 0; i + 1 < n; i++) {
    double fa = creal(smp[i].sp[j] * conj(d.axis));
    double fb = creal(smp[i + 1].sp[j] * conj(d.axis));
    /* A zero on a grid point is counted once, in the interval it ends;
     * a zero at an end of the line is not a crossing (no sign change is
     * seen), e.g. <S+_B> = 0 at g = 0 where B is not coupled to the drive. */
    if (fa == 0.0 || (fb == 0.0 && i + 2 == n))
      continue;
    if (fa * fb > 0.0)
      continue;
    double root;
    qs_status st = qs_root_brent(projected_sp, &d, smp[i].x, smp[i + 1].x, fa, fb,
                                 c->pb->tol, &root);
    if (st != QS_OK)
      return st;
    double v;
    if ((st = projected_sp(root, &v, &d)) != QS_OK)
      return st;
    if (d.abs_sp <= ZERO_RATIO * largest) {
      if (f->n_roots[j] < QS_SCAN_MAX_ROOTS)
        f->roots[j][f->n_roots[j]++] = root;
    } else {
      f->n_slips[j]++;
    }
  }
  return QS_OK;
}

/* ---- extrema of R ---------------------------------------------------------- */

static qs_status signed_omega(double x, double *fx, void *data)
{
  line_fn_data *d = data;
  qs_scan_sample s;
  qs_status st = sample_at(d->c, x, &s, NULL, 0);
  if (st == QS_OK)
    *fx = d->sign * s.exact.omega;
  return st;
}

/* Refine the interior extremum bracketed by grid points i-1, i+1. */
static qs_status refine_extremum(const scan_ctx *c, const qs_scan_sample *smp, int i,
                                 double sign, double *x, double *omega)
{
  line_fn_data d = {c, 0, 1.0, sign, 0.0};
  double fx;
  qs_status st = qs_minimize_brent(signed_omega, &d, smp[i - 1].x, smp[i + 1].x, 1e-7, x,
                                   &fx);
  *omega = sign * fx;
  return st;
}

static qs_status find_extrema(const scan_ctx *c, const qs_scan_sample *smp, int n,
                              qs_scan_features *f)
{
  f->r_max = f->x_r_max = f->r_min = f->x_r_min = NAN;
  if (c->pb->first_order || !(f->omega0 > 0.0))
    return QS_OK;
  int best = smp[0].r >= smp[n - 1].r ? 0 : n - 1; /* endpoints count for the max */
  f->r_max = smp[best].r;
  f->x_r_max = smp[best].x;
  for (int i = 1; i + 1 < n; i++) {
    int is_max = smp[i].r > smp[i - 1].r && smp[i].r >= smp[i + 1].r;
    int is_min = smp[i].r < smp[i - 1].r && smp[i].r <= smp[i + 1].r;
    if (!is_max && !is_min)
      continue;
    double x, omega;
    qs_status st = refine_extremum(c, smp, i, is_max ? -1.0 : 1.0, &x, &omega);
    if (st != QS_OK)
      return st;
    double r = omega / f->omega0;
    if (is_max) {
      f->n_max++;
      if (r > f->r_max)
        f->r_max = r, f->x_r_max = x;
    } else {
      f->n_min++;
      if (isnan(f->r_min) || r < f->r_min)
        f->r_min = r, f->x_r_min = x;
    }
  }
  return QS_OK;
}

qs_status qs_scan_line(const qs_scan_problem *pb, const double *xs, int n,
                       qs_scan_sample *samples, qs_scan_features *f, char *msg,
                       size_t msglen)
{
  if (!pb || !xs || n < 3 || !samples || !f)
    return QS_ERR_INVALID;
  memset(f, 0, sizeof *f);
  f->omega0 = NAN;
  scan_ctx c;
  qs_status st = resolve(pb, &c, msg, msglen);
  if (st == QS_OK && !pb->first_order && pb->type->coupling_param) {
    double ref[QS_MODEL_MAX_PARAMS];
    qs_scan_sample s0;
    st = qs_sync_reference_values(pb->type, pb->values, ref);
    if (st == QS_OK)
      st = sample_values(&c, ref, 0.0, &s0, msg, msglen);
    f->omega0 = s0.exact.omega;
  }
  for (int i = 0; i < n && st == QS_OK; i++) {
    st = sample_at(&c, xs[i], &samples[i], msg, msglen);
    samples[i].r = samples[i].exact.omega / f->omega0;
  }
  for (int j = 0; j < 2 && st == QS_OK; j++)
    st = find_crossings(&c, samples, n, j, f);
  if (st == QS_OK)
    st = find_extrema(&c, samples, n, f);
  return st;
}

/* ---- Fig. 5c: restore the zero crossing with a second parameter --------- */

typedef struct {
  const scan_ctx *c;
  int restore;
} restore_data;

static qs_status sp_a_at(const restore_data *d, double x, double y, double complex *sp)
{
  double values[QS_MODEL_MAX_PARAMS];
  memcpy(values, d->c->pb->values, sizeof values);
  values[d->c->pb->along] = x;
  values[d->restore] = y;
  qs_scan_sample s;
  qs_status st = sample_values(d->c, values, x, &s, NULL, 0);
  *sp = s.sp[0];
  return st;
}

/* Newton's method on F(x, y) = <S+_A> (two real equations), with a
 * forward-difference Jacobian and step halving. */
static qs_status newton_restore(const restore_data *d, double *x, double *y,
                                double *abs_f)
{
  double complex F;
  qs_status st = sp_a_at(d, *x, *y, &F);
  for (int iter = 0; st == QS_OK && iter < 60 && cabs(F) > 0.0; iter++) {
    double hx = 1e-7 * fmax(1.0, fabs(*x)), hy = 1e-7 * fmax(1.0, fabs(*y));
    double complex Fx, Fy;
    if ((st = sp_a_at(d, *x + hx, *y, &Fx)) != QS_OK ||
        (st = sp_a_at(d, *x, *y + hy, &Fy)) != QS_OK)
      break;
    double complex jx = (Fx - F) / hx, jy = (Fy - F) / hy;
    double det = creal(jx) * cimag(jy) - creal(jy) * cimag(jx);
    if (det == 0.0)
      return QS_ERR_NUMERIC;
    double dx = -(cimag(jy) * creal(F) - creal(jy) * cimag(F)) / det;
    double dy = -(-cimag(jx) * creal(F) + creal(jx) * cimag(F)) / det;
    double complex Fn = F;
    double t = 1.0;
    for (; t > 1e-6; t *= 0.5)
      if ((st = sp_a_at(d, *x + t * dx, *y + t * dy, &Fn)) != QS_OK || cabs(Fn) < cabs(F))
        break;
    if (st != QS_OK || !(cabs(Fn) < cabs(F)))
      break; /* no further progress: at the accuracy limit */
    *x += t * dx;
    *y += t * dy;
    F = Fn;
    if (fabs(t * dx) < d->c->pb->tol && fabs(t * dy) < d->c->pb->tol)
      break;
  }
  *abs_f = cabs(F);
  return st;
}

qs_status qs_scan_restore(const qs_scan_problem *pb, int restore, const double *xs,
                          int nx, const double *ys, int ny, double *x0, double *y0,
                          double *ratio, char *msg, size_t msglen)
{
  if (!pb || restore < 0 || restore == pb->along || nx < 1 || ny < 1)
    return QS_ERR_INVALID;
  scan_ctx c;
  qs_status resolved = resolve(pb, &c, msg, msglen);
  if (resolved != QS_OK)
    return resolved;
  restore_data d = {&c, restore};
  double best = INFINITY, largest = 0.0;
  for (int i = 0; i < nx; i++)
    for (int k = 0; k < ny; k++) {
      double complex sp;
      qs_status st = sp_a_at(&d, xs[i], ys[k], &sp);
      if (st != QS_OK) {
        qs_set_message(msg, msglen, "[scan] restore: evaluation at %g, %g failed: %s",
                       xs[i], ys[k], qs_strerror(st));
        return st;
      }
      largest = fmax(largest, cabs(sp));
      if (cabs(sp) < best)
        best = cabs(sp), *x0 = xs[i], *y0 = ys[k];
    }
  double abs_f;
  qs_status st = newton_restore(&d, x0, y0, &abs_f);
  if (st != QS_OK)
    return st;
  /* Newton may run off to where everything vanishes (g -> infinity) or to
   * a root the user did not ask for: only roots inside both ranges count. */
  if (!(*x0 >= xs[0] && *x0 <= xs[nx - 1] && *y0 >= ys[0] && *y0 <= ys[ny - 1])) {
    qs_set_message(msg, msglen, "[scan] restore: Newton's method left the search ranges "
                   "(ended at %g, %g); no zero of <S+_A> inside them", *x0, *y0);
    return QS_ERR_NUMERIC;
  }
  *ratio = largest > 0.0 ? abs_f / largest : NAN;
  if (!(*ratio <= ZERO_RATIO)) {
    qs_set_message(msg, msglen, "[scan] restore: no zero of <S+_A> found (best |<S+_A>| "
                   "is %.3g of its largest value, at %g, %g)", *ratio, *x0, *y0);
    return QS_ERR_NUMERIC;
  }
  return QS_OK;
}

/* ---- lines of a grid ----------------------------------------------------- */

typedef struct {
  const qs_scan_problem *pb;
  const qs_scan_grid *grid;
  qs_scan_line_result *lines;
  qs_scan_sample *samples;   /* all lines' samples, or NULL */
  qs_scan_sample **scratch;  /* one line of samples per worker (samples NULL) */
} grid_job;

static qs_status line_task(long p, int worker, void *data)
{
  const grid_job *job = data;
  const qs_scan_grid *g = job->grid;
  qs_scan_line_result *out = &job->lines[p];
  qs_scan_problem pb = *job->pb;
  if (g->sweep)
    qs_sweep_grid_point(g->sweep, job->pb->values, pb.type->n_params, p, pb.values,
                        out->sweep_x);
  else
    out->sweep_x[0] = out->sweep_x[1] = NAN;
  qs_scan_sample *own = job->samples ? job->samples + p * g->nx : job->scratch[worker];
  out->st = qs_scan_line(&pb, g->xs, g->nx, own, &out->f, out->msg, sizeof out->msg);
  out->restore_x = out->restore_y = out->restore_ratio = NAN;
  if (out->st == QS_OK && g->restore >= 0) {
    qs_status st = qs_scan_restore(&pb, g->restore, g->xs, g->nx, g->ys, g->ny,
                                   &out->restore_x, &out->restore_y, &out->restore_ratio,
                                   NULL, 0);
    if (st != QS_OK) /* no restoring point on this line */
      out->restore_x = out->restore_y = NAN;
  }
  return out->st;
}

/* Slot codec of a distributed run (farm.h): the line's result and, when
 * the caller keeps them, its samples (all plain data). */
static qs_status line_pack(long p, qs_farm_bytes *b, void *data)
{
  const grid_job *job = data;
  qs_farm_put(b, &job->lines[p], sizeof job->lines[p]);
  if (job->samples)
    qs_farm_put(b, job->samples + p * job->grid->nx,
                (size_t)job->grid->nx * sizeof *job->samples);
  return b->st;
}

static qs_status line_unpack(long p, qs_farm_bytes *b, void *data)
{
  const grid_job *job = data;
  qs_farm_get(b, &job->lines[p], sizeof job->lines[p]);
  if (job->samples)
    qs_farm_get(b, job->samples + p * job->grid->nx,
                (size_t)job->grid->nx * sizeof *job->samples);
  return b->st;
}

qs_status qs_scan_grid_run(const qs_scan_problem *pb, const qs_scan_grid *grid,
                           qs_scan_line_result *lines, qs_scan_sample *samples,
                           long *failed)
{
  if (failed)
    *failed = -1;
  if (!pb || !grid || !lines || !grid->xs || grid->nx < 3 ||
      (grid->restore >= 0 && (!grid->ys || grid->ny < 1)))
    return QS_ERR_INVALID;
  long n = grid->sweep ? qs_sweep_grid_count(grid->sweep) : 1;
  int workers = qs_farm_workers(&grid->farm);
  grid_job job = {pb, grid, lines, samples, NULL};
  qs_status st = QS_OK;
  if (!samples) {
    job.scratch = calloc((size_t)workers, sizeof *job.scratch);
    for (int w = 0; job.scratch && w < workers; w++)
      if (!(job.scratch[w] = malloc((size_t)grid->nx * sizeof **job.scratch)))
        st = QS_ERR_NOMEM;
    if (!job.scratch)
      st = QS_ERR_NOMEM;
  }
  qs_farm_options farm = grid->farm;
  farm.pack = line_pack;
  farm.unpack = line_unpack;
  if (st == QS_OK)
    st = qs_farm_run(n, line_task, &job, &farm, failed);
  for (int w = 0; job.scratch && w < workers; w++)
    free(job.scratch[w]);
  free(job.scratch);
  return st;
}
