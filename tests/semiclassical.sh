#!/usr/bin/env bash
# `qsync semiclassical`: at a bistable point (one qubit at the paper's
# Fig. 11 parameters, domega = 0.6: two minima of opposite <S_x>, checked
# independently in tests/test_semiclassical.c) minima.tsv has branches 0
# and 1 in increasing S with a units line and bound = eps / gap; a sweep
# gives one row per point and minimum and one summary row per point; a
# model the functional does not describe and bad keys exit 2 with a
# message.  Prints "semiclassical: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cat >"$work/bistable.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 1
ncav    = 10
delta_1 = 1
gamma   = 0.2
gamma_s = 0.2
F       = 0.77
domega  = 0.6
[semiclassical]
starts  = 32
INI

if "$QSYNC" semiclassical "$work/bistable.ini" --quiet --out "$work/a"; then
  ok "bistable point exits 0"
else
  bad "bistable point failed"
fi
python3 - "$work/a/minima.tsv" <<'PY' && ok "minima.tsv: two branches, units, bound = eps/gap" ||
import math, sys
lines = open(sys.argv[1]).read().splitlines()
names = lines[0].lstrip("# ").split("\t")
assert lines[1].startswith("# units:"), lines[1]
rows = [dict(zip(names, map(float, l.split("\t")))) for l in lines[2:]]
assert [r["branch"] for r in rows] == [0, 1], rows
assert all(r["minima"] == 2 for r in rows)
assert rows[0]["S"] <= rows[1]["S"]
assert rows[0]["Sx_1"] * rows[1]["Sx_1"] < 0
for r in rows:
    assert abs(r["eps"] - math.sqrt(r["S"])) < 1e-9 * (1 + r["eps"])
    assert r["gap"] > 0 and abs(r["bound"] - r["eps"] / r["gap"]) < 1e-9 * r["bound"]
    assert abs(r["n"] - (r["a.re"] ** 2 + r["a.im"] ** 2)) < 1e-9 * (1 + r["n"])
    assert abs(r["Sx"] - r["Sx_1"]) == 0
PY
  bad "minima.tsv content"

if "$QSYNC" semiclassical "$work/bistable.ini" --quiet --out "$work/b" --set semiclassical.gap=false \
  --set sweep.key=model.domega --set sweep.from=0.6 --set sweep.to=4 --set sweep.points=2; then
  python3 - "$work/b/minima.tsv" "$work/b/summary.tsv" <<'PY' && ok "sweep: rows per point and minimum" ||
import math, sys
def rows(path):
    lines = open(path).read().splitlines()
    names = lines[0].lstrip("# ").split("\t")
    return [dict(zip(names, map(float, l.split("\t")))) for l in lines[2:]]
m, s = rows(sys.argv[1]), rows(sys.argv[2])
assert len(s) == 2 and [r["domega"] for r in s] == [0.6, 4.0]
assert len(m) == sum(r["minima"] for r in s)
assert all(math.isnan(r["gap"]) and math.isnan(r["bound"]) for r in m)
for p in s:
    br = [r["branch"] for r in m if r["domega"] == p["domega"]]
    assert br == list(range(int(p["minima"]))), br
PY
    bad "sweep tables"
else
  bad "sweep run failed"
fi

expect_fail() { # NAME NEEDLE ARGS...: the bistable run with ARGS is refused
  refused "$1" "$2" semiclassical "$work/bistable.ini" --quiet --out "$work/fail" "${@:3}"
}
expect_fail "lab frame refused" "time-dependent" --set model.frame=lab
expect_fail "displaced cavity refused" "displaced" --set model.displace=on
expect_fail "starts = 0 refused" "starts" --set semiclassical.starts=0
expect_fail "tol out of range refused" "tol" --set semiclassical.tol=0.5

finish semiclassical
