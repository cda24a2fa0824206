/* qsync — status codes.
 *
 * Every fallible qsync call returns a qs_status: 0 is success, positive is
 * informational, negative is an error.  The codes and their messages come
 * from one list (QS_STATUS_LIST) so they never drift apart.
 */
#ifndef QSYNC_ERROR_H
#define QSYNC_ERROR_H

/* X(name, value, message) */
#define QS_STATUS_LIST(X)                                                     \
  X(QS_OK, 0, "success")                                                      \
  X(QS_JUMPED, 1, "a quantum jump happened before the requested time")        \
  X(QS_STOPPED, 2, "stopped early at a block boundary (checkpoint written)")  \
  X(QS_ERR_NOMEM, -1, "out of memory")                                        \
  X(QS_ERR_INVALID, -2, "invalid argument")                                   \
  X(QS_ERR_DIMENSION, -3, "dimension mismatch")                               \
  X(QS_ERR_CVODE, -4, "CVODE integration failed")                             \
  X(QS_ERR_LAPACK, -5, "LAPACK routine failed")                               \
  X(QS_ERR_UMFPACK, -6, "UMFPACK sparse solver failed")                       \
  X(QS_ERR_SINGULAR, -7, "singular system (steady state not unique?)")        \
  X(QS_ERR_IO, -8, "file input/output failed")                                \
  X(QS_ERR_HDF5, -9, "HDF5 call failed")                                      \
  X(QS_ERR_RUNFILE, -10, "invalid run file")                                  \
  X(QS_ERR_TOO_LARGE, -11, "problem too large for the chosen method")         \
  X(QS_ERR_NUMERIC, -12, "non-finite number in a result")                     \
  X(QS_ERR_NOT_CONVERGED, -13, "iterative solver did not converge")

typedef enum {
#define QS_STATUS_ENUM(name, value, message) name = value,
  QS_STATUS_LIST(QS_STATUS_ENUM)
#undef QS_STATUS_ENUM
} qs_status;

/* Human-readable message for a status code; never NULL. Thread safe. */
const char *qs_strerror(qs_status status);

/* Name of the code ("QS_ERR_NOMEM"); never NULL. Thread safe. */
const char *qs_status_name(qs_status status);

#endif
