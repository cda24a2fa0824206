#!/usr/bin/env bash
# `qsync validity`: a 2-D sweep writes one row per point with a units line;
# every comparison fills its columns (D in [0, 1]; the lab frame's are NaN
# when off); --threads 1 and 2 give the same numbers; bad input exits 2 with a
# message naming the key.  Prints "validity: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cat >"$work/map.ini" <<'INI'
[model]
name     = cavity_qubits
nqubits  = 1
ncav     = 8
displace = on
delta    = 2
F        = 0.5
gamma    = 1
gamma_s  = 1
omega0   = 10
[validity]
lab = true
[mesolve]
t_end       = 4
n_times     = 5
avg_periods = 4
[sweep]
key     = model.domega
from    = -1
to      = 1
points  = 3
key2    = model.gamma
values2 = 0.5, 1
INI

if "$QSYNC" validity "$work/map.ini" --quiet --out "$work/a" --threads 1 &&
  "$QSYNC" validity "$work/map.ini" --quiet --out "$work/b" --threads 2; then
  ok "validity over a 2-D sweep exits 0"
else
  bad "validity over a 2-D sweep failed"
fi

tsv="$work/a/validity.tsv"
python3 - "$tsv" "$work/b/validity.tsv" <<'PY' && ok "validity.tsv: 6 rows, units, lab columns, threads" || bad "validity.tsv content"
import math, sys
def read(path):
    lines = open(path).read().splitlines()
    assert lines[0].startswith("# domega\tgamma\t"), lines[0]
    assert lines[1].startswith("# units: lambda\tlambda\t"), lines[1]
    names = lines[0][2:].split("\t")
    rows = [dict(zip(names, map(float, l.split("\t")))) for l in lines[2:]]
    return names, rows
names, rows = read(sys.argv[1])
_, rows2 = read(sys.argv[2])
assert len(rows) == 6, len(rows)
# the inner axis runs fastest
assert [r["domega"] for r in rows] == [-1, 0, 1, -1, 0, 1]
assert [r["gamma"] for r in rows] == [0.5] * 3 + [1] * 3
for r, r2 in zip(rows, rows2):
    assert r["residual"] < 1e-10
    assert 0 < r["lab.D"] < 1, r["lab.D"]
    assert 0 <= r["sc.D"] <= 1 and r["sc.minima"] >= 1 and r["sc.eps"] > 0
    assert r["rs.converged"] in (0, 1) and r["rs.order"] >= 0 and 0 <= r["rs.D"] <= 1
    assert r["gap"] > 0 and abs(r["gap_over_gamma"] - r["gap"] / r["gamma"]) < 1e-12
    # the differences are the differences of the columns
    assert abs(r["lab.d_Sz"] - (r["lab.Sz"] - r["Sz"])) < 1e-9
    assert abs(r["lab.d_n"] - (r["lab.n"] - r["n"])) < 1e-9
    for k in names:
        if k != "seconds":
            assert (math.isnan(r[k]) and math.isnan(r2[k])) or r[k] == r2[k], k
PY

# the lab comparison off: its columns are NaN, the exact ones unchanged
if "$QSYNC" validity "$work/map.ini" --quiet --out "$work/c" --set validity.lab=false; then
  python3 - "$tsv" "$work/c/validity.tsv" <<'PY' && ok "lab = false: NaN lab columns" || bad "lab = false"
import math, sys
def rows(path):
    lines = open(path).read().splitlines()
    names = lines[0][2:].split("\t")
    return [dict(zip(names, map(float, l.split("\t")))) for l in lines[2:]]
for a, c in zip(rows(sys.argv[1]), rows(sys.argv[2])):
    assert math.isnan(c["lab.D"]) and math.isnan(c["lab.Sx"])
    assert a["Sx"] == c["Sx"] and a["n"] == c["n"]
PY
else
  bad "lab = false run failed"
fi

# a single point prints the comparisons
out=$("$QSYNC" validity "$work/map.ini" --out "$work/d" --set sweep.key=none \
  --set sweep.key2=none 2>&1)
grep -q "lab frame      D = " <<<"$out" && ok "single point prints the lab comparison" ||
  bad "single point output: $out"

expect_fail() { # NAME NEEDLE ARGS...: the map run with ARGS is refused
  refused "$1" "$2" validity "$work/map.ini" --quiet --out "$work/fail" "${@:3}"
}
expect_fail "bad [validity] lab value" "lab" --set validity.lab=maybe
expect_fail "averaging window longer than t_end" "avg_periods" --set mesolve.avg_periods=100
expect_fail "a point whose model cannot be built" "displace" --set sweep.values2="0, 1" \
  --set sweep.from=0 --set sweep.to=0 --set sweep.points=1

finish validity
