/* Error-message formatting; see src/message_impl.h. */
#include "message_impl.h"

#include <stdarg.h>
#include <stdio.h>

void qs_set_message(char *msg, size_t msglen, const char *fmt, ...)
{
  if (!msg || msglen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, msglen, fmt, ap);
  va_end(ap);
}
