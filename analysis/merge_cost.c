/* The cost of the distributed reduction and of a checkpoint against the
 * size of the accumulators (docs/cluster.md, "What a big job spends"):
 * for density matrices of dimension D (rho(t) at N_TIMES output times and
 * the time-averaged rho with its 64 jackknife groups, the largest
 * accumulators of a run) it times, per block,
 *   pack     a block's sums to bytes (what a rank sends),
 *   unpack   bytes back to sums (what rank 0 does on receipt),
 *   add      a block into the totals (rank 0, in block order),
 *   send     under `mpirun -n 2`: rank 1 packs and sends, rank 0 receives,
 *            unpacks and adds (the whole per-block cost on rank 0),
 * and a checkpoint of the totals (qs_checkpoint_write, with fsync).
 *   make build/merge_cost && build/merge_cost [D ...]   (default 80 160 320 640)
 *   mpirun -n 2 build/merge_cost 80 160
 * Each figure is the median of REPS repetitions (wall milliseconds); send_ms
 * is 0 without two ranks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qsync/qsync.h"
#include "accum_impl.h"

#define N_TIMES 11
#define REPS 5

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, by_value);
  return v[n / 2];
}

static const qs_accum_type *types[] = {
  &qs_accum_type_trajectories, &qs_accum_type_moments, &qs_accum_type_time_average,
  &qs_accum_type_jump_counts, &qs_accum_type_rho, &qs_accum_type_rho_average};
#define N_TYPES ((int)(sizeof types / sizeof types[0]))

/* Per-block costs on rank 0 when rank 1 sends REPS blocks. */
static double transfer(qs_accum *block, qs_accum *total)
{
  double t[REPS];
  for (int r = 0; r < REPS; r++) {
    void *bytes = NULL;
    size_t len = 0;
    double t0 = now();
    if (qs_dist_rank() == 1) {
      qs_accum_set_pack(block, N_TYPES, &bytes, &len);
      qs_dist_send(QS_OK, bytes, len);
    } else {
      qs_status sent;
      qs_dist_recv(1, &sent, &bytes, &len);
      qs_accum_set_unpack(block, N_TYPES, bytes, len);
      qs_accum_set_add(total, block, N_TYPES);
    }
    t[r] = now() - t0;
    free(bytes);
  }
  if (qs_dist_rank() == 1)
    qs_dist_send_done();
  else
    qs_dist_drain();
  return median(t, REPS);
}

static void measure(long dim, const char *dir)
{
  double times[N_TIMES];
  for (int t = 0; t < N_TIMES; t++)
    times[t] = t;
  qs_accum_shape shape = {N_TIMES, times, N_TIMES, 8, (qs_index)dim, 4, QS_ACCUM_BLOCK};
  qs_accum block[N_TYPES], copy[N_TYPES];
  qs_ensemble_result *res = NULL;
  if (qs_accum_set_alloc(block, types, N_TYPES, &shape) != QS_OK ||
      qs_accum_set_alloc(copy, types, N_TYPES, &shape) != QS_OK ||
      qs_ensemble_result_new(&shape, types, N_TYPES, 1, 0, &res) != QS_OK) {
    fprintf(stderr, "merge_cost: out of memory at D = %ld\n", dim);
    exit(1);
  }
  ((qs_accum_rho_average *)block[5].state)->group = 0;
  double t_pack[REPS], t_unpack[REPS], t_add[REPS], t_ckpt[REPS];
  size_t len = 0;
  for (int r = 0; r < REPS; r++) {
    void *bytes = NULL;
    double t0 = now();
    qs_accum_set_pack(block, N_TYPES, &bytes, &len);
    double t1 = now();
    qs_accum_set_unpack(copy, N_TYPES, bytes, len);
    double t2 = now();
    qs_accum_set_add(res->accums, copy, N_TYPES);
    double t3 = now();
    free(bytes);
    t_pack[r] = t1 - t0;
    t_unpack[r] = t2 - t1;
    t_add[r] = t3 - t2;
  }
  qs_ensemble_result_sync(res);
  double t_send = qs_dist_size() == 2 ? transfer(block, res->accums) : 0.0;
  char msg[512], path[600];
  for (int r = 0; r < REPS && qs_dist_rank() == 0; r++) {
    double t0 = now();
    if (qs_checkpoint_write(dir, res, "merge_cost", NULL, msg, sizeof msg) != QS_OK) {
      fprintf(stderr, "merge_cost: %s\n", msg);
      exit(1);
    }
    t_ckpt[r] = now() - t0;
  }
  if (qs_dist_rank() == 0) {
    snprintf(path, sizeof path, "%s/%s", dir, QS_CHECKPOINT_NAME);
    FILE *f = fopen(path, "rb");
    long file_bytes = 0;
    if (f && fseek(f, 0, SEEK_END) == 0)
      file_bytes = ftell(f);
    if (f)
      fclose(f);
    printf("%5ld %9.1f %8.2f %9.2f %8.2f %8.2f %8.1f %8.1f\n", dim, (double)len / 1e6,
           1e3 * median(t_pack, REPS), 1e3 * median(t_unpack, REPS),
           1e3 * median(t_add, REPS), 1e3 * t_send, (double)file_bytes / 1e6,
           1e3 * median(t_ckpt, REPS));
    qs_checkpoint_remove(dir);
  }
  qs_accum_set_free(block, N_TYPES);
  qs_accum_set_free(copy, N_TYPES);
  qs_ensemble_result_destroy(&res);
}

int main(int argc, char **argv)
{
  qs_dist_init(&argc, &argv);
  char dir[] = "/tmp/qs_merge_cost_XXXXXX";
  if (qs_dist_rank() == 0 && !mkdtemp(dir))
    return 1;
  if (qs_dist_rank() == 0)
    printf("# %d output times; a block's sums = one message; medians of %d, wall ms\n"
           "#   D  block_MB  pack_ms unpack_ms   add_ms  send_ms  ckpt_MB  ckpt_ms\n",
           N_TIMES, REPS);
  static const long dims[] = {80, 160, 320, 640};
  int n = argc > 1 ? argc - 1 : 4;
  for (int k = 0; k < n; k++)
    measure(argc > 1 ? atol(argv[k + 1]) : dims[k], dir);
  if (qs_dist_rank() == 0)
    rmdir(dir);
  qs_dist_finalize();
  return 0;
}
