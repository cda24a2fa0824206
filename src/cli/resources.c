/* Resource limits of every command: the estimate before the work
 * (resources.h) and the wall-time guard during it. */
#include <stdatomic.h>
#include <stdlib.h>

#include "cli.h"

/* The guard's deadline on cli_now()'s clock, 0 when unarmed (the CLI's own
 * process state: one command per process; written before the computation
 * starts, only read by the workers). */
static double guard_deadline;
static double guard_limit;
/* The first worker past the deadline reports and exits; the others go on
 * until the process ends. */
static atomic_flag guard_fired = ATOMIC_FLAG_INIT;

void cli_wall_guard(void)
{
  if (guard_deadline > 0.0 && cli_now() > guard_deadline &&
      !atomic_flag_test_and_set(&guard_fired)) {
    cli_error("stopped: the computation ran longer than [run] max_wall = %g s; no results "
              "were written (raise it with --set run.max_wall=SECONDS)", guard_limit);
    qs_outdir_release(); /* no result was written yet: only the lock goes */
    exit(EXIT_RUNTIME);
  }
}

void cli_wall_guard_at(double t, double t_end, void *data)
{
  (void)t;
  (void)t_end;
  (void)data;
  cli_wall_guard();
}

int cli_check_resources(const cli_context *ctx)
{
  int task = qs_task_parse(ctx->command);
  if (task < 0)
    return EXIT_OK;
  qs_resource_estimate est;
  char msg[1024];
  /* A model that cannot be built is the command's own error to report. */
  if (qs_resources_estimate(&ctx->cfg, (qs_task)task, &est, msg, sizeof msg) != QS_OK)
    return EXIT_OK;
  /* With a target error the run stops itself at max_wall, results kept
   * (commands.c): ntraj is a maximum, its time estimate no refusal. */
  int soft_wall = ctx->cfg.target_stderr > 0.0 &&
                  (task == QS_TASK_RUN || task == QS_TASK_COMPARE);
  qs_resource_limits lim = {.max_bytes = ctx->max_memory,
                            .max_seconds = soft_wall ? 0.0 : ctx->cfg.max_wall};
  if (qs_resources_check(&ctx->cfg, &est, &lim, msg, sizeof msg) != QS_OK) {
    cli_error("%s: %s", ctx->cfg.path, msg);
    return EXIT_BAD_INPUT;
  }
  if (soft_wall)
    return EXIT_OK;
  guard_limit = ctx->cfg.max_wall;
  guard_deadline = cli_now() + ctx->cfg.max_wall;
  return EXIT_OK;
}
