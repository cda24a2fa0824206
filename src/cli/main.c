/* qsync command-line tool: argument parsing and dispatch.
 *
 *   qsync run|steady|mesolve|rates|compare|compare-model|scan FILE.ini [--out DIR] [--threads N] [--seed S]
 *         [--ntraj N] [--quiet] [--set section.key=value ...]
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("qsync: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void usage(FILE *f)
{
  fputs("usage: qsync COMMAND FILE.ini [options]\n"
        "commands:\n"
        "  run      ensemble of quantum-jump trajectories\n"
        "  steady   exact steady state of the Lindblad equation\n"
        "  mesolve  master equation in time (time-dependent H), time averages\n"
        "  rates    effective qubit gain and loss rates of model transmon (fit of the\n"
        "           relaxation from |e>_A|e>_B at g = 0, eps = 0)\n"
        "  compare  both, then a table of z-scores (exit 1 if any |z| >= threshold)\n"
        "  compare-model  transmon model against the qubit model with the fitted rates,\n"
        "           over [sweep] model.g: |<S+_j>| and Omega (paper Figs. 10, 11)\n"
        "  scan     zero crossings of <S+_j> and extrema of R along [scan] key,\n"
        "           at every point of [sweep] (maps)\n"
        "options:\n"
        "  --out DIR               output directory (default out/<run file name>)\n"
        "  --threads N             OpenMP threads (same results for any N)\n"
        "  --seed S                run seed\n"
        "  --ntraj N               number of trajectories\n"
        "  --set section.key=value override a run-file key (repeatable)\n"
        "  --quiet                 no progress bar\n"
        "  --strict                unconverged cavity truncation is an error\n"
        "  --help                  this text\n"
        "exit status: 0 ok, 1 compare failed, 2 bad input, 3 run-time failure\n",
        f);
}

/* Default output directory: out/<basename of the run file without .ini>. */
static void default_out_dir(const char *path, char *out, size_t len)
{
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
    n -= 4;
  snprintf(out, len, "out/%.*s", (int)n, base);
}

typedef int (*command_fn)(cli_context *);

static command_fn find_command(const char *name)
{
  if (strcmp(name, "run") == 0)
    return cli_run;
  if (strcmp(name, "steady") == 0)
    return cli_steady;
  if (strcmp(name, "compare") == 0)
    return cli_compare;
  if (strcmp(name, "scan") == 0)
    return cli_scan;
  if (strcmp(name, "mesolve") == 0)
    return cli_mesolve;
  if (strcmp(name, "rates") == 0)
    return cli_rates;
  if (strcmp(name, "compare-model") == 0)
    return cli_compare_model;
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    usage(stdout);
    return EXIT_OK;
  }
  if (argc < 3) {
    usage(stderr);
    return EXIT_BAD_INPUT;
  }
  command_fn command = find_command(argv[1]);
  if (!command) {
    cli_error("unknown command '%s'; expected run, steady, mesolve, rates, compare, compare-model or scan", argv[1]);
    return EXIT_BAD_INPUT;
  }
  static const struct option long_options[] = {
    {"out", required_argument, NULL, 'o'},   {"threads", required_argument, NULL, 't'},
    {"seed", required_argument, NULL, 's'},  {"ntraj", required_argument, NULL, 'n'},
    {"set", required_argument, NULL, 'S'},   {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},        {"strict", no_argument, NULL, 'x'},
    {NULL, 0, NULL, 0}};
  /* First pass: collect the options; the run file is loaded before they
   * are applied so that overrides win. */
  enum { MAX_SETS = 256 };
  char *sets[MAX_SETS];
  int n_sets = 0;
  cli_context ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.command = argv[1];
  const char *out_dir = NULL;
  optind = 2;
  int c;
  static char flag_sets[3][96];
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
    case 'h':
      usage(stdout);
      return EXIT_OK;
    case 'S':
    case 't':
    case 's':
    case 'n':
      if (n_sets == MAX_SETS) {
        cli_error("too many overrides (at most %d)", MAX_SETS);
        return EXIT_BAD_INPUT;
      }
      if (c == 'S') {
        sets[n_sets++] = optarg;
      } else {
        const char *key = c == 't' ? "run.threads" : c == 's' ? "run.seed" : "run.ntraj";
        char *buf = flag_sets[c == 't' ? 0 : c == 's' ? 1 : 2];
        snprintf(buf, sizeof flag_sets[0], "%s=%.64s", key, optarg);
        sets[n_sets++] = buf;
      }
      break;
    default:
      usage(stderr);
      return EXIT_BAD_INPUT;
    }
  }
  if (optind != argc - 1) {
    cli_error(optind >= argc ? "missing run file" : "expected exactly one run file");
    return EXIT_BAD_INPUT;
  }
  const char *path = argv[optind];
  char msg[1024];
  qs_status st = qs_runfile_load(path, &ctx.cfg, msg, sizeof msg);
  for (int i = 0; i < n_sets && st == QS_OK; i++)
    st = qs_runfile_override(&ctx.cfg, sets[i], msg, sizeof msg);
  if (st == QS_OK)
    st = qs_runfile_finish(&ctx.cfg, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s", msg);
    qs_runfile_release(&ctx.cfg);
    return EXIT_BAD_INPUT;
  }
  if (out_dir)
    snprintf(ctx.out_dir, sizeof ctx.out_dir, "%s", out_dir);
  else
    default_out_dir(path, ctx.out_dir, sizeof ctx.out_dir);
  int rc = command(&ctx);
  qs_runfile_release(&ctx.cfg);
  return rc;
}
