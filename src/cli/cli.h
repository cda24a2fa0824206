/* qsync command-line tool: shared declarations of the files in src/cli. */
#ifndef QSYNC_CLI_H
#define QSYNC_CLI_H

#include "qsync/qsync.h"

/* Exit statuses (documented in docs/cli.md). */
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
  double max_memory; /* --max-memory in bytes; 0: the default (resources.h) */
  int dump_state;    /* --dump-state: write the final state and jumps (replay.c) */
  int rank;          /* this process's MPI rank (0 without MPI; dist.h) */
  int distribute;    /* 1: the work is spread over the ranks (cli_distributes) */
  int resume;        /* --resume: go on from OUT/checkpoint.h5 */
  double checkpoint_every; /* --checkpoint-every seconds; 0: never; < 0: the default */
  char fingerprint[QS_CHECKPOINT_FINGERPRINT]; /* of the run file and overrides */
  char *overrides;   /* the same overrides, one per line (malloc'd; checkpoints) */
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
/* Progress line of an iterative solver: iteration, residual and elapsed
 * time, at most once a second (stderr, only on a terminal). */
typedef struct {
  int enabled, printed;
  double start, last;
  const char *label;
} cli_iteration_progress;
void cli_iteration_progress_init(cli_iteration_progress *p, int quiet, const char *label);
void cli_iteration_progress_update(int iteration, double residual, void *data);
void cli_iteration_progress_finish(cli_iteration_progress *p);
double cli_now(void);

/* The rate unit of a model type: that of its first frequency parameter
 * (keys in MHz or kHz are cyclic frequencies of a model in rad/us). */
const char *cli_rate_unit(const qs_model_type *type);

/* Writes run.h5 and one TSV per table into the output directory
 * (atomically, output.h), then prints "results: ..." unless quiet; `single`
 * (may be NULL) carries the optional single-state datasets.  EXIT_OK, or
 * EXIT_RUNTIME after printing the error. */
int cli_write_tables(const cli_context *ctx, const char *command, const qs_model *model,
                     const qs_table *tables, int n_tables, const qs_output *single);

int cli_run(cli_context *ctx);
int cli_steady(cli_context *ctx);
int cli_compare(cli_context *ctx);
int cli_scan(cli_context *ctx);
int cli_mesolve(cli_context *ctx);
int cli_rates(cli_context *ctx);
int cli_compare_model(cli_context *ctx);
int cli_validity(cli_context *ctx);
int cli_semiclassical(cli_context *ctx);
int cli_gap(cli_context *ctx);
int cli_spectrum(cli_context *ctx);
int cli_jumps(cli_context *ctx);

/* The grid of cfg's [sweep] (qs_sweep_grid_count / qs_sweep_grid_point
 * over the run file's [model] values). */
long cli_sweep_points(const qs_runconfig *cfg);
void cli_sweep_point_values(const qs_runconfig *cfg, long p, double *values,
                            double sweep_x[2]);

/* Shared by the commands (commands.c). */
qs_model *cli_build_model(const cli_context *ctx, const double *values);
double *cli_output_times(double t_end, long n_times);
/* EXIT_OK when [run] integrator can integrate `model`, else prints why
 * (naming the key) and returns EXIT_BAD_INPUT. */
int cli_check_integrator(const cli_context *ctx, const qs_model *model);
int cli_run_ensemble(const cli_context *ctx, const qs_model *model,
                     qs_ensemble_result **res);

/* Exact synchronization quantities of one parameter point
 * (qs_sync_point_measures with the [steady] options; an error message and
 * EXIT_RUNTIME on failure) and their column names. */
extern const char *const cli_sync_names[QS_SYNC_N];
int cli_sync_derived(const cli_context *ctx, const double *values, double derived[QS_SYNC_N]);
int cli_run_sweep(cli_context *ctx);

/* [mesolve] (and [steady] for initial = rwa_steady, [run] threads) as the
 * options of the library's master-equation points. */
qs_mesolve_point_options cli_mesolve_options(const qs_runconfig *cfg);
/* All points through the library's farm ([run] threads) with a progress
 * bar; an error message naming the failed point and EXIT_RUNTIME on
 * failure (EXIT_BAD_INPUT for an averaging window longer than t_end). */
int cli_mesolve_integrate(const cli_context *ctx, qs_mesolve_point *pts, long n_points,
                          const double *times);

/* "at key = x, key2 = y" for the active sweep axes ("" without a sweep). */
void cli_describe_point(const qs_runconfig *cfg, const double sweep_x[2], char *buf,
                        size_t len);
/* Print the truncation check's line when some point exceeds [checks]
 * truncation_tol (the worst point, and how many points in all); returns 1
 * when that is an error (--strict). */
int cli_truncation_report(const cli_context *ctx, const qs_truncation *t);

/* Resource limits (resources.c): refuse, before any work, a command whose
 * estimate exceeds --max-memory or [run] max_wall (an error naming the keys,
 * EXIT_BAD_INPUT), else arm the wall-time guard; cli_wall_guard, called
 * from the progress callbacks, stops the process with EXIT_RUNTIME once the
 * computation has run longer than max_wall (before any result is written). */
int cli_check_resources(const cli_context *ctx);
void cli_wall_guard(void);
/* cli_wall_guard as a master-equation progress callback (qs_mesolve_options:
 * after every output time; called by several workers at once). */
void cli_wall_guard_at(double t, double t_end, void *data);

/* ---- Error bars, target error, stop reason (errors.c) ---- */

/* [run] target_obs as flags over the model's observables into mask
 * (n_obs bytes); *out = mask, or NULL for all.  EXIT_BAD_INPUT with a
 * message for an unknown name. */
int cli_target_mask(const cli_context *ctx, const qs_model *model, unsigned char *mask,
                    const unsigned char **out);
/* "stopped: ..." with the reason, when the run had a target_stderr. */
void cli_print_stop(const cli_context *ctx, const qs_ensemble_result *r,
                    const unsigned char *mask);

/* A nonlinear quantity of the trajectory means with its jackknife error
 * over the fixed trajectory groups (ensemble.h). */
#define CLI_MAX_DERIVED 8
typedef struct {
  char name[48];
  double plain;      /* of the means of all trajectories */
  double corrected;  /* jackknife bias-corrected */
  double se;         /* jackknife standard error (nan below 2 groups) */
  double exact;      /* compare: the exact value, else nan */
} cli_derived_row;
typedef struct {
  int n, groups;
  cli_derived_row rows[CLI_MAX_DERIVED];
  char column_names[4 * CLI_MAX_DERIVED][64]; /* storage of the table view */
  const char *columns[4 * CLI_MAX_DERIVED];
  double data[4 * CLI_MAX_DERIVED];
} cli_derived;
/* The model's derived quantities (negativity, chsh), Omega (models with a
 * synchronization measure, with store_rho; `omega` when the caller has it
 * already, else computed, a failure only a warning) and, given exact_rho,
 * the trace distance to it; exact_obs (may be NULL) gives the derived
 * quantities' exact values.  EXIT_OK. */
int cli_derived_errors(const cli_context *ctx, const qs_model *model,
                       const qs_ensemble_result *res, const double complex *exact_obs,
                       const double complex *exact_rho, const cli_derived_row *omega,
                       cli_derived *set);
void cli_derived_print(const cli_context *ctx, const cli_derived *set);
/* The one-row table "derived" (derived.tsv, /tables/derived): columns
 * NAME, NAME_se, NAME_jackknife [, NAME_exact] per quantity; a view into set. */
void cli_derived_table(cli_derived *set, int with_exact, qs_table *table);

/* ---- Replay of one trajectory (replay.c) ---- */

/* The accumulators --dump-state adds to the ensemble (*n = 0 without it). */
const qs_accum_type *const *cli_replay_accums(const cli_context *ctx, int *n);
/* EXIT_BAD_INPUT with a message when --dump-state is used with ntraj != 1. */
int cli_replay_check(const cli_context *ctx);
/* With --dump-state: OUT/state.tsv (the final psi) and OUT/jumps.tsv. */
int cli_replay_dump(const cli_context *ctx, const qs_ensemble_result *res);
/* Distributed runs and checkpoints (checkpoint.c). */
/* Default --checkpoint-every for runs estimated longer than a minute. */
#define CLI_CHECKPOINT_DEFAULT_SECONDS 60.0
/* The fingerprint of the run (checkpoint.h): the run file's text and the
 * overrides sets[0..n_sets-1] except run.threads, which may change
 * between a run and its resume; also fills ctx->overrides. */
void cli_run_fingerprint(cli_context *ctx, const char *const *sets, int n_sets);
/* 1 when the command spreads its work over MPI ranks (docs/cluster.md):
 * run and compare (the ensemble's blocks; compare without a [sweep], run
 * with one point after another) and the commands whose points or
 * trajectories run through the task farm (jumps, mesolve, scan, rates, gap,
 * validity).  Not steady: its sweep is one warm-started chain. */
int cli_distributes(const cli_context *ctx);
/* The job's exit status on every rank: rank 0's when it failed, else the
 * worst of all ranks (a collective call at the end of main). */
int cli_job_exit_status(int rc);
/* qsync resume OUT [options]: the command, run file and overrides stored
 * with OUT's checkpoint become argv = {qsync, COMMAND, PATH, --out, OUT,
 * --resume, --set OVERRIDE..., options}, and the run file is loaded from
 * the stored text (named PATH, as in the first run).  EXIT_OK, or
 * EXIT_BAD_INPUT with a message (no or a foreign checkpoint). */
typedef struct {
  int argc;
  char **argv;
  char *text, *path;         /* the run file's text and path */
  char *command, *overrides; /* storage behind argv */
} cli_resume_source;
int cli_resume_arguments(int argc, char **argv, cli_resume_source *src);
void cli_resume_source_free(cli_resume_source *src);
/* --checkpoint-every: seconds >= 0; EXIT_OK or EXIT_BAD_INPUT (message). */
int cli_parse_seconds(const char *text, double *seconds);
/* From the signal handler: during an ensemble that can checkpoint, note
 * SIGINT/SIGTERM and return 1 (the run stops at its next block boundary);
 * else 0. */
int cli_signal_defer(int sig);
/* The checkpointing of one ensemble run: cli_checkpoint_begin reads the
 * checkpoint (--resume) and arms the hook in eopt (rank 0), and defers
 * signals; cli_checkpoint_end takes the ensemble's status, reports a stop
 * (checkpoint written, how to go on) and returns the exit status:
 * EXIT_OK to go on, 128 + signal after a stop, EXIT_BAD_INPUT for a
 * refused checkpoint. */
typedef struct {
  const cli_context *ctx;
  qs_ensemble_result *resume;
  double every, last;
  long done;   /* trajectories in the last checkpoint written */
  char msg[1024];
  qs_status write_status;
} cli_checkpointer;
int cli_checkpoint_begin(const cli_context *ctx, qs_ensemble_options *eopt,
                         cli_checkpointer *ck);
int cli_checkpoint_end(cli_checkpointer *ck, qs_status st);

/* Print "qsync: <message>" on stderr. */
void cli_error(const char *fmt, ...);

#endif
