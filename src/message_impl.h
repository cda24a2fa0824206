/* Private helper shared by the modules that return error messages. */
#ifndef QSYNC_MESSAGE_IMPL_H
#define QSYNC_MESSAGE_IMPL_H

#include <stddef.h>

/* printf-style message into msg (msglen bytes); does nothing when msg is
 * NULL or msglen is 0, so callers may pass no buffer. */
void qs_set_message(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
