/* Run files and overrides; see include/qsync/runfile.h. */
#include "qsync/runfile.h"
#include "message_impl.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser/iniparser.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { KEY_REAL, KEY_INT, KEY_SEED, KEY_BOOL, KEY_METHOD } key_kind;

typedef struct {
  qs_runfile_key_info info;
  key_kind kind;
  size_t offset;      /* into qs_runconfig */
  double min, max;    /* closed range for KEY_REAL / KEY_INT */
} key_entry;

#define CFG(field) offsetof(qs_runconfig, field)

static const key_entry key_table[] = {
  {{"run", "ntraj", "1", "1000", "1 .. 1e9", "number of trajectories"},
   KEY_INT, CFG(ntraj), 1, 1e9},
  {{"run", "seed", "1", "1", "0 .. 2^64-1", "run seed; trajectory i uses PCG64 stream i"},
   KEY_SEED, CFG(seed), 0, 0},
  {{"run", "threads", "1", "1", "1 .. 1024", "OpenMP threads"},
   KEY_INT, CFG(threads), 1, 1024},
  {{"run", "t_end", "1/Gamma", "50", "> 0", "last output time (trajectories start at t = 0)"},
   KEY_REAL, CFG(t_end), 1e-300, 1e12},
  {{"run", "n_times", "1", "201", "2 .. 1e6", "output times, evenly spaced on [0, t_end]"},
   KEY_INT, CFG(n_times), 2, 1e6},
  {{"run", "rtol", "1", "1e-6", "1e-14 .. 0.1", "CVODE relative tolerance"},
   KEY_REAL, CFG(rtol), 1e-14, 0.1},
  {{"run", "atol", "1", "1e-8", "1e-16 .. 0.1", "CVODE absolute tolerance"},
   KEY_REAL, CFG(atol), 1e-16, 0.1},
  {{"run", "burn_in", "1/Gamma", "10", "0 .. t_end",
    "steady-state estimate: time average over output times t >= burn_in"},
   KEY_REAL, CFG(burn_in), 0, 1e12},
  {{"run", "store_rho", "bool", "true", "true/false",
    "accumulate density-matrix estimates rho(t) and the time-averaged rho"},
   KEY_BOOL, CFG(store_rho), 0, 1},
  {{"run", "max_steps", "1", "100000", "1 .. 1e9", "most CVODE steps between two output times"},
   KEY_INT, CFG(max_steps), 1, 1e9},
  {{"run", "restart_step", "1", "0", "0 .. 1",
    "initial CVODE step after a jump as a fraction of the last step; 0 = CVODE's estimate"},
   KEY_REAL, CFG(restart_step), 0, 1},
  {{"steady", "method", "-", "auto", "auto | dense | sparse_lu",
    "exact steady-state solver: dense LAPACK LU, sparse UMFPACK LU, or auto (dense up to dim 32)"},
   KEY_METHOD, CFG(steady_method), 0, 0},
  {{"compare", "z_threshold", "1", "4", "> 0",
    "qsync compare fails (exit 1) when any |z| reaches this"},
   KEY_REAL, CFG(z_threshold), 1e-300, 1e300},
};

#define N_KEYS ((int)(sizeof key_table / sizeof key_table[0]))

int qs_runfile_key_count(void)
{
  return N_KEYS;
}

const qs_runfile_key_info *qs_runfile_key_get(int i)
{
  return (i >= 0 && i < N_KEYS) ? &key_table[i].info : NULL;
}

static void set_defaults(qs_runconfig *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->model_type = qs_model_type_find("qubit_osc");
  qs_model_defaults(cfg->model_type, cfg->model_values);
  cfg->ntraj = 1000;
  cfg->seed = 1;
  cfg->threads = 1;
  cfg->t_end = 50.0;
  cfg->n_times = 201;
  cfg->rtol = 1e-6;
  cfg->atol = 1e-8;
  cfg->burn_in = 10.0;
  cfg->store_rho = 1;
  cfg->max_steps = 100000;
  cfg->steady_method = QS_STEADY_AUTO;
  cfg->z_threshold = 4.0;
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

/* Set one (section, key) from its text; `where` prefixes the message. */
static qs_status set_key(qs_runconfig *cfg, const char *where, const char *section,
                         const char *key, const char *value, char *msg, size_t msglen)
{
  if (strcasecmp(section, "model") == 0) {
    if (strcasecmp(key, "name") == 0) {
      const qs_model_type *type = qs_model_type_find(value);
      if (!type) {
        qs_set_message(msg, msglen, "%s: [model] name = '%s': unknown model; expected qubit_osc",
                where, value);
        return QS_ERR_RUNFILE;
      }
      if (type != cfg->model_type) {
        cfg->model_type = type;
        qs_model_defaults(type, cfg->model_values);
      }
      return QS_OK;
    }
    int i = qs_model_param_index(cfg->model_type, key);
    if (i < 0) {
      qs_set_message(msg, msglen, "%s: [model] unknown key '%s' for model %s (see README)",
              where, key, cfg->model_type->name);
      return QS_ERR_RUNFILE;
    }
    const qs_param_spec *p = &cfg->model_type->params[i];
    double v;
    if (!parse_real(value, &v) || v < p->min || v > p->max) {
      qs_set_message(msg, msglen, "%s: [model] %s = '%s': expected a number in [%g, %g] (%s, unit %s)",
              where, p->key, value, p->min, p->max, p->help, p->unit);
      return QS_ERR_RUNFILE;
    }
    cfg->model_values[i] = v;
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
    qs_set_message(msg, msglen, "%s: unknown section [%s]; expected model, run, steady or compare",
            where, section);
    return QS_ERR_RUNFILE;
  }
  if (!e) {
    qs_set_message(msg, msglen, "%s: [%s] unknown key '%s' (see README for the keys of [%s])",
            where, section, key, section);
    return QS_ERR_RUNFILE;
  }
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

/* iniparser reports syntax errors through a process-wide callback. */
static char ini_error[512];

static int collect_ini_error(const char *fmt, ...)
{
  if (ini_error[0] != '\0')
    return 0; /* keep the first message */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ini_error, sizeof ini_error, fmt, ap);
  va_end(ap);
  for (char *c = ini_error; *c; c++)
    if (*c == '\n')
      *c = ' ';
  return 0;
}

static char *read_text(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, len = 0;
  char *text = malloc(cap);
  size_t got;
  while (text && (got = fread(text + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (cap - len - 1 == 0) {
      char *bigger = realloc(text, cap *= 2);
      if (!bigger)
        free(text);
      text = bigger;
    }
  }
  if (text)
    text[len] = '\0';
  fclose(f);
  return text;
}

/* Apply every key of the dictionary; [model] name first since it selects
 * the parameter table. */
static qs_status apply_dictionary(qs_runconfig *cfg, dictionary *d, const char *path,
                                  char *msg, size_t msglen)
{
  const char *name = iniparser_getstring(d, "model:name", NULL);
  if (name && set_key(cfg, path, "model", "name", name, msg, msglen) != QS_OK)
    return QS_ERR_RUNFILE;
  int nsec = iniparser_getnsec(d);
  for (int s = 0; s < nsec; s++) {
    const char *section = iniparser_getsecname(d, s);
    int nkeys = iniparser_getsecnkeys(d, section);
    if (nkeys <= 0)
      continue;
    const char **keys = malloc((size_t)nkeys * sizeof *keys);
    if (!keys)
      return QS_ERR_NOMEM;
    iniparser_getseckeys(d, section, keys);
    qs_status st = QS_OK;
    for (int k = 0; k < nkeys && st == QS_OK; k++) {
      const char *full = keys[k];                 /* "section:key" */
      const char *key = strchr(full, ':') ? strchr(full, ':') + 1 : full;
      const char *value = iniparser_getstring(d, full, "");
      if (strcasecmp(section, "model") == 0 && strcasecmp(key, "name") == 0)
        continue;
      st = set_key(cfg, path, section, key, value, msg, msglen);
    }
    free(keys);
    if (st != QS_OK)
      return st;
  }
  return QS_OK;
}

/* iniparser keeps keys that precede any [section] without a ':'; they
 * would be silently ignored, so find them in the text. */
static int first_key_outside_section(const char *text, char *key, size_t keylen)
{
  int line_no = 0;
  const char *p = text;
  while (*p) {
    line_no++;
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *q = p;
    while (q < p + len && isspace((unsigned char)*q))
      q++;
    if (q < p + len && *q == '[')
      return 0;
    if (q < p + len && *q != '#' && *q != ';') {
      size_t n = 0;
      while (q + n < p + len && q[n] != '=' && n + 1 < keylen)
        n++;
      snprintf(key, keylen, "%.*s", (int)n, q);
      return line_no;
    }
    p = end ? end + 1 : p + len;
  }
  return 0;
}

qs_status qs_runfile_load(const char *path, qs_runconfig *cfg, char *msg, size_t msglen)
{
  if (!path || !cfg)
    return QS_ERR_INVALID;
  set_defaults(cfg);
  snprintf(cfg->path, sizeof cfg->path, "%s", path);
  cfg->text = read_text(path);
  if (!cfg->text) {
    qs_set_message(msg, msglen, "%s: cannot read the run file (%s)", path, strerror(errno));
    return QS_ERR_IO;
  }
  char key[128];
  int line = first_key_outside_section(cfg->text, key, sizeof key);
  if (line > 0) {
    qs_set_message(msg, msglen, "%s: line %d: '%s' is outside any section; expected a [section] header first",
            path, line, key);
    qs_runfile_release(cfg);
    return QS_ERR_RUNFILE;
  }
  ini_error[0] = '\0';
  iniparser_set_error_callback(collect_ini_error);
  dictionary *d = iniparser_load(path);
  iniparser_set_error_callback(NULL);
  if (!d || ini_error[0] != '\0') {
    qs_set_message(msg, msglen, "%s: not a valid INI file: %s", path,
            ini_error[0] ? ini_error : "iniparser could not parse it");
    if (d)
      iniparser_freedict(d);
    qs_runfile_release(cfg);
    return QS_ERR_RUNFILE;
  }
  qs_status st = apply_dictionary(cfg, d, path, msg, msglen);
  iniparser_freedict(d);
  if (st != QS_OK)
    qs_runfile_release(cfg);
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

qs_status qs_runfile_finish(const qs_runconfig *cfg, char *msg, size_t msglen)
{
  if (cfg->burn_in > cfg->t_end) {
    qs_set_message(msg, msglen, "%s: [run] burn_in = %g: expected burn_in <= t_end = %g",
            cfg->path, cfg->burn_in, cfg->t_end);
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
