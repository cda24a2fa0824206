/* Distributed runs and checkpoints of the run and compare commands:
 * the fingerprint, the signal deferral, the checkpoint hook and the
 * job's exit status. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Set by cli_checkpoint_begin/end around an ensemble; the signal noted
 * meanwhile (both read by the handler and the hook: sig_atomic_t). */
static volatile sig_atomic_t deferring, deferred_signal;

int cli_signal_defer(int sig)
{
  if (!deferring)
    return 0;
  deferred_signal = sig;
  return 1;
}

/* Whether override `set` ("section.key=value") is run.threads. */
static int is_threads_override(const char *set)
{
  while (*set == ' ' || *set == '\t')
    set++;
  size_t n = strcspn(set, "= \t");
  return n == 11 && strncmp(set, "run.threads", n) == 0;
}

void cli_run_fingerprint(cli_context *ctx, const char *const *sets, int n_sets)
{
  enum { MAX_PARTS = 260 };
  const char *parts[MAX_PARTS];
  int n = 0;
  parts[n++] = ctx->cfg.text;
  for (int k = 0; k < n_sets && n < MAX_PARTS; k++)
    if (!is_threads_override(sets[k]))
      parts[n++] = sets[k];
  qs_checkpoint_fingerprint(parts, n, ctx->fingerprint);
  /* The same overrides, one per line, for `qsync resume OUT`. */
  size_t len = 1;
  for (int k = 1; k < n; k++)
    len += strlen(parts[k]) + 1;
  ctx->overrides = calloc(len, 1);
  for (int k = 1; ctx->overrides && k < n; k++) {
    strcat(ctx->overrides, parts[k]);
    strcat(ctx->overrides, "\n");
  }
}

int cli_resume_arguments(int argc, char **argv, cli_resume_source *src)
{
  memset(src, 0, sizeof *src);
  if (argc < 3 || argv[2][0] == '-') {
    cli_error("usage: qsync resume OUT [--threads N] [--quiet] [--checkpoint-every S]: "
              "goes on with the run whose checkpoint is OUT/%s", QS_CHECKPOINT_NAME);
    return EXIT_BAD_INPUT;
  }
  char msg[1024];
  char *command = NULL, *overrides = NULL;
  if (qs_checkpoint_read_origin(argv[2], &command, &src->text, &src->path, &overrides, msg,
                                sizeof msg) != QS_OK) {
    cli_error("resume: %s", msg);
    return EXIT_BAD_INPUT;
  }
  int n_sets = 0;
  for (const char *c = overrides; *c; c++)
    n_sets += *c == '\n';
  src->argv = calloc((size_t)(argc + 2 * n_sets + 8), sizeof *src->argv);
  int ok = src->argv && command[0] && src->path[0];
  if (ok) {
    int n = 0;
    src->argv[n++] = argv[0];
    src->argv[n++] = command;
    src->argv[n++] = src->path;
    src->argv[n++] = "--out";
    src->argv[n++] = argv[2];
    src->argv[n++] = "--resume";
    for (char *save = NULL, *set = strtok_r(overrides, "\n", &save); set;
         set = strtok_r(NULL, "\n", &save)) {
      src->argv[n++] = "--set";
      src->argv[n++] = set;
    }
    for (int k = 3; k < argc; k++)
      src->argv[n++] = argv[k];
    src->argc = n;
  } else {
    cli_error("resume: %s/%s does not say which command and run file it belongs to",
              argv[2], QS_CHECKPOINT_NAME);
  }
  src->command = command;
  src->overrides = overrides;
  return ok ? EXIT_OK : EXIT_BAD_INPUT;
}

void cli_resume_source_free(cli_resume_source *src)
{
  free(src->argv);
  free(src->command);
  free(src->overrides);
  free(src->text);
  free(src->path);
  memset(src, 0, sizeof *src);
}

/* A run file with a [sweep] (one ensemble per point: no checkpoints). */
static int has_sweep(const qs_runconfig *cfg)
{
  return cli_sweep_points(cfg) > 1 || qs_sweep_active(&cfg->sweep[0]);
}

int cli_distributes(const cli_context *ctx)
{
  /* steady is not here: its sweep is one warm-started chain (docs/cluster.md) */
  static const char *const farmed[] = {"run", "jumps", "mesolve", "scan", "rates", "gap",
                                       "validity"};
  if (strcmp(ctx->command, "compare") == 0)
    return !has_sweep(&ctx->cfg);
  for (size_t k = 0; k < sizeof farmed / sizeof farmed[0]; k++)
    if (strcmp(ctx->command, farmed[k]) == 0)
      return 1;
  return 0;
}

int cli_job_exit_status(int rc)
{
  if (qs_dist_size() == 1)
    return rc;
  long worst = qs_dist_max(rc);
  long first = qs_dist_share(rc);
  return first != EXIT_OK ? (int)first : (int)worst;
}

int cli_parse_seconds(const char *text, double *seconds)
{
  char *end = NULL;
  double v = strtod(text, &end);
  if (end == text || *end != '\0' || !(v >= 0.0) || v > 1e9) {
    cli_error("--checkpoint-every '%s': expected seconds >= 0 (0: no periodic checkpoints)",
              text);
    return EXIT_BAD_INPUT;
  }
  *seconds = v;
  return EXIT_OK;
}

/* The interval: --checkpoint-every, else every minute for a run estimated
 * to take longer than a minute, else none (a signal still checkpoints). */
static double checkpoint_interval(const cli_context *ctx)
{
  if (ctx->checkpoint_every >= 0.0)
    return ctx->checkpoint_every;
  qs_resource_estimate est;
  int task = qs_task_parse(ctx->command);
  if (task >= 0 && qs_resources_estimate(&ctx->cfg, (qs_task)task, &est, NULL, 0) == QS_OK &&
      est.seconds > CLI_CHECKPOINT_DEFAULT_SECONDS)
    return CLI_CHECKPOINT_DEFAULT_SECONDS;
  return 0.0;
}

static qs_status write_checkpoint(cli_checkpointer *ck, const qs_ensemble_result *res)
{
  const cli_context *ctx = ck->ctx;
  qs_checkpoint_origin origin = {ctx->command, ctx->cfg.text, ctx->cfg.path, ctx->overrides};
  ck->write_status = qs_checkpoint_write(ctx->out_dir, res, ctx->fingerprint, &origin,
                                         ck->msg, sizeof ck->msg);
  ck->last = cli_now();
  ck->done = res->ntraj;
  return ck->write_status;
}

/* After each block (rank 0): stop after a checkpoint when a signal came,
 * else checkpoint when the interval has passed (not after the last block:
 * the results follow at once). */
static qs_status checkpoint_hook(const qs_ensemble_result *res, void *data)
{
  cli_checkpointer *ck = data;
  if (deferred_signal) {
    qs_status st = write_checkpoint(ck, res);
    return st == QS_OK ? QS_STOPPED : st;
  }
  if (ck->every > 0.0 && res->ntraj < ck->ctx->cfg.ntraj && cli_now() - ck->last >= ck->every)
    return write_checkpoint(ck, res);
  return QS_OK;
}

int cli_checkpoint_begin(const cli_context *ctx, qs_ensemble_options *eopt,
                         cli_checkpointer *ck)
{
  memset(ck, 0, sizeof *ck);
  ck->ctx = ctx;
  if (ctx->rank > 0)
    return EXIT_OK;
  if (has_sweep(&ctx->cfg)) { /* one ensemble per point, no checkpoints */
    if (ctx->resume)
      cli_error("--resume: a run with a [sweep] writes no checkpoints");
    return ctx->resume ? EXIT_BAD_INPUT : EXIT_OK;
  }
  char path[QS_RUNFILE_MAX_PATH + 32];
  snprintf(path, sizeof path, "%s/%s", ctx->out_dir, QS_CHECKPOINT_NAME);
  if (ctx->resume && access(path, F_OK) != 0) /* the same job script starts and resumes */
    cli_error("note: --resume: no checkpoint %s yet: starting from the first trajectory", path);
  else if (ctx->resume) {
    qs_status st = qs_checkpoint_read(ctx->out_dir, ctx->fingerprint, &ck->resume, ck->msg,
                                      sizeof ck->msg);
    if (st != QS_OK) {
      cli_error("--resume: %s", ck->msg);
      return EXIT_BAD_INPUT;
    }
    if (!ctx->quiet)
      printf("resuming from %s/%s: %ld of %ld trajectories done\n", ctx->out_dir,
             QS_CHECKPOINT_NAME, ck->resume->ntraj, ctx->cfg.ntraj);
    eopt->resume = ck->resume;
  }
  ck->every = checkpoint_interval(ctx);
  ck->last = cli_now();
  eopt->checkpoint = checkpoint_hook;
  eopt->checkpoint_data = ck;
  deferred_signal = 0;
  deferring = 1;
  return EXIT_OK;
}

int cli_checkpoint_end(cli_checkpointer *ck, qs_status st)
{
  deferring = 0;
  qs_ensemble_result_destroy(&ck->resume);
  const cli_context *ctx = ck->ctx;
  if (ctx->rank > 0)
    return EXIT_OK;
  if (ck->write_status != QS_OK)
    cli_error("%s", ck->msg);
  /* A signal during the last block: the trajectories in flight were the
   * run's last, so the run is complete.  It writes its results and exits 0
   * (a nonzero status would make a requeueing job script run it again,
   * and its --resume would find no checkpoint and start over). */
  if (st == QS_OK && deferred_signal)
    cli_error("note: signal %d arrived during the last block of trajectories: the run was "
              "complete: it writes its results and exits 0",
              (int)deferred_signal);
  if (st != QS_STOPPED)
    return EXIT_OK;
  int sig = deferred_signal ? (int)deferred_signal : SIGTERM;
  cli_error("stopped by signal %d after %ld of %ld trajectories: checkpoint %s/%s; go on "
            "with: qsync resume %s (or the same command with --resume; any --threads, any "
            "number of MPI ranks)", sig, ck->done, ctx->cfg.ntraj, ctx->out_dir,
            QS_CHECKPOINT_NAME, ctx->out_dir);
  return 128 + sig;
}
