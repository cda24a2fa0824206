/* qsync — run files (INI, read with iniparser) and command-line overrides.
 *
 * A run file has the sections [model], [run], [steady], [mesolve],
 * [compare], [sweep], [scan] and [checks].  Every
 * key is listed in one table (qs_runfile_key_count/qs_runfile_key_get, plus
 * the model's own parameter table for [model]); an unknown section or key,
 * a value that does not parse, or a value outside its range is an error
 * whose message names the file, the section, the key and what was
 * expected.  Keys are case-insensitive (iniparser folds them).
 *
 * Thread safety: not reentrant (iniparser's error callback is process
 * wide); load run files from one thread.
 */
#ifndef QSYNC_RUNFILE_H
#define QSYNC_RUNFILE_H

#include <stddef.h>
#include <stdint.h>

#include "qsync/lindblad.h"
#include "qsync/model.h"
#include "qsync/sweep.h"

#define QS_RUNFILE_MAX_PARAMS QS_MODEL_MAX_PARAMS
#define QS_RUNFILE_MAX_PATH 1024

/* Everything a run needs, with the defaults of the key table. */
typedef struct {
  char path[QS_RUNFILE_MAX_PATH];  /* run file path as given */
  char *text;                      /* the run file's text (owned) */
  const qs_model_type *model_type;
  double model_values[QS_RUNFILE_MAX_PARAMS];
  unsigned char model_explicit[QS_RUNFILE_MAX_PARAMS]; /* 1: [model] key set
                                   by the run file or --set (a preset, e.g.
                                   transmon's column, leaves these alone) */
  /* [run] */
  long ntraj;
  uint64_t seed;
  long threads;
  double t_end;
  long n_times;
  double rtol, atol;
  double burn_in;
  long store_rho;
  long max_steps;
  double restart_step;
  /* [steady] */
  qs_steady_method steady_method;
  double steady_tol;           /* residual target of the iterative methods */
  long steady_max_iter;        /* most iterations of the iterative methods (long: KEY_INT stores a long) */
  long steady_restart;         /* GMRES restart length of krylov */
  /* [mesolve] */
  double me_t_end;
  long me_n_times;
  double me_rtol, me_atol;
  long me_max_order;           /* Adams order limit */
  double me_avg_periods;       /* time average over the last K drive periods */
  long me_avg_samples;         /* samples per drive period in that average */
  long me_initial;             /* 0: the model's initial state, 1: the
                                  steady state of the same point in the RWA */
  /* [checks] */
  double truncation_tol;       /* warn when the top cavity level holds more */
  /* [compare] */
  double z_threshold;
  /* [sweep]: key/from/to/points/values/keep_sum and the same with suffix 2
   * (an outer second axis: a two-parameter grid) */
  qs_sweep_axis sweep[2];
  /* [scan] */
  qs_sweep_axis scan_along;    /* key/from/to/points: the line searched */
  qs_sweep_axis scan_restore;  /* restore_key/_from/_to/_points (Fig. 5c) */
  double scan_tol;             /* root tolerance on the scanned parameter */
  long scan_first_order;       /* method: 0 exact steady state, 1 Appendix C */
} qs_runconfig;

/* Description of one non-model key (for the README and error messages). */
typedef struct {
  const char *section, *key, *unit, *default_text, *range_text, *help;
} qs_runfile_key_info;

int qs_runfile_key_count(void);
const qs_runfile_key_info *qs_runfile_key_get(int i);

/* Read and validate `path`.  On error returns QS_ERR_RUNFILE (or
 * QS_ERR_IO if the file cannot be read) with a one-line message in msg. */
qs_status qs_runfile_load(const char *path, qs_runconfig *cfg, char *msg,
                          size_t msglen);

/* Apply an override "section.key=value" (the CLI's --set) with the same
 * checks as a run-file line. */
qs_status qs_runfile_override(qs_runconfig *cfg, const char *assignment,
                              char *msg, size_t msglen);

/* Free what qs_runfile_load allocated (the text); accepts NULL. */
void qs_runfile_release(qs_runconfig *cfg);

/* Cross-key checks done after all overrides (burn_in <= t_end, swept
 * parameters exist and stay in range, ...); resolves the sweep axes. */
qs_status qs_runfile_finish(qs_runconfig *cfg, char *msg, size_t msglen);

#endif
