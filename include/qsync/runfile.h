/* qsync — run files (INI) and command-line overrides.
 *
 * A run file has the sections [model], [run], [steady], [mesolve],
 * [rates], [compare], [validity], [sweep], [scan], [jumps] and [checks].  Every
 * key is listed in one table (qs_runfile_key_count/qs_runfile_key_get, plus
 * the model's own parameter table for [model]); an unknown section or key,
 * a value that does not parse, or a value outside its range is an error
 * whose message names the file, the section, the key and what was
 * expected.  Section and key names are case-insensitive.  The reader
 * refuses what an INI reader would resolve silently: a section header
 * that is not a section name ([model:g]), an unknown section even when
 * empty, a key or a section written twice (naming both lines), a line
 * that is neither a header, key = value nor a comment, a NUL byte, and a text
 * without any [section] (empty: more often a failed pipe than a wish
 * for every default; "[model]" alone runs every default).
 * Lines end at LF, CRLF or a lone CR.  Messages name the file and line.
 *
 * Thread safety: the loader keeps no global state; distinct configs may
 * be loaded from distinct threads.
 */
#ifndef QSYNC_RUNFILE_H
#define QSYNC_RUNFILE_H

#include <stddef.h>
#include <stdint.h>

#include "qsync/ensemble.h"
#include "qsync/gap.h"
#include "qsync/jumps.h"
#include "qsync/lindblad.h"
#include "qsync/mesolve.h"
#include "qsync/model.h"
#include "qsync/periodic.h"
#include "qsync/rates.h"
#include "qsync/semiclassical.h"
#include "qsync/spectrum.h"
#include "qsync/sweep.h"

#define QS_RUNFILE_MAX_PARAMS QS_MODEL_MAX_PARAMS
#define QS_RUNFILE_MAX_PATH 1024
/* Longest list of names (e.g. [jumps] signals) a key holds, with its NUL. */
#define QS_RUNFILE_MAX_NAMES 512

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
  long integrator;             /* qs_integrator */
  double rtol, atol;
  double burn_in;
  long store_rho;
  long max_steps;
  double restart_step;
  double max_wall;             /* seconds: limit of the estimated and the
                                  actual wall time (resources.h) */
  double target_stderr;        /* > 0: stop the ensemble at this standard error */
  char target_obs[256];        /* "all" or comma-separated observable names */
  long max_rho_dim;            /* store_rho only up to this dimension */
  long rho_stderr;             /* element-wise standard errors of rho */
  long first_index;            /* first trajectory (replay: --first-index) */
  long record_jumps;           /* keep every jump in run.h5 */
  /* [steady] */
  qs_steady_method steady_method;
  double steady_tol;           /* residual target of the iterative methods */
  long steady_max_iter;        /* most iterations of the iterative methods (long: KEY_INT stores a long) */
  long steady_restart;         /* GMRES restart length of krylov */
  long steady_start;           /* first iterate of sylvester/krylov: a qs_steady_start */
  long steady_series_max_order; /* highest order of the rate series */
  /* [gap] (qsync gap) */
  long gap_nev;                /* eigenvalues besides 0 */
  double gap_tol;              /* ARPACK tol */
  long gap_max_iter;           /* ARPACK restarts per shift */
  long gap_method;             /* qs_gap_method: 0 auto, 1 dense, 2 arpack */
  /* [mesolve] */
  double me_t_end;
  long me_n_times;
  double me_rtol, me_atol;
  long me_max_order;           /* Adams order limit */
  double me_avg_periods;       /* time average over the last K drive periods */
  long me_avg_samples;         /* samples per drive period in that average */
  long me_initial;             /* 0: the model's initial state, 1: the
                                  steady state of the same point in the RWA,
                                  2: the periodic steady state (periodic.h) */
  double me_periodic_tol;      /* residual target of initial = periodic */
  /* [rates] (qsync rates, model transmon; times in us) */
  double rates_t_end;          /* master equation from t = 0 to t_end */
  long rates_n_times;          /* samples, evenly spaced on [0, t_end] */
  double rates_t_skip;         /* the fit uses samples at t >= t_skip */
  /* [checks] */
  double truncation_tol;       /* warn when the top cavity level holds more */
  /* [compare] */
  double z_threshold;
  /* [validity] (qsync validity): which pictures are compared */
  long validity_semiclassical, validity_series, validity_lab, validity_gap;
  /* [semiclassical] (semiclassical.h): the multistart minimisation */
  long semi_starts;            /* starts of the local minimisations */
  double semi_tol;             /* NLopt xtol_rel of each */
  uint64_t semi_seed;          /* seed of the start streams */
  long semi_gap;               /* qsync semiclassical: compute the gap */
  /* [sweep]: key/from/to/points/values/keep_sum and the same with suffix 2
   * (an outer second axis: a two-parameter grid) */
  qs_sweep_axis sweep[2];
  /* [scan] */
  qs_sweep_axis scan_along;    /* key/from/to/points: the line searched */
  qs_sweep_axis scan_restore;  /* restore_key/_from/_to/_points (Fig. 5c) */
  double scan_tol;             /* root tolerance on the scanned parameter */
  long scan_first_order;       /* method: 0 exact steady state, 1 Appendix C */
  /* [spectrum] (qsync spectrum) */
  char spectrum_operator[QS_MODEL_MAX_NAME]; /* observable whose operator is A */
  long spectrum_adjoint;       /* use its adjoint (Sp_A -> sigma_-) */
  double spectrum_omega_min, spectrum_omega_max; /* the frequency grid */
  long spectrum_n_omega;
  long spectrum_method;        /* a qs_spectrum_method: 0 resolvent, 1 fft */
  double spectrum_tau_max;     /* fft: correlation length (0: 20 / gap) */
  long spectrum_n_tau;         /* fft: correlation samples */
  /* [jumps] (qsync jumps; signals.h, jumps.h, spectrum.h) */
  long jumps_ntraj;            /* independent long trajectories */
  double jumps_t_end;          /* record length after the burn-in */
  double jumps_burn_in;        /* time dropped at the start */
  double jumps_dt;             /* sampling interval */
  char jumps_signals[QS_RUNFILE_MAX_NAMES]; /* comma-separated observable names */
  long jumps_method;           /* qs_telegraph_method: 0 threshold, 1 hmm */
  long jumps_n_bins;
  double jumps_hysteresis, jumps_min_dip;
  long jumps_hmm_max_iter;
  double jumps_hmm_tol, jumps_confidence, jumps_peak_significance;
  double jumps_segment;        /* Welch segment length; 0: t_end / 16 */
  double jumps_overlap;        /* Welch segment overlap */
  double jumps_omega_max;      /* Lorentzian fit range; 0: all */
  long jumps_photon;           /* P+-(n) from the trajectories */
  long jumps_batches;          /* batch means per trajectory */
  long jumps_chunk;            /* samples per streamed chunk */
} qs_runconfig;

/* [model] name when the run file does not set it. */
#define QS_RUNFILE_DEFAULT_MODEL "qubit_osc"
#define QS_RUNFILE_MAX_DEFAULT 64

/* Description of one non-model key (docs/runfile.md, qsync help runfile,
 * the man page). */
typedef struct {
  const char *section, *key;
  const char *unit;        /* "1" for pure numbers, "-" for words */
  const char *range_text;  /* allowed values, e.g. "1 .. 1e9" */
  const char *help;        /* one-line meaning */
  char default_text[QS_RUNFILE_MAX_DEFAULT]; /* the value stored when the key
                              is absent, as run-file text; where the library
                              has an option for the key (qs_traj_options
                              rtol, ...) it is the library's default */
} qs_runfile_key_info;

/* Number of non-model keys; the table is in reference order, grouped by
 * section. */
int qs_runfile_key_count(void);

/* Describe key i (0 .. count-1) into *info (the strings are static).
 * QS_ERR_INVALID for i out of range or NULL info, QS_ERR_NOMEM. */
qs_status qs_runfile_key_get(int i, qs_runfile_key_info *info);

/* Read `path` whole (a regular file, a pipe, a character device; "-" is
 * standard input) and validate it.  On error returns QS_ERR_RUNFILE (or
 * QS_ERR_IO if the file cannot be read or is a directory) with a one-line
 * message in msg; cfg then holds no text. */
qs_status qs_runfile_load(const char *path, qs_runconfig *cfg, char *msg,
                          size_t msglen);

/* The same from len bytes of text in memory; `name` (shorter than
 * QS_RUNFILE_MAX_PATH, else QS_ERR_RUNFILE) is the path recorded in cfg and
 * named in messages.  On success cfg->text is a copy of the text. */
qs_status qs_runfile_load_text(const char *name, const char *text, size_t len,
                               qs_runconfig *cfg, char *msg, size_t msglen);

/* Apply an override "section.key=value" (the CLI's --set) with the same
 * checks as a run-file line. */
qs_status qs_runfile_override(qs_runconfig *cfg, const char *assignment,
                              char *msg, size_t msglen);

/* Free what qs_runfile_load allocated (the text); accepts NULL. */
void qs_runfile_release(qs_runconfig *cfg);

/* Cross-key checks done after all overrides (burn_in <= t_end, swept
 * parameters exist and stay in range, ...); resolves the sweep axes. */
qs_status qs_runfile_finish(qs_runconfig *cfg, char *msg, size_t msglen);

/* v as the reference writes numbers: %g without exponent padding
 * ("1e-6", "1e6", "0.5"); out receives at most len bytes. */
void qs_runfile_format_number(double v, char *out, size_t len);

/* The run file's sections as the library's option structs: each starts
 * from the library's defaults (qs_*_default_options) and takes the keys
 * of its section; fields without a key (progress callbacks, warm starts,
 * period) keep the library default.  cfg is not modified. */

/* [run] ntraj, seed, threads, store_rho, burn_in; the output times
 * (n_times evenly spaced on [0, t_end]) and the progress callback are the
 * caller's to set. */
qs_ensemble_options qs_runfile_ensemble_options(const qs_runconfig *cfg);

/* [run] integrator, rtol, atol, max_steps, restart_step. */
qs_traj_options qs_runfile_traj_options(const qs_runconfig *cfg);

/* [steady] method, tol, max_iter, restart, start. */
qs_steady_options qs_runfile_steady_options(const qs_runconfig *cfg);

/* [semiclassical] starts, tol, seed. */
qs_semiclassical_options qs_runfile_semiclassical_options(const qs_runconfig *cfg);
/* [gap] nev, tol, max_iter, method; memory_limit stays 0 (the caller
 * sets --max-memory). */
qs_gap_options qs_runfile_gap_options(const qs_runconfig *cfg);

/* [mesolve] rtol, atol, max_order. */
qs_mesolve_options qs_runfile_mesolve_options(const qs_runconfig *cfg);

/* [mesolve] periodic_tol, and the integrator of qs_runfile_mesolve_options
 * is the caller's to pass; period stays 0 (the caller sets the model's). */
qs_periodic_options qs_runfile_periodic_options(const qs_runconfig *cfg);

/* [jumps] method, n_bins, hysteresis, min_dip, hmm_max_iter, hmm_tol,
 * confidence, peak_significance as the telegraph options (jumps.h). */
qs_telegraph_options qs_runfile_telegraph_options(const qs_runconfig *cfg);

/* [spectrum] method, tau_max, n_tau; rtol and atol from [mesolve], threads
 * from [run]. */
qs_spectrum_options qs_runfile_spectrum_options(const qs_runconfig *cfg);

/* [rates] t_end, n_times, t_skip with the [mesolve] integrator. */
qs_rates_options qs_runfile_rates_options(const qs_runconfig *cfg);

#endif
