#!/usr/bin/env bash
# `qsync gap`: over a [sweep] of the damped empty cavity the gap is gamma/2
# with Im mu1 = domega (closed form, docs/methods.md); dense and arpack
# agree to 1e-8 on a cavity with a qubit; --threads 1 and 2 give the same
# bytes; bad input exits 2 naming the key.  Prints "gap: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cat >"$work/cavity.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 0
ncav    = 6
gamma   = 0.5
F       = 0.8
displace = on
[gap]
nev    = 3
method = arpack
[sweep]
key    = model.domega
values = 0.3, 0.7, 1.2
INI

if "$QSYNC" gap "$work/cavity.ini" --quiet --out "$work/a" --threads 1 &&
  "$QSYNC" gap "$work/cavity.ini" --quiet --out "$work/b" --threads 2; then
  ok "gap over a sweep exits 0"
else
  bad "gap over a sweep failed"
fi
if cmp -s "$work/a/summary.tsv" "$work/b/summary.tsv"; then
  ok "summary.tsv identical for --threads 1 and 2"
else
  bad "summary.tsv differs between --threads 1 and 2"
fi

# -gamma (n + m)/2 + i domega (n - m): -gamma/2 +- i domega, then -gamma (ratio 2).
python3 - "$work/a/summary.tsv" <<'PY' && ok "damped cavity: gap gamma/2, Im mu1 = domega, ratio 2, units" || bad "damped cavity closed form"
import math, sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0].lstrip("# ").split("\t")
units = lines[1]
assert units.startswith("# units:") and "lambda" in units, units
assert head[:6] == ["domega", "gap", "mu1.re", "mu1.im", "mu2.re", "mu2.im"], head
assert "ratio" in head and "im_window" in head
rows = [dict(zip(head, map(float, l.split("\t")))) for l in lines[2:]]
assert [r["domega"] for r in rows] == [0.3, 0.7, 1.2]
for r in rows:
    assert abs(r["gap"] - 0.25) < 1e-8, r
    assert abs(r["mu1.re"] + 0.25) < 1e-8 and abs(r["mu1.im"] - r["domega"]) < 1e-8, r
    assert abs(r["mu2.im"] + r["domega"]) < 1e-8, r
    assert abs(r["ratio"] - 2) < 1e-8, r
PY

cat >"$work/qubit.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 1
ncav    = 7
F       = 0.6
gamma   = 0.4
gamma_s = 0.25
domega  = -0.4
[gap]
nev = 5
INI
if "$QSYNC" gap "$work/qubit.ini" --quiet --out "$work/d" --set gap.method=dense &&
  "$QSYNC" gap "$work/qubit.ini" --quiet --out "$work/r" --set gap.method=arpack &&
  "$QSYNC" gap "$work/qubit.ini" --quiet --out "$work/k" --set gap.method=arpack_krylov; then
  python3 - "$work/d/summary.tsv" "$work/r/summary.tsv" "$work/k/summary.tsv" <<'PY' && ok "dense, arpack and arpack_krylov agree to 1e-8" || bad "dense and arpack differ"
import sys
def row(path):
    lines = open(path).read().splitlines()
    return dict(zip(lines[0].lstrip("# ").split("\t"), map(float, lines[2].split("\t"))))
d = row(sys.argv[1])
for path in sys.argv[2:]:
    r = row(path)
    for k in ["gap"] + ["mu%d.%s" % (i, p) for i in range(1, 6) for p in ("re", "im")]:
        assert abs(d[k] - r[k]) < 1e-8, (path, k, d[k], r[k])
PY
else
  bad "gap dense/arpack runs failed"
fi

expect_fail() { # NAME NEEDLE ARGS...: `qsync gap ARGS` is refused
  refused "$1" "$2" gap "${@:3}" --quiet --out "$work/fail"
}
expect_fail "nev 0 refused" "[gap] nev" "$work/qubit.ini" --set gap.nev=0
expect_fail "unknown method refused" "auto | dense | arpack" "$work/qubit.ini" --set gap.method=lu
expect_fail "tol out of range refused" "[gap] tol" "$work/qubit.ini" --set gap.tol=0.5
expect_fail "lab frame refused" "time-independent" "$work/qubit.ini" --set model.frame=lab
expect_fail "memory limit refused" "memory limit" "$work/qubit.ini" --max-memory 1k

finish gap
