/* qsync — resource estimates before work: the memory and the wall time a
 * command will need, from the run file alone, so that what cannot fit is
 * refused before anything large is allocated or computed.
 *
 * Memory (bytes, a peak estimate, the sum of four parts):
 *   states   trajectory state vectors and CVODE vectors of every worker
 *            (about 25 vectors of dim complex numbers each), or the master
 *            equation's CVODE vectors (about 25 of dim^2 complex numbers per
 *            point integrated at once), plus the model's sparse operators;
 *   stored   rho(t) storage of a trajectory run with store_rho: every one
 *            of the QS_ENSEMBLE_BLOCK slots, the block and the total keep
 *            n_times + 1 matrices of dim^2 complex numbers, the total also
 *            QS_ENSEMBLE_GROUPS group averages; observable sums likewise;
 *            steady states and their copies (3 dim^2 complex numbers);
 *   solver   the steady-state method, qs_steady_memory_estimate (dense:
 *            16 dim^4; sparse LU: Liouvillian nonzeros and the fitted LU
 *            fill; sylvester/krylov: (5 or restart + 7) dim^2 16), once per
 *            worker that solves at the same time;
 *   tables   the output tables (8 bytes per number).
 * Work (seconds of wall time; a coarse model meant only to tell hours
 * from years, within a factor of about 10 of the truth):
 *   integrators (trajectories, master equation): expected CVODE steps per
 *     integration = QS_RESOURCES_STEPS_PER_RADIAN * rate * t_end
 *     + 2 * n_times + 50, where rate (the model's fastest frequency, in its
 *     time unit) is the row-sum norm of H_eff = H0 - (i/2) sum c^dag c
 *     plus that of every time-dependent term plus 4 pi / period for a
 *     driven model (its coefficients oscillate at twice the drive); one
 *     step costs about 2 us + 20 ns per nonzero of the operators and per
 *     state entry (trajectories) or 4 ns per nonzero times dim plus 80 ns
 *     per dim^2 (master equation); integrations times ntraj or points,
 *     divided by the threads that share them;
 *   steady states: dense LU (8/3) dim^6 flops, sparse LU 1e-7 s per
 *     16 bytes of its memory estimate, the splitting methods a Schur form
 *     (25 dim^3 complex operations) plus min(max_iter, 200) iterations of
 *     3.5 dim^3, at 1e10 flops per second; times the points solved.
 *
 * The estimate samples the sweep: the models of up to
 * QS_RESOURCES_MAX_SAMPLES evenly spaced sweep points (first and last
 * included) are built and the largest values taken, so a swept truncation
 * (ncav) counts at its largest.
 *
 * Thread safety: reentrant (reads /proc/meminfo for the default limit).
 */
#ifndef QSYNC_RESOURCES_H
#define QSYNC_RESOURCES_H

#include <stddef.h>

#include "qsync/runfile.h"

/* Expected CVODE steps per radian of the fastest frequency (Adams at the
 * default tolerances takes a few steps per radian; this overestimates all
 * the regression runs by a factor 1..10). */
#define QS_RESOURCES_STEPS_PER_RADIAN 4.0
/* Most sweep points whose model the estimate builds. */
#define QS_RESOURCES_MAX_SAMPLES 9
/* Fraction of the available memory a command may plan to use by default. */
#define QS_RESOURCES_MEMORY_SAFETY 0.8
/* Default [run] max_wall: one day of estimated work, in seconds. */
#define QS_RESOURCES_DEFAULT_MAX_WALL 86400.0

/* What a command does, for the estimate. */
typedef enum {
  QS_TASK_RUN,           /* trajectory ensemble (per sweep point) */
  QS_TASK_STEADY,        /* exact steady state (per sweep point) */
  QS_TASK_COMPARE,       /* steady state and trajectory ensemble */
  QS_TASK_SCAN,          /* steady states along [scan] lines */
  QS_TASK_MESOLVE,       /* master equation in time (per sweep point) */
  QS_TASK_RATES,         /* master equation over [rates] t_end */
  QS_TASK_COMPARE_MODEL  /* two master equations per point plus a steady state */
} qs_task;

/* The task of a CLI command name ("run", "steady", "compare", "scan",
 * "mesolve", "rates", "compare-model"), or -1 for another name. */
int qs_task_parse(const char *command);

/* The estimate of one command. */
typedef struct {
  qs_task task;
  qs_index dim;           /* largest Hilbert-space dimension of the sampled points */
  long points;            /* sweep points */
  double state_bytes, stored_bytes, solver_bytes, table_bytes;
  double total_bytes;     /* their sum: the peak estimate */
  double rate;            /* the model's fastest frequency (largest sampled) */
  double steps;           /* expected CVODE steps of one integration (0: none) */
  double integrations;    /* integrations in all (trajectories x points, ...) */
  double seconds;         /* estimated wall time */
  qs_steady_method steady_method; /* the method of the steady parts (AUTO
                             resolved as for the default memory limit) */
} qs_resource_estimate;

/* Estimate the memory and work of `task` on the run file `cfg` (after
 * qs_runfile_finish).  Builds the models of the sampled sweep points
 * (sparse operators: O(dim) memory each, one at a time).  Errors:
 * QS_ERR_INVALID for a NULL argument or unknown task; a model that cannot
 * be built passes its status and message on (the command's own error
 * then says the same).  *est is zeroed on error. */
qs_status qs_resources_estimate(const qs_runconfig *cfg, qs_task task,
                                qs_resource_estimate *est, char *msg, size_t msglen);

/* Limits a command must stay within. */
typedef struct {
  double max_bytes;   /* memory; <= 0: qs_resources_default_memory_limit() */
  double max_seconds; /* estimated wall time; <= 0: no limit */
} qs_resource_limits;

/* QS_RESOURCES_MEMORY_SAFETY times the available memory: MemAvailable of
 * /proc/meminfo, else the physical memory (sysconf); +inf if neither is
 * known. */
double qs_resources_default_memory_limit(void);

/* QS_OK when est fits lim; else QS_ERR_TOO_LARGE with a message naming
 * the run-file keys that drive the size (the [model] size keys, i.e. the
 * parameters with unit "1" such as ncav and nqubits, with the dimension
 * they give; the method, store_rho and n_times, ntraj, t_end, the sweep
 * points as they matter), the estimate, the limit and how to change it
 * (--max-memory, [run] max_wall). */
qs_status qs_resources_check(const qs_runconfig *cfg, const qs_resource_estimate *est,
                             const qs_resource_limits *lim, char *msg, size_t msglen);

/* Parse a size "123", "8G", "500M", "64k", "1.5T" (binary units K, M, G, T
 * with an optional "i" and "B": 8G = 8 GiB; no suffix = bytes) into
 * *bytes.  QS_ERR_INVALID (and *bytes untouched) for anything else, a
 * value <= 0, or one that does not fit a double. */
qs_status qs_resources_parse_size(const char *text, double *bytes);

/* bytes as "12.3 GiB" / "512.0 MiB" / "3.0 KiB" / "17 B" into out. */
void qs_resources_format_bytes(double bytes, char *out, size_t len);

#endif
