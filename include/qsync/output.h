/* qsync — results on disk: OUT/run.h5 (HDF5) and OUT/summary.tsv.
 *
 * The files of one call are one set (outdir.h): each is written under a
 * unique temporary name in OUT and synced, and all are renamed into place
 * only when all are complete, so a failed or interrupted write changes no
 * result file.  OUT is locked during the write (unless the process holds
 * it: qs_outdir_claim).
 *
 * run.h5 layout (complex arrays carry a trailing dimension of 2: re, im;
 * density matrices are stored [.., i, j] = rho_ij):
 *   attributes of /: qsync_version, command, model, seed, run_file (text),
 *                    observables (comma-separated names)
 *   /parameters      one double attribute per model and [run] parameter
 *   /times           [n_times]                          (unit of the model's time)
 *   /trajectory/mean, /trajectory/stderr   [n_times][n_obs][2]
 *   /trajectory/rho                          [n_times][dim][dim][2]  (if stored)
 *   /trajectory/steady_mean, steady_stderr   [n_obs][2]  (time average after burn_in)
 *   /trajectory/steady_rho                   [dim][dim][2]           (if stored)
 *   /trajectory/ntraj, /trajectory/work (steps, rhs_evals, root_evals, jumps)
 *   /trajectory/raw  the raw sums, read back by qs_ensemble_read (ensemble.h):
 *                    attributes ntraj, first_index, seed, n_times, n_avg, n_obs,
 *                    dim, n_channels, n_blocks, accumulators (comma-separated
 *                    type names); total/<type>/<array> the totals, and
 *                    blocks/<b>/<type>/<array> the kept block sums (accum.h
 *                    names the arrays; complex ones as 2n doubles re, im)
 *   /exact/observables [n_obs][2], /exact/rho [dim][dim][2], /exact/residual,
 *   /exact/<name> for each derived quantity (Omega, Omega_blocks, R)
 *   /tables/<name>   [rows][cols] for each qs_table (sweeps, mesolve)
 *   /signals         qsync jumps: the trajectory records (signals.h)
 *
 * summary.tsv: one '#' header line of column names, then rows; a complex
 * value NAME is two columns NAME.re, NAME.im, its standard error
 * NAME.re_se, NAME.im_se.
 *
 * Thread safety: call from one thread (HDF5 is built without thread safety).
 */
#ifndef QSYNC_OUTPUT_H
#define QSYNC_OUTPUT_H

#include "qsync/ensemble.h"
#include "qsync/runfile.h"

#define QSYNC_VERSION "0.1.0"

/* A table of numbers: one row per sweep point (or time, or photon number),
 * written as OUT/<name>.tsv and as the dataset /tables/<name> [rows][cols]
 * of run.h5 (attribute "columns": the comma-separated column names;
 * "units" likewise when the table has units). */
typedef struct {
  const char *name;
  int n_cols;
  const char *const *columns;
  long n_rows;
  const double *data;               /* n_rows * n_cols, row-major */
  const char *const *units;         /* NULL, or n_cols unit names: a second
                                       header line "# units: u1<TAB>u2..." and
                                       the dataset attribute "units" */
} qs_table;

/* What one command produced; NULL members are absent. */
typedef struct {
  const char *command;              /* "run", "steady", "compare" */
  const qs_runconfig *cfg;
  const qs_model *model;
  const qs_ensemble_result *ens;    /* trajectory results */
  const double complex *exact_obs;  /* n_obs exact steady-state values */
  const double complex *exact_rho;  /* dim*dim column-major */
  double exact_residual;
  int n_derived;                    /* exact nonlinear quantities (Omega, R, ...) */
  const char *const *derived_names;
  const double *derived;
  int n_tables;                     /* tables replace the default summary.tsv
                                       when one of them is named "summary" */
  const qs_table *tables;
  const char *h5_include;           /* an HDF5 file whose top-level objects
                                       are copied into run.h5 (H5Ocopy, in
                                       name order), e.g. the trajectory
                                       records qsync jumps streamed there
                                       (signals.h); NULL: none */
} qs_output;

/* Create directory `dir` (and parents) if needed, then write run.h5,
 * summary.tsv and the tables as one set.  QS_ERR_IO / QS_ERR_HDF5 with a
 * message naming the file (QS_ERR_IO also when another process holds the
 * directory's lock); on failure no file in `dir` has changed. */
qs_status qs_output_write(const char *dir, const qs_output *out, char *msg,
                          size_t msglen);

/* Write `text` to dir/name atomically (a set of one file, as above). */
qs_status qs_output_write_text(const char *dir, const char *name,
                               const char *text, char *msg, size_t msglen);

#endif
