/* Run files and overrides; see include/qsync/runfile.h. */
#include "qsync/runfile.h"
#include "message_impl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef enum {
  KEY_REAL, KEY_INT, KEY_SEED, KEY_BOOL, KEY_METHOD,
  KEY_PARAM,   /* "model.<parameter>" stored as the parameter name */
  KEY_LIST,    /* comma-separated numbers into a qs_sweep_axis */
  KEY_CHOICE,  /* one word of `choices` ("a|b"), stored as its index (long) */
  KEY_TEXT,    /* free text (checked by its user), stored in a char[256] */
  KEY_NAME,    /* a name (letters, digits, '_'), stored in a char[QS_MODEL_MAX_NAME] */
  KEY_NAMES    /* comma-separated names ([A-Za-z0-9_]), stored as the text
                  without blanks in a QS_RUNFILE_MAX_NAMES buffer; at most
                  `max` names */
} key_kind;

/* What the reference says about a key.  default_text NULL (LIBRARY): the
 * default is the library's own (library_defaults), so that a run file and
 * a program calling the library with default options compute the same. */
typedef struct {
  const char *section, *key, *unit, *default_text, *range_text, *help;
} key_doc;

#define LIBRARY NULL

typedef struct {
  key_doc info;
  key_kind kind;
  size_t offset;      /* into qs_runconfig */
  double min, max;    /* closed range for KEY_REAL / KEY_INT */
  const char *choices;/* KEY_CHOICE */
} key_entry;

#define CFG(field) offsetof(qs_runconfig, field)

/* Shortest t_end: CVODE's first-step estimate squares the output spacing
 * t_end / (n_times - 1); below about 1e-154 that underflows and CVODE
 * refuses to start (CV_ILL_INPUT, "tstop is behind t").  With n_times
 * <= 1e6 this floor keeps the spacing above 1e-106. */
#define T_END_MIN 1e-100
#define T_END_RANGE "1e-100 .. 1e12"

static const key_entry key_table[] = {
  {{"run", "ntraj", "1", LIBRARY, "1 .. 1e9", "number of trajectories"},
   KEY_INT, CFG(ntraj), 1, 1e9, NULL},
  {{"run", "seed", "1", LIBRARY, "0 .. 2^64-1", "run seed; trajectory i uses PCG64 stream i"},
   KEY_SEED, CFG(seed), 0, 0, NULL},
  {{"run", "threads", "1", LIBRARY, "1 .. 1024", "OpenMP threads (the results do not depend on it)"},
   KEY_INT, CFG(threads), 1, 1024, NULL},
  {{"run", "t_end", "1/Gamma", "50", T_END_RANGE, "last output time (trajectories start at t = 0)"},
   KEY_REAL, CFG(t_end), T_END_MIN, 1e12, NULL},
  {{"run", "n_times", "1", "201", "2 .. 1e6", "output times, evenly spaced on [0, t_end]"},
   KEY_INT, CFG(n_times), 2, 1e6, NULL},
  {{"run", "integrator", "-", "auto", "auto | adams | erk | exact | floquet",
    "trajectory integrator: CVODE Adams, ARKODE explicit Runge-Kutta, exact propagation by the eigenvectors of H_eff (time-independent models only), or floquet: precomputed propagators over a grid of the period (periodic H(t), e.g. transmon; docs/models.md); auto: exact without time dependence up to dimension 160 when H_eff's eigenvectors are well conditioned, floquet for a periodic H(t) with ||H_eff|| * period > 30, else erk (the run says which; docs/methods.md, \"Which integrator\")"},
   KEY_CHOICE, CFG(integrator), 0, 0, "adams|erk|exact|floquet|auto"},
  {{"run", "rtol", "1", LIBRARY, "1e-14 .. 0.1", "relative tolerance of the trajectory integrator"},
   KEY_REAL, CFG(rtol), 1e-14, 0.1, NULL},
  {{"run", "atol", "1", LIBRARY, "1e-16 .. 0.1", "absolute tolerance of the trajectory integrator (per real component of psi)"},
   KEY_REAL, CFG(atol), 1e-16, 0.1, NULL},
  {{"run", "burn_in", "1/Gamma", "10", "0 .. t_end",
    "steady-state estimate: time average over output times t >= burn_in"},
   KEY_REAL, CFG(burn_in), 0, 1e12, NULL},
  {{"run", "store_rho", "bool", "true", "true/false (yes/no, on/off, 1/0)",
    "accumulate density-matrix estimates rho(t) and the time-averaged rho"},
   KEY_BOOL, CFG(store_rho), 0, 1, NULL},
  {{"run", "max_steps", "1", LIBRARY, "1 .. 1e9", "most integrator steps between two output times"},
   KEY_INT, CFG(max_steps), 1, 1e9, NULL},
  {{"run", "restart_step", "1", LIBRARY, "0 .. 1",
    "initial integrator step after a jump as a fraction of the last step; 0 = adams: CVODE's estimate, erk: the step the controller chose before the jump (docs/benchmarks.md, restart cost)"},
   KEY_REAL, CFG(restart_step), 0, 1, NULL},
  {{"run", "max_wall", "s", "86400", "1 .. 1e12",
    "every command: refuse work whose coarse estimate exceeds this wall time, and stop (exit 3) a computation that runs longer (docs/cli.md, Resource limits)"},
   KEY_REAL, CFG(max_wall), 1, 1e12, NULL},
  {{"run", "target_stderr", "observable", "0", "0 .. 1e300",
    "> 0: run blocks of 64 trajectories until every target_obs standard error of the time averages (steady-state estimate, re and im parts) is below this; ntraj is then the maximum, and with it max_wall stops the run at a block boundary with its results (docs/cli.md, Stopping at a target error)"},
   KEY_REAL, CFG(target_stderr), 0, 1e300, NULL},
  {{"run", "target_obs", "-", "all", "all | name, name, ...",
    "the observables whose standard errors target_stderr bounds"},
   KEY_TEXT, CFG(target_obs), 0, 0, NULL},
  {{"run", "max_rho_dim", "1", "256", "1 .. 1e6",
    "store_rho keeps rho only for models of at most this dimension (above it the run says that rho is not stored); the memory estimate refuses what does not fit"},
   KEY_INT, CFG(max_rho_dim), 1, 1e6, NULL},
  {{"run", "rho_stderr", "bool", "true", "true/false",
    "with store_rho: element-wise standard errors of rho(t) and of the time-averaged rho (/trajectory/rho_stderr, steady_rho_stderr); doubles the memory of the rho sums"},
   KEY_BOOL, CFG(rho_stderr), 0, 1, NULL},
  {{"run", "first_index", "1", "0", "0 .. 1e15",
    "first trajectory: the run integrates trajectories first_index .. first_index + ntraj - 1 (replay one with --first-index I --ntraj 1)"},
   KEY_INT, CFG(first_index), 0, 1e15, NULL},
  {{"run", "record_jumps", "bool", "false", "true/false",
    "keep every jump (trajectory, time, channel) in run.h5 (/trajectory/raw/total/jump_records)"},
   KEY_BOOL, CFG(record_jumps), 0, 1, NULL},
  {{"steady", "method", "-", LIBRARY,
    "auto | dense | sparse_lu | sylvester | krylov | rate_series | rate_series_star",
    "steady-state solver (docs/methods.md); auto: dense up to dimension 32, sparse LU up to 256 if its memory estimate fits, else krylov, and when that fails krylov with restart 150 from its last iterate, then sparse LU and dense if they fit; rate_series(_star): the weak-damping series (R) or (R)* of the driven-resonator paper, an approximation (warning when it does not reach tol)"},
   KEY_METHOD, CFG(steady_method), 0, 0, NULL},
  {{"steady", "tol", "1", LIBRARY, "1e-15 .. 1e-2",
    "sylvester/krylov/rate series: stop when ||L rho|| / ||rho|| falls below this"},
   KEY_REAL, CFG(steady_tol), 1e-15, 1e-2, NULL},
  {{"steady", "max_iter", "1", LIBRARY, "1 .. 1e6",
    "sylvester/krylov: most fixed-point steps or GMRES iterations (beyond: error, exit 3)"},
   KEY_INT, CFG(steady_max_iter), 1, 1e6, NULL},
  {{"steady", "restart", "1", LIBRARY, "1 .. 1000",
    "krylov: GMRES restart length (memory grows as (restart + 7) N^2 16 bytes)"},
   KEY_INT, CFG(steady_restart), 1, 1000, NULL},
  {{"steady", "start", "-", "identity", "identity | semiclassical | rate_series_star",
    "sylvester/krylov (and auto when it uses them): first iterate I/N, the product state of the lowest semiclassical minimum (cavity_qubits), or the best partial sum of the rate series (R)*, as the paper starts from an approximate state"},
   KEY_CHOICE, CFG(steady_start), 0, 0, "identity|semiclassical|rate_series_star"},
  {{"steady", "series_max_order", "1", LIBRARY, "0 .. 10000",
    "rate_series(_star): highest order summed (the sum also stops when the residual stops decreasing)"},
   KEY_INT, CFG(steady_series_max_order), 0, 10000, NULL},
  {{"gap", "nev", "1", LIBRARY, "1 .. 32",
    "qsync gap: eigenvalues of the Liouvillian besides 0 reported (smallest |Re| first)"},
   KEY_INT, CFG(gap_nev), 1, QS_GAP_MAX_NEV, NULL},
  {{"gap", "tol", "1", LIBRARY, "1e-15 .. 1e-2",
    "qsync gap, arpack: relative accuracy of the Ritz values of (L - sigma)^-1 (ARPACK tol)"},
   KEY_REAL, CFG(gap_tol), 1e-15, 1e-2, NULL},
  {{"gap", "max_iter", "1", LIBRARY, "1 .. 1e6",
    "qsync gap, arpack: most implicit restarts per shift (beyond: error, exit 3)"},
   KEY_INT, CFG(gap_max_iter), 1, 1e6, NULL},
  {{"gap", "method", "-", "auto", "auto | dense | arpack | arpack_krylov",
    "qsync gap: dense (zgeev on the N^2 x N^2 Liouvillian), arpack (shift-invert, one sparse LU per shift), arpack_krylov (the same with Sylvester-preconditioned GMRES instead of the LU; docs/methods.md); auto: dense up to N^2 = 400, arpack if its LU fits the memory limit, else arpack_krylov"},
   KEY_CHOICE, CFG(gap_method), 0, 0, "auto|dense|arpack|arpack_krylov"},
  {{"mesolve", "t_end", "model time", "100", T_END_RANGE, "master equation from t = 0 to t_end"},
   KEY_REAL, CFG(me_t_end), T_END_MIN, 1e12, NULL},
  {{"mesolve", "n_times", "1", "201", "2 .. 1e6", "output times, evenly spaced on [0, t_end]"},
   KEY_INT, CFG(me_n_times), 2, 1e6, NULL},
  {{"mesolve", "rtol", "1", LIBRARY, "1e-14 .. 0.1", "CVODE relative tolerance"},
   KEY_REAL, CFG(me_rtol), 1e-14, 0.1, NULL},
  {{"mesolve", "atol", "1", LIBRARY, "1e-16 .. 0.1", "CVODE absolute tolerance (per real component of rho)"},
   KEY_REAL, CFG(me_atol), 1e-16, 0.1, NULL},
  {{"mesolve", "max_order", "1", "5", "1 .. 12",
    "Adams order limit (5 was fastest for a 200-level lab-frame cavity; 12 = CVODE default)"},
   KEY_INT, CFG(me_max_order), 1, 12, NULL},
  {{"mesolve", "avg_periods", "1", "10", "0 .. 1e9",
    "time average over the last K drive periods 2 pi / (omega0 + domega) before t_end (models without a drive frequency: K time units); 0: the values at t_end"},
   KEY_REAL, CFG(me_avg_periods), 0, 1e9, NULL},
  {{"mesolve", "avg_samples", "1", "32", "4 .. 1e4", "samples per drive period in that average (midpoint rule: exact for harmonics below avg_samples per period)"},
   KEY_INT, CFG(me_avg_samples), 4, 1e4, NULL},
  {{"mesolve", "initial", "-", "model", "model | rwa_steady | periodic",
    "initial state: the model's own (vacuum, qubits down), the RWA steady state of the point, "
    "or the periodic steady state of a model with a period (transmon, lab frame; GMRES on the "
    "one-period propagator)"},
   KEY_CHOICE, CFG(me_initial), 0, 0, "model|rwa_steady|periodic"},
  {{"mesolve", "periodic_tol", "1", LIBRARY, "1e-14 .. 1e-2",
    "initial = periodic: stop at ||P rho - rho|| / ||rho|| below this (P: one period; the reachable residual is about the integrator's rtol)"},
   KEY_REAL, CFG(me_periodic_tol), 1e-14, 1e-2, NULL},
  {{"rates", "t_end", "us", LIBRARY, T_END_RANGE ", > t_skip",
    "qsync rates: relaxation from |e>_A|e>_B followed from t = 0 to t_end"},
   KEY_REAL, CFG(rates_t_end), T_END_MIN, 1e12, NULL},
  {{"rates", "n_times", "1", LIBRARY, "2 .. 1e6",
    "qsync rates: samples evenly spaced on [0, t_end], dt = t_end / (n_times - 1) (>= 3 of them at t >= t_skip)"},
   KEY_INT, CFG(rates_n_times), 2, 1e6, NULL},
  {{"rates", "t_skip", "us", LIBRARY, "0 .. t_end",
    "qsync rates: fit only t >= t_skip (past the |f>-level and resonator transients)"},
   KEY_REAL, CFG(rates_t_skip), 0, 1e12, NULL},
  {{"checks", "truncation_tol", "1", "1e-6", "0 .. 1",
    "warn (error with --strict) when the top cavity level's population exceeds this"},
   KEY_REAL, CFG(truncation_tol), 0, 1, NULL},
  {{"compare", "z_threshold", "1", "4", "> 0",
    "qsync compare fails (exit 1) when any |z| reaches this"},
   KEY_REAL, CFG(z_threshold), 1e-300, 1e300, NULL},
  {{"validity", "semiclassical", "bool", "true", "true/false",
    "qsync validity: compare with the lowest semiclassical minimum (trace distance, <a>, <n>, Sx, Sz; number of minima, eps/gamma)"},
   KEY_BOOL, CFG(validity_semiclassical), 0, 1, NULL},
  {{"validity", "series", "bool", "true", "true/false",
    "qsync validity: compare with the dressed rate-equation series (R)* (and report its convergence and order)"},
   KEY_BOOL, CFG(validity_series), 0, 1, NULL},
  {{"validity", "lab", "bool", "false", "true/false",
    "qsync validity: compare with the period-averaged lab-frame state (frame = lab, [mesolve] t_end, avg_periods, from the exact RWA state; costly)"},
   KEY_BOOL, CFG(validity_lab), 0, 1, NULL},
  {{"validity", "gap", "bool", "true", "true/false",
    "qsync validity: the Liouvillian gap |Re mu_1| of each point"},
   KEY_BOOL, CFG(validity_gap), 0, 1, NULL},
  {{"semiclassical", "starts", "1", LIBRARY, "1 .. 1e6",
    "qsync semiclassical: local minimisations (start 0: empty-cavity alpha, spins down; 1: spins up; k >= 2: PCG64 stream k of seed)"},
   KEY_INT, CFG(semi_starts), 1, 1e6, NULL},
  {{"semiclassical", "tol", "1", LIBRARY, "1e-15 .. 1e-2",
    "qsync semiclassical: relative parameter tolerance (NLopt xtol_rel) of each L-BFGS minimisation"},
   KEY_REAL, CFG(semi_tol), 1e-15, 1e-2, NULL},
  {{"semiclassical", "seed", "1", LIBRARY, "0 .. 2^64-1",
    "qsync semiclassical: seed of the random starts"},
   KEY_SEED, CFG(semi_seed), 0, 0, NULL},
  {{"semiclassical", "gap", "bool", "true", "true/false",
    "qsync semiclassical: compute the Liouvillian gap (with the [gap] keys, at the model's truncation) for the error bound eps / gap"},
   KEY_BOOL, CFG(semi_gap), 0, 1, NULL},
#define SWEEP_KEYS(SUFFIX, I, WHICH)                                                 \
  {{"sweep", "key" SUFFIX, "-", "none", "model.<parameter>",                        \
    "parameter swept by the " WHICH " axis (steady: one row per point)"},          \
   KEY_PARAM, CFG(sweep[I].key), 0, 0, NULL},                                       \
  {{"sweep", "from" SUFFIX, "parameter", "0", "number", "first value"},             \
   KEY_REAL, CFG(sweep[I].from), -1e300, 1e300, NULL},                              \
  {{"sweep", "to" SUFFIX, "parameter", "1", "number", "last value"},                \
   KEY_REAL, CFG(sweep[I].to), -1e300, 1e300, NULL},                                \
  {{"sweep", "points" SUFFIX, "1", "11", "1 .. 4096", "evenly spaced points (ends included)"},     \
   KEY_INT, CFG(sweep[I].points), 1, QS_SWEEP_MAX_VALUES, NULL},                    \
  {{"sweep", "values" SUFFIX, "parameter", "none", "v1, v2, ... (<= 4096)",         \
    "explicit list of values instead of from/to/points"},                          \
   KEY_LIST, CFG(sweep[I]), 0, 0, NULL},                                            \
  {{"sweep", "keep_sum" SUFFIX, "-", "none", "model.<parameter>",                   \
    "moves with the swept parameter so that their sum keeps its run-file value (key = model.w_A, keep_sum = model.gamma_A keeps Gamma_A = 1)"},  \
   KEY_PARAM, CFG(sweep[I].keep_sum), 0, 0, NULL}
  SWEEP_KEYS("", 0, "inner"),
  SWEEP_KEYS("2", 1, "outer (second)"),
#undef SWEEP_KEYS
  {{"scan", "key", "-", "none", "model.<parameter>",
    "parameter along which qsync scan finds zero crossings and extrema; none: the model's coupling (g for qubit_osc)"},
   KEY_PARAM, CFG(scan_along.key), 0, 0, NULL},
  {{"scan", "from", "parameter", "0", "number", "start of the scanned line"},
   KEY_REAL, CFG(scan_along.from), -1e300, 1e300, NULL},
  {{"scan", "to", "parameter", "4", "number", "end of the scanned line"},
   KEY_REAL, CFG(scan_along.to), -1e300, 1e300, NULL},
  {{"scan", "points", "1", "81", "3 .. 4096",
    "grid points on the line (brackets for the root and extremum searches)"},
   KEY_INT, CFG(scan_along.points), 3, QS_SWEEP_MAX_VALUES, NULL},
  {{"scan", "tol", "parameter", "1e-8", "1e-14 .. 1", "tolerance of the zero-crossing roots"},
   KEY_REAL, CFG(scan_tol), 1e-14, 1, NULL},
  {{"scan", "method", "-", "exact", "exact | first_order",
    "exact: Liouvillian steady states at the run's eps, with Omega and R; first_order: Appendix C (qubits, eps -> 0), phase responses only, about 100x faster"},
   KEY_CHOICE, CFG(scan_first_order), 0, 0, "exact|first_order"},
  {{"scan", "restore_key", "-", "none", "model.<parameter>",
    "second parameter tuned with the scanned one so that <S+_A> vanishes (Fig. 5c: model.delta_q)"},
   KEY_PARAM, CFG(scan_restore.key), 0, 0, NULL},
  {{"scan", "restore_from", "parameter", "-2", "number", "search range start for restore_key"},
   KEY_REAL, CFG(scan_restore.from), -1e300, 1e300, NULL},
  {{"scan", "restore_to", "parameter", "2", "number", "search range end for restore_key"},
   KEY_REAL, CFG(scan_restore.to), -1e300, 1e300, NULL},
  {{"scan", "restore_points", "1", "41", "3 .. 4096", "coarse grid points for restore_key"},
   KEY_INT, CFG(scan_restore.points), 3, QS_SWEEP_MAX_VALUES, NULL},
  {{"spectrum", "operator", "-", "a", "an observable of the model",
    "qsync spectrum: the observable whose operator A gives S(omega) = int <A^dag(tau) A> e^{-i omega tau} dtau (cavity_qubits: a; qubit_osc: Sp_A with adjoint = true for sigma_-)"},
   KEY_NAME, CFG(spectrum_operator), 0, 0, NULL},
  {{"spectrum", "adjoint", "bool", "false", "true/false",
    "qsync spectrum: use the adjoint of the operator (Sp_A -> S-_A, the qubit's emission)"},
   KEY_BOOL, CFG(spectrum_adjoint), 0, 1, NULL},
  {{"spectrum", "omega_min", "rate", "-5", "number < omega_max",
    "qsync spectrum: lowest angular frequency (model's rate unit, in the model's frame)"},
   KEY_REAL, CFG(spectrum_omega_min), -1e12, 1e12, NULL},
  {{"spectrum", "omega_max", "rate", "5", "number > omega_min",
    "qsync spectrum: highest angular frequency"},
   KEY_REAL, CFG(spectrum_omega_max), -1e12, 1e12, NULL},
  {{"spectrum", "n_omega", "1", "401", "2 .. 1e6",
    "qsync spectrum: frequencies, evenly spaced on [omega_min, omega_max]"},
   KEY_INT, CFG(spectrum_n_omega), 2, 1e6, NULL},
  {{"spectrum", "method", "-", "resolvent", "resolvent | fft",
    "qsync spectrum: resolvent (one sparse LU of L - i omega per frequency, exact) or fft (master equation to tau_max and FFTW; docs/spectra.md)"},
   KEY_CHOICE, CFG(spectrum_method), 0, 0, "resolvent|fft"},
  {{"spectrum", "tau_max", "1/rate", LIBRARY, "0 .. 1e12",
    "qsync spectrum, fft: length of the correlation integrated; 0: 20 / (the Liouvillian gap)"},
   KEY_REAL, CFG(spectrum_tau_max), 0, 1e12, NULL},
  {{"spectrum", "n_tau", "1", LIBRARY, "16 .. 16777216",
    "qsync spectrum, fft: correlation samples on [0, tau_max] (|omega| must stay below pi (n_tau - 1) / tau_max)"},
   KEY_INT, CFG(spectrum_n_tau), 16, 16777216, NULL},
  {{"jumps", "ntraj", "1", "4", "1 .. 1e6",
    "qsync jumps: independent long trajectories (trajectory i: PCG64 stream i of [run] seed; threads: [run] threads)"},
   KEY_INT, CFG(jumps_ntraj), 1, 1e6, NULL},
  {{"jumps", "t_end", "model time", "2000", T_END_RANGE,
    "qsync jumps: length of each trajectory's sampled record after burn_in"},
   KEY_REAL, CFG(jumps_t_end), T_END_MIN, 1e12, NULL},
  {{"jumps", "burn_in", "model time", "100", "0 .. 1e12",
    "qsync jumps: time dropped at the start of each trajectory (relaxation from the model's initial state)"},
   KEY_REAL, CFG(jumps_burn_in), 0, 1e12, NULL},
  {{"jumps", "dt", "model time", "1", "> 0, <= t_end",
    "qsync jumps: sampling interval of the signals (samples at burn_in + k dt, k = 0 .. t_end / dt)"},
   KEY_REAL, CFG(jumps_dt), 1e-100, 1e12, NULL},
  {{"jumps", "signals", "-", "n", "name, name, ... (model observables, <= 16)",
    "qsync jumps: signals sampled, Re <O> of these observables in the trajectory's state (cavity_qubits: n, Sz_1, Sx_1, ...); the first is the one classified into two states"},
   KEY_NAMES, CFG(jumps_signals), 1, 16, NULL},
  {{"jumps", "method", "-", "threshold", "threshold | hmm",
    "qsync jumps: two-state detection, a threshold with hysteresis at the histogram minimum or a two-state hidden Markov model (Viterbi); include/qsync/jumps.h"},
   KEY_CHOICE, CFG(jumps_method), 0, 0, "threshold|hmm"},
  {{"jumps", "n_bins", "1", LIBRARY, "8 .. 1e6",
    "qsync jumps: histogram bins of the pooled first signal (levels, threshold, bimodality)"},
   KEY_INT, CFG(jumps_n_bins), 8, 1e6, NULL},
  {{"jumps", "hysteresis", "1", "0.6", "0 .. 0.9",
    "qsync jumps, threshold: width of the band around the threshold, as a fraction of the level distance, whose far edge a switch must cross; narrower bands count recrossings at the barrier as switches (at the Fig. 1 point 0.2 gives rate sums 16% above the gap, 0.6 and wider agree with it; docs/bistability.md)"},
   KEY_REAL, CFG(jumps_hysteresis), 0, 0.9, NULL},
  {{"jumps", "min_dip", "1", LIBRARY, "1e-6 .. 0.999",
    "qsync jumps: bimodality test, the histogram minimum between the peaks must lie below min_dip times the lower peak"},
   KEY_REAL, CFG(jumps_min_dip), 1e-6, 0.999, NULL},
  {{"jumps", "hmm_max_iter", "1", LIBRARY, "1 .. 1e6",
    "qsync jumps, hmm: most Baum-Welch iterations"},
   KEY_INT, CFG(jumps_hmm_max_iter), 1, 1e6, NULL},
  {{"jumps", "hmm_tol", "1", LIBRARY, "1e-15 .. 1",
    "qsync jumps, hmm: stop when the log-likelihood per sample changes less"},
   KEY_REAL, CFG(jumps_hmm_tol), 1e-15, 1, NULL},
  {{"jumps", "confidence", "1", LIBRARY, "0.5 .. 0.9999",
    "qsync jumps: confidence level of the switching-rate intervals"},
   KEY_REAL, CFG(jumps_confidence), 0.5, 0.9999, NULL},
  {{"jumps", "peak_significance", "1", LIBRARY, "0 .. 1e6",
    "qsync jumps: bimodality test, the lower histogram peak must exceed the dip by this many counting errors sqrt(peak + dip), so sparse tail bins make no second peak"},
   KEY_REAL, CFG(jumps_peak_significance), 0, 1e6, NULL},
  {{"jumps", "segment", "model time", "0", "0, or 8 dt .. t_end",
    "qsync jumps: Welch segment length of the power spectral density; 0: the longer of t_end / 16 and 20 / rate_sum (at most t_end): shorter segments broaden the fitted Lorentzian (+19% at 5 / rate_sum)"},
   KEY_REAL, CFG(jumps_segment), 0, 1e12, NULL},
  {{"jumps", "overlap", "1", "0.5", "0 .. 0.75",
    "qsync jumps: overlap of consecutive Welch segments"},
   KEY_REAL, CFG(jumps_overlap), 0, 0.75, NULL},
  {{"jumps", "omega_max", "rate", "0", "0 .. 1e12",
    "qsync jumps: fit the Lorentzian over 0 <= omega <= omega_max; 0: 20 times the rate sum from the dwell times"},
   KEY_REAL, CFG(jumps_omega_max), 0, 1e12, NULL},
  {{"jumps", "photon", "bool", "true", "true/false",
    "qsync jumps: time-averaged photon distributions P+(n), P-(n) with the first qubit up/down from the trajectories against the exact steady state (photon.tsv; models with photon numbers)"},
   KEY_BOOL, CFG(jumps_photon), 0, 1, NULL},
  {{"jumps", "batches", "1", "20", "2 .. 1000",
    "qsync jumps: batch means, consecutive batches per trajectory for the error bars of time averages (P+-(n), signal means, occupations)"},
   KEY_INT, CFG(jumps_batches), 2, 1000, NULL},
  {{"jumps", "chunk", "1", "4096", "1 .. 1e7",
    "qsync jumps: samples per chunk streamed to run.h5 (the memory of a worker does not grow with t_end)"},
   KEY_INT, CFG(jumps_chunk), 1, 1e7, NULL},
};

#define N_KEYS ((int)(sizeof key_table / sizeof key_table[0]))

/* "model, run, steady, ... or checks": every section of the key table in
 * table order (for messages), so a new section is listed once it has keys. */
static void section_list(char *out, size_t len)
{
  const char *names[64];
  int n = 0;
  names[n++] = "model";
  for (int i = 0; i < N_KEYS; i++) {
    int seen = 0;
    for (int k = 0; k < n && !seen; k++)
      seen = strcmp(names[k], key_table[i].info.section) == 0;
    if (!seen && n < 64)
      names[n++] = key_table[i].info.section;
  }
  size_t used = 0;
  out[0] = '\0';
  for (int k = 0; k < n && used < len; k++) {
    const char *sep = k == 0 ? "" : k == n - 1 ? " or " : ", ";
    int w = snprintf(out + used, len - used, "%s%s", sep, names[k]);
    if (w < 0)
      break;
    used += (size_t)w;
  }
}

static int parse_real(const char *s, double *out);

/* "model.name" -> "name" (stored in a QS_MODEL_MAX_NAME buffer). */
static int parse_param_ref(const char *s, char *out)
{
  if (strncasecmp(s, "model.", 6) != 0 || s[6] == '\0' ||
      strlen(s + 6) >= QS_MODEL_MAX_NAME)
    return 0;
  snprintf(out, QS_MODEL_MAX_NAME, "%s", s + 6);
  return 1;
}

/* A name: 1 .. QS_MODEL_MAX_NAME - 1 letters, digits or '_'. */
static int parse_name(const char *s, char *out)
{
  size_t n = strlen(s);
  if (n == 0 || n >= QS_MODEL_MAX_NAME)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_')
      return 0;
  snprintf(out, QS_MODEL_MAX_NAME, "%s", s);
  return 1;
}

/* Comma-separated finite numbers. */
static int parse_list(const char *s, qs_sweep_axis *axis)
{
  if (strcasecmp(s, "none") == 0) {
    axis->n_values = 0;
    return 1;
  }
  char buf[65536];
  if (strlen(s) >= sizeof buf)
    return 0;
  snprintf(buf, sizeof buf, "%s", s);
  long n = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    while (isspace((unsigned char)*tok))
      tok++;
    if (n == QS_SWEEP_MAX_VALUES || !parse_real(tok, &axis->values[n]))
      return 0;
    n++;
  }
  axis->n_values = n;
  return n > 0;
}

/* Comma-separated names of [A-Za-z0-9_] (blanks around them allowed),
 * between 1 and max of them, stored without blanks. */
static int parse_names(const char *s, double max, char *out)
{
  char buf[QS_RUNFILE_MAX_NAMES];
  size_t used = 0;
  int n = 0;
  for (const char *p = s;; p++) {
    while (isspace((unsigned char)*p))
      p++;
    size_t len = 0;
    while (isalnum((unsigned char)p[len]) || p[len] == '_')
      len++;
    if (len == 0 || used + len + 2 > sizeof buf || ++n > max)
      return 0;
    if (used > 0)
      buf[used++] = ',';
    memcpy(buf + used, p, len);
    used += len;
    p += len;
    while (isspace((unsigned char)*p))
      p++;
    if (*p == '\0')
      break;
    if (*p != ',')
      return 0;
  }
  buf[used] = '\0';
  memcpy(out, buf, used + 1);
  return 1;
}

static int parse_choice(const char *s, const char *choices, long *out)
{
  long index = 0;
  for (const char *c = choices; *c; index++) {
    size_t len = strcspn(c, "|");
    if (strlen(s) == len && strncasecmp(s, c, len) == 0) {
      *out = index;
      return 1;
    }
    c += len + (c[len] == '|');
  }
  return 0;
}

/* Parse a whole string as a finite double. */
static int parse_real(const char *s, double *out)
{
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno == ERANGE || !isfinite(v))
    return 0;
  while (isspace((unsigned char)*end))
    end++;
  if (*end != '\0')
    return 0;
  *out = v;
  return 1;
}

static int parse_bool(const char *s, long *out)
{
  static const char *yes[] = {"true", "yes", "on", "1"};
  static const char *no[] = {"false", "no", "off", "0"};
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(s, yes[i]) == 0) {
      *out = 1;
      return 1;
    }
    if (strcasecmp(s, no[i]) == 0) {
      *out = 0;
      return 1;
    }
  }
  return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
  if (*s == '-' || *s == '\0')
    return 0;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno == ERANGE || *end != '\0')
    return 0;
  *out = (uint64_t)v;
  return 1;
}

/* A parameter whose value is one word of its `choices`. */
static qs_status set_param_choice(qs_runconfig *cfg, const char *where, int i,
                                  const char *value, char *msg, size_t msglen)
{
  const qs_param_spec *p = &cfg->model_type->params[i];
  long index = 0;
  if (!parse_choice(value, p->choices, &index)) {
    qs_set_message(msg, msglen, "%s: [model] %s = '%s': expected one of %s (%s)", where,
                   p->key, value, p->choices, p->help);
    return QS_ERR_RUNFILE;
  }
  cfg->model_values[i] = (double)index;
  cfg->model_explicit[i] = 1;
  /* A preset (e.g. column = fig10a) sets the keys not given explicitly;
   * keys set later override it as usual. */
  qs_model_apply_preset(cfg->model_type, i, (int)index, cfg->model_values,
                        cfg->model_explicit);
  return QS_OK;
}

/* "key = v1, v2, ..." sets key_1, key_2, ... (e.g. delta = 2, -1 for the
 * detunings of qubits 1 and 2); any other unknown key is an error. */
static qs_status set_param_complex(qs_runconfig *cfg, const char *where, const char *key,
                                   const char *value, char *msg, size_t msglen);

static qs_status set_param_list(qs_runconfig *cfg, const char *where, const char *key,
                                const char *value, char *msg, size_t msglen)
{
  char name[QS_MODEL_MAX_NAME + 8];
  snprintf(name, sizeof name, "%s_re", key);
  if (qs_model_param_index(cfg->model_type, name) >= 0)
    return set_param_complex(cfg, where, key, value, msg, msglen);
  snprintf(name, sizeof name, "%s_1", key);
  if (qs_model_param_index(cfg->model_type, name) < 0) {
    qs_set_message(msg, msglen, "%s: [model] unknown key '%s' for model %s (see qsync help runfile)",
                   where, key, cfg->model_type->name);
    return QS_ERR_RUNFILE;
  }
  qs_sweep_axis list;
  int n_slots = 0;
  while (snprintf(name, sizeof name, "%s_%d", key, n_slots + 1) > 0 &&
         qs_model_param_index(cfg->model_type, name) >= 0)
    n_slots++;
  if (!parse_list(value, &list) || list.n_values > n_slots) {
    qs_set_message(msg, msglen, "%s: [model] %s = '%s': expected 1 to %d comma-separated numbers",
                   where, key, value, n_slots);
    return QS_ERR_RUNFILE;
  }
  for (int l = 0; l < list.n_values; l++) {
    snprintf(name, sizeof name, "%s_%d", key, l + 1);
    int i = qs_model_param_index(cfg->model_type, name);
    const qs_param_spec *p = &cfg->model_type->params[i];
    if (list.values[l] < p->min || list.values[l] > p->max) {
      qs_set_message(msg, msglen, "%s: [model] %s: value %d = %g is outside [%g, %g] (%s)",
                     where, key, l + 1, list.values[l], p->min, p->max, p->help);
      return QS_ERR_RUNFILE;
    }
    cfg->model_values[i] = list.values[l];
    cfg->model_explicit[i] = 1;
  }
  return QS_OK;
}

/* "key = re, im" sets the parameters key_re and key_im (a complex number,
 * e.g. alpha0 = 1.5, -2 for the displacement centre 1.5 - 2i). */
static qs_status set_param_complex(qs_runconfig *cfg, const char *where, const char *key,
                                   const char *value, char *msg, size_t msglen)
{
  qs_sweep_axis list;
  if (!parse_list(value, &list) || list.n_values != 2) {
    qs_set_message(msg, msglen, "%s: [model] %s = '%s': expected two comma-separated numbers "
                   "re, im", where, key, value);
    return QS_ERR_RUNFILE;
  }
  const char *part[2] = {"re", "im"};
  for (int l = 0; l < 2; l++) {
    char name[QS_MODEL_MAX_NAME + 8];
    snprintf(name, sizeof name, "%s_%s", key, part[l]);
    int i = qs_model_param_index(cfg->model_type, name);
    const qs_param_spec *p = &cfg->model_type->params[i];
    if (list.values[l] < p->min || list.values[l] > p->max) {
      qs_set_message(msg, msglen, "%s: [model] %s: %s part %g is outside [%g, %g] (%s)",
                     where, key, part[l], list.values[l], p->min, p->max, p->help);
      return QS_ERR_RUNFILE;
    }
    cfg->model_values[i] = list.values[l];
    cfg->model_explicit[i] = 1;
  }
  return QS_OK;
}

static qs_status set_entry(qs_runconfig *cfg, const char *where, const key_entry *e,
                           const char *value, char *msg, size_t msglen);

/* Set one (section, key) from its text; `where` prefixes the message. */
static qs_status set_key(qs_runconfig *cfg, const char *where, const char *section,
                         const char *key, const char *value, char *msg, size_t msglen)
{
  if (strcasecmp(section, "model") == 0) {
    if (strcasecmp(key, "name") == 0) {
      const qs_model_type *type = qs_model_type_find(value);
      if (!type) {
        qs_set_message(msg, msglen, "%s: [model] name = '%s': unknown model; expected qubit_osc, cavity_qubits or transmon",
                where, value);
        return QS_ERR_RUNFILE;
      }
      if (type != cfg->model_type) {
        cfg->model_type = type;
        qs_model_defaults(type, cfg->model_values);
        memset(cfg->model_explicit, 0, sizeof cfg->model_explicit);
      }
      return QS_OK;
    }
    int i = qs_model_param_index(cfg->model_type, key);
    if (i < 0)
      return set_param_list(cfg, where, key, value, msg, msglen);
    const qs_param_spec *p = &cfg->model_type->params[i];
    double v;
    if (p->choices)
      return set_param_choice(cfg, where, i, value, msg, msglen);
    if (!parse_real(value, &v) || v < p->min || v > p->max) {
      qs_set_message(msg, msglen, "%s: [model] %s = '%s': expected a number in [%g, %g] (%s, unit %s)",
              where, p->key, value, p->min, p->max, p->help, p->unit);
      return QS_ERR_RUNFILE;
    }
    cfg->model_values[i] = v;
    cfg->model_explicit[i] = 1;
    return QS_OK;
  }
  const key_entry *e = NULL;
  int known_section = 0;
  for (int i = 0; i < N_KEYS; i++) {
    known_section |= strcasecmp(key_table[i].info.section, section) == 0;
    if (strcasecmp(key_table[i].info.section, section) == 0 &&
        strcasecmp(key_table[i].info.key, key) == 0)
      e = &key_table[i];
  }
  if (!known_section) {
    char sections[512];
    section_list(sections, sizeof sections);
    qs_set_message(msg, msglen, "%s: unknown section [%s]; expected %s", where, section,
                   sections);
    return QS_ERR_RUNFILE;
  }
  if (!e) {
    qs_set_message(msg, msglen, "%s: [%s] unknown key '%s' (qsync help runfile lists the keys of [%s])",
            where, section, key, section);
    return QS_ERR_RUNFILE;
  }
  return set_entry(cfg, where, e, value, msg, msglen);
}

/* Set the key of entry e from its text. */
static qs_status set_entry(qs_runconfig *cfg, const char *where, const key_entry *e,
                           const char *value, char *msg, size_t msglen)
{
  char *field = (char *)cfg + e->offset;
  double v = 0.0;
  int ok = 0;
  switch (e->kind) {
  case KEY_REAL:
    ok = parse_real(value, &v) && v >= e->min && v <= e->max;
    if (ok)
      *(double *)field = v;
    break;
  case KEY_INT:
    ok = parse_real(value, &v) && v == floor(v) && v >= e->min && v <= e->max;
    if (ok)
      *(long *)field = (long)v;
    break;
  case KEY_SEED:
    ok = parse_seed(value, (uint64_t *)field);
    break;
  case KEY_BOOL:
    ok = parse_bool(value, (long *)field);
    break;
  case KEY_PARAM:
    ok = strcasecmp(value, "none") == 0 ? (((char *)field)[0] = '\0', 1)
                                         : parse_param_ref(value, field);
    break;
  case KEY_LIST:
    ok = parse_list(value, (qs_sweep_axis *)field);
    break;
  case KEY_CHOICE:
    ok = parse_choice(value, e->choices, (long *)field);
    break;
  case KEY_TEXT:
    ok = strlen(value) < 256;
    if (ok)
      snprintf(field, 256, "%s", value);
    break;
  case KEY_NAME:
    ok = parse_name(value, field);
    break;
  case KEY_NAMES:
    ok = parse_names(value, e->max, field);
    break;
  case KEY_METHOD: {
    int m = qs_steady_method_parse(value);
    ok = m >= 0;
    if (ok)
      *(qs_steady_method *)field = (qs_steady_method)m;
    break;
  }
  }
  if (!ok) {
    qs_set_message(msg, msglen, "%s: [%s] %s = '%s': expected %s%s (%s)", where,
            e->info.section, e->info.key, value,
            e->kind == KEY_INT ? "an integer " : "", e->info.range_text, e->info.help);
    return QS_ERR_RUNFILE;
  }
  return QS_OK;
}

/* The defaults of the LIBRARY keys: the library's option defaults. */
static void library_defaults(qs_runconfig *cfg)
{
  const qs_ensemble_options ens = qs_ensemble_default_options();
  const qs_traj_options traj = qs_traj_default_options();
  const qs_steady_options steady = qs_steady_default_options();
  const qs_mesolve_options me = qs_mesolve_default_options();
  const qs_periodic_options periodic = qs_periodic_default_options();
  const qs_rates_options rates = qs_rates_default_options();
  const qs_semiclassical_options semi = qs_semiclassical_default_options();
  cfg->ntraj = ens.ntraj;
  cfg->seed = ens.seed;
  cfg->threads = ens.threads;
  cfg->integrator = QS_INTEGRATOR_AUTO; /* the CLI's default; the library's is adams */
  cfg->rtol = traj.rtol;
  cfg->atol = traj.atol;
  cfg->max_steps = traj.max_steps;
  cfg->restart_step = traj.restart_step;
  cfg->steady_method = steady.method;
  cfg->steady_tol = steady.tol;
  cfg->steady_max_iter = steady.max_iter;
  cfg->steady_restart = steady.restart;
  cfg->steady_series_max_order = steady.series_max_order;
  qs_gap_options gap;
  qs_gap_options_default(&gap);
  cfg->gap_nev = gap.nev;
  cfg->gap_tol = gap.tol;
  cfg->gap_max_iter = gap.max_iter;
  cfg->me_rtol = me.rtol;
  cfg->me_atol = me.atol;
  cfg->me_periodic_tol = periodic.tol;
  cfg->rates_t_end = rates.t_end;
  cfg->rates_n_times = rates.n_times;
  cfg->rates_t_skip = rates.t_skip;
  cfg->semi_starts = semi.starts;
  cfg->semi_tol = semi.tol;
  cfg->semi_seed = semi.seed;
  qs_telegraph_options tel;
  qs_telegraph_options_default(&tel);
  cfg->jumps_method = tel.method;
  cfg->jumps_n_bins = tel.n_bins;
  cfg->jumps_min_dip = tel.min_dip;
  cfg->jumps_hmm_max_iter = tel.hmm_max_iter;
  cfg->jumps_hmm_tol = tel.hmm_tol;
  cfg->jumps_confidence = tel.confidence;
  cfg->jumps_peak_significance = tel.peak_significance;
  qs_spectrum_options spec;
  qs_spectrum_options_default(&spec);
  cfg->spectrum_tau_max = spec.tau_max;
  cfg->spectrum_n_tau = spec.n_tau;
}

/* Every key at its default: the library's, or the table's text parsed as
 * a run-file line would be (one source for each default). */
static void set_defaults(qs_runconfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->model_type = qs_model_type_find(QS_RUNFILE_DEFAULT_MODEL);
  qs_model_defaults(cfg->model_type, cfg->model_values);
  library_defaults(cfg);
  /* Cannot fail: tests/test_runfile.c loads every key at its default. */
  char msg[256];
  for (int i = 0; i < N_KEYS; i++)
    if (key_table[i].info.default_text)
      (void)set_entry(cfg, "key table", &key_table[i], key_table[i].info.default_text, msg,
                      sizeof msg);
}

int qs_runfile_key_count(void)
{
  return N_KEYS;
}

void qs_runfile_format_number(double v, char *out, size_t len)
{
  snprintf(out, len, "%g", v);
  char *e = strchr(out, 'e');
  if (!e)
    return;
  if (e[1] == '+')
    memmove(e + 1, e + 2, strlen(e + 2) + 1);
  char *digits = e + 1 + (e[1] == '-');
  size_t zeros = strspn(digits, "0");
  if (zeros > 0 && digits[zeros] != '\0')
    memmove(digits, digits + zeros, strlen(digits + zeros) + 1);
}

/* The stored value of entry e in cfg as run-file text. */
static void format_value(const key_entry *e, const qs_runconfig *cfg, char *out, size_t len)
{
  const char *field = (const char *)cfg + e->offset;
  switch (e->kind) {
  case KEY_REAL:
    qs_runfile_format_number(*(const double *)field, out, len);
    break;
  case KEY_INT:
    snprintf(out, len, "%ld", *(const long *)field);
    break;
  case KEY_SEED:
    snprintf(out, len, "%llu", (unsigned long long)*(const uint64_t *)field);
    break;
  case KEY_BOOL:
    snprintf(out, len, "%s", *(const long *)field ? "true" : "false");
    break;
  case KEY_METHOD:
    snprintf(out, len, "%s", qs_steady_method_name(*(const qs_steady_method *)field));
    break;
  case KEY_CHOICE: {
    const char *c = e->choices;
    for (long i = 0; i < *(const long *)field && strchr(c, '|'); i++)
      c = strchr(c, '|') + 1;
    snprintf(out, len, "%.*s", (int)strcspn(c, "|"), c);
    break;
  }
  case KEY_NAME:
  case KEY_NAMES:
    snprintf(out, len, "%s", field);
    break;
  case KEY_PARAM:
  case KEY_LIST:
  case KEY_TEXT:
    snprintf(out, len, "none"); /* never LIBRARY keys */
    break;
  }
}

qs_status qs_runfile_key_get(int i, qs_runfile_key_info *info)
{
  if (i < 0 || i >= N_KEYS || !info)
    return QS_ERR_INVALID;
  const key_entry *e = &key_table[i];
  *info = (qs_runfile_key_info){e->info.section, e->info.key, e->info.unit,
                                e->info.range_text, e->info.help, ""};
  if (e->info.default_text) {
    snprintf(info->default_text, sizeof info->default_text, "%s", e->info.default_text);
    return QS_OK;
  }
  qs_runconfig *defaults = malloc(sizeof *defaults);
  if (!defaults)
    return QS_ERR_NOMEM;
  set_defaults(defaults);
  format_value(e, defaults, info->default_text, sizeof info->default_text);
  free(defaults);
  return QS_OK;
}

/* The run-file reader.  qsync reads the text whole (any size, from a
 * regular file, a pipe or standard input) and parses that buffer, so the
 * text recorded in run.h5 is exactly the text used.  The syntax is the
 * INI subset iniparser 4.1 reads — '#'/';' comment lines and end-of-line
 * comments, "key = value", quoted values, case-folded names — with every
 * ambiguity refused instead of resolved silently: a section name with ':'
 * or brackets, an unknown section even when empty, a key or a section
 * written twice, a line that is neither, a text without any section.  Lines end at LF, CRLF or a lone
 * CR. */

typedef struct {
  int line;
  const char *section, *key, *value;   /* point into ini_doc.buffer */
} ini_entry;

typedef struct {
  const char *name;
  int line;
} ini_section;

typedef struct {
  char *buffer;          /* a modified copy of the text */
  ini_entry *entries;
  int n_entries;
  ini_section *sections;
  int n_sections;
} ini_doc;

static void ini_doc_free(ini_doc *doc)
{
  free(doc->buffer);
  free(doc->entries);
  free(doc->sections);
  *doc = (ini_doc){0};
}

static int is_known_section(const char *name)
{
  if (strcmp(name, "model") == 0)
    return 1;
  for (int i = 0; i < N_KEYS; i++)
    if (strcmp(key_table[i].info.section, name) == 0)
      return 1;
  return 0;
}

/* s without its leading and trailing white space (in place). */
static char *strip(char *s)
{
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

static void lower(char *s)
{
  for (; *s; s++)
    *s = (char)tolower((unsigned char)*s);
}

/* The text after '=': a quoted value runs to its closing quote (only a
 * comment may follow); an unquoted one ends at ';' or '#'.  NULL when
 * something else follows a closing quote. */
static char *ini_value(char *s)
{
  s = strip(s);
  if (*s == '"' || *s == '\'') {
    char *close = strchr(s + 1, *s);
    if (close) {
      char *rest = strip(close + 1);
      if (*rest != '\0' && *rest != ';' && *rest != '#')
        return NULL;
      *close = '\0';
      return s + 1;
    }
  }
  s[strcspn(s, ";#")] = '\0';
  return strip(s);
}

/* A [section] header line (already stripped); QS_ERR_RUNFILE with msg set
 * when it is not one qsync knows. */
static qs_status ini_section_line(ini_doc *doc, char *line, int line_no, const char *path,
                                  char *msg, size_t msglen)
{
  size_t n = strlen(line);
  line[n - 1] = '\0';
  char *name = strip(line + 1);
  lower(name);
  if (strpbrk(name, "[]:=") || *name == '\0') {
    qs_set_message(msg, msglen, "%s: line %d: section header [%s] is not a section name "
                   "(expected [model], [run], ...; a key goes on its own line as key = value)",
                   path, line_no, name);
    return QS_ERR_RUNFILE;
  }
  if (!is_known_section(name)) {
    char sections[512];
    section_list(sections, sizeof sections);
    qs_set_message(msg, msglen, "%s: line %d: unknown section [%s]; expected %s", path,
                   line_no, name, sections);
    return QS_ERR_RUNFILE;
  }
  for (int s = 0; s < doc->n_sections; s++)
    if (strcmp(doc->sections[s].name, name) == 0) {
      qs_set_message(msg, msglen, "%s: line %d: section [%s] appears again (first at line %d); "
                     "write each section once", path, line_no, name, doc->sections[s].line);
      return QS_ERR_RUNFILE;
    }
  doc->sections[doc->n_sections++] = (ini_section){name, line_no};
  return QS_OK;
}

/* A "key = value" line (already stripped) of the current section. */
static qs_status ini_key_line(ini_doc *doc, char *line, int line_no, const char *path,
                              char *msg, size_t msglen)
{
  char *eq = strchr(line, '=');
  const char *section = doc->n_sections ? doc->sections[doc->n_sections - 1].name : NULL;
  if (!eq || eq == line) {
    qs_set_message(msg, msglen, "%s: line %d: not a valid INI file: '%.80s' is not key = value, "
                   "a [section] header or a comment", path, line_no, line);
    return QS_ERR_RUNFILE;
  }
  *eq = '\0';
  char *key = strip(line);
  lower(key);
  if (!section) {
    qs_set_message(msg, msglen, "%s: line %d: '%s' is outside any section; expected a [section] "
                   "header first", path, line_no, key);
    return QS_ERR_RUNFILE;
  }
  char *value = ini_value(eq + 1);
  if (!value) {
    qs_set_message(msg, msglen, "%s: line %d: [%s] %s: text after the closing quote", path,
                   line_no, section, key);
    return QS_ERR_RUNFILE;
  }
  for (int i = 0; i < doc->n_entries; i++)
    if (doc->entries[i].section == section && strcmp(doc->entries[i].key, key) == 0) {
      qs_set_message(msg, msglen, "%s: line %d: [%s] %s is set again (first at line %d); "
                     "set each key once", path, line_no, section, key, doc->entries[i].line);
      return QS_ERR_RUNFILE;
    }
  doc->entries[doc->n_entries++] = (ini_entry){line_no, section, key, value};
  return QS_OK;
}

/* Parse len bytes of text into doc (entries in file order). */
static qs_status ini_parse(const char *text, size_t len, const char *path, ini_doc *doc,
                           char *msg, size_t msglen)
{
  *doc = (ini_doc){0};
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    qs_set_message(msg, msglen, "%s: byte %zu is NUL: not a text file", path,
                   (size_t)(nul - text));
    return QS_ERR_RUNFILE;
  }
  size_t max_lines = 1;
  for (size_t i = 0; i < len; i++)
    max_lines += text[i] == '\n' || text[i] == '\r';
  doc->buffer = malloc(len + 1);
  doc->entries = malloc(max_lines * sizeof *doc->entries);
  doc->sections = malloc(max_lines * sizeof *doc->sections);
  if (!doc->buffer || !doc->entries || !doc->sections) {
    ini_doc_free(doc);
    return QS_ERR_NOMEM;
  }
  memcpy(doc->buffer, text, len);
  doc->buffer[len] = '\0';
  char *p = doc->buffer;
  qs_status st = QS_OK;
  for (int line_no = 1; *p && st == QS_OK; line_no++) {
    size_t n = strcspn(p, "\r\n");
    char *next = p + n;
    if (*next == '\r' && next[1] == '\n')
      *next++ = '\0';
    if (*next)
      *next++ = '\0';
    char *line = strip(p);
    p = next;
    if (*line == '\0' || *line == '#' || *line == ';')
      continue;
    if (*line == '[' && line[strlen(line) - 1] == ']')
      st = ini_section_line(doc, line, line_no, path, msg, msglen);
    else
      st = ini_key_line(doc, line, line_no, path, msg, msglen);
  }
  /* An empty text is more often a failed pipe (<(cmd) whose cmd failed)
   * than a wish for every default. */
  if (st == QS_OK && doc->n_sections == 0) {
    qs_set_message(msg, msglen, "%s: the run file has no [section] (empty?); for every "
                   "default write one header, e.g. [model]", path);
    st = QS_ERR_RUNFILE;
  }
  if (st != QS_OK)
    ini_doc_free(doc);
  return st;
}

/* The whole content of f; NULL with errno set on failure. */
static char *read_stream(FILE *f, size_t *len_out)
{
  size_t cap = 4096, len = 0;
  char *text = malloc(cap);
  while (text) {
    len += fread(text + len, 1, cap - len - 1, f);
    if (ferror(f)) {
      int err = errno;
      free(text);
      errno = err ? err : EIO;
      return NULL;
    }
    if (feof(f))
      break;
    if (cap - len - 1 == 0) {
      char *bigger = cap < SIZE_MAX / 2 ? realloc(text, cap * 2) : NULL;
      if (!bigger)
        free(text);
      text = bigger;
      cap *= 2;
    }
  }
  if (!text) {
    errno = ENOMEM;
    return NULL;
  }
  text[len] = '\0';
  *len_out = len;
  return text;
}

/* Read the run file whole: "-" is standard input; directories are
 * refused.  On failure NULL with msg set. */
static char *read_run_file(const char *path, size_t *len, char *msg, size_t msglen)
{
  int use_stdin = strcmp(path, "-") == 0;
  FILE *f = use_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    qs_set_message(msg, msglen, "%s: cannot read the run file (%s)", path, strerror(errno));
    return NULL;
  }
  struct stat sb;
  char *text = NULL;
  if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode))
    qs_set_message(msg, msglen, "%s: is a directory, not a run file", path);
  else if (!(text = read_stream(f, len)))
    qs_set_message(msg, msglen, "%s: cannot read the run file (%s)", path, strerror(errno));
  if (!use_stdin)
    fclose(f);
  return text;
}

/* Apply every entry; [model] name first since it selects the parameter
 * table. */
static qs_status apply_entries(qs_runconfig *cfg, const ini_doc *doc, const char *path,
                               char *msg, size_t msglen)
{
  char where[QS_RUNFILE_MAX_PATH + 32];
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < doc->n_entries; i++) {
      const ini_entry *e = &doc->entries[i];
      int is_name = strcmp(e->section, "model") == 0 && strcmp(e->key, "name") == 0;
      if (is_name != (pass == 0))
        continue;
      snprintf(where, sizeof where, "%s: line %d", path, e->line);
      qs_status st = set_key(cfg, where, e->section, e->key, e->value, msg, msglen);
      if (st != QS_OK)
        return st;
    }
  return QS_OK;
}

qs_status qs_runfile_load_text(const char *name, const char *text, size_t len,
                               qs_runconfig *cfg, char *msg, size_t msglen)
{
  if (!name || !text || !cfg)
    return QS_ERR_INVALID;
  set_defaults(cfg);
  if (strlen(name) >= sizeof cfg->path) {
    qs_set_message(msg, msglen, "run file path of %zu characters: at most %d", strlen(name),
                   QS_RUNFILE_MAX_PATH - 1);
    return QS_ERR_RUNFILE;
  }
  snprintf(cfg->path, sizeof cfg->path, "%s", name);
  ini_doc doc;
  qs_status st = ini_parse(text, len, name, &doc, msg, msglen);
  if (st == QS_OK)
    st = apply_entries(cfg, &doc, name, msg, msglen);
  ini_doc_free(&doc);
  if (st == QS_OK && !(cfg->text = malloc(len + 1)))
    st = QS_ERR_NOMEM;
  if (st == QS_OK) {
    memcpy(cfg->text, text, len);
    cfg->text[len] = '\0';
  }
  if (st == QS_ERR_NOMEM)
    qs_set_message(msg, msglen, "%s: out of memory reading the run file (%zu bytes)", name, len);
  return st;
}

qs_status qs_runfile_load(const char *path, qs_runconfig *cfg, char *msg, size_t msglen)
{
  if (!path || !cfg)
    return QS_ERR_INVALID;
  set_defaults(cfg);
  size_t len = 0;
  char *text = read_run_file(path, &len, msg, msglen);
  if (!text)
    return QS_ERR_IO;
  qs_status st = qs_runfile_load_text(path, text, len, cfg, msg, msglen);
  free(text);
  return st;
}

qs_status qs_runfile_override(qs_runconfig *cfg, const char *assignment, char *msg,
                              size_t msglen)
{
  const char *dot = strchr(assignment, '.');
  const char *eq = strchr(assignment, '=');
  if (!dot || !eq || dot > eq || dot == assignment || eq == dot + 1) {
    qs_set_message(msg, msglen, "--set '%s': expected section.key=value", assignment);
    return QS_ERR_RUNFILE;
  }
  char section[64], key[64], where[256];
  snprintf(section, sizeof section, "%.*s", (int)(dot - assignment), assignment);
  snprintf(key, sizeof key, "%.*s", (int)(eq - dot - 1), dot + 1);
  snprintf(where, sizeof where, "--set %s", assignment);
  return set_key(cfg, where, section, key, eq + 1, msg, msglen);
}

/* The [scan] lines must have a length, and restore_key must be a second
 * parameter: a zero-length line or a restore search over the scanned
 * parameter itself would run and report nothing meaningful. */
static qs_status check_scan_lines(const qs_runconfig *cfg, char *msg, size_t msglen)
{
  const qs_sweep_axis *along = &cfg->scan_along, *restore = &cfg->scan_restore;
  if (qs_sweep_active(along) && along->from == along->to) {
    qs_set_message(msg, msglen, "%s: [scan] from = to = %g: expected a line of nonzero length",
                   cfg->path, along->from);
    return QS_ERR_RUNFILE;
  }
  if (!qs_sweep_active(restore))
    return QS_OK;
  if (restore->param == along->param) {
    qs_set_message(msg, msglen, "%s: [scan] restore_key = %s: the same parameter as key; "
                   "expected another parameter", cfg->path, restore->key);
    return QS_ERR_RUNFILE;
  }
  if (restore->from == restore->to) {
    qs_set_message(msg, msglen, "%s: [scan] restore_from = restore_to = %g: expected a "
                   "search range of nonzero length", cfg->path, restore->from);
    return QS_ERR_RUNFILE;
  }
  return QS_OK;
}

/* [jumps]: the sampling grid and the Welch segment fit in the record. */
static qs_status check_jumps(const qs_runconfig *cfg, char *msg, size_t msglen)
{
  if (cfg->jumps_dt > cfg->jumps_t_end) {
    qs_set_message(msg, msglen, "%s: [jumps] dt = %g: expected dt <= t_end = %g", cfg->path,
                   cfg->jumps_dt, cfg->jumps_t_end);
    return QS_ERR_RUNFILE;
  }
  if (cfg->jumps_t_end / cfg->jumps_dt > 1e12) {
    qs_set_message(msg, msglen, "%s: [jumps] t_end / dt = %g: expected at most 1e12 samples "
                   "per trajectory", cfg->path, cfg->jumps_t_end / cfg->jumps_dt);
    return QS_ERR_RUNFILE;
  }
  if (cfg->jumps_segment != 0.0 && (cfg->jumps_segment < 8.0 * cfg->jumps_dt ||
                                    cfg->jumps_segment > cfg->jumps_t_end)) {
    qs_set_message(msg, msglen, "%s: [jumps] segment = %g: expected 0 (t_end / 16) or "
                   "8 dt = %g .. t_end = %g", cfg->path, cfg->jumps_segment,
                   8.0 * cfg->jumps_dt, cfg->jumps_t_end);
    return QS_ERR_RUNFILE;
  }
  return QS_OK;
}

qs_status qs_runfile_finish(qs_runconfig *cfg, char *msg, size_t msglen)
{
  char where[QS_RUNFILE_MAX_PATH + 32];
  const char *suffix[2] = {"", "2"};
  for (int i = 0; i < 2; i++) {
    snprintf(where, sizeof where, "%s: [sweep] (axis key%s)", cfg->path, suffix[i]);
    qs_status st = qs_sweep_resolve(&cfg->sweep[i], cfg->model_type, cfg->model_values,
                                    where, msg, msglen);
    if (st != QS_OK)
      return st;
  }
  if (!qs_sweep_active(&cfg->sweep[0]) && qs_sweep_active(&cfg->sweep[1])) {
    qs_set_message(msg, msglen, "%s: [sweep] key2 is set but key is not: the second axis "
                   "needs a first", cfg->path);
    return QS_ERR_RUNFILE;
  }
  if (qs_sweep_active(&cfg->sweep[1]) && cfg->sweep[1].param == cfg->sweep[0].param) {
    qs_set_message(msg, msglen, "%s: [sweep] key2 = %s: the same parameter as key; the two "
                   "axes of a grid need two different parameters", cfg->path, cfg->sweep[1].key);
    return QS_ERR_RUNFILE;
  }
  snprintf(where, sizeof where, "%s: [scan]", cfg->path);
  if (!cfg->scan_along.key[0] && cfg->model_type->coupling_param) /* default: the coupling */
    snprintf(cfg->scan_along.key, sizeof cfg->scan_along.key, "%s",
             cfg->model_type->coupling_param);
  qs_status st = qs_sweep_resolve(&cfg->scan_along, cfg->model_type, cfg->model_values,
                                  where, msg, msglen);
  if (st == QS_OK)
    st = qs_sweep_resolve(&cfg->scan_restore, cfg->model_type, cfg->model_values, where,
                          msg, msglen);
  if (st != QS_OK)
    return st;
  st = check_scan_lines(cfg, msg, msglen);
  if (st != QS_OK)
    return st;
  if (cfg->burn_in > cfg->t_end) {
    qs_set_message(msg, msglen, "%s: [run] burn_in = %g: expected burn_in <= t_end = %g",
            cfg->path, cfg->burn_in, cfg->t_end);
    return QS_ERR_RUNFILE;
  }
  st = check_jumps(cfg, msg, msglen);
  if (st != QS_OK)
    return st;
  if (!(cfg->rates_t_skip < cfg->rates_t_end)) {
    qs_set_message(msg, msglen, "%s: [rates] t_skip = %g: expected t_skip < t_end = %g",
                   cfg->path, cfg->rates_t_skip, cfg->rates_t_end);
    return QS_ERR_RUNFILE;
  }
  double dt = cfg->rates_t_end / (double)(cfg->rates_n_times - 1);
  long fitted = cfg->rates_n_times - (long)ceil(cfg->rates_t_skip / dt - 1e-9);
  if (fitted < 3) {
    qs_set_message(msg, msglen, "%s: [rates] n_times = %ld: only %ld samples at t >= t_skip "
                   "= %g (t_end = %g); the fit needs at least 3", cfg->path,
                   cfg->rates_n_times, fitted, cfg->rates_t_skip, cfg->rates_t_end);
    return QS_ERR_RUNFILE;
  }
  return QS_OK;
}

void qs_runfile_release(qs_runconfig *cfg)
{
  if (!cfg)
    return;
  free(cfg->text);
  cfg->text = NULL;
}

qs_ensemble_options qs_runfile_ensemble_options(const qs_runconfig *cfg)
{
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = cfg->ntraj;
  o.seed = cfg->seed;
  o.threads = (int)cfg->threads;           /* <= 1024 */
  o.store_rho = cfg->store_rho != 0;
  o.rho_stderr = cfg->rho_stderr != 0;
  o.burn_in = cfg->burn_in;
  o.target_stderr = cfg->target_stderr;
  o.first_index = cfg->first_index;
  o.record_jumps = cfg->record_jumps != 0;
  return o;
}

qs_traj_options qs_runfile_traj_options(const qs_runconfig *cfg)
{
  qs_traj_options o = qs_traj_default_options();
  o.integrator = (qs_integrator)cfg->integrator;
  o.rtol = cfg->rtol;
  o.atol = cfg->atol;
  o.max_steps = cfg->max_steps;
  o.restart_step = cfg->restart_step;
  return o;
}

qs_steady_options qs_runfile_steady_options(const qs_runconfig *cfg)
{
  qs_steady_options o = qs_steady_default_options();
  o.method = cfg->steady_method;
  o.tol = cfg->steady_tol;
  o.max_iter = (int)cfg->steady_max_iter;  /* <= 1e6 by the key's range */
  o.restart = (int)cfg->steady_restart;    /* <= 1000 */
  o.start = (qs_steady_start)cfg->steady_start;
  o.series_max_order = (int)cfg->steady_series_max_order; /* <= 10000 */
  return o;
}

qs_semiclassical_options qs_runfile_semiclassical_options(const qs_runconfig *cfg)
{
  qs_semiclassical_options o = qs_semiclassical_default_options();
  o.starts = (int)cfg->semi_starts; /* <= 1e6 by the key's range */
  o.tol = cfg->semi_tol;
  o.seed = cfg->semi_seed;
  return o;
}

qs_spectrum_options qs_runfile_spectrum_options(const qs_runconfig *cfg)
{
  qs_spectrum_options o;
  qs_spectrum_options_default(&o);
  o.method = (qs_spectrum_method)cfg->spectrum_method; /* index of resolvent|fft */
  o.tau_max = cfg->spectrum_tau_max;
  o.n_tau = cfg->spectrum_n_tau;
  o.rtol = cfg->me_rtol;
  o.atol = cfg->me_atol;
  o.threads = (int)cfg->threads; /* <= 1024 by the key's range */
  return o;
}

qs_gap_options qs_runfile_gap_options(const qs_runconfig *cfg)
{
  qs_gap_options o;
  qs_gap_options_default(&o);
  o.nev = (int)cfg->gap_nev;                   /* <= QS_GAP_MAX_NEV by the key's range */
  o.tol = cfg->gap_tol;
  o.max_iter = (int)cfg->gap_max_iter;         /* <= 1e6 */
  o.method = (qs_gap_method)cfg->gap_method;   /* index of auto|dense|arpack|arpack_krylov */
  return o;
}

qs_mesolve_options qs_runfile_mesolve_options(const qs_runconfig *cfg)
{
  qs_mesolve_options o = qs_mesolve_default_options();
  o.rtol = cfg->me_rtol;
  o.atol = cfg->me_atol;
  o.max_order = (int)cfg->me_max_order;    /* <= 12 */
  return o;
}

qs_periodic_options qs_runfile_periodic_options(const qs_runconfig *cfg)
{
  qs_periodic_options o = qs_periodic_default_options();
  o.tol = cfg->me_periodic_tol;
  return o;
}

qs_rates_options qs_runfile_rates_options(const qs_runconfig *cfg)
{
  qs_rates_options o = qs_rates_default_options();
  o.t_end = cfg->rates_t_end;
  o.n_times = (int)cfg->rates_n_times;     /* <= 1e6 */
  o.t_skip = cfg->rates_t_skip;
  o.me = qs_runfile_mesolve_options(cfg);
  return o;
}

qs_telegraph_options qs_runfile_telegraph_options(const qs_runconfig *cfg)
{
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  o.method = cfg->jumps_method == 1 ? QS_TELEGRAPH_HMM : QS_TELEGRAPH_THRESHOLD;
  o.n_bins = (int)cfg->jumps_n_bins;
  o.hysteresis = cfg->jumps_hysteresis;
  o.min_dip = cfg->jumps_min_dip;
  o.hmm_max_iter = (int)cfg->jumps_hmm_max_iter;
  o.hmm_tol = cfg->jumps_hmm_tol;
  o.confidence = cfg->jumps_confidence;
  o.peak_significance = cfg->jumps_peak_significance;
  return o;
}
