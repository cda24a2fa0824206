build-fuzz/tests/fuzz/fuzz_runfile.o: tests/fuzz/fuzz_runfile.c \
  tests/fuzz/clang_compat.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h include/qsync/runfile.h include/qsync/ensemble.h \
  include/qsync/accum.h include/qsync/traj.h include/qsync/rng.h \
  include/qsync/farm.h include/qsync/lindblad.h include/qsync/mesolve.h \
  include/qsync/periodic.h include/qsync/rates.h include/qsync/sweep.h

tests/fuzz/clang_compat.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

include/qsync/runfile.h:

include/qsync/ensemble.h:

include/qsync/accum.h:

include/qsync/traj.h:

include/qsync/rng.h:

include/qsync/farm.h:

include/qsync/lindblad.h:

include/qsync/mesolve.h:

include/qsync/periodic.h:

include/qsync/rates.h:

include/qsync/sweep.h:
