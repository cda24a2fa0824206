/* qsync command-line tool: shared declarations of the files in src/cli. */
#ifndef QSYNC_CLI_H
#define QSYNC_CLI_H

#include "qsync/qsync.h"

/* Exit statuses (documented in the README). */
enum {
  EXIT_OK = 0,
  EXIT_COMPARE_FAILED = 1, /* compare: some |z| >= threshold */
  EXIT_BAD_INPUT = 2,      /* usage, run file or parameter error */
  EXIT_RUNTIME = 3         /* numerical or I/O failure during the run */
};

typedef struct {
  const char *command;
  qs_runconfig cfg;
  char out_dir[QS_RUNFILE_MAX_PATH];
  int quiet;
} cli_context;

/* Progress bar on stderr (only when stderr is a terminal and not quiet). */
typedef struct {
  int enabled;
  double start;
  const char *label;
} cli_progress;

void cli_progress_init(cli_progress *p, int quiet, const char *label);
void cli_progress_update(long done, long total, void *data);
void cli_progress_finish(cli_progress *p);
double cli_now(void);

int cli_run(cli_context *ctx);
int cli_steady(cli_context *ctx);
int cli_compare(cli_context *ctx);
int cli_scan(cli_context *ctx);

/* Print "qsync: <message>" on stderr. */
void cli_error(const char *fmt, ...);

#endif
