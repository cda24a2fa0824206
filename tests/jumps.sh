#!/usr/bin/env bash
# `qsync jumps` on the short Fig. 1 run file (runs/jumps_fig1_short.ini):
# the summary has its columns with finite values, run.h5 holds the streamed
# records (one group per trajectory, every sample), --threads 1 and 2 give
# the same datasets bit for bit, and bad input is refused (exit 2) naming
# the key.  Prints "jumps: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
short=$here/runs/jumps_fig1_short.ini

if "$QSYNC" jumps "$short" --out "$work/a" --threads 1 >"$work/a.txt" &&
  "$QSYNC" jumps "$short" --quiet --out "$work/b" --threads 2; then
  ok "jumps on the short Fig. 1 file exits 0 (threads 1 and 2)"
else
  bad "jumps on the short Fig. 1 file failed"
fi

# Columns present and finite (the analysis columns may be nan only where
# documented: none of the ones listed here).
/usr/bin/python3 - "$work/a/summary.tsv" <<'PY' && ok "summary.tsv: columns present and finite" || bad "summary.tsv columns"
import math, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if not l.startswith("# units")]
cols = lines[0].lstrip("# ").split("\t")
row = dict(zip(cols, map(float, lines[1].split("\t"))))
need = ["ntraj", "n_samples", "t_record", "n_jumps", "jump_rate",
        "n", "n_se", "n_exact", "Sz_1", "Sz_1_se", "Sx_1_exact"]
need += ["rate_12", "rate_21", "rate_sum", "rate_sum_se", "gap", "psd_width",
         "psd_width_se", "p_state1", "p_state1_exact", "n_switches"]
missing = [c for c in need if c not in row]
assert not missing, "missing columns %s" % missing
finite = [c for c in need if not math.isfinite(row[c])]
assert not finite, "not finite: %s" % finite
assert row["ntraj"] == 2 and row["n_samples"] == 3001 and row["n_se"] > 0
assert row["n_switches"] > 10
assert math.isclose(row["rate_sum"], row["rate_12"] + row["rate_21"], rel_tol=1e-9)
assert 0 < row["p_state1"] < 1 and 0 < row["p_state1_exact"] < 1
PY

# The printed three-way table: every measure, and a DISAGREE line for
# exactly the pairs whose |z| in summary.tsv exceeds 3.
/usr/bin/python3 - "$work/a/summary.tsv" "$work/a.txt" <<'PY' && ok "three-way table printed, DISAGREE exactly where |z| > 3" || bad "three-way table"
import sys
lines = open(sys.argv[1]).read().splitlines()
row = dict(zip(lines[0].lstrip("# ").split("\t"), map(float, lines[1].split("\t"))))
out = open(sys.argv[2]).read()
for m in ("rate_sum  =", "gap       =", "psd_width =", "z: rate_sum - gap ="):
    assert m in out, m
pairs = {"z_rates_gap": "rate_sum - gap", "z_psd_gap": "psd_width - gap",
         "z_rates_psd": "rate_sum - psd_width"}
for col, name in pairs.items():
    said = ("DISAGREE beyond errors: %s (" % name) in out
    assert said == (abs(row[col]) > 3), (col, row[col], said)
PY

# The tables of the analysis: dwell histograms of both states, the PSD
# with its fitted Lorentzian.
/usr/bin/python3 - "$work/a" <<'PY' && ok "dwells.tsv and psd.tsv filled" || bad "dwells.tsv / psd.tsv"
import sys, math
def table(name):
    lines = [l for l in open(sys.argv[1] + "/" + name).read().splitlines()]
    cols = lines[0].lstrip("# ").split("\t")
    return [dict(zip(cols, map(float, l.split("\t")))) for l in lines[1:]]
d = table("dwells.tsv")
assert {r["state"] for r in d} == {1.0, 2.0} and sum(r["count"] for r in d) > 10
p = table("psd.tsv")
assert len(p) > 10 and all(math.isfinite(r["lorentzian"]) for r in p)
PY

# The records: every trajectory's samples, jump times in the window and
# increasing, jump counts adding up to the summary's; and the same bits
# for any thread count.
/usr/bin/python3 - "$work/a/run.h5" "$work/b/run.h5" "$work/a/summary.tsv" <<'PY' && ok "run.h5 records complete, identical for threads 1 and 2" || bad "run.h5 records"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
g = a["signals"]
assert g.attrs["names"] == b"n,Sz_1,Sx_1" and g.attrs["ntraj"] == 2
jumps = 0
for i in range(2):
    t = g["traj_%06d" % i]
    v, jt = t["values"][()], t["jump_time"][()]
    assert v.shape == (3001, 3) and np.all(np.isfinite(v))
    assert np.all(np.diff(jt) >= 0) and jt[0] >= 50 and jt[-1] <= 3050
    jumps += len(jt)
lines = open(sys.argv[3]).read().splitlines()
row = dict(zip(lines[0].lstrip("# ").split("\t"), map(float, lines[1].split("\t"))))
assert jumps == row["n_jumps"], (jumps, row["n_jumps"])
def walk(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o[()].tobytes()) if isinstance(o, h5py.Dataset) else None)
    return out
da, db = walk(a), walk(b)
assert da.keys() == db.keys() and all(da[k] == db[k] for k in da), "datasets differ"
PY
if cmp -s "$work/a/summary.tsv" "$work/b/summary.tsv"; then
  ok "summary.tsv identical for --threads 1 and 2"
else
  bad "summary.tsv differs between --threads 1 and 2"
fi
if [ -z "$(ls -A "$work/a" | grep -v -e '^run.h5$' -e '\.tsv$')" ]; then
  ok "no scratch file left in the output directory"
else
  bad "the records scratch file was left behind"
fi

# SIGTERM during the trajectories: no result and no scratch file remains.
"$QSYNC" jumps "$short" --quiet --out "$work/int" --set jumps.t_end=1e6 2>/dev/null &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 143 ] && [ -z "$(ls -A "$work/int" 2>/dev/null)" ]; then
  ok "SIGTERM during the run leaves nothing in the output directory"
else
  bad "SIGTERM: exit $rc, left: $(ls -A "$work/int" 2>/dev/null)"
fi

# A [sweep]: one summary row per point, one records group per point.
if "$QSYNC" jumps "$short" --quiet --out "$work/s" --set sweep.key=model.domega \
     --set sweep.values=0.15,0.25 --set jumps.t_end=1000 --set jumps.ntraj=1 &&
  /usr/bin/python3 - "$work/s" <<'PY'
import sys, h5py
lines = open(sys.argv[1] + "/summary.tsv").read().splitlines()
assert lines[0].startswith("# domega\t") and len(lines) == 3, lines[:1]
assert [float(l.split("\t")[0]) for l in lines[1:]] == [0.15, 0.25]
with h5py.File(sys.argv[1] + "/run.h5", "r") as f:
    assert sorted(f["signals"]) == ["point_0000", "point_0001"]
    assert f["signals/point_0001/traj_000000/values"].shape == (1001, 3)
PY
then
  ok "a [sweep] over domega: a row and a records group per point"
else
  bad "jumps over a [sweep]"
fi

if "$QSYNC" jumps "$short" --quiet --out "$work/h" --set jumps.method=hmm; then
  ok "method = hmm runs"
else
  bad "method = hmm failed"
fi

# --ntraj sets [jumps] ntraj (the long trajectories), as --set jumps.ntraj does.
if "$QSYNC" jumps "$short" --quiet --out "$work/n1" --ntraj 1 &&
   /usr/bin/python3 -c "import sys, h5py; sys.exit(int(h5py.File(sys.argv[1], 'r')['signals'].attrs['ntraj']) != 1)" \
     "$work/n1/run.h5"; then
  ok "--ntraj 1 runs one long trajectory"
else
  bad "--ntraj did not set [jumps] ntraj"
fi

refused "unknown signal named" "[jumps] signals: 'bogus'" jumps "$short" --quiet --out "$work/e1" \
  --set jumps.signals=n,bogus
refused "bad signals list" "[jumps] signals =" jumps "$short" --quiet --out "$work/e2" \
  --set "jumps.signals=n,,Sz_1"
refused "dt beyond t_end" "[jumps] dt" jumps "$short" --quiet --out "$work/e3" --set jumps.dt=5000
refused "unknown method" "[jumps] method =" jumps "$short" --quiet --out "$work/e4" \
  --set jumps.method=bogus
refused "too many batches" "[jumps] batches" jumps "$short" --quiet --out "$work/e5" \
  --set jumps.batches=1000 --set jumps.t_end=100

finish jumps
