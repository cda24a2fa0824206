/* Distributed runs over MPI ranks (dist.h): the one file that includes
 * mpi.h; built without QS_HAVE_MPI it describes one process. */
#include "qsync/dist.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef QS_HAVE_MPI
#include <mpi.h>

/* Tags: a unit's result (status + bytes), "sends nothing more", "stop",
 * "rank 0 has collected everything" (the end of an exchange). */
enum { TAG_UNIT = 1, TAG_DONE = 2, TAG_STOP = 3, TAG_END = 4 };

/* MPI is used only when this process started it (a library caller that
 * never called qs_dist_init stays one process). */
static int started;
static int stop_seen;
/* The message in flight from this rank (qs_dist_send). */
static MPI_Request in_flight = MPI_REQUEST_NULL;
static unsigned char *in_flight_bytes;

/* Variables that Open MPI's, MPICH's and Slurm's launchers set. */
static int launched_by_mpi(void)
{
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                     "PMI_SIZE", "MPI_LOCALNRANKS"};
  for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++)
    if (getenv(vars[k]))
      return 1;
  return 0;
}

qs_status qs_dist_init(int *argc, char ***argv)
{
  if (!launched_by_mpi())
    return QS_OK;
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    return QS_ERR_IO;
  started = 1;
  return QS_OK;
}

void qs_dist_finalize(void)
{
  if (!started)
    return;
  if (in_flight != MPI_REQUEST_NULL)
    MPI_Wait(&in_flight, MPI_STATUS_IGNORE);
  free(in_flight_bytes);
  in_flight_bytes = NULL;
  (void)qs_dist_stop_requested(); /* a stop sent after this rank's "done" */
  MPI_Finalize();
  started = 0;
}

int qs_dist_available(void)
{
  return 1;
}

int qs_dist_rank(void)
{
  int rank = 0;
  if (started)
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int qs_dist_size(void)
{
  int size = 1;
  if (started)
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

qs_status qs_dist_send(qs_status st, const void *bytes, size_t n)
{
  if (n > (size_t)INT_MAX - sizeof(int64_t))
    return QS_ERR_TOO_LARGE;
  if (in_flight != MPI_REQUEST_NULL && MPI_Wait(&in_flight, MPI_STATUS_IGNORE) != MPI_SUCCESS)
    return QS_ERR_IO;
  free(in_flight_bytes);
  in_flight_bytes = malloc(sizeof(int64_t) + n);
  if (!in_flight_bytes)
    return QS_ERR_NOMEM;
  int64_t head = st;
  memcpy(in_flight_bytes, &head, sizeof head);
  if (n > 0)
    memcpy(in_flight_bytes + sizeof head, bytes, n);
  return MPI_Isend(in_flight_bytes, (int)(sizeof head + n), MPI_BYTE, 0, TAG_UNIT,
                   MPI_COMM_WORLD, &in_flight) == MPI_SUCCESS ? QS_OK : QS_ERR_IO;
}

/* The next message of `from` (any tag) into a new buffer. */
static qs_status receive(int from, int *tag, unsigned char **buf, int *count)
{
  MPI_Status status;
  *buf = NULL;
  if (MPI_Probe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &status) != MPI_SUCCESS ||
      MPI_Get_count(&status, MPI_BYTE, count) != MPI_SUCCESS)
    return QS_ERR_IO;
  *tag = status.MPI_TAG;
  *buf = malloc(*count > 0 ? (size_t)*count : 1);
  if (!*buf)
    return QS_ERR_NOMEM;
  if (MPI_Recv(*buf, *count, MPI_BYTE, from, *tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
      MPI_SUCCESS) {
    free(*buf);
    *buf = NULL;
    return QS_ERR_IO;
  }
  return QS_OK;
}

qs_status qs_dist_recv(int from, qs_status *st, void **bytes, size_t *n)
{
  *bytes = NULL;
  *n = 0;
  int tag = 0, count = 0;
  unsigned char *buf = NULL;
  qs_status rc = receive(from, &tag, &buf, &count);
  if (rc != QS_OK)
    return rc;
  int64_t head = 0;
  if (tag != TAG_UNIT || count < (int)sizeof head) {
    free(buf);
    return QS_ERR_IO;
  }
  memcpy(&head, buf, sizeof head);
  *st = (qs_status)head;
  *n = (size_t)count - sizeof head;
  memmove(buf, buf + sizeof head, *n);
  *bytes = buf;
  return QS_OK;
}

qs_status qs_dist_send_done(void)
{
  if (in_flight != MPI_REQUEST_NULL && MPI_Wait(&in_flight, MPI_STATUS_IGNORE) != MPI_SUCCESS)
    return QS_ERR_IO;
  if (MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_DONE, MPI_COMM_WORLD) != MPI_SUCCESS)
    return QS_ERR_IO;
  /* Rank 0's messages up to its "end": a stop that crossed this rank's
   * "done" is consumed here, so the next exchange starts without it. */
  MPI_Status status;
  do {
    if (MPI_Recv(NULL, 0, MPI_BYTE, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status) != MPI_SUCCESS)
      return QS_ERR_IO;
  } while (status.MPI_TAG != TAG_END);
  stop_seen = 0;
  return QS_OK;
}

void qs_dist_drain(void)
{
  for (int r = 1; r < qs_dist_size(); r++) {
    int tag = TAG_UNIT, count = 0;
    while (tag != TAG_DONE) {
      unsigned char *buf = NULL;
      qs_status st = receive(r, &tag, &buf, &count);
      free(buf);
      if (st != QS_OK)
        break;
    }
    MPI_Send(NULL, 0, MPI_BYTE, r, TAG_END, MPI_COMM_WORLD);
  }
}

void qs_dist_stop_others(void)
{
  for (int r = 1; r < qs_dist_size(); r++)
    MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD);
}

int qs_dist_stop_requested(void)
{
  int flag = 0;
  while (started && !stop_seen) {
    if (MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
        !flag)
      break;
    MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    stop_seen = 1;
  }
  return stop_seen;
}

long qs_dist_max(long value)
{
  long max = value;
  if (started)
    MPI_Allreduce(&value, &max, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
  return max;
}

long qs_dist_share(long value)
{
  if (started)
    MPI_Bcast(&value, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  return value;
}

#else /* one process */

qs_status qs_dist_init(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return QS_OK;
}

void qs_dist_finalize(void)
{
}

int qs_dist_available(void)
{
  return 0;
}

int qs_dist_rank(void)
{
  return 0;
}

int qs_dist_size(void)
{
  return 1;
}

qs_status qs_dist_send(qs_status st, const void *bytes, size_t n)
{
  (void)st;
  (void)bytes;
  (void)n;
  return QS_ERR_INVALID;
}

qs_status qs_dist_recv(int from, qs_status *st, void **bytes, size_t *n)
{
  (void)from;
  (void)st;
  *bytes = NULL;
  *n = 0;
  return QS_ERR_INVALID;
}

qs_status qs_dist_send_done(void)
{
  return QS_OK;
}

void qs_dist_drain(void)
{
}

void qs_dist_stop_others(void)
{
}

int qs_dist_stop_requested(void)
{
  return 0;
}

long qs_dist_max(long value)
{
  return value;
}

long qs_dist_share(long value)
{
  return value;
}

#endif

int qs_dist_owner(long unit)
{
  return (int)(unit % qs_dist_size());
}
