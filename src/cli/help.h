/* qsync command-line tool: the command table and every text made from it
 * and from the run-file key table (usage, per-command help, the key
 * reference docs/runfile.md and the man page docs/qsync.1), so that the
 * documentation cannot drift from the code. */
#ifndef QSYNC_CLI_HELP_H
#define QSYNC_CLI_HELP_H

#include <stdio.h>

#include "cli.h"

/* One command of the tool: what it does, which run-file sections it reads
 * and which files it writes into --out DIR. */
typedef struct {
  const char *name;
  int (*run)(cli_context *ctx);
  const char *summary;      /* one line */
  const char *description;  /* a paragraph: what it does, exit status */
  const char *sections;     /* run-file sections it reads */
  const char *writes;       /* files written into the output directory */
  int runs_trajectories;    /* 1: --ntraj applies */
} cli_command;

/* The command called `name`, or NULL. */
const cli_command *cli_command_find(const char *name);

/* "run, steady, ... or scan" (for messages) into out[len]. */
void cli_command_list(char *out, size_t len);

/* Usage of the whole tool. */
void cli_usage(FILE *f);

/* Per-command help (qsync help COMMAND, qsync COMMAND --help). */
void cli_command_help(FILE *f, const cli_command *cmd);

/* The run-file key reference: format 'm' Markdown (docs/runfile.md),
 * 't' plain text (qsync help runfile). */
void cli_runfile_reference(FILE *f, char format);

/* The man page (troff, docs/qsync.1). */
void cli_man_page(FILE *f);

#endif
