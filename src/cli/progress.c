/* Progress bar: done/total, trajectories per second, ETA; and the
 * progress line of iterative solvers. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

double cli_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, int quiet, const char *label)
{
  p->enabled = !quiet && isatty(fileno(stderr));
  p->start = cli_now();
  p->label = label;
}

void cli_progress_update(long done, long total, void *data)
{
  cli_progress *p = data;
  cli_wall_guard();
  if (!p->enabled)
    return;
  double elapsed = cli_now() - p->start;
  double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
  enum { WIDTH = 30 };
  int filled = (int)((double)WIDTH * (double)done / (double)total);
  char bar[WIDTH + 1];
  for (int i = 0; i < WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[WIDTH] = '\0';
  fprintf(stderr, "\r%s [%s] %ld/%ld  %.1f/s  ETA %.0f s ", p->label, bar, done,
          total, rate, eta);
  fflush(stderr);
}

void cli_progress_finish(cli_progress *p)
{
  if (p->enabled)
    fprintf(stderr, "\n");
}

void cli_iteration_progress_init(cli_iteration_progress *p, int quiet, const char *label)
{
  p->enabled = !quiet && isatty(fileno(stderr));
  p->printed = 0;
  p->start = p->last = cli_now();
  p->label = label;
}

void cli_iteration_progress_update(int iteration, double residual, void *data)
{
  cli_iteration_progress *p = data;
  double now = cli_now();
  cli_wall_guard();
  if (!p->enabled || now - p->last < 1.0)
    return;
  p->last = now;
  p->printed = 1;
  fprintf(stderr, "\r%s: iteration %d, residual %.2e, %.0f s ", p->label, iteration, residual,
          now - p->start);
  fflush(stderr);
}

void cli_iteration_progress_finish(cli_iteration_progress *p)
{
  if (p->printed)
    fprintf(stderr, "\n");
}
