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
  int strict;   /* --strict: an unconverged cavity truncation is an error */
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
int cli_mesolve(cli_context *ctx);

/* Parameter vector of sweep point p of cfg's [sweep] (inner axis fastest;
 * one point without a sweep); sweep_x receives the axis values (NAN if
 * unused). */
long cli_sweep_points(const qs_runconfig *cfg);
void cli_sweep_point_values(const qs_runconfig *cfg, long p, double *values,
                            double sweep_x[2]);

/* Shared by the commands (commands.c). */
qs_model *cli_build_model(const cli_context *ctx, const double *values);
double *cli_output_times(double t_end, long n_times);
int cli_run_ensemble(const cli_context *ctx, const qs_model *model,
                     qs_ensemble_result **res);

/* Exact synchronization quantities of one parameter point: Omega (Eq. 11),
 * Omega_blocks (Appendix B), R = Omega / Omega(coupling = 0) (Eq. 13). */
enum { CLI_SYNC_OMEGA, CLI_SYNC_OMEGA_BLOCKS, CLI_SYNC_R, CLI_SYNC_N };
extern const char *const cli_sync_names[CLI_SYNC_N];
int cli_has_sync(const qs_model *model);
int cli_sync_derived(const cli_context *ctx, const double *values, double derived[CLI_SYNC_N]);
int cli_run_sweep(cli_context *ctx);

/* Truncation check of a cavity model over the points of a run: note()
 * each point's top-level population p_top; report() prints one line when
 * some point exceeds [checks] truncation_tol (the worst point, and how
 * many points in all) and returns 1 when that is an error (--strict). */
typedef struct {
  long points, over;
  double worst;
  long long top_level;
  char where[128];
  const char *levels_key;  /* the model key that sets the truncated levels */
} cli_truncation;
void cli_truncation_note(cli_truncation *t, const cli_context *ctx, const qs_model *model,
                         double p_top, const char *where);
int cli_truncation_report(const cli_context *ctx, const cli_truncation *t);

/* Print "qsync: <message>" on stderr. */
void cli_error(const char *fmt, ...);

#endif
