/* qsync — distributed runs: MPI ranks, the only place that knows MPI.
 *
 * A distributed run is R processes (ranks) started by mpirun; each runs
 * the same command on the same run file.  The work is cut into units (the
 * ensemble's blocks of QS_ENSEMBLE_BLOCK trajectories) dealt round-robin:
 * unit u belongs to rank u mod R (qs_dist_owner).  Every rank other than 0
 * sends each result to rank 0 as one message, in the order of its units;
 * rank 0 receives unit u from its owner exactly when it adds unit u, so it
 * reduces in unit order as one process does, and keeps at most one unit
 * per rank in flight (memory independent of the run's length; with
 * contiguous ranges rank 0 would have to hold the later ranks' units until
 * it reached them).  Only rank 0 writes files and prints.
 *
 * Built with MPI when the Makefile finds mpicc (QS_HAVE_MPI, defined for
 * src/dist.c alone); otherwise every function below describes one process
 * (rank 0 of 1) and the messaging calls are never reached.
 *
 * Messages carry a status before their bytes: a rank whose unit failed
 * sends the failure and a message text instead of the result, so that
 * rank 0 reports it and the exit status covers every rank.
 *
 * Thread safety: call from the main thread only (MPI_THREAD_FUNNELED).
 */
#ifndef QSYNC_DIST_H
#define QSYNC_DIST_H

#include <stddef.h>

#include "qsync/error.h"

/* Start MPI when built with it and started by an MPI launcher (mpirun,
 * srun: its environment variables say so); otherwise a no-op, so that a
 * plain start stays one process without MPI's start-up cost.  Call once,
 * first thing in main.  QS_ERR_IO when MPI_Init fails. */
qs_status qs_dist_init(int *argc, char ***argv);
/* End MPI (after the last message); a no-op without it. */
void qs_dist_finalize(void);

/* 1 when built with MPI, else 0. */
int qs_dist_available(void);
/* This process's rank, 0..size-1 (0 without MPI). */
int qs_dist_rank(void);
/* Number of ranks (1 without MPI or when not started by mpirun). */
int qs_dist_size(void);
/* The rank that owns work unit `unit` (>= 0): unit mod size. */
int qs_dist_owner(long unit);

/* Rank > 0: send `n` bytes (copied; the send completes in the background
 * while the next unit is computed) with status `st` to rank 0, after the
 * previous message has left.  QS_ERR_IO on an MPI failure, QS_ERR_TOO_LARGE
 * above 2 GB. */
qs_status qs_dist_send(qs_status st, const void *bytes, size_t n);

/* Rank 0: receive the next message of rank `from`: its status in *st and
 * its bytes in *bytes (malloc'd, free them; NULL when n is 0), *n bytes.
 * QS_ERR_IO on an MPI failure, QS_ERR_NOMEM. */
qs_status qs_dist_recv(int from, qs_status *st, void **bytes, size_t *n);

/* Rank > 0: tell rank 0 that this rank sends nothing more (after its last
 * unit or after a stop), then wait until rank 0 has drained every rank
 * (qs_dist_drain): a stop request still on its way is consumed, and
 * qs_dist_stop_requested is 0 again for the next exchange (the points of
 * a sweep run one distributed ensemble after another). */
qs_status qs_dist_send_done(void);
/* Rank 0: receive and drop the messages of every rank > 0 up to its
 * "done" (after a failure or a stop, so that no rank waits on a send),
 * and release each rank from qs_dist_send_done.  Call once per exchange
 * that the other ranks end with qs_dist_send_done. */
void qs_dist_drain(void);

/* Rank 0: ask every other rank to stop before its next unit. */
void qs_dist_stop_others(void);
/* Rank > 0: 1 once rank 0 asked to stop (qs_dist_stop_others), else 0. */
int qs_dist_stop_requested(void);

/* Every rank returns the largest `value` of all ranks (collective). */
long qs_dist_max(long value);

/* Every rank returns rank 0's `value` (a collective call: all ranks call
 * it, in the same order).  Without MPI: value. */
long qs_dist_share(long value);

#endif
