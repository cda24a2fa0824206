/* qsync command-line tool: argument parsing and dispatch.
 *
 *   qsync COMMAND FILE.ini [--out DIR] [--threads N] [--seed S] [--ntraj N]
 *         [--quiet] [--strict] [--set section.key=value ...]
 *   qsync help [COMMAND | runfile [--markdown] | --man],  qsync --version
 * The commands and their texts are in help.c.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "help.h"

void cli_error(const char *fmt, ...)
{
  if (qs_dist_rank() > 0) /* rank 0 reports for the job (dist.h) */
    return;
  va_list ap;
  va_start(ap, fmt);
  fputs("qsync: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* Default output directory: out/<basename of the run file without .ini>
 * (out/stdin for "-"). */
static void default_out_dir(const char *path, char *out, size_t len)
{
  if (strcmp(path, "-") == 0) /* standard input */
    path = "stdin";
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
    n -= 4;
  snprintf(out, len, "out/%.*s", (int)n, base);
}

/* SIGINT/SIGTERM: remove the temporaries and the lock of the output
 * directory (unlink only: async-signal-safe), then exit 128 + signal;
 * during the final renames, exit after them (main). */
static void on_signal(int sig)
{
  if (cli_signal_defer(sig)) /* an ensemble checkpoints at its next block */
    return;
  if (qs_outdir_abandon(sig))
    _exit(128 + sig);
}

/* The output directory (--out, or the default from the run file's name):
 * refused before any work when it is too long, empty, not a directory,
 * not writable, or locked by another run; then claimed (locked) until the
 * end of the process.  EXIT_OK or EXIT_BAD_INPUT. */
static int claim_output(cli_context *ctx, const char *out_dir, const char *path)
{
  char dir[QS_RUNFILE_MAX_PATH + 8];
  if (out_dir)
    snprintf(dir, sizeof dir, "%s", out_dir);
  else
    default_out_dir(path, dir, sizeof dir);
  if (strlen(dir) >= sizeof ctx->out_dir || (out_dir && strlen(out_dir) >= sizeof dir)) {
    cli_error("--out %.40s...: output directory name too long (at most %d characters)", dir,
              QS_RUNFILE_MAX_PATH - 1);
    return EXIT_BAD_INPUT;
  }
  memcpy(ctx->out_dir, dir, strlen(dir) + 1); /* fits: checked above */
  if (ctx->rank > 0) { /* rank 0 owns the directory; it decides when to stop */
    if (ctx->distribute) {
      signal(SIGINT, SIG_IGN);
      signal(SIGTERM, SIG_IGN);
    }
    return EXIT_OK;
  }
  char msg[1024 + QS_RUNFILE_MAX_PATH];
  if (qs_outdir_claim(ctx->out_dir, msg, sizeof msg) != QS_OK) {
    cli_error("%s", msg);
    return EXIT_BAD_INPUT;
  }
  static const int signals[] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; i++) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* A signal the caller ignores (a background job's SIGINT) stays ignored. */
    if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(signals[i], &sa, NULL);
  }
  return EXIT_OK;
}

/* qsync help [COMMAND | runfile [--markdown] | --man]: exit 0, or 2 for an
 * unknown topic. */
/* The run-file key --ntraj sets for `command`: the ensemble's trajectories
 * (run, compare) or the long trajectories of jumps; NULL when the command
 * runs none. */
static const char *ntraj_key(const cli_command *command)
{
  if (command->runs_trajectories)
    return "run.ntraj";
  return strcmp(command->name, "jumps") == 0 ? "jumps.ntraj" : NULL;
}

static int help(int argc, char **argv)
{
  if (argc == 2) {
    cli_usage(stdout);
    return EXIT_OK;
  }
  const cli_command *cmd = cli_command_find(argv[2]);
  if (argc == 3 && cmd) {
    cli_command_help(stdout, cmd);
    return EXIT_OK;
  }
  if (strcmp(argv[2], "runfile") == 0 && argc <= 4) {
    int markdown = argc == 4 && strcmp(argv[3], "--markdown") == 0;
    if (argc == 4 && !markdown) {
      cli_error("help runfile: unknown option '%s'; expected --markdown", argv[3]);
      return EXIT_BAD_INPUT;
    }
    cli_runfile_reference(stdout, markdown ? 'm' : 't');
    return EXIT_OK;
  }
  if (argc == 3 && strcmp(argv[2], "--man") == 0) {
    cli_man_page(stdout);
    return EXIT_OK;
  }
  char names[256];
  cli_command_list(names, sizeof names);
  cli_error("help: unknown topic '%s'; expected a command (%s), runfile or --man",
            argv[2], names);
  return EXIT_BAD_INPUT;
}

/* The run file of `qsync resume OUT` (its stored text), else NULL. */
static const char *resumed_text;

static int run_command(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "resume") == 0 && !resumed_text) {
    cli_resume_source src;
    int rc = cli_resume_arguments(argc, argv, &src);
    resumed_text = src.text;
    if (rc == EXIT_OK)
      rc = run_command(src.argc, src.argv);
    cli_resume_source_free(&src);
    return rc;
  }
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    cli_usage(stdout);
    return EXIT_OK;
  }
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    printf("qsync %s\n", QSYNC_VERSION);
    return EXIT_OK;
  }
  if (argc >= 2 && strcmp(argv[1], "help") == 0)
    return help(argc, argv);
  const cli_command *command = argc >= 2 ? cli_command_find(argv[1]) : NULL;
  if (argc >= 2 && !command) {
    char names[256];
    cli_command_list(names, sizeof names);
    cli_error("unknown command '%s'; expected %s", argv[1], names);
    return EXIT_BAD_INPUT;
  }
  /* COMMAND --help wins over a missing run file. */
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0) {
      cli_command_help(stdout, command);
      return EXIT_OK;
    }
  if (argc < 3) {
    cli_usage(stderr);
    return EXIT_BAD_INPUT;
  }
  static const struct option long_options[] = {
    {"out", required_argument, NULL, 'o'},   {"threads", required_argument, NULL, 't'},
    {"seed", required_argument, NULL, 's'},  {"ntraj", required_argument, NULL, 'n'},
    {"set", required_argument, NULL, 'S'},   {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},        {"strict", no_argument, NULL, 'x'},
    {"max-memory", required_argument, NULL, 'm'},
    {"first-index", required_argument, NULL, 'i'}, {"dump-state", no_argument, NULL, 'd'},
    {"checkpoint-every", required_argument, NULL, 'c'}, {"resume", no_argument, NULL, 'r'},
    {NULL, 0, NULL, 0}};
  /* First pass: collect the options; the run file is loaded before they
   * are applied so that overrides win. */
  enum { MAX_SETS = 256 };
  char *sets[MAX_SETS];
  int n_sets = 0;
  cli_context ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.command = argv[1];
  ctx.rank = qs_dist_rank();
  ctx.quiet = ctx.rank > 0;
  ctx.checkpoint_every = -1.0;
  const char *out_dir = NULL;
  optind = 2;
  int c;
  static char flag_sets[5][96];
  while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
    switch (c) {
    case 'o':
      out_dir = optarg;
      break;
    case 'q':
      ctx.quiet = 1;
      break;
    case 'x':
      ctx.strict = 1;
      break;
    case 'm':
      if (qs_resources_parse_size(optarg, &ctx.max_memory) != QS_OK) {
        cli_error("--max-memory '%s': expected a size > 0 such as 8G, 500M or 123456 (bytes)",
                  optarg);
        return EXIT_BAD_INPUT;
      }
      break;
    case 'h':
      cli_command_help(stdout, command);
      return EXIT_OK;
    case 'd':
      if (!command->runs_trajectories) {
        cli_error("--dump-state: qsync %s runs no trajectories (it applies to run)",
                  command->name);
        return EXIT_BAD_INPUT;
      }
      ctx.dump_state = 1;
      snprintf(flag_sets[4], sizeof flag_sets[0], "run.record_jumps=true");
      if (n_sets == MAX_SETS) {
        cli_error("too many overrides (at most %d)", MAX_SETS);
        return EXIT_BAD_INPUT;
      }
      sets[n_sets++] = flag_sets[4];
      break;
    case 'i':
      if (!command->runs_trajectories) {
        cli_error("--first-index: qsync %s runs no trajectories (it applies to run and "
                  "compare)", command->name);
        return EXIT_BAD_INPUT;
      }
      snprintf(flag_sets[3], sizeof flag_sets[0], "run.first_index=%.64s", optarg);
      if (n_sets == MAX_SETS) {
        cli_error("too many overrides (at most %d)", MAX_SETS);
        return EXIT_BAD_INPUT;
      }
      sets[n_sets++] = flag_sets[3];
      break;
    case 'c':
    case 'r':
      if (!command->runs_trajectories) {
        cli_error("--%s: qsync %s runs no trajectory ensemble (it applies to run and compare)",
                  c == 'c' ? "checkpoint-every" : "resume", command->name);
        return EXIT_BAD_INPUT;
      }
      if (c == 'r')
        ctx.resume = 1;
      else if (cli_parse_seconds(optarg, &ctx.checkpoint_every) != EXIT_OK)
        return EXIT_BAD_INPUT;
      break;
    case 'S':
    case 't':
    case 's':
    case 'n':
      if (c == 'n' && !ntraj_key(command)) {
        cli_error("--ntraj: qsync %s runs no trajectories (--ntraj applies to run, "
                  "compare and jumps)", command->name);
        return EXIT_BAD_INPUT;
      }
      if (n_sets == MAX_SETS) {
        cli_error("too many overrides (at most %d)", MAX_SETS);
        return EXIT_BAD_INPUT;
      }
      if (c == 'S') {
        sets[n_sets++] = optarg;
      } else {
        const char *key = c == 't' ? "run.threads" : c == 's' ? "run.seed" : ntraj_key(command);
        char *buf = flag_sets[c == 't' ? 0 : c == 's' ? 1 : 2];
        snprintf(buf, sizeof flag_sets[0], "%s=%.64s", key, optarg);
        sets[n_sets++] = buf;
      }
      break;
    default:
      cli_usage(stderr);
      return EXIT_BAD_INPUT;
    }
  }
  if (optind != argc - 1) {
    cli_error(optind >= argc ? "missing run file" : "expected exactly one run file");
    return EXIT_BAD_INPUT;
  }
  const char *path = argv[optind];
  char msg[1024];
  qs_status st = resumed_text ? qs_runfile_load_text(path, resumed_text, strlen(resumed_text),
                                                    &ctx.cfg, msg, sizeof msg)
                              : qs_runfile_load(path, &ctx.cfg, msg, sizeof msg);
  for (int i = 0; i < n_sets && st == QS_OK; i++)
    st = qs_runfile_override(&ctx.cfg, sets[i], msg, sizeof msg);
  if (st == QS_OK)
    st = qs_runfile_finish(&ctx.cfg, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s", msg);
    qs_runfile_release(&ctx.cfg);
    return EXIT_BAD_INPUT;
  }
  cli_run_fingerprint(&ctx, (const char *const *)sets, n_sets);
  ctx.distribute = qs_dist_size() > 1 && cli_distributes(&ctx);
  /* Resources first: a command refused for its size creates no --out. */
  int rc = cli_check_resources(&ctx);
  if (rc == EXIT_OK)
    rc = claim_output(&ctx, out_dir, path);
  if (qs_dist_size() > 1) /* every rank goes on only if rank 0 could claim */
    rc = (int)qs_dist_share(rc);
  if (rc == EXIT_OK && qs_dist_size() > 1 && !ctx.distribute && ctx.rank == 0)
    cli_error("note: qsync %s runs on rank 0 alone (%s); the other %d ranks wait",
              command->name, strcmp(command->name, "steady") == 0
                               ? "its sweep is one chain: each point starts from the "
                                 "previous point's steady state"
                               : "docs/cluster.md lists the distributed commands",
              qs_dist_size() - 1);
  if (rc == EXIT_OK && (ctx.rank == 0 || ctx.distribute))
    rc = command->run(&ctx);
  /* The command's files are one set: all renamed into place now, or none
   * when one of them failed (then a command that ended well fails). */
  char msg_commit[1024 + QS_RUNFILE_MAX_PATH];
  if (qs_outdir_commit(msg_commit, sizeof msg_commit) != QS_OK) {
    cli_error("%s", msg_commit);
    if (rc == EXIT_OK || rc == EXIT_COMPARE_FAILED)
      rc = EXIT_RUNTIME;
  } else if ((rc == EXIT_OK || rc == EXIT_COMPARE_FAILED) && ctx.rank == 0 &&
           command->runs_trajectories)
    qs_checkpoint_remove(ctx.out_dir); /* the results are in place: no resume needed */
  qs_outdir_release();
  if (qs_outdir_pending_signal())
    rc = 128 + qs_outdir_pending_signal();
  free(ctx.overrides);
  qs_runfile_release(&ctx.cfg);
  return rc;
}

int main(int argc, char **argv)
{
  if (qs_dist_init(&argc, &argv) != QS_OK) {
    cli_error("MPI could not be started");
    return EXIT_RUNTIME;
  }
  int rc = run_command(argc, argv);
  rc = cli_job_exit_status(rc);
  qs_dist_finalize();
  return rc;
}
