build-fuzz/src/steady_chain.o: src/steady_chain.c \
  tests/fuzz/clang_compat.h include/qsync/steady_chain.h \
  include/qsync/lindblad.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h

tests/fuzz/clang_compat.h:

include/qsync/steady_chain.h:

include/qsync/lindblad.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:
