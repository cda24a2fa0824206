/* libFuzzer harness over what a user's input reaches before any work:
 * run-file loading, --set overrides, the cross-key checks, model
 * construction with the loaded values and the output-directory name.
 *
 * The input is split at lines "--" into up to three parts:
 *   1. the run-file text (loaded through a temporary file: the loader reads
 *      a path, as the CLI does);
 *   2. override lines "section.key=value", one per line (qs_runfile_override);
 *   3. an output-directory name, claimed inside a scratch directory.
 * Any input is acceptable; the harness only asks that nothing crashes,
 * leaks or trips the sanitizers, and that every refusal has a message.
 *
 * Built and run by `make fuzz FUZZ_SECONDS=N` (clang, ASan, UBSan); seeds
 * are the run files of runs/ and tests/regress/ and the bad-input cases.  A crash
 * it finds becomes a case in tests/bad_inputs/ (docs/validation.md).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qsync/model.h"
#include "qsync/outdir.h"
#include "qsync/runfile.h"

/* Dimension caps for model construction: the fuzzer looks for crashes in
 * the checks and the constructors, not for the cost of large problems, so
 * the size parameters are clamped (the resource estimates refuse large
 * ones in the CLI; tests/bad_inputs covers that). */
static const struct {
  const char *param;
  double max;
} size_caps[] = {{"spin", 2.0},     {"ncav", 12.0},    {"nqubits", 3.0},
                 {"levels_q", 4.0}, {"levels_r", 3.0}};

enum { MAX_OVERRIDES = 16, MSG_LEN = 1024 };

static char scratch[64];    /* per-process directory for the run file and --out */
static char runfile[128];

static void setup_scratch(void)
{
  if (scratch[0])
    return;
  snprintf(scratch, sizeof scratch, "/tmp/qs_fuzz.XXXXXX");
  if (!mkdtemp(scratch)) {
    perror("mkdtemp");
    abort();
  }
  snprintf(runfile, sizeof runfile, "%s/run.ini", scratch);
}

/* 1 when the input itself contains "(null)" (a message may quote it). */
static int input_says_null;

/* A message must exist and must not be a NULL printed by printf. */
static void check_message(const char *msg)
{
  if (msg[0] == '\0' || (!input_says_null && strstr(msg, "(null)")))
    abort();
}

static int contains(const uint8_t *data, size_t size, const char *text)
{
  size_t n = strlen(text);
  for (size_t i = 0; i + n <= size; i++)
    if (memcmp(data + i, text, n) == 0)
      return 1;
  return 0;
}

/* The input cut at lines "--" into up to three parts (absent ones empty). */
typedef struct {
  const uint8_t *text[3];
  size_t len[3];
  int count;
} input_parts;

static input_parts split_input(const uint8_t *data, size_t size)
{
  input_parts p = {{data, data + size, data + size}, {0, 0, 0}, 1};
  size_t start = 0;
  for (size_t i = 0; i + 3 <= size && p.count < 3; i++) {
    if ((i == start || data[i - 1] == '\n') && memcmp(data + i, "--\n", 3) == 0) {
      p.len[p.count - 1] = i - start;
      start = i + 3;
      p.text[p.count++] = data + start;
      i += 2;
    }
  }
  p.len[p.count - 1] = size - start;
  return p;
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  size_t put = fwrite(data, 1, size, f);
  return fclose(f) == 0 && put == size ? 0 : -1;
}

static void build_model(const qs_runconfig *cfg)
{
  double values[QS_RUNFILE_MAX_PARAMS];
  const qs_model_type *type = cfg->model_type;
  memcpy(values, cfg->model_values, sizeof values);
  for (size_t c = 0; c < sizeof size_caps / sizeof size_caps[0]; c++) {
    int i = qs_model_param_index(type, size_caps[c].param);
    if (i >= 0 && values[i] > size_caps[c].max)
      values[i] = size_caps[c].max;
  }
  char msg[MSG_LEN] = "";
  qs_model *model = NULL;
  qs_status st = qs_model_create(type, values, &model, msg, sizeof msg);
  if (st != QS_OK) {
    if (model)
      abort(); /* *out is NULL on failure */
    check_message(msg);
  }
  qs_model_destroy(&model);
}

static void apply_overrides(qs_runconfig *cfg, const uint8_t *text, size_t len)
{
  int n = 0;
  size_t start = 0;
  while (start < len && n < MAX_OVERRIDES) {
    size_t end = start;
    while (end < len && text[end] != '\n')
      end++;
    char line[512];
    size_t l = end - start < sizeof line - 1 ? end - start : sizeof line - 1;
    memcpy(line, text + start, l);
    line[l] = '\0';
    if (strlen(line) == l) { /* an embedded NUL cannot come from argv */
      char msg[MSG_LEN] = "";
      if (qs_runfile_override(cfg, line, msg, sizeof msg) != QS_OK)
        check_message(msg);
    }
    n++;
    start = end + 1;
  }
}

/* rm -r of a scratch tree (no symbolic links are followed). */
static void remove_tree(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char child[4 * QS_RUNFILE_MAX_PATH];
      snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      remove_tree(child);
    }
    if (d)
      closedir(d);
  }
  remove(path);
}

/* Claim an output directory named by the input, inside the scratch
 * directory only: absolute names and ".." are left out so that the
 * fuzzer never creates directories elsewhere. */
static void claim_out_dir(const uint8_t *text, size_t len)
{
  char name[2 * QS_RUNFILE_MAX_PATH], dir[sizeof name + sizeof scratch + 1];
  if (len >= sizeof name || memchr(text, '\0', len))
    return;
  memcpy(name, text, len);
  name[len] = '\0';
  if (name[0] == '/' || strstr(name, ".."))
    return;
  snprintf(dir, sizeof dir, "%s/out/%s", scratch, name);
  char msg[MSG_LEN] = "";
  if (qs_outdir_claim(len ? dir : name, msg, sizeof msg) != QS_OK)
    check_message(msg);
  qs_outdir_release();
  char top[sizeof scratch + 8];
  snprintf(top, sizeof top, "%s/out", scratch);
  remove_tree(top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  setup_scratch();
  input_says_null = contains(data, size, "(null)");
  input_parts parts = split_input(data, size);
  if (write_file(runfile, parts.text[0], parts.len[0]) != 0)
    abort();

  qs_runconfig cfg;
  char msg[MSG_LEN] = "";
  qs_status st = qs_runfile_load(runfile, &cfg, msg, sizeof msg);
  if (st == QS_OK) {
    apply_overrides(&cfg, parts.text[1], parts.len[1]);
    msg[0] = '\0';
    if (qs_runfile_finish(&cfg, msg, sizeof msg) == QS_OK)
      build_model(&cfg);
    else
      check_message(msg);
    qs_runfile_release(&cfg);
  } else {
    check_message(msg);
  }
  if (parts.count == 3)
    claim_out_dir(parts.text[2], parts.len[2]);
  return 0;
}
