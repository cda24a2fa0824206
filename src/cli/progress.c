/* Progress bar: done/total, trajectories per second, ETA. */
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
