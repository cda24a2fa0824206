#include "qsync/error.h"

const char *qs_strerror(qs_status status)
{
  switch (status) {
#define QS_STATUS_MESSAGE(name, value, message) \
  case name:                                    \
    return message;
    QS_STATUS_LIST(QS_STATUS_MESSAGE)
#undef QS_STATUS_MESSAGE
  }
  return "unknown status code";
}

const char *qs_status_name(qs_status status)
{
  switch (status) {
#define QS_STATUS_NAME(name, value, message) \
  case name:                                 \
    return #name;
    QS_STATUS_LIST(QS_STATUS_NAME)
#undef QS_STATUS_NAME
  }
  return "QS_UNKNOWN";
}
