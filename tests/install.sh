#!/usr/bin/env bash
# `make install` into a temporary prefix, then a small program compiled and
# linked with `pkg-config --cflags --libs qsync` only (the static library
# needs every dependency on the .pc's Libs line) and run: it builds the
# default qubit_osc model and its exact steady state, whose trace must be 1.
set -u
. "$(dirname "$0")/lib.sh"

prefix="$work/prefix"
if make --no-print-directory install PREFIX="$prefix" >"$work/install.log" 2>&1; then
  ok "make install PREFIX=$prefix"
else
  bad "make install: $(tail -5 "$work/install.log")"
fi
for f in bin/qsync lib/libqsync.a include/qsync/qsync.h include/qsync/runfile.h \
         lib/pkgconfig/qsync.pc share/man/man1/qsync.1; do
  [ -f "$prefix/$f" ] && ok "installed $f" || bad "not installed: $f"
done
"$prefix/bin/qsync" --version >/dev/null && ok "installed qsync --version" ||
  bad "installed qsync --version"

cat >"$work/three.c" <<'C'
#include <qsync/qsync.h>
#include <stdio.h>
int main(void) { const qs_model_type *t = qs_model_type_find("qubit_osc"); double v[QS_MODEL_MAX_PARAMS], res = 1.0; double complex rho[16]; qs_model *m = NULL; qs_model_defaults(t, v); int ok = qs_model_create(t, v, &m, NULL, 0) == QS_OK && m->space.total == 4 && qs_steady_state(m, QS_STEADY_SPARSE_LU, rho, &res) == QS_OK; printf("qsync %s %.12f\n", QSYNC_VERSION, ok ? creal(rho[0] + rho[5] + rho[10] + rho[15]) : -1.0); qs_model_destroy(&m); return !ok; }
C
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # the flags are meant to split into words
if ${CC:-gcc} "$work/three.c" $(pkg-config --cflags --libs qsync) -o "$work/three" 2>"$work/cc.err"; then
  ok "compile and link against pkg-config --cflags --libs qsync"
else
  bad "compile and link against pkg-config qsync: $(head -20 "$work/cc.err")"
fi
# The trace of rho is 1 by construction of every steady-state method.
out=$("$work/three" 2>&1)
version=$(sed -n 's/^#define QSYNC_VERSION "\(.*\)"/\1/p' include/qsync/output.h)
if [ "$out" = "qsync $version 1.000000000000" ]; then
  ok "the linked program runs: $out"
else
  bad "the linked program: '$out'"
fi

finish install
