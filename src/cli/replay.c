/* Replay of one trajectory: --first-index I --ntraj 1 reruns trajectory I
 * of a run alone (trajectory i always draws from PCG64 stream i, so it is
 * the same bits), and --dump-state writes its final state vector and its
 * jumps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "final_state": psi at the last output time (normalized, in the model's
 * reporting frame), summed over trajectories: with one trajectory, its
 * final state. */
typedef struct {
  int last;
  qs_index dim;
  double complex *psi;
} final_state;

static void final_free(void *state)
{
  final_state *a = state;
  if (a)
    free(a->psi);
  free(a);
}

static qs_status final_alloc(const qs_accum_shape *s, void **state)
{
  final_state *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  a->last = s->n_times - 1;
  a->dim = s->dim;
  a->psi = calloc((size_t)s->dim, sizeof *a->psi);
  if (!a->psi) {
    final_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void final_reset(void *state)
{
  final_state *a = state;
  memset(a->psi, 0, (size_t)a->dim * sizeof *a->psi);
}

static void final_sample(void *state, const qs_accum_sample *s)
{
  final_state *a = state;
  if (s->t_index == a->last)
    memcpy(a->psi, s->psi, (size_t)a->dim * sizeof *a->psi);
}

static qs_status final_add(void *into, const void *from)
{
  final_state *a = into;
  const final_state *b = from;
  if (a->dim != b->dim)
    return QS_ERR_DIMENSION;
  for (qs_index i = 0; i < a->dim; i++)
    a->psi[i] += b->psi[i];
  return QS_OK;
}

static qs_status final_write(const void *state, qs_accum_io *io)
{
  const final_state *a = state;
  return qs_accum_io_put(io, "psi", 2 * (long)a->dim, (const double *)a->psi);
}

static qs_status final_read(void *state, qs_accum_io *io)
{
  final_state *a = state;
  return qs_accum_io_get(io, "psi", 2 * (long)a->dim, (double *)a->psi);
}

static const qs_accum_type final_state_type = {
    "final_state", final_alloc, final_reset, final_sample, NULL, NULL,
    final_add,     final_write, final_read,  final_free};

const qs_accum_type *const *cli_replay_accums(const cli_context *ctx, int *n)
{
  static const qs_accum_type *const types[1] = {&final_state_type};
  *n = ctx->dump_state ? 1 : 0;
  return ctx->dump_state ? types : NULL;
}

int cli_replay_check(const cli_context *ctx)
{
  if (ctx->dump_state && ctx->cfg.ntraj != 1) {
    cli_error("%s: --dump-state writes one trajectory's state: use it with --ntraj 1 "
              "(and --first-index I for trajectory I); [run] ntraj = %ld",
              ctx->cfg.path, ctx->cfg.ntraj);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/* state.tsv: index, Re psi, Im psi (%.17g: the double's bits). */
static char *state_text(const qs_runconfig *cfg, const final_state *a, double t)
{
  size_t cap = 256 + (size_t)a->dim * 64;
  char *text = malloc(cap);
  if (!text)
    return NULL;
  size_t len = (size_t)snprintf(text, cap,
                                "# trajectory %ld of seed %llu: state at t = %.17g\n"
                                "# i\tre\tim\n",
                                cfg->first_index, (unsigned long long)cfg->seed, t);
  for (qs_index i = 0; i < a->dim && len < cap; i++)
    len += (size_t)snprintf(text + len, cap - len, "%lld\t%.17g\t%.17g\n", (long long)i,
                            creal(a->psi[i]), cimag(a->psi[i]));
  return text;
}

/* jumps.tsv: trajectory, time, channel of every jump. */
static char *jumps_text(const qs_accum_jump_records *j)
{
  long n = j ? j->n : 0;
  size_t cap = 64 + (size_t)n * 64;
  char *text = malloc(cap);
  if (!text)
    return NULL;
  size_t len = (size_t)snprintf(text, cap, "# trajectory\tt\tchannel\n");
  for (long k = 0; k < n && len < cap; k++)
    len += (size_t)snprintf(text + len, cap - len, "%ld\t%.17g\t%ld\n", j->traj[k], j->t[k],
                            j->channel[k]);
  return text;
}

int cli_replay_dump(const cli_context *ctx, const qs_ensemble_result *res)
{
  if (!ctx->dump_state)
    return EXIT_OK;
  const final_state *a = qs_ensemble_accum(res, "final_state");
  char *state = a ? state_text(&ctx->cfg, a, res->times[res->n_times - 1]) : NULL;
  char *jumps = jumps_text(qs_ensemble_accum(res, "jump_records"));
  char msg[1024];
  int rc = EXIT_OK;
  if (!state || !jumps) {
    cli_error("out of memory for the --dump-state files");
    rc = EXIT_RUNTIME;
  } else if (qs_output_write_text(ctx->out_dir, "state.tsv", state, msg, sizeof msg) != QS_OK ||
             qs_output_write_text(ctx->out_dir, "jumps.tsv", jumps, msg, sizeof msg) != QS_OK) {
    cli_error("%s", msg);
    rc = EXIT_RUNTIME;
  } else if (!ctx->quiet) {
    printf("trajectory %ld: final state %s/state.tsv, jumps %s/jumps.tsv\n",
           ctx->cfg.first_index, ctx->out_dir, ctx->out_dir);
  }
  free(state);
  free(jumps);
  return rc;
}
