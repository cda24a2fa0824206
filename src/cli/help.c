/* The command table and the texts generated from it and from the run-file
 * key table; see help.h. */
#include "help.h"

#include <string.h>

static const cli_command commands[] = {
  {"run", cli_run, "ensemble of quantum-jump trajectories",
   "Integrates [run] ntraj quantum-jump trajectories (PCG64 stream i for trajectory i, so "
   "the results are the same for any thread count) and averages the observables at the "
   "output times, their time average after burn_in (the steady-state estimate) and, with "
   "store_rho, the density matrix. With a [sweep], one ensemble per point.",
   "[model], [run], [sweep], [checks]",
   "run.h5, summary.tsv (one row per output time, or per sweep point), derived.tsv "
   "(jackknife errors NAME_se of Omega and the derived quantities), with --dump-state "
   "state.tsv and jumps.tsv", 1},
  {"steady", cli_steady, "exact steady state of the Lindblad equation",
   "Solves L rho = 0 with [steady] method and reports the observables, the residual, the "
   "model's derived quantities and, for qubit_osc, Omega, Omega_blocks and R. With a "
   "[sweep], one row per point (iterative methods warm-start from the previous point).",
   "[model], [steady], [sweep], [checks]",
   "run.h5, summary.tsv (one row per sweep point)", 0},
  {"mesolve", cli_mesolve, "master equation in time (time-dependent H), time averages",
   "Integrates the master equation from [mesolve] initial over [0, t_end] and averages the "
   "observables over the last avg_periods drive periods. With a [sweep], the points run in "
   "parallel over [run] threads.",
   "[model], [mesolve], [steady] (initial = rwa_steady), [run] threads, [sweep], [checks]",
   "run.h5, summary.tsv, timeseries.tsv, photon.tsv (a cavity with a qubit)", 0},
  {"rates", cli_rates, "effective qubit gain and loss rates of model transmon",
   "Model transmon only: sets g = 0 and eps = 0, starts from |e>_A|e>_B, integrates the "
   "master equation to [rates] t_end and fits the two-level rate model to each transmon's "
   "excited population: gain w_j, loss gamma_j and Gamma_j in kHz.",
   "[model], [rates], [mesolve] rtol/atol/max_order, [run] threads, [sweep]",
   "run.h5, summary.tsv, relaxation.tsv", 0},
  {"compare", cli_compare, "trajectories against the exact steady state (z-scores)",
   "Runs the trajectories and the exact steady state and prints a table of z-scores; exit "
   "status 1 when some |z| reaches [compare] z_threshold.",
   "[model], [run], [steady], [compare], [checks]",
   "run.h5, summary.tsv, compare.tsv, derived.tsv (jackknife errors NAME_se)", 1},
  {"compare-model", cli_compare_model,
   "transmon model against the qubit model with the fitted rates, over [sweep] model.g",
   "Model transmon only: fits the rates once (as qsync rates), then for every g compares "
   "the qubit model with those rates (exact) with the transmon master equation projected "
   "on {g, e}: |<S+_j>| and Omega (paper Figs. 10, 11).",
   "[model], [rates], [mesolve], [steady], [run] threads, [sweep] (model.g only)",
   "run.h5, summary.tsv, rates.tsv, qubit_curve.tsv", 0},
  {"semiclassical", cli_semiclassical,
   "every local minimum of the semiclassical functional S = Tr[L(rho)^dag L(rho)]",
   "For a model of one cavity and N qubits (frame = rwa, displace = off): minimises the "
   "closed-form S over product states |alpha><alpha| (x) rho_1 (x) ... (x) rho_N with "
   "independent Bloch vectors |b_l| <= 1 (driven-resonator paper Sec. 2.3, App. A) by "
   "L-BFGS from [semiclassical] starts starts and reports every distinct local minimum "
   "(bistable points have two or more): alpha, <n>, Sx/Sy/Sz per qubit and summed, S, "
   "eps = sqrt(S), and the error bound eps/gap with the Liouvillian gap |Re mu_1| at the "
   "model's truncation ([semiclassical] gap = false skips it: NaN). With a [sweep], one row "
   "per point and minimum, the minimum's index in column branch (0: lowest S).",
   "[model], [semiclassical], [gap], [sweep]",
   "run.h5, minima.tsv (one row per point and minimum), summary.tsv (one row per point)", 0},
  {"validity", cli_validity,
   "where each approximate picture holds: exact RWA steady state against semiclassical, (R)*, lab frame",
   "At every point of [sweep] (one or two axes) solves the exact RWA steady state ([steady]) "
   "and compares it with the lowest semiclassical minimum (and counts the minima; eps = "
   "sqrt(S), eps/gamma), the dressed rate series (R)* (converged flag, order) and, with "
   "[validity] lab, the lab-frame state averaged over the last [mesolve] avg_periods drive "
   "periods (integrated from the RWA state to t_end); also the Liouvillian gap. Each "
   "comparison: trace distance D and the differences of <a>, <n>, Sx and Sz (summed over "
   "the qubits). Points run in parallel over [run] threads; models with one cavity and "
   "qubits (cavity_qubits). analysis/validity_map.py draws the maps.",
   "[model], [validity], [steady], [semiclassical], [gap], [mesolve] (lab), [run] threads, "
   "[sweep]",
   "run.h5, validity.tsv (one row per point, a units line), summary.tsv", 0},
  {"gap", cli_gap, "Liouvillian gap: the slowest relaxation rates besides the steady state",
   "Finds the [gap] nev nonzero eigenvalues mu of the Liouvillian with the smallest |Re mu| "
   "(a deviation along mu decays as exp(Re mu t)): gap = |Re mu1|, the eigenvalues and the "
   "time-scale separation ratio = |Re mu2| / |Re mu1|, in the model's rate unit. method = "
   "dense (zgeev, every eigenvalue), arpack (shift-invert, one sparse LU per shift; exact "
   "for |Im mu| below the reported im_window; docs/methods.md) or arpack_krylov (the same "
   "with Sylvester-preconditioned GMRES instead of the LU, where the LU does not fit). Time-independent models only "
   "(cavity_qubits: frame = rwa). With a [sweep], one row per point; points run in parallel "
   "over [run] threads.",
   "[model], [gap], [run] threads, [sweep]",
   "run.h5, summary.tsv (one row per sweep point, a units line)", 0},
  {"spectrum", cli_spectrum, "steady-state emission spectrum S(omega) by quantum regression",
   "Solves the steady state ([steady]) and computes the incoherent part of S(omega) = int "
   "<A^dag(tau) A(0)> e^{-i omega tau} dtau (two-sided, int S domega/2pi = <A^dag A> - "
   "|<A>|^2) for A = [spectrum] operator (an observable's operator, or its adjoint: "
   "qubit_osc Sp_A with adjoint = true is sigma_- of qubit A) on omega_min .. omega_max, "
   "in the model's frame and rate unit; the coherent part 2 pi |<A>|^2 delta(omega) is "
   "reported as a weight. method = resolvent (a sparse LU of L - i omega per frequency, "
   "frequencies in parallel over [run] threads, the same results for any count) "
   "or fft (the master equation to tau_max, then FFTW). Time-independent models only "
   "(cavity_qubits: frame = rwa); one parameter point (no [sweep]). docs/spectra.md.",
   "[model], [spectrum], [steady], [mesolve] rtol/atol (fft), [run] threads (resolvent), "
   "[checks]",
   "run.h5, spectrum.tsv (omega, S_inc, a units line), summary.tsv (weights, peak)", 0},
  {"jumps", cli_jumps, "bistability jump statistics: long trajectories as signals, switching rates, gap, spectrum",
   "Runs [jumps] ntraj long trajectories (PCG64 stream i of [run] seed for trajectory i; the "
   "same results for any [run] threads), drops burn_in, samples the [jumps] signals (Re <O> "
   "of model observables in the trajectory's state) every dt for t_end and records every "
   "quantum jump, streaming both to run.h5 (/signals) in chunks. The first signal is "
   "classified into two metastable states (method threshold or hmm; state 1 = the low "
   "level, state 2 = the high one) giving dwell times and the switching rates rate_12, "
   "rate_21; their sum is compared with the Liouvillian gap |Re mu1| and the Lorentzian "
   "width of the signal's power spectral density (three-way table with z-scores; a line "
   "DISAGREE when some |z| > 3). Time averages of single trajectories carry batch-means "
   "errors. With a [sweep], one row per point. docs/bistability.md.",
   "[model], [jumps], [run] seed/threads/rtol/atol, [steady], [gap], [sweep], [checks]",
   "run.h5, summary.tsv, trajectories.tsv, photon.tsv (cavity with a qubit), dwells.tsv, "
   "psd.tsv", 0},
  {"scan", cli_scan, "zero crossings of <S+_j> and extrema of R along [scan] key",
   "Finds the zero crossings of <S+_A>, <S+_B> and the extrema of R along the line of "
   "[scan] key, at every point of [sweep] (parameter maps); lines run in parallel over "
   "[run] threads.",
   "[model], [scan], [steady], [run] threads, [sweep]",
   "run.h5, features.tsv, scan.tsv (at most one sweep axis)", 0},
};

#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

/* Options common to every command. */
static const struct {
  const char *flag, *help;
} options[] = {
  {"--out DIR", "output directory (default out/<run file name without .ini>)"},
  {"--threads N", "OpenMP threads, same as --set run.threads=N (same results for any N)"},
  {"--seed S", "run seed, same as --set run.seed=S"},
  {"--ntraj N", "number of trajectories: --set run.ntraj=N for run and compare, --set jumps.ntraj=N for jumps"},
  {"--set section.key=value", "override a run-file key, with the same checks (repeatable)"},
  {"--quiet", "no progress bar and no tables"},
  {"--strict", "an unconverged cavity truncation is an error (exit 3)"},
  {"--max-memory SIZE", "refuse (exit 2) a command whose memory estimate exceeds SIZE (8G, 500M; "
                        "default 80% of the available memory); see also [run] max_wall"},
  {"--first-index I", "first trajectory, same as --set run.first_index=I (run and compare); "
                      "--first-index I --ntraj 1 reruns trajectory I of a run alone, bit for bit"},
  {"--dump-state", "run with --ntraj 1: write the trajectory's final state (state.tsv) and its "
                   "jumps (jumps.tsv) to the output directory"},
  {"--checkpoint-every SECONDS", "write OUT/checkpoint.h5 at most this often (0: never; default "
                                 "60 for runs estimated longer than a minute, else 0); SIGINT "
                                 "and SIGTERM always checkpoint and exit 130/143 (run and "
                                 "compare only)"},
  {"--resume", "go on from OUT/checkpoint.h5 (same run file and options; any --threads and "
               "MPI ranks), the same results as an uninterrupted run (run and compare only); "
               "'qsync resume OUT [--threads N]' does the same with the command, run file "
               "and overrides stored in the checkpoint"},
  {"--help", "the command's help"},
};

/* Options that only commands running a trajectory ensemble take. */
static int ensemble_only(const char *flag)
{
  return strncmp(flag, "--ntraj", 7) == 0 || strncmp(flag, "--checkpoint-every", 18) == 0 ||
         strcmp(flag, "--resume") == 0;
}

#define N_OPTIONS ((int)(sizeof options / sizeof options[0]))

static const char exit_status[] =
  "0 ok, 1 compare failed, 2 bad input, 3 run-time failure";

const cli_command *cli_command_find(const char *name)
{
  for (int i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

void cli_command_list(char *out, size_t len)
{
  out[0] = '\0';
  for (int i = 0; i < N_COMMANDS; i++) {
    size_t used = strlen(out);
    snprintf(out + used, len - used, "%s%s", i == 0 ? "" : i + 1 < N_COMMANDS ? ", " : " or ",
             commands[i].name);
  }
}

void cli_usage(FILE *f)
{
  fputs("usage: qsync COMMAND FILE.ini [options]\n"
        "       qsync help [COMMAND | runfile [--markdown] | --man]\n"
        "       qsync --version\n"
        "commands:\n", f);
  for (int i = 0; i < N_COMMANDS; i++)
    fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
  fputs("options:\n", f);
  for (int i = 0; i < N_OPTIONS; i++)
    fprintf(f, "  %-24s %s\n", options[i].flag, options[i].help);
  fprintf(f, "exit status: %s\n", exit_status);
}

/* Print `text` wrapped at 76 columns with `indent` spaces. */
static void print_wrapped(FILE *f, const char *text, int indent)
{
  int col = 0;
  while (*text) {
    size_t len = strcspn(text, " ");
    if (col > 0 && col + 1 + (int)len > 76) {
      fputc('\n', f);
      col = 0;
    }
    if (col == 0)
      col = fprintf(f, "%*s", indent, "");
    else
      col += fprintf(f, " ");
    col += fprintf(f, "%.*s", (int)len, text);
    text += len;
    while (*text == ' ')
      text++;
  }
  fputc('\n', f);
}

void cli_command_help(FILE *f, const cli_command *cmd)
{
  fprintf(f, "usage: qsync %s FILE.ini [options]\n%s.\n\n", cmd->name, cmd->summary);
  print_wrapped(f, cmd->description, 0);
  fprintf(f, "\nreads:  %s\nwrites: %s (in --out DIR)\noptions:\n", cmd->sections,
          cmd->writes);
  for (int i = 0; i < N_OPTIONS; i++)
    if (cmd->runs_trajectories || !ensemble_only(options[i].flag) ||
        (strcmp(options[i].flag, "--ntraj N") == 0 && strcmp(cmd->name, "jumps") == 0))
      fprintf(f, "  %-24s %s\n", options[i].flag, options[i].help);
  fprintf(f, "exit status: %s\nrun-file keys: qsync help runfile (docs/runfile.md)\n",
          exit_status);
}

/* ---- the run-file key reference ---------------------------------------- */

/* Text for a Markdown table cell: '|' and '<' would end the cell or open
 * HTML. */
static void put_markdown(FILE *f, const char *s)
{
  for (; *s; s++) {
    if (*s == '|')
      fputs("\\|", f);
    else if (*s == '<')
      fputs("&lt;", f);
    else
      fputc(*s, f);
  }
}

/* Text for troff: backslashes, minus signs and a leading control character. */
static void put_troff(FILE *f, const char *s)
{
  if (*s == '.' || *s == '\'')
    fputs("\\&", f);
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", f);
    else if (*s == '-')
      fputs("\\-", f);
    else
      fputc(*s, f);
  }
}

/* One row of the reference in the given format ('m', 't' or 'r' troff). */
static void put_key(FILE *f, char format, const char *key, const char *unit,
                    const char *def, const char *range, const char *help)
{
  const char *cells[5] = {key, unit, def, range, help};
  if (format == 'm') {
    fputc('|', f);
    for (int c = 0; c < 5; c++) {
      fputs(c == 0 || c == 2 ? " `" : " ", f);
      put_markdown(f, cells[c]);
      fputs(c == 0 || c == 2 ? "` |" : " |", f);
    }
    fputc('\n', f);
  } else if (format == 't') {
    fprintf(f, "  %s = %s  (unit %s; %s)\n", key, def, unit, range);
    print_wrapped(f, help, 6);
  } else {
    fputs(".TP\n.B ", f);
    put_troff(f, key);
    fputs("\n(", f);
    put_troff(f, unit);
    fputs("; default ", f);
    put_troff(f, def);
    fputs("; ", f);
    put_troff(f, range);
    fputs(")\n", f);
    put_troff(f, help);
    fputc('\n', f);
  }
}

static void put_section_heading(FILE *f, char format, const char *title, const char *text)
{
  if (format == 'm') {
    fprintf(f, "\n## %s\n\n", title);
    if (text)
      fprintf(f, "%s\n\n", text);
    fputs("| key | unit | default | range | meaning |\n|---|---|---|---|---|\n", f);
  } else if (format == 't') {
    fprintf(f, "\n%s\n", title);
    if (text)
      print_wrapped(f, text, 2);
  } else {
    fputs(".SS ", f);
    put_troff(f, title);
    fputc('\n', f);
    if (text) {
      put_troff(f, text);
      fputc('\n', f);
    }
  }
}

/* "auto | dense" style list of a choices string "auto|dense". */
static void choice_word(const char *choices, int index, char *out, size_t len)
{
  const char *c = choices;
  for (int i = 0; i < index && strchr(c, '|'); i++)
    c = strchr(c, '|') + 1;
  snprintf(out, len, "%.*s", (int)strcspn(c, "|"), c);
}

static void put_model_type(FILE *f, char format, const qs_model_type *type)
{
  char title[96];
  snprintf(title, sizeof title, "[model] name = %s", type->name);
  put_section_heading(f, format, title, type->summary);
  for (int i = 0; i < type->n_params; i++) {
    const qs_param_spec *p = &type->params[i];
    char def[64], range[256];
    if (p->choices) {
      choice_word(p->choices, (int)p->default_value, def, sizeof def);
      snprintf(range, sizeof range, "%s", p->choices);
      for (char *c = range; *c; c++)
        if (*c == '|')
          *c = ',';
    } else {
      char lo[32], hi[32];
      qs_runfile_format_number(p->default_value, def, sizeof def);
      qs_runfile_format_number(p->min, lo, sizeof lo);
      qs_runfile_format_number(p->max, hi, sizeof hi);
      snprintf(range, sizeof range, "%s .. %s", lo, hi);
    }
    put_key(f, format, p->key, p->unit, def, range, p->help);
  }
}

static void put_model_name_key(FILE *f, char format)
{
  char range[256] = "";
  for (int i = 0; i < qs_model_type_count(); i++)
    snprintf(range + strlen(range), sizeof range - strlen(range), "%s%s", i ? " | " : "",
             qs_model_type_get(i)->name);
  put_section_heading(f, format, "[model]",
                      "name selects the model type; its parameters follow, one table per "
                      "type. A parameter list key = v1, v2 sets key_1, key_2, ...");
  put_key(f, format, "name", "-", QS_RUNFILE_DEFAULT_MODEL, range, "the model type");
}

static const char reference_intro[] =
  "Run files are INI files, read whole from a file, a pipe or standard input (FILE = -); "
  "section and key names are case-insensitive, a line starting with '#' or ';' is a comment "
  "and an unquoted value ends at '#' or ';'; lines end at LF, CRLF or CR. An unknown section "
  "(even an empty one) or key, a header that is not a section name ([model:g]), a key or "
  "a section written twice, a value that does not parse or a value outside its range is an "
  "error (exit status 2) whose message names the file, the line, the section and the key; so is a file without any [section] (for every default "
  "write [model] alone). "
  "--set section.key=value overrides a key with the same checks.";

void cli_runfile_reference(FILE *f, char format)
{
  if (format == 'm')
    fprintf(f, "# Run-file keys\n\n<!-- Generated by `qsync help runfile --markdown` "
               "(make docs) from the key table in src/runfile.c and the models' "
               "parameter tables; do not edit. -->\n\n%s\n", reference_intro);
  else if (format == 't')
    print_wrapped(f, reference_intro, 0);
  put_model_name_key(f, format);
  for (int t = 0; t < qs_model_type_count(); t++)
    put_model_type(f, format, qs_model_type_get(t));
  const char *section = "";
  for (int i = 0; i < qs_runfile_key_count(); i++) {
    qs_runfile_key_info k;
    if (qs_runfile_key_get(i, &k) != QS_OK)
      continue;
    if (strcmp(k.section, section) != 0) {
      char title[64];
      snprintf(title, sizeof title, "[%s]", k.section);
      put_section_heading(f, format, title, NULL);
      section = k.section;
    }
    put_key(f, format, k.key, k.unit, k.default_text, k.range_text, k.help);
  }
}

/* ---- the man page ------------------------------------------------------- */

void cli_man_page(FILE *f)
{
  fprintf(f, ".\\\" Generated by `qsync help --man` (make docs); do not edit.\n"
             ".TH QSYNC 1 \"\" \"qsync %s\" \"User Commands\"\n"
             ".SH NAME\nqsync \\- quantum synchronization: quantum\\-jump trajectories "
             "and exact Lindblad steady states\n"
             ".SH SYNOPSIS\n.B qsync\n.I COMMAND FILE.ini\n[options]\n.br\n"
             ".B qsync help\n[COMMAND | runfile [\\-\\-markdown] | \\-\\-man]\n.br\n"
             ".B qsync \\-\\-version\n.SH COMMANDS\n", QSYNC_VERSION);
  for (int i = 0; i < N_COMMANDS; i++) {
    const cli_command *c = &commands[i];
    fputs(".TP\n.B ", f);
    put_troff(f, c->name);
    fputc('\n', f);
    put_troff(f, c->description);
    fputs("\n.br\nReads: ", f);
    put_troff(f, c->sections);
    fputs(".\n.br\nWrites: ", f);
    put_troff(f, c->writes);
    fputs(".\n", f);
  }
  fputs(".SH OPTIONS\n", f);
  for (int i = 0; i < N_OPTIONS; i++) {
    fputs(".TP\n.B ", f);
    put_troff(f, options[i].flag);
    fputc('\n', f);
    put_troff(f, options[i].help);
    fputc('\n', f);
  }
  fputs(".SH RUN-FILE KEYS\n", f);
  put_troff(f, reference_intro);
  fputc('\n', f);
  cli_runfile_reference(f, 'r');
  fputs(".SH EXIT STATUS\n", f);
  put_troff(f, exit_status);
  fputs(".\n.SH SEE ALSO\nREADME.md and docs/ in the source tree.\n", f);
}
