# qsync — one entry point: deps, all, test, demo, bench, check, validate,
# docs, install, clean.  The command-line tool is built as build/qsync.

CC       ?= gcc
CXX      ?= g++
BUILD    := build
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
# CI=true (set by CI) turns warnings into errors.
WERROR   := $(if $(filter true 1,$(CI)),-Werror,)
OPT      ?= -O2 -g
HDF5_CFLAGS := -I/usr/include/hdf5/serial
HDF5_LIBS   := -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5
# -MMD -MP: each object gets a .d file listing the headers it includes, so
# that a header change rebuilds exactly the objects that include it.
DEPFLAGS := -MMD -MP
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -fopenmp $(OPT) $(WARN) $(WERROR) \
            -Iinclude $(HDF5_CFLAGS) $(SANITIZE)
LDFLAGS  += -fopenmp $(SANITIZE)
# MPI (docs/cluster.md): MPI=1 builds the distributed binary with OpenMPI,
# MPI=0 the one-process one; by default MPI=1 exactly when mpicc is found.
# Only src/dist.c sees mpi.h (QS_HAVE_MPI); the link adds libmpi.
MPI      ?= $(if $(shell command -v mpicc 2>/dev/null),1,0)
ifeq ($(MPI),1)
MPI_CFLAGS := -DQS_HAVE_MPI $(shell mpicc --showme:compile)
MPI_LIBS   := $(shell mpicc --showme:link)
endif
# SUNDIALS: CVODE and ARKODE built at -O2 from Debian's source package into
# build/sundials (tools/build_sundials.sh; Debian's libsundials is built
# without optimisation) and linked statically; the system's libsundials when
# that build fails, or with SUNDIALS=system (use another BUILD directory).
# The decision is made when the stamp is built, not when this file is read:
# on a fresh machine `deps` installs cmake after make has read it.
SUNDIALS ?= optimised
ifeq ($(SUNDIALS),optimised)
SUNDIALS_DIR   := build/sundials
SUNDIALS_STAMP := build/sundials.stamp
CFLAGS   += -I$(SUNDIALS_DIR)/include
LDFLAGS  += -L$(SUNDIALS_DIR)/lib
endif
LDLIBS   := -lsundials_arkode -lsundials_cvode -lsundials_nvecserial -lumfpack -larpack -llapacke -llapack \
            -lblas $(HDF5_LIBS) -liniparser -lnlopt -lfftw3 $(MPI_LIBS) -lm
TEST_LIBS := -lcunit

# Debian packages the build, the tests and the analysis scripts need.
DEB_PACKAGES := gcc g++ make pkg-config cmake libsundials-dev libfftw3-dev libcunit1-dev \
  liblapacke-dev libopenblas-dev libsuitesparse-dev libarpack2-dev libnlopt-dev \
  libhdf5-dev libiniparser-dev libpcg-cpp-dev python3 python3-numpy \
  python3-matplotlib python3-h5py libopenmpi-dev openmpi-bin
# make bench: QuTiP 4.7 to compare with (cython3: its compiled time-dependent
# coefficients, else it falls back to slow Python ones), valgrind for the profile.
BENCH_PACKAGES := python3-qutip cython3 valgrind
# make fuzz: clang with libFuzzer (libclang-rt-dev) and its OpenMP runtime.
FUZZ_PACKAGES := clang libclang-rt-dev libomp-dev

LIB_SRC  := $(wildcard src/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
TEST_SRC := $(wildcard tests/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libqsync.a
VERSION  := $(shell sed -n 's/^\#define QSYNC_VERSION "\(.*\)"/\1/p' include/qsync/output.h)
PREFIX   ?= /usr/local
QSYNC    := $(BUILD)/qsync
TESTS    := $(BUILD)/test_qsync
PCG_REF  := $(BUILD)/pcg_reference.txt

.PHONY: all deps bench-deps fuzz-deps fuzz test demo bench figures figures-cavity figures-transmon figures-bistability check validate \
        docs install clean

all: $(QSYNC)

# Install whatever Debian package is missing (run as root, as CI does).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing missing Debian packages:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "run 'make deps' as root (apt-get)"; exit 1; fi; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

fuzz-deps: deps
	@missing=$$(for p in $(FUZZ_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

bench-deps: deps
	@missing=$$(for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# The one file that includes mpi.h; rebuilt when MPI= changes.
$(BUILD)/src/dist.o: src/dist.c $(BUILD)/mpi-$(MPI)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(MPI_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(BUILD)/mpi-$(MPI):
	@mkdir -p $(BUILD)
	rm -f $(BUILD)/mpi-*
	touch $@

# Kernels with an AVX2 copy (src/simd_impl.h): the copies must round alike,
# so no contraction into FMA (ISO C mode already implies it; said here).
$(BUILD)/src/op_banded.o $(BUILD)/src/nvector_qs.o: CFLAGS += -ffp-contract=off

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# Every object waits for the SUNDIALS headers (and is rebuilt once when the
# optimised build replaces the system's).
ifeq ($(SUNDIALS),optimised)
$(LIB_OBJ) $(CLI_OBJ) $(TEST_OBJ): $(SUNDIALS_STAMP)
$(SUNDIALS_STAMP): tools/build_sundials.sh
	@mkdir -p $(dir $@)
	@bash tools/build_sundials.sh $(SUNDIALS_DIR) $@
endif

$(LIB): $(LIB_OBJ)
	ar rcs $@ $^

$(QSYNC): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@
	@! grep -qs '^system' $(SUNDIALS_STAMP) || echo "warning: $@ is linked" \
	  "against the system's unoptimised SUNDIALS ($$(cat $(SUNDIALS_STAMP)))" >&2

$(TESTS): $(TEST_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(TEST_OBJ) $(LIB) $(LDLIBS) $(TEST_LIBS) -o $@

# The reduction's and a checkpoint's cost against the accumulator size
# (docs/cluster.md); not part of any test.
$(BUILD)/merge_cost: analysis/merge_cost.c $(LIB)
	$(CC) $(CFLAGS) -Isrc $< $(LDFLAGS) $(LIB) $(LDLIBS) -o $@

# Reference PCG64 stream from the C++ reference implementation.
$(BUILD)/pcg_reference: tests/pcg_reference.cpp
	@mkdir -p $(BUILD)
	$(CXX) -std=c++17 -O1 $< -o $@
$(PCG_REF): $(BUILD)/pcg_reference
	$< > $@

# The MPI tests ask the binary that is tested whether it links MPI: on a
# fresh machine this make reads the Makefile before `deps` installs mpicc
# (so its MPI is 0) while the sub-make that builds sees mpicc (MPI = 1).
TESTED_MPI = $$(ldd $(QSYNC) 2>/dev/null | grep -q libmpi && echo 1 || echo 0)

test: deps
	$(MAKE) $(QSYNC) $(TESTS) $(PCG_REF)
	QS_PCG_REFERENCE=$(PCG_REF) QSYNC=$(QSYNC) $(TESTS)
	QSYNC=$(QSYNC) bash tests/cli_errors.sh
	QSYNC=$(QSYNC) bash tests/input_errors.sh
	QSYNC=$(QSYNC) bash tests/faults.sh
	QSYNC=$(QSYNC) bash tests/resources.sh
	QSYNC=$(QSYNC) bash tests/docs.sh
	bash tests/bench_table.sh
	QSYNC=$(QSYNC) bash tests/bad_inputs.sh
	QSYNC=$(QSYNC) bash tests/validity.sh
	QSYNC=$(QSYNC) bash tests/semiclassical.sh
	QSYNC=$(QSYNC) bash tests/gap.sh
	QSYNC=$(QSYNC) bash tests/rateeq.sh
	MPI=$(TESTED_MPI) QSYNC=$(QSYNC) bash tests/ensemble_errors.sh
	QSYNC=$(QSYNC) bash tests/spectrum.sh
	QSYNC=$(QSYNC) bash tests/jumps.sh
	MPI=$(TESTED_MPI) QSYNC=$(QSYNC) bash tests/mpi.sh
	MPI=$(TESTED_MPI) QSYNC=$(QSYNC) bash tests/resume.sh
	bash tests/install.sh

# make install PREFIX=DIR: the tool, the static library, the headers, the
# man page and a pkg-config file (DESTDIR for staged installs).  The
# library is static, so the .pc lists every dependency on its Libs line;
# the optimised SUNDIALS goes to lib/qsync/, where it replaces no other.
PC_FILE := $(DESTDIR)$(PREFIX)/lib/pkgconfig/qsync.pc
install: $(QSYNC) $(LIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include/qsync $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(QSYNC) $(DESTDIR)$(PREFIX)/bin/qsync
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libqsync.a
	install -m 644 include/qsync/*.h $(DESTDIR)$(PREFIX)/include/qsync/
	install -m 644 docs/qsync.1 $(DESTDIR)$(PREFIX)/share/man/man1/qsync.1
	sundials=; if [ -n "$(SUNDIALS_DIR)" ] && [ -f "$(SUNDIALS_DIR)/lib/libsundials_cvode.a" ]; then \
	  install -d $(DESTDIR)$(PREFIX)/lib/qsync && \
	  install -m 644 $(SUNDIALS_DIR)/lib/libsundials_*.a $(DESTDIR)$(PREFIX)/lib/qsync/ && \
	  sundials=' -L$${libdir}/qsync'; fi; \
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' \
	  'libdir=$${prefix}/lib' '' 'Name: qsync' \
	  'Description: quantum synchronization: quantum-jump trajectories and Lindblad steady states' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir}'"$$sundials"' -lqsync $(LDLIBS) -fopenmp' >$(PC_FILE)

# Regenerate the files made from the tables of the code (tests/docs.sh
# fails when the committed ones are stale).
docs: $(QSYNC)
	$(QSYNC) help runfile --markdown >docs/runfile.md
	$(QSYNC) help --man >docs/qsync.1

demo: deps
	$(MAKE) $(QSYNC)
	$(QSYNC) compare runs/qubit_osc_default.ini --threads 2

# qsync against QuTiP 4.7 (docs/benchmarks.md): the tables go to
# docs/benchmarks.md; BENCH_QUICK=1 only tries the harness (tiny counts, no docs).
bench: bench-deps
	$(MAKE) $(QSYNC)
	QSYNC=$(QSYNC) /usr/bin/python3 analysis/bench.py
	@if [ "$${BENCH_QUICK:-0}" = 0 ]; then \
	  /usr/bin/python3 analysis/bench_table.py out/bench/results.json --write docs/benchmarks.md >/dev/null && \
	  echo "tables written to docs/benchmarks.md"; fi

# Long physics validations that do not fit in make test (a few minutes).
validate: deps
	$(MAKE) $(QSYNC)
	QSYNC=$(QSYNC) bash tests/validate.sh

# The two-qubit-oscillator paper's figures as PNGs in out/figures/ (a few minutes).
figures: deps
	$(MAKE) $(QSYNC)
	bash analysis/figures.sh

# The driven-resonator paper's figures (cavity_qubits) as PNGs in out/figures/
# (long: see docs/figures.md, "Figures of the driven-resonator paper").
figures-cavity: deps
	$(MAKE) $(QSYNC)
	bash analysis/cavity_figures.sh

# The two-qubit-oscillator paper's Figs. 10 and 11 (transmon realization, ~1 h).
figures-transmon: deps
	$(MAKE) $(QSYNC)
	bash analysis/transmon_figures.sh

# Bistability (qsync jumps at the Fig. 1 point, rates against the detuning)
# and emission spectra as PNGs in analysis/figures/ (about 20 CPU minutes).
figures-bistability: deps
	$(MAKE) $(QSYNC)
	bash analysis/bistability_figures.sh

# The test suite under AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps
	$(MAKE) BUILD=build-san SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer" \
	  OPT="-O1 -g" build-san/qsync build-san/test_qsync build-san/pcg_reference.txt
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  QS_PCG_REFERENCE=build-san/pcg_reference.txt QSYNC=build-san/qsync build-san/test_qsync
	ASAN_OPTIONS=detect_leaks=1 QSYNC=build-san/qsync bash tests/cli_errors.sh
	ASAN_OPTIONS=detect_leaks=1 QSYNC=build-san/qsync bash tests/faults.sh

# libFuzzer over run-file loading, overrides, model construction and the
# output-directory name (tests/fuzz/fuzz_runfile.c), with ASan and UBSan,
# for FUZZ_SECONDS; new inputs go to build-fuzz/corpus, a crash to
# build-fuzz/crash-* (make it a tests/bad_inputs case: docs/validation.md).
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer -include tests/fuzz/clang_compat.h -Wno-pass-failed \
            -Wno-missing-field-initializers
FUZZ_SEEDS := runs tests/regress tests/bad_inputs tests/fuzz/seeds
fuzz: fuzz-deps
	$(MAKE) CC=clang CI= BUILD=build-fuzz OPT="-O1 -g" \
	  SANITIZE="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" build-fuzz/fuzz_runfile
	@mkdir -p build-fuzz/corpus
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  build-fuzz/fuzz_runfile -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 \
	  -artifact_prefix=build-fuzz/ -print_final_stats=1 build-fuzz/corpus $(FUZZ_SEEDS)

build-fuzz/fuzz_runfile: build-fuzz/tests/fuzz/fuzz_runfile.o $(LIB)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

clean:
	rm -rf build build-san build-fuzz out
